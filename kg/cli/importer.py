"""``kg import``: a draft course file from a syllabus page.

Kept apart from :mod:`kg.cli`, which loads this module only when ``kg import`` runs
(its group's lazy command table).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from kg.errors import KGError, UsageError

__all__ = ["import_cmd", "LONG_PAGE_ROWS"]

LONG_PAGE_ROWS = 30
"""Pages with at least this many schedule rows get a progress bar (on a terminal only)."""


def _open_graph(obj: Any) -> Any:
    # ctx.obj is kg.cli.State when run under the `kg` group; alone (tests, embedding)
    # the command opens the default graph itself.
    if obj is not None and hasattr(obj, "kg"):
        return obj.kg
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.open()


def want_progress(stream: IO[str], rows: int) -> bool:
    """A bar only for long pages, and only when a person is watching ``stream``."""
    isatty = getattr(stream, "isatty", None)
    return rows >= LONG_PAGE_ROWS and callable(isatty) and bool(isatty())


@contextmanager
def _progress(label: str, total: int, show: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("importing {task.description}"), BarColumn(), MofNCompleteColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, _total: bar.update(task, completed=done)


def _write(path: Path, text: str, force: bool) -> None:
    """Write ``text`` to ``path``: all or nothing, and never over a file unless ``force``."""
    data = text.encode("utf-8")
    parent = path.resolve().parent
    if not parent.is_dir():
        raise KGError(f"cannot write {str(path)!r}: directory {str(parent)!r} does not exist")
    try:
        if not force:
            with open(path, "xb") as f:  # fails if the file appeared meanwhile
                f.write(data)
            return
        import tempfile  # here, not at load time: every kg command imports this module

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except FileExistsError:
        raise UsageError(f"{str(path)!r} exists; add --force to overwrite it") from None
    except OSError as exc:
        raise KGError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None


@click.command("import")
@click.argument("page", metavar="PAGE")
@click.option("--course-id", required=True, metavar="ID", help="Id of the new course, e.g. cmu-10-707-s26.")
@click.option("--term", metavar="TERM", help='The term, e.g. "Fall 2025" (default: from the page). Gives the dates their year.')
@click.option("--year", type=click.IntRange(1900, 2200), help="The year of the page's dates (default: from --term or the page).")
@click.option("--name", metavar="TEXT", help="The course's own title (default: from the page).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
              help="Topics linked with at least this confidence go into `covers`.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the draft to FILE instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"], case_sensitive=False), default="yaml",
              show_default=True, help="yaml: the draft course file; json: the draft as data, with every link.")
@click.pass_obj
def import_cmd(
    obj: Any, page: str, course_id: str, term: str | None, year: int | None, name: str | None,
    threshold: float, output: Path | None, force: bool, fmt: str,
) -> None:
    """Draft a course file from a syllabus PAGE (HTML, a text capture, or Markdown).

    Reads the schedule (lectures in order, with dates, speakers, readings and textbook
    chapters; holidays, exams, deadlines and other calendar rows as events; problem sets
    and homework as assignments) and proposes each lecture's topics by linking its title
    and details to the vocabulary. Confidences, weaker links and terms that match no
    topic are written as YAML comments for the curator. PAGE "-" reads stdin.

    \b
    Example:
        kg import syllabus.html --course-id cs182-fa25 -o data/courses/cs182-fa25.yaml
        kg import schedule.txt --course-id mit-6.7960-fa25 --term "Fall 2025"
        kg import syllabus.md --course-id dgm-101 --year 2025 --format json
    """
    try:
        from kg import importer as imp

        if output is not None and output.exists() and not force:
            raise UsageError(f"{str(output)!r} exists; add --force to overwrite it")
        source = "<stdin>" if page == "-" else page
        parsed = imp.parse_page(imp.read_page(page), source)
        vocab = imp.Vocabulary.from_graph(_open_graph(obj))
        show = want_progress(sys.stderr, len(parsed.rows))
        with _progress(Path(source).name, len(parsed.rows), show) as progress:
            draft = imp.build_draft(
                parsed, vocab, course_id=course_id, term=term, year=year, name=name,
                threshold=threshold, progress=progress,
            )
        if fmt.lower() == "json":
            import json

            text = json.dumps(draft.to_dict(), indent=2, ensure_ascii=False) + "\n"
        else:
            text = imp.render_yaml(draft)
        if output is not None:
            _write(output, text, force)
    except KGError as exc:
        raise click.ClickException(str(exc)) from None
    if output is None:
        click.echo(text, nl=False)
    for note in draft.notes:
        click.echo(f"note: {note}", err=True)
    if draft.name is None:
        click.echo("note: no course name on the page: the draft uses the id (give --name)", err=True)
    if output is not None:
        covers = sum(len(lec.covers(threshold)) for lec in draft.lectures)
        click.echo(
            f"wrote {output}: {len(draft.lectures)} lectures, {len(draft.events)} events, "
            f"{len(draft.assignments)} assignments; {covers} topic links, "
            f"{len(draft.candidates)} candidate new topics ({draft.layout})",
            err=True,
        )
