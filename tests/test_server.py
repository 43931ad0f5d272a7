"""`kg serve` as a real process, queried with SPARQLWrapper and plain HTTP."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import shipped_courses

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextlib.contextmanager
def running_server(*options: str) -> Iterator[str]:
    """`kg serve` as a real process on a free port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/void", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("--timeout", "2", "--max-rows", "50", "--max-request-bytes", "4096") as base:
        yield base


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def post(url: str, body: bytes, ctype: str, accept: str = "") -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype, **({"Accept": accept} if accept else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def q(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def test_sparqlwrapper_select_and_ask(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery("PREFIX kg: <https://w3id.org/coursekg/ontology#> SELECT ?c WHERE { ?c a kg:Course } ORDER BY ?c")
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]
    assert [r["c"]["value"].rsplit("/", 1)[-1] for r in rows] == sorted(shipped_courses())
    sw.setQuery("ASK { ?t a kg:Topic }")  # contract prefixes are predeclared
    assert sw.query().convert()["boolean"] is True
    sw.setMethod("POST")
    sw.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?t a kg:Topic }")
    assert int(sw.query().convert()["results"]["bindings"][0]["n"]["value"]) > 150


@pytest.mark.parametrize(
    "accept,ctype,check",
    [
        ("application/sparql-results+json", "application/sparql-results+json", lambda b: json.loads(b)["head"]["vars"] == ["t"]),
        ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: b"<sparql" in b),
        ("text/csv", "text/csv", lambda b: b.startswith(b"t\r\n")),
        ("text/tab-separated-values", "text/tab-separated-values", lambda b: b.startswith(b"?t\n")),
        ("text/html;q=0.9, text/csv;q=0.5", "text/csv", lambda b: b.startswith(b"t\r\n")),
    ],
)
def test_select_negotiation(server, accept, ctype, check):
    status, got, body = get(server + q("SELECT ?t WHERE { ?t a kg:Topic } LIMIT 3"), {"Accept": accept})
    assert status == 200 and got.startswith(ctype) and check(body)


@pytest.mark.parametrize("accept,ctype", [("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"), ("application/ld+json", "application/ld+json")])
def test_construct_negotiation(server, accept, ctype):
    from rdflib import Graph

    status, got, body = get(server + q("CONSTRUCT { ?t a kg:Topic } WHERE { ?t a kg:Topic } LIMIT 4"), {"Accept": accept})
    assert status == 200 and got.startswith(ctype)
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}[ctype]
    assert len(Graph().parse(data=body, format=fmt)) == 4


def test_post_forms(server):
    status, _, body = post(server + "/sparql", b"query=" + urllib.parse.quote(b"ASK { ?t a kg:Topic }").encode(), "application/x-www-form-urlencoded")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = post(server + "/sparql", b"ASK { ?t a kg:Topic }", "application/sparql-query")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_bad_syntax_is_400_with_position(server):
    status, _, body = get(server + q("SELECT * WHERE { ?s ?p }"))
    assert status == 400 and b"1:" in body and b"invalid SPARQL" in body


def test_updates_refused(server):
    assert post(server + "/sparql", b"INSERT DATA { <a:a> <a:b> <a:c> }", "application/sparql-update")[0] == 403
    assert post(server + "/sparql", b"update=DROP+ALL", "application/x-www-form-urlencoded")[0] == 403
    assert get(server + q("DELETE WHERE { ?s ?p ?o }"))[0] == 403
    assert get(server + q("ASK { ?t a kg:Topic }"))[0] == 200


