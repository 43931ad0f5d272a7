"""Every text view of kg, and the other formats for people (markdown).

Each command's view is a function registered here by kind; ``render(kind, data, fmt)``
looks it up, so formats live in one table instead of in every command. ``json`` is the
library's data as is. Every text view fits the terminal and never more than
:data:`MAX_WIDTH` columns: paragraphs wrap at spaces, table cells at list separators,
then spaces, then after a hyphen or slash (never inside a word unless it is longer than
its column).
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from kg.places import PATH_LIMITS, SHOW_LIMITS, rank_places
from kg.vocab import lecture_number

__all__ = [
    "MAX_WIDTH",
    "render",
    "path_chunks",
    "table",
    "fill",
    "wrap_cell",
    "sparql_table",
    "to_json",
    "width",
    "rank_places",
    "PATH_LIMITS",
    "SHOW_LIMITS",
]

MAX_WIDTH = 80
"""No text view is wider than this, whatever the terminal."""

_TEXT: dict[str, Callable[[Any], str]] = {}
_MARKDOWN: dict[str, Callable[[Any], str]] = {}


def text_view(kind: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """Register the text view of ``kind``."""

    def deco(fn: Callable[[Any], str]) -> Callable[[Any], str]:
        _TEXT[kind] = fn
        return fn

    return deco


def markdown_view(kind: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """Register the markdown view of ``kind``."""

    def deco(fn: Callable[[Any], str]) -> Callable[[Any], str]:
        _MARKDOWN[kind] = fn
        return fn

    return deco


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def render(kind: str, data: Any, fmt: str) -> str:
    if fmt == "json":
        return to_json(data)
    if fmt == "markdown":
        return _MARKDOWN[kind](data)
    return _TEXT[kind](data)


def width() -> int:
    """The width text views wrap to: the terminal's, at most :data:`MAX_WIDTH`."""
    return max(40, min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH))


def fill(text: str, indent: str = "  ", more: str | None = None, max_width: int | None = None) -> str:
    """A paragraph wrapped at spaces (hyphenated ids stay whole) to the view width."""
    w = max_width or width()
    if _one_line(text):
        if len(indent) + len(text) <= w:
            return indent + text  # what textwrap gives a line that fits, without its work
        lines = _pack_words(text, w, indent, more if more is not None else indent)
        if lines is not None:
            return "\n".join(lines)
    return textwrap.fill(
        text, w, initial_indent=indent, subsequent_indent=more if more is not None else indent,
        break_on_hyphens=False,
    )


def _pack_words(text: str, w: int, indent: str, more: str) -> list[str] | None:
    # What textwrap.fill gives a text of words between single spaces (a plan's reasons:
    # tens of thousands of them), without its work: each line takes words while they fit.
    # None when textwrap would do more: a run of spaces to keep, or a word longer than a
    # line to break.
    if "  " in text:
        return None
    limit = w - max(len(indent), len(more))
    out: list[str] = []
    line = ""
    for word in text.split(" "):
        if len(word) > limit:
            return None
        if not line:
            line = indent + word
        elif len(line) + 1 + len(word) <= w:
            line += " " + word
        else:
            out.append(line)
            line = more + word
    out.append(line)
    return out


def _one_line(text: str) -> bool:
    # textwrap leaves such a text as it is when it fits: nothing to drop at its ends and
    # no tab or line break to turn into a space.
    return bool(text) and not text[0].isspace() and not text[-1].isspace() and not any(c in text for c in "\t\n\v\f\r")


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# A break may follow whitespace (dropped), a hyphen, a slash or the colon of a prefixed
# name (kept on the line).
_PIECES = re.compile(r"\s+|\S+?(?:[-/:](?=\S)|(?=\s)|$)")


def _pack(tokens: list[tuple[str, bool]], w: int) -> list[str]:
    """Greedy lines of at most ``w`` from (token, space before it) pairs."""
    lines: list[str] = []
    cur = ""
    for token, space in tokens:
        add = (" " if space and cur else "") + token
        if len(cur) + len(add) <= w:
            cur += add
            continue
        if cur:
            lines.append(cur)
        cur = token
        while len(cur) > w:  # a piece longer than the column
            lines.append(cur[:w])
            cur = cur[w:]
    lines.append(cur)
    return lines


def _wrap_words(text: str, w: int) -> list[str]:
    """Lines broken at spaces; a word longer than ``w`` after a hyphen or slash."""
    tokens: list[tuple[str, bool]] = []
    for word in text.split():
        if len(word) <= w:
            tokens.append((word, True))
        else:
            pieces = [p for p in _PIECES.findall(word) if not p.isspace()]
            tokens.extend((p, k == 0) for k, p in enumerate(pieces))
    return _pack(tokens, w)


