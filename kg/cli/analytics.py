"""``kg check``, ``compare``, ``coverage``, ``diff``, ``evidence`` and ``suggest``: the
curriculum analytics commands, a thin face over :mod:`kg.analytics`.

Kept apart from :mod:`kg.cli`, which loads this module only when one of these commands
runs (or ``kg --help`` lists them), and :mod:`kg.analytics` (networkx and the rest) is
imported inside each command for the same reason. The text views are in
:mod:`kg.cli.output` with every other command's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.cli.common import Command, emit, format_option, pass_graph
from kg.cli.output import render
from kg.files import write_atomic

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["check", "compare", "coverage", "diff", "evidence", "suggest"]


def _threshold(fn: F) -> F:
    return click.option(
        "--threshold", type=click.FloatRange(0, 1), default=0.3, show_default=True,
        help="A topic has moved when its relative position (0 = first lecture, 1 = last) shifts by at least this.",
    )(fn)


# --------------------------------------------------------------------------- check


@click.command(cls=Command)
@click.argument("course")
@click.option("--strict", is_flag=True, help="Exit 1 when any issue is found (notes never fail).")
@click.option("--notes", "show_notes", is_flag=True, help="List every note in the text output, not just their counts.")
@format_option()
@pass_graph
def check(kg: KnowledgeGraph, course: str, strict: bool, show_notes: bool, fmt: str) -> None:
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

    report = run(kg, course)
    emit("check", {**report, "show_notes": show_notes} if fmt == "text" else report, fmt)
    if strict and report["summary"]["issues"]:
        sys.exit(1)


# --------------------------------------------------------------------------- compare


@click.command(cls=Command)
@click.argument("courses", nargs=-1, required=True)
@_threshold
@format_option()
@pass_graph
def compare(kg: KnowledgeGraph, courses: tuple[str, ...], threshold: float, fmt: str) -> None:
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

    emit("compare", run(kg, list(courses), threshold), fmt)


# --------------------------------------------------------------------------- coverage


@click.command(cls=Command)
@format_option("text", "csv", "json", "svg", "png")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write to FILE (svg and png default to kg-coverage.svg / .png here).")
@pass_graph
def coverage(kg: KnowledgeGraph, fmt: str, output: Path | None) -> None:
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

    data = run(kg)
    if fmt in ("svg", "png"):
        body = coverage_picture(data, fmt)
        target = output or Path(f"kg-coverage.{fmt}")
        write_atomic(target, body)
        click.echo(f"wrote {target} ({len(data['topics'])} topics × {len(data['courses'])} courses)")
        return
    text = coverage_csv(data) if fmt == "csv" else render("coverage", data, fmt) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode())
        click.echo(f"wrote {output}", err=True)


# --------------------------------------------------------------------------- diff


@click.command(cls=Command)
@click.argument("old")
@click.argument("new")
@_threshold
@format_option()
@pass_graph
def diff(kg: KnowledgeGraph, old: str, new: str, threshold: float, fmt: str) -> None:
    """How a course changed from OLD to NEW: topics added, dropped and moved, and
    topics covered by more or fewer lectures.

    \b
    Example:
        kg diff mit-6.s898-fa22 mit-6.7960-fa25
    """
    from kg.analytics import diff as run

    emit("diff", run(kg, old, new, threshold), fmt)


# --------------------------------------------------------------------------- evidence


@click.command(cls=Command)
@click.argument("topics", nargs=-1, metavar="[TOPIC PREREQUISITE]")
@click.option("-n", "--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Without topics: at most this many edges (0: all).")
@format_option()
@pass_graph
def evidence(kg: KnowledgeGraph, topics: tuple[str, ...], limit: int, fmt: str) -> None:
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
    if topics:
        emit("evidence", one(kg, topics[0], topics[1]), fmt)
    else:
        emit("evidence-table", evidence_table(kg, limit or None), fmt)


# --------------------------------------------------------------------------- suggest


@click.command(cls=Command)
@click.option("--min-courses", type=click.IntRange(min=1), default=3, show_default=True,
              help="At least this many courses must teach the prerequisite first.")
@click.option("--min-agreement", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="And at least this share of the courses that cover both (1: all of them).")
@click.option("-n", "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="At most this many (0: all).")
@format_option()
@pass_graph
def suggest(kg: KnowledgeGraph, min_courses: int, min_agreement: float, limit: int, fmt: str) -> None:
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

    emit("suggest", run(kg, min_courses, limit or None, min_agreement), fmt)