"""``kg viz``: write (and optionally open) an interactive graph page.

Kept apart from :mod:`kg.cli`, which loads this module only when ``kg viz`` runs (its
group's lazy command table); pyvis is imported inside the command.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from kg.cli.common import Command, State, pass_state
from kg.errors import KGError


@click.command(cls=Command)
@click.option("--focus", metavar="TOPIC", help="Draw TOPIC's neighbourhood: its prerequisites and dependents.")
@click.option("--depth", type=int, metavar="N", help="With --focus: how many steps each way (default 2).")
@click.option("--path", "path_", nargs=2, metavar="FROM TO", help='Draw the learning path from FROM to TO ("-" as FROM: from scratch).')
@click.option("--course", "courses", multiple=True, metavar="ID", help="Draw a course's lectures and topics (repeat to compare courses).")
@click.option("--layers", metavar="LIST", help="Also draw these, comma-separated: courses, lectures, chapters, readings.")
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="FILE", help="Write the page to FILE (default: kg-VIEW.html here).")
@click.option("--open", "open_", is_flag=True, help="Open the page in the web browser (written to a temp file unless -o).")
@pass_state
def viz(
    state: State, focus: str | None, depth: int | None, path_: tuple[str, str] | None, courses: tuple[str, ...],
    layers: str | None, output: Path | None, open_: bool,
) -> None:
    """Draw the graph as an interactive pyvis page that works offline.

    With no option, the whole topic graph. Node shape and colour show the kind (see the
    legend), size how many topics depend on a topic; hover for the definition and
    where it is taught, click to pin it. Prints where it wrote the page.

    \b
    Example:
        kg viz
        kg viz --layers courses,lectures -o topics.html
        kg viz --focus backprop --depth 1 --open
        kg viz --path backprop transformers
        kg viz --course mit-6.7960-fa25 --course berkeley-cs182-fa25
    """
    from kg import viz as V

    view = V.make_view(
        state.kg, focus=focus, depth=depth, path=path_ or None, courses=courses, layers=layers,
    )
    if output is not None:
        target = output
    elif open_:
        import tempfile  # here, not at load time: `kg --help` imports this module

        fd, name = tempfile.mkstemp(prefix=f"kg-{view.slug}-", suffix=".html")
        os.close(fd)
        target = Path(name)
    else:
        target = Path(view.default_filename)
        if target.exists() and not V.is_kg_page(target):
            raise KGError(f"{str(target)!r} exists and was not written by kg viz; choose another file with -o FILE")
    view.write(target)
    n, m = view.counts["nodes"], view.counts["edges"]
    click.echo(f"wrote {target} ({n} node{'s' if n != 1 else ''}, {m} edge{'s' if m != 1 else ''})")
    for note in view.notes:
        click.echo(f"note: {note}", err=True)
    if open_:
        import webbrowser

        if not webbrowser.open(target.resolve().as_uri()):
            click.echo(f"could not start a web browser; open {target} yourself", err=True)