def wrap_cell(text: str, w: int) -> list[str]:
    """``text`` as lines of at most ``w`` characters, broken at list separators ("; ",
    ", ") first, then at spaces, then after a hyphen or slash.

    >>> wrap_cell("berkeley-cs182-fa25: 4; bu-deep-learning: 1", 24)
    ['berkeley-cs182-fa25: 4;', 'bu-deep-learning: 1']
    >>> wrap_cell("Course overview, introduction to deep neural networks", 24)
    ['Course overview,', 'introduction to deep', 'neural networks']
    >>> wrap_cell("Intro, the basic building blocks of deep networks", 30)
    ['Intro, the basic building', 'blocks of deep networks']
    >>> wrap_cell("kgid:topic/convolutional-neural-networks", 24)
    ['kgid:topic/', 'convolutional-neural-', 'networks']
    """
    if len(text) <= w:
        return [text]
    lines: list[str] = []
    cur = ""
    for item in re.split(r"(?<=[;,]) ", text):
        joined = f"{cur} {item}" if cur else item
        if len(joined) <= w:
            cur = joined
            continue
        if len(item) <= w:  # a new line for an item that fits on one
            lines.append(cur)
            cur = item
            continue
        parts = _wrap_words(joined, w)  # a long item runs on from the current line
        lines.extend(parts[:-1])
        cur = parts[-1]
    lines.append(cur)
    return lines


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], max_width: int | None = None) -> str:
    """A plain-text table that fits ``max_width`` (default: the view width): when it
    would not, the widest columns wrap (see :func:`wrap_cell`)."""
    cells = [["" if v is None else str(v) for v in r] for r in rows]
    n = len(headers)
    natural = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def longest(i: int, split: Callable[[str], list[str]]) -> int:
        # A list item ("a: 1; b: 2") stays whole before anything else in the cell.
        units = [len(u) for r in cells for u in (re.split(r"(?<=;) ", r[i]) if "; " in r[i] else split(r[i]))]
        return min(max(units, default=0), 30)

    def pieces(text: str) -> list[str]:
        return [p for p in _PIECES.findall(text) if not p.isspace()]

    # Narrowing keeps each column's header whole, and if it can, every word (up to 24
    # characters); failing that, every piece of a hyphenated word; failing that, 4.
    room = (max_width or width()) - 2 * (n - 1)
    floors = [
        [min(natural[i], max(len(h), min(longest(i, str.split), 24))) for i, h in enumerate(headers)],
        [min(natural[i], max(len(h), longest(i, pieces))) for i, h in enumerate(headers)],
        [min(natural[i], 4) for i in range(n)],
    ]
    widths = list(natural)
    for floor in floors:
        while sum(widths) > room:
            can = [i for i, w in enumerate(widths) if w > floor[i]]
            if not can:
                break
            widths[max(can, key=lambda i: widths[i])] -= 1

    def lines(values: Sequence[str]) -> list[str]:
        wrapped = [wrap_cell(v, w) for v, w in zip(values, widths)]
        height = max(len(c) for c in wrapped)
        return [
            "  ".join((c[k] if k < len(c) else "").ljust(w) for c, w in zip(wrapped, widths)).rstrip()
            for k in range(height)
        ]

    out = lines(list(headers))
    out.append("  ".join("-" * w for w in widths))
    for r in cells:
        out.extend(lines(r))
    return "\n".join(out)


def indented(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str) -> str:
    """A :func:`table` indented by ``indent``, still within the view width."""
    return textwrap.indent(table(headers, rows, width() - len(indent)), indent)


def sparql_table(body_json: bytes, max_width: int | None = None) -> str:
    """SPARQL JSON results as a plain-text table for people (IRIs shortened to
    prefixed names)."""
    from kg.vocab import curie  # only kg query prints IRIs

    def short(term: dict[str, str] | None) -> str:
        if term is None:
            return ""
        value = term["value"]
        if term["type"] == "uri":
            return curie(value)  # a prefixed name that pastes back, else <IRI>
        return value

    data = json.loads(body_json)
    if "boolean" in data:
        return "true" if data["boolean"] else "false"
    names = data["head"]["vars"]
    if not names:
        return "(no columns)"
    rows = [[short(b.get(n)) for n in names] for b in data["results"]["bindings"]]
    return table(names, rows, max_width) + f"\n({plural(len(rows), 'row')})"


def _wrap(text: str, indent: str = "  ") -> str:
    return fill(text, indent)


def lecture_line(lec: dict[str, Any]) -> str:
    course = lec["course"]
    date = f" {lec['date']}" if lec.get("date") else ""
    return f"{course} #{lecture_number(lec.get('number'), lec['position'])}{date}  {lec['title']}"


def session_line(e: dict[str, Any]) -> str:
    """A teaching session that is not a lecture (discussion section, tutorial)."""
    when = f" {e['date']}" if e.get("date") else (f" week {e['week']}" if e.get("week") is not None else "")
    return f"{e['course']} {e['kind']}{when}  {e['title']}"


