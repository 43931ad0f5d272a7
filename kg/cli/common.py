"""The kit every ``kg`` command is built from.

- :class:`Command` and :class:`Group`: the one place where kg's errors become one line on
  stderr (:func:`map_errors`), for a command run under ``kg`` or on its own.
- :class:`State`: the graph, opened once per run, from the data directory or from a
  remote endpoint (``--endpoint``); :data:`pass_state` and :data:`pass_graph` hand it to a
  command.
- The shared options: :func:`data_option`, :func:`endpoint_option`,
  :func:`format_option` (with the formats a command supports), :func:`known_options`
  and :func:`profile_option`.
- :func:`emit`: print a library result through :mod:`kg.cli.output`'s table of views.

This module imports click and nothing heavy: every command module, and so ``kg --help``,
loads it.
"""

from __future__ import annotations

import functools
import gc
import importlib
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

__all__ = [
    "Command",
    "Group",
    "State",
    "pass_state",
    "pass_graph",
    "map_errors",
    "data_option",
    "endpoint_option",
    "format_option",
    "known_options",
    "known_topics",
    "profile_option",
    "emit",
    "pause_collector",
    "freeze_for_exit",
]

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def map_errors() -> Iterator[None]:
    """kg's errors (:class:`kg.errors.KGError`) become click's one-line error, exit 1."""
    try:
        yield
    except KGError as exc:
        raise click.ClickException(str(exc)) from None


class Command(click.Command):
    """A kg command: a library error is one line, from its options' callbacks or its
    body, also when the command runs alone (tests, embedding) rather than under ``kg``."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with map_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with map_errors():
            return super().invoke(ctx)


_paused = False


def pause_collector() -> None:
    """Pause Python's cyclic garbage collector for this process's start-up.

    A kg command is a short process that imports many modules (networkx alone makes
    hundreds of thousands of objects) and then builds query rows and graphs, which are
    not garbage cycles: the collector's passes over them cost start-up time and free
    next to nothing (a plan of 11,000 steps peaks at the same memory without it). :class:`Group` restarts it once it knows the command,
    unless the command is one of its :attr:`Group.collector_free` (kg's own lookups).
    Objects made so far are moved out of the collector's sight first (``gc.freeze``).
    The process entry points (``kg``, ``python -m kg``) call this; embedding kg (or a
    test runner) keeps the collector as it is.
    """
    global _paused
    _paused = True
    gc.disable()


def freeze_for_exit() -> None:
    """Hide every object from the collector's last pass, if a lookup ran without it.

    The interpreter's exit runs one full collection even with the collector paused; after
    a lookup it walks every object the imports and the command made (for networkx's
    alone, about a fifth of the CPU time of a bare ``import click, networkx`` process)
    and finds no cycles, since lookups make none (see :func:`pause_collector`).
    ``gc.freeze`` moves them out of its sight; everything else about the exit
    (``atexit``, flushing, freeing by reference count) happens as usual. The process entry points call this on their way
    out; with the collector running (a command not in :attr:`Group.collector_free`, or
    an embedding) it does nothing.
    """
    if _paused:
        gc.freeze()


class Group(Command, click.Group):
    """The ``kg`` group: clean one-line errors, and command modules loaded when used.

    Commands listed in :attr:`lazy` live in modules that are imported only when the
    command runs: their libraries (pyvis, the importer, the analytics) cost ``kg path``
    nothing. ``kg --help`` lists them from :attr:`lazy_help`, the first sentence of
    each one's help (all that click's one-line summary reads), without importing them.
    """

    command_class = Command
    lazy: dict[str, tuple[str, str]] = {}
    lazy_help: dict[str, str] = {}
    collector_free: frozenset[str] = frozenset()

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
        except BrokenPipeError:  # `kg export | head`
            sys.stderr.close()
            sys.exit(0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        global _paused
        if _paused and name not in self.collector_free:  # see pause_collector
            _paused = False
            gc.freeze()
            gc.enable()
        return name, cmd, rest

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx.meta["kg.listing"] = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            del ctx.meta["kg.listing"]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = self.commands.get(name)
        if cmd is None and name in self.lazy:
            module, attr = self.lazy[name]
            summary = self.lazy_help.get(name)
            if ctx.meta.get("kg.listing") and summary is not None and module not in sys.modules:
                return click.Command(name, help=summary)  # only listed: its summary will do
            cmd = getattr(importlib.import_module(module), attr)
            assert isinstance(cmd, click.Command)
        return cmd


class State:
    """What the ``kg`` group's options set up for its commands: the graph, opened on
    first use and once per run, from ``data`` (default: the shipped data or
    ``$KG_DATA``) or, with ``endpoint``, from a remote SPARQL endpoint."""

    def __init__(self, data: Path | None = None, rebuild: bool = False, endpoint: str | None = None) -> None:
        self.data = data
        self.rebuild = rebuild
        self.endpoint = endpoint
        self._kg: KnowledgeGraph | None = None
        self._ahead: tuple[threading.Thread, list[KnowledgeGraph | None]] | None = None

    def open_ahead(self) -> None:
        """Start opening the graph's cached store in a thread, for a command that has
        slow imports to do first: RocksDB's open lets go of the interpreter, so the two
        overlap. :attr:`kg` takes the graph over; when the store is not fresh (or
        anything fails) it opens the graph the usual way, building and reporting."""
        if self._kg is not None or self._ahead is not None or self.endpoint or self.rebuild:
            return
        from kg.graph import KnowledgeGraph

        box: list[KnowledgeGraph | None] = []
        thread = threading.Thread(target=lambda: box.append(KnowledgeGraph.open_fresh(self.data)), daemon=True)
        thread.start()
        self._ahead = (thread, box)

    @property
    def kg(self) -> KnowledgeGraph:
        if self._ahead is not None:
            thread, box = self._ahead
            self._ahead = None
            thread.join()
            if box and box[0] is not None:
                self._kg = box[0]
        if self._kg is None:
            from kg.graph import KnowledgeGraph  # opening a graph is the command's work, not start-up's

            if self.endpoint:
                self._kg = KnowledgeGraph.remote(self.endpoint)
            else:
                self._kg = KnowledgeGraph.open(self.data, rebuild=self.rebuild)
        return self._kg


pass_state = click.make_pass_decorator(State, ensure=True)
"""Pass the run's :class:`State` (a default one when the command runs alone)."""


