"""``kg check``, ``compare``, ``coverage``, ``diff``, ``evidence`` and ``suggest``: the
curriculum analytics commands, a thin face over :mod:`kg.analytics`.

Kept apart from :mod:`kg.cli`, which loads this module only when one of these commands
runs (its group's lazy command table). The text views are registered in
:mod:`kg.cli.output`'s table by name, like every other command's.
"""

from __future__ import annotations

import functools
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KGError
from kg.cli.output import render, text_view, width

__all__ = ["check", "compare", "coverage", "diff", "evidence", "suggest"]


def _open_graph(obj: Any) -> Any:
    # ctx.obj is kg.cli.State under the `kg` group; alone (tests, embedding) the
    # command opens the default graph itself.
    if obj is not None and hasattr(obj, "kg"):
        return obj.kg
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.open()


F = TypeVar("F", bound=Callable[..., Any])


def _format(*formats: str) -> Callable[[F], F]:
    """``--format``: ``text`` (for people) first, ``json`` (for programs)."""
    choices = formats or ("text", "json")
    return click.option(
        "--format", "fmt", type=click.Choice(choices, case_sensitive=False),
        default=choices[0], show_default=True, help="Output format.",
    )


def _threshold() -> Callable[[F], F]:
    return click.option(
        "--threshold", type=click.FloatRange(0, 1), default=0.3, show_default=True,
        help="A topic has moved when its relative position (0 = first lecture, 1 = last) shifts by at least this.",
    )


def _errors(fn: F) -> F:
    """KGError becomes one clean line even when a command runs outside the `kg` group
    (whose own handler does the same)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KGError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _emit(kind: str, data: Any, fmt: str) -> None:
    click.echo(render(kind, data, fmt.lower()))


def _fill(text: str, indent: str = "  ", more: str | None = None) -> str:
    return textwrap.fill(
        text, width(), initial_indent=indent, subsequent_indent=more if more is not None else indent,
        break_on_hyphens=False,
    )


def _table(headers: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A plain-text table whose last column wraps at spaces only: topic ids are
    hyphenated and must not be split (``kg.cli.output.table`` would split them)."""
    cells = [["" if v is None else str(v) for v in r] for r in rows]
    widths = [len(h) for h in headers[:-1]]
    for r in cells:
        for i, v in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(v))
    prefix_w = sum(widths) + 2 * len(widths)
    last = max(20, width() - prefix_w)

    def line(vals: list[str], tail: str) -> str:
        return "".join(v.ljust(w) + "  " for v, w in zip(vals, widths)) + tail

    out = [line(headers[:-1], headers[-1]), line(["-" * w for w in widths], "-" * max(len(headers[-1]), 8))]
    for r in cells:
        wrapped = textwrap.wrap(r[-1], last, break_on_hyphens=False, break_long_words=False) or [""]
        out.append(line(r[:-1], wrapped[0]))
        out.extend(" " * prefix_w + w for w in wrapped[1:])
    return "\n".join(out)


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# --------------------------------------------------------------------------- check


@click.command()
@click.argument("course")
@click.option("--strict", is_flag=True, help="Exit 1 when any issue is found (notes never fail).")
@click.option("--notes", "show_notes", is_flag=True, help="List every note in the text output, not just their counts.")
@_format()
@click.pass_obj
@_errors
def check(obj: Any, course: str, strict: bool, show_notes: bool, fmt: str) -> None:
    """Lint a syllabus: topics a lecture covers before the course has covered their
    prerequisites.

    COURSE is a course id or code in the graph, or the path of a course YAML file (the
    layout of data/courses/*.yaml) checked against the graph's topics without adding it.
    Each topic is checked at the first lecture that covers it, against its direct
    prerequisites; what the course declares under `assumes:` and everything that
    requires is background. Issues: a prerequisite taught later, or never. Notes: a
    broad topic introduced before its own narrower parts (an overview), prerequisites
    first covered in the same lecture, and never-taught parts of an assumed topic.

    \b
    Example:
        kg check mit-6.7960-fa25
        kg check my-course.yaml --strict
    """
    from kg.analytics import check as run

    report = run(_open_graph(obj), course)
    _emit("check", {**report, "show_notes": show_notes} if fmt.lower() == "text" else report, fmt)
    if strict and report["summary"]["issues"]:
        sys.exit(1)