def chapter_line(ch: dict[str, Any]) -> str:
    secs = f" (§{', '.join(ch['sections'])})" if ch.get("sections") else ""
    return f"{ch['book']}, ch. {ch['number']}: {ch['title']}{secs}"


def reading_line(r: dict[str, Any]) -> str:
    opt = " (optional)" if r.get("optional") else ""
    return f"{r['title']} [{r['kind']}]{opt}"


# How many places a text view lists for one topic, per kind (kg.places: PATH_LIMITS for a
# plan's step, SHOW_LIMITS for `kg show`); the rest is summed up as "… and N more"
# (--format json keeps them all), best first by kg.places.rank_places.
_KIND_WORD = {"lectures": "lecture", "sessions": "session", "chapters": "chapter", "readings": "reading"}


def _more(n: int, kind: str, indent: str) -> str:
    word = _KIND_WORD[kind] + ("s" if n != 1 else "")
    return f"{indent}… and {n} more {word} (--format json lists all)"


def _places(
    t: Mapping[str, Any], limits: dict[str, int], names: Iterable[str]
) -> dict[str, tuple[list[dict[str, Any]], int]]:
    """Per kind: the places a text view shows, best first, and how many it leaves out."""
    names = list(names)
    out = {}
    for kind, limit in limits.items():
        items = list(t.get(kind) or [])
        if kind in ("lectures", "sessions") and len(items) > 1:
            items = rank_places(items, names)
        out[kind] = (items[:limit], max(0, len(items) - limit))
    return out


@text_view("topic")
def _topic(t: dict[str, Any]) -> str:
    out = [fill(f"{t['label']}  ({t['id']})", "", "    ")]
    if t["aliases"]:
        out.append(_wrap("also: " + ", ".join(t["aliases"])))
    if t["definition"]:
        out.append(_wrap(t["definition"]))
    if t["broader"]:
        out.append(fill(f"broader: {t['broader']['label']} ({t['broader']['id']})", "  ", "    "))
    if t["narrower"]:
        out.append(_wrap("narrower: " + ", ".join(n["id"] for n in t["narrower"])))
    for title, key in (("Requires", "requires"), ("Required by", "required_by")):
        if t[key]:
            out.append(f"\n{title}:")
            for r in t[key]:
                out.append(fill(f"{r['label']} ({r['id']})", "  ", "    "))
                if r.get("reason"):
                    out.append(_wrap(r["reason"], "      "))
    shown = _places(t, SHOW_LIMITS, [t["label"], t["id"], *t["aliases"]])
    for title, key, fn in (
        ("Lectures", "lectures", lecture_line),
        ("Sessions", "sessions", session_line),
        ("Chapters", "chapters", chapter_line),
        ("Readings", "readings", reading_line),
    ):
        if t.get(key):
            items, more = shown[key]
            out.append(f"\n{title}:")
            out.extend(fill(fn(x), "  ", "      ") for x in items)
            if more:
                out.append(_more(more, key, "  "))
    if not (t["lectures"] or t.get("sessions") or t["chapters"] or t["readings"]):
        out.append("\nNo lecture, chapter or reading covers this topic.")
    return "\n".join(out)


@text_view("course")
def _course(c: dict[str, Any]) -> str:
    head = " ".join(x for x in (c.get("code"), c["name"]) if x) or c["id"]
    meta = ", ".join(x for x in (c.get("provider"), c.get("term")) if x)
    out = [fill(f"{head}  ({c['id']})", "", "    ")]
    if meta:
        out.append(fill(meta))
    out.append(f"  {c['lectures'] if isinstance(c['lectures'], int) else len(c['lectures'])} lectures")
    if c.get("assumes"):
        out.append(_wrap("assumes: " + ", ".join(c["assumes"])))
    out.append("")
    out.append(
        table(
            ["#", "date", "lecture"],
            [
                (
                    lecture_number(lec.get("number"), lec["position"]),
                    lec["date"] or "",
                    lec["title"]
                    + (" [guest]" if lec["guest"] else "")
                    + (f" — {', '.join(lec['speakers'])}" if lec["speakers"] else ""),
                )
                for lec in c["lectures"]
            ],
        )
    )
    if c["events"]:
        out.append("\nOther events:")
        for e in c["events"]:
            when = e["date"] or (f"week {e['week']}" if e["week"] is not None else "")
            out.append(fill(f"{when:<11} {e['kind']:<14} {e['title']}", "  ", " " * 29))
    if c["assignments"]:
        out.append("\nAssignments:")
        for a in c["assignments"]:
            when = " → ".join(x for x in (a["released"], a["due"]) if x) or (
                f"week {a['week']}" if a["week"] is not None else ""
            )
            out.append(fill(f"{a['title']:<24} {when}", "  ", "    "))
    return "\n".join(out)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@text_view("lecture")
