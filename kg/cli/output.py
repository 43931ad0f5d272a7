"""Render library results for people (text) and programs (json).

Each command's text view is a function registered here by name; ``render(kind, data,
fmt)`` looks it up, so formats live in one table instead of in every command.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["render", "FORMATS", "table", "to_json"]

FORMATS = ("text", "json")

_TEXT: dict[str, Callable[[Any], str]] = {}
_MARKDOWN: dict[str, Callable[[Any], str]] = {}


def text_view(kind: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    def deco(fn: Callable[[Any], str]) -> Callable[[Any], str]:
        _TEXT[kind] = fn
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
    return max(60, min(shutil.get_terminal_size((80, 24)).columns, 100))


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], max_width: int | None = None) -> str:
    """A plain-text table; the last column wraps to fit the terminal width."""
    rows = [["" if v is None else str(v) for v in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in rows:
        for i, v in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(v))
    total = max_width or width()
    fixed = sum(widths[:-1]) + 2 * (len(headers) - 1)
    last = max(20, total - fixed)
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers[:-1], widths)) + ("  " if len(headers) > 1 else "") + headers[-1]]
    lines.append("  ".join("-" * w for w in widths[:-1]) + ("  " if len(headers) > 1 else "") + "-" * min(last, max(len(headers[-1]), 8)))
    for r in rows:
        wrapped = textwrap.wrap(r[-1], last) or [""]
        prefix = "  ".join(v.ljust(w) for v, w in zip(r[:-1], widths)) + ("  " if len(headers) > 1 else "")
        lines.append(prefix + wrapped[0])
        for cont in wrapped[1:]:
            lines.append(" " * len(prefix) + cont)
    return "\n".join(lines)


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width(), initial_indent=indent, subsequent_indent=indent)


def lecture_line(lec: dict[str, Any]) -> str:
    course = lec["course"]
    date = f" {lec['date']}" if lec.get("date") else ""
    return f"{course} #{lec['position']}{date}  {lec['title']}"


def chapter_line(ch: dict[str, Any]) -> str:
    secs = f" (§{', '.join(ch['sections'])})" if ch.get("sections") else ""
    return f"{ch['book']}, ch. {ch['number']}: {ch['title']}{secs}"


def reading_line(r: dict[str, Any]) -> str:
    opt = " (optional)" if r.get("optional") else ""
    return f"{r['title']} [{r['kind']}]{opt}"


@text_view("topic")
def _topic(t: dict[str, Any]) -> str:
    out = [f"{t['label']}  ({t['id']})"]
    if t["aliases"]:
        out.append(_wrap("also: " + ", ".join(t["aliases"])))
    if t["definition"]:
        out.append(_wrap(t["definition"]))
    if t["broader"]:
        out.append(f"  broader: {t['broader']['label']} ({t['broader']['id']})")
    if t["narrower"]:
        out.append(_wrap("narrower: " + ", ".join(n["id"] for n in t["narrower"])))
    for title, key in (("Requires", "requires"), ("Required by", "required_by")):
        if t[key]:
            out.append(f"\n{title}:")
            for r in t[key]:
                out.append(f"  {r['label']} ({r['id']})")
                if r.get("reason"):
                    out.append(_wrap(r["reason"], "      "))
    for title, key, fn in (
        ("Lectures", "lectures", lecture_line),
        ("Chapters", "chapters", chapter_line),
        ("Readings", "readings", reading_line),
    ):
        if t[key]:
            out.append(f"\n{title}:")
            out.extend("  " + fn(x) for x in t[key])
    if not (t["lectures"] or t["chapters"] or t["readings"]):
        out.append("\nNo lecture, chapter or reading covers this topic.")
    return "\n".join(out)


@text_view("course")
def _course(c: dict[str, Any]) -> str:
    head = " ".join(x for x in (c.get("code"), c["name"]) if x) or c["id"]
    meta = ", ".join(x for x in (c.get("provider"), c.get("term")) if x)
    out = [f"{head}  ({c['id']})"]
    if meta:
        out.append(f"  {meta}")
    out.append(f"  {c['lectures'] if isinstance(c['lectures'], int) else len(c['lectures'])} lectures")
    if c.get("assumes"):
        out.append(_wrap("assumes: " + ", ".join(c["assumes"])))
    out.append("")
    out.append(
        table(
            ["#", "date", "lecture"],
            [
                (
                    lec["position"],
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
            out.append(f"  {when:<11} {e['kind']:<14} {e['title']}")
    if c["assignments"]:
        out.append("\nAssignments:")
        for a in c["assignments"]:
            when = " → ".join(x for x in (a["released"], a["due"]) if x) or (
                f"week {a['week']}" if a["week"] is not None else ""
            )
            out.append(f"  {a['title']:<24} {when}")
    return "\n".join(out)


@text_view("lecture")
def _lecture(lec: dict[str, Any]) -> str:
    out = [f"{lec['title']}  ({lec['id']})"]
    meta = [f"lecture {lec['position']}"]
    if lec["number"]:
        meta.append(f"numbered {lec['number']} on the page")
    if lec["date"]:
        meta.append(str(lec["date"]))
    if lec["speakers"]:
        meta.append(", ".join(lec["speakers"]))
    if lec["guest"]:
        meta.append("guest lecture")
    out.append("  " + " · ".join(meta))
    if lec["covers"]:
        out.append("\nCovers:")
        out.extend(f"  {t['label']} ({t['id']})" for t in lec["covers"])
    if lec["readings"]:
        out.append("\nReadings:")
        for r in lec["readings"]:
            name = f"{r['book']}, ch. {r['chapter']}: {r['title']}" if r["book"] else r["title"]
            extra = [x for x in (f"§{r['sections']}" if r["sections"] else None, r["note"], "optional" if r["optional"] else None) if x]
            out.append(f"  {name}" + (f" ({'; '.join(extra)})" if extra else ""))
    if lec["materials"]:
        out.append("\nMaterials: " + ", ".join(lec["materials"]))
    return "\n".join(out)


@text_view("search")
def _search(hits: list[dict[str, Any]]) -> str:
    if not hits:
        return "No topics match."
    out = []
    for h in hits:
        out.append(f"{h['label']}  ({h['id']})")
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
    lines = [f"graph {state}: {b['triples']} triples from {b['data_dir']}"]
    lines.append(
        f"  {b['courses']} courses, {b['lectures']} lectures, {b['topics']} topics, "
        f"{b['prerequisites']} prerequisite edges, {b['readings']} readings, "
        f"{b['books']} books ({b['chapters']} chapters)"
    )
    if b.get("turtle_files"):
        lines.append("  merged: " + ", ".join(b["turtle_files"]))
    lines.append(f"  store: {b['store'] or '(in memory: cache directory not writable)'}")
    return "\n".join(lines)


@text_view("validate")
def _validate(r: dict[str, Any]) -> str:
    lines = [*r["violations"], *(f"warning: {w}" for w in r["warnings"])]
    n = len(r["violations"])
    summary = (
        f"valid: {', '.join(r['checks'])} checks passed"
        if n == 0
        else f"{n} violation{'s' if n != 1 else ''}"
    )
    return "\n".join([*lines, summary])


def _step_where(s: dict[str, Any], indent: str, limit: int = 6) -> list[str]:
    def item(kind: str, text: str) -> str:
        return textwrap.fill(
            text, width(), initial_indent=f"{indent}{kind:<9}", subsequent_indent=indent + " " * 11
        )

    out = []
    lectures = s["lectures"]
    for lec in lectures[:limit]:
        out.append(item("lecture", lecture_line(lec)))
    if len(lectures) > limit:
        more = len(lectures) - limit
        out.append(f"{indent}{'':9}… and {more} more lecture{'s' if more != 1 else ''}")
    out.extend(item("chapter", chapter_line(c)) for c in s["chapters"])
    out.extend(item("reading", reading_line(r)) for r in s["readings"])
    if not (s["lectures"] or s["chapters"] or s["readings"]):
        out.append(f"{indent}(no lecture, chapter or reading covers this topic)")
    return out


def _plan_summary(p: dict[str, Any]) -> str:
    s = p["summary"]
    bits = [f"{s['topics']} topic{'s' if s['topics'] != 1 else ''}"]
    if s["lectures"]:
        n = s["lectures"]
        bits.append(f"about {n:g} lecture{'' if n == 1 else 's'}' worth" if n != 1 else "about 1 lecture's worth")
    if s["untaught"]:
        bits.append(f"{len(s['untaught'])} not covered by any lecture")
    return ", ".join(bits)


@text_view("path")
def _path(p: dict[str, Any]) -> str:
    frm = f" from {p['from']}" if p["from"] else ""
    out = [_wrap(f"Plan to reach {p['to']}{frm}: {_plan_summary(p)}", "")]
    if p["known"]:
        out.append(_wrap("already known: " + ", ".join(p["known"]), ""))
    if p["note"]:
        out.append(_wrap("note: " + p["note"], ""))
    for s in p["steps"]:
        out.append("")
        effort = f"  (~{s['effort']:g} lectures)" if s.get("effort") else ""
        out.append(textwrap.fill(f"{s['step']:>2}. {s['label']}  [{s['id']}]{effort}", width(), subsequent_indent="    "))
        for n in s["needed_for"]:
            why = f": {n['reason']}" if n.get("reason") else ""
            out.append(textwrap.fill(f"needed for {n['step']}. {n['label']}{why}", width(), initial_indent="    ", subsequent_indent="      "))
        out.extend(_step_where(s, "    "))
    return "\n".join(out)


def path_markdown(p: dict[str, Any]) -> str:
    frm = f" from {p['from']}" if p["from"] else ""
    out = [f"# Plan to reach {p['to']}{frm}", "", f"{_plan_summary(p)}."]
    if p["known"]:
        out += ["", "Already known: " + ", ".join(f"`{k}`" for k in p["known"])]
    if p["note"]:
        out += ["", f"> {p['note']}"]
    for s in p["steps"]:
        out += ["", f"## {s['step']}. {s['label']} (`{s['id']}`)", ""]
        if s.get("definition"):
            out += [s["definition"], ""]
        for n in s["needed_for"]:
            why = f": {n['reason']}" if n.get("reason") else ""
            out.append(f"- needed for **{n['step']}. {n['label']}**{why}")
        for lec in s["lectures"]:
            out.append(f"- lecture: {lecture_line(lec)}")
        for c in s["chapters"]:
            out.append(f"- chapter: {chapter_line(c)}")
        for r in s["readings"]:
            out.append(f"- reading: {reading_line(r)}")
    return "\n".join(out) + "\n"


@text_view("prereqs")
def _prereqs(p: dict[str, Any]) -> str:
    if not p["prerequisites"]:
        return f"{p['label']} has no prerequisites."
    out = [f"{p['label']} requires ({len(p['prerequisites'])} topics, in learning order):"]
    for i, t in enumerate(p["prerequisites"], start=1):
        needed = ", ".join(n["id"] for n in t["needed_for"])
        out.append(f"{i:>3}. {t['label']}  [{t['id']}]  distance {t['distance']}; needed for {needed}")
    return "\n".join(out)


@text_view("needed-for")
def _needed_for(p: dict[str, Any]) -> str:
    if not p["dependents"]:
        return f"No topic requires {p['label']}."
    out = [f"{p['label']} is needed for {len(p['dependents'])} topics:"]
    for t in p["dependents"]:
        via = ", ".join(v["id"] for v in t["via"])
        out.append(f"  {t['distance']:>2}  {t['label']}  [{t['id']}]  via {via}")
    return "\n".join(out)


@text_view("next")
def _next(p: dict[str, Any]) -> str:
    if not p["next"]:
        return "Nothing left to learn: every topic's prerequisites are known and the topics too."
    return table(["unlocks", "id", "label"], [(t["unlocks"], t["id"], t["label"]) for t in p["next"]])


@text_view("order")
def _order_view(p: dict[str, Any]) -> str:
    mark = bool(p["topics"])
    return "\n".join(
        f"{t['step']:>4}. {t['label']}  [{t['id']}]" + ("" if not mark or t["requested"] else "  (prerequisite)")
        for t in p["order"]
    )


_MARKDOWN["path"] = path_markdown


def query_table(body_json: bytes, max_width: int | None = None) -> str:
    """A SPARQL JSON result as a plain-text table for people (IRIs shortened)."""
    from kg.sparql import json_solutions  # pyoxigraph loads only for `kg query`

    read = json_solutions(body_json)
    if isinstance(read, bool):
        return "true" if read else "false"
    names, rows = read
    if not names:
        return "(no columns)"
    return table(names, rows, max_width=max_width) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
