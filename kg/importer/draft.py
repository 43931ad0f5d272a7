"""Turn a syllabus page into a draft course file (the library behind ``kg import``).

A page is an HTML file, a plain-text capture of one (like those in ``../shared/seeds``)
or a Markdown table. :func:`parse_page` finds the schedule in it and reads each row into
a :class:`Row`; :func:`build_draft` sorts the rows into lectures, calendar events and
assignments, resolves readings and textbook chapters against the graph, and proposes the
topics each lecture covers by linking its title and detail text to the vocabulary with a
:class:`Linker`; :func:`render_yaml` writes the draft in the course format of
``data/README.md``, with each link's confidence, the weaker links and the terms that
match no topic as YAML comments.

A draft records what the page states (titles, dates, speakers, readings) and proposes
topics for a curator to check. Detail text ("+ details", "tl;dr:") is read for linking
only and never copied into the draft.

>>> linker = Linker([TopicName("generative-adversarial-networks",
...                            "Generative adversarial networks", ("GAN", "GANs"))])
>>> [(l.topic, l.confidence) for l in linker.link("Conditional GANs")]
[('generative-adversarial-networks', 0.95)]
>>> linker.link("a gan of thieves")     # short aliases match as written, not in any case
[]
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kg.errors import PageError, UsageError

__all__ = [
    "MAX_PAGE_BYTES",
    "COVER_THRESHOLD",
    "TopicName",
    "Book",
    "Vocabulary",
    "PageDate",
    "ReadingLine",
    "Row",
    "Page",
    "Link",
    "Linker",
    "DraftReading",
    "DraftLecture",
    "DraftEvent",
    "DraftAssignment",
    "Draft",
    "read_page",
    "parse_page",
    "parse_date",
    "build_draft",
    "import_page",
    "render_yaml",
]

MAX_PAGE_BYTES = 5_000_000
"""Pages larger than this are refused: no syllabus is this big, and parsing would be slow."""

COVER_THRESHOLD = 0.8
"""Topics linked with at least this confidence go into ``covers``; weaker ones into a comment."""

_WEAK_FLOOR = 0.5  # links weaker than this are not even listed as comments


# =========================================================================== vocabulary


@dataclass(frozen=True)
class TopicName:
    """A topic as the linker sees it: its id, label and aliases (and broader topic)."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    broader: str | None = None


@dataclass(frozen=True)
class Book:
    """A textbook in the graph: its id, title and chapters (number → topics covered)."""

    id: str
    title: str
    chapters: Mapping[int, tuple[str, ...]]


@dataclass
class Vocabulary:
    """What a page is linked against: topics, books and readings already in the graph."""

    topics: list[TopicName]
    books: list[Book] = field(default_factory=list)
    readings: dict[str, str] = field(default_factory=dict)  # reading id -> title
    reading_covers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, kg: Any) -> Vocabulary:
        """Read the vocabulary from a :class:`~kg.graph.KnowledgeGraph` (local or remote)."""
        from kg import vocab as V

        names: dict[str, dict[str, Any]] = {}
        for r in kg.select(
            """SELECT ?t ?label ?alt ?broader WHERE {
                 ?t a kg:Topic ; skos:prefLabel ?label .
                 OPTIONAL { ?t skos:altLabel ?alt }
                 OPTIONAL { ?t skos:broader ?broader }
               }"""
        ):
            tid = V.local_id(r["t"])
            entry = names.setdefault(tid, {"label": str(r["label"]), "aliases": [], "broader": None})
            if r["alt"] is not None and str(r["alt"]) not in entry["aliases"]:
                entry["aliases"].append(str(r["alt"]))
            if r["broader"] is not None:
                entry["broader"] = V.local_id(r["broader"])
        topics = [
            TopicName(tid, e["label"], tuple(sorted(e["aliases"])), e["broader"])
            for tid, e in sorted(names.items())
        ]
        books: dict[str, tuple[str, dict[int, list[str]]]] = {}
        for r in kg.select(
            """SELECT ?b ?title ?n ?cov WHERE {
                 ?b a kg:Book ; schema:name ?title .
                 OPTIONAL { ?c a kg:Chapter ; schema:isPartOf ?b ; kg:chapterNumber ?n .
                            OPTIONAL { ?c kg:covers ?cov } }
               }"""
        ):
            bid = V.local_id(r["b"])
            title, chapters = books.setdefault(bid, (str(r["title"]), {}))
            if r["n"] is not None:
                covers = chapters.setdefault(int(r["n"]), [])
                if r["cov"] is not None:
                    covers.append(V.local_id(r["cov"]))
        readings: dict[str, str] = {}
        reading_covers: dict[str, list[str]] = {}
        for r in kg.select(
            """SELECT ?r ?title ?cov WHERE {
                 ?r a kg:Reading ; schema:name ?title . OPTIONAL { ?r kg:covers ?cov } }"""
        ):
            rid = V.local_id(r["r"])
            readings[rid] = str(r["title"])
            if r["cov"] is not None:
                reading_covers.setdefault(rid, []).append(V.local_id(r["cov"]))
        return cls(
            topics=topics,
            books=[
                Book(bid, title, {n: tuple(sorted(c)) for n, c in sorted(ch.items())})
                for bid, (title, ch) in sorted(books.items())
            ],
            readings=dict(sorted(readings.items())),
            reading_covers={rid: tuple(sorted(c)) for rid, c in sorted(reading_covers.items())},
        )

    @classmethod
    def from_sources(cls, src: Any) -> Vocabulary:
        """The same from :func:`kg.build.sources.load_sources` records (no RDF needed)."""
        return cls(
            topics=[TopicName(t.id, t.label, tuple(t.aliases), t.broader) for t in src.topics.values()],
            books=[
                Book(b.id, b.title, {c.number: tuple(c.covers) for c in b.chapters})
                for b in src.books.values()
            ],
            readings={r.id: r.title for r in src.readings.values()},
            reading_covers={r.id: tuple(r.covers) for r in src.readings.values() if r.covers},
        )


# =========================================================================== reading a page


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
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise PageError(
            f"page is not UTF-8 text (byte 0x{bad} on line {line}); save it as UTF-8", name
        ) from None


