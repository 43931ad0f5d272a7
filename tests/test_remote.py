"""Outgrowing one machine: push the graph to a real `oxigraph serve` process and run
the same commands against it with --endpoint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import kg_process
from .test_server import free_port, wait_for
from .test_virtuoso import COMMANDS

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


@pytest.fixture(scope="module")
def oxigraph() -> Iterator[str]:
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/query?query=ASK%7B%7D", proc)
        push = kg_process("push", "--endpoint", base + "/store")
        assert push.returncode == 0, push.stderr
        assert "pushed" in push.stderr
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def test_same_answers_remote_and_local(oxigraph):
    local = json.loads(kg_process("path", "backprop", "transformers", "--format", "json").stdout)
    remote = kg_process("path", "backprop", "transformers", "--format", "json", "--endpoint", oxigraph + "/query")
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == local


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_same_output_as_the_embedded_store(oxigraph, args):
    local = kg_process(*args)
    remote = kg_process(*args, "--endpoint", oxigraph + "/query")
    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_show_and_query_remote(oxigraph):
    show = kg_process("show", "backprop", "--format", "json", "--endpoint", oxigraph + "/query")
    assert show.returncode == 0, show.stderr
    assert json.loads(show.stdout)["id"] == "backpropagation"
    count = kg_process("query", "SELECT (COUNT(*) AS ?n) WHERE { ?t a kg:Topic }", "--format", "csv", "--endpoint", oxigraph + "/query")
    local = kg_process("query", "SELECT (COUNT(*) AS ?n) WHERE { ?t a kg:Topic }", "--format", "csv")
    assert count.returncode == 0, count.stderr
    assert count.stdout.split()[-1] == local.stdout.split()[-1]
    shipped = kg_process("query", "course-coverage", "--format", "json", "--endpoint", oxigraph + "/query")
    assert shipped.returncode == 0, shipped.stderr
    assert json.loads(shipped.stdout)["results"]["bindings"]


def test_query_views_same_remote_and_local(oxigraph):
    # KnowledgeGraph.execute: one call for both; the table, ASK and CONSTRUCT views agree.
    for args in (("shared-topics",), ("ASK { ?t a kg:Topic }",),
                 ("CONSTRUCT { ?c a kg:Course } WHERE { ?c a kg:Course }", "--format", "nt")):
        local = kg_process("query", *args)
        remote = kg_process("query", *args, "--endpoint", oxigraph + "/query")
        assert remote.returncode == 0, remote.stderr
        assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines()), args
    bad = kg_process("query", "ASK { ?t a kg:Topic }", "--format", "ttl", "--endpoint", oxigraph + "/query")
    assert bad.returncode == 2 and "does not fit a ASK query" in bad.stderr


def test_unreachable_endpoint_is_one_line():
    port = free_port()  # nothing listens here
    proc = kg_process("show", "backprop", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert proc.returncode == 1
    assert "cannot reach endpoint" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_endpoint_url():
    proc = kg_process("show", "backprop", "--endpoint", "ftp://example.org/sparql")
    assert proc.returncode == 1 and "not an http(s) URL" in proc.stderr
