"""The ``kg`` command: a thin face over the library.

Each command parses its arguments, calls one library function and prints the result
with :mod:`kg.cli.output`. The shared kit (the group, the graph state, shared options,
the one mapping of kg's errors to a one-line message) is :mod:`kg.cli.common`.

The viz, import and analytics commands live in their own modules, imported only when
one of them runs (:attr:`kg.cli.common.Group.lazy`), so that ``kg path`` and ``kg show``
pay nothing for pyvis, the importer or the analytics. For the same reason each command
imports the library module it calls inside its body: ``kg show`` does not load networkx,
``kg path`` not the SPARQL result writers.

A new command: a function here (or, if it needs a heavy library, in a module named in
the group's lazy table) that parses its arguments, calls one library function and
passes the result to :func:`kg.cli.common.emit` with a kind; its text view (and markdown
view, if any) is a function registered under that kind in :mod:`kg.cli.output`, and a
line in ``tests/test_cli_output.py`` checks that it fits 80 columns.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.cli.common import (
    Group,
    State,
    data_option,
    emit,
    emit_chunks,
    endpoint_option,
    format_option,
    freeze_for_exit,
    known_options,
    pass_state,
    pause_collector,
    profile_option,
)
from kg.errors import KGError

__all__ = ["cli", "main", "State"]

F = TypeVar("F", bound=Callable[..., Any])


class _Kg(Group):
    # kg's own lookups: short, and their allocations (query rows, graphs) make no
    # garbage cycles, so they run without the cyclic collector (see pause_collector);
    # so does viz, whose views pause it anyway (kg.viz.views).
    collector_free = frozenset(
        {"path", "prereqs", "needed-for", "next", "order", "show", "search", "courses", "topics", "queries", "export", "viz"}
    )
    lazy = {
        "viz": ("kg.cli.viz", "viz"),
        "import": ("kg.cli.importer", "import_cmd"),
        "known": ("kg.cli.learner", "known"),
        "publish": ("kg.cli.learner", "publish"),
        **{name: ("kg.cli.analytics", name) for name in ("check", "compare", "coverage", "diff", "evidence", "suggest")},
    }
    # The first sentence of each lazy command's help: its line in `kg --help` (a test
    # checks they match).
    lazy_help = {
        "viz": "Draw the graph as an interactive pyvis page that works offline.",
        "import": "Draft course files from syllabus PAGEs (HTML, Markdown, MDX, LaTeX, CSV/TSV, AsciiDoc, iCalendar, reStructuredText, Org, text captures, Jekyll/Hugo data files), or from every page in DIR.",
        "known": "Your profile: the topics you know, used by `kg path`, `kg next` and `kg order` (unless --no-profile).",
        "publish": "Write the learner's app and the dumps into DIRECTORY: a static site that works offline, from file:// or any static host.",
        "check": "Lint a syllabus: topics a lecture covers before the course has covered their prerequisites.",
        "compare": "Compare two or more courses: shared and unique topics, how well they agree on the order of the shared ones (Kendall's tau-b: 1 same order, -1 reversed), and the shared topics they teach at very different points of the course.",
        "coverage": "The topics × courses matrix: how many lectures of each course cover each topic.",
        "diff": "How a course changed from OLD to NEW: topics added, dropped and moved, and topics covered by more or fewer lectures.",
        "evidence": "The courses' evidence for a prerequisite edge: in how many courses the prerequisite is first taught before, in the same lecture as, or after the topic, and how many teach only one of the two; with each course's lectures.",
        "suggest": "Prerequisite edges the courses' orders imply but the vocabulary lacks, for a curator to accept or reject.",
    }


@click.group(cls=_Kg, context_settings={"help_option_names": ["-h", "--help"]})
@data_option
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """kg: a knowledge graph of courses, topics and prerequisites.

    What must I know before X, in what order, and where is it taught?

    \b
    Example:
        kg show backprop
        kg search attention
        kg query 'SELECT ?t WHERE { ?t a kg:Topic } LIMIT 5'
    """


@cli.command()
@click.option("--force", is_flag=True, help="Rebuild even if the cached graph is up to date.")
@format_option()
@pass_state
def build(state: State, force: bool, fmt: str) -> None:
    """Build (or refresh) the cached graph from the data directory.

    \b
    Example:
        kg build
        kg --data ./my-data build --force
    """
    state.rebuild = force
    kg = state.kg
    m = kg.manifest
    emit(
        "build",
        {
            **{k: m.get(k) for k in ("topics", "courses", "lectures", "readings", "books", "chapters", "prerequisites", "triples", "turtle_files")},
            "data_dir": str(kg.data_dir),
            "store": str(kg.cache_path) if kg.cache_path else None,
            "rebuilt": kg.rebuilt,
        },
        fmt,
    )


@cli.command()
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL shapes (faster).")
@format_option()
@pass_state
def validate(state: State, no_shacl: bool, fmt: str) -> None:
    """Check the data: fields, references, SHACL shapes, acyclicity, redundant edges.

    Exits 1 on any violation.

    \b
    Example:
        kg validate
        kg --data ./my-data validate --format json
    """
    from kg.build.validate import validate as run

    report = run(state.data, shacl=not no_shacl)
    emit(
        "validate",
        {"valid": report.ok, "checks": report.checks, "violations": report.violations, "warnings": report.warnings, "counts": report.counts},
        fmt,
    )
    if not report.ok:
        sys.exit(1)


@cli.command()
# The names kg.backends.dump_format serialises (as the server's /dump.* does); listed
# here so that `kg --help` does not load pyoxigraph.
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "rdfxml"], case_sensitive=False), default="ttl", show_default=True, help="RDF serialisation.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
@endpoint_option
@pass_state
def export(state: State, fmt: str, output: Path | None) -> None:
    """Export the whole graph (ontology + data) as Turtle, N-Triples, JSON-LD or RDF/XML.

    \b
    Example:
        kg export --format nt -o kg.nt
    """
    data = state.kg.serialize(fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from kg.files import write_atomic

    write_atomic(output, data)
    click.echo(f"wrote {len(data)} bytes to {output}", err=True)


@cli.command()
@click.argument("thing")
@format_option()
@endpoint_option
@pass_state
def show(state: State, thing: str, fmt: str) -> None:
    """Show one topic, course or lecture in full.

    THING is a topic id, label or alias (any case), a course id or code, or a lecture
    as COURSE/lecture/N or as COURSE/LABEL with its page's own label (2a, 5.2).

    \b
    Example:
        kg show backprop
        kg show mit-6.7960-fa25
        kg show mit-6.7960-fa25/lecture/2
        kg show oxford-deepnlp-ht17/2a
    """
    kind, data = state.kg.show(thing)
    emit(kind, data, fmt)


@cli.command()
@click.argument("text", nargs=-1, required=True)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="At most this many results.")
@format_option()
@endpoint_option
@pass_state
def search(state: State, text: tuple[str, ...], limit: int, fmt: str) -> None:
    """Find topics by label, alias or words of their definition.

    \b
    Example:
        kg search attention
        kg search low rank --format json
    """
    emit("search", state.kg.search(" ".join(text), limit=limit), fmt)


@cli.command()
@format_option()
@endpoint_option
@pass_state
def courses(state: State, fmt: str) -> None:
    """List the courses with their lecture and topic counts.

    \b
    Example:
        kg courses --format json
    """
    emit("courses", state.kg.courses(), fmt)


@cli.command()
@click.option("--course", help="Only the topics this course covers.")
@format_option()
@endpoint_option
@pass_state
def topics(state: State, course: str | None, fmt: str) -> None:
    """List topics with how many prerequisites, dependents and lectures each has.

    \b
    Example:
        kg topics
        kg topics --course berkeley-cs182-fa25
    """
    emit("topics", state.kg.topics(course), fmt)


@cli.command()
@click.argument("from_", metavar="FROM")
@click.argument("to")
@known_options
@profile_option
@format_option("text", "json", "markdown")
@endpoint_option
@pass_state
def path(state: State, from_: str, to: str, known: list[str], fmt: str) -> None:
    """The learning plan to reach TO for someone who knows FROM.

    Lists the topics still needed, in an order that puts every prerequisite first (and
    otherwise follows the courses), each with why it is needed and where it is taught.
    Use "-" as FROM to start from scratch.

    \b
    Example:
        kg path backprop transformers
        kg path - lora --known fine-tuning --format markdown
    """
    state.open_ahead()  # the store opens while networkx imports
    from kg.cli.output import path_chunks  # the views load when a command prints
    from kg.plan import plan_stream

    # Each step printed as it is made; the text view shows no definitions.
    head, steps = plan_stream(state.kg, None if from_ == "-" else from_, to, known, definitions=fmt != "text")
    emit_chunks(path_chunks(head, steps, fmt))


def _depth_option(way: str) -> Callable[[F], F]:
    return click.option("--depth", type=click.IntRange(min=1), help=f"Only this many steps {way} (1 = direct).")


@cli.command()
@click.argument("topic")
@_depth_option("back")
@format_option("text", "json", "markdown")
@endpoint_option
@pass_state
def prereqs(state: State, topic: str, depth: int | None, fmt: str) -> None:
    """The prerequisites of TOPIC, in a learning order.

    \b
    Example:
        kg prereqs transformers
        kg prereqs lora --depth 1 --format json
    """
    state.open_ahead()
    from kg.plan import prereqs as run

    emit("prereqs", run(state.kg, topic, depth), fmt)


@cli.command("needed-for")
@click.argument("topic")
@_depth_option("ahead")
@format_option("text", "json", "markdown")
@endpoint_option
@pass_state
def needed_for(state: State, topic: str, depth: int | None, fmt: str) -> None:
    """What TOPIC unlocks: every topic that requires it, nearest first.

    \b
    Example:
        kg needed-for chain-rule --depth 2
    """
    state.open_ahead()
    from kg.plan import needed_for as run

    emit("needed-for", run(state.kg, topic, depth), fmt)


@cli.command("next")
@known_options
@profile_option
@click.option("-n", "--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option("text", "json", "markdown")
@endpoint_option
@pass_state
def next_(state: State, known: list[str], limit: int, fmt: str) -> None:
    """Topics you can learn next: all their prerequisites are known. Ranked by how
    many topics each one unlocks.

    \b
    Example:
        kg next --known linear-algebra --known calculus --known probability
    """
    state.open_ahead()
    from kg.plan import next_topics

    emit("next", next_topics(state.kg, known, limit), fmt)


@cli.command()
@click.argument("topics", nargs=-1)
@click.option("--course", help="Order everything this course covers.")
@known_options
@profile_option
@format_option("text", "json", "markdown")
@endpoint_option
@pass_state
def order(state: State, topics: tuple[str, ...], course: str | None, known: list[str], fmt: str) -> None:
    """A full learning order: of every topic, of TOPICS and all they require, or of a
    course's topics.

    \b
    Example:
        kg order diffusion-models vae
        kg order --course mit-6.7960-fa25 --format json
    """
    state.open_ahead()
    from kg.plan import order as run

    emit("order", run(state.kg, topics, course, known=known), fmt)


def _params(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in values:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{p!r} is not NAME=VALUE", ctx, param)
        out[key.strip()] = value.strip()
    return out


@cli.command()
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", callback=_params,
              help="A parameter of a shipped query (repeatable).")
@format_option("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld", default=None,
               help="table (default), csv, tsv, json or xml for SELECT/ASK; ttl (default), nt or jsonld for CONSTRUCT/DESCRIBE.")
@click.option("--max-rows", type=click.IntRange(min=1), default=None, help="Stop after this many rows.")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses call other endpoints (off: kg sends no requests).")
@endpoint_option
@pass_state
def query(state: State, query: str, params: dict[str, str], fmt: str | None, max_rows: int | None, allow_service: bool) -> None:
    """Run a SPARQL query: inline, from a file, or a shipped query by name.

    The contract prefixes (kg, kgid, schema, skos, dcterms, prov, rdf, rdfs, owl, xsd)
    and one per kind of resource (kgtopic, kgcourse, kgreading, kgbook, kgperson,
    kgorg, kgsource) are predeclared, so ids kg prints paste back as they are
    (kgtopic:backpropagation). `kg queries` lists the shipped queries.

    \b
    Example:
        kg query 'SELECT ?t WHERE { ?t a kg:Topic } LIMIT 5'
        kg query shared-topics --format csv
        kg query prerequisite-closure -p topic=lora
        kg query my-query.rq --format json
    """
    from kg.queries import resolve
    from kg.sparql import formats_for, query_form

    try:
        text, _origin = resolve(query, params)
    except ValueError as exc:  # a parameter the query lacks, or a value that is no id
        raise click.BadParameter(str(exc), param_hint="--param") from None
    # "table" is this command's view of the JSON results: the formats are the library's.
    form = query_form(text)
    choices = formats_for(form)
    table = fmt in (None, "table") and "json" in choices
    if not table and fmt is not None and fmt not in choices:
        names = ", ".join(["table", *choices] if "json" in choices else choices)
        raise click.BadParameter(f"{fmt!r} does not fit a {form} query (use {names})", param_hint="--format")
    result = state.kg.execute(text, "json" if table else fmt, max_rows=max_rows, allow_service=allow_service)
    if table:
        from kg.cli.output import sparql_table

        click.echo(sparql_table(result.body))
    else:
        sys.stdout.buffer.write(result.body)
        sys.stdout.flush()
    if result.truncated:
        click.echo(f"kg: stopped after {max_rows} rows (--max-rows)", err=True)


@cli.command()
@format_option()
def queries(fmt: str) -> None:
    """List the shipped SPARQL queries (run one with `kg query NAME`).

    \b
    Example:
        kg queries
        kg query hub-topics
    """
    from kg.queries import library

    emit("queries", [
        {"name": q.name, "title": q.title, "description": q.description, "params": q.params}
        for q in library().values()
    ], fmt)


def _process_count(ctx: click.Context, param: click.Parameter, value: str) -> int | str:
    """``--processes``: ``auto`` or a whole number from 1 to 64."""
    if value == "auto":
        return value
    if value.isdigit() and 1 <= int(value) <= 64:
        return int(value)
    raise click.BadParameter(f"{value!r} is not auto or a whole number from 1 to 64", ctx, param)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds a query may run.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True, help="Rows a SELECT may return.")
@click.option("--max-request-bytes", type=click.IntRange(min=256), default=65536, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True, help="Query worker processes (for all the --processes).")
@click.option("--processes", metavar="auto|N", default="auto", callback=_process_count, show_default=True, help="Server processes on the one port (1-64); auto: one per usable core, at most 8. They share the workers and the limits per client.")
@click.option("--per-client", type=click.IntRange(1, 64), default=2, show_default=True, help="Queries one client may run at once (more wait in the queue).")
@click.option("--queue-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds a query may wait for a worker (then 503).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN", help="An origin whose pages may query from a browser (repeatable; default: any).")
@click.option("--get", "get_path", metavar="PATH", help="Answer one GET request in-process, print it and exit.")
@pass_state
def serve(state: State, host: str, port: int, timeout: float, max_rows: int, max_request_bytes: int, workers: int, processes: int | str, per_client: int, queue_timeout: float, cors_origins: tuple[str, ...], get_path: str | None) -> None:
    """Serve a read-only SPARQL endpoint (/sparql) and the browser explorer (/).

    \b
    Example:
        kg serve --port 8000
        kg serve --processes 1   # one server process (default: one per core)
        kg serve --get '/sparql?query=ASK%7B%7D'
    """
    from kg.web.app import Settings, create_app, run_server, serve_get

    settings = Settings(
        timeout=timeout, max_rows=max_rows, max_request_bytes=max_request_bytes,
        workers=1 if get_path is not None else workers,  # one request needs one worker
        per_client=per_client, queue_timeout=queue_timeout, cors_origins=list(cors_origins) or None,
        processes=1 if get_path is not None else processes,
        inline=0.0 if get_path is not None else 0.001,  # one request: nothing to run again
    )
    app = create_app(state.kg, settings)
    if get_path is not None:
        status, ctype, body = serve_get(app, get_path)
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        if status >= 400:
            raise KGError(f"GET {get_path} answered {status}")
        return
    run_server(app, host, port, lambda m: click.echo(m, err=True))


@cli.command()
@click.option("--endpoint", "url", required=True, metavar="URL", help="Graph Store Protocol URL, e.g. http://localhost:7878/store")
@pass_state
def push(state: State, url: str) -> None:
    """Upload the whole graph to a SPARQL server (Graph Store Protocol PUT of the
    default graph, or of ?graph=IRI), so the query commands can use it with
    --endpoint. A user:password@ in the URL answers Basic or Digest authentication.

    \b
    Example:
        kg push --endpoint http://localhost:7878/store
        kg path backprop transformers --endpoint http://localhost:7878/query
    """
    from kg.backends import graph_store_put, public_url

    data = state.kg.serialize("nt")
    graph_store_put(url, data)
    click.echo(f"pushed {len(state.kg)} triples to {public_url(url)}", err=True)


def main() -> None:
    pause_collector()
    try:
        rv = cli(prog_name="kg")
    finally:
        freeze_for_exit()
    # Non-standalone click returns the exit code of click.exceptions.Exit (--help: 0).
    sys.exit(rv if isinstance(rv, int) else 0)

