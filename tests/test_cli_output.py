"""The CLI's text views and shared kit: every view fits 80 columns, the formats the
README shows exist, errors are one line wherever a command runs."""

from __future__ import annotations

import json
import random
import re
import shlex
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.cli.output import MAX_WIDTH, fill, table, wrap_cell
from kg.queries import library, resolve
from kg.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]

# Every command that prints a text view, run on the shipped data. A command added to
# `kg` without a line here fails test_every_printing_command_is_measured.
TEXT_RUNS: list[tuple[str, ...]] = [
    ("build",),
    ("validate", "--no-shacl"),
    ("show", "backpropagation"),
    ("show", "transformers"),
    ("show", "mit-6.7960-fa25"),
    ("show", "berkeley-cs182-fa25"),
    ("show", "bu-deep-learning"),
    ("show", "mit-6.s898-fa22"),
    ("show", "bu-deep-learning/lecture/9"),
    ("show", "mit-6.7960-fa25/lecture/11"),
    ("search", "attention"),
    ("search", "low", "rank"),
    ("courses",),
    ("topics",),
    ("topics", "--course", "mit-6.7960-fa25"),
    ("path", "backprop", "transformers"),
    ("path", "-", "lora", "--known", "fine-tuning"),
    ("path", "-", "diffusion-models"),
    ("prereqs", "transformers"),
    ("prereqs", "transformers", "--depth", "1"),
    ("needed-for", "chain-rule"),
    ("next", "--known", "calculus", "--known", "probability"),
    ("order", "diffusion-models", "vae"),
    ("order", "--course", "mit-6.7960-fa25"),
    ("queries",),
    ("query", "SELECT ?t ?label ?def WHERE { ?t skos:prefLabel ?label ; skos:definition ?def } LIMIT 30"),
    ("check", "mit-6.7960-fa25"),
    ("check", "bu-deep-learning", "--notes"),
    ("compare", "mit-6.7960-fa25", "berkeley-cs182-fa25"),
    ("compare", "mit-6.s898-fa22", "mit-6.7960-fa25", "bu-deep-learning"),
    ("coverage",),
    ("diff", "mit-6.s898-fa22", "mit-6.7960-fa25"),
    ("evidence", "transformers", "attention"),
    ("evidence", "--limit", "0"),
    ("suggest", "--limit", "0"),
    ("known", "list"),
    *[("query", name) for name in library()],
]
NOT_TEXT = {"export", "serve", "push", "import", "viz", "publish"}  # bytes, a server, or files


@pytest.fixture(scope="module")
def wide() -> CliRunner:
    # A terminal wider than 80 columns: the views must still stop at 80.
    return CliRunner(env={"COLUMNS": "200"})


def long_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if len(line) > MAX_WIDTH]


@pytest.mark.parametrize("args", TEXT_RUNS, ids=lambda a: " ".join(a)[:60])
def test_text_fits_80_columns(wide: CliRunner, args: tuple[str, ...]) -> None:
    result = wide.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    assert long_lines(result.stdout) == []


def _help_cases() -> list[object]:
    return sorted(set(cli.list_commands(click.Context(cli))) | {""})


@pytest.mark.parametrize("name", _help_cases())
def test_help_fits_80_columns(wide: CliRunner, name: str) -> None:
    result = wide.invoke(cli, [*([name] if name else []), "--help"], catch_exceptions=False)
    assert result.exit_code == 0 and long_lines(result.stdout) == []


def test_every_printing_command_is_measured() -> None:
    names = set(cli.list_commands(click.Context(cli)))
    assert names - NOT_TEXT - {args[0] for args in TEXT_RUNS} == set()


# --------------------------------------------------------------------------- tables


