"""No request leaves kg: every way we know to smuggle SERVICE or FROM past the query
check, sent to `kg serve` (GET, POST form, POST body, resource paths) and `kg query`,
with a loopback trap listener that records any connection. And the second wall: a query
worker that runs SERVICE *without* the check still cannot connect anywhere."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import QueryRefused
from kg.sparql import parse_query

from .test_server import get, post, running_server


class Trap:
    """A TCP listener on loopback that counts connections (any protocol)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.hits: list[tuple[str, int]] = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, addr = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.hits.append(addr)
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    t = Trap()
    yield t
    t.close()


def smuggles(url: str) -> dict[str, str]:
    """Queries that would send a request to ``url`` if the engine ran them as written."""
    host = url.removeprefix("http://")
    svc = f"SERVICE <{url}/s> {{ ?s ?p ?o }}"
    return {
        "plain": f"SELECT * WHERE {{ {svc} }}",
        "silent-lowercase": f"select * where {{ service silent <{url}/s> {{ ?s ?p ?o }} }}",
        "comment-cr": f"SELECT * WHERE {{ ?s ?p ?o # x\r{svc}\n }}",
        "comment-cr-only": f"SELECT * WHERE {{ # x\r{svc} }}",
        "comment-lf": f"SELECT * WHERE {{ ?s ?p ?o # x\n{svc}\n }}",
        "comment-crlf": f"SELECT * WHERE {{ ?s ?p ?o # x\r\n{svc}\r\n }}",
        "u-escape-keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{url}/s> {{ ?s ?p ?o }} }}",
        "u-escape-newline": f"SELECT * WHERE {{ ?s ?p ?o # x\\u000A{svc}\n }}",
        "u-escape-cr": f"SELECT * WHERE {{ ?s ?p ?o # x\\u000D{svc}\n }}",
        "U-escape-long": f"SELECT * WHERE {{ ?s ?p ?o # x\\U0000000D{svc}\n }}",
        "u-escape-in-iri": f"SELECT * WHERE {{ SERVICE <http://\\u0031{host[1:]}/s> {{ ?s ?p ?o }} }}",
        "u-escape-twice": f"SELECT * WHERE {{ \\u005Cu0053ERVICE <{url}/s> {{ ?s ?p ?o }} }}",
        "u-escape-quote": f'SELECT * WHERE {{ ?s ?p ?o FILTER("a\\u0022 # " != "b") {svc} }}',
        "subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ SELECT ?s WHERE {{ {svc} }} }} }} }} }}",
        "optional": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {svc} }} }}",
        "union": f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ {svc} }} }}",
        "minus": f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ {svc} }} }}",
        "exists": f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ {svc} }} }}",
        "not-exists": f"SELECT * WHERE {{ ?a ?b ?c FILTER NOT EXISTS {{ {svc} }} }}",
        "graph": f"SELECT * WHERE {{ GRAPH ?g {{ {svc} }} }}",
        "bind-exists": f"SELECT * WHERE {{ BIND(EXISTS {{ {svc} }} AS ?x) }}",
        "prefixed-name": f"PREFIX t: <{url}/> SELECT * WHERE {{ SERVICE t:s {{ ?s ?p ?o }} }}",
        "base-relative": f"BASE <{url}/> SELECT * WHERE {{ SERVICE <s> {{ ?s ?p ?o }} }}",
        "variable-endpoint": f"SELECT * WHERE {{ VALUES ?u {{ <{url}/s> }} SERVICE ?u {{ ?s ?p ?o }} }}",
        "ask": f"ASK {{ {svc} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {svc} }}",
        "describe": f"DESCRIBE ?s WHERE {{ {svc} }}",
        "from": f"SELECT * FROM <{url}/d.ttl> WHERE {{ ?s ?p ?o }}",
        "from-named": f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from-comment-cr": f"SELECT * # x\rFROM <{url}/d.ttl>\n WHERE {{ ?s ?p ?o }}",
        "load": f"LOAD <{url}/d.ttl>",
        "load-comment-cr": f"ASK {{}} # x\r; LOAD <{url}/d.ttl>\n",
    }


def _quiet(trap: Trap, before: int) -> None:
    time.sleep(0.3)  # let a request that slipped out arrive
    assert trap.hits[before:] == [], "a request left kg"


def test_policy_refuses_every_smuggle(trap):
    for name, query in smuggles(trap.url).items():
        with pytest.raises(QueryRefused):
            parse_query(query)
            pytest.fail(f"{name}: not refused")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("--timeout", "5") as base:
        yield base


@pytest.mark.parametrize("name", sorted(smuggles("http://127.0.0.1:1")))
def test_server_sends_nothing(server, trap, name):
    query = smuggles(trap.url)[name]
    before = len(trap.hits)
    answers = [
        get(server + "/sparql?" + urllib.parse.urlencode({"query": query})),
        post(server + "/sparql", urllib.parse.urlencode({"query": query}).encode(), "application/x-www-form-urlencoded"),
        post(server + "/sparql", query.encode(), "application/sparql-query"),
    ]
    for status, ctype, body in answers:
        assert status in (400, 403), (name, status, body)
        assert ctype.startswith("text/plain") and body.count(b"\n") == 1, (name, body)
    _quiet(trap, before)


