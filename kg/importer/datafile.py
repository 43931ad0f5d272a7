"""Jekyll/Hugo data files (``_data/lectures.yml``, Hugo's ``data/*.json``/``*.toml``): a
sequence of sessions.

Each mapping is one record: its date from ``date``/``day``/``when``, its title from
``title``/``name``/``topic``/``lecture`` (HTML in values is parsed, not kept), detail from
``topics``/``description``/``summary`` when they are text, readings from ``readings``
(resolved against the graph's readings, never linked to topics), speakers from
``lecturer``/``speaker``/``instructor``, what kind of session it is from ``type``/``kind``. Commented-out keys are not read (YAML comments).
"""

from __future__ import annotations

import re
import sys
import tomllib
from functools import lru_cache
from typing import Any

import yaml
from selectolax.lexbor import LexborHTMLParser

from kg.build.yamlio import load_generic, load_yaml_text
from kg.errors import DataError, PageError
from kg.importer.dates import find_date
from kg.importer.document import Group, Line, Record
from kg.importer.rows import ASSIGN, clean

_DATE_KEYS = ("date", "day", "when", "dates", "lecture_date")
_TITLE_KEYS = ("title", "name", "topic", "lecture", "subject", "session")
_DETAIL_KEYS = ("topics", "description", "summary", "details", "abstract", "content", "outline", "excerpt")
_READING_KEYS = ("readings", "reading")
# Work handed out or due that day ("assignment: [Homework 1 Released](hw1.zip)").
_WORK_KEYS = ("assignment", "assignments", "homework", "due", "deadlines", "logistics")
_MD_LINK = re.compile(r"\[([^\]\[]+)\]\([^()\s]*\)")
_CITES = re.compile(r"(?i)<a\s[^>]*href|https?://|\bet\s+al\b")
_KEY_AT = re.compile(r'"?\s*[:=]')  # after a key: YAML "date:", JSON "\"date\":", TOML "date ="
_KIND_KEYS = ("type", "kind", "category", "event")
# libyaml's reader where PyYAML has it: fast, and bounded (it refuses nesting past
# 1,000 levels; the pure-Python composer recurses once a level).
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPEAKER_KEYS = ("lecturer", "speaker", "speakers", "instructor", "presenter", "guest")


_KIND_LABEL = re.compile(r"(?i)labs?|tutorials?|recitations?|seminars?|exercises?|practicals?|sections?|discussions?")
_PART_KIND = re.compile(r"(?:unit|module|section|part|chapter|heading|header|theme|block|topic\s+header)s?")
_PART_KEYS = ("week", "module", "unit", "part", "chapter")
_BREAK_KEYS = ("break", "holiday", "no_class", "noclass", "cancelled")


def _part_title(item: dict[str, Any]) -> tuple[str, str | None] | None:
    """(title, kind) of an item that names no title key: its week's or module's name
    ("week: Web security"; a number of weeks is not one), or a break ("break: Reading
    Week", a holiday)."""
    low = {str(k).lower(): v for k, v in item.items()}
    for key in _BREAK_KEYS:
        got = _html_lines(low.get(key))
        if got:
            return " ".join(got), "holiday"
    for key in _PART_KEYS:
        v = low.get(key)
        if isinstance(v, str) and re.search(r"[^\W\d_]{3}", v) and not re.fullmatch(r"(?i)\W*(?:week|wk|w)?\W*\d+\W*", v):
            got = _html_lines(v)
            if got:
                return " ".join(got), None
    return None


def _html_lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        # The text of every item, lists in lists read in order (iteratively: however
        # deep the data nests).
        out: list[str] = []
        todo: list[Any] = [iter(value)]
        while todo:
            for v in todo[-1]:
                if isinstance(v, list):
                    todo.append(iter(v))
                    break
                out.extend(_html_lines(v))
            else:
                todo.pop()
        return out
    if isinstance(value, dict):
        return []
    return list(_text_lines(str(value)))


