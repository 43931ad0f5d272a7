"""Load and check the curated sources in a data directory.

``load_sources(data_dir)`` reads ``topics/*.yaml``, ``books.yaml``, ``readings.yaml`` and
``courses/*.yaml`` into plain records and checks everything that can be checked without
RDF: required fields, types, ids, dates, references between files and the acyclicity of
``requires``. The first problem stops the load with a :class:`~kg.errors.DataError`
naming the file, line and value. The layout is documented in ``data/README.md``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import collector
from kg import vocab as V
from kg.algorithms.dag import find_cycle
from kg.errors import CycleError, DataError
from kg.build.yamlio import Map, Seq, load_yaml, load_yaml_text

__all__ = [
    "Loc",
    "Requirement",
    "Topic",
    "Chapter",
    "Book",
    "Reading",
    "ReadingRef",
    "Lecture",
    "Event",
    "Assignment",
    "Course",
    "PageSource",
    "Sources",
    "load_sources",
    "read_course_file",
    "read_course_text",
    "unknown_reference",
    "suggest",
    "EVENT_KINDS",
    "READING_KINDS",
]

READING_KINDS = frozenset(
    "paper notes post video tutorial docs talk slides book thesis code dataset".split()
)
# What a topic is, for the policy in data/README.md: an umbrella area (its prerequisites
# are its parts), a neural architecture or model family, or a technique for training one.
# Topics without a kind are concepts.
TOPIC_KINDS = frozenset({"area", "architecture", "technique"})
EVENT_KINDS = frozenset(
    "holiday exam tutorial office-hours deadline release buffer study-week poster-session "
    "discussion project other".split()
)
ASSIGNMENT_KINDS = frozenset("problem-set homework project quiz lab".split())

_TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LABEL = V.LECTURE_LABEL  # a lecture's own label on its page (kg.vocab)


@dataclass(frozen=True, slots=True)  # one per record and reference: small and quick to make
class Loc:
    """Where a record came from: a path (relative to the data directory) and a line."""

    path: str
    line: int

    def error(self, message: str) -> DataError:
        return DataError(message, self.path, self.line)


@dataclass
class Requirement:
    topic: str
    reason: str
    source: str | None
    loc: Loc


@dataclass
class Topic:
    id: str
    label: str
    aliases: list[str]
    definition: str | None
    broader: str | None
    requires: list[Requirement]
    loc: Loc
    kind: str | None = None


@dataclass
class Chapter:
    book: str
    number: int
    title: str
    covers: list[str]
    loc: Loc

    @property
    def ref(self) -> str:
        return f"{self.book}/{self.number}"


@dataclass
class Book:
    id: str
    title: str
    authors: list[str]
    year: int | None
    publisher: str | None
    url: str | None
    chapters: list[Chapter]
    loc: Loc


@dataclass
class Reading:
    id: str
    title: str
    kind: str
    authors: list[str]
    year: int | None
    url: str | None
    covers: list[str]
    loc: Loc


@dataclass
class ReadingRef:
    """One reading assigned in a lecture: a reading id or a chapter ``book/n``."""

    reading: str | None
    chapter: tuple[str, int] | None
    optional: bool
    sections: str | None
    note: str | None
    loc: Loc


@dataclass(slots=True)  # one per lecture: a draft of `kg import` has tens of thousands
class Lecture:
    position: int
    title: str
    date: _dt.date | None
    number: str | None
    speakers: list[str]
    guest: bool
    covers: list[str]
    materials: list[str]
    readings: list[ReadingRef]
    loc: Loc
    # The number in the lecture's IRI (kg.vocab.lecture_numbers): the page's own number
    # where the course's labels are whole numbers ("09" -> 9), else the position.
    key: int = 0


@dataclass
class Event:
    kind: str
    title: str
    date: _dt.date | None
    week: int | None
    covers: list[str]
    loc: Loc


@dataclass
class Assignment:
    id: str
    title: str
    kind: str
    released: _dt.date | None
    due: _dt.date | None
    week: int | None
    loc: Loc


@dataclass(frozen=True)
class PageSource:
    """Where a course file was curated from: one file of a public GitHub repository at
    one commit (``source: {repository: OWNER/NAME, path: PATH, commit: SHA}``)."""

    repository: str
    path: str
    commit: str

    @property
    def url(self) -> str:
        """The file's permanent address on GitHub."""
        return f"https://github.com/{self.repository}/blob/{self.commit}/{self.path}"

    @property
    def label(self) -> str:
        return f"{self.repository}: {self.path} at {self.commit[:12]}"