@text_view("check")
def _check_view(r: dict[str, Any]) -> str:
    name = f"{r['course']} ({r['name']})" if r.get("name") else r["course"]
    where = f" from {r['file']}" if r["file"] else ""
    out = [_fill(f"kg check: {name}{where}, {_plural(r['lectures'], 'lecture')}", "", "    ")]
    if r["assumes"]:
        what = "what it requires" if len(r["assumes"]) == 1 else "what they require"
        out.append(_fill("background: " + ", ".join(r["assumes"]) + f" and {what}", "", "    "))
    issues = [f for f in r["findings"] if f["severity"] == "issue"]
    notes = [f for f in r["findings"] if f["severity"] == "note"]
    last = None
    for f in issues:
        if f["position"] != last:
            last = f["position"]
            out.append("")
            out.append(_fill(f"#{f['position']} {f['lecture']}", "", "    "))
        status = f"taught later, at #{f['taught_at']}" if f["kind"] == "taught-later" else "not taught"
        out.append(_fill(f"{f['topic']} needs {f['prerequisite']} ({status})", "  ", "    "))
        if f.get("reason"):
            out.append(_fill(f["reason"], "      "))
        if f["also_missing"]:
            shown = f["also_missing"][:6]
            more = len(f["also_missing"]) - len(shown)
            out.append(_fill("also not covered yet: " + ", ".join(shown) + (f" and {more} more" if more else ""), "      "))
    if notes and not r.get("show_notes"):
        out.append("")
        counts = [
            f"{r['summary']['overview']} overview (a broad topic before its parts)",
            f"{r['summary']['same-lecture']} taught in the same lecture as their prerequisite",
            f"{r['summary']['background-part']} never taught but part of an assumed topic",
        ]
        out.append(_fill("Notes, not issues (--notes lists them): " + "; ".join(counts), "", "  "))
    elif notes:
        out.append("")
        out.append("Notes (not counted as issues):")
        groups: dict[tuple[int, str, str], list[dict[str, Any]]] = {}
        for f in notes:
            groups.setdefault((f["position"], f["topic"], f["kind"]), []).append(f)
        for (pos, topic, kind), fs in groups.items():
            if kind == "overview":
                parts = ", ".join(
                    f["prerequisite"] + (f" (#{f['taught_at']})" if f["taught_at"] else " (not taught)") for f in fs
                )
                text = f"#{pos} {topic}: an overview before its parts {parts}"
            elif kind == "background-part":
                text = f"#{pos} {topic} needs " + ", ".join(f["prerequisite"] for f in fs) + ": never taught, part of an assumed topic"
            else:
                text = f"#{pos} {topic}: taught with its prerequisite{'s' if len(fs) > 1 else ''} " + ", ".join(
                    f["prerequisite"] for f in fs
                )
            out.append(_fill(text, "  ", "      "))
    if r["never_taught"]:
        out.append("")
        out.append("Never taught; if students bring them, list them under `assumes:`:")
        out.append(_fill(", ".join(r["never_taught"]), "  "))
    s = r["summary"]
    out.append("")
    if s["issues"]:
        out.append(
            f"{_plural(s['issues'], 'issue')} ({s['taught-later']} taught later, {s['not-taught']} not taught), "
            f"{_plural(s['notes'], 'note')}"
        )
    else:
        out.append(f"no issues: every prerequisite is covered first or assumed ({_plural(s['notes'], 'note')})")
    return "\n".join(out)


# --------------------------------------------------------------------------- compare


@click.command()
@click.argument("courses", nargs=-1, required=True)
@_threshold()
@_format()
@click.pass_obj
@_errors
def compare(obj: Any, courses: tuple[str, ...], threshold: float, fmt: str) -> None:
    """Compare two or more courses: shared and unique topics, how well they agree on
    the order of the shared ones (Kendall's tau-b: 1 same order, -1 reversed), and
    the shared topics they teach at very different points of the course.

    With more than two courses, every pair is compared.

    \b
    Example:
        kg compare mit-6.7960-fa25 berkeley-cs182-fa25
        kg compare mit-6.s898-fa22 mit-6.7960-fa25 bu-deep-learning --format json
    """
    from kg.analytics import compare as run

    _emit("compare", run(_open_graph(obj), list(courses), threshold), fmt)


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
        out.append(_fill(
            f"{_plural(len(p['shared']), 'shared topic')}{jac}; {len(p['only_a'])} only in {a}, "
            f"{len(p['only_b'])} only in {b}", "  ", "    "))
        out.append(_fill(f"order agreement on shared topics (Kendall tau-b): {_tau(p['tau'])}", "  ", "    "))
        for side, ids in ((a, p["only_a"]), (b, p["only_b"])):
            if ids:
                out.append(_fill(f"only in {side}: " + ", ".join(ids), "  ", "    "))
        if p["moved"]:
            out.append(f"  taught at very different points (shift >= {r['threshold']:g} of the course):")
            rows = [(f"#{m['a']}", f"#{m['b']}", f"{m['shift']:+.2f}", m["topic"]) for m in p["moved"]]
            out.append(textwrap.indent(_table(["A", "B", "shift", "topic"], rows), "    "))
    if len(r["courses"]) > 2:
        out.append("")
        out.append(_fill(
            f"shared by all {len(r['courses'])} courses ({len(r['shared_by_all'])}): " + ", ".join(r["shared_by_all"]),
            "", "    "))
    return "\n".join(out)