def _lecture(lec: dict[str, Any]) -> str:
    out = [fill(f"{lec['title']}  ({lec['id']})", "", "    ")]
    meta = [f"lecture {lecture_number(lec['number'], lec['position'])}"]
    if lec["number"] and str(lec["number"]).lstrip("0") != str(lec["position"]):
        meta.append(f"{_ordinal(lec['position'])} in teaching order")
    if lec["date"]:
        meta.append(str(lec["date"]))
    if lec["speakers"]:
        meta.append(", ".join(lec["speakers"]))
    if lec["guest"]:
        meta.append("guest lecture")
    out.append(fill(" · ".join(meta)))
    if lec["covers"]:
        out.append("\nCovers:")
        out.extend(fill(f"{t['label']} ({t['id']})", "  ", "    ") for t in lec["covers"])
    if lec["readings"]:
        out.append("\nReadings:")
        for r in lec["readings"]:
            name = f"{r['book']}, ch. {r['chapter']}: {r['title']}" if r["book"] else r["title"]
            extra = [x for x in (f"§{r['sections']}" if r["sections"] else None, r["note"], "optional" if r["optional"] else None) if x]
            out.append(fill(name + (f" ({'; '.join(extra)})" if extra else ""), "  ", "    "))
    if lec["materials"]:
        out.append("")
        out.append(fill("Materials: " + ", ".join(lec["materials"]), "", "  "))
    return "\n".join(out)


@text_view("search")
def _search(hits: list[dict[str, Any]]) -> str:
    if not hits:
        return "No topics match."
    out = []
    for h in hits:
        out.append(fill(f"{h['label']}  ({h['id']})", "", "    "))
        if h["definition"]:
            out.append(_wrap(h["definition"], "    "))
    return "\n".join(out)


@text_view("courses")
def _courses(rows: list[dict[str, Any]]) -> str:
    return table(
        ["id", "code", "term", "lectures", "topics", "name"],
        [(r["id"], r["code"] or "", r["term"] or "", r["lectures"], r["topics"], r["name"] or "") for r in rows],
    )


@text_view("topics")
def _topics(rows: list[dict[str, Any]]) -> str:
    return table(
        ["id", "requires", "dependents", "lectures", "label"],
        [(r["id"], r["requires"], r["dependents"], r["lectures"], r["label"]) for r in rows],
    )


@text_view("build")
def _build(b: dict[str, Any]) -> str:
    state = "built" if b["rebuilt"] else "up to date"
    lines = [fill(f"graph {state}: {b['triples']} triples from {b['data_dir']}", "", "    ")]
    lines.append(fill(
        f"{b['courses']} courses, {b['lectures']} lectures, {b['topics']} topics, "
        f"{b['prerequisites']} prerequisite edges, {b['readings']} readings, "
        f"{b['books']} books ({b['chapters']} chapters)"
    ))
    if b.get("turtle_files"):
        lines.append(fill("merged: " + ", ".join(b["turtle_files"])))
    lines.append(fill(f"store: {b['store'] or '(in memory: cache directory not writable)'}", "  ", "    "))
    return "\n".join(lines)


@text_view("validate")
def _validate(r: dict[str, Any]) -> str:
    lines = [fill(x, "", "    ") for x in (*r["violations"], *(f"warning: {w}" for w in r["warnings"]))]
    n = len(r["violations"])
    summary = (
        fill(f"valid: {', '.join(r['checks'])} checks passed", "", "    ")
        if n == 0
        else f"{n} violation{'s' if n != 1 else ''}"
    )
    return "\n".join([*lines, summary])


def _step_where(s: Mapping[str, Any], indent: str, max_width: int | None = None) -> list[str]:
    def item(kind: str, text: str) -> str:
        return fill(text, f"{indent}{kind:<9}", indent + " " * 11, max_width)

    out: list[str] = []
    shown = _places(s, PATH_LIMITS, [s["label"], s["id"]])
    for key, kind, fn in (
        ("lectures", "lecture", lecture_line),
        ("sessions", "session", session_line),
        ("chapters", "chapter", chapter_line),
        ("readings", "reading", reading_line),
    ):
        items, more = shown[key]
        out.extend(item(kind, fn(x)) for x in items)
        if more:
            out.append(_more(more, key, indent + " " * 9))
    if not (s["lectures"] or s.get("sessions") or s["chapters"] or s["readings"]):
        out.append(f"{indent}(no lecture, chapter or reading covers this topic)")
    return out


def _plan_summary(p: Mapping[str, Any]) -> str:
    s = p["summary"]
    bits = [f"{s['topics']} topic{'s' if s['topics'] != 1 else ''}"]
    if s["lectures"]:
        n = s["lectures"]
        bits.append(f"about {n:g} lecture{'' if n == 1 else 's'}' worth" if n != 1 else "about 1 lecture's worth")
    if s["untaught"]:
        bits.append(f"{len(s['untaught'])} not covered by any lecture or session")
    return ", ".join(bits)