def test_no_outbound_requests(server):
    hits: list[str] = []

    class Trap(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    trap = http.server.HTTPServer(("127.0.0.1", 0), Trap)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{trap.server_port}"
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
            f"select * where {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        ):
            status, _, body = get(server + q(query))
            assert status == 400, (query, body)
        time.sleep(0.5)
        assert hits == [], "the server made an outbound request"
    finally:
        trap.shutdown()


def test_timeout_does_not_block_others(server):
    slow = q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    results: dict[str, int] = {}

    def run_slow() -> None:
        results["slow"] = get(server + slow)[0]

    t = threading.Thread(target=run_slow)
    t.start()
    time.sleep(0.3)
    start = time.time()
    status, _, _ = get(server + q("ASK { ?t a kg:Topic }"))
    assert status == 200 and time.time() - start < 1.5, "a fast query waited for the slow one"
    t.join(30)
    assert results["slow"] == 503
    assert get(server + q("ASK { ?t a kg:Topic }"))[0] == 200  # the killed worker was replaced


def test_row_cap_and_request_cap(server):
    status, _, body = get(server + q("SELECT ?s WHERE { ?s ?p ?o }"))
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000
    assert post(server + "/sparql", big.encode(), "application/sparql-query")[0] == 413


def test_not_acceptable(server):
    assert get(server + q("ASK {}"), {"Accept": "image/png"})[0] == 406


def test_pages_dumps_void(server):
    import re as _re

    for page in ("/", "/explorer"):
        status, ctype, body = get(server + page)
        assert status == 200 and "text/html" in ctype
        # Nothing is loaded from elsewhere: no script, style, image or frame source off
        # the server (links to a reading's page, which the data holds, are fine).
        assert not _re.search(rb"<(script|link|img|iframe)\b[^>]*\b(src|href)=[\"']?(https?:)?//", body), page
        assert b"https://cdn" not in body
    status, _, body = get(server + "/resource/topic/backpropagation")
    assert status == 200 and b"Backpropagation" in body and b'href="/resource/topic/chain-rule"' in body
    assert get(server + "/resource/topic/nope")[0] == 404
    from rdflib import Graph

    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        status, _, body = get(server + f"/dump.{ext}")
        assert status == 200 and len(Graph().parse(data=body, format=fmt)) > 5000
    status, _, body = get(server + "/void")
    void = Graph().parse(data=body, format="turtle")
    assert any("sparqlEndpoint" in str(p) for _, p, _ in void)
    status, _, body = get(server + "/queries.json")
    assert status == 200 and len(json.loads(body)) >= 12


def test_serve_get_in_process(mini, cache):
    from .conftest import kg_process

    proc = kg_process("--data", str(mini), "serve", "--get", "/sparql?query=ASK%7B%3Ft%20a%20kg%3ATopic%7D")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["boolean"] is True


# ------------------------------------------------------------------ faults and fairness


def _workers(server_pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(server_pid), "-f", "spawn_main"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@contextlib.contextmanager
def server_process(*options: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/void", proc)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(10)


def test_dead_worker_is_replaced():
    """kill -9 of a worker (what the out-of-memory killer does): that request gets 503
    with Retry-After, and every later request is answered."""
    import signal

    with server_process("--processes", "1", "--workers", "2", "--timeout", "30") as (base, proc):
        slow = q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        answer: dict[str, tuple[int, str, bytes]] = {}
        t = threading.Thread(target=lambda: answer.setdefault("slow", get(base + slow)))
        t.start()
        time.sleep(1.5)
        before = _workers(proc.pid)
        busy = max(before, key=lambda pid: float(subprocess.run(["ps", "-o", "pcpu=", "-p", str(pid)], capture_output=True, text=True).stdout or 0))
        os.kill(busy, signal.SIGKILL)
        t.join(30)
        status, _, body = answer["slow"]
        assert status == 503 and b"worker died" in body
        for _ in range(6):
            assert get(base + q("ASK { ?t a kg:Topic }"))[0] == 200
        assert len(_workers(proc.pid)) == 2 and busy not in _workers(proc.pid)


def _nice(pid: int) -> int:
    """The nice value of process ``pid``'s main thread (field 19 of /proc/PID/stat)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_long_query_is_demoted_then_stopped():
    """A query running past 0.25 s drops its worker to nice 15 (where the server may
    renice back, as root); past the timeout it is stopped with a 503 and the worker
    that replaces it runs at the normal priority."""
    if os.geteuid() != 0:
        pytest.skip("raising a priority back needs root (CAP_SYS_NICE)")
    with server_process("--processes", "1", "--workers", "1", "--timeout", "5") as (base, proc):
        slow = q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        answer: dict[str, tuple[int, str, bytes]] = {}
        t = threading.Thread(target=lambda: answer.setdefault("slow", get(base + slow)))
        t.start()
        time.sleep(1.5)
        (worker,) = _workers(proc.pid)
        assert _nice(worker) == 15
        t.join(30)
        assert answer["slow"][0] == 503
        assert get(base + q("ASK { ?t a kg:Topic }"))[0] == 200
        (replacement,) = _workers(proc.pid)
        assert replacement != worker and _nice(replacement) == 0


def test_runaway_queries_do_not_delay_another_client():
    """Two runaway queries from two clients; a third client's simple query still answers
    quickly (each client is a different loopback address)."""
    with server_process("--workers", "3", "--timeout", "8") as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        slow = q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")

        def from_addr(addr: str, path: str) -> int:
            import http.client

            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(addr, 0))
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            return status

        runaways = [threading.Thread(target=from_addr, args=(f"127.0.0.{i}", slow)) for i in (2, 3)]
        for t in runaways:
            t.start()
        time.sleep(1.0)
        took = []
        for _ in range(10):
            start = time.perf_counter()
            assert from_addr("127.0.0.4", q("ASK { ?t a kg:Topic }")) == 200
            took.append(time.perf_counter() - start)
        assert max(took) < 2.0, took  # the bench measures p99; this only guards the order
        for t in runaways:
            t.join(30)


def test_per_client_limit_queues_then_503():
    """One client's third concurrent query waits its turn; past the queue timeout it is a
    503 with Retry-After."""
    with server_process("--workers", "3", "--per-client", "1", "--queue-timeout", "1", "--timeout", "6") as (base, proc):
        slow = q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        t = threading.Thread(target=get, args=(base + slow,))
        t.start()
        time.sleep(0.5)
        req = urllib.request.Request(base + q("ASK {}"))
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req, timeout=30)
        assert info.value.code == 503 and info.value.headers.get("Retry-After")
        # Claiming to be another client in X-Forwarded-For changes nothing.
        forged = urllib.request.Request(base + q("ASK {}"), headers={"X-Forwarded-For": "10.9.8.7"})
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(forged, timeout=30)
        assert info.value.code == 503
        t.join(30)


def test_construct_row_cap(server):
    import urllib.request as ur

    req = ur.Request(server + q("CONSTRUCT WHERE { ?s ?p ?o }"), headers={"Accept": "application/n-triples"})
    with ur.urlopen(req, timeout=30) as r:
        body = r.read()
        assert r.headers.get("X-KG-Truncated") == "rows capped at 50"
    assert len(body.strip().splitlines()) == 50


def test_head_and_resource_headers(server):
    req = urllib.request.Request(server + q("ASK {}"), method="HEAD")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and r.read() == b""
    for path, status in (("/resource/topic/x%3E", 400), ("/resource/topic/nope", 404)):
        try:
            urllib.request.urlopen(server + path, timeout=30)
            raise AssertionError("expected an error")
        except urllib.error.HTTPError as e:
            assert e.code == status and "default-src 'self'" in e.headers["Content-Security-Policy"]
            assert "text/html" in e.headers["Content-Type"]


def test_serve_get_without_httpx(mini, cache, tmp_path):
    """`kg serve --get` needs no HTTP client library: httpx made unimportable."""
    from .conftest import kg_process

    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "httpx.py").write_text("raise ImportError('httpx is not installed')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}
    proc = kg_process("--data", str(mini), "serve", "--get", "/sparql?query=ASK%7B%3Ft%20a%20kg%3ATopic%7D", env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["boolean"] is True


def test_admission_is_fair():
    """Unit: a client over its limit waits while another client's request runs first."""
    import asyncio

    from kg.errors import Overloaded
    from kg.web.workers import Admission

    async def go() -> list[str]:
        adm = Admission(2, per_client=1, max_queue=2, queue_timeout=0.2)
        order: list[str] = []
        await adm.acquire("a")
        waiting_a = asyncio.create_task(adm.acquire("a"))  # over a's limit: waits
        await asyncio.sleep(0)
        await adm.acquire("b")  # b is under its limit: runs at once
        order.append("b")
        adm.release("a")
        await waiting_a
        order.append("a")
        with pytest.raises(Overloaded):  # a at its limit, queue wait times out
            await adm.acquire("a")
        adm.release("a")
        adm.release("b")
        assert adm.waiting == 0
        return order

    assert asyncio.run(go()) == ["b", "a"]


def test_admission_shares_its_clients_table():
    """Unit: two admissions over one shared table (as two server processes have): a
    client at its limit in one waits in the other, and is let in soon after its query
    there ends, with no release in its own process to wake it."""
    import asyncio

    from kg.errors import Overloaded
    from kg.web.clients import SharedClients
    from kg.web.workers import Admission

    async def go() -> None:
        table = SharedClients(slots=64)
        one = Admission(4, per_client=1, max_queue=4, queue_timeout=0.2, clients=table)
        two = Admission(4, per_client=1, max_queue=4, queue_timeout=5, clients=table)
        await one.acquire("a")
        with pytest.raises(Overloaded):
            await asyncio.wait_for(Admission(4, per_client=1, max_queue=4, queue_timeout=0.1, clients=table).acquire("a"), 5)
        await two.acquire("b")  # another client: not held
        waiting = asyncio.create_task(two.acquire("a"))
        await asyncio.sleep(0.05)
        assert not waiting.done() and two.waiting == 1
        one.release("a")
        await asyncio.wait_for(waiting, 1)
        assert table.running("a") == 1 and table.running("b") == 1
        two.release("a")
        two.release("b")
        assert table.running("a") == 0 == table.running("b")

    asyncio.run(go())


def _owner(port: int, sock: socket.socket, pids: list[int]) -> int | None:
    """Which of ``pids`` holds the server's end of the connection ``sock`` (from /proc)."""
    mine = sock.getsockname()[1]
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if int(f[1].rsplit(":", 1)[1], 16) == port and int(f[2].rsplit(":", 1)[1], 16) == mine:
            inodes.add(f"socket:[{f[9]}]")
    for pid in pids:
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir()):
                return pid
    return None


def _ask(sock: socket.socket, path: str) -> tuple[int, bytes]:
    """One keep-alive GET on ``sock``; the status and body."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return _answer(sock)


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    """The next response on ``sock`` (with a Content-Length): its status and body."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += _recv(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")))
    while len(body) < length:
        body += _recv(sock)
    return int(head.split()[1]), body


