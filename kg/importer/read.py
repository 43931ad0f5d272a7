"""Reading a page file: bytes to text, within limits, or one clear error."""

from __future__ import annotations

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

    ``"-"`` reads standard input. Refuses files over ``limit`` bytes, empty files, binary
    files (NUL bytes) and text that is not UTF-8.
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
    if not raw.strip():
        raise PageError("page is empty", name)
    if b"\x00" in raw:
        raise PageError("page is binary (it contains NUL bytes), not HTML, text or Markdown", name)
    try:
        return drop_controls(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise PageError(
            f"page is not UTF-8 text (byte 0x{bad} on line {line}); save it as UTF-8", name
        ) from None
