"""Finding the schedule in a page: every candidate structure read, the best one kept."""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.importer.dates import TERM
from kg.importer.read import PageError
from kg.importer.rows import Page, Row, clean
from kg.importer.tables import parse_html, parse_markdown_table
from kg.importer.text import parse_dated_lines, parse_numbered, parse_pipe_rows

_CODE_MIT = re.compile(r"(?<![\d.])\d{1,2}\.[A-Z]?\d{2,4}\b")
_CODE = re.compile(r"\b[A-Z]{2,5}\s?[A-Z]?\d{2,4}[A-Z]?(?:/\d{2,4}[A-Z]?)*\b")


def _heading(lines: list[str], heading: str | None) -> tuple[str | None, str | None, str | None]:
    """Course name, code and term from the top of the page (short lines only)."""
    candidates = ([heading] if heading else []) + [ln for ln in lines[:15]]
    term: str | None = None
    name: str | None = None
    code: str | None = None
    for ln in candidates:
        s = clean(ln.replace("|", " | ")).strip(" |#")
        if not s or len(s) > 80:
            continue
        if term is None and (t := TERM.search(s)):
            term = f"{t.group(1).capitalize()} {t.group(2)}"
        if code is None:
            m = _CODE_MIT.search(s) or _CODE.search(s)
            if m:
                code = m.group(0)
                rest = (s[: m.start()] + " " + s[m.end():]).replace("|", " ")
                rest = re.sub(r"\(\s*\)|\[\s*\]", " ", TERM.sub(" ", rest))
                words = rest.split()
                while words and re.fullmatch(r"[A-Z]{2,6}[\d.]*", words[0]):
                    words.pop(0)  # institution and department acronyms
                cand = " ".join(words).strip(" -–:,")
                if cand and len(cand) <= 60 and re.search(r"[A-Za-z]{3}", cand):
                    name = cand
    return name, code, term


# ---------------------------------------------------------------- layout detection

# Structural tags only: a Markdown page with an inline <a> or <br> is still Markdown.
_HTML_TAG = re.compile(r"<\s*(?:!doctype|html|head|body|table|tr|td|th|div|p|ul|ol|li|h[1-6])\b", re.I)


def parse_page(text: str, source: str = "<page>") -> Page:
    """Find the schedule in a page's text and read its rows.

    Tries, in order: an HTML ``<table>`` with Date/Topic-like headers (other HTML is read
    as text), a Markdown table, pipe-separated dated records (MIT), dated lines (the
    Berkeley capture), and a numbered lecture list (BU).

    Raises
    ------
    PageError
        When the page is empty or no schedule is found.
    """
    if not text.strip():
        raise PageError("page is empty", source)
    heading: str | None = None
    rows: list[Row] | None = None
    layout = ""
    texts = [text]
    if len(_HTML_TAG.findall(text[:200_000])) >= 2:
        rows, rendered, heading = parse_html(text)
        layout = "html-table"
        texts.insert(0, rendered)  # the page as text first, then the raw source
    readers: list[tuple[str, Callable[[list[str]], list[Row] | None]]] = [
        ("markdown-table", parse_markdown_table),
        ("pipe-rows", parse_pipe_rows),
        ("dated-lines", parse_dated_lines),
        ("numbered-list", parse_numbered),
    ]
    lines: list[str] = []
    for candidate in texts:
        lines = candidate.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for layout_name, reader in readers:
            if rows:
                break
            rows, layout = reader(lines), layout_name
        if rows:
            break
    if not rows or not any(r.title for r in rows):
        raise PageError(
            "no schedule found: expected dated rows ('Tue 9/9 | Title'), a numbered lecture list "
            "('01 - Title'), or a table with Date and Topic columns",
            source,
        )
    first = min(r.line for r in rows)
    name, code, term = _heading(lines[: max(1, first - 1)] if layout != "html-table" else lines, heading)
    return Page(source=source, layout=layout, rows=rows, name=name, code=code, term=term)
