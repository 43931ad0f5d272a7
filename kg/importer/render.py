"""The draft as a YAML course file, with the curator's comments."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from json.encoder import encode_basestring

from kg.importer.draft import Draft
from kg.importer.link import Link
from kg.importer.read import drop_controls
from kg.importer.rows import clean

_PLAIN = re.compile(r"^[A-Za-z(][^:#\[\]{}\",'&*!|>%@`]*$")
_YAML_WORDS = frozenset("yes no true false on off null y n ~".split())


def quote(s: str) -> str:
    """A YAML scalar for ``s``: plain when safe, else double-quoted."""
    s = clean(drop_controls(s))
    if _PLAIN.match(s) and s.lower() not in _YAML_WORDS and not s.endswith((" ", "-", "?")) and ": " not in s and " #" not in s:
        return s
    return encode_basestring(s)  # json.dumps(s, ensure_ascii=False), without the encoder object


def _comment(s: str) -> str:
    return clean(drop_controls(s)).replace("\n", " ")


# Flow lists hold topic ids, speakers and file names, which repeat from lecture to lecture;
# so do the words that linked a topic (a title's parts repeat).
_quote_item = functools.lru_cache(maxsize=4096)(quote)


@functools.lru_cache(maxsize=4096)
def _link_words(s: str) -> str:
    return repr(_comment(s))


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(map(_quote_item, items)) + "]"


# A link's pieces: whether it is covered, its topic quoted, and its text in the comment.
_Parts = dict[tuple[str, float, str], tuple[bool, str, str]]


def _link_lines(links: list[Link], th: float, parts: _Parts) -> tuple[str, str | None]:
    """A lecture's ``covers`` line (or the comment that it has none), and the comment
    listing its weaker links (or None). ``parts`` keeps each link's pieces by its
    topic, confidence and words (a schedule's lectures share them)."""
    topics: list[str] = []
    confs: list[str] = []
    weak: list[str] = []
    for lk in links:
        key = (lk.topic, lk.confidence, lk.text)
        part = parts.get(key)
        if part is None:
            if lk.confidence >= th:
                part = parts[key] = (True, _quote_item(lk.topic), f"{lk.topic} {lk.confidence:.2f}")
            else:
                part = parts[key] = (False, "", f"{lk.topic} {lk.confidence:.2f} ({_link_words(lk.text)})")
        if part[0]:
            topics.append(part[1])
            confs.append(part[2])
        else:
            weak.append(part[2])
    if topics:
        line = "    covers: [" + ", ".join(topics) + "]  # " + ", ".join(confs)
    else:
        line = f"    # covers: no topic linked with confidence >= {th:.2f}"
    if weak:
        return line, "    # weaker: " + ", ".join(weak)
    return line, None


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
        out.append(f"name: {quote(draft.name)}")
    else:
        out.append(f"name: {quote(draft.course_id)}  # TODO: the course's own title (not found on the page; use --name)")
    if draft.code:
        out.append(f"code: {quote(draft.code)}")
    if draft.term:
        out.append(f"term: {quote(draft.term)}")
    out.append(f"source: {quote(draft.source)}")
    out.append("")
    out.append("lectures:")
    # Schedules repeat their titles, and lectures of one title share their links: each
    # title quoted once, the lines of each list of links (the same objects) made once.
    titles: dict[str, str] = {}
    link_lines: dict[tuple[int, ...], tuple[str, str | None]] = {}
    link_parts: _Parts = {}
    no_topic: dict[tuple[str, ...], str] = {}
    date_lines: dict[object, str] = {}  # the dates' lines (a schedule runs through a year)
    for i, lec in enumerate(draft.lectures, start=1):
        title = titles.get(lec.title)
        if title is None:
            title = titles[lec.title] = quote(lec.title)
        out.append(f"  - title: {title}  # lecture {i}, line {lec.line}")
        if lec.date:
            line = date_lines.get(lec.date)
            if line is None:
                line = date_lines[lec.date] = f"    date: {lec.date.isoformat()}"
            out.append(line)
        elif lec.page_date:
            out.append(f"    # date: {_comment(lec.page_date)} (no year known)")
        if lec.number:
            out.append(f"    number: {json.dumps(lec.number)}")
        if lec.speakers:
            out.append(f"    speakers: {_flow(lec.speakers)}")
        if lec.guest:
            out.append("    guest: true")
        key = tuple(map(id, lec.links))  # the links are alive while the draft is: ids stay theirs
        lines = link_lines.get(key)
        if lines is None:
            lines = link_lines[key] = _link_lines(lec.links, th, link_parts)
        out.append(lines[0])
        if lines[1] is not None:
            out.append(lines[1])
        if lec.candidates:
            cands = tuple(lec.candidates)
            line = no_topic.get(cands)
            if line is None:
                line = no_topic[cands] = "    # no topic for: " + "; ".join(_comment(c) for c in cands)
            out.append(line)
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
                    out.append(f"        note: {quote(r.note)}")
        for u in lec.unmatched_readings:
            out.append(f"    # reading not in the graph: {_comment(u)}")
    if draft.events:
        out.append("")
        out.append("events:")
        for e in draft.events:
            out.append(f"  - kind: {e.kind}")
            out.append(f"    title: {quote(e.title)}")
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
            out.append(f"    title: {quote(a.title)}")
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