@dataclass
class Course:
    id: str
    name: str | None
    code: str | None
    term: str | None
    provider: str | None
    source: str | None
    url: str | None
    assumes: list[str]
    lectures: list[Lecture]
    events: list[Event]
    assignments: list[Assignment]
    loc: Loc
    # ``source:`` as a repository file; ``source`` above is a page file name.
    origin: PageSource | None = None


@dataclass
class Sources:
    """Everything read from one data directory."""

    root: Path
    topics: dict[str, Topic] = field(default_factory=dict)
    books: dict[str, Book] = field(default_factory=dict)
    readings: dict[str, Reading] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    turtle: list[Path] = field(default_factory=list)

    def chapter(self, book: str, number: int) -> Chapter | None:
        b = self.books.get(book)
        if b is None:
            return None
        return next((c for c in b.chapters if c.number == number), None)


# --------------------------------------------------------------------------- fields


class _Fields:
    """Typed access to one YAML mapping, raising located errors."""

    def __init__(self, m: Any, what: str, path: str, line: int, allowed: Iterable[str]):
        self.path = path
        self.what = what
        if not isinstance(m, Map):
            raise DataError(f"{what} must be a mapping, got {_show(m)}", path, line)
        self.m = m
        allowed = tuple(allowed)
        for key in m:
            if key not in allowed:
                hint = _close(key, allowed)
                raise DataError(
                    f"unknown field {_show(key)} in {what}" + (f"; did you mean {hint!r}?" if hint else ""),
                    path,
                    m.line_of(key),
                )

    def loc(self, key: str | None = None) -> Loc:
        return Loc(self.path, self.m.line_of(key) if key else self.m.line)

    def err(self, key: str | None, message: str) -> DataError:
        return self.loc(key).error(message)

    def has(self, key: str) -> bool:
        return key in self.m and self.m[key] is not None

    def text(self, key: str, required: bool = False) -> str | None:
        v = self.m.get(key)  # None: absent or empty (see has)
        if v is None:
            if required:
                raise self.err(None, f"{self.what} is missing required field {key!r}")
            return None
        if type(v) is str:  # the common case, read once per field of every record
            s = v.strip()
        elif isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise self.err(key, f"{key!r} must be text, got {_show(v)}")
        else:
            s = str(v).strip()
        if required and not s:
            raise self.err(key, f"{key!r} must not be empty")
        return s or None

    def label(self, key: str) -> str | None:
        """A label such as a lecture number, as its page writes it: a whole number or
        short text of letters and digits ("3", 3, "09", "1a", "5.2"). A YAML float is
        refused (``5.10`` would read as 5.1): quote such labels."""
        v = self.m.get(key)
        if isinstance(v, float):
            raise self.err(key, f"{key!r} must be a whole number or quoted text such as \"5.2\", got {_show(v)}")
        s = self.text(key)
        if s is not None and not _LABEL.match(s):
            raise self.err(
                key, f"invalid {key} {_show(s)}: write the page's label only, e.g. 9, \"09\", \"1a\" or \"5.2\""
            )
        return s

    def req_text(self, key: str) -> str:
        s = self.text(key, required=True)
        assert s is not None
        return s

    def ident(self, key: str, pattern: re.Pattern[str] = _ID) -> str:
        s = self.req_text(key)
        if not pattern.match(s):
            raise self.err(
                key, f"invalid {key} {_show(s)}: use lowercase letters, digits and '-'"
            )
        return s

    def integer(self, key: str, minimum: int | None = None, required: bool = False) -> int | None:
        if not self.has(key):
            if required:
                raise self.err(None, f"{self.what} is missing required field {key!r}")
            return None
        v = self.m[key]
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.err(key, f"{key!r} must be an integer, got {_show(v)}")
        if minimum is not None and v < minimum:
            raise self.err(key, f"{key!r} must be at least {minimum}, got {v}")
        return v

    def flag(self, key: str) -> bool:
        if not self.has(key):
            return False
        v = self.m[key]
        if not isinstance(v, bool):
            raise self.err(key, f"{key!r} must be true or false, got {_show(v)}")
        return v

    def date(self, key: str) -> _dt.date | None:
        s = self.text(key)
        if s is None:
            return None
        if not _DATE.match(s):
            raise self.err(key, f"invalid date {_show(s)}: use YYYY-MM-DD")
        try:
            return _dt.date.fromisoformat(s)
        except ValueError as exc:
            raise self.err(key, f"impossible date {_show(s)}: {exc}") from None

    def texts(self, key: str) -> list[tuple[str, int]]:
        """A list of strings (a lone string is a one-item list), each with its line."""
        v = self.m.get(key)  # None: absent or empty (see has)
        if v is None:
            return []
        if isinstance(v, str):
            return [(v.strip(), self.m.line_of(key))]
        if not isinstance(v, Seq):
            raise self.err(key, f"{key!r} must be a list, got {_show(v)}")
        out = []
        lines = v.lines
        for i, item in enumerate(v):
            if type(item) is not str and (isinstance(item, bool) or not isinstance(item, (str, int, float))):
                raise DataError(f"{key!r} items must be text, got {_show(item)}", self.path, v.line_at(i))
            out.append((str(item).strip(), lines[i] if i < len(lines) else v.line))  # v.line_at(i)
        return out

    def items(self, key: str) -> list[tuple[Any, int]]:
        if not self.has(key):
            return []
        v = self.m[key]
        if not isinstance(v, Seq):
            raise self.err(key, f"{key!r} must be a list, got {_show(v)}")
        if len(v.lines) == len(v):  # a line per item (v.line_at)
            return list(zip(v, v.lines))
        return [(item, v.line_at(i)) for i, item in enumerate(v)]


