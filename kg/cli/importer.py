"""``kg import``: draft course files from syllabus pages.

Kept apart from :mod:`kg.cli`, which loads this module only when ``kg import`` runs
(its group's lazy command table). The work is :func:`kg.importer.pages.import_pages`;
this module parses the arguments and prints.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from kg.errors import KGError, UsageError

__all__ = ["import_cmd", "LONG_PAGE_ROWS", "want_progress", "one_line", "summary_table"]

LONG_PAGE_ROWS = 30
"""Runs of at least this many pages get a progress bar (on a terminal only)."""


def _open_graph(obj: Any) -> Any:
    # ctx.obj is kg.cli.State when run under the `kg` group; alone (tests, embedding)
    # the command opens the default graph itself.
    if obj is not None and hasattr(obj, "kg"):
        return obj.kg
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.open()


def want_progress(stream: IO[str], items: int, at_least: int = LONG_PAGE_ROWS) -> bool:
    """A bar only for long runs, and only when a person is watching ``stream``."""
    isatty = getattr(stream, "isatty", None)
    return items >= at_least and callable(isatty) and bool(isatty())


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("importing {task.description}"), BarColumn(), MofNCompleteColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("", total=total)
        yield lambda done, _total, page: bar.update(task, completed=done, description=Path(page).name[:30])


def one_line(text: str) -> str:
    """``text`` with its control characters written as escapes: a page's name may hold a
    line break or a terminal's escape sequence, and an error is one line that prints
    as it reads.

    >>> one_line("a\\nb\\x1b[31m.md: page is empty")
    'a\\\\nb\\\\x1b[31m.md: page is empty'
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def summary_table(results: list[Any]) -> str:
    """One line a page: lectures, events, assignments, topic links, where it went."""
    head = f"{'page':30} {'lect':>4} {'evts':>4} {'asgn':>4} {'links':>5}  result"
    lines = [head, "-" * len(head)]
    for r in results:
        name = one_line(Path(r.page).name)
        name = name if len(name) <= 30 else name[:29] + "…"
        if r.error:
            lines.append(f"{name:30} {'-':>4} {'-':>4} {'-':>4} {'-':>5}  failed (below)")
            continue
        d = r.draft
        links = sum(len(lec.covers(d.threshold)) for lec in d.lectures)
        where = one_line(r.output.name) if r.output else "stdout"
        lines.append(
            f"{name:30} {len(d.lectures):4d} {len(d.events):4d} {len(d.assignments):4d} {links:5d}  {where}"[:80]
        )
    ok = sum(1 for r in results if not r.error)
    lines.append(f"{ok} of {len(results)} pages drafted")
    lines.extend(f"error: {one_line(r.error)}" for r in results if r.error)
    return "\n".join(lines)


def _a_number(value: float) -> float:
    if value != value:  # NaN passes FloatRange (it compares false with both bounds)
        raise click.BadParameter("nan is not a number between 0 and 1")
    return value


@click.command("import")
@click.argument("pages", metavar="PAGE... | DIR", nargs=-1, required=True)
@click.option("--course-id", metavar="ID", help="Id of the new course, e.g. cmu-10-707-s26 (one page; "
              "with several, each id comes from its file name).")
@click.option("--term", metavar="TERM", help='The term, e.g. "Fall 2025" (default: from the page). Gives the dates their year.')
@click.option("--year", type=click.IntRange(1900, 2200), help="The year of the page's dates (default: from --term or the page).")
@click.option("--name", metavar="TEXT", help="The course's own title (default: from the page).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
              callback=lambda _ctx, _param, v: _a_number(v),
              help="Topics linked with at least this confidence go into `covers`.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the draft to FILE instead of stdout (one page).")
@click.option("-d", "--out-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write one draft per page to DIR/ID.yaml (several pages).")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"], case_sensitive=False), default="yaml",
              show_default=True, help="yaml: the draft course file; json: the draft as data, with every link.")
@click.pass_obj
def import_cmd(
    obj: Any, pages: tuple[str, ...], course_id: str | None, term: str | None, year: int | None,
    name: str | None, threshold: float, output: Path | None, out_dir: Path | None, force: bool, fmt: str,
) -> None:
    """Draft course files from syllabus PAGEs (HTML, Markdown, MDX, LaTeX, CSV/TSV,
    AsciiDoc, iCalendar, reStructuredText, Org, text captures, Jekyll/Hugo data files),
    or from every page in DIR.

    Reads the schedule (lectures in order, with dates, speakers, readings and textbook
    chapters; holidays, exams, deadlines and other calendar rows as events; problem sets
    and homework as assignments) and proposes each lecture's topics by linking its title
    and details to the vocabulary. Confidences, weaker links and terms that match no
    topic are written as YAML comments for the curator. Every draft is loaded with kg's
    own loader before it is written. PAGE "-" reads stdin.

    \b
    Example:
        kg import syllabus.html --course-id cs182-fa25 -o cs182-fa25.yaml
        kg import schedule.txt --course-id mit-6.7960-fa25 --term "Fall 2025"
        kg import pages/ --out-dir drafts/ --term "Fall 2025"
    """
    from kg.importer.pages import expand_pages, import_pages
    from kg.importer.vocab import Vocabulary

    try:
        paths = expand_pages(pages)
        many = len(paths) > 1 or any(p != "-" and Path(p).is_dir() for p in pages)
        if not many and course_id is None:
            raise click.UsageError("Missing option '--course-id' (the id of the new course).")
        if many and course_id is not None:
            raise UsageError("--course-id names one course: with several pages each id comes from its file name")
        if output is not None and out_dir is not None:
            raise UsageError("give --output FILE (one page) or --out-dir DIR (one draft per page), not both")
        if many and output is not None:
            given = f"{len(paths)} pages were given" if len(paths) > 1 else "a directory was given"
            raise UsageError(f"--output {str(output)!r} names one file, but {given}: use --out-dir DIR")
        if many and out_dir is None:
            raise UsageError("several pages need --out-dir DIR (one draft per page)")
        if out_dir is not None and not out_dir.is_dir():
            raise UsageError(f"--out-dir {str(out_dir)!r} is not a directory")
        graph = _open_graph(obj)
        vocab = Vocabulary.from_graph(graph)
        show = many and want_progress(sys.stderr, len(paths))
        with _progress(len(paths), show) as progress:
            results = import_pages(
                paths, vocab, course_ids=None if many else [course_id or ""], out_dir=out_dir,
                output=output, force=force, term=term, year=year, name=name, threshold=threshold,
                fmt=fmt, progress=progress,
            )
    except KGError as exc:
        raise click.ClickException(one_line(str(exc))) from None
    if many:
        click.echo(summary_table(results), err=True)
        if any(r.error for r in results):
            sys.exit(1)
        return
    r = results[0]
    if r.error:
        raise click.ClickException(one_line(r.error))
    draft = r.draft
    assert draft is not None and r.text is not None
    if output is None:
        click.echo(r.text, nl=False)
    for note in draft.notes:
        click.echo(f"note: {note}", err=True)
    if draft.name is None:
        click.echo("note: no course name on the page: the draft uses the id (give --name)", err=True)
    if output is not None:
        covers = sum(len(lec.covers(threshold)) for lec in draft.lectures)
        click.echo(
            f"wrote {one_line(str(output))}: {len(draft.lectures)} lectures, {len(draft.events)} events, "
            f"{len(draft.assignments)} assignments; {covers} topic links, "
            f"{len(draft.candidates)} candidate new topics ({draft.layout})",
            err=True,
        )