# =========================================================================== dates

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_WEEKDAYS = {
    d: i
    for i, names in enumerate(
        [
            ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for d in names
}
_WEEKDAY_RE = r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_MONTH_RE = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_AT_START = re.compile(
    rf"""^\s*(?:(?P<wd>{_WEEKDAY_RE})\.?,?\s+)?(?:
          (?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})                         # 2025-09-09
        | (?P<sm>\d{{1,2}})/(?P<sd>\d{{1,2}})(?:/(?P<sy>\d{{2}}|\d{{4}}))?              # 9/9, 9/9/25
        | (?P<mon>{_MONTH_RE})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<my>\d{{4}}))?  # Sep 9
        | (?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dmon>{_MONTH_RE})\.?(?:\s+(?P<dy>\d{{4}}))?  # 9 Sep
        )(?![\w/])""",
    re.I | re.X,
)


@dataclass(frozen=True)
class PageDate:
    """A date as a page writes it; ``year`` only when the page gives one."""

    month: int
    day: int
    year: int | None = None
    weekday: int | None = None  # Monday = 0
    text: str = ""

    def on(self, year: int) -> _dt.date | None:
        try:
            return _dt.date(self.year or year, self.month, self.day)
        except ValueError:
            return None


def parse_date(text: str) -> tuple[PageDate, str] | None:
    """The date at the start of ``text`` and the text after it, or ``None``.

    >>> parse_date("Tue 9/9 | How to train")[0]
    PageDate(month=9, day=9, year=None, weekday=1, text='Tue 9/9')
    >>> parse_date("Sep 4 Optimization")[1]
    ' Optimization'
    >>> parse_date("2025-10-02")[0].year
    2025
    """
    m = _DATE_AT_START.match(text)
    if m is None:
        return None
    g = m.groupdict()
    year: int | None = None
    if g["iy"]:
        month, day, year = int(g["im"]), int(g["id"]), int(g["iy"])
    elif g["sm"]:
        month, day = int(g["sm"]), int(g["sd"])
        if g["sy"]:
            year = int(g["sy"]) + (2000 if len(g["sy"]) == 2 else 0)
    elif g["mon"]:
        month, day = _MONTHS[g["mon"].lower().rstrip(".")], int(g["md"])
        year = int(g["my"]) if g["my"] else None
    else:
        month, day = _MONTHS[g["dmon"].lower().rstrip(".")], int(g["dd"])
        year = int(g["dy"]) if g["dy"] else None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    wd = _WEEKDAYS.get(g["wd"].lower()) if g["wd"] else None
    return PageDate(month, day, year, wd, " ".join(m.group(0).split())), text[m.end():]


_TERM = re.compile(r"\b(Fall|Spring|Summer|Winter|Autumn)\s+(?:Term\s+|Semester\s+|Quarter\s+)?(\d{4})\b", re.I)
_YEAR = re.compile(r"\b(19\d\d|20\d\d|21\d\d)\b")


def _term_year(term: str | None) -> int | None:
    if not term:
        return None
    m = _YEAR.search(term)
    return int(m.group(1)) if m else None


# =========================================================================== rows


@dataclass
class ReadingLine:
    """One reading as the page lists it (a line of a reading list)."""

    text: str
    optional: bool = False


@dataclass
class Row:
    """One row of a schedule, before it is sorted into lecture, event or assignment."""

    line: int
    week: int | None = None
    date: PageDate | None = None
    number: str | None = None
    title: str = ""
    detail: str = ""
    speakers: list[str] = field(default_factory=list)
    guest: bool = False
    materials: list[str] = field(default_factory=list)
    readings: list[ReadingLine] = field(default_factory=list)
    reading_text: list[str] = field(default_factory=list)  # free text that may name readings
    assignments: list[str] = field(default_factory=list)  # "pset 1 out", "HW3"
    discussion: str | None = None


@dataclass
class Page:
    """A parsed page: its layout, schedule rows and what its heading says."""

    source: str
    layout: str  # html-table, markdown-table, pipe-rows, dated-lines, numbered-list
    rows: list[Row]
    name: str | None = None
    code: str | None = None
    term: str | None = None


def _clean(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split())


_DASHES = re.compile(r"\s+-{2,3}\s+")
_GUEST_MARK = re.compile(r"\[\s*guest(?:\s+lecture)?\s*\]|\(\s*guest(?:\s+lecture)?\s*\)", re.I)
_DETAILS_MARK = re.compile(r"\+\s*details?", re.I)
_NUMBER_PREFIX = re.compile(r"^(?:lecture|lec|class|session)\s*(\d{1,3})\s*[-–—:.)]\s*", re.I)


def _set_title(row: Row, text: str, *, breaks: bool = False) -> None:
    """Title and detail from a title cell: '+ details' or further lines are detail.

    With ``breaks`` the cell's line breaks are the page's own (``<br>`` in a table), so
    the first line is the title; in a text capture a title broken over two short lines
    is one title.
    """
    parts = re.split(_DETAILS_MARK, text.replace("\r", ""), maxsplit=1)
    detail = parts[1] if len(parts) > 1 else ""
    lines = [ln for ln in parts[0].split("\n") if ln.strip()]
    if not breaks and len(lines) <= 2 and sum(len(x) for x in lines) < 160:
        title = _clean(" ".join(lines))
    else:
        title = _clean(lines[0])
        detail = " ".join(lines[1:]) + " " + detail
    if _GUEST_MARK.search(title):
        row.guest = True
        title = _clean(_GUEST_MARK.sub(" ", title))
    if re.search(r"\bguest\b", title, re.I):
        row.guest = True
    m = _NUMBER_PREFIX.match(title)
    if m and row.number is None:
        row.number = m.group(1)
        title = title[m.end():]
    title = _DASHES.sub(" – ", title).strip(" |-–—:;,")
    row.title = title
    row.detail = _clean(f"{row.detail} {detail}")


# ---------------------------------------------------------------- cell contents

_ASSIGN = re.compile(
    r"""(?ix)
    \b(?P<name>
        (?P<base>p-?sets?|problem\s+sets?|homeworks?|hw|assignments?|labs?|quiz(?:zes)?|mini-?projects?)
            \s*\#?\s*(?P<num>\d+)
          (?P<sub>\s+[-–:]\s+[A-Z][A-Za-z]*(?:\s+(?!written\b|code\b|out\b|due\b)[A-Z][A-Za-z]*)?)?
      | (?P<proj>(?:final\s+|course\s+|class\s+)?projects?(?:\s+(?:proposals?|reports?|milestones?|checkpoints?|write-?ups?))?)
            (?P<paren>\s*\([^)]{1,40}\))?(?=\s+(?:out|released?|due|handout|assigned|deadline)\b)
    )
    (?:\s+(?P<act>out|released?|due|handout|assigned|deadline))?
    (?![\w])""",
)
_DISCUSSION = re.compile(
    r"(?i)\b(?:(?:dis(?:cussion)?|section|recitation)\s*\d+\s*:|no\s+discussion\b|no\s+section\b)"
)
_LINK_WORDS = frozenset(
    "written code solutions solution pdf tex zip colab notebook starter data link links "
    "latex template handout release".split()
)
_MATERIAL_WORDS = {
    "slides": "slides", "notes": "notes", "video": "recording", "recording": "recording",
    "recordings": "recording", "colab": "code", "demo": "demo", "handout": "handout",
}
_NAME_PART = re.compile(
    r"^(?:Dr\.?\s+|Prof\.?\s+)?[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|da|del|der|di|le|la|bin|al))"
    r"{1,3}$"
)
_NOT_NAME_WORDS = frozenset(
    "slides notes lecture lectures reading readings code written discussion section tutorial "
    "homework project projects guest class week none tbd tba video recording due out colab "
    "optional required the of and for".split()
)


def _looks_like_names(text: str) -> list[str] | None:
    parts = [p.strip() for p in re.split(r"\s*(?:&|,|;|/|\band\b)\s*", text) if p.strip()]
    if not parts or len(parts) > 6:
        return None
    for p in parts:
        if not _NAME_PART.match(p):
            return None
        if any(w.lower().strip(".") in _NOT_NAME_WORDS for w in p.split()):
            return None
    return parts


def _take_assignments(row: Row, text: str) -> str:
    found = list(_ASSIGN.finditer(text))
    for m in found:
        row.assignments.append(_clean(m.group(0)))
    if not found:
        return text
    rest = _ASSIGN.sub(" ", text)
    if all(w.lower().strip(".,:;()") in _LINK_WORDS for w in rest.split()):
        return ""
    return rest


def _take_discussion(row: Row, text: str) -> str:
    m = _DISCUSSION.search(text)
    if m is None:
        return text
    disc = _clean(text[m.start():])
    if not re.match(r"(?i)no\s+(?:discussion|section)", disc):
        row.discussion = disc
    return text[: m.start()]


def _take_materials(row: Row, text: str) -> str:
    """Material markers: '[slides] [lecture recording]' anywhere, or leading words."""
    brackets = re.findall(r"\[([^\]\[]{1,40})\]", text)
    if brackets and not re.sub(r"\[[^\]\[]{1,40}\]", "", text).strip():
        for b in brackets:
            _add_material(row, b)
        return ""
    words = text.split()
    i = 0
    while i < len(words) and words[i].lower().strip(".,;:") in _MATERIAL_WORDS and not words[i].endswith(":"):
        _add_material(row, words[i])
        i += 1
    return " ".join(words[i:])


def _add_material(row: Row, text: str) -> None:
    slug = _slug(text)
    slug = re.sub(r"^lecture-", "", slug)
    slug = _MATERIAL_WORDS.get(slug, slug)
    if slug and slug not in row.materials:
        row.materials.append(slug)


def _absorb(row: Row, text: str) -> None:
    """Sort the text of a cell that is not the title by what it looks like."""
    text = text.strip()
    if not text:
        return
    text = _take_discussion(row, text)
    text = _take_assignments(row, text)
    text = _clean(text)
    if not text:
        return
    if all(w.lower().strip(".,:;()") in _LINK_WORDS for w in text.split()):
        return
    names = _looks_like_names(text)
    if names is not None:
        row.speakers.extend(n for n in names if n not in row.speakers)
        return
    text = _take_materials(row, text)
    if text.strip():
        row.reading_text.append(_clean(text))


def _split_title_markers(row: Row, text: str) -> str:
    """In a plain-text row the title runs on into the discussion and homework columns:
    assignment markers at the end of the title, and a discussion marker, are split off.

    A title that is nothing but "X due" stays a title too: it is a deadline on the
    calendar as well as the due date of an assignment.
    """
    ms = list(_ASSIGN.finditer(text))
    if ms and ms[-1].end() >= len(text.rstrip()) - 1:
        # Only a run of markers that ends the title belongs to other columns.
        run = [ms[-1]]
        for a in reversed(ms[:-1]):
            if text[a.end() : run[0].start()].strip():
                break
            run.insert(0, a)
        for x in run:
            row.assignments.append(_clean(x.group(0)))
        head = text[: run[0].start()]
        if head.strip() or (run[-1].group("act") or "").lower() not in ("due", "deadline"):
            text = head
    return _take_discussion(row, text)


# ---------------------------------------------------------------- plain-text layouts

_WEEK_ROW = re.compile(r"^\s*(?:week|wk)\.?\s*(\d{1,2})\b\s*[:.)-]?\s*$", re.I)
_LEAD_WEEK = re.compile(r"^\s*(\d{1,2})\s+(?=\S)")


def _lead_date(cells: list[str]) -> tuple[int | None, PageDate, list[str]] | None:
    """Week and date at the start of a pipe row, and the cells after them."""
    first = cells[0].strip()
    week: int | None = None
    rest = cells[1:]
    if re.fullmatch(r"\d{1,2}", first) and rest:
        week = int(first)
        first, rest = rest[0].strip(), rest[1:]
    got = parse_date(first)
    if got is None:
        return None
    date, after = got
    if after.strip():
        rest = [after, *rest]
    return week, date, rest


def _parse_pipe_rows(lines: list[str]) -> list[Row] | None:
    """MIT-style captures: 'Tue 9/9 | Title+ detailsText |' records over several lines."""
    starts: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if "|" not in line:
            continue
        cells = line.split("|")
        if _WEEK_ROW.match(cells[0]) and not "".join(cells[1:]).strip():
            starts.append((i, "week"))
        elif _lead_date(cells) is not None:
            starts.append((i, "row"))
    if sum(1 for _, k in starts if k == "row") < 2:
        return None
    rows: list[Row] = []
    week: int | None = None
    for n, (i, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        if kind == "week":
            m = _WEEK_ROW.match(lines[i].split("|")[0])
            assert m is not None
            week = int(m.group(1))
            continue
        cells = "\n".join(lines[i:end]).split("|")
        lead = _lead_date(cells)
        assert lead is not None
        wk, date, rest = lead
        if wk is not None:
            week = wk
        row = Row(line=i + 1, week=week, date=date)
        while rest and not rest[0].strip():
            rest.pop(0)
        if rest:
            _set_title(row, rest[0])
            row.title = _split_title_markers(row, row.title).strip(" |-–—:;,")
            for c in rest[1:]:
                _absorb(row, c)
        rows.append(row)
    return rows


def _parse_dated_lines(lines: list[str]) -> list[Row] | None:
    """Plain captures of a table: 'W Date Title Discussion Homework' on one line each."""
    starts: list[tuple[int, int | None, PageDate, str]] = []
    for i, line in enumerate(lines):
        week: int | None = None
        # "1 Sep 2 Basic Principles" is week 1, Sep 2 (not 1 Sep): a leading week
        # number is tried first, then a date at the start of the line.
        m = _LEAD_WEEK.match(line)
        got = parse_date(line[m.end():]) if m is not None else None
        if got is not None and m is not None:
            week = int(m.group(1))
        else:
            got = parse_date(line)
        if got is None:
            continue
        date, after = got
        if after and not after[0].isspace() and after[0] not in ":|-–,":
            continue
        starts.append((i, week, date, after))
    if len(starts) < 3:
        return None
    rows: list[Row] = []
    current: int | None = None
    for n, (i, week, date, after) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        if week is not None:
            current = week
        row = Row(line=i + 1, week=current, date=date)
        title = after.strip(" :|-–,")
        _set_title(row, title)
        row.title = _split_title_markers(row, row.title).strip(" |-–—:;,")
        for extra in lines[i + 1 : end]:
            if len(extra) > 200:  # prose after the schedule, not a cell
                break
            _absorb(row, extra)
        rows.append(row)
    return rows


_NUMBERED = re.compile(
    r"^\s*(?:[-*•]\s+)?(?:(?:lecture|lec|class|session)\s*)?(\d{1,3})\s*(?:[-–—:.)]|\s-)\s*([^\W\d_].*)$", re.I
)
_READINGS_HEAD = re.compile(
    r"^\s*(?P<kind>extra|optional|additional|further|required|suggested)?\s*(?:readings?|references)\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_TLDR = re.compile(r"^\s*(?:tl;?\s*dr|summary|abstract|description)\s*:\s*(.*)$", re.I)
_BULLET = re.compile(r"^\s*[-*•·]\s*(.*)$")


def _parse_numbered(lines: list[str]) -> list[Row] | None:
    """BU-style lists: '01 - Title', then 'tl;dr:', '[slides]' and 'Readings:' lines."""
    starts = [(i, m) for i, line in enumerate(lines) if (m := _NUMBERED.match(line)) and len(line) < 200]
    if len(starts) < 3:
        return None
    nums = [int(m.group(1)) for _, m in starts]
    rising = sum(1 for a, b in zip(nums, nums[1:]) if b > a)
    if rising < 0.7 * (len(nums) - 1):
        return None
    rows: list[Row] = []
    for n, (i, m) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        row = Row(line=i + 1, number=m.group(1))
        title = m.group(2)
        got = parse_date(title)
        if got is not None:
            row.date, title = got[0], got[1].lstrip(" -–:|,")
        _set_title(row, title)
        row.title = _split_title_markers(row, row.title).strip(" |-–—:;,")
        in_readings: bool | None = None  # None: not in a list; else: the list is optional
        for extra in lines[i + 1 : end]:
            if not extra.strip():
                continue
            if (t := _TLDR.match(extra)) is not None:
                row.detail = _clean(f"{row.detail} {t.group(1)}")
                in_readings = None
            elif (r := _READINGS_HEAD.match(extra)) is not None and len(extra) < 60:
                kind = (r.group("kind") or "").lower()
                in_readings = kind in ("extra", "optional", "additional", "further", "suggested")
                if r.group("rest").strip():
                    _add_reading(row, r.group("rest"), in_readings)
            elif (b := _BULLET.match(extra)) is not None:
                if b.group(1).strip() and in_readings is not None:
                    _add_reading(row, b.group(1), in_readings)
            elif re.fullmatch(r"\s*(\[[^\]\[]{1,40}\]\s*)+", extra):
                _take_materials(row, extra)
            elif in_readings is None and len(extra) < 1000:
                row.detail = _clean(f"{row.detail} {extra}")
        rows.append(row)
    return rows


def _add_reading(row: Row, text: str, optional: bool) -> None:
    text = _clean(text)
    m = re.match(r"(?i)^optional\b[:\s-]*", text)
    if m:
        optional, text = True, text[m.end():]
    if text:
        row.readings.append(ReadingLine(text, optional))


# ---------------------------------------------------------------- tables (HTML, Markdown)

_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("week", re.compile(r"^(?:w|wk|week|weeks)\.?$")),
    ("date", re.compile(r"^(?:date|dates|day|days|when|class date|lecture date)$")),
    ("number", re.compile(r"^(?:#|no\.?|num|number|lec\.?|lecture\s*(?:#|no\.?|number)|session)$")),
    ("title", re.compile(r"^(?:topics?|lecture topics?|lectures?|title|subject|contents?|lecture title|theme|class)$")),
    ("speaker", re.compile(r"^(?:speakers?|lecturers?|instructors?|presenters?|who|teachers?|guest)$")),
    ("readings", re.compile(
        r"^(?:(?:required |optional |suggested )?readings?|resources|materials|course materials|"
        r"references|slides|notes|preparation|textbook|book|chapters?|lecture notes|videos?)$")),
    ("assignments", re.compile(r"^(?:assignments?|homeworks?|hw|due|deliverables|psets?|problem sets?|labs?|out)$")),
    ("discussion", re.compile(r"^(?:discussion(?: sections?)?|sections?|recitations?|tutorials?)$")),
    ("details", re.compile(r"^(?:details|description|summary|notes on the lecture|abstract|tl;dr)$")),
]


def _role(header: str) -> str | None:
    h = _clean(re.sub(r"[*_`]", "", header)).lower().rstrip(":")
    for role, pat in _ROLE_PATTERNS:
        if pat.match(h):
            return role
    return None


def _header_roles(header: list[str], body: list[tuple[int, list[str]]]) -> list[str | None] | None:
    roles = [_role(h) for h in header]
    titles = [i for i, r in enumerate(roles) if r == "title"]
    if len(titles) > 1:
        # "Lecture | Topic": the column of short numbers is the lecture number.
        def mean_len(i: int) -> float:
            vals = [len(c[i]) for _, c in body if i < len(c) and c[i].strip()]
            return sum(vals) / len(vals) if vals else 0.0

        keep = max(titles, key=mean_len)
        for i in titles:
            if i != keep:
                numeric = all(
                    re.fullmatch(r"\s*(?:\w{0,4}\d+|[-–—]*)\s*", c[i]) for _, c in body if i < len(c)
                )
                roles[i] = "number" if numeric else None
    if "title" not in roles:
        return None
    return roles


def _rows_from_grid(header: list[str], body: list[tuple[int, list[str]]]) -> list[Row] | None:
    roles = _header_roles(header, body)
    if roles is None:
        return None
    rows: list[Row] = []
    week: int | None = None
    for line, cells in body:
        cells = cells + [""] * (len(roles) - len(cells))
        by_role: dict[str, list[str]] = {}
        others: list[str] = []
        for role, cell in zip(roles, cells):
            if role is None:
                others.append(cell)
            else:
                by_role.setdefault(role, []).append(cell)
        texts = [c for c in cells if c.strip()]
        if not texts:
            continue
        wm = _WEEK_ROW.match(texts[0])
        if wm and len(texts) == 1:
            week = int(wm.group(1))
            continue
        for w in by_role.get("week", []):
            m = re.search(r"\d{1,2}", w)
            if m:
                week = int(m.group(0))
        row = Row(line=line, week=week)
        for d in by_role.get("date", []):
            got = parse_date(d.strip())
            if got is not None:
                row.date = got[0]
                break
        for num in by_role.get("number", []):
            if re.search(r"\d", num):
                row.number = _clean(num)
        title = next((t for t in by_role.get("title", []) if t.strip()), "")
        _set_title(row, title, breaks=True)
        row.title = _split_title_markers(row, row.title).strip(" |-–—:;,")
        for d in by_role.get("details", []):
            row.detail = _clean(f"{row.detail} {d}")
        for s in by_role.get("speaker", []):
            names = _looks_like_names(_clean(s))
            if names:
                row.speakers.extend(names)
            elif _clean(s):
                row.speakers.extend(p.strip() for p in re.split(r"\s*(?:&|;|,|\band\b)\s*", _clean(s)) if p.strip())
        for cell in by_role.get("readings", []):
            for ln in cell.split("\n"):
                ln = _take_materials(row, _clean(ln))
                if not ln:
                    continue
                b = _BULLET.match(ln)
                text = b.group(1) if b else ln
                optional = bool(re.search(r"(?i)\boptional\b", text))
                text = re.sub(r"(?i)^\s*(?:optional|required)\s*(?:readings?)?\s*:\s*", "", text)
                text = re.sub(r"(?i)^\s*readings?\s*:\s*", "", text)
                if text:
                    row.readings.append(ReadingLine(text, optional))
        for cell in by_role.get("assignments", []):
            for ln in cell.split("\n"):
                _take_assignments(row, ln)
        for cell in by_role.get("discussion", []):
            d = _clean(cell)
            if d and not re.match(r"(?i)no\s+(?:discussion|section)|^-+$", d):
                row.discussion = d
        for cell in others:
            _absorb(row, cell)
        if not row.title and not row.assignments and not row.discussion:
            continue
        rows.append(row)
    return rows


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", s)]


_MD_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _md_inline(s: str) -> str:
    s = re.sub(r"<br\s*/?>", "\n", s, flags=re.I)
    s = re.sub(r"</?[A-Za-z][^<>]*>", "", s)  # inline HTML
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"(\*\*|__|~~|`)", "", s)
    s = re.sub(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", s)
    return _html.unescape(s)


def _parse_markdown_table(lines: list[str]) -> list[Row] | None:
    for s, line in enumerate(lines):
        if not _MD_SEP.match(line) or s == 0:
            continue
        header = [_md_inline(c).strip() for c in _cells(lines[s - 1])]
        body: list[tuple[int, list[str]]] = []
        for j in range(s + 1, len(lines)):
            if "|" not in lines[j]:
                if lines[j].strip():
                    break
                continue
            body.append((j + 1, [_md_inline(c).strip() for c in _cells(lines[j])]))
        if not body:
            continue
        # A real Markdown table has a row per line; a capture that only looks like one
        # (cells broken over lines) is left to the pipe-row reader.
        fit = sum(1 for _, c in body if abs(len(c) - len(header)) <= 1)
        if fit < 0.8 * len(body):
            continue
        rows = _rows_from_grid(header, body)
        if rows:
            return rows
    return None


class _HTMLReader(HTMLParser):
    """Tables as grids of cell text, and the page as text with one block per line."""

    _BLOCK = frozenset(
        "p div br li tr h1 h2 h3 h4 h5 h6 table section article ul ol dl dt dd pre hr "
        "header footer blockquote tbody thead tfoot caption".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[list[list[tuple[str, bool, int, int, int]]]] = []
        self._stack: list[list[list[tuple[str, bool, int, int, int]]]] = []
        self._cell: list[str] | None = None
        self._cell_meta: tuple[bool, int, int, int] = (False, 1, 1, 0)
        self._skip = 0
        self.title: str | None = None
        self._in_title = False
        self._h1: str | None = None
        self._in_h1 = False
        self.line = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
        if tag == "h1" and self._h1 is None:
            self._in_h1 = True
            self._h1 = ""
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            a = dict(attrs)
            self._cell = []
            self._cell_meta = (tag == "th", _int(a.get("rowspan")), _int(a.get("colspan")), self.getpos()[0])
        if tag in self._BLOCK:
            self._newline()
        if tag == "li":
            self._put("- ")
        if tag in ("td", "th"):
            self._put(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in ("td", "th") and self._cell is not None and self._stack:
            th, rs, cs, line = self._cell_meta
            text = "".join(self._cell)
            text = "\n".join(_clean(x) for x in text.split("\n") if x.strip())
            self._stack[-1][-1].append((text, th, rs, cs, line))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        if tag in self._BLOCK:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title = _clean((self.title or "") + " " + data)
        if self._in_h1:
            self._h1 = _clean((self._h1 or "") + " " + data)
        self._put(data.replace("\n", " "))

    def _put(self, s: str) -> None:
        self.text.append(s)
        if self._cell is not None:
            self._cell.append(s if s != " | " else " ")

    def _newline(self) -> None:
        self.text.append("\n")
        if self._cell is not None:
            self._cell.append("\n")

    @property
    def heading(self) -> str | None:
        return self._h1 or self.title


def _int(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 100))
    except ValueError:
        return 1


def _grid(table: list[list[tuple[str, bool, int, int, int]]]) -> list[tuple[int, list[str], bool]]:
    """Expand rowspan/colspan: every row gets a value in every column it spans."""
    out: list[tuple[int, list[str], bool]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows left)
    for tr in table:
        row: list[str] = []
        col = 0
        line = tr[0][4] if tr else 0
        header = bool(tr) and all(c[1] for c in tr)
        cells = list(tr)
        while cells or any(c >= col for c in pending):
            if col in pending:
                text, left = pending[col]
                row.append(text)
                if left > 1:
                    pending[col] = (text, left - 1)
                else:
                    del pending[col]
                col += 1
                continue
            if not cells:
                break
            text, _th, rs, cs, _ln = cells.pop(0)
            for k in range(cs):
                row.append(text if k == 0 else "")
                if rs > 1:
                    pending[col + k] = (text if k == 0 else "", rs - 1)
            col += cs
        if row:
            out.append((line, row, header))
    return out


def _parse_html(text: str) -> tuple[list[Row] | None, str, str | None]:
    reader = _HTMLReader()
    try:
        reader.feed(text)
        reader.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; anything else is a bad page
        return None, "", None
    best: list[Row] | None = None
    for table in reader.tables:
        grid = _grid(table)
        if len(grid) < 2:
            continue
        # The header: the first all-<th> row, else the first row.
        h = next((i for i, (_, _, is_h) in enumerate(grid[:3]) if is_h), 0)
        header = [c.split("\n")[0] for c in grid[h][1]]
        body = [(ln, cells) for ln, cells, _ in grid[h + 1 :]]
        rows = _rows_from_grid(header, body)
        if rows and (best is None or len(rows) > len(best)):
            best = rows
    page_text = "".join(reader.text)
    page_text = "\n".join(_clean(x) for x in page_text.split("\n"))
    return best, page_text, reader.heading


# ---------------------------------------------------------------- page heading

_CODE_MIT = re.compile(r"(?<![\d.])\d{1,2}\.[A-Z]?\d{2,4}\b")
_CODE = re.compile(r"\b[A-Z]{2,5}\s?[A-Z]?\d{2,4}[A-Z]?(?:/\d{2,4}[A-Z]?)*\b")


def _heading(lines: list[str], heading: str | None) -> tuple[str | None, str | None, str | None]:
    """Course name, code and term from the top of the page (short lines only)."""
    candidates = ([heading] if heading else []) + [ln for ln in lines[:15]]
    term: str | None = None
    name: str | None = None
    code: str | None = None
    for ln in candidates:
        s = _clean(ln.replace("|", " | ")).strip(" |#")
        if not s or len(s) > 80:
            continue
        if term is None and (t := _TERM.search(s)):
            term = f"{t.group(1).capitalize()} {t.group(2)}"
        if code is None:
            m = _CODE_MIT.search(s) or _CODE.search(s)
            if m:
                code = m.group(0)
                rest = (s[: m.start()] + " " + s[m.end():]).replace("|", " ")
                rest = re.sub(r"\(\s*\)|\[\s*\]", " ", _TERM.sub(" ", rest))
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
        rows, rendered, heading = _parse_html(text)
        layout = "html-table"
        texts.insert(0, rendered)  # the page as text first, then the raw source
    readers: list[tuple[str, Callable[[list[str]], list[Row] | None]]] = [
        ("markdown-table", _parse_markdown_table),
        ("pipe-rows", _parse_pipe_rows),
        ("dated-lines", _parse_dated_lines),
        ("numbered-list", _parse_numbered),
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


# =========================================================================== linking

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[&/+]")
_STOP = frozenset(
    "a an the of and or to in on for with by from at as is are be we our how what this that its "
    "their into via vs using use it do does can you your i will which about also than more most "
    "then there these those why when where who".split()
)
_SYNONYMS = {"net": "network", "nets": "network", "&": "and", "/": "and", "+": "and"}
# Title words that say what kind of lecture it is, not what it is about.
_GENERIC = frozenset(
    "introduction intro overview basics basic part lecture lectures guest course logistics "
    "administrivia review topics topic advanced special session class insights perspective "
    "anyway principles recap summary conclusion welcome wrap up discussion i ii iii iv "
    "fundamentals foundations applications application case studies study tbd tba no "
    "model models method methods theory practice key idea ideas one two three four five "
    "several various new modern simple".split()
)


def _stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith("sses"):
        return w[:-2]
    if len(w) > 4 and w.endswith(("ches", "shes", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _norm(word: str) -> str:
    w = word.casefold()
    w = re.sub(r"['’]s$", "", w).replace("'", "").replace("’", "")
    w = _SYNONYMS.get(w, w)
    return _stem(w)


@dataclass(frozen=True)
class _Tok:
    stem: str
    surface: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(_norm(m.group(0)), m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class _Name:
    topic: str
    surface: str
    kind: str  # label, alias, id
    acronym: bool
    ntok: int


@dataclass(frozen=True)
class _Match:
    i: int
    j: int
    topic: str
    conf: float
    text: str
    how: str


@dataclass(frozen=True)
class Link:
    """A topic proposed for a lecture, how sure the linker is, and the words that matched."""

    topic: str
    confidence: float
    text: str
    how: str = "name"  # name, fuzzy, sub-span, chapter, course


def _acronym_like(name: str) -> bool:
    """'RL', 'GAN', 'muP', 'LoRA': one word, short or with several capitals."""
    if len(_tokens(name)) != 1:
        return False
    return len(name) <= 3 or sum(c.isupper() for c in name) >= 2


def _acronym_ok(alias: str, surface: str) -> bool:
    if surface in (alias, alias + "s", alias + "es"):
        return True
    return sum(c.isupper() for c in surface) >= 2 and _stem(surface.casefold()) == _stem(alias.casefold())


# Where a name was found, and how much that says. Titles name what a lecture is about;
# short items of a detail list ("SGD, Backprop and autodiff") nearly as much; a word in a
# sentence of prose ("we consider gradient as a general technique") much less.
_PLACE_PENALTY = {"title": 0.0, "list": 0.06, "prose": 0.15}
_SEGMENT = re.compile(r"[,;:()\[\]!?]|\.(?:\s|$)|\s[-–—]{1,3}\s")


class Linker:
    """Links free text to topics by their labels, aliases and ids.

    Exact matches are on normalised word n-grams: case-folded, hyphens and slashes as
    spaces, "nets" as "networks", a light plural stem on every word. Acronym-like names
    ("RL", "GAN", "muP", "LoRA") match only when written as acronyms, so "gan" or "rl"
    in running text do not count. A span inside a longer match counts less ("neural
    networks" inside "deep neural networks"); "A and B C" also names "A C" ("density and
    energy models"). Spans that match no name exactly are tried with rapidfuzz against
    names of as many words, word by word, for typos ("parameteriation") and variants.

    Confidence (0-1) starts from how the name matched (label 0.98, multi-word alias or
    acronym 0.95, one-word alias 0.90, fuzzy: scaled by the similarity) and drops with
    where: nothing in the title, a little in a short item of a detail list, more in a
    sentence of prose (more again for one-word names). A topic named more than once, or
    also covered by a reading the lecture assigns, gains a little.
    """

    def __init__(self, topics: Iterable[TopicName], *, fuzzy_cutoff: float = 88.0) -> None:
        self.topics = {t.id: t for t in topics}
        self._index: dict[tuple[str, ...], list[_Name]] = {}
        self._fuzzy: dict[int, dict[str, _Name]] = {}
        self._fuzzy_cutoff = fuzzy_cutoff
        for t in self.topics.values():
            # The id last: where it reads like an alias ("gru" for "GRU") the alias wins,
            # with its case rule.
            names = [(t.label, "label"), *[(a, "alias") for a in t.aliases], (t.id.replace("-", " "), "id")]
            for surface, kind in names:
                toks = tuple(x.stem for x in _tokens(surface))
                if not toks:
                    continue
                nm = _Name(t.id, surface, kind, kind != "id" and _acronym_like(surface), len(toks))
                bucket = self._index.setdefault(toks, [])
                if not any(b.topic == t.id for b in bucket):
                    bucket.append(nm)
                if not nm.acronym and len(" ".join(toks)) >= 8:
                    self._fuzzy.setdefault(len(toks), {}).setdefault(" ".join(toks), nm)
        self._maxlen = max((len(k) for k in self._index), default=1)

    # ------------------------------------------------------------ matching

    def _base(self, nm: _Name, place: str) -> float:
        if nm.kind in ("label", "id"):
            c = 0.98
        elif nm.acronym or nm.ntok > 1:
            c = 0.95
        else:
            c = 0.90
        c -= _PLACE_PENALTY[place]
        if place == "prose" and nm.ntok == 1 and not nm.acronym:
            c -= 0.1
        return c

    def _places(self, text: str, toks: list[_Tok], in_title: bool) -> list[str]:
        """'title', 'list' or 'prose' for every token. Detail text is split at commas,
        semicolons, full stops and brackets; when most pieces are short (at most six
        words, four of them content words) it is a list of terms and its short pieces
        are list items; otherwise it is prose ("In this lecture we introduce graph neural
        networks, define matrix representations, ...") and every word is prose."""
        if in_title:
            return ["title"] * len(toks)
        places = ["prose"] * len(toks)
        bounds = [0] + [m.end() for m in _SEGMENT.finditer(text)] + [len(text) + 1]
        segments: list[tuple[list[int], bool]] = []
        k = 0
        for a, b in zip(bounds, bounds[1:]):
            idx = []
            while k < len(toks) and toks[k].start < b:
                if toks[k].start >= a:
                    idx.append(k)
                k += 1
            content = [i for i in idx if toks[i].stem not in _STOP and toks[i].stem.isalnum()]
            if content:
                segments.append((idx, len(content) <= 4 and len(text[a:b].split()) <= 6))
        if 2 * sum(short for _, short in segments) >= len(segments):
            for idx, short in segments:
                if short:
                    for i in idx:
                        places[i] = "list"
        return places

    def _matches(self, text: str, in_title: bool) -> tuple[list[_Tok], list[_Match]]:
        toks = _tokens(text)
        places = self._places(text, toks, in_title)
        n = len(toks)
        found: list[_Match] = []
        exact_spans: set[tuple[int, int]] = set()
        for i in range(n):
            for L in range(min(self._maxlen, n - i), 0, -1):
                key = tuple(t.stem for t in toks[i : i + L])
                for nm in self._index.get(key, ()):
                    if nm.acronym and not _acronym_ok(nm.surface, toks[i].surface):
                        continue
                    exact_spans.add((i, i + L))
                    surface = text[toks[i].start : toks[i + L - 1].end]
                    found.append(_Match(i, i + L, nm.topic, self._base(nm, places[i]), surface, "name"))
        found.extend(self._fuzzy_matches(text, toks, places, exact_spans))
        kept = _resolve(found)
        return toks, self._coordinated(text, toks, places, kept)

    def _fuzzy_matches(
        self, text: str, toks: list[_Tok], places: list[str], exact: set[tuple[int, int]]
    ) -> list[_Match]:
        from rapidfuzz import fuzz, process

        out: list[_Match] = []
        n = len(toks)
        for i in range(n):
            if toks[i].stem in _STOP or not toks[i].stem.isalnum():
                continue
            for L in range(1, min(5, n - i) + 1):
                j = i + L
                if (i, j) in exact or toks[j - 1].stem in _STOP or not toks[j - 1].stem.isalnum():
                    continue
                words = [t.stem for t in toks[i:j]]
                s = " ".join(words)
                choices = self._fuzzy.get(L)
                if len(s) < 8 or not choices:
                    continue
                # One word needs to be closer ("convolutional" is not "convolution").
                cutoff = self._fuzzy_cutoff if L > 1 else max(self._fuzzy_cutoff, 93.0)
                hit = process.extractOne(s, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
                if hit is None or hit[1] >= 100:
                    continue
                # Word by word too: "generalization ood" is not "generalization bound".
                if any(fuzz.ratio(a, b) < 75 for a, b in zip(words, hit[0].split())):
                    continue
                nm = choices[hit[0]]
                conf = self._base(nm, places[i]) * (float(hit[1]) / 100.0) * 0.94
                out.append(_Match(i, j, nm.topic, conf, text[toks[i].start : toks[j - 1].end], "fuzzy"))
        return out

    def _coordinated(self, text: str, toks: list[_Tok], places: list[str], kept: list[_Match]) -> list[_Match]:
        """'Density and energy models' also names 'density models'; 'Vision & Multimodal
        Transformers' names 'vision transformers' (and 'vision' alone counts less)."""
        out = list(kept)
        have = {m.topic for m in kept}
        for k, t in enumerate(toks):
            if t.stem != "and" or k == 0 or toks[k - 1].stem in _STOP:
                continue
            a = toks[k - 1]
            for m in (2, 3):
                tail = toks[k + m : k + m + 2]
                for L in range(len(tail), 0, -1):
                    key = (a.stem, *(x.stem for x in tail[:L]))
                    for nm in self._index.get(key, ()):
                        if nm.acronym or nm.topic in have:
                            continue
                        have.add(nm.topic)
                        surface = f"{a.surface} … {text[tail[0].start : tail[L - 1].end]}"
                        conf = self._base(nm, places[k - 1]) * 0.95
                        out.append(_Match(k - 1, k + m + L, nm.topic, conf, surface, "coordination"))
                        out = [
                            replace(x, conf=x.conf * 0.75, how="sub-span") if (x.i, x.j) == (k - 1, k) and x.how == "name" else x
                            for x in out
                        ]
        return out

    # ------------------------------------------------------------ public

    def link(self, title: str, detail: str = "", *, support: Collection[str] = ()) -> list[Link]:
        """Topics named in ``title`` and ``detail``, most confident first.

        ``support`` holds topics the lecture's readings cover (from the graph's chapter
        and reading ``covers``): a topic named in the text and covered by a reading is
        more likely right. A topic named more than once gains a little per mention.
        """
        best: dict[str, tuple[float, str, str]] = {}
        count: Counter[str] = Counter()
        for text, in_title in ((title, True), (detail, False)):
            if not text:
                continue
            for m in self._matches(text, in_title)[1]:
                if m.how != "sub-span":
                    count[m.topic] += 1
                if m.topic not in best or m.conf > best[m.topic][0]:
                    best[m.topic] = (m.conf, m.text, m.how)
        links = []
        for tid, (conf, text, how) in best.items():
            conf += 0.02 * min(max(count[tid] - 1, 0), 3)
            if tid in support:
                conf += 0.08
            links.append(Link(tid, round(min(conf, 0.99), 2), text, how))
        links.sort(key=lambda lk: (-lk.confidence, lk.topic))
        return links

    def unmatched(self, title: str, detail: str = "") -> list[str]:
        """Terms in ``title`` (and the short list items of ``detail``) that name no topic:
        candidates for new topics."""
        out: list[str] = []
        for text, in_title in ((title, True), (detail, False)):
            if not text:
                continue
            toks, kept = self._matches(text, in_title)
            places = self._places(text, toks, in_title)
            covered = {k for m in kept for k in range(m.i, m.j)}
            splitter = _SEGMENT if not in_title else re.compile(r"[:;,()\[\]|?!]|\s[-–—]+\s|/")
            pieces = re.split(r"\band\b|&", text) if in_title else [text]
            segments: list[tuple[int, int]] = []
            pos = 0
            for piece in pieces:
                start = text.find(piece, pos)
                pos = start + len(piece)
                bounds = [start] + [start + m.end() for m in splitter.finditer(piece)] + [pos]
                segments.extend(zip(bounds, bounds[1:]))
            for a, b in segments:
                seg = [k for k, t in enumerate(toks) if a <= t.start and t.end <= b and t.stem.isalnum()]
                if not in_title and (not seg or places[seg[0]] != "list"):
                    continue  # only the terms of a detail list, not words of its prose
                # Runs of words no topic covers; a run that runs into a linked term
                # keeps it as its head ("Quokka sampling").
                runs: list[list[int]] = []
                open_run = False  # may the last run take more words?
                for k in seg:
                    joins = bool(runs) and open_run and runs[-1][-1] == k - 1
                    if k in covered:
                        if joins and runs[-1][-1] not in covered:
                            runs[-1].append(k)
                        else:
                            open_run = False
                        continue
                    if joins and runs[-1][-1] not in covered:
                        runs[-1].append(k)
                    else:
                        runs.append([k])
                        open_run = True
                # A run ends at the first linked word it takes in.
                runs = [r[: next((i + 1 for i, k in enumerate(r) if k in covered), len(r))] for r in runs]
                for words in runs:
                    while words and toks[words[0]].stem in _STOP | _GENERIC:
                        words.pop(0)
                    while words and words[-1] not in covered and toks[words[-1]].stem in _STOP | _GENERIC:
                        words.pop()
                    free = [k for k in words if k not in covered]
                    if not free or len(words) > (5 if in_title else 3):
                        continue
                    if not in_title and len(words) < 2:
                        continue
                    if all(toks[k].stem in _GENERIC or toks[k].stem in _STOP or toks[k].stem.isdigit() for k in free):
                        continue
                    term = _clean(text[toks[words[0]].start : toks[words[-1]].end])
                    if len(term) >= 3 and term.lower() not in (o.lower() for o in out):
                        out.append(term)
        return out


def _resolve(found: list[_Match]) -> list[_Match]:
    """Non-crossing matches, longest first; a span inside another topic's counts less."""
    found.sort(key=lambda m: (-(m.j - m.i), -m.conf, m.topic))
    kept: list[_Match] = []
    for m in found:
        inside = [k for k in kept if k.i <= m.i and m.j <= k.j]
        crossing = [k for k in kept if k.i < m.j and m.i < k.j and not (k.i <= m.i and m.j <= k.j)]
        if crossing:
            continue
        if any(k.topic == m.topic for k in inside):
            continue
        if any((k.i, k.j) != (m.i, m.j) for k in inside):
            m = replace(m, conf=m.conf * 0.75, how="sub-span")
        kept.append(m)
    return kept


# =========================================================================== readings


def _norm_title(s: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", s.casefold()).split())


@dataclass(frozen=True)
class DraftReading:
    """A reading of a draft lecture: a reading id or a chapter ``book/n`` in the graph."""

    reading: str | None = None
    chapter: str | None = None
    sections: str | None = None
    optional: bool = False
    note: str | None = None


_CHAPTERS = re.compile(
    r"^(?P<book>.+?)[,:]?\s+(?:chapters?|chs?\.?|ch\.)\s*(?P<spec>\d[\d.\s,–-]*(?:(?:and|&)\s*\d[\d.\s,–-]*)*)(?P<rest>.*)$",
    re.I,
)


class _Library:
    """Resolves reading lines against the graph's books and readings."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.books = [(_norm_title(b.title), b) for b in vocab.books]
        self.readings = {_norm_title(t): rid for rid, t in vocab.readings.items() if _norm_title(t)}
        self._by_len = sorted(self.readings, key=len, reverse=True)

    def book(self, title: str) -> Book | None:
        from rapidfuzz import fuzz

        t = _norm_title(title)
        best: tuple[float, Book | None] = (0.0, None)
        for norm, b in self.books:
            score = 100.0 if norm == t else fuzz.ratio(norm, t)
            if score > best[0]:
                best = (score, b)
        return best[1] if best[0] >= 90 else None

    def line(self, ln: ReadingLine) -> tuple[list[DraftReading], str | None]:
        """The readings one line names, or its text when nothing in the graph fits."""
        text = ln.text.strip()
        optional = ln.optional
        m = re.search(r"\(\s*optional\s*\)\s*$", text, re.I)
        if m:
            # "Chapter 14, 17 (optional)": the mark belongs to the item just before it.
            text = text[: m.start()].strip()
            last_optional = True
        else:
            last_optional = False
        ch = _CHAPTERS.match(text)
        if ch:
            book = self.book(ch.group("book"))
            if book is None:
                return [], ln.text
            refs = self._chapters(book, ch.group("spec"), optional)
            if not refs:
                return [], ln.text
            remark = _clean(ch.group("rest").strip(" ,;:-–()"))
            last = refs[-1]
            refs[-1] = replace(last, optional=last.optional or last_optional, note=remark or None)
            return refs, None
        note: str | None = None
        paren = re.search(r"\s*\(([^()]{1,60})\)\s*$", text)
        if paren:
            note = paren.group(1).strip()
            text = text[: paren.start()]
        rid = self.find_reading(text)
        if rid is None:
            return [], ln.text
        return [DraftReading(reading=rid, optional=optional or last_optional, note=note)], None

    def _chapters(self, book: Book, spec: str, optional: bool) -> list[DraftReading]:
        out: list[DraftReading] = []
        for item in re.split(r"\s*(?:,|\band\b|&)\s*", spec.strip()):
            item = item.strip(" .")
            if not item:
                continue
            rng = re.fullmatch(r"(\d+(?:\.\d+)*)\s*[-–]\s*(\d+(?:\.\d+)*)", item)
            if rng:
                a, b = rng.groups()
                if "." not in a and "." not in b:
                    nums = list(range(int(a), int(b) + 1)) if int(b) - int(a) < 30 else []
                    out.extend(DraftReading(chapter=f"{book.id}/{n}", optional=optional) for n in nums if n in book.chapters)
                    continue
                n = int(a.split(".")[0])
                if n in book.chapters:
                    out.append(DraftReading(chapter=f"{book.id}/{n}", sections=f"{a}-{b}", optional=optional))
                continue
            if re.fullmatch(r"\d+(?:\.\d+)*", item):
                n = int(item.split(".")[0])
                if n in book.chapters:
                    out.append(DraftReading(chapter=f"{book.id}/{n}", sections=item if "." in item else None, optional=optional))
        return out

    def find_reading(self, text: str) -> str | None:
        from rapidfuzz import fuzz, process

        t = _norm_title(text)
        if not t:
            return None
        if t in self.readings:
            return self.readings[t]
        # "Title. This video walks through ...": a long title followed by a remark.
        for norm in self._by_len:
            if len(norm.split()) >= 3 and t.startswith(norm + " "):
                return self.readings[norm]
        hit = process.extractOne(t, list(self.readings), scorer=fuzz.ratio, score_cutoff=92)
        return self.readings[hit[0]] if hit else None

    def in_text(self, text: str) -> list[DraftReading]:
        """Readings whose titles appear as whole words in a materials cell. A heading
        ("optional readings:", "required reading:") sets whether the titles after it are
        optional; "(optional)" or "; optional" just after a title marks that one."""
        t = " " + _norm_title(text) + " "
        headings = [
            (m.start(), m.group(1) == "optional")
            for m in re.finditer(r" (?:(optional|required|suggested|recommended|further) )?readings? ", t)
        ]
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, int, str]] = []
        for norm in self._by_len:
            start = 0
            while (p := t.find(" " + norm + " ", start)) >= 0:
                q = p + len(norm) + 1
                start = q
                if any(a < q and p < b for a, b in taken):
                    continue
                taken.append((p, q))
                found.append((p, q, self.readings[norm]))
                break
        found.sort()
        out: list[DraftReading] = []
        for n, (p, q, rid) in enumerate(found):
            heading = [opt for pos, opt in headings if pos < p]
            nxt = found[n + 1][0] if n + 1 < len(found) else len(t)
            after = t[q:nxt].split()[:4]
            optional = (bool(heading) and heading[-1]) or "optional" in after
            out.append(DraftReading(reading=rid, optional=optional))
        return out


# =========================================================================== drafts


@dataclass
class DraftLecture:
    title: str
    line: int
    date: _dt.date | None = None
    page_date: str | None = None
    number: str | None = None
    speakers: list[str] = field(default_factory=list)
    guest: bool = False
    links: list[Link] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    readings: list[DraftReading] = field(default_factory=list)
    unmatched_readings: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    def covers(self, threshold: float = COVER_THRESHOLD) -> list[str]:
        return [lk.topic for lk in self.links if lk.confidence >= threshold]


@dataclass
class DraftEvent:
    kind: str
    title: str
    line: int
    date: _dt.date | None = None
    page_date: str | None = None
    week: int | None = None
    links: list[Link] = field(default_factory=list)


@dataclass
class DraftAssignment:
    id: str
    title: str
    kind: str
    released: _dt.date | None = None
    due: _dt.date | None = None
    week: int | None = None


@dataclass
class Draft:
    """A draft course file: what :func:`render_yaml` writes."""

    course_id: str
    name: str | None
    code: str | None
    term: str | None
    source: str
    layout: str
    threshold: float
    lectures: list[DraftLecture]
    events: list[DraftEvent]
    assignments: list[DraftAssignment]
    candidates: dict[str, list[int]]  # candidate new topic -> lecture positions
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The draft as plain data (the ``--format json`` output)."""

        def links(ls: list[Link]) -> list[dict[str, Any]]:
            return [{"topic": lk.topic, "confidence": lk.confidence, "text": lk.text, "how": lk.how} for lk in ls]

        def reading(r: DraftReading) -> dict[str, Any]:
            return {k: v for k, v in vars(r).items() if v not in (None, False)}

        return {
            "id": self.course_id,
            "name": self.name,
            "code": self.code,
            "term": self.term,
            "source": self.source,
            "layout": self.layout,
            "threshold": self.threshold,
            "lectures": [
                {
                    "position": i + 1,
                    "title": lec.title,
                    "date": lec.date.isoformat() if lec.date else None,
                    "page_date": lec.page_date,
                    "number": lec.number,
                    "speakers": lec.speakers,
                    "guest": lec.guest,
                    "covers": lec.covers(self.threshold),
                    "links": links(lec.links),
                    "materials": lec.materials,
                    "readings": [reading(r) for r in lec.readings],
                    "unmatched_readings": lec.unmatched_readings,
                    "candidate_topics": lec.candidates,
                }
                for i, lec in enumerate(self.lectures)
            ],
            "events": [
                {
                    "kind": e.kind,
                    "title": e.title,
                    "date": e.date.isoformat() if e.date else None,
                    "week": e.week,
                    "covers": [lk.topic for lk in e.links if lk.confidence >= self.threshold],
                }
                for e in self.events
            ],
            "assignments": [
                {
                    "id": a.id,
                    "title": a.title,
                    "kind": a.kind,
                    "released": a.released.isoformat() if a.released else None,
                    "due": a.due.isoformat() if a.due else None,
                    "week": a.week,
                }
                for a in self.assignments
            ],
            "candidate_topics": self.candidates,
            "notes": self.notes,
        }


# ---------------------------------------------------------------- sorting rows

_OH = re.compile(r"\b(?:office\s+hours?|OHs?)\b")
_KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("office-hours", re.compile(r"(?i)\boffice\s+hours?\b")),
    ("poster-session", re.compile(r"(?i)\bposter(?:s)?\s+(?:session|presentations?|fair)\b")),
    ("exam", re.compile(r"(?i)\b(?:mid-?terms?|final\s+exam(?:ination)?|exams?|examination|quiz(?:zes)?)\b")),
    ("deadline", re.compile(r"(?i)\b(?:deadline|due)\b")),
    ("holiday", re.compile(
        r"(?i)\b(?:holiday|no\s+class(?:es)?|no\s+lecture|recess|vacation|day\s+off|cancell?ed|"
        r"(?:spring|fall|winter|autumn|thanksgiving|mid-?term|reading)\s+break)\b")),
    ("study-week", re.compile(r"(?i)\b(?:RRR|reading\s+(?:week|period)|study\s+(?:week|period)|dead\s+week|revision\s+week)\b")),
    ("buffer", re.compile(r"(?i)\b(?:buffer|slack|catch-?up|slip)\b")),
    ("tutorial", re.compile(r"(?i)\b(?:tutorial|recitation|review\s+session|lab\s+session|workshop)\b")),
    ("discussion", re.compile(r"(?i)^(?:discussion|dis\s*\d+|section\s*\d+)\b")),
    ("project", re.compile(r"(?i)\bproject\s+(?:presentations?|demos?|showcase|work\s+session)\b")),
]


def _row_kind(row: Row) -> str:
    """'lecture', an event kind, or 'assignment' (a row that only announces one)."""
    title = row.title
    if not title:
        return "assignment" if row.assignments else "none"
    if _OH.search(title):
        return "office-hours"
    for kind, pat in _KIND_RULES:
        if pat.search(title):
            return kind
    return "lecture"


_ASSIGN_KINDS = [
    ("problem-set", re.compile(r"(?i)^(?:p-?sets?|problem\s+sets?)$")),
    ("homework", re.compile(r"(?i)^(?:homeworks?|hw|assignments?)$")),
    ("lab", re.compile(r"(?i)^labs?$")),
    ("quiz", re.compile(r"(?i)^quiz(?:zes)?$")),
    ("project", re.compile(r"(?i)project")),
]


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.casefold()).strip("-")


def _assignment(marker: str) -> tuple[str, str, str, str | None] | None:
    """(id, title, kind, action) from a marker such as 'pset 1 out' or 'HW0 - Basics'."""
    m = _ASSIGN.search(marker)
    if m is None:
        return None
    act = (m.group("act") or "").lower() or None
    if m.group("base"):
        base = m.group("base")
        num = m.group("num")
        kind = next((k for k, p in _ASSIGN_KINDS if p.match(_clean(base))), "homework")
        joined = re.fullmatch(r"(?i)[a-z]+", base) and re.search(rf"(?i){re.escape(base)}\d", marker)
        aid = _slug(f"{base}{num}") if joined else _slug(f"{base} {num}")
        sub = _clean(m.group("sub") or "")
        title = _clean(f"{base}{num}" if joined else f"{base} {num}") + (f" {sub}" if sub else "")
    else:
        proj = _clean(m.group("proj"))
        kind = "project"
        aid = _slug(proj)
        title = _clean(proj + (m.group("paren") or ""))
    title = title[:1].upper() + title[1:]
    return aid, title, kind, act


def build_draft(
    page: Page,
    vocab: Vocabulary,
    *,
    course_id: str,
    term: str | None = None,
    year: int | None = None,
    name: str | None = None,
    threshold: float = COVER_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> Draft:
    """Sort a page's rows into a :class:`Draft`: lectures with linked topics, events,
    assignments, readings resolved against ``vocab``.

    The year of dates comes from ``year``, else ``term`` ("Fall 2025"), else the page's
    own term, else the weekdays the page prints (when exactly one recent year fits them);
    with no year, dates are left out and a note says so. ``progress(done, total)`` is
    called after each row.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", course_id):
        raise UsageError(f"invalid course id {course_id!r}: use lowercase letters, digits, '.', '-' and '_'")
    notes: list[str] = []
    term = term or page.term
    base_year = year or _term_year(term)
    dated = [r.date for r in page.rows if r.date is not None]
    if base_year is None and dated and all(d.year is None for d in dated):
        base_year = _weekday_year(dated)
        if base_year is not None:
            notes.append(
                f"no year on the page: {base_year} is the only recent year whose weekdays fit "
                "its dates (give --term or --year to override)"
            )
        else:
            notes.append("no year known: dates left out (give --term 'Fall 2025' or --year 2025)")
    elif base_year is not None and dated:
        with_weekday = [d for d in dated if d.weekday is not None and d.year is None]
        wrong = [d for d in with_weekday if (x := d.on(base_year)) is not None and x.weekday() != d.weekday]
        if wrong and len(wrong) * 4 >= len(with_weekday):
            notes.append(f"{len(wrong)} of the page's dates fall on other weekdays in {base_year}: check the year")
    linker = Linker(vocab.topics)
    library = _Library(vocab)
    chapter_covers = {f"{b.id}/{n}": set(c) for b in vocab.books for n, c in b.chapters.items()}
    reading_covers = {rid: set(c) for rid, c in vocab.reading_covers.items()}
    course_links = [lk for lk in linker.link(name or page.name or "") if lk.confidence >= threshold]

    lectures: list[DraftLecture] = []
    events: list[DraftEvent] = []
    assignments: dict[str, DraftAssignment] = {}
    candidates: dict[str, list[int]] = {}
    prev_month: int | None = None
    year_now = base_year
    total = len(page.rows)
    for k, row in enumerate(page.rows):
        date: _dt.date | None = None
        page_date = row.date.text if row.date else None
        if row.date is not None:
            rolls_over = prev_month is not None and row.date.month < prev_month - 5
            if row.date.year is None and year_now is not None and rolls_over:
                year_now += 1  # the schedule runs into the new year
            prev_month = row.date.month
            y = row.date.year or year_now
            if y is not None:
                date = row.date.on(y)
                if date is None:
                    notes.append(f"line {row.line}: impossible date {row.date.text!r} left out")
        kind = _row_kind(row)
        for marker in row.assignments:
            got = _assignment(marker)
            if got is None:
                continue
            aid, atitle, akind, act = got
            a = assignments.setdefault(aid, DraftAssignment(aid, atitle, akind))
            if act in ("out", "released", "release", "handout", "assigned") and a.released is None:
                a.released = date
            elif act in ("due", "deadline") and a.due is None:
                a.due = date
            if a.released is None and a.due is None and a.week is None and act is None:
                a.week = row.week
        if row.discussion:
            links = [lk for lk in linker.link(row.discussion) if lk.confidence >= _WEAK_FLOOR]
            events.append(DraftEvent("discussion", row.discussion, row.line, week=row.week, links=links))
        if kind == "lecture":
            lec = DraftLecture(
                title=row.title, line=row.line, date=date, page_date=page_date, number=row.number,
                speakers=list(row.speakers), guest=row.guest, materials=list(row.materials),
            )
            for ln in row.readings:
                refs, unmatched = library.line(ln)
                lec.readings.extend(refs)
                if unmatched and not re.match(r"(?i)^(?:see\b|tbd|tba|none\b|n/a)", unmatched):
                    lec.unmatched_readings.append(unmatched)
            for text in row.reading_text:
                lec.readings.extend(library.in_text(text))
            lec.readings = list(dict.fromkeys(lec.readings))
            support: set[str] = set()
            for r in lec.readings:
                if r.chapter:
                    support |= chapter_covers.get(r.chapter, set())
                if r.reading:
                    support |= reading_covers.get(r.reading, set())
            lec.links = _course_subject(
                linker.link(row.title, row.detail, support=support), course_links, row.title,
                early=len(lectures) < 2, threshold=threshold,
            )
            lec.links = [lk for lk in lec.links if lk.confidence >= _WEAK_FLOOR]
            lec.candidates = linker.unmatched(row.title, row.detail)
            for c in lec.candidates:
                candidates.setdefault(c, []).append(len(lectures) + 1)
            lectures.append(lec)
        elif kind not in ("assignment", "none"):
            title = row.title
            links = linker.link(title) if kind in ("tutorial", "discussion") else []
            links = [lk for lk in links if lk.confidence >= _WEAK_FLOOR]
            events.append(DraftEvent(kind, title, row.line, date, page_date, row.week, links))
        if progress is not None:
            progress(k + 1, total)
    for a in assignments.values():
        if a.released and a.due and a.due < a.released:
            notes.append(f"{a.id}: due {a.due} is before released {a.released}; release date left out")
            a.released = None
    if not lectures:
        raise PageError("the schedule has no lectures, only calendar rows", page.source)
    return Draft(
        course_id=course_id,
        name=name or page.name,
        code=page.code,
        term=term,
        source=Path(page.source).name,
        layout=page.layout,
        threshold=threshold,
        lectures=lectures,
        events=events,
        assignments=list(assignments.values()),
        candidates=candidates,
        notes=notes,
    )


_INTRO = re.compile(r"(?i)\b(?:intro(?:duction)?|overview|welcome|administrivia|logistics)\b")


def _course_subject(
    links: list[Link], subject: list[Link], title: str, *, early: bool, threshold: float
) -> list[Link]:
    """A course on deep learning says "deep learning" in many lectures; the course's own
    subject (the topics its name links to) is what an introductory lecture covers, and
    only context in the others. Introductory: the title says so, or one of the first two
    lectures links no topic of its own."""
    ids = {lk.topic for lk in subject}
    own = [lk for lk in links if lk.topic not in ids and lk.confidence >= threshold]
    if _INTRO.search(title) or (early and not own):
        have = {lk.topic for lk in links}
        extra = [Link(lk.topic, round(lk.confidence * 0.92, 2), lk.text, "course") for lk in subject if lk.topic not in have]
        return sorted(links + extra, key=lambda lk: (-lk.confidence, lk.topic))
    out = [replace(lk, confidence=round(lk.confidence * 0.75, 2), how="course") if lk.topic in ids else lk for lk in links]
    return sorted(out, key=lambda lk: (-lk.confidence, lk.topic))


def _weekday_year(dates: Sequence[PageDate]) -> int | None:
    with_wd = [d for d in dates if d.weekday is not None]
    if len(with_wd) < 3:
        return None
    this = _dt.date.today().year
    fits = []
    for y in range(this - 6, this + 2):
        ok = True
        yy = y
        prev: int | None = None
        for d in dates:
            if prev is not None and d.month < prev - 5:
                yy += 1
            prev = d.month
            if d.weekday is None:
                continue
            x = d.on(yy)
            if x is None or x.weekday() != d.weekday:
                ok = False
                break
        if ok:
            fits.append(y)
    return fits[0] if len(fits) == 1 else None


def import_page(
    path: str | Path,
    vocab: Vocabulary,
    *,
    course_id: str,
    term: str | None = None,
    year: int | None = None,
    name: str | None = None,
    threshold: float = COVER_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> Draft:
    """Read, parse and sort one page file: :func:`read_page`, :func:`parse_page`,
    :func:`build_draft`."""
    source = "<stdin>" if str(path) == "-" else str(path)
    page = parse_page(read_page(path), source)
    return build_draft(page, vocab, course_id=course_id, term=term, year=year, name=name, threshold=threshold, progress=progress)


# =========================================================================== YAML


_PLAIN = re.compile(r"^[A-Za-z(][^:#\[\]{}\",'&*!|>%@`]*$")
_YAML_WORDS = frozenset("yes no true false on off null y n ~".split())


def _q(s: str) -> str:
    """A YAML scalar for ``s``: plain when safe, else double-quoted."""
    s = _clean(s)
    if _PLAIN.match(s) and s.lower() not in _YAML_WORDS and not s.endswith((" ", "-", "?")) and ": " not in s and " #" not in s:
        return s
    return json.dumps(s, ensure_ascii=False)


def _comment(s: str) -> str:
    return _clean(s).replace("\n", " ")


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def render_yaml(draft: Draft) -> str:
    """The draft as a course file (``data/README.md`` format) with comments for review."""
    th = draft.threshold
    out: list[str] = [
        f"# DRAFT written by `kg import` from {_comment(draft.source)} ({draft.layout}).",
        "# Check every line before adding it to data/courses/: titles and dates are as the page",
        f"# gives them; `covers` holds topics linked with confidence >= {th:.2f} (each shown after",
        "# the list), weaker links follow as comments; terms that match no topic are listed at",
        "# the end as candidate new topics.",
    ]
    for n in draft.notes:
        out.append(f"# note: {_comment(n)}")
    out.append(f"id: {draft.course_id}")
    if draft.name:
        out.append(f"name: {_q(draft.name)}")
    else:
        out.append(f"name: {_q(draft.course_id)}  # TODO: the course's own title (not found on the page; use --name)")
    if draft.code:
        out.append(f"code: {_q(draft.code)}")
    if draft.term:
        out.append(f"term: {_q(draft.term)}")
    out.append(f"source: {_q(draft.source)}")
    out.append("")
    out.append("lectures:")
    for i, lec in enumerate(draft.lectures, start=1):
        out.append(f"  - title: {_q(lec.title)}  # lecture {i}, line {lec.line}")
        if lec.date:
            out.append(f"    date: {lec.date.isoformat()}")
        elif lec.page_date:
            out.append(f"    # date: {_comment(lec.page_date)} (no year known)")
        if lec.number:
            out.append(f"    number: {json.dumps(lec.number)}")
        if lec.speakers:
            out.append(f"    speakers: {_flow(lec.speakers)}")
        if lec.guest:
            out.append("    guest: true")
        covers = [lk for lk in lec.links if lk.confidence >= th]
        weak = [lk for lk in lec.links if lk.confidence < th]
        if covers:
            conf = ", ".join(f"{lk.topic} {lk.confidence:.2f}" for lk in covers)
            out.append(f"    covers: {_flow(lk.topic for lk in covers)}  # {conf}")
        else:
            out.append(f"    # covers: no topic linked with confidence >= {th:.2f}")
        if weak:
            out.append("    # weaker: " + ", ".join(f"{lk.topic} {lk.confidence:.2f} ({_comment(lk.text)!r})" for lk in weak))
        if lec.candidates:
            out.append("    # no topic for: " + "; ".join(_comment(c) for c in lec.candidates))
        if lec.materials:
            out.append(f"    materials: {_flow(lec.materials)}")
        if lec.readings:
            out.append("    readings:")
            for r in lec.readings:
                if r.reading:
                    out.append(f"      - reading: {r.reading}")
                else:
                    out.append(f"      - chapter: {r.chapter}")
                if r.sections:
                    out.append(f"        sections: {json.dumps(r.sections)}")
                if r.optional:
                    out.append("        optional: true")
                if r.note:
                    out.append(f"        note: {_q(r.note)}")
        for u in lec.unmatched_readings:
            out.append(f"    # reading not in the graph: {_comment(u)}")
    if draft.events:
        out.append("")
        out.append("events:")
        for e in draft.events:
            out.append(f"  - kind: {e.kind}")
            out.append(f"    title: {_q(e.title)}")
            if e.date:
                out.append(f"    date: {e.date.isoformat()}")
            elif e.page_date:
                out.append(f"    # date: {_comment(e.page_date)} (no year known)")
            if e.week is not None:
                out.append(f"    week: {e.week}")
            covers = [lk for lk in e.links if lk.confidence >= th]
            if covers:
                conf = ", ".join(f"{lk.topic} {lk.confidence:.2f}" for lk in covers)
                out.append(f"    covers: {_flow(lk.topic for lk in covers)}  # {conf}")
    if draft.assignments:
        out.append("")
        out.append("assignments:")
        for a in draft.assignments:
            out.append(f"  - id: {a.id}")
            out.append(f"    title: {_q(a.title)}")
            out.append(f"    kind: {a.kind}")
            if a.released:
                out.append(f"    released: {a.released.isoformat()}")
            if a.due:
                out.append(f"    due: {a.due.isoformat()}")
            if a.week is not None:
                out.append(f"    week: {a.week}")
    if draft.candidates:
        out.append("")
        out.append("# Candidate new topics: terms in lecture titles and detail lists that match no")
        out.append("# topic in the vocabulary (lecture numbers in brackets).")
        for term, where in draft.candidates.items():
            out.append(f"#   {_comment(term)} [{', '.join(str(w) for w in where)}]")
    return "\n".join(out) + "\n"
