"""Property-based fuzzing of the YAML loader, the source checks, the query policy and
the CLI: whatever the input, kg answers or refuses with a one-line KGError — never a
traceback.

The test run keeps it short (about a minute in all); for a long run set
``KG_FUZZ_EXAMPLES`` (e.g. ``KG_FUZZ_EXAMPLES=10000 pytest tests/test_fuzz.py``, or
``python bench/hostile_fuzz.py``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build.sources import load_sources
from kg.build.yamlio import load_yaml
from kg.cli import cli
from kg.errors import KGError, QueryRefused
from kg.queries import library
from kg.sparql import parse_query

from .conftest import MINI_COURSE, MINI_READINGS, MINI_TOPICS, write_data

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "0"))


def budget(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default, deadline=None, derandomize=not EXAMPLES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def _one_line(exc: BaseException) -> None:
    text = str(exc)
    assert "\n" not in text and "\r" not in text, text
    assert len(text) <= 400, text


# --------------------------------------------------------------------------- YAML

yaml_noise = st.text(
    alphabet=st.sampled_from(list("abc:-[]{}#&*!|>'\"%@`,?\t\n \x00\x07\x1b\x7f\u0085\u2028\ufeffé9.")),
    max_size=200,
)


@budget(300)
@given(text=yaml_noise)
def test_yaml_loader_never_crashes(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_yaml(path)
        except KGError as exc:
            _one_line(exc)


@budget(200)
@given(raw=st.binary(max_size=200))
def test_yaml_loader_bytes(raw):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(raw)
        try:
            load_yaml(path)
        except KGError as exc:
            _one_line(exc)


# --------------------------------------------------------------------------- sources

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["calculus", "chain-rule", "backpropagation", "2025-09-01", "notes-1", "x/1"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)

COURSE = yaml.safe_load(MINI_COURSE)
TOPICS = yaml.safe_load(MINI_TOPICS)


def _mutate(doc, path: list[object], value):  # type: ignore[no-untyped-def]
    """``doc`` with the node at ``path`` (followed as far as it goes) set to ``value``."""
    node = doc
    for key in path[:-1]:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            break
    last = path[-1] if path else None
    if isinstance(node, dict):
        node[last if isinstance(last, str) else "extra"] = value
    elif isinstance(node, list):
        node.append(value)
    return doc


course_keys = st.sampled_from(["id", "name", "term", "lectures", "events", 0, "title", "date", "number", "covers", "speakers", "guest", "readings", "kind", "reading", "optional", "week"])
topic_keys = st.sampled_from(["topics", 0, 1, 2, "id", "label", "requires", "topic", "reason", "broader", "aliases", "definition"])


@budget(150)
@given(which=st.sampled_from(["course", "topics"]), path=st.lists(course_keys | topic_keys, max_size=5), value=values)
def test_sources_never_crash(which, path, value):
    import copy

    with tempfile.TemporaryDirectory() as tmp:
        data = write_data(Path(tmp) / "data", MINI_TOPICS, MINI_COURSE, MINI_READINGS)
        doc = _mutate(copy.deepcopy(COURSE if which == "course" else TOPICS), path, value)
        target = data / ("courses/c1.yaml" if which == "course" else "topics/t.yaml")
        try:
            target.write_text(yaml.safe_dump(doc, allow_unicode=True))
        except (yaml.YAMLError, UnicodeEncodeError):
            return
        try:
            load_sources(data)
        except KGError as exc:
            _one_line(exc)


# --------------------------------------------------------------------------- SPARQL

sparql_words = st.sampled_from(
    ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "SERVICE", "FROM", "NAMED", "LOAD", "INSERT", "DATA",
     "{", "}", "(", ")", ".", ";", "?s", "?p", "?o", "<http://a/>", "kg:Topic", "#", "\n", "\r", "\\u0053",
     "\\u000A", "\"x\"", "'''", "OPTIONAL", "UNION", "MINUS", "FILTER", "EXISTS", "NOT", "GRAPH", "BIND", "AS",
     "VALUES", "SILENT", "PREFIX", "e:", "BASE", "LIMIT", "1", "*", "a", "COUNT"]
)


@budget(400)
@given(words=st.lists(sparql_words, max_size=25), sep=st.sampled_from([" ", "", "\n", "\r"]))
def test_query_policy_never_crashes(words, sep):
    text = sep.join(words)
    try:
        checked = parse_query(text)
    except QueryRefused as exc:
        _one_line(exc)
        return
    # What passed has no SERVICE/FROM at all, in any spelling the engine would run.
    assert checked.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    assert not checked.service


@budget(200)
@given(name=st.sampled_from(sorted(library())), pos=st.integers(0, 10_000), junk=st.text(max_size=6))
def test_query_policy_mutated_shipped(name, pos, junk):
    text = library()[name].render()
    pos %= len(text) + 1
    try:
        parse_query(text[:pos] + junk + text[pos:])
    except QueryRefused as exc:
        _one_line(exc)


# --------------------------------------------------------------------------- CLI

COMMANDS = ["show", "search", "path", "prereqs", "needed-for", "next", "order", "courses", "topics", "query", "queries"]
cli_tokens = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["backprop", "transformers", "calculus", "--format", "json", "csv", "ttl", "-p", "topic=lora",
                     "--max-rows", "0", "-1", "--depth", "--known", "--limit", "--course", "mit-6.7960-fa25", "--",
                     "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "ASK {}", "/etc/passwd", "/", ".", "--help"]),
)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@budget(120)
@given(command=st.sampled_from(COMMANDS), args=st.lists(cli_tokens, max_size=5))
def test_cli_never_crashes(runner, command, args):
    args = [a for a in args if a not in ("--endpoint", "--allow-service") and not a.startswith("--e")]
    result = runner.invoke(cli, [command, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"kg {command} {args!r} crashed") from result.exception
    assert result.exit_code in (0, 1, 2), (command, args, result.exit_code)
    if result.exit_code == 1:
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
        assert len(errors) == 1, (command, args, result.stderr)
