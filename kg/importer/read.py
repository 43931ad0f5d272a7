"""Reading a page file: bytes to text, within limits, or one clear error."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

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


def read_page(path: str | Path, *, limit: int = MAX_PAGE_BYTES) -> str:
    """The text of a page file, or a one-line :class:`PageError` naming the file.

    ``"-"`` reads standard input. Text is UTF-8, or UTF-16 or UTF-32 when the page starts
    with their byte-order mark. Refuses files over ``limit`` bytes, empty files, binary
    files (NUL bytes) and text in any other encoding.
    """
    import sys

    name = str(path)
    if name == "-":
        raw = sys.stdin.buffer.read(limit + 1)
        name = "<stdin>"
    else:
        p = Path(path)
        try:
            if p.is_dir():
                raise PageError("is a directory, not a page", name)
            size = p.stat().st_size
            if size > limit:
                raise PageError(f"page is {size:,} bytes, over the {limit:,}-byte limit", name)
            raw = p.read_bytes()
        except OSError as exc:
            raise PageError(f"cannot read page: {exc.strerror or exc}", name) from None
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
        return drop_controls(text.lstrip("\ufeff"))
    if not raw.strip():
        raise PageError("page is empty", name)
    if b"\x00" in raw:
        if _looks_utf16(raw):
            raise PageError("page looks like UTF-16 text without a byte-order mark; save it as UTF-8", name)
        raise PageError("page is binary (it contains NUL bytes), not HTML, text or Markdown", name)
    try:
        return drop_controls(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise PageError(
            f"page is not UTF-8 text (byte 0x{bad} on line {line}); save it as UTF-8", name
        ) from None


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
