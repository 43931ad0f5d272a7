"""`kg query` and `kg queries` through the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import kg_process, shipped_courses


def test_inline_select_table(run):
    result = run("query", "SELECT ?c WHERE { ?c a kg:Course } ORDER BY ?c")
    assert result.exit_code == 0, result.output
    n = len(shipped_courses())
    assert "kgcourse:berkeley-cs182-fa25" in result.stdout and f"({n} rows)" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_select_formats(run, fmt):
    out = run("query", "SELECT ?c WHERE { ?c a kg:Course } ORDER BY ?c", "--format", fmt).stdout
    n = len(shipped_courses())
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["c"] and len(rows) == n + 1
    elif fmt == "tsv":
        assert out.splitlines()[0] == "?c" and out.splitlines()[1].startswith("<https://w3id.org/coursekg/id/course/")
    elif fmt == "json":
        assert len(json.loads(out)["results"]["bindings"]) == n
    else:
        assert out.count("<result>") == n


def test_ask_and_construct(run):
    assert run("query", "ASK { ?t a kg:Topic }").stdout.strip() == "true"
    ttl = run("query", "CONSTRUCT { ?c a kg:Course } WHERE { ?c a kg:Course }").stdout
    assert "kg:Course" in ttl and "@prefix" in ttl
    nt = run("query", "DESCRIBE <https://w3id.org/coursekg/id/topic/lora>", "--format", "nt").stdout
    assert "<https://w3id.org/coursekg/id/topic/lora>" in nt
    bad = run("query", "ASK { ?t a kg:Topic }", "--format", "ttl")
    assert bad.exit_code == 2 and "does not fit a ASK query" in bad.stderr


def test_from_file_and_shipped(run, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# my query\nSELECT (COUNT(*) AS ?n) WHERE { ?l a kg:Lecture }\n")
    out = run("query", str(f), "--format", "csv").stdout
    assert out.split()[-1] == str(sum(len(c.lectures) for c in shipped_courses().values()))
    shipped = json.loads(run("query", "prerequisite-closure", "-p", "topic=lora", "--format", "json").stdout)
    ids = {b["prerequisite"]["value"].rsplit("/", 1)[-1] for b in shipped["results"]["bindings"]}
    assert "fine-tuning" in ids
    bad = run("query", "prerequisite-closure", "-p", "topic=<evil>")
    assert bad.exit_code == 2 and "topic" in bad.stderr


def test_errors_are_one_line(run):
    for args, needle in (
        (("SELECT * WHERE { ?s ?p }",), "invalid SPARQL: error at 1:"),
        (("INSERT DATA { <a:b> <a:c> <a:d> }",), "read-only"),
        (("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",), "SERVICE is not allowed"),
        (("shared-topic",), "did you mean 'shared-topics'"),
    ):
        result = run("query", *args)
        assert result.exit_code == 1, (args, result.output)
        assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_max_rows(run):
    result = run("query", "SELECT ?t WHERE { ?t a kg:Topic }", "--format", "csv", "--max-rows", "3")
    assert len(result.stdout.strip().splitlines()) == 4
    assert "stopped after 3 rows" in result.stderr


def test_queries_listing(run):
    listing = json.loads(run("queries", "--format", "json").stdout)
    assert len(listing) >= 12 and all(q["title"] and q["description"] for q in listing)
    assert "shared-topics" in run("queries").stdout


def test_query_as_process_pipes_bytes():
    proc = kg_process("query", "SELECT ?c WHERE { ?c a kg:Course }", "--format", "json")
    assert proc.returncode == 0 and len(json.loads(proc.stdout)["results"]["bindings"]) == len(shipped_courses())