def _recv(sock: socket.socket) -> bytes:
    chunk = sock.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection")
    return chunk


def test_per_client_limit_and_cooling_hold_across_server_processes():
    """--processes 2: one client with a connection to each server process. While its
    query runs in one, its query in the other is held to the per-client limit (here a
    503 after the queue timeout); once that query is stopped, the client cools down in
    both processes; another client is served meanwhile."""
    with server_process("--processes", "2", "--workers", "4", "--per-client", "1", "--queue-timeout", "0.1", "--timeout", "2") as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        deadline = time.time() + 60
        while len(_listeners(port, _tree(proc.pid))) < 2 and time.time() < deadline:
            time.sleep(0.2)
        servers = _listeners(port, _tree(proc.pid))
        assert len(servers) == 2
        by_owner: dict[int, socket.socket] = {}
        spare = []
        for _ in range(200):  # connections from one client until each process holds one
            sock = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=("127.0.0.7", 0))
            assert _ask(sock, "/prefixes.json")[0] == 200  # accepted: now a process holds it
            owner = _owner(port, sock, servers)
            if owner is None or owner in by_owner:
                spare.append(sock)
            else:
                by_owner[owner] = sock
            if len(by_owner) == 2:
                break
        assert len(by_owner) == 2, "the kernel gave every connection to one process"
        first, second = by_owner.values()
        try:
            slow = q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
            first.sendall(f"GET {slow} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(0.5)
            status, body = _ask(second, q("ASK {}"))
            assert status == 503 and b"busy" in body, body
            other = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=("127.0.0.8", 0))
            with other:
                assert _ask(other, q("ASK {}"))[0] == 200
            status, body = _answer(first)
            assert status == 503 and b"stopped" in body, body
            status, body = _ask(second, q("ASK {}"))
            assert status == 503 and b"your last query was stopped" in body, body
            deadline = time.time() + 20
            while (status := _ask(second, q("ASK {}"))[0]) != 200 and time.time() < deadline:
                time.sleep(0.2)
            assert status == 200
        finally:
            for sock in [*by_owner.values(), *spare]:
                sock.close()


