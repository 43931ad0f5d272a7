"""Finding the schedule in a page: every candidate structure read, the best one kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg import collector
from kg.importer.datafile import data_file_group
from kg.importer.dates import TERM, PageDate, day_first, days_later, find_date, weekday_number
from kg.importer.fronts import (
    asciidoc_to_html, delimited_to_html, ics_to_html, mdx_components, sniff_format,
)
from kg.importer.latex import latex_to_html
from kg.importer.document import (
    FRONT_MATTER, Document, Group, calendar_group, markdown_to_html, org_to_markdown, parse_document, rst_as_text,
    rst_to_html, scribble_to_html,
)
from kg.importer.read import drop_controls
from kg.importer.records import record_rows
from kg.importer.rows import Page, Row, clean
from kg.errors import PageError
from kg.importer.tables import table_rows
from kg.importer.text import Later, parse_dated_lines, parse_numbered, parse_pipe_rows

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# (Not a time: "15.00-17.00", "9.30 am".)
_CODE_MIT = re.compile(r"(?<![\d.])\d{1,2}\.[A-Z]?\d{2,4}\b(?!\s*(?:[-–]\s*\d|[AaPp]\.?[Mm]\b|h\b))")
_CODE = re.compile(
    r"\b(?:[A-Z]{2,5}-)?[A-Z]{2,5}\s?[A-Z]?\d{2,4}[A-Z]?(?:/\d{2,4}[A-Z]?)*\b"
    r"|(?<![\d/-])\d{2}-\d{3}(?:/\d{2}-\d{3})*(?![\d-])"  # CMU's "10-605/10-805"
)
# A year, or an academic year ("2023/24", "2023-2024"), not part of a code ("IN2064") or a date.
# (Or a year and its term's number: "2025.2", "2025-1".)
_YEAR_WORD = re.compile(
    r"(?<![\w./-])(19[89]\d|20\d\d)(?:\s*[/-]\s*((?:19|20)?\d\d)|[.-][12](?!\d))?(?!\d|[./-]\d)")
_CLAUSE_SEP = re.compile(r"\s*[,;:·|•—–(]\s*")
# A year a longer line gives with its term: "1º semestre de 2024", "A.A. 2023/2024",
# "Wintersemester 2023/24", "année universitaire 2023-2024", "2023年度".
_TERM_YEAR = re.compile(
    r"(?i)\b(?:semest(?:er|re)|cuatrimestre|trimest(?:er|re)|quarter|term|session|a\.\s?a\.|ann[ée]e|anno|ano|año|"
    r"studiejaar|academic\s+year|wintersemester|sommersemester|ws|ss|sose|wise|automne|printemps|oto[ñn]o|"
    r"primavera|autunno|herbst|fr[üu]hjahr|fall|spring|autumn|winter|summer)\b[^\d.;]{0,30}?(?=(?:19|20)\d\d)"
    r"|(?=(?:19|20)\d\d\s*年度)"
)
# Words that name a page, not a course ("CS 300 Schedule").
_PAGE_WORDS = frozenset(
    "schedule syllabus calendar course class lecture lectures home homepage page website site info "
    "information overview outline tentative the of and for".split()
)
# Words that name a place, not a course ("NYU Center for Data Science").
_PLACE_WORDS = re.compile(
    r"(?i)\b(?:university|universit[éà]|college|school|institute|department|dept|faculty|center|centre|"
    r"laborator(?:y|ies))\b"
)


def _heading(
    lines: list[str], heading: str | None, schedule: frozenset[str] = frozenset()
) -> tuple[str | None, str | None, str | None, int | None, bool]:
    """Course name, code, term and year from the top of the page (short lines only):
    the lines before the schedule (a line that is one of its titles, or holds a day's
    date, ends the top). The year is the one year the top names ("Schedule 2024"),
    if it names just one."""
    candidates = ([heading] if heading else []) + [ln for ln in lines[:15]]
    term: str | None = None
    name: str | None = None
    code: str | None = None
    years: set[int] = set()
    academic: set[int] = set()
    for ln in candidates:
        s = clean(ln.replace("|", " | ")).strip(" |#")
        if s in schedule or (s and find_date(s) is not None and ln is not heading):
            break
        if not s or len(s) > 300:
            continue
        if len(s) > 80:
            # A long line: the year of a short clause of its first sentence that names
            # the term ("1º semestre de 2024. Aulas às segundas..."), not a year its
            # prose mentions ("Do not refer to material from Fall 2024").
            for clause in _CLAUSE_SEP.split(s.split(". ", 1)[0]):
                t = _TERM_YEAR.search(clause) if len(clause) <= 40 else None
                if t is not None:
                    _years(clause[t.end():][:12], years, academic)
            continue
        _years(s, years, academic)
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
                cand = " ".join(words).strip(" -–—:,·•")
                if " · " in cand or " • " in cand:
                    # "Code · Term · Place": the parts that are left, each its own.
                    parts = [p for p in re.split(r"\s+[·•]\s+", cand) if re.search(r"[A-Za-z]{3}", p)]
                    cand = parts[0] if len(parts) == 1 else ""
                generic = all(w.lower().strip("()[],.:;-") in _PAGE_WORDS for w in cand.split())
                if cand and len(cand) <= 60 and re.search(r"[A-Za-z]{3}", cand) and not _PLACE_WORDS.search(cand) \
                        and not generic:
                    name = cand
    if len(academic) == 1:
        return name, code, term, next(iter(academic)), True
    year = next(iter(years)) if len(years) == 1 else None
    return name, code, term, year, False


def _years(s: str, years: set[int], academic: set[int]) -> None:
    """The years ``s`` names, and the first years of the academic years it names."""
    for m in _YEAR_WORD.finditer(s):
        first, second = int(m.group(1)), m.group(2)
        if second is None:
            years.add(first)
        elif int(second[-2:]) == (first + 1) % 100:
            academic.add(first)  # "2023/24": the term starts in 2023


# ---------------------------------------------------------------- layout detection

# Structural tags only: a Markdown page with an inline <a> or <br> is still Markdown.
_HTML_TAG = re.compile(r"<\s*(?:!doctype|html|head|body|table|tr|td|th|div|p|ul|ol|li|h[1-6])\b", re.I)
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body)\b", re.I | re.S)
_ALPHA = re.compile(r"[^\W\d_]{2}")


@dataclass
class Candidate:
    """A structure read into rows and scored. The reading of what the score does not
    use (a row's speakers, readings, assignments...) is left in ``later`` and done
    by :meth:`finished` for the structure kept only."""

    layout: str
    rows: list[Row]
    score: float
    later: Later = field(default_factory=list)

    def finished(self) -> list[Row]:
        """The rows, read in full."""
        for work in self.later:
            work()
        self.later = []
        return self.rows


def _weight(row: Row) -> float:
    title = row.title
    if not title or not _ALPHA.search(title) or len(title) > 160:
        return 0.0
    words = len(title.split())
    prose = words > 14 or (words > 6 and title.rstrip().endswith((".", "!", "?")))
    mark = 1.0 if row.date is not None else 0.8 if (row.number or row.week is not None) else 0.15
    return (0.2 if prose else 1.0) * mark


def score_rows(rows: list[Row]) -> float:
    """How much rows look like a schedule: each session with a plausible title counts
    1 when dated, 0.8 when numbered or in a week, 0.15 otherwise (a fifth of that when
    its title reads as a sentence), an unmarked session once for its title however
    often that title comes back; the sum is scaled by how alike the rows are (the
    share of them marked) and how distinct their titles."""
    weights = [_weight(r) for r in rows]
    good = [r for r, w in zip(rows, weights) if w > 0]
    if len(good) < 2:
        return 0.0
    marked = sum(1 for r in good if r.date is not None or r.number or r.week is not None) / len(good)
    distinct = len({r.title.casefold() for r in good}) / len(good)
    # An unmarked row says nothing new when its title was seen: a note repeated down
    # a page is one note, not a schedule that grows with the page.
    total = 0.0
    unmarked: dict[str, float] = {}
    for r, w in zip(rows, weights):
        if w <= 0:
            continue
        if r.date is not None or r.number or r.week is not None:
            total += w
        else:
            key = r.title.casefold()
            unmarked[key] = max(w, unmarked.get(key, 0.0))
    total += sum(unmarked.values())
    return total * (0.5 + 0.5 * marked) * (0.5 + 0.5 * distinct)


def _text_candidates(text: str, prefix: str = "", *, pipes: bool = True) -> list[Candidate]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    readers: list[tuple[str, Callable[..., list[Row] | None]]] = [
        ("pipe-rows", parse_pipe_rows),
        ("dated-lines", parse_dated_lines),
        ("numbered-list", parse_numbered),
    ]
    for name, reader in readers:
        if name == "pipe-rows" and not pipes:
            continue
        later: Later = []
        rows = reader(lines, later=later)
        if rows:
            out.append(Candidate(prefix + name, rows, score_rows(rows), later))
    return out


# "Mon: Title", "Wednesday - Title": an item that names only its day of the week.
_WEEKDAY_LABEL = re.compile(
    r"(?i)^\s*(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
    r"\.?\s*(?::|[–—-]\s)\s*(?=\S)")


def _weekday_items(rows: list[Row]) -> None:
    """Date the undated items under a dated heading that name their weekday
    ("### Week 3 (Sep 16)" over "- Mon: ...", "- Wed: ..."): the heading's date is the
    week's first session (its own weekday, where the page gives it, else the first
    item's); each item is that date moved to its weekday. The label leaves the title."""
    start: tuple[str, PageDate, int | None] | None = None
    for r in rows:
        if r.date is not None or not r.section or not r.title:
            continue
        m = _WEEKDAY_LABEL.match(r.title)
        if m is None:
            continue
        wd = weekday_number(m.group(1))
        if wd is None:
            continue
        if start is None or start[0] != r.section:
            got = find_date(r.section)
            if got is None or got[3] is not None:
                start = None
                continue  # (a heading with a range is read as one by its records)
            base = got[0]
            start = (r.section, base, base.weekday if base.weekday is not None else wd)
        _, base, base_wd = start
        assert base_wd is not None
        d = days_later(base, (wd - base_wd) % 7)
        r.date = PageDate(d.month, d.day, d.year, wd, base.text)
        r.title = r.title[m.end():]


def _front_matter_heads(block: str) -> list[str]:
    """The title and subtitle a page's YAML front matter (``---`` lines included) gives
    (none where it is not a mapping of YAML)."""
    try:
        data = yaml.load(block.strip().strip("-"), Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    return [v.strip() for k in ("title", "subtitle") if isinstance(v := data.get(k), str) and v.strip()]


def _group_rows(group: Group) -> list[Row]:
    rows: list[Row] = []
    week: int | None = None
    for rec in group.records:
        got = record_rows(rec, week)
        if got:
            week = got[0].week
        rows.extend(got)
    if group.kind == "list-run":
        _weekday_items(rows)
    # In a dated run, an undated record with nothing but a title is a heading
    # ("Module 2: Robotic Perception"), not a session.
    dated = [k for k, r in enumerate(rows) if r.date is not None]
    if len(dated) >= 0.6 * len(rows):
        rows = [r for r in rows if r.date is not None or r.detail or r.assignments or r.kind]
    if len(dated) >= 0.75 * len(rows) and dated:
        # Undated records before the first dated one and after the last are the
        # page's preamble and afterword.
        first = next(k for k, r in enumerate(rows) if r.date is not None)
        last = max(k for k, r in enumerate(rows) if r.date is not None)
        rows = rows[first : last + 1]
    elif len(dated) >= 0.6 * len(rows) and len(dated) >= 3 and group.kind == "heading-sections":
        # Sections after the last dated one ("## Preparation", "## About the course")
        # are the page's afterword.
        last = max(k for k, r in enumerate(rows) if r.date is not None)
        rows = rows[: last + 1]
    elif not dated and group.kind == "list-run":
        # Lists under "## Session 1", "## Session 2": what comes before the first
        # one is the page's preamble.
        first = next((k for k, r in enumerate(rows) if r.week is not None), 0)
        if sum(1 for r in rows if r.week is not None) >= 0.75 * (len(rows) - first):
            rows = rows[first:]
    return rows


def _runs_on(before: list[Row], after: list[Row]) -> bool:
    """Whether the rows ``after`` continue the rows ``before`` (the next part of one
    schedule): the first date, week or number of ``after`` comes after the last of
    ``before`` (a term may run from December into January)."""
    a = next((r.date for r in reversed(before) if r.date is not None), None)
    b = next((r.date for r in after if r.date is not None), None)
    if a is not None and b is not None:
        if a.year is not None and b.year is not None:
            return (b.year, b.month, b.day) >= (a.year, a.month, a.day)
        return (b.month, b.day) >= (a.month, a.day) or (a.month >= 10 and b.month <= 3)
    weeks = [r.week for r in before if r.week is not None], [r.week for r in after if r.week is not None]
    if weeks[0] and weeks[1]:
        return weeks[1][0] > weeks[0][-1]
    nums = [int(r.number) for r in before if r.number and r.number.isdigit()], [
        int(r.number) for r in after if r.number and r.number.isdigit()]
    if nums[0] and nums[1]:
        return nums[1][0] > nums[0][-1]
    return False


# The formats of page files by suffix (the rest: sniffed, else Markdown).
_SUFFIX_FORMATS = {
    ".yml": "yaml", ".yaml": "yaml", ".json": "yaml", ".toml": "toml", ".scrbl": "scribble", ".org": "org",
    ".rst": "rst", ".rest": "rst", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".rmd": "markdown", ".qmd": "markdown", ".mdx": "mdx",
    ".tex": "latex", ".latex": "latex", ".ltx": "latex", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".adoc": "asciidoc", ".asciidoc": "asciidoc", ".asc": "asciidoc", ".ics": "ics", ".ical": "ics",
    ".ifb": "ics", ".icalendar": "ics",
}
# Formats whose HTML is the page's own reading (not Markdown's): a table in them is an
# HTML table, and the text of their tree is read by the plain-text readers too.
_TREE_FORMATS = frozenset({"html", "latex", "csv", "tsv", "asciidoc", "ics"})


def _source_format(text: str, source: str) -> str:
    """The format a page is read as: by its suffix; a text file, a file of another
    suffix and standard input by what their text shows (:func:`sniff_format`), else
    Markdown."""
    suffix = Path(source).suffix.lower()
    fmt = _SUFFIX_FORMATS.get(suffix)
    if text.lstrip().startswith("#lang scribble"):
        return "scribble"
    if fmt is not None and fmt != "markdown":
        return fmt
    if fmt in (None, "markdown") and _HTML_START.match(text[:5000]):
        return "html"
    if fmt is None or suffix in (".txt", ".text"):
        sniffed = sniff_format(text)
        # (A text file is read as delimited cells only when its name does not say it is text.)
        if sniffed is not None and (sniffed != "csv" or fmt is None):
            return sniffed
    if fmt == "markdown":
        return "markdown"
    if len(_HTML_TAG.findall(text[:200_000])) >= 2 and "<table" in text[:200_000].lower():
        return "html"
    return "markdown"


class _Kept:
    """The candidates of a page as they come, keeping only the one that would be chosen:
    the first with the best score whose rows have a title (a later one must beat it).
    The others are let go at once, with their rows."""

    def __init__(self) -> None:
        self.best: Candidate | None = None
        self.offered = 0

    def append(self, c: Candidate) -> None:
        self.offered += 1
        if c.score > 0 and any(r.title for r in c.rows) and (self.best is None or c.score > self.best.score + 1e-9):
            self.best = c

    def extend(self, cs: list[Candidate]) -> None:
        for c in cs:
            self.append(c)


def best_candidate(text: str, source: str = "<page>") -> tuple[Candidate | None, Document | None]:
    """Every structure of the page that could be its schedule, read into rows and scored;
    the one with the best score (the first of equals), or None."""
    fmt = _source_format(text, source)
    out = _Kept()
    doc: Document | None = None
    if fmt in ("yaml", "toml"):
        g = data_file_group(text, toml=fmt == "toml", source=source)
        if g is not None:
            rows = _group_rows(g)
            out.append(Candidate("data-file", rows, score_rows(rows) + 0.5))
    if fmt not in ("yaml", "toml") or not out.offered:
        if fmt == "scribble":
            html = scribble_to_html(text)
        elif fmt == "html":
            html = text
        elif fmt == "org":
            html = markdown_to_html(org_to_markdown(text))
        elif fmt == "rst":
            html = rst_to_html(text) or markdown_to_html(text)
        elif fmt == "latex":
            html = latex_to_html(text, source)
        elif fmt in ("csv", "tsv"):
            html = delimited_to_html(text, delimiter="\t" if fmt == "tsv" else None, source=source)
        elif fmt == "asciidoc":
            html = asciidoc_to_html(text)
        elif fmt == "ics":
            html = ics_to_html(text, source)
        elif fmt == "mdx":
            html = markdown_to_html(mdx_components(text))
        else:
            html = markdown_to_html(text)
        # Plain-text readers first: on a tie, the simpler reading wins. (An RST page's
        # tables, when docutils reads them, are its tables: its "|" lines are not read
        # again as text, with their "+---+" rules.)
        rst_tables = fmt == "rst" and "<table" in html
        if fmt not in _TREE_FORMATS or fmt == "html":
            out.extend(_text_candidates(rst_as_text(text) if fmt == "rst" else text, pipes=not rst_tables))
        doc = parse_document(html, text, source)
        layout = "html-table" if fmt in _TREE_FORMATS or fmt == "rst" else "markdown-table"
        # A schedule split into parts, a table each under its own heading ("Unit 1",
        # "Unit 2"): tables with one header whose rows run on are read as one too.
        run: list[tuple[tuple[str, ...], list[Row], Later]] = []

        def offer_run() -> None:
            if len(run) >= 2:
                rows = [r for _, rs, _ in run for r in rs]
                out.append(Candidate(layout, rows, score_rows(rows) + 0.25, [w for _, _, ws in run for w in ws]))

        for table in doc.tables:
            cells = [[(c.text, c.header, c.rowspan, c.colspan, c.line) for c in r] for r in table.rows]
            later: Later = []
            trows = table_rows(cells, later=later)
            if trows:
                out.append(Candidate(layout, trows, score_rows(trows) + 0.25, later))
                key = tuple(c.text.casefold() for c in table.rows[0]) if all(c.header for c in table.rows[0]) else ()
                if not (key and run and run[-1][0] == key and _runs_on(run[-1][1], trows)):
                    offer_run()
                    run = []
                run.append((key, trows, later))
            cal = calendar_group(table)
            if cal is not None:
                crows = _group_rows(cal)
                out.append(Candidate("calendar", crows, score_rows(crows)))
        offer_run()
        for g in doc.groups:
            rows = _group_rows(g)
            if rows:
                out.append(Candidate(g.kind, rows, score_rows(rows)))
        if fmt in _TREE_FORMATS:
            out.extend(_text_candidates(doc.text))
    return out.best, doc


collection_paused = collector.paused
"""Automatic garbage collection paused while a page is read (see :mod:`kg.collector`)."""


def _read_day_first(rows: list[Row]) -> None:
    """Rows' slashed dates, and the ends of their ranges, read day first when the page
    writes them so, decided from all of them together
    (:func:`kg.importer.dates.day_first`)."""
    dated = [r for r in rows if r.date is not None]
    ends = [r for r in rows if r.end_date is not None]
    fixed = day_first([r.date for r in dated if r.date is not None] + [r.end_date for r in ends if r.end_date is not None])
    if fixed is None:
        return
    for r, d in zip(dated, fixed):
        r.date = d
    for r, d in zip(ends, fixed[len(dated):]):
        r.end_date = d


def parse_page(text: str, source: str = "<page>") -> Page:
    """Find the schedule in a page's text and read its rows.

    The page is parsed by its format (HTML5, Markdown, a YAML data file, Scribble);
    every table, list, run of like blocks, heading run and the plain-text layouts are
    read into rows, scored by :func:`score_rows`, and the best is kept.

    Raises
    ------
    PageError
        When the page is empty or no schedule is found.
    """
    text = drop_controls(text)
    if not text.strip():
        raise PageError("page is empty", source)
    with collection_paused():
        best, doc = best_candidate(text, source)
    if best is None:
        raise PageError(
            "no schedule found: expected dated rows ('Tue 9/9 | Title'), a numbered lecture list "
            "('01 - Title'), or a table with Date and Topic columns",
            source,
        )
    rows = best.finished()
    _read_day_first(rows)
    first = min((r.line for r in rows if r.line), default=1)
    heading = (doc.h1 or doc.title) if doc is not None else None
    if best.layout in ("pipe-rows", "dated-lines", "numbered-list", "markdown-table"):
        head_lines = text.split("\n", max(1, first - 1))[: max(1, first - 1)]
    else:
        head_lines = doc.first_lines(15) if doc is not None else text.split("\n", 15)[:15]
    fm = FRONT_MATTER.match(text)
    if fm is not None:
        # YAML front matter: its title and subtitle are the top of the page, its other
        # keys ("layout: page") are not ('title: "CS 1: Widgets"' is the name "CS 1: Widgets").
        fm_lines = fm.group(0).count("\n")
        raw = best.layout in ("pipe-rows", "dated-lines", "numbered-list", "markdown-table")
        head_lines = _front_matter_heads(fm.group(0)) + (head_lines[fm_lines:] if raw else head_lines)
    if doc is not None and doc.h1 and doc.title and doc.title != doc.h1:
        head_lines = [doc.title, *head_lines]  # "<title>CS 700 (Spring 2023)</title>" may say more
    schedule = frozenset(r.title for r in rows[:3] if r.title)
    name, code, term, year, academic = _heading(head_lines, heading, schedule)
    if academic and year is not None:
        # An academic year's dates before August fall in its second year ("2023/24",
        # a schedule from February).
        first_date = next((r.date for r in rows if r.date is not None and r.date.year is None), None)
        if first_date is not None and first_date.month < 8:
            year += 1
    return Page(
        source=source, layout=best.layout, rows=rows, name=name, code=code, term=term, heading=heading, year=year
    )