# --------------------------------------------------------------------------- coverage


@click.command()
@_format("text", "csv", "json", "svg", "png")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write to FILE (svg and png default to kg-coverage.svg / .png here).")
@click.pass_obj
@_errors
def coverage(obj: Any, fmt: str, output: Path | None) -> None:
    """The topics × courses matrix: how many lectures of each course cover each topic.

    Topics are ordered by where the courses introduce them. As a text table, CSV,
    JSON, or a heatmap picture: SVG (no dependency) or PNG (needs matplotlib).

    \b
    Example:
        kg coverage
        kg coverage --format csv -o coverage.csv
        kg coverage --format svg -o coverage.svg
    """
    from kg.analytics import coverage as run
    from kg.analytics import coverage_csv, coverage_picture

    fmt = fmt.lower()
    data = run(_open_graph(obj))
    if fmt in ("svg", "png"):
        body = coverage_picture(data, fmt)
        target = output or Path(f"kg-coverage.{fmt}")
        from kg.files import write_atomic

        write_atomic(target, body)
        click.echo(f"wrote {target} ({len(data['topics'])} topics × {len(data['courses'])} courses)")
        return
    text = coverage_csv(data) if fmt == "csv" else render("coverage", data, fmt) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        from kg.files import write_atomic

        write_atomic(output, text.encode())
        click.echo(f"wrote {output}", err=True)


@text_view("coverage")
def _coverage_view(r: dict[str, Any]) -> str:
    cids = [c["id"] for c in r["courses"]]
    out = ["Lectures covering each topic, per course (topics in teaching order):"]
    out.extend(f"  [{i}] {c['id']}  {c['name'] or ''}".rstrip() for i, c in enumerate(r["courses"], start=1))
    out.append("")
    rows = [
        (t["id"], *(str(t["counts"][c]) if t["counts"][c] else "." for c in cids), t["courses"])
        for t in r["topics"]
    ]
    headers = ["topic", *(f"[{i}]" for i in range(1, len(cids) + 1)), "courses"]
    out.append(_table(headers, rows))
    return "\n".join(out)


# --------------------------------------------------------------------------- diff


@click.command()
@click.argument("old")
@click.argument("new")
@_threshold()
@_format()
@click.pass_obj
@_errors
def diff(obj: Any, old: str, new: str, threshold: float, fmt: str) -> None:
    """How a course changed from OLD to NEW: topics added, dropped and moved, and
    topics covered by more or fewer lectures.

    \b
    Example:
        kg diff mit-6.s898-fa22 mit-6.7960-fa25
    """
    from kg.analytics import diff as run

    _emit("diff", run(_open_graph(obj), old, new, threshold), fmt)


def _course_line(c: dict[str, Any]) -> str:
    bits = [x for x in (c.get("term"), _plural(c["lectures"], "lecture")) if x]
    return f"{c['id']} ({', '.join(bits)})"


@text_view("diff")
def _diff_view(r: dict[str, Any]) -> str:
    out = [_fill(f"{_course_line(r['old'])} -> {_course_line(r['new'])}", "", "    ")]
    out.append(_fill(
        f"kept {r['kept']} topics, added {len(r['added'])}, dropped {len(r['dropped'])}; "
        f"order agreement on kept topics (Kendall tau-b): {_tau(r['tau'])}", "  ", "    "))
    for title, key in (("Added", "added"), ("Dropped", "dropped")):
        if r[key]:
            out.append("")
            out.append(f"{title} ({len(r[key])}):")
            out.append(textwrap.indent(
                _table(["first", "lectures", "topic"], [(f"#{t['first']}", t["lectures"], t["id"]) for t in r[key]]),
                "  "))
    if r["moved"]:
        out.append("")
        out.append(f"Moved (shift >= {r['threshold']:g} of the course):")
        out.append(textwrap.indent(
            _table(["old", "new", "shift", "topic"], [(f"#{m['a']}", f"#{m['b']}", f"{m['shift']:+.2f}", m["topic"]) for m in r["moved"]]),
            "  "))
    if r["recounted"]:
        out.append("")
        out.append("Covered by a different number of lectures:")
        out.append(textwrap.indent(
            _table(["old", "new", "topic"], [(x["old"], x["new"], x["topic"]) for x in r["recounted"]]), "  "))
    return "\n".join(out)


# --------------------------------------------------------------------------- evidence


