"""A second engine: push the graph to a real OpenLink Virtuoso (Debian's
`virtuoso-opensource`, started here on free ports with a fresh database) and get the
same answers, byte for byte, as from the embedded store and from Oxigraph."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import kg_process
from .test_server import free_port

VIRTUOSO = shutil.which("virtuoso-t")
GRAPH = "https://w3id.org/coursekg/id/graph"

# The commands whose output must not depend on the engine. Text and JSON, plans and
# listings, and topic resolution by alias (an ASK).
COMMANDS = [
    ("path", "backprop", "transformers"),
    ("path", "backprop", "transformers", "--format", "json"),
    ("path", "-", "lora", "--known", "fine-tuning", "--format", "markdown"),
    ("prereqs", "transformers"),
    ("needed-for", "chain-rule"),
    ("order", "--course", "mit-6.7960-fa25"),
    ("next", "--known", "calculus", "--known", "probability"),
    ("show", "backprop", "--format", "json"),
    ("show", "mit-6.7960-fa25"),
    ("show", "bu-deep-learning/lecture/9"),
    ("search", "low", "rank"),
]

INI = """\
[Database]
DatabaseFile = {d}/kg.db
ErrorLogFile = {d}/kg.log
LockFile = {d}/kg.lck
TransactionFile = {d}/kg.trx
xa_persistent_file = {d}/kg.pxa
[TempDatabase]
DatabaseFile = {d}/kg-temp.db
TransactionFile = {d}/kg-temp.trx
[Parameters]
ServerPort = {sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = {http}
ServerRoot = {d}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"virtuoso exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh Virtuoso with kg's graph pushed into a named graph; yields the query URL."""
    if VIRTUOSO is None:
        pytest.skip("virtuoso-t (Debian package virtuoso-opensource) is not installed")
    d = tmp_path_factory.mktemp("virtuoso")
    http = free_port()
    (d / "virtuoso.ini").write_text(INI.format(d=d, sql=free_port(), http=http))
    log = d / "stderr.txt"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(d / "virtuoso.ini")],
            cwd=d, stdout=subprocess.DEVNULL, stderr=err,
        )
    base = f"http://127.0.0.1:{http}"
    try:
        _wait(base + "/sparql?query=ASK%7B%7D", proc, log)
        # A fresh database's administrator is dba/dba; Virtuoso's Graph Store endpoint
        # for writes asks for HTTP Digest authentication.
        push = kg_process("push", "--endpoint", f"http://dba:dba@127.0.0.1:{http}/sparql-graph-crud-auth?graph={GRAPH}")
        assert push.returncode == 0, push.stderr
        assert "pushed" in push.stderr and "dba:***@" in push.stderr and "dba:dba" not in push.stderr
        yield f"{base}/sparql?default-graph-uri={GRAPH}"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_same_output_as_the_embedded_store(virtuoso, args):
    local = kg_process(*args)
    remote = kg_process(*args, "--endpoint", virtuoso)
    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_query_passes_the_engines_own_serialisation(virtuoso):
    # kg query --endpoint prints what the engine sent: the same rows, in Virtuoso's CSV
    # dialect (every field quoted).
    local = kg_process("query", "course-coverage", "--format", "csv")
    remote = kg_process("query", "course-coverage", "--format", "csv", "--endpoint", virtuoso)
    assert remote.returncode == 0, remote.stderr
    assert list(csv.reader(io.StringIO(remote.stdout))) == list(csv.reader(io.StringIO(local.stdout)))
    assert len(local.stdout.splitlines()) > 5


def test_inferred_types_are_pushed(virtuoso):
    proc = kg_process("query", "SELECT (COUNT(*) AS ?n) WHERE { ?t a skos:Concept }", "--format", "csv", "--endpoint", virtuoso)
    local = kg_process("query", "SELECT (COUNT(*) AS ?n) WHERE { ?t a kg:Topic }", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-1].strip('"') == local.stdout.split()[-1] != "0"


def test_unknown_topic_and_bad_query_are_one_line(virtuoso):
    unknown = kg_process("show", "no-such-topic-anywhere", "--endpoint", virtuoso)
    assert unknown.returncode == 1 and len(unknown.stderr.strip().splitlines()) == 1
    wrong = virtuoso.replace("/sparql?", "/no-such-service?")
    bad = kg_process("show", "backprop", "--endpoint", wrong)
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert "answered 404" in bad.stderr and "Traceback" not in bad.stderr


def test_wrong_password_is_one_line(virtuoso):
    base = virtuoso.split("/sparql")[0].replace("http://", "http://dba:wrong@")
    proc = kg_process("push", "--endpoint", f"{base}/sparql-graph-crud-auth?graph=urn:x")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "wrong" not in proc.stderr