def pass_graph(fn: F) -> F:
    """Pass the run's graph (``State.kg``) as the command's first argument."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(click.get_current_context().ensure_object(State).kg, *args, **kwargs)

    return functools.update_wrapper(wrapper, fn)  # type: ignore[return-value]


# --------------------------------------------------------------------------- options


def data_option(fn: F) -> F:
    """``--data DIR``: build the graph from this data directory."""

    def remember(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise click.BadParameter(f"data directory {str(value)!r} does not exist", ctx, param)
        ctx.ensure_object(State).data = value
        return value

    return click.option(
        "--data", type=click.Path(path_type=Path), envvar="KG_DATA", default=None,
        expose_value=False, callback=remember,
        help="Data directory to build the graph from (default: the shipped data; env KG_DATA).",
    )(fn)


def endpoint_option(fn: F) -> F:
    """``--endpoint URL``: answer from a remote SPARQL endpoint instead of the local graph."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value:
            ctx.ensure_object(State).endpoint = value

    return click.option(
        "--endpoint", metavar="URL", envvar="KG_ENDPOINT", expose_value=False, callback=remember,
        help="Query this SPARQL endpoint instead of the local graph (env KG_ENDPOINT).",
    )(fn)


def format_option(*formats: str, default: str | None = "", help: str = "Output format.") -> Callable[[F], F]:
    """``--format`` (passed as ``fmt``, lower case) with the formats a command supports:
    ``text`` (for people) and ``json`` (for programs) unless given. The default is the
    first format, unless ``default`` says otherwise (``None``: no default)."""
    choices = formats or ("text", "json")
    first = choices[0] if default == "" else default

    def deco(fn: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(choices, case_sensitive=False),
            default=first, show_default=first is not None, help=help,
            callback=lambda ctx, param, value: value.lower() if value else value,
        )(fn)

    return deco


def known_options(fn: F) -> F:
    """``--known TOPIC`` (repeatable) and ``--known-file F``, given to the command
    merged as one list ``known`` (see :func:`known_topics`)."""

    def merge(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
        ctx.meta["kg.known_file"] = value

    def collect(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
        path = ctx.meta.get("kg.known_file")
        return known_topics(value, path)

    fn = click.option(
        "--known", "-k", "known", multiple=True, metavar="TOPIC", callback=collect,
        help="A topic you already know (repeatable).",
    )(fn)
    return click.option(
        "--known-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        expose_value=False, is_eager=True, callback=merge,
        help="File of known topics, one per line ('#' starts a comment).",
    )(fn)


def known_topics(known: tuple[str, ...] | list[str], known_file: Path | None = None) -> list[str]:
    """The topics named on the command line, then those of ``known_file``: one per
    line; blank lines and ``#`` comments are ignored."""
    names = list(known)
    if known_file is not None:
        from kg.build.yamlio import read_text  # reads with kg's one-line file errors

        for line in read_text(known_file).splitlines():
            name = line.split("#", 1)[0].strip()
            if name:
                names.append(name)
    return names


def profile_option(fn: F) -> F:
    """``--no-profile``; without it, the topics the profile knows (`kg known`) go in
    front of the command's ``known`` list. Goes under :func:`kg.cli.common.known_options`."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not kwargs.pop("no_profile"):
            from kg.profile import known_topics, load  # only when a command runs

            if load().known:  # the graph is opened only when there is something to check
                state = click.get_current_context().ensure_object(State)
                kwargs["known"] = list(dict.fromkeys([*known_topics(state.kg), *kwargs["known"]]))
        return fn(*args, **kwargs)

    option = click.option(
        "--no-profile", is_flag=True, help="Leave out the topics your profile says you know (`kg known`).",
    )
    return option(wrapper)  # type: ignore[return-value]


def emit(kind: str, data: Any, fmt: str) -> None:
    """Print ``data`` in format ``fmt`` with the view registered for ``kind``."""
    from kg.cli.output import render  # the views load when a command prints, not for --help

    click.echo(render(kind, data, fmt))


def emit_chunks(chunks: Iterable[str]) -> None:
    """Print one text given in pieces (a view's, see :func:`kg.cli.output.path_chunks`)
    as they come, a few dozen KB at a time: what :func:`emit` prints for the whole."""
    buf: list[str] = []
    size = 0
    for chunk in chunks:
        buf.append(chunk)
        size += len(chunk)
        if size >= 1 << 16:
            click.echo("".join(buf), nl=False)
            buf, size = [], 0
    click.echo("".join(buf))
