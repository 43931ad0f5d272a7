"""The ``kg`` command: a thin face over the library.

Each command opens the graph, calls one library function and renders the result with
:mod:`kg.cli.output`. Library errors (:class:`kg.errors.KGError`) become one line on stderr
and exit status 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.errors import KGError

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Turns kg's errors, and click's usage errors, into one clean line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "kg"
            click.echo(f"Error: {exc.format_message()} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)

    # Commands with heavier modules are imported only when used, so that `kg path`
    # pays nothing for `kg viz`, `kg import` or the analytics.
    _lazy: dict[str, tuple[str, str]] = {
        "viz": ("kg.cli.viz", "viz"),
        "import": ("kg.cli.importer", "import_cmd"),
        **{name: ("kg.cli.analytics", name) for name in ("check", "compare", "coverage", "diff", "evidence", "suggest")},
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = self.commands.get(name)
        if cmd is None and name in self._lazy:
            import importlib

            module, attr = self._lazy[name]
            cmd = getattr(importlib.import_module(module), attr)
            assert isinstance(cmd, click.Command)
        return cmd

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # `kg export | head`
            sys.stderr.close()
            sys.exit(0)


class State:
    def __init__(self, data: Path | None, rebuild: bool = False) -> None:
        self.data = data
        self.rebuild = rebuild
        self.endpoint: str | None = None
        self._kg: Any = None

    @property
    def kg(self) -> Any:
        if self._kg is None:
            from kg.graph import KnowledgeGraph

            if self.endpoint:
                self._kg = KnowledgeGraph.remote(self.endpoint)
            else:
                self._kg = KnowledgeGraph.open(self.data, rebuild=self.rebuild)
        return self._kg


pass_state = click.make_pass_decorator(State)


def endpoint_option(fn: F) -> F:
    """``--endpoint URL``: answer from a remote SPARQL endpoint instead of the local graph."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value:
            ctx.ensure_object(State).endpoint = value

    return click.option(
        "--endpoint", metavar="URL", envvar="KG_ENDPOINT", expose_value=False, callback=remember,
        help="Query this SPARQL endpoint instead of the local graph (env KG_ENDPOINT).",
    )(fn)


def output_option(*formats: str) -> Callable[[F], F]:
    """``--format`` with ``text`` (for people) first and ``json`` (for programs)."""
    choices = formats or ("text", "json")

    def deco(fn: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(choices, case_sensitive=False),
            default=choices[0], show_default=True, help="Output format.",
        )(fn)

    return deco


def emit(kind: str, data: Any, fmt: str) -> None:
    from kg.cli.output import render

    click.echo(render(kind, data, fmt.lower()))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data", type=click.Path(path_type=Path), envvar="KG_DATA", default=None,
    help="Data directory to build the graph from (default: the shipped data; env KG_DATA).",
)
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, data: Path | None) -> None:
    """kg: a knowledge graph of courses, topics and prerequisites.

    What must I know before X, in what order, and where is it taught?

    \b
    Example:
        kg show backprop
        kg search attention
        kg query 'SELECT ?t WHERE { ?t a kg:Topic } LIMIT 5'
    """
    if data is not None and not data.is_dir():
        raise click.BadParameter(f"data directory {str(data)!r} does not exist", param_hint="--data")
    ctx.obj = State(data)