@lru_cache(maxsize=1 << 14)
def _text_lines(text: str) -> tuple[str, ...]:
    """The lines of a value's text, its HTML parsed (memoised: data files repeat their
    values)."""
    if "<" in text and ">" in text:
        tree = LexborHTMLParser(f"<div>{text}</div>")
        node = tree.css_first("div")
        text = node.text(separator=" ") if node is not None else text
    return tuple(c for x in text.split("\n") if (c := clean(x)))


def _titled(x: Any) -> bool:
    """A mapping with a title ("lecture: null" names none)."""
    return isinstance(x, dict) and any(
        isinstance(k, str) and k.lower() in _TITLE_KEYS and isinstance(v, (str, int, float)) and str(v).strip()
        for k, v in x.items())


def _dated(x: Any) -> bool:
    return isinstance(x, dict) and any(isinstance(k, str) and k.lower() in _DATE_KEYS and v is not None for k, v in x.items())


def _date_of(x: dict[str, Any]) -> dict[str, Any]:
    """The date keys of a mapping, for the sessions under it that name none."""
    return {k: v for k, v in x.items() if isinstance(k, str) and k.lower() in _DATE_KEYS and v is not None}


def _child_lists(x: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    return [(k, v) for k, v in x.items() if isinstance(k, str) and isinstance(v, list) and not ASSIGN.search(k)
            and k.lower() not in _READING_KEYS]


def _under(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """A session listed under ``parent`` with the parent's date when it names none."""
    return child if _dated(child) else {**_date_of(parent), **child}


def _nested(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sessions inside the items of a sequence whose items name none (weeks, each
    with its ``sessions:`` list; or weeks, each with its days, each with its sessions):
    the items of the key that holds the most titled mappings (work lists such as
    ``homework:`` left out), in order, each with the date of the item above it when it
    names none; or ``items``. A titled item that lists its dated meetings
    (``lectures: [{type: Lecture, date: ...}, {type: Seminar, date: ...}]``) is a
    session a meeting (:func:`_meetings`)."""
    if any(_titled(x) for x in items):
        return _meetings(items)
    count: dict[str, int] = {}
    for x in items:
        for k, v in _child_lists(x):
            count[k] = count.get(k, 0) + sum(1 for y in v if _titled(y))
    key = max(count, key=lambda k: count[k], default=None)
    if key is None or count[key] < 2:
        # Two levels down: weeks, their days, the days' sessions.
        deeper = [_under(y, z) for x in items for _, v in _child_lists(x) for y in v if isinstance(y, dict)
                  for _, w in _child_lists(y) for z in w if _titled(z)]
        if len(deeper) >= 2:
            return _meetings(deeper)
        by_date = [y for x in items for y in _dated_sessions(x)]
        return by_date if len(by_date) >= 2 else items
    return _meetings([_under(x, y) for x in items for y in (x.get(key) or []) if isinstance(y, dict)])


def _meetings(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items, each undated one that lists its dated, untitled meetings replaced by them:
    the item's title (and what else it says) with each meeting's date and kind."""
    out: list[dict[str, Any]] = []
    for x in items:
        if not _dated(x) and _titled(x):
            lists = [v for _, v in _child_lists(x)
                     if v and all(isinstance(y, dict) and _dated(y) and not _titled(y) for y in v)]
            if len(lists) == 1:
                rest = {k: v for k, v in x.items() if not (isinstance(v, list) and v is lists[0])}
                out.extend({**rest, **y} for y in lists[0])
                continue
        out.append(x)
    return out


def _dated_sessions(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Sessions of an item that keys them by date ("dates: {Oct 22: {topics: {A: Sorting,
    B: Hashing, lab: Exercises}}}"): one per title, with its date, and its label as
    its kind when the label names one ("lab")."""
    out: list[dict[str, Any]] = []
    for v in item.values():
        if not isinstance(v, dict) or not v:
            continue
        keyed = [(k, x) for k, x in v.items() if isinstance(k, str) and find_date(k.strip()) is not None]
        if len(keyed) * 2 < len(v):
            continue
        for day, x in keyed:
            inner = x.get("topics", x) if isinstance(x, dict) else {"": x}
            if not isinstance(inner, dict):
                inner = {"": inner}
            for label, title in inner.items():
                if isinstance(title, str) and title.strip():
                    kind = str(label) if isinstance(label, str) and _KIND_LABEL.fullmatch(label.strip()) else None
                    out.append({"date": day, "title": title, **({"type": kind} if kind else {})})
    return out


def _sessions(doc: Any) -> list[dict[str, Any]] | None:
    """The sequence of mappings in a data file: the document itself, its one list, or
    its tables (a mapping of mappings); a sequence of weeks, each with its own list of
    sessions, gives the sessions."""
    if isinstance(doc, list) and sum(isinstance(x, dict) for x in doc) >= 2:
        return _nested([x for x in doc if isinstance(x, dict)])
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list) and sum(isinstance(x, dict) for x in v) >= 2]
        if len(lists) == 1:
            return _nested([x for x in lists[0] if isinstance(x, dict)])
        # Hugo's "[01-intro]\ntitle = ..." tables: a mapping of sessions by key, in order.
        tables = [v for v in doc.values() if isinstance(v, dict)]
        if len(tables) >= 2 and len(tables) * 5 >= len(doc) * 4:
            return tables
    return None


def _starts_with_key(line: str, key: str) -> bool:
    """Whether a source line starts with ``key``: YAML ``- date:``, JSON ``{"date":``,
    TOML ``date =``."""
    s = line.lstrip('-{[, \t"')
    return s.startswith(key) and _KEY_AT.match(s, len(key)) is not None


_ITEM = re.compile(r"^(\s*)-\s+([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$")
_KEY = re.compile(r"^(\s*)([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$")
_LIST_ENTRY = re.compile(r"^(\s*)-\s+(.*)$")


def _scalar(raw: str) -> str:
    """A one-line YAML value as its text: quotes taken off, a trailing comment dropped."""
    v = raw.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return re.sub(r"\s+#.*$", "", v)


def lenient_sessions(text: str) -> list[dict[str, Any]]:
    r"""The items of a block-YAML sequence of mappings read line by line, for files that
    are not valid YAML (an unquoted ``title: Part 1: Intro``, an item indented one step
    too far): an item starts at ``- key:`` whose key starts items elsewhere, or at the
    sequence's own indentation; ``key: value`` lines take the rest of the line as the
    value (colons included); ``>``/``|`` blocks and ``- x`` lists under a key are
    gathered; comment lines are skipped.

    >>> lenient_sessions("- date: 1/2\n  title: Part 1: Intro\n- date: 1/4\n  title: B")
    [{'date': '1/2', 'title': 'Part 1: Intro'}, {'date': '1/4', 'title': 'B'}]
    """
    lines = [ln for ln in text.split("\n") if ln.strip() and not ln.lstrip().startswith("#")]
    starts = [m for ln in lines if (m := _ITEM.match(ln))]
    if not starts:
        return []
    base = min(len(m.group(1)) for m in starts)
    first_keys = {m.group(2) for m in starts if len(m.group(1)) == base}
    items: list[dict[str, Any]] = []
    key: str | None = None
    key_indent = 0
    for ln in lines:
        m = _ITEM.match(ln)
        if m and (len(m.group(1)) == base or m.group(2) in first_keys):
            items.append({})
            key, key_indent = m.group(2), len(m.group(1)) + 2
            value = m.group(3) or ""
            items[-1][key] = None if value.strip() in ("", ">", "|", ">-", "|-") else _scalar(value)
            continue
        if not items:
            continue
        k = _KEY.match(ln)
        if k and len(k.group(1)) <= key_indent:
            key, key_indent = k.group(2), len(k.group(1))
            value = k.group(3) or ""
            items[-1][key] = None if value.strip() in ("", ">", "|", ">-", "|-") else _scalar(value)
            continue
        if key is None:
            continue
        e = _LIST_ENTRY.match(ln)
        cur = items[-1].get(key)
        if e and (cur is None or isinstance(cur, list)):
            items[-1][key] = (cur or []) + [_scalar(e.group(2))]
        elif isinstance(cur, str):
            items[-1][key] = cur + " " + ln.strip()
        elif cur is None:
            items[-1][key] = ln.strip()
    return [x for x in items if x]


@lru_cache(maxsize=1 << 14)
def _names_work(text: str) -> bool:
    """Whether ``text`` names a piece of work (memoised: data files repeat values)."""
    return ASSIGN.search(text) is not None


@lru_cache(maxsize=1 << 14)
def _cites(text: str) -> bool:
    """Whether ``text`` cites: a link, "et al." (memoised)."""
    return _CITES.search(text) is not None


def _load_yaml(text: str) -> Any:
    """The YAML document as PyYAML's safe loader reads it, built fast by kg's own loader
    (C parser, one pass): its mappings and sequences are dicts and lists, its keys
    strings and its dates strings (what a date's text gives, for it is read as text
    here anyway). A document kg's loader refuses (a duplicate key, a merge key ``<<``,
    a ``!!set``, a syntax error) is read by the safe loader itself: the same value (the
    last duplicate wins) or the same ``YAMLError`` as before."""
    try:
        return load_yaml_text(text, "<data file>")
    except DataError:
        # (libyaml's safe loader where PyYAML has it: bounded, it refuses nesting past
        # 1,000 levels, where the pure-Python one recurses once a level; text that no
        # file holds, a lone surrogate, only the pure-Python one reads. Either is
        # checked as kg's loader checks a document: aliases, nesting, long integers.)
        try:
            return load_generic(text, _SafeLoader)
        except UnicodeEncodeError:
            return load_generic(text, yaml.SafeLoader)


def data_file_group(text: str, *, toml: bool = False, source: str = "<data file>") -> Group | None:
    """The sessions of a YAML (or JSON, or with ``toml`` TOML) data file as records, or
    ``None`` when the text is not a sequence of mappings with dates or titles. A YAML
    file that does not parse is read leniently (:func:`lenient_sessions`).

    Raises
    ------
    PageError
        Naming ``source`` and the line, for a file that cannot be read in bounded time
        and memory: YAML whose aliases expand too far or hold themselves, or an integer
        too long for Python to read (see :func:`kg.build.yamlio.check_node`).
    """
    doc: Any
    try:
        doc = tomllib.loads(text) if toml else _load_yaml(text)
    except DataError as exc:
        raise PageError(exc.message, source, exc.line) from None
    except ValueError as exc:
        # tomllib's integer over Python's digit limit (its other errors are TOMLDecodeError).
        if isinstance(exc, tomllib.TOMLDecodeError):
            return None
        digits = re.search(r"\d{%d,}" % (sys.get_int_max_str_digits() + 1), text)
        if digits is None:
            raise PageError(f"invalid TOML: {' '.join(str(exc).split())}", source) from None
        raise PageError(
            f"an integer of {len(digits.group()):,} digits, over the {sys.get_int_max_str_digits():,} Python reads",
            source, text.count("\n", 0, digits.start()) + 1,
        ) from None
    except RecursionError:
        # (The TOML reader, and PyYAML's without libyaml, recurse once a level: a
        # value nested past Python's recursion limit is no data file kg reads; the
        # page is read as text.)
        return None
    except yaml.YAMLError:
        # Not YAML, or nested over the YAML reader's bound (libyaml: 1,000 levels).
        doc = lenient_sessions(text)
    items = _sessions(doc)
    if not items:
        return None
    keys = {k.lower() for x in items for k in x if isinstance(k, str)}
    if not (keys & set(_TITLE_KEYS)):
        if not any(_part_title(x) for x in items):
            return None
    # Line numbers: each item's first key, found in order in the source.
    src_lines = text.split("\n")
    cursor = 0
    g = Group("data-file")
    for item in items:
        low = {str(k).lower(): v for k, v in item.items()}
        first_key = next(iter(item), None)
        line = 0
        if first_key is not None:
            for k in range(cursor, len(src_lines)):
                if _starts_with_key(src_lines[k], str(first_key)):
                    line, cursor = k + 1, k + 1
                    break
        lines: list[Line] = []
        for key in _DATE_KEYS:
            if low.get(key) is not None:
                lines.append(Line(clean(str(low[key])), line=line))
                break
        kind = next((str(low[k]).strip().lower() for k in _KIND_KEYS if isinstance(low.get(k), str)), "")
        if _PART_KIND.fullmatch(kind):
            continue  # "type: unit, name: Regression": a heading over the sessions after it
        extra_titles: list[str] = []
        for key in _TITLE_KEYS:
            items_listed = _listed_titles(low[key]) if key in low else []
            got = items_listed[:1] if items_listed else (_html_lines(low[key]) if key in low else None)
            if got:
                lines.append(Line(" ".join(got), titled=True, line=line))
                extra_titles = items_listed[1:]
                break
        else:
            part = _part_title(item)
            if part is None:
                continue
            lines.append(Line(part[0], titled=True, line=line))
            if part[1]:
                lines.append(Line("Kind: " + part[1], line=line))
        for key in _SPEAKER_KEYS:
            if key not in low:
                continue
            got = _html_lines(low[key])
            if got:
                lines.append(Line("Speaker: " + ", ".join(got), line=line))
        for key in _KIND_KEYS:
            got = _html_lines(low.get(key)) if key in low else None
            if got:
                lines.append(Line("Kind: " + " ".join(got), line=line))
                break
        for key in _DETAIL_KEYS:
            if key not in low:
                continue
            for d in _html_lines(low[key]):
                lines.append(Line(d, line=line, depth=1))
        for key in _WORK_KEYS:
            # Only what names a piece of work; the rest of a "logistics" note is not
            # the lecture's detail.
            if key not in low:
                continue
            for d in _html_lines(low[key]):
                d = _MD_LINK.sub(lambda m: m.group(1), d)
                if _names_work(d):
                    lines.append(Line("Assignment: " + d, line=line, depth=1))
        for key in _READING_KEYS:
            # Items that cite (a link, "et al.") are readings; pages also put a plain
            # outline of the lecture under this key, which is detail.
            if key not in low:
                continue
            value = low[key]
            for v in value if isinstance(value, list) else [value]:
                cites = isinstance(v, str) and _cites(v)
                for d in _html_lines(v):
                    if not cites and _names_work(d):
                        d = "Assignment: " + d  # "HW1 out" under readings: work, not detail
                    lines.append(Line(("Readings: " + d) if cites else d, line=line, depth=1))
        g.records.append(Record(lines, line))
        for t in extra_titles:
            # The other items of a title that lists several: a session each, that day.
            g.records.append(Record([Line(t, titled=True, line=line) if ln.titled else ln for ln in lines], line))
    return g if len(g.records) >= 2 else None


_BREAK = re.compile(r"(?i)<br\s*/?>|\n")
_BULLET = re.compile(r"^\s*[-*•]\s+(?=\S)")


def _listed_titles(value: Any) -> list[str]:
    """The items of a title written as a list ("- Chapter 1<br>- Chapter 2"): each its
    own session; a line before them that is no item is a note on the day, not a title.
    [] when the title is no list."""
    if not isinstance(value, str) or "-" not in value and "*" not in value and "•" not in value:
        return []
    parts = [" ".join(_html_lines(p)) for p in _BREAK.split(value)]
    parts = [p for p in parts if p]
    items = [_BULLET.sub("", p) for p in parts if _BULLET.match(p)]
    return items if items and _BULLET.match(parts[-1]) else []