def _raw_request(base: str, request: bytes) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        data = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := s.recv(65536):
                data += chunk
    return int(data.split(b"\r\n", 1)[0].split()[1]), data


def test_long_urls_and_heads():
    """A GET query whose URL is over 64 KiB (but within the URL limit) is answered,
    whichever HTTP parser uvicorn runs; one past the limit is a 414; a request head over
    1 MiB is refused with a 400, and the server goes on answering."""
    with running_server() as base:  # default limits: GET queries up to ~197 KB of URL
        query = "ASK { ?t a kg:Topic } # " + "é" * 20_000
        path = q(query)
        assert 65_536 < len(path) < 190_000
        status, body = _raw_request(base, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        assert status == 200 and json.loads(body.split(b"\r\n\r\n", 1)[1])["boolean"] is True
        status, _ = _raw_request(base, b"GET /sparql?query=" + b"a" * 300_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status == 414
        many = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 1000) for i in range(1500))
        status, _ = _raw_request(base, b"GET /void HTTP/1.1\r\nHost: x\r\n" + many + b"Connection: close\r\n\r\n")
        assert status == 400
        assert get(base + q("ASK { ?t a kg:Topic }"))[0] == 200


def _listeners(port: int, pids: list[int]) -> list[int]:
    """Which of ``pids`` hold the socket listening on ``port`` (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "0A":  # LISTEN
                    inodes.add(f"socket:[{f[9]}]")
    held = []
    for pid in pids:
        with contextlib.suppress(OSError):
            fds = Path(f"/proc/{pid}/fd")
            if any(os.readlink(fd) in inodes for fd in fds.iterdir()):
                held.append(pid)
    return held


def _tree(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    kids = [int(p) for p in out.split()]
    return [pid, *(k for c in kids for k in _tree(c))]


def _gone(pids: list[int], seconds: float = 20) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not any(Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] for p in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
def test_several_server_processes_share_the_port_and_end_with_it(stop):
    """--processes 2: two processes listen on the one port and answer; stopping the
    first server, even with kill -9, ends the other and every worker."""
    import signal

    with server_process("--processes", "2", "--workers", "2") as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        deadline = time.time() + 60
        while len(_listeners(port, _tree(proc.pid))) < 2 and time.time() < deadline:
            time.sleep(0.2)
        assert len(_listeners(port, _tree(proc.pid))) == 2
        for i in range(30):  # a new connection each, so both processes take some
            status, _, body = get(base + q(f"SELECT ?t WHERE {{ ?t a kg:Topic }} ORDER BY ?t LIMIT {1 + i % 3}"))
            assert status == 200 and json.loads(body)["results"]["bindings"], body
        tree = _tree(proc.pid)
        assert len(tree) >= 4  # two servers, each with its worker (and pebble's helpers)
        proc.send_signal(getattr(signal, stop))
        proc.wait(20)
        assert _gone(tree), [p for p in tree if Path(f"/proc/{p}").exists()]
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