class TestTable:
    def test_fits_and_keeps_list_items_whole(self) -> None:
        cell = "berkeley-cs182-fa25: 4; bu-deep-learning: 1; mit-6.7960-fa25: 2; mit-6.s898-fa22: 2"
        out = table(["topic", "label", "per_course"], [("kgid:topic/convolutional-neural-networks", "Convolutional neural networks", cell)], 60)
        assert long_lines(out) == [] and max(len(x) for x in out.splitlines()) <= 60
        for item in ("berkeley-cs182-fa25: 4;", "bu-deep-learning: 1;", "mit-6.7960-fa25: 2;", "mit-6.s898-fa22: 2"):
            assert any(item in line for line in out.splitlines()), item

    def test_words_stay_whole_when_they_can(self) -> None:
        out = table(["id", "name"], [("berkeley-cs182-fa25", "Deep Neural Networks and a very long course name indeed")], 40)
        assert "berkeley-cs182-fa25" in out
        assert all(w in out.split() for w in "Deep Neural Networks and a very long course name indeed".split())

    def test_a_word_longer_than_its_column_breaks_after_a_hyphen(self) -> None:
        assert wrap_cell("kgid:topic/convolutional-neural-networks", 24) == [
            "kgid:topic/", "convolutional-neural-", "networks"]
        assert all(len(x) <= 5 for x in wrap_cell("abcdefghijklmnop", 5))


def test_shared_topics_cells_wrap_between_items(run, dl_data) -> None:
    # the four deep learning courses share topics (all shipped courses together may not)
    text = run("query", "shared-topics", data=dl_data).stdout
    rows = json.loads(run("query", "shared-topics", "--format", "json", data=dl_data).stdout)["results"]["bindings"]
    assert rows and long_lines(text) == []
    lines = text.splitlines()
    for b in rows:
        for item in b["per_course"]["value"].split("; "):
            assert any(item in line for line in lines), item  # never split inside "course: n"
    assert f"({len(rows)} rows)" in text


# --------------------------------------------------------------------------- fixed behaviours


def test_prereqs_depth_1_prints_each_reason(run) -> None:
    data = json.loads(run("prereqs", "transformers", "--depth", "1", "--format", "json").stdout)
    text = " ".join(run("prereqs", "transformers", "--depth", "1").stdout.split())
    assert data["prerequisites"]
    for p in data["prerequisites"]:
        (edge,) = p["needed_for"]
        assert edge["reason"] and " ".join(edge["reason"].split()) in text, p["id"]
        assert f"[{p['id']}]" in text


def test_query_missing_file_names_it(run, tmp_path) -> None:
    for arg in ("/missing.rq", str(tmp_path / "nope.rq"), "sub/dir/q.sparql"):
        r = run("query", arg)
        assert r.exit_code == 1 and r.stdout == ""
        assert r.stderr.strip() == f"Error: query file {arg!r} does not exist"
    r = run("query", str(tmp_path))
    assert r.exit_code == 1 and "is a directory" in r.stderr


def test_query_params_need_a_shipped_query(run, tmp_path) -> None:
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?s ?p ?o }\n")
    for arg in (str(f), "ASK { ?s ?p ?o }"):
        r = run("query", arg, "-p", "topic=lora")
        assert r.exit_code == 1 and "apply to shipped queries only" in r.stderr
    r = run("query", "shared-topics", "-p", "topic")
    assert r.exit_code == 2 and "'topic' is not NAME=VALUE" in r.stderr


class TestResolve:
    def test_shipped_file_inline(self, tmp_path) -> None:
        text, origin = resolve("prerequisite-closure", {"topic": "lora"})
        assert origin == "shipped query 'prerequisite-closure'" and "/topic/lora>" in text
        f = tmp_path / "q.rq"
        f.write_text("ASK{}")
        assert resolve(str(f)) == ("ASK{}", str(f))
        assert resolve("ASK{}") == ("ASK{}", "inline")
        assert resolve("DESCRIBE <https://w3id.org/coursekg/id/topic/lora>")[1] == "inline"

    def test_errors(self) -> None:
        with pytest.raises(UsageError, match=r"query file '/no/such\.rq' does not exist"):
            resolve("/no/such.rq")
        with pytest.raises(UsageError, match="did you mean 'hub-topics'"):
            resolve("hub-topic")
        with pytest.raises(ValueError, match="must be a topic id"):
            resolve("prerequisite-closure", {"topic": "<x>"})


