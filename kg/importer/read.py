"""Reading a page file: bytes to text, within limits, or one clear error."""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path
from typing import IO

import filetype

from kg.errors import PageError

MAX_PAGE_BYTES = 5_000_000
"""Pages larger than this are refused: no syllabus is this big, and parsing would be slow."""


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def drop_controls(text: str) -> str:
    """``text`` without control characters (tab and line ends kept): a page may hold
    them, a course file may not.

    >>> drop_controls("Back\x08prop\x1b[31m and\tmore")
    'Backprop[31m and\tmore'
    """
    return _CONTROLS.sub("", text)


def _read_bounded(f: IO[bytes], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a stream, in pieces: a device or a pipe that never
    ends (``/dev/zero``, ``yes |``) is read to just past the limit, never to its end."""
    parts: list[bytes] = []
    got = 0
    while got <= limit:
        piece = f.read(min(1 << 20, limit + 1 - got))
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return b"".join(parts)


def read_page(path: str | Path, *, limit: int = MAX_PAGE_BYTES) -> str:
    """The text of a page file, or a one-line :class:`PageError` naming the file.

    ``"-"`` reads standard input; a pipe or a device is read as far as ``limit``. Text is
    UTF-8, or UTF-16 or UTF-32 when the page starts with their byte-order mark. Refuses
    files over ``limit`` bytes, empty files, directories, binary files (an image, a PDF,
    an archive, by their first bytes; anything with NUL bytes) and text in any other
    encoding.
    """
    import sys

    name = str(path)
    if name == "-":
        raw = _read_bounded(sys.stdin.buffer, limit)
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                if stat.S_ISDIR(st.st_mode):
                    raise PageError("is a directory, not a page", name)
                if stat.S_ISREG(st.st_mode) and st.st_size > limit:
                    raise PageError(f"page is {st.st_size:,} bytes, over the {limit:,}-byte limit", name)
                raw = _read_bounded(f, limit)
        except IsADirectoryError:
            raise PageError("is a directory, not a page", name) from None
        except OSError as exc:
            raise PageError(f"cannot read page: {exc.strerror or exc}", name) from None
    kind = _binary_kind(raw)
    if kind is not None:
        raise PageError(f"page is binary: {kind}", name)
    if len(raw) > limit:
        raise PageError(f"page is over the {limit:,}-byte limit", name)
    encoding = "utf-8-sig"
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            encoding = enc  # the page says how it is written
            break
    if encoding != "utf-8-sig":
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise PageError(
                f"page is not {encoding.upper()} text as its byte-order mark says (bad bytes at "
                f"byte {exc.start:,}); save it as UTF-8", name
            ) from None
        if not text.strip("\ufeff \t\r\n\f\v"):
            raise PageError("page is empty", name)
        if "\x00" in text:
            raise PageError("page is binary (it contains NUL characters), not HTML, text or Markdown", name)
        return _some_text(text.lstrip("\ufeff"), name)
    if not raw.strip():
        raise PageError("page is empty", name)
    if b"\x00" in raw:
        if _looks_utf16(raw):
            raise PageError("page looks like UTF-16 text without a byte-order mark; save it as UTF-8", name)
        raise PageError("page is binary (it contains NUL bytes), not HTML, text or Markdown", name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise PageError(
            f"page is not UTF-8 text (byte 0x{bad} on line {line}); save it as UTF-8", name
        ) from None
    return _some_text(text, name)


def _some_text(text: str, name: str) -> str:
    """``text`` without its control characters, unless that leaves no text."""
    kept = drop_controls(text)
    if not kept.strip():
        raise PageError("page is empty" if not text.strip() else "page holds no text, only control characters", name)
    return kept


# Byte-order marks: a page that starts with one says its encoding (UTF-32's first, as
# UTF-32-LE's mark starts with UTF-16-LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_utf16(raw: bytes) -> bool:
    """Whether NUL bytes sit at every other place, as in text of Latin letters
    written as UTF-16: only said in the error, the page is never read so."""
    sample = raw[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return half >= 2 and min(even, odd) == 0 and max(even, odd) >= 0.6 * half


# What filetype's names say about a file a user might give as a page, for the error;
# documents get a hint (their text can be saved as a page).
_KINDS = {
    "pdf": "a PDF document", "rtf": "an RTF document", "epub": "an EPUB book",
    "docx": "a Word document", "doc": "a Word document", "odt": "an OpenDocument text",
    "xlsx": "an Excel workbook", "xls": "an Excel workbook", "ods": "an OpenDocument spreadsheet",
    "pptx": "a PowerPoint presentation", "ppt": "a PowerPoint presentation",
    "odp": "an OpenDocument presentation", "sqlite": "an SQLite database",
    "zip": "a ZIP archive", "gz": "a gzip archive", "bz2": "a bzip2 archive", "xz": "an xz archive",
    "zst": "a zstd archive", "7z": "a 7-Zip archive", "rar": "a RAR archive", "tar": "a tar archive",
}
_FAMILY = {"image": "image", "video": "video", "audio": "audio file", "font": "font"}


def _binary_kind(raw: bytes) -> str | None:
    """What a page's first bytes say it is when it is a file of a known binary format
    (an image, a PDF, an archive: the ``filetype`` package's magic numbers), as the
    error says it, else None. (A PDF may hold no NUL byte and decode as UTF-8.)"""
    got = filetype.guess(raw[:8192])
    if got is None:
        return None
    ext, mime = str(got.extension), str(got.mime)
    what = _KINDS.get(ext)
    if what is None:
        noun = _FAMILY.get(mime.split("/")[0], "file")
        what = f"{'an' if ext[:1] in 'aeio' else 'a'} {ext.upper()} {noun}"
    hint = "; save its text as a page" if "document" in what or "Word" in what or "presentation" in what else ""
    return f"{what} ({mime}), not HTML, text or Markdown{hint}"
