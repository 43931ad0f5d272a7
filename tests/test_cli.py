"""The CLI on a small data directory: each command in text and json, errors on stderr."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from kg.cli import cli

from .conftest import kg_process

KG = "https://w3id.org/coursekg/ontology#"


def test_show_topic_by_alias_any_case(run, mini, cache):
    result = run("show", "BackProp", data=mini)
    assert result.exit_code == 0, result.output
    assert "Backpropagation  (backpropagation)" in result.stdout
    assert "Chain rule (chain-rule)" in result.stdout
    assert "Backprop applies the chain rule node by node." in result.stdout
    assert "c1 #2 2025-09-03  Backprop" in result.stdout
    assert "Notes on backprop [notes] (optional)" in result.stdout


def test_show_topic_json(run, mini, cache):
    data = json.loads(run("show", "chain rule", "--format", "json", data=mini).stdout)
    assert data["id"] == "chain-rule"
    assert data["requires"] == [{"id": "calculus", "label": "Calculus", "reason": "It is a rule of calculus."}]
    assert [d["id"] for d in data["required_by"]] == ["backpropagation"]
    assert data["lectures"][0]["course"] == "c1" and data["lectures"][0]["position"] == 2


def test_show_unknown_suggests(run, mini, cache):
    result = run("show", "backprob", data=mini)
    assert result.exit_code == 1
    assert "unknown topic or course 'backprob'" in result.stderr
    assert "did you mean" in result.stderr and "backprop" in result.stderr


def test_show_course_and_lecture(run, mini, cache):
    course = json.loads(run("show", "c1", "--format", "json", data=mini).stdout)
    assert [lec["title"] for lec in course["lectures"]] == ["Intro", "Backprop"]
    assert course["lectures"][0]["speakers"] == ["Ann Lee"]
    assert course["events"] == [{"kind": "holiday", "date": "2025-09-08", "week": None, "title": "No class"}]
    lec = json.loads(run("show", "c1/lecture/2", "--format", "json", data=mini).stdout)
    assert lec["title"] == "Backprop"
    assert lec["readings"][0]["optional"] is True
    assert {t["id"] for t in lec["covers"]} == {"backpropagation", "chain-rule"}
    text = run("show", "c1/2", data=mini).stdout
    assert "Backprop  (c1/lecture/2)" in text


def test_show_missing_lecture(run, mini, cache):
    result = run("show", "c1/lecture/9", data=mini)
    assert result.exit_code == 1
    assert "unknown lecture 'c1/lecture/9'" in result.stderr


def test_search(run, mini, cache):
    hits = json.loads(run("search", "backprop", "--format", "json", data=mini).stdout)
    assert hits[0]["id"] == "backpropagation"
    text = run("search", "composition", data=mini).stdout  # a word of a definition
    assert "chain-rule" in text
    assert run("search", "zzzzqqq", data=mini).stdout.strip() == "No topics match."


def test_courses_and_topics(run, mini, cache):
    rows = json.loads(run("courses", "--format", "json", data=mini).stdout)
    assert rows == [
        {"id": "c1", "name": "Course One", "code": None, "term": "Fall 2025", "provider": None, "lectures": 2, "topics": 3}
    ]
    topics = json.loads(run("topics", "--format", "json", data=mini).stdout)
    by_id = {t["id"]: t for t in topics}
    assert by_id["chain-rule"]["requires"] == 1 and by_id["chain-rule"]["dependents"] == 1
    assert "calculus" in run("topics", data=mini).stdout
    only = json.loads(run("topics", "--course", "c1", "--format", "json", data=mini).stdout)
    assert len(only) == 3
    bad = run("topics", "--course", "c2", data=mini)
    assert bad.exit_code == 1 and "unknown course 'c2'" in bad.stderr


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_export_formats_parse(run, mini, cache, tmp_path, fmt, parser):
    out = tmp_path / f"g.{fmt}"
    result = run("export", "--format", fmt, "-o", str(out), data=mini)
    assert result.exit_code == 0, result.output
    g = Graph().parse(out, format=parser)
    from rdflib import URIRef

    assert (URIRef("https://w3id.org/coursekg/id/topic/backpropagation"), URIRef(KG + "requires"),
            URIRef("https://w3id.org/coursekg/id/topic/chain-rule")) in g
    stdout = run("export", "--format", fmt, data=mini).stdout_bytes
    assert len(Graph().parse(data=stdout, format=parser)) == len(g)


def test_export_to_missing_dir(run, mini, cache, tmp_path):
    result = run("export", "-o", str(tmp_path / "no" / "such" / "g.ttl"), data=mini)
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_build_and_validate(run, mini, cache):
    first = json.loads(run("build", "--format", "json", data=mini).stdout)
    assert first["rebuilt"] and first["topics"] == 3
    second = json.loads(run("build", "--format", "json", data=mini).stdout)
    assert not second["rebuilt"]
    result = run("validate", data=mini)
    assert result.exit_code == 0, result.output
    assert "valid:" in result.stdout


def test_validate_flags_redundant_edge(run, mini, cache):
    path = mini / "topics" / "t.yaml"
    path.write_text(path.read_text() + "      - topic: calculus\n        reason: Redundant on purpose.\n")
    result = run("validate", "--format", "json", data=mini)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert any("'backpropagation' requires 'calculus' directly" in v for v in report["violations"])


def test_validate_reports_shacl_violation(run, mini, cache):
    (mini / "extra.ttl").write_text(
        "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
        "<https://w3id.org/coursekg/id/course/c1/lecture/9> a kg:Lecture .\n"
    )
    result = run("validate", data=mini)
    assert result.exit_code == 1
    assert "c1/lecture/9" in result.stdout and "violation" in result.stdout


def test_validate_reports_cycle_from_turtle(run, mini, cache):
    (mini / "extra.ttl").write_text(
        "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
        "<https://w3id.org/coursekg/id/topic/calculus> kg:requires <https://w3id.org/coursekg/id/topic/backpropagation> .\n"
    )
    result = run("validate", "--no-shacl", data=mini)
    assert result.exit_code == 1
    assert "prerequisite cycle:" in result.stdout


def test_data_from_environment(mini, cache, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("KG_DATA", str(mini))
    result = CliRunner().invoke(cli, ["show", "backprop"])
    assert result.exit_code == 0 and "Backpropagation" in result.stdout


def test_bad_format_choice(run, mini, cache):
    result = run("courses", "--format", "yaml", data=mini)
    assert result.exit_code == 2 and "'yaml' is not one of" in result.stderr


def test_every_command_documented():
    import click

    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert {"path", "query", "serve", "viz", "import", "check", "suggest"} <= set(names)
    for name in names:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None and cmd.name == name, name
        assert cmd.help and "Example:" in cmd.help, f"kg {name} lacks a help text with an example"


def test_heavy_commands_load_lazily():
    import subprocess
    import sys

    code = "import sys, kg.cli; print(sorted(m for m in sys.modules if m in ('kg.cli.viz', 'kg.cli.importer', 'kg.cli.analytics')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_real_process(mini, cache):
    proc = kg_process("--data", str(mini), "show", "backprop", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "backpropagation"