@cli.command()
@click.option("--force", is_flag=True, help="Rebuild even if the cached graph is up to date.")
@output_option()
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
@output_option()
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
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld"], case_sensitive=False), default="ttl", show_default=True, help="RDF serialisation.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
@endpoint_option
@pass_state
def export(state: State, fmt: str, output: Path | None) -> None:
    """Export the whole graph (ontology + data) as Turtle, N-Triples or JSON-LD.

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
@output_option()
@endpoint_option
@pass_state
def show(state: State, thing: str, fmt: str) -> None:
    """Show one topic, course or lecture in full.

    THING is a topic id, label or alias (any case), a course id or code, or a lecture
    as COURSE/lecture/N.

    \b
    Example:
        kg show backprop
        kg show mit-6.7960-fa25
        kg show mit-6.7960-fa25/lecture/2
    """
    kind, data = state.kg.show(thing)
    emit(kind, data, fmt)


@cli.command()
@click.argument("text", nargs=-1, required=True)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="At most this many results.")
@output_option()
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
@output_option()
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
@output_option()
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


def known_options(fn: F) -> F:
    """``--known TOPIC`` (repeatable) and ``--known-file F``, merged into ``known``."""

    fn = click.option(
        "--known-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="File of known topics, one per line ('#' starts a comment).",
    )(fn)
    return click.option(
        "--known", "-k", multiple=True, metavar="TOPIC", help="A topic you already know (repeatable)."
    )(fn)


def _known(known: tuple[str, ...], known_file: Path | None) -> list[str]:
    return [*known, *(_read_known_file(known_file) if known_file else [])]


def _read_known_file(path: Path) -> list[str]:
    """Topics from a file: one per line; blank lines and '#' comments are ignored."""
    from kg.build.yamlio import read_text

    names = []
    for line in read_text(path).splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


@cli.command()
@click.argument("from_", metavar="FROM")
@click.argument("to")
@known_options
@output_option("text", "json", "markdown")
@endpoint_option
@pass_state
def path(state: State, from_: str, to: str, known: tuple[str, ...], known_file: Path | None, fmt: str) -> None:
    """The learning plan to reach TO for someone who knows FROM.

    Lists the topics still needed, in an order that puts every prerequisite first (and
    otherwise follows the courses), each with why it is needed and where it is taught.
    Use "-" as FROM to start from scratch.

    \b
    Example:
        kg path backprop transformers
        kg path - lora --known fine-tuning --format markdown
    """
    from kg.plan import plan

    emit("path", plan(state.kg, None if from_ == "-" else from_, to, _known(known, known_file)), fmt)


@cli.command()
@click.argument("topic")
@click.option("--depth", type=click.IntRange(min=1), help="Only this many steps back (1 = direct).")
@output_option()
@endpoint_option
@pass_state
def prereqs(state: State, topic: str, depth: int | None, fmt: str) -> None:
    """The prerequisites of TOPIC, in a learning order.

    \b
    Example:
        kg prereqs transformers
        kg prereqs lora --depth 1 --format json
    """
    from kg.plan import prereqs as run

    emit("prereqs", run(state.kg, topic, depth), fmt)


@cli.command("needed-for")
@click.argument("topic")
@click.option("--depth", type=click.IntRange(min=1), help="Only this many steps ahead (1 = direct).")
@output_option()
@endpoint_option
@pass_state
def needed_for(state: State, topic: str, depth: int | None, fmt: str) -> None:
    """What TOPIC unlocks: every topic that requires it, nearest first.

    \b
    Example:
        kg needed-for chain-rule --depth 2
    """
    from kg.plan import needed_for as run

    emit("needed-for", run(state.kg, topic, depth), fmt)


@cli.command("next")
@known_options
@click.option("-n", "--limit", type=click.IntRange(min=1), default=20, show_default=True)
@output_option()
@endpoint_option
@pass_state
def next_(state: State, known: tuple[str, ...], known_file: Path | None, limit: int, fmt: str) -> None:
    """Topics you can learn next: all their prerequisites are known. Ranked by how
    many topics each one unlocks.

    \b
    Example:
        kg next --known linear-algebra --known calculus --known probability
    """
    from kg.plan import next_topics

    emit("next", next_topics(state.kg, _known(known, known_file), limit), fmt)


@cli.command()
@click.argument("topics", nargs=-1)
@click.option("--course", help="Order everything this course covers.")
@output_option()
@endpoint_option
@pass_state
def order(state: State, topics: tuple[str, ...], course: str | None, fmt: str) -> None:
    """A full learning order: of every topic, of TOPICS and all they require, or of a
    course's topics.

    \b
    Example:
        kg order diffusion-models vae
        kg order --course mit-6.7960-fa25 --format json
    """
    from kg.plan import order as run

    emit("order", run(state.kg, topics, course), fmt)


def _query_text(query: str, params: tuple[str, ...]) -> tuple[str, str]:
    """The SPARQL to run and where it came from: a file, a shipped query, or inline."""
    values: dict[str, str] = {}
    for p in params:
        key, sep, value = p.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{p!r} is not NAME=VALUE", param_hint="--param")
        values[key.strip()] = value.strip()
    path = Path(query)
    if "\n" not in query and len(query) < 4096 and path.is_file():
        from kg.build.yamlio import read_text

        if values:
            raise click.BadParameter("parameters apply to shipped queries only", param_hint="--param")
        return read_text(path), str(path)
    from kg.queries import get, library

    if query in library():
        try:
            return get(query).render(**values), f"shipped query {query!r}"
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--param") from None
    if values:
        raise click.BadParameter("parameters apply to shipped queries only", param_hint="--param")
    import re

    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", query.strip()):
        from kg.errors import UsageError
        from kg.build.sources import suggest

        hints = suggest(query, library())
        hint = f"did you mean {', '.join(repr(h) for h in hints)}? " if hints else ""
        raise UsageError(f"{query!r} is neither a file nor a shipped query; {hint}(`kg queries` lists them)")
    return query, "inline"


_QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")


@cli.command()
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of a shipped query (repeatable).")
@click.option("--format", "fmt", type=click.Choice(_QUERY_FORMATS, case_sensitive=False), default=None,
              help="table (default), csv, tsv, json or xml for SELECT/ASK; ttl (default), nt or jsonld for CONSTRUCT/DESCRIBE.")
@click.option("--max-rows", type=click.IntRange(min=1), default=None, help="Stop after this many rows.")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses call other endpoints (off: kg sends no requests).")
@endpoint_option
@pass_state
def query(state: State, query: str, params: tuple[str, ...], fmt: str | None, max_rows: int | None, allow_service: bool) -> None:
    """Run a SPARQL query: inline, from a file, or a shipped query by name.

    The contract prefixes (kg, kgid, schema, skos, dcterms, prov, rdf, rdfs, owl, xsd)
    are predeclared. `kg queries` lists the shipped queries.

    \b
    Example:
        kg query 'SELECT ?t WHERE { ?t a kg:Topic } LIMIT 5'
        kg query shared-topics --format csv
        kg query prerequisite-closure -p topic=lora
        kg query my-query.rq --format json
    """
    from kg.sparql import GRAPH_FORMATS, RESULT_FORMATS, check_query

    text, _origin = _query_text(query, params)
    form = check_query(text, allow_service=allow_service)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    name = (fmt or ("ttl" if graph_form else "table")).lower()
    wire = "json" if name == "table" else name
    table = GRAPH_FORMATS if graph_form else RESULT_FORMATS
    if wire not in table:
        choices = ", ".join(["table", *RESULT_FORMATS] if not graph_form else GRAPH_FORMATS)
        raise click.BadParameter(f"{name!r} does not fit a {form} query (use {choices})", param_hint="--format")
    result = state.kg.execute(text, wire, max_rows=max_rows, allow_service=allow_service)
    body, truncated = result.body, result.truncated
    if name == "table":
        from kg.cli.output import query_table, width

        click.echo(query_table(body, width()))
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    if truncated:
        click.echo(f"kg: stopped after {max_rows} rows (--max-rows)", err=True)


@cli.command()
@output_option()
def queries(fmt: str) -> None:
    """List the shipped SPARQL queries (run one with `kg query NAME`).

    \b
    Example:
        kg queries
        kg query hub-topics
    """
    from kg.queries import library

    shipped = list(library().values())
    if fmt == "json":
        from kg.cli.output import to_json

        click.echo(to_json([
            {"name": q.name, "title": q.title, "description": q.description, "params": q.params}
            for q in shipped
        ]))
        return
    from kg.cli.output import table

    def title(q: Any) -> str:
        params = ", ".join(f"{k}={v}" for k, v in q.params.items())
        return str(q.title) + (f" (params: {params})" if params else "")

    click.echo(table(["name", "title"], [(q.name, title(q)) for q in shipped]))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds a query may run.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True, help="Rows a SELECT may return.")
@click.option("--max-request-bytes", type=click.IntRange(min=256), default=65536, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Query worker processes.")
@click.option("--get", "get_path", metavar="PATH", help="Answer one GET request in-process, print it and exit.")
@pass_state
def serve(state: State, host: str, port: int, timeout: float, max_rows: int, max_request_bytes: int, workers: int, get_path: str | None) -> None:
    """Serve a read-only SPARQL endpoint (/sparql) and the browser explorer (/).

    \b
    Example:
        kg serve --port 8000
        kg serve --get '/sparql?query=ASK%7B%7D'
    """
    from kg.web.app import Settings, create_app, run_server, serve_get

    app = create_app(state.kg, Settings(timeout=timeout, max_rows=max_rows, max_request_bytes=max_request_bytes, workers=workers))
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
    default graph), so the query commands can use it with --endpoint.

    \b
    Example:
        kg push --endpoint http://localhost:7878/store
        kg path backprop transformers --endpoint http://localhost:7878/query
    """
    from kg.backends import graph_store_put

    data = state.kg.serialize("nt")
    graph_store_put(url, data)
    click.echo(f"pushed {len(state.kg)} triples to {url}", err=True)


def main() -> None:
    rv = cli(prog_name="kg")
    # Non-standalone click returns the exit code of click.exceptions.Exit (--help: 0).
    sys.exit(rv if isinstance(rv, int) else 0)