def path_chunks(head: Mapping[str, Any], steps: Iterable[Mapping[str, Any]], fmt: str) -> Iterator[str]:
    """``render("path", plan, fmt)`` in pieces: the head (everything but the steps) of
    ``plan``, then one piece per step of ``steps`` as each comes (see
    :func:`kg.plan.plan_stream`); joined, they are that text."""
    if fmt == "json":
        return _path_json(head, steps)
    if fmt == "markdown":
        return _path_markdown_chunks(head, steps)
    return _path_chunks(head, steps)


def _path_json(head: Mapping[str, Any], steps: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    # to_json of the whole plan ("steps" is its last key): each step is dumped at the
    # top level and indented two levels; JSON strings hold no raw line breaks.
    text = to_json(dict(head))
    yield text[: -len("\n}")] + ',\n  "steps": ['
    first = True
    for s in steps:
        yield ("\n" if first else ",\n") + "\n".join("    " + line for line in to_json(s).split("\n"))
        first = False
    yield "]\n}" if first else "\n  ]\n}"


def _path_chunks(p: Mapping[str, Any], steps: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    w = width()  # once for the whole plan, not for every paragraph
    frm = f" from {p['from']}" if p["from"] else ""
    out = [fill(f"Plan to reach {p['to']}{frm}: {_plan_summary(p)}", "", max_width=w)]
    if p["known"]:
        out.append(fill("already known: " + ", ".join(p["known"]), "", max_width=w))
    if p["note"]:
        out.append(fill("note: " + p["note"], "", max_width=w))
    yield "\n".join(out)
    for s in steps:
        effort = f"  (~{s['effort']:g} lectures)" if s.get("effort") else ""
        lines = ["", fill(f"{s['step']:>2}. {s['label']}  [{s['id']}]{effort}", "", "    ", w)]
        for n in s["needed_for"]:
            why = f": {n['reason']}" if n.get("reason") else ""
            lines.append(fill(f"needed for {n['step']}. {n['label']}{why}", "    ", "      ", w))
        lines.extend(_step_where(s, "    ", w))
        yield "\n" + "\n".join(lines)


@text_view("path")
def _path(p: dict[str, Any]) -> str:
    return "".join(_path_chunks(p, p["steps"]))


def _path_markdown_chunks(p: Mapping[str, Any], steps: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    frm = f" from {p['from']}" if p["from"] else ""
    out = [f"# Plan to reach {p['to']}{frm}", "", f"{_plan_summary(p)}."]
    if p["known"]:
        out += ["", "Already known: " + ", ".join(f"`{k}`" for k in p["known"])]
    if p["note"]:
        out += ["", f"> {p['note']}"]
    yield "\n".join(out)
    for s in steps:
        out = ["", f"## {s['step']}. {s['label']} (`{s['id']}`)", ""]
        if s.get("definition"):
            out += [s["definition"], ""]
        for n in s["needed_for"]:
            why = f": {n['reason']}" if n.get("reason") else ""
            out.append(f"- needed for **{n['step']}. {n['label']}**{why}")
        for lec in s["lectures"]:
            out.append(f"- lecture: {lecture_line(lec)}")
        for e in s.get("sessions", []):
            out.append(f"- {e['kind']}: {session_line(e)}")
        for c in s["chapters"]:
            out.append(f"- chapter: {chapter_line(c)}")
        for r in s["readings"]:
            out.append(f"- reading: {reading_line(r)}")
        yield "\n" + "\n".join(out)
    yield "\n"


@markdown_view("path")
def _path_markdown(p: dict[str, Any]) -> str:
    return "".join(_path_markdown_chunks(p, p["steps"]))


def _why(n: dict[str, Any]) -> str:
    return f"needed for {n['id']}" + (f": {n['reason']}" if n.get("reason") else "")


@text_view("prereqs")
def _prereqs(p: dict[str, Any]) -> str:
    if not p["prerequisites"]:
        return f"{p['label']} has no prerequisites."
    n = len(p["prerequisites"])
    out = [fill(f"{p['label']} requires {plural(n, 'topic')}, in learning order:", "", "    ")]
    for i, t in enumerate(p["prerequisites"], start=1):
        out.append(fill(f"{i:>3}. {t['label']}  [{t['id']}]  distance {t['distance']}", "", "       "))
        out.extend(fill(_why(x), "       ", "         ") for x in t["needed_for"])
    return "\n".join(out)


def _markdown(title: str, items: list[str], empty: str, intro: str = "") -> str:
    """A markdown page: a title, an intro line, then the items (or ``empty``)."""
    out = [f"# {title}", ""]
    if intro and items:
        out += [intro, ""]
    return "\n".join([*out, *(items or [empty])]) + "\n"


@markdown_view("prereqs")
def _prereqs_markdown(p: dict[str, Any]) -> str:
    items = []
    for i, t in enumerate(p["prerequisites"], start=1):
        items.append(f"{i}. **{t['label']}** (`{t['id']}`), distance {t['distance']}")
        items.extend(f"   - needed for `{x['id']}`" + (f": {x['reason']}" if x.get("reason") else "") for x in t["needed_for"])
    intro = f"{plural(len(p['prerequisites']), 'topic')}, in learning order."
    return _markdown(f"Prerequisites of {p['label']}", items, f"{p['label']} has no prerequisites.", intro)


@text_view("needed-for")
def _needed_for(p: dict[str, Any]) -> str:
    if not p["dependents"]:
        return f"No topic requires {p['label']}."
    out = [fill(f"{p['label']} is needed for {plural(len(p['dependents']), 'topic')}:", "", "    ")]
    for t in p["dependents"]:
        via = ", ".join(v["id"] for v in t["via"])
        out.append(fill(f"{t['distance']:>2}  {t['label']}  [{t['id']}]  via {via}", "  ", "      "))
    return "\n".join(out)


@markdown_view("needed-for")
def _needed_for_markdown(p: dict[str, Any]) -> str:
    items = [
        f"- **{t['label']}** (`{t['id']}`), distance {t['distance']}, via " + ", ".join(f"`{v['id']}`" for v in t["via"])
        for t in p["dependents"]
    ]
    intro = f"{plural(len(p['dependents']), 'topic')}, nearest first."
    return _markdown(f"What {p['label']} is needed for", items, f"No topic requires {p['label']}.", intro)


@text_view("next")
def _next(p: dict[str, Any]) -> str:
    if not p["next"]:
        return "Nothing left to learn: every topic's prerequisites are known and the topics too."
    return table(["unlocks", "id", "label"], [(t["unlocks"], t["id"], t["label"]) for t in p["next"]])


@markdown_view("next")
def _next_markdown(p: dict[str, Any]) -> str:
    items = [f"- **{t['label']}** (`{t['id']}`): unlocks {t['unlocks']}" for t in p["next"]]
    return _markdown("What to learn next", items, "Nothing left to learn.")


@text_view("order")
def _order_view(p: dict[str, Any]) -> str:
    mark = bool(p["topics"])
    return "\n".join(
        fill(f"{t['step']:>4}. {t['label']}  [{t['id']}]" + ("" if not mark or t["requested"] else "  (prerequisite)"), "", "        ")
        for t in p["order"]
    )


@markdown_view("order")
def _order_markdown(p: dict[str, Any]) -> str:
    mark = bool(p["topics"])
    items = [
        f"{t['step']}. **{t['label']}** (`{t['id']}`)" + ("" if not mark or t["requested"] else " (prerequisite)")
        for t in p["order"]
    ]
    return _markdown("Learning order", items, "Nothing to order.")


@text_view("queries")
def _queries(rows: list[dict[str, Any]]) -> str:
    def title(q: dict[str, Any]) -> str:
        params = ", ".join(f"{k}={v}" for k, v in q["params"].items())
        return str(q["title"]) + (f" (params: {params})" if params else "")

    return table(["name", "title"], [(q["name"], title(q)) for q in rows])


# --------------------------------------------------------------------------- analytics



@text_view("check")
def _check_view(r: dict[str, Any]) -> str:
    name = f"{r['course']} ({r['name']})" if r.get("name") else r["course"]
    where = f" from {r['file']}" if r["file"] else ""
    out = [fill(f"kg check: {name}{where}, {plural(r['lectures'], 'lecture')}", "", "    ")]
    if r["assumes"]:
        what = "what it requires" if len(r["assumes"]) == 1 else "what they require"
        out.append(fill("background: " + ", ".join(r["assumes"]) + f" and {what}", "", "    "))
    issues = [f for f in r["findings"] if f["severity"] == "issue"]
    notes = [f for f in r["findings"] if f["severity"] == "note"]
    last = None
    for f in issues:
        if f["position"] != last:
            last = f["position"]
            out.append("")
            out.append(fill(f"#{lecture_number(f.get('number'), f['position'])} {f['lecture']}", "", "    "))
        status = (
            f"taught later, at #{lecture_number(f.get('taught_at_number'), f['taught_at'])}"
            if f["kind"] == "taught-later" else "not taught"
        )
        out.append(fill(f"{f['topic']} needs {f['prerequisite']} ({status})", "  ", "    "))
        if f.get("reason"):
            out.append(fill(f["reason"], "      "))
        if f["also_missing"]:
            shown = f["also_missing"][:6]
            more = len(f["also_missing"]) - len(shown)
            out.append(fill("also not covered yet: " + ", ".join(shown) + (f" and {more} more" if more else ""), "      "))
    if notes and not r.get("show_notes"):
        out.append("")
        counts = [
            f"{r['summary']['overview']} overview (a broad topic before its parts)",
            f"{r['summary']['same-lecture']} taught in the same lecture as their prerequisite",
            f"{r['summary']['background-part']} never taught but part of an assumed topic",
        ]
        out.append(fill("Notes, not issues (--notes lists them): " + "; ".join(counts), "", "  "))
    elif notes:
        out.append("")
        out.append("Notes (not counted as issues):")
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for f in notes:
            groups.setdefault((lecture_number(f.get("number"), f["position"]), f["topic"], f["kind"]), []).append(f)
        for (pos, topic, kind), fs in groups.items():
            if kind == "overview":
                parts = ", ".join(
                    f["prerequisite"]
                    + (f" (#{lecture_number(f.get('taught_at_number'), f['taught_at'])})" if f["taught_at"] else " (not taught)")
                    for f in fs
                )
                text = f"#{pos} {topic}: an overview before its parts {parts}"
            elif kind == "background-part":
                text = f"#{pos} {topic} needs " + ", ".join(f["prerequisite"] for f in fs) + ": never taught, part of an assumed topic"
            else:
                text = f"#{pos} {topic}: taught with its prerequisite{'s' if len(fs) > 1 else ''} " + ", ".join(
                    f["prerequisite"] for f in fs
                )
            out.append(fill(text, "  ", "      "))
    if r["never_taught"]:
        out.append("")
        out.append("Never taught; if students bring them, list them under `assumes:`:")
        out.append(fill(", ".join(r["never_taught"]), "  "))
    s = r["summary"]
    out.append("")
    if s["issues"]:
        out.append(
            f"{plural(s['issues'], 'issue')} ({s['taught-later']} taught later, {s['not-taught']} not taught), "
            f"{plural(s['notes'], 'note')}"
        )
    else:
        out.append(f"no issues: every prerequisite is covered first or assumed ({plural(s['notes'], 'note')})")
    return "\n".join(out)


def _tau(t: float | None) -> str:
    return "undefined (too few shared topics)" if t is None else f"{t:+.2f}"


@text_view("compare")
def _compare_view(r: dict[str, Any]) -> str:
    out: list[str] = []
    for p in r["pairs"]:
        if out:
            out.append("")
        a, b = p["a"], p["b"]
        out.append(f"{a} (A) vs {b} (B)")
        jac = f" (Jaccard {p['jaccard']:.2f})" if p["jaccard"] is not None else ""
        out.append(fill(
            f"{plural(len(p['shared']), 'shared topic')}{jac}; {len(p['only_a'])} only in {a}, "
            f"{len(p['only_b'])} only in {b}", "  ", "    "))
        out.append(fill(f"order agreement on shared topics (Kendall tau-b): {_tau(p['tau'])}", "  ", "    "))
        for side, ids in ((a, p["only_a"]), (b, p["only_b"])):
            if ids:
                out.append(fill(f"only in {side}: " + ", ".join(ids), "  ", "    "))
        if p["moved"]:
            out.append(f"  taught at very different points (shift >= {r['threshold']:g} of the course):")
            rows = [
                (f"#{lecture_number(m.get('a_number'), m['a'])}", f"#{lecture_number(m.get('b_number'), m['b'])}",
                 f"{m['shift']:+.2f}", m["topic"])
                for m in p["moved"]
            ]
            out.append(indented(["A", "B", "shift", "topic"], rows, "    "))
    if len(r["courses"]) > 2:
        out.append("")
        out.append(fill(
            f"shared by all {len(r['courses'])} courses ({len(r['shared_by_all'])}): " + ", ".join(r["shared_by_all"]),
            "", "    "))
    return "\n".join(out)


@text_view("coverage")
def _coverage_view(r: dict[str, Any]) -> str:
    cids = [c["id"] for c in r["courses"]]
    out = ["Lectures covering each topic, per course (topics in teaching order):"]
    out.extend(f"  [{i}] {c['id']}  {c['name'] or ''}".rstrip() for i, c in enumerate(r["courses"], start=1))
    # As many course columns as fit the width; more courses continue in further tables,
    # each listing the topics its courses teach.
    topic_w = max([len("topic"), *(len(t["id"]) for t in r["topics"])])
    room = width() - topic_w - 2 - len("courses")
    blocks: list[list[int]] = [[]]
    used = 0
    for i in range(1, len(cids) + 1):
        col = len(f"[{i}]") + 2
        if blocks[-1] and used + col > room:
            blocks.append([])
            used = 0
        blocks[-1].append(i)
        used += col
    for block in blocks:
        counts = [[t["counts"][cids[i - 1]] for i in block] for t in r["topics"]]
        rows = [
            (t["id"], *(str(n) if n else "." for n in ns), t["courses"])
            for t, ns in zip(r["topics"], counts)
            if len(blocks) == 1 or any(ns)
        ]
        out.append("")
        out.append(table(["topic", *(f"[{i}]" for i in block), "courses"], rows))
    return "\n".join(out)


def _course_line(c: dict[str, Any]) -> str:
    bits = [x for x in (c.get("term"), plural(c["lectures"], "lecture")) if x]
    return f"{c['id']} ({', '.join(bits)})"


@text_view("diff")
def _diff_view(r: dict[str, Any]) -> str:
    out = [fill(f"{_course_line(r['old'])} -> {_course_line(r['new'])}", "", "    ")]
    out.append(fill(
        f"kept {r['kept']} topics, added {len(r['added'])}, dropped {len(r['dropped'])}; "
        f"order agreement on kept topics (Kendall tau-b): {_tau(r['tau'])}", "  ", "    "))
    for title, key in (("Added", "added"), ("Dropped", "dropped")):
        if r[key]:
            out.append("")
            out.append(f"{title} ({len(r[key])}):")
            out.append(indented(
                ["first", "lectures", "topic"],
                [(f"#{lecture_number(t.get('first_number'), t['first'])}", t["lectures"], t["id"]) for t in r[key]], "  "))
    if r["moved"]:
        out.append("")
        out.append(f"Moved (shift >= {r['threshold']:g} of the course):")
        out.append(indented(
            ["old", "new", "shift", "topic"],
            [(f"#{lecture_number(m.get('a_number'), m['a'])}", f"#{lecture_number(m.get('b_number'), m['b'])}",
              f"{m['shift']:+.2f}", m["topic"]) for m in r["moved"]], "  "))
    if r["recounted"]:
        out.append("")
        out.append("Covered by a different number of lectures:")
        out.append(indented(["old", "new", "topic"], [(x["old"], x["new"], x["topic"]) for x in r["recounted"]], "  "))
    return "\n".join(out)


@text_view("evidence")
def _evidence_view(r: dict[str, Any]) -> str:
    t, p = r["topic"], r["prerequisite"]
    if r["edge"]:
        head = f"{t} requires {p}" + ("  (the edge runs this way round)" if r["swapped"] else "")
    else:
        head = f"{t} does not require {p} (no kg:requires edge); how the courses order them:"
    out = [fill(head, "", "    ")]
    if r.get("reason"):
        out.append(fill(r["reason"], "  "))
    c = r["counts"]
    out.append(fill(
        f"prerequisite first taught before the topic in {plural(c['before'], 'course')}, in the same lecture "
        f"in {c['together']}, after in {c['after']}; only the prerequisite in {c['prerequisite-only']}, only the "
        f"topic in {c['topic-only']}", "  ", "  "))
    if r["courses"]:
        out.append("")
        rows = [
            (x["course"], x["ordering"],
             f"#{lecture_number(x.get('prerequisite_number'), x['prerequisite_at'])}"
             if x["prerequisite_at"] is not None else "-",
             f"#{lecture_number(x.get('topic_number'), x['topic_at'])}" if x["topic_at"] is not None else "-")
            for x in r["courses"]
        ]
        out.append(table(["course", "ordering", "prerequisite", "topic"], rows))
    return "\n".join(out)


@text_view("evidence-table")
def _evidence_table_view(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No prerequisite edges."
    return table(
        ["before", "same", "after", "p-only", "t-only", "topic <- prerequisite"],
        [(r["before"], r["together"], r["after"], r["prerequisite_only"], r["topic_only"],
          f"{r['topic']} <- {r['prerequisite']}") for r in rows],
    )


@text_view("suggest")
def _suggest_view(r: dict[str, Any]) -> str:
    s = r["suggestions"]
    crit = f"taught first by >= {r['min_courses']} courses"
    if r["min_agreement"] < 1:
        crit += f" and >= {r['min_agreement']:.0%} of those covering both"
    else:
        crit += ", always"
    if not s:
        return f"No suggestions ({crit})."
    shown = f", showing {len(s)}" if len(s) < r["total"] else ""
    out = [fill(f"{plural(r['total'], 'suggested edge')} ({crit}){shown}. Teaching order is weak evidence "
                 "when courses are few: review each; to accept one, paste its lines under the topic's "
                 "`requires:` and write the reason.", "", "")]
    for i, x in enumerate(s, start=1):
        out.append("")
        out.append(fill(
            f"{i:>2}. {x['topic']} requires {x['prerequisite']}? taught first in {x['courses']} of "
            f"{plural(x['covering'], 'course')} covering both", "", "      "))
        nums = x.get("numbers", {})
        where = ", ".join(
            f"{c} #{lecture_number(na, pa)}<#{lecture_number(nt, ta)}"
            for c, (pa, ta) in x["positions"].items()
            for na, nt in [nums.get(c, [None, None])]
        )
        out.append(fill("first lectures (prerequisite<topic): " + where, "      ", "        "))
        if x.get("file"):
            out.append(fill(f"in {x['file']}:", "      ", "        "))
        out.append(textwrap.indent(x["yaml"], "  "))
    return "\n".join(out)