def test_resource_paths_send_nothing(server, trap):
    before = len(trap.hits)
    injections = [
        f"> ?p ?o . SERVICE <{trap.url}/r> {{ ?s ?p ?o }} }} #",
        f"x> ?p ?o }} UNION {{ SERVICE <{trap.url}/r> {{ ?s ?p ?o }} }} #",
        f"x>\r SERVICE <{trap.url}/r> {{ ?s ?p ?o }} #",
        f"x\\u003E ?p ?o . SERVICE <{trap.url}/r> {{ ?s ?p ?o }} #",
    ]
    for path in injections:
        status, ctype, body = get(server + "/resource/topic/" + urllib.parse.quote(path, safe=""))
        assert status == 400 and ctype.startswith("text/html") and b"Traceback" not in body, (path, status)
    _quiet(trap, before)


def test_kg_query_sends_nothing(trap, run):
    before = len(trap.hits)
    for name, query in smuggles(trap.url).items():
        result = run("query", query)
        assert result.exit_code == 1, (name, result.output)
        assert len(result.stderr.strip().splitlines()) == 1, (name, result.stderr)
    _quiet(trap, before)


# ------------------------------------------------------------------ the second wall


def bypass(url: str) -> str:
    """Run in a query worker: SERVICE and a raw socket, with no query check at all."""
    import socket as sk

    from kg.sparql import CheckedQuery, execute
    from kg.web.workers import worker_store

    out = []
    unchecked = CheckedQuery(f"SELECT * WHERE {{ SERVICE <{url}/bypass> {{ ?s ?p ?o }} }}", "SELECT")
    try:
        execute(worker_store(), unchecked, "json")
        out.append("service ran")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        out.append(f"service failed: {type(exc).__name__}")
    host, port = url.removeprefix("http://").split(":")
    try:
        sk.create_connection((host, int(port)), timeout=2).close()
        out.append("socket connected")
    except OSError as exc:
        out.append(f"socket failed: {exc.errno}")
    return "; ".join(out)


def _pool_call(data: Path, fn, *args):  # type: ignore[no-untyped-def]
    from kg.graph import KnowledgeGraph
    from kg.web.workers import QueryPool

    kg = KnowledgeGraph.open(data)

    async def go():  # type: ignore[no-untyped-def]
        pool = QueryPool(kg.cache_path / "store" if kg.cache_path else None, kg.data_dir, size=1, timeout=20)
        await pool.start()
        try:
            return pool.walls, await pool.call("test", fn, *args)
        finally:
            await pool.stop()

    return asyncio.run(go())


def test_worker_cannot_reach_the_network_even_unchecked(trap, mini, cache):
    before = len(trap.hits)
    walls, outcome = _pool_call(mini, bypass, trap.url)
    assert walls, "no network wall could be set up on this system"
    assert "service failed" in outcome and "socket failed" in outcome, outcome
    _quiet(trap, before)


def test_the_trap_would_see_an_unwalled_process(trap, mini, cache):
    """The control: the same unchecked SERVICE in a plain process reaches the trap, so
    the test above can fail."""
    before = len(trap.hits)
    code = (
        "import sys, pyoxigraph as ox\n"
        "from kg.sparql import CheckedQuery, execute\n"
        f"q = CheckedQuery('SELECT * WHERE {{ SERVICE <{trap.url}/control> {{ ?s ?p ?o }} }}', 'SELECT')\n"
        "try:\n    execute(ox.Store(), q, 'json')\nexcept Exception:\n    pass\n"
    )
    subprocess.run([sys.executable, "-c", code], timeout=60, capture_output=True)
    deadline = time.time() + 5
    while time.time() < deadline and len(trap.hits) == before:
        time.sleep(0.05)
    assert len(trap.hits) > before, "the control request never reached the trap"


@pytest.mark.parametrize("wall", ["_seccomp", "_namespace"])
def test_each_wall_holds_alone(trap, wall):
    """Each wall on its own stops pyoxigraph's SERVICE client and a raw socket."""
    code = (
        "import socket, pyoxigraph as ox\n"
        "import kg.web.sandbox as sandbox\n"
        f"applied = sandbox.{wall}()\n"
        "print('applied' if applied else 'unavailable')\n"
        "try:\n"
        f"    list(ox.Store().query('SELECT * WHERE {{ SERVICE <{trap.url}/wall> {{ ?s ?p ?o }} }}'))\n"
        "    print('service ran')\n"
        "except Exception as e:\n    print('service failed')\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {trap.port}), timeout=2); print('socket connected')\n"
        "except OSError:\n    print('socket failed')\n"
    )
    before = len(trap.hits)
    out = subprocess.run([sys.executable, "-c", code], timeout=60, capture_output=True, text=True).stdout.split()
    if out[:1] == ["unavailable"]:
        pytest.skip(f"{wall} is not available here")
    assert out == ["applied", "service", "failed", "socket", "failed"], out
    _quiet(trap, before)