def _show(v: Any, limit: int = 60) -> str:
    """A value for an error message: short, on one line (a long value is cut)."""
    if isinstance(v, Map):
        return "a mapping"
    if isinstance(v, Seq):
        return "a list"
    if v is None:
        return "nothing"
    text = repr(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _close(name: str, choices: Iterable[str], n: int = 1) -> str | None:
    found = suggest(name, choices, n)
    return found[0] if found else None


def suggest(name: str, choices: Iterable[str], n: int = 3, cutoff: float = 70) -> list[str]:
    """Up to ``n`` choices that look like ``name`` (for "did you mean")."""
    from rapidfuzz import fuzz, process, utils

    pool = list(dict.fromkeys(choices))
    hits = process.extract(
        name, pool, scorer=fuzz.WRatio, processor=utils.default_process, limit=n,
        score_cutoff=cutoff,
    )
    return [h[0] for h in hits]


# --------------------------------------------------------------------------- files


def _document(path: Path, rel: str, key: str | None) -> tuple[Any, int]:
    return _top(load_yaml(path), rel, key)


def _top(doc: Any, rel: str, key: str | None) -> tuple[Any, int]:
    """A file's document (``key`` None) or its ``key`` list, with its line."""
    if doc is None:
        raise DataError("file is empty", rel, 1)
    if not isinstance(doc, Map):
        raise DataError(f"expected a mapping at the top of the file, got {_show(doc)}", rel, 1)
    if key is None:
        return doc, doc.line
    f = _Fields(doc, "file", rel, doc.line, [key])
    if not f.has(key):
        raise DataError(f"file has no {key!r} list", rel, doc.line)
    return doc[key], doc.line_of(key)


def _list_of_maps(value: Any, rel: str, line: int, key: str) -> list[tuple[Any, int]]:
    if not isinstance(value, Seq):
        raise DataError(f"{key!r} must be a list, got {_show(value)}", rel, line)
    return [(item, value.line_at(i)) for i, item in enumerate(value)]


def _topic(m: Any, rel: str, line: int) -> Topic:
    f = _Fields(m, "topic", rel, line, ["id", "label", "aliases", "definition", "kind", "broader", "requires"])
    tid = f.ident("id", _TOPIC_ID)
    kind = f.text("kind")
    if kind is not None and kind not in TOPIC_KINDS:
        hint = _close(kind, TOPIC_KINDS)
        raise f.err("kind", f"unknown topic kind {kind!r}" + (f"; did you mean {hint!r}?" if hint else f" (one of {', '.join(sorted(TOPIC_KINDS))})"))
    reqs = []
    for item, iline in f.items("requires"):
        r = _Fields(item, f"requirement of {tid!r}", rel, iline, ["topic", "reason", "source"])
        reqs.append(Requirement(r.ident("topic", _TOPIC_ID), r.req_text("reason"), r.text("source"), r.loc("topic")))
    return Topic(
        id=tid,
        label=f.req_text("label"),
        aliases=[a for a, _ in f.texts("aliases") if a],
        definition=f.text("definition"),
        broader=f.text("broader"),
        requires=reqs,
        loc=f.loc("id"),
        kind=kind,
    )


def _book(m: Any, rel: str, line: int, refs: list[_Ref]) -> Book:
    f = _Fields(m, "book", rel, line, ["id", "title", "authors", "year", "publisher", "url", "chapters"])
    bid = f.ident("id")
    chapters = []
    seen: dict[int, Loc] = {}
    for item, cline in f.items("chapters"):
        c = _Fields(item, f"chapter of {bid!r}", rel, cline, ["number", "title", "covers"])
        n = c.integer("number", minimum=1, required=True)
        assert n is not None
        if n in seen:
            raise c.err("number", f"duplicate chapter {bid}/{n} (first at line {seen[n].line})")
        seen[n] = c.loc("number")
        chapters.append(Chapter(bid, n, c.req_text("title"), _refs(c, "covers", refs), c.loc("number")))
    return Book(
        id=bid,
        title=f.req_text("title"),
        authors=[a for a, _ in f.texts("authors")],
        year=f.integer("year", minimum=1000),
        publisher=f.text("publisher"),
        url=f.text("url"),
        chapters=chapters,
        loc=f.loc("id"),
    )


def _reading(m: Any, rel: str, line: int, refs: list[_Ref]) -> Reading:
    f = _Fields(m, "reading", rel, line, ["id", "title", "kind", "authors", "year", "url", "covers"])
    kind = f.req_text("kind")
    if kind not in READING_KINDS:
        hint = _close(kind, READING_KINDS)
        raise f.err("kind", f"unknown reading kind {_show(kind)}" + (f"; did you mean {hint!r}?" if hint else f" (one of {', '.join(sorted(READING_KINDS))})"))
    return Reading(
        id=f.ident("id"),
        title=f.req_text("title"),
        kind=kind,
        authors=[a for a, _ in f.texts("authors")],
        year=f.integer("year", minimum=1000),
        url=f.text("url"),
        covers=_refs(f, "covers", refs),
        loc=f.loc("id"),
    )


# Topic references (covers, assumes) are collected with their lines while parsing and
# checked once every topic is known.
_Ref = tuple[str, Loc]


def _refs(f: _Fields, key: str, refs: list[_Ref]) -> list[str]:
    pairs = f.texts(key)
    refs.extend((p, Loc(f.path, ln)) for p, ln in pairs)
    return [p for p, _ in pairs]


def _reading_ref(item: Any, rel: str, line: int, where: str) -> ReadingRef:
    r = _Fields(item, f"reading of {where}", rel, line, ["reading", "chapter", "optional", "sections", "note"])
    reading = r.text("reading")
    chapter_s = r.text("chapter")
    if (reading is None) == (chapter_s is None):
        raise r.err(None, f"a reading of {where} names exactly one of 'reading' or 'chapter'")
    chapter = None
    if chapter_s is not None:
        book, sep, num = chapter_s.partition("/")
        if not sep or not num.isdigit():
            raise r.err("chapter", f"invalid chapter {_show(chapter_s)}: write BOOK/NUMBER, e.g. udl/7")
        chapter = (book, int(num))
    return ReadingRef(reading, chapter, r.flag("optional"), r.text("sections"), r.text("note"), r.loc("reading" if reading else "chapter"))


_LECTURE_FIELDS = frozenset({"title", "date", "number", "speakers", "guest", "covers", "materials", "readings"})


def _plain_texts(v: Any) -> list[str] | None:
    """A text list field's stripped strings (see :meth:`_Fields.texts`) when it is
    absent or a list of strings; None for anything else."""
    if v is None:
        return []
    if type(v) is not Seq:
        return None
    try:
        return list(map(str.strip, v))  # (the loader makes no subclass of str)
    except TypeError:  # an item that is not a string
        return None


_BAD_DATE: Any = object()


def _plain_date(d: str) -> Any:
    """A date field's text read as :meth:`_Fields.date` reads it: the date, None (empty)
    or :data:`_BAD_DATE` (which that method reports)."""
    d = d.strip()
    if not d:
        return None
    if not _DATE.match(d):
        return _BAD_DATE
    try:
        return _dt.date.fromisoformat(d)
    except ValueError:
        return _BAD_DATE


def _plain_lecture(
    item: Any, position: int, rel: str, refs: list[_Ref], dates: dict[str, Any] | None = None
) -> Lecture | None:
    """A lecture of the usual shape read in one step: a mapping of known fields whose
    title and date are text, number text, lists lists of text and guest a boolean.
    Gives what the field by field reading in :func:`_course` gives (the same record
    and references); anything else (a value of another type, an empty title, a bad
    date, number or field, an int label) gives None and is read field by field, which
    reports it. (A course file of many lectures, such as a draft of ``kg import``, is
    read mostly here; ``tests/test_import_speed.py`` compares the two.) ``dates``
    keeps the dates read so far by their text (a course repeats them)."""
    if type(item) is not Map or not item.keys() <= _LECTURE_FIELDS:
        return None
    get = item.get
    title = get("title")
    if type(title) is not str or not (title := title.strip()):
        return None
    date: _dt.date | None = None
    d = get("date")
    if d is not None:
        if type(d) is not str:
            return None
        date = dates.get(d, _BAD_DATE) if dates is not None else _BAD_DATE
        if date is _BAD_DATE:
            date = _plain_date(d)
            if date is _BAD_DATE:
                return None
            if dates is not None:
                dates[d] = date
    number = get("number")
    if number is not None:
        if type(number) is not str:
            return None
        number = number.strip() or None
        if number is not None and not _LABEL.match(number):
            return None
    guest = get("guest")
    if guest is None:
        guest = False
    elif type(guest) is not bool:
        return None
    seq: Any = get("covers")
    covers = [] if seq is None else _plain_texts(seq)
    speakers = get("speakers")
    if speakers is not None and (speakers := _plain_texts(speakers)) is None:
        return None
    materials = get("materials")
    if materials is not None and (materials := _plain_texts(materials)) is None:
        return None
    readings = get("readings")
    if covers is None or not (readings is None or type(readings) is Seq):
        return None
    if covers:
        lines = seq.lines
        if len(lines) == len(covers):
            refs += [(c, Loc(rel, ln)) for c, ln in zip(covers, lines)]
        else:
            refs.extend((c, Loc(rel, seq.line_at(k))) for k, c in enumerate(covers))
    refs_of = (
        [_reading_ref(r, rel, readings.line_at(k), f"lecture {position}") for k, r in enumerate(readings)]
        if readings else []
    )
    return Lecture(
        position=position,
        title=title,
        date=date,
        number=number,
        speakers=[s for s in speakers if s] if speakers else [],
        guest=guest,
        covers=covers,
        materials=[s for s in materials if s] if materials else [],
        readings=refs_of,
        loc=Loc(rel, item.line),
    )


def _course(doc: Any, rel: str, refs: list[_Ref]) -> Course:
    f = _Fields(
        doc, "course", rel, doc.line,
        ["id", "name", "code", "term", "provider", "source", "url", "assumes", "lectures", "events", "assignments"],
    )
    cid = f.ident("id")
    origin = _page_source(f)
    lectures = []
    dates: dict[str, Any] = {}
    for i, (item, line) in enumerate(f.items("lectures")):
        lec = _plain_lecture(item, i + 1, rel, refs, dates)
        if lec is not None:
            lectures.append(lec)
            continue
        lf = _Fields(
            item, f"lecture {i + 1} of {cid!r}", rel, line,
            ["title", "date", "number", "speakers", "guest", "covers", "materials", "readings"],
        )
        where = f"lecture {i + 1}"
        lectures.append(
            Lecture(
                position=i + 1,
                title=lf.req_text("title"),
                date=lf.date("date"),
                number=lf.label("number"),
                speakers=[s for s, _ in lf.texts("speakers") if s],
                guest=lf.flag("guest"),
                covers=_refs(lf, "covers", refs),
                materials=[s for s, _ in lf.texts("materials") if s],
                readings=[_reading_ref(r, rel, rl, where) for r, rl in lf.items("readings")],
                loc=lf.loc(),
            )
        )
    labels: dict[str, Lecture] = {}
    for lec in lectures:
        if lec.number is None:
            continue
        other = labels.setdefault(V.lecture_label_key(lec.number), lec)
        if other is not lec:
            raise lec.loc.error(
                f"lecture {lec.title!r} of {cid!r} has the number {_show(lec.number)}, which also "
                f"labels {other.title!r} (line {other.loc.line}): each lecture needs its own number"
            )
    numbers: dict[int, Lecture] = {}
    if not labels:  # no lecture numbered: each is its position (V.lecture_numbers)
        for i, lec in enumerate(lectures, start=1):
            lec.key = i
    for lec, key in zip(lectures, V.lecture_numbers([lec.number for lec in lectures]) if labels else ()):
        lec.key = key
        other = numbers.setdefault(key, lec)
        if other is not lec:
            raise lec.loc.error(
                f"lecture {lec.title!r} of {cid!r} is lecture {key} by its position, which the page's "
                f"number gives {other.title!r}: number every lecture, or none"
            )
    events = []
    for item, line in f.items("events"):
        ef = _Fields(item, f"event of {cid!r}", rel, line, ["kind", "title", "date", "week", "covers"])
        kind = ef.req_text("kind")
        if kind not in EVENT_KINDS:
            raise ef.err("kind", f"unknown event kind {_show(kind)} (one of {', '.join(sorted(EVENT_KINDS))})")
        events.append(Event(kind, ef.req_text("title"), ef.date("date"), ef.integer("week", 0), _refs(ef, "covers", refs), ef.loc()))
    assignments = []
    seen: dict[str, Loc] = {}
    for item, line in f.items("assignments"):
        af = _Fields(item, f"assignment of {cid!r}", rel, line, ["id", "title", "kind", "released", "due", "week"])
        aid = af.ident("id")
        if aid in seen:
            raise af.err("id", f"duplicate assignment id {aid!r} (first at line {seen[aid].line})")
        seen[aid] = af.loc("id")
        kind = af.req_text("kind")
        if kind not in ASSIGNMENT_KINDS:
            raise af.err("kind", f"unknown assignment kind {_show(kind)} (one of {', '.join(sorted(ASSIGNMENT_KINDS))})")
        released, due = af.date("released"), af.date("due")
        if released and due and due < released:
            raise af.err("due", f"due date {due} is before release date {released}")
        assignments.append(Assignment(aid, af.req_text("title"), kind, released, due, af.integer("week", 0), af.loc("id")))
    return Course(
        id=cid,
        name=f.text("name"),
        code=f.text("code"),
        term=f.text("term"),
        provider=f.text("provider"),
        source=None if origin else f.text("source"),
        url=f.text("url"),
        assumes=_refs(f, "assumes", refs),
        lectures=lectures,
        events=events,
        assignments=assignments,
        loc=f.loc("id"),
        origin=origin,
    )


_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


def _page_source(f: _Fields) -> PageSource | None:
    """``source:`` as a mapping (repository, path, commit); None when it is a file name."""
    if not isinstance(f.m.get("source"), Map):
        return None
    line = f.m.line_of("source")
    s = _Fields(f.m["source"], "source of the course", f.path, line, ["repository", "path", "commit"])
    repo = s.req_text("repository")
    if not _REPOSITORY.match(repo):
        raise s.err("repository", f"invalid repository {repo!r}: write OWNER/NAME, e.g. d2l-ai/berkeley-stat-157")
    path = s.req_text("path")
    if path.startswith("/") or ".." in path.split("/"):
        raise s.err("path", f"invalid path {path!r}: a path inside the repository, e.g. docs/syllabus.md")
    commit = s.req_text("commit")
    if not _COMMIT.match(commit):
        raise s.err("commit", f"invalid commit {commit!r}: a lowercase hexadecimal commit id")
    return PageSource(repo, path, commit)


# --------------------------------------------------------------------------- load


def read_course_file(path: Path, shown: str) -> tuple[Course, list[tuple[str, Loc]]]:
    """One course file checked on its own (errors name it as ``shown``): the course and
    the topics it references, each with where, for checking against another topic list
    than the data directory's."""
    return _read_course(load_yaml(path), shown)


def read_course_text(text: str, shown: str) -> tuple[Course, list[tuple[str, Loc]]]:
    """A course file's text (before it is written) checked as :func:`read_course_file`
    checks the file, every error naming it as ``shown``."""
    return _read_course(load_yaml_text(text, shown), shown)


def _read_course(doc: Any, shown: str) -> tuple[Course, list[tuple[str, Loc]]]:
    doc, _ = _top(doc, shown, None)
    refs: list[_Ref] = []
    with collector.paused():  # a record per lecture, no cycles: see kg.collector
        return _course(doc, shown, refs), refs


def load_sources(data_dir: str | Path) -> Sources:
    """Read and check every source file under ``data_dir``.

    Raises
    ------
    DataError
        On the first problem, naming the file (relative to ``data_dir``), line and value.
    CycleError
        If ``requires`` edges form a cycle; the message lists the cycle.
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError(f"data directory {str(root)!r} does not exist")
    src = Sources(root=root)
    refs: list[_Ref] = []
    rel = _relative

    seen_topics: dict[str, Loc] = {}
    for path in sorted((root / "topics").glob("*.yaml")):
        items, line = _document(path, rel(path), "topics")
        for item, iline in _list_of_maps(items, rel(path), line, "topics"):
            t = _topic(item, rel(path), iline)
            _unique("topic", t.id, t.loc, seen_topics)
            src.topics[t.id] = t
    if (root / "books.yaml").is_file():
        p = root / "books.yaml"
        items, line = _document(p, rel(p), "books")
        seen: dict[str, Loc] = {}
        for item, iline in _list_of_maps(items, rel(p), line, "books"):
            b = _book(item, rel(p), iline, refs)
            _unique("book", b.id, b.loc, seen)
            src.books[b.id] = b
    if (root / "readings.yaml").is_file():
        p = root / "readings.yaml"
        items, line = _document(p, rel(p), "readings")
        seen = {}
        for item, iline in _list_of_maps(items, rel(p), line, "readings"):
            r = _reading(item, rel(p), iline, refs)
            _unique("reading", r.id, r.loc, seen)
            src.readings[r.id] = r
    seen = {}
    for path in sorted((root / "courses").glob("*.yaml")):
        doc, _ = _document(path, rel(path), None)
        c = _course(doc, rel(path), refs)
        _unique("course", c.id, c.loc, seen)
        src.courses[c.id] = c
    src.turtle = sorted(root.glob("*.ttl"))

    _check_references(src, refs)
    _check_labels(src)
    _check_acyclic(src)
    return src


def _relative(p: Path) -> str:
    """A path as users should see it in messages: relative to the working directory
    when it is below it."""
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def _unique(kind: str, ident: str, loc: Loc, seen: dict[str, Loc]) -> None:
    if ident in seen:
        first = seen[ident]
        where = f"line {first.line}" if first.path == loc.path else f"{first.path}:{first.line}"
        raise loc.error(f"duplicate {kind} id {ident!r} (first defined at {where})")
    seen[ident] = loc


def unknown_reference(kind: str, name: str, choices: Iterable[str], loc: Loc) -> DataError:
    """The error for a reference to an unknown ``kind`` at ``loc``, with close choices."""
    hints = suggest(name, choices)
    msg = f"unknown {kind} {_show(name)}"
    if hints:
        msg += "; did you mean " + ", ".join(repr(h) for h in hints) + "?"
    return loc.error(msg)


def _check_references(src: Sources, refs: list[_Ref]) -> None:
    topics = src.topics
    for name, loc in refs:
        if name not in topics:
            raise unknown_reference("topic", name, topics, loc)
    for t in topics.values():
        if t.broader is not None and t.broader not in topics:
            raise unknown_reference("topic", t.broader, topics, t.loc)
        if t.broader == t.id:
            raise t.loc.error(f"topic {t.id!r} cannot be broader than itself")
        seen: set[str] = set()
        for r in t.requires:
            if r.topic not in topics:
                raise unknown_reference("topic", r.topic, topics, r.loc)
            if r.topic == t.id:
                raise r.loc.error(f"topic {t.id!r} cannot require itself")
            if r.topic in seen:
                raise r.loc.error(f"topic {t.id!r} lists prerequisite {r.topic!r} twice")
            seen.add(r.topic)
            if r.source is not None:
                _check_item_ref(src, r.source, r.loc)
    for c in src.courses.values():
        for lec in c.lectures:
            for ref in lec.readings:
                if ref.reading is not None and ref.reading not in src.readings:
                    raise unknown_reference("reading", ref.reading, src.readings, ref.loc)
                if ref.chapter is not None:
                    book, n = ref.chapter
                    if book not in src.books:
                        raise unknown_reference("book", book, src.books, ref.loc)
                    if src.chapter(book, n) is None:
                        raise ref.loc.error(f"unknown chapter {book}/{n}: book {book!r} has no chapter {n}")


def _check_item_ref(src: Sources, ref: str, loc: Loc) -> None:
    if ref.startswith(("http://", "https://")):
        return
    book, sep, num = ref.partition("/")
    if sep:
        if not num.isdigit() or src.chapter(book, int(num)) is None:
            raise loc.error(f"unknown chapter {_show(ref)}")
    elif ref not in src.readings:
        raise unknown_reference("reading", ref, src.readings, loc)


def _check_labels(src: Sources) -> None:
    """Ids, labels and aliases must each name one topic, so lookups are unambiguous."""
    owner: dict[str, str] = {t.id: t.id for t in src.topics.values()}
    for t in src.topics.values():
        for name in [t.label, *t.aliases]:
            key = name.casefold()
            other = owner.get(key)
            if other is not None and other != t.id:
                raise t.loc.error(f"name {name!r} of topic {t.id!r} already names topic {other!r}")
            owner[key] = t.id


def _check_acyclic(src: Sources) -> None:
    # The same search as the build's check over the merged graph (kg.build.cycles), so
    # both name a cycle alike; here the error points at the edge that closes it.
    cycle = find_cycle((t.id, r.topic) for t in src.topics.values() for r in t.requires)
    if cycle is None:
        return
    last, first = cycle[-1], cycle[0]
    loc = next(r.loc for r in src.topics[last].requires if r.topic == first)
    raise CycleError(cycle, loc.path, loc.line)