@click.command()
@click.argument("topics", nargs=-1, metavar="[TOPIC PREREQUISITE]")
@click.option("-n", "--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Without topics: at most this many edges (0: all).")
@_format()
@click.pass_obj
@_errors
def evidence(obj: Any, topics: tuple[str, ...], limit: int, fmt: str) -> None:
    """The courses' evidence for a prerequisite edge: in how many courses the
    prerequisite is first taught before, in the same lecture as, or after the topic,
    and how many teach only one of the two; with each course's lectures.

    The counts are stored on the edge's kg:Prerequisite node (SPARQL: `kg query
    prerequisite-evidence`). A pair with no edge is worked out from the lectures.
    Without topics: every edge, the most contested first.

    \b
    Example:
        kg evidence transformers attention
        kg evidence --limit 10
    """
    from kg.analytics import evidence as one
    from kg.analytics import evidence_table

    if len(topics) not in (0, 2):
        raise click.UsageError("give two topics (TOPIC PREREQUISITE), or none for every edge")
    kg = _open_graph(obj)
    if topics:
        _emit("evidence", one(kg, topics[0], topics[1]), fmt)
    else:
        _emit("evidence-table", evidence_table(kg, limit or None), fmt)


@text_view("evidence")
def _evidence_view(r: dict[str, Any]) -> str:
    t, p = r["topic"], r["prerequisite"]
    if r["edge"]:
        head = f"{t} requires {p}" + ("  (the edge runs this way round)" if r["swapped"] else "")
    else:
        head = f"{t} does not require {p} (no kg:requires edge); how the courses order them:"
    out = [_fill(head, "", "    ")]
    if r.get("reason"):
        out.append(_fill(r["reason"], "  "))
    c = r["counts"]
    out.append(_fill(
        f"prerequisite first taught before the topic in {_plural(c['before'], 'course')}, in the same lecture "
        f"in {c['together']}, after in {c['after']}; only the prerequisite in {c['prerequisite-only']}, only the "
        f"topic in {c['topic-only']}", "  ", "  "))
    if r["courses"]:
        out.append("")
        rows = [
            (x["course"], x["ordering"],
             f"#{x['prerequisite_at']}" if x["prerequisite_at"] is not None else "-",
             f"#{x['topic_at']}" if x["topic_at"] is not None else "-")
            for x in r["courses"]
        ]
        out.append(_table(["course", "ordering", "prerequisite", "topic"], rows))
    return "\n".join(out)


@text_view("evidence-table")
def _evidence_table_view(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No prerequisite edges."
    return _table(
        ["before", "same", "after", "p-only", "t-only", "topic <- prerequisite"],
        [(r["before"], r["together"], r["after"], r["prerequisite_only"], r["topic_only"],
          f"{r['topic']} <- {r['prerequisite']}") for r in rows],
    )


# --------------------------------------------------------------------------- suggest


@click.command()
@click.option("--min-courses", type=click.IntRange(min=1), default=3, show_default=True,
              help="At least this many courses must teach the prerequisite first.")
@click.option("--min-agreement", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="And at least this share of the courses that cover both (1: all of them).")
@click.option("-n", "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="At most this many (0: all).")
@_format()
@click.pass_obj
@_errors
def suggest(obj: Any, min_courses: int, min_agreement: float, limit: int, fmt: str) -> None:
    """Prerequisite edges the courses' orders imply but the vocabulary lacks, for a
    curator to accept or reject.

    A pair is suggested when enough courses always teach one topic in an earlier
    lecture than the other, no chain of kg:requires joins them yet, neither is a
    narrower part of the other, and the earlier one is not a broad umbrella topic (often
    opened as an overview); suggestions already implied by others are left out.
    Ranked by agreeing courses, then consistency, then closeness. Each comes with the
    YAML to paste under the topic's `requires:` (write the reason).

    \b
    Example:
        kg suggest
        kg suggest --min-courses 2 --limit 5 --format json
    """
    from kg.analytics import suggest as run

    _emit("suggest", run(_open_graph(obj), min_courses, limit or None, min_agreement), fmt)


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
    out = [_fill(f"{_plural(r['total'], 'suggested edge')} ({crit}){shown}. Teaching order is weak evidence "
                 "when courses are few: review each; to accept one, paste its lines under the topic's "
                 "`requires:` and write the reason.", "", "")]
    for i, x in enumerate(s, start=1):
        out.append("")
        out.append(_fill(
            f"{i:>2}. {x['topic']} requires {x['prerequisite']}? taught first in {x['courses']} of "
            f"{_plural(x['covering'], 'course')} covering both", "", "      "))
        where = ", ".join(f"{c} #{pa}<#{ta}" for c, (pa, ta) in x["positions"].items())
        out.append(_fill("first lectures (prerequisite<topic): " + where, "      ", "        "))
        if x.get("file"):
            out.append(_fill(f"in {x['file']}:", "      ", "        "))
        out.append(textwrap.indent(x["yaml"], "  "))
    return "\n".join(out)