@pytest.mark.parametrize("cmd", ["path", "prereqs", "needed-for", "next", "order"])
def test_markdown_plan_views(run, cmd) -> None:
    args = {
        "path": ("path", "backprop", "transformers"),
        "prereqs": ("prereqs", "transformers", "--depth", "1"),
        "needed-for": ("needed-for", "chain-rule", "--depth", "1"),
        "next": ("next", "--known", "calculus"),
        "order": ("order", "lora"),
    }[cmd]
    md = run(*args, "--format", "markdown").stdout
    assert md.startswith("# ") and re.search(r"^(## \d+\. |\d+\. \*\*|- \*\*)", md, re.M), md[:200]
    if cmd == "prereqs":
        assert "needed for `transformers`: " in md


def readme_commands() -> list[list[str]]:
    out = []
    for line in (ROOT / "README.md").read_text().splitlines():
        line = line.split("  #", 1)[0].strip()
        if line.startswith("kg ") and "--format" in line:
            out.append(shlex.split(line)[1:])
    return out


@pytest.mark.parametrize("argv", readme_commands(), ids=lambda a: " ".join(a))
def test_readme_formats_exist(argv: list[str], tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the examples write kg.ttl, kg-coverage.svg here
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- the kit


def test_lazy_commands_alone_give_one_line_errors() -> None:
    # A command run on its own (tests, embedding) maps kg's errors like the group does.
    from kg.cli.analytics import check
    from kg.cli.viz import viz

    for cmd, argv in ((check, ["no-such-course"]), (viz, ["--focus", "no-such-topic"])):
        r = CliRunner().invoke(cmd, argv)
        assert r.exit_code == 1, r.output
        assert r.stderr.startswith("Error: unknown ") and len(r.stderr.strip().splitlines()) == 1


def test_known_file_and_known_merge(run, tmp_path) -> None:
    f = tmp_path / "known.txt"
    f.write_text("# what I know\ncalculus\n\nprobability  # and this\n")
    by_file = json.loads(run("next", "--known-file", str(f), "--format", "json").stdout)
    by_flag = json.loads(run("next", "-k", "calculus", "-k", "probability", "--format", "json").stdout)
    assert by_file == by_flag
    both = json.loads(run("next", "-k", "linear-algebra", "--known-file", str(f), "--format", "json").stdout)
    assert both != by_file
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"calculus\n\xff\n")
    r = run("next", "--known-file", str(bad))
    assert r.exit_code == 1 and "bad.txt:2: not valid UTF-8" in r.stderr


def test_threshold_default_is_the_library_default() -> None:
    # The CLI states the default (so `kg --help` need not import kg.analytics); this
    # ties it to the library's.
    import inspect

    from kg import analytics
    from kg.cli.analytics import compare, diff

    for cmd, fn in ((compare, analytics.compare), (diff, analytics.diff)):
        option = next(p for p in cmd.params if p.name == "threshold")
        assert option.default == inspect.signature(fn).parameters["threshold"].default


def test_fill_is_textwrap_fill():
    # fill skips textwrap for a line that fits; it must give what textwrap gives.
    rng = random.Random(13)
    alphabet = "ab -/\t\n\x0b\x0c\r\xa0é\u2003"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        indent = rng.choice(["", "  ", "    "])
        more = rng.choice([None, "", "   "])
        w = rng.randint(4, 16)
        expected = textwrap.fill(
            text, w, initial_indent=indent, subsequent_indent=indent if more is None else more, break_on_hyphens=False
        )
        assert fill(text, indent, more, w) == expected, (text, indent, more, w)
