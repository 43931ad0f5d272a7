"""Load on `kg serve`, side by side with `oxigraph serve-read-only` on the same store.

Scenarios (default: ``compare``)::

    python bench/serve_load.py                                  # shipped data
    python bench/serve_load.py compare --triples 1000000        # a synthetic data dir
    python bench/serve_load.py compare hops --baseline /tmp/kg-old
    python bench/serve_load.py slow runaway --seconds 30        # kg only

- ``compare``: builds the store once (``kg build``), starts ``kg serve`` (once per
  ``--processes`` value: ``kg`` runs with its default settings, ``kg -pN`` with N server
  processes on the one port; by default the default, 1 and the number of cores) and the floor,
  ``oxigraph serve-read-only --location`` that same store directory, and drives each in
  turn with the same N clients sending the same five simple queries (an ASK, three small
  SELECTs, a CONSTRUCT; parameters that return rows) back to back. Rounds alternate
  the order of the servers; each round gives q/s, p50, p99 and errors per server and
  kg's ratios to the floor; the table shows median [min-max] over the rounds.
  ``--baseline DIR`` (a checkout of another kg version) adds its ``kg serve`` (its
  default, or each of ``--baseline-processes``);
  ``--version NAME=DIR`` (repeatable) adds more, named ``kg@NAME``.
  Beside q/s and latency, each server's CPU time per answered query (its process and
  all its workers, from /proc; ``front``: its own process alone, for kg the HTTP
  front without the query workers): on a machine shared with other work, throughput
  and p99 follow the scheduler as much as the server, while CPU per query does not.
- ``hops``: where a request's time goes, one client, one request at a time (medians):
  the floor's round trip, kg's HTTP stack alone (``/prefixes.json``: no worker), a
  worker round trip of a no-op (alone, and per call when 8 clients' calls share one
  task), the query policy's parse (uncached: a server pays it once per query text per
  worker), the query and its serialisation in-process, and kg's full ``/sparql`` round
  trip.
- ``slow``: N slow clients trickle their POST bodies and read slowly while a probe
  client sends simple queries (kg only).
- ``runaway``: two clients send runaway queries (each stopped at ``--timeout``) while
  another sends a simple query every 50 ms (kg only).

Clients are separate processes (so their own work does not share one interpreter
lock), each on its own loopback address (127.0.0.x), as separate machines would be,
with a raw HTTP/1.1 client that keeps its connection open (``--close``: a new
connection per request). The header says which HTTP parser ``kg serve`` runs
(httptools when installed, else h11; ``--pythonpath DIR`` adds an import path for the kg
servers, e.g. a ``pip install --target DIR httptools``). The floor runs without
``--timeout-s``: with it, oxigraph 0.5.13 answers part of the requests on kept-alive
connections with a 500 ("Resource temporarily unavailable") under this load. The clients share the machine's cores with the servers: on a
2-core machine the ratio is the figure to read, not the absolute q/s. The load average
is printed before and after.
"""

from __future__ import annotations

import argparse
import array
import json
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

ROOT = common.REPO
PY = sys.executable
OXIGRAPH = shutil.which("oxigraph") or str(Path(PY).parent / "oxigraph")

PREFIXES = (
    "PREFIX kg: <https://w3id.org/coursekg/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX schema: <https://schema.org/>\n"
)
ID = "https://w3id.org/coursekg/id/"
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = "ASK { ?t a <https://w3id.org/coursekg/ontology#Topic> }"
SMALL_SELECT = (
    PREFIXES + "SELECT ?t ?l WHERE { ?t a kg:Topic ; skos:prefLabel ?l } ORDER BY ?l LIMIT 10"
)


def query_mix(topic: str, course: str) -> list[tuple[str, str, str]]:
    """Five simple queries, as (name, text, Accept): each returns rows on the data."""
    t = f"<{ID}topic/{topic}>"
    c = f"<{ID}course/{course}>"
    return [
        ("ask-topic", PREFIXES + "ASK { ?t a kg:Topic }", JSON_RESULTS),
        ("labels", PREFIXES + "SELECT ?t ?l WHERE { ?t a kg:Topic ; skos:prefLabel ?l } LIMIT 10", JSON_RESULTS),
        ("prereqs", PREFIXES + f"SELECT ?p ?l WHERE {{ {t} kg:requires ?p . ?p skos:prefLabel ?l }}", JSON_RESULTS),
        (
            "course-lectures",
            PREFIXES + f"SELECT ?lec ?n ?name WHERE {{ ?lec schema:isPartOf {c} ; kg:position ?n ; "
            "schema:name ?name } ORDER BY ?n LIMIT 20",
            JSON_RESULTS,
        ),
        ("describe-topic", PREFIXES + f"CONSTRUCT {{ {t} ?p ?o }} WHERE {{ {t} ?p ?o }}", N_TRIPLES),
    ]


# ----------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (children of any of their threads)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


def rss_mb(pid: int) -> float:
    """RSS of ``pid`` and all its descendants, in MB."""
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, *, alone: bool = False) -> float:
    """User + system CPU time of ``pid`` and its descendants (live ones), in seconds;
    ``alone``: of ``pid`` only (all its threads)."""
    total = 0
    for p in [pid] if alone else tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


class Server:
    """A server process on a free loopback port, ready once it answers a query."""

    def __init__(self, name: str, argv: list[str], path: str, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.path = path  # the query endpoint
        self.port = free_port()
        argv = [a.replace("{port}", str(self.port)) for a in argv]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=common.WORK)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"{name} exited: {err.strip()[-2000:]}")
            try:
                if self.get("127.0.0.1", SIMPLE) == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} did not come up")

    def get(self, source: str, query: str, timeout: float = 60) -> int:
        return one_request(self.port, source, request_bytes(self.path, query, JSON_RESULTS, close=True), timeout)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


EXTRA_PATH: list[str] = []  # --pythonpath


def kg_env(code: Path, cache: Path, data: Path) -> dict[str, str]:
    env = common.kg_env(code, cache, data)
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], *EXTRA_PATH])
    return env


def http_parser(code: Path, cache: Path, data: Path) -> str:
    """Which HTTP parser ``kg serve`` of this checkout runs here."""
    probe = "from kg.web.http import http_protocol as h; p = h(); print(p if isinstance(p, str) else 'httptools')"
    try:
        out = subprocess.run([PY, "-c", probe], env=kg_env(code, cache, data), cwd=common.WORK, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "?"
    if out.stdout.strip():
        return out.stdout.strip()
    # A checkout without kg.web.http leaves the choice to uvicorn ("auto": httptools
    # when it imports, else h11).
    auto = subprocess.run([PY, "-c", "import httptools"], env=kg_env(code, cache, data), cwd=common.WORK, capture_output=True)
    return "httptools (uvicorn's default limits)" if auto.returncode == 0 else "h11"


def kg_server(
    code: Path, cache: Path, data: Path, timeout: float, workers: int | None, name: str = "kg", processes: int = 0
) -> Server:
    """``kg serve`` of checkout ``code``; ``processes`` 0: its default."""
    argv = [PY, "-m", "kg", "serve", "--port", "{port}", "--timeout", str(timeout)]
    argv += ["--workers", str(workers)] if workers else []
    argv += ["--processes", str(processes)] if processes else []
    return Server(name, argv, "/sparql", kg_env(code, cache, data))


def oxigraph_server(store: Path, timeout: float) -> Server:
    if not Path(OXIGRAPH).exists():
        raise SystemExit("the oxigraph server is not installed: pip install 'oxigraph>=0.5' (the PyPI package)")
    # Without --timeout-s: with it, oxigraph 0.5.13 answers part of the requests on
    # kept-alive connections with 500 "Resource temporarily unavailable" under load.
    argv = [OXIGRAPH, "serve-read-only", "--location", str(store), "--bind", "127.0.0.1:{port}"]
    return Server("oxigraph", argv, "/query")


def built_store(code: Path, cache: Path, data: Path) -> tuple[Path, int]:
    """``kg build`` into ``cache``; the store directory and its triple count."""
    env = common.kg_env(code, cache, data)
    subprocess.run([PY, "-m", "kg", "build"], env=env, cwd=common.WORK, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(
        [PY, "-c", "from kg.graph import KnowledgeGraph as K; g = K.open(); print(g.cache_path); print(len(g))"],
        env=env, cwd=common.WORK, check=True, capture_output=True, text=True,
    ).stdout.split()
    return Path(out[0]) / "store", int(out[1])


# ----------------------------------------------------------------- HTTP client


def request_bytes(path: str, query: str, accept: str, *, close: bool = False) -> bytes:
    target = path + "?" + urllib.parse.urlencode({"query": query})
    conn = "close" if close else "keep-alive"
    return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\nConnection: {conn}\r\n\r\n".encode()


class Conn:
    """One HTTP/1.1 connection: send a prepared request, read the whole response
    (Content-Length or chunked); :meth:`ask` returns the status."""

    def __init__(self, port: int, source: str, timeout: float) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.body = b""  # the last response's body

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        self.buf += chunk

    def _line(self) -> bytes:
        while (i := self.buf.find(b"\r\n")) < 0:
            self._fill()
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def _take(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def ask(self, request: bytes) -> tuple[int, bool]:
        """(status, whether the server keeps the connection open)."""
        self.sock.sendall(request)
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            self._fill()
        head, self.buf = self.buf[:end].decode("latin-1").split("\r\n"), self.buf[end + 4:]
        status = int(head[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
        self.body = b""
        if "content-length" in headers:
            self.body = self._take(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int(self._line().split(b";")[0], 16):
                self.body += self._take(size + 2)[:-2]
            while self._line():  # trailers
                pass
        else:  # until the server closes
            while True:
                try:
                    self._fill()
                except ConnectionError:
                    break
            self.buf = b""
            return status, False
        return status, headers.get("connection", "").lower() != "close"

    def close(self) -> None:
        self.sock.close()


def one_request(port: int, source: str, request: bytes, timeout: float = 60) -> int:
    conn = Conn(port, source, timeout)
    try:
        return conn.ask(request)[0]
    finally:
        conn.close()


def _client(port: int, source: str, requests: list[bytes], start: float, until: float, keep: bool, out: Any) -> None:
    """(In a client process) requests back to back until ``until``; latencies of those
    sent after ``start`` (before it: warm-up) go to ``out``."""
    lat = array.array("d")
    errors: dict[str, int] = {}
    sample = ""
    conn: Conn | None = None
    i = 0
    while (now := time.time()) < until:
        req = requests[i % len(requests)]
        i += 1
        t = time.perf_counter()
        try:
            if conn is None:
                conn = Conn(port, source, 30)
            status, open_ = conn.ask(req)
            if status != 200 and not sample:
                sample = f"{status}: {conn.body[:200].decode(errors='replace')}"
            if not (keep and open_):
                conn.close()
                conn = None
        except OSError as exc:
            status = type(exc).__name__
            sample = sample or f"{status}: {exc}"
            if conn is not None:
                conn.close()
                conn = None
        if now < start:
            continue
        if status == 200:
            lat.append(time.perf_counter() - t)
        else:
            errors[str(status)] = errors.get(str(status), 0) + 1
    if conn is not None:
        conn.close()
    if sample:
        errors["sample " + sample] = 0
    out.send((lat.tobytes(), errors))
    out.close()


@dataclass
class Round:
    qps: float
    p50: float  # ms
    p99: float  # ms
    errors: dict[str, int]
    cpu: float = float("nan")  # the server's CPU ms per answered request (with its workers)
    front: float = float("nan")  # of which its own process (kg: the HTTP front, without the workers)


def drive(server: Server, queries: list[tuple[str, str, str]], clients: int, seconds: float, keep: bool, warmup: float = 1.0) -> Round:
    """``clients`` client processes against ``server`` for ``seconds`` (after a warm-up)."""
    ctx = mp.get_context("fork")
    start = time.time() + 0.3 + warmup
    until = start + seconds
    procs, pipes = [], []
    for i in range(clients):
        reqs = [request_bytes(server.path, text, accept, close=not keep) for _, text, accept in queries]
        reqs = reqs[i % len(reqs):] + reqs[: i % len(reqs)]  # clients start on different queries
        recv, send = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_client, args=(server.port, f"127.0.0.{10 + i}", reqs, start, until, keep, send))
        p.start()
        procs.append(p)
        pipes.append(recv)
    while time.time() < start:
        time.sleep(0.01)
    cpu0 = cpu_seconds(server.proc.pid)
    front0 = cpu_seconds(server.proc.pid, alone=True)
    lat = array.array("d")
    errors: dict[str, int] = {}
    for p, recv in zip(procs, pipes):
        raw, errs = recv.recv()
        p.join()
        lat.frombytes(raw)
        for k, v in errs.items():
            errors[k] = errors.get(k, 0) + v
        if p is procs[0]:
            cpu = cpu_seconds(server.proc.pid) - cpu0  # the clients stop together
            front = cpu_seconds(server.proc.pid, alone=True) - front0
    ordered = sorted(lat)
    if not ordered:
        return Round(0.0, float("nan"), float("nan"), errors)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    n = len(ordered)
    return Round(n / seconds, statistics.median(ordered) * 1000, p99 * 1000, errors, cpu * 1000 / n, front * 1000 / n)


def mmm(values: list[float], digits: int = 0) -> str:
    """median [min-max]"""
    f = f"{{:.{digits}f}}"
    return f"{f.format(statistics.median(values))} [{f.format(min(values))}-{f.format(max(values))}]"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Setup:
    data: Path
    label: str
    triples: int
    store: Path
    queries: list[tuple[str, str, str]]
    versions: list[tuple[str, Path, Path]] = field(default_factory=list)  # name, code, cache


def setup(args: argparse.Namespace) -> Setup:
    work = common.WORK / "serve"
    work.mkdir(parents=True, exist_ok=True)
    if args.triples:
        data, params = common.synthetic(triples=args.triples)
        topic, course = str(params["topic"]), str(params["course"])
        label = f"synthetic data, {args.triples:,} triples asked"
    else:
        data = Path(args.data).resolve() if args.data else ROOT / "data"
        topic, course = args.topic, args.course
        label = f"data dir {data}"
    named = common.code_versions(args.baseline)
    for spec in args.version:
        name, _, code = spec.partition("=")
        if not code:
            raise SystemExit(f"--version {spec!r}: give NAME=DIR")
        named.append((f"kg@{name}", Path(code).resolve()))
        common.compile_code(Path(code).resolve())
    versions = [(name, code, work / f"cache-{name.replace('/', '-')}-{data.name}") for name, code in named]
    store, triples = built_store(versions[0][1], versions[0][2], data)
    for _, code, cache in versions[1:]:
        built_store(code, cache, data)
    return Setup(data, label, triples, store, query_mix(topic, course), versions)


def compare(s: Setup, args: argparse.Namespace) -> None:
    servers = [oxigraph_server(s.store, args.timeout)]
    try:
        for v, (name, code, cache) in enumerate(s.versions):
            for n in args.processes if v == 0 else args.baseline_processes:
                label = name if n == 0 else f"{name} -p{n}"
                servers.append(kg_server(code, cache, s.data, args.timeout, args.workers, label, n))
        floor = servers[0]
        # Every query once on each side: the same rows (CONSTRUCT: triples) or the bench is wrong.
        for name, text, accept in s.queries:
            statuses = {srv.name: one_request(srv.port, "127.0.0.1", request_bytes(srv.path, text, accept, close=True)) for srv in servers}
            if set(statuses.values()) != {200}:
                raise SystemExit(f"query {name} failed: {statuses}")
        results: dict[str, list[Round]] = {srv.name: [] for srv in servers}
        rss: dict[str, list[float]] = {srv.name: [] for srv in servers}
        conn = "keep-alive" if not args.close else "a new connection per request"
        print(
            f"kg serve vs oxigraph serve-read-only on one store: {s.label} ({s.triples:,} triples)\n"
            f"{args.clients} clients ({conn}), {len(s.queries)} queries ({', '.join(q[0] for q in s.queries)}), "
            f"{args.seconds:g} s x {args.rounds} rounds, order alternating; load average before: {load()}\n"
            + "HTTP parser: " + ", ".join(f"{n} {http_parser(c, cc, s.data)}" for n, c, cc in s.versions)
            + f"; {os.cpu_count()} cores",
            flush=True,
        )
        for r in range(args.rounds):
            order = servers if r % 2 == 0 else servers[::-1]
            for srv in order:
                results[srv.name].append(drive(srv, s.queries, args.clients, args.seconds, not args.close))
                rss[srv.name].append(rss_mb(srv.proc.pid))
            line = "  ".join(f"{n} {rs[-1].qps:.0f} q/s p99 {rs[-1].p99:.1f} ms" for n, rs in results.items())
            print(f"  round {r + 1}: {line}", flush=True)
        print(f"\n{'server':<22} {'q/s':>20} {'p50 ms':>20} {'p99 ms':>20} {'CPU ms/q':>20} {'front':>18} {'errors':>7} {'RSS MB':>7}")
        for srv in servers:
            rs = results[srv.name]
            errs = sum(sum(x.errors.values()) for x in rs)
            print(
                f"{srv.name:<22} {mmm([x.qps for x in rs]):>20} {mmm([x.p50 for x in rs], 1):>20} "
                f"{mmm([x.p99 for x in rs], 1):>20} {mmm([x.cpu for x in rs], 2):>20} {mmm([x.front for x in rs], 2):>18} "
                f"{errs:>7} {max(rss[srv.name]):>7.0f}"
            )
            kinds = {}
            for x in rs:
                for k, v in x.errors.items():
                    kinds[k] = kinds.get(k, 0) + v
            if kinds:
                print(f"{'':<22} errors: {kinds}")
        for srv in servers[1:]:
            pairs = list(zip(results[srv.name], results[floor.name]))
            print(
                f"{srv.name + ' / ' + floor.name:<22} {mmm([a.qps / b.qps for a, b in pairs], 2):>20} "
                f"{mmm([a.p50 / b.p50 for a, b in pairs], 2):>20} {mmm([a.p99 / b.p99 for a, b in pairs], 2):>20} "
                f"{mmm([a.cpu / b.cpu for a, b in pairs], 2):>20}"
            )
        print(f"(ratios per round, then median [min-max]; load average after: {load()})", flush=True)
    finally:
        for srv in servers:
            srv.stop()


# ----------------------------------------------------------------- hops


def _sequential(port: int, request: bytes, n: int) -> list[float]:
    conn = Conn(port, "127.0.0.1", 30)
    out = []
    try:
        for _ in range(n):
            t = time.perf_counter()
            status, open_ = conn.ask(request)
            out.append(time.perf_counter() - t)
            if status != 200:
                raise SystemExit(f"hops: status {status}")
            if not open_:
                conn.close()
                conn = Conn(port, "127.0.0.1", 30)
    finally:
        conn.close()
    return out


def _inprocess_hops(store: str, queries_json: str, n: int) -> None:
    """(Run with a kg checkout on sys.path) the in-process costs, as JSON on stdout."""
    import asyncio

    import pyoxigraph as ox

    from kg import sparql
    from kg.web import workers

    queries = json.loads(queries_json)
    out: dict[str, float] = {}

    def med(fn: Callable[[], object], times: int = n) -> float:
        ts = []
        for _ in range(times):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        return statistics.median(ts) * 1000

    parse = getattr(sparql.parse_query, "__wrapped__", sparql.parse_query)
    db = ox.Store.read_only(store)
    fmts = {JSON_RESULTS: "json", N_TRIPLES: "nt"}
    out["policy parse, uncached"] = statistics.mean(med(lambda q=q: parse(q), 20) for _, q, _ in queries)
    out["policy parse, cached"] = statistics.mean(med(lambda q=q: sparql.parse_query(q)) for _, q, _ in queries)
    out["query + serialise, capped (kg)"] = statistics.mean(
        med(lambda q=q, a=a: sparql.execute(db, sparql.parse_query(q), fmts[a], max_rows=10_000)) for _, q, a in queries
    )
    out["query + serialise, engine only"] = statistics.mean(
        med(lambda q=q, a=a: _engine_only(db, q, a)) for _, q, a in queries
    )

    async def pool_hop() -> float:
        pool = workers.QueryPool(Path(store), Path("."), size=1)
        await pool.start()
        try:
            ts = []
            for _ in range(n):
                t = time.perf_counter()
                await pool.call("x", workers.walls)
                ts.append(time.perf_counter() - t)
            return statistics.median(ts) * 1000
        finally:
            await pool.stop()

    async def batch_hop(k: int = 8) -> float:
        # k clients at once, each with a call the pool has seen to be quick: they go
        # out together in one task (kg.web.workers.QueryPool), per call.
        pool = workers.QueryPool(Path(store), Path("."), size=1)
        await pool.start()
        try:
            for i in range(k):
                await pool.call(f"c{i}", workers.walls)
            ts = []
            for _ in range(max(1, n // k)):
                t = time.perf_counter()
                await asyncio.gather(*(pool.call(f"c{i}", workers.walls) for i in range(k)))
                ts.append((time.perf_counter() - t) / k)
            return statistics.median(ts) * 1000
        finally:
            await pool.stop()

    out["worker round trip (no-op)"] = asyncio.run(pool_hop())
    if hasattr(workers, "run_calls"):
        out["worker round trip, 8 no-ops batched, per call"] = asyncio.run(batch_hop())
    print(json.dumps(out))


def _engine_only(db: Any, q: str, accept: str) -> bytes:
    import pyoxigraph as ox

    res = db.query(q)
    if accept == N_TRIPLES:
        return bytes(res.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
    if isinstance(res, bool):
        return b"true" if res else b"false"
    return bytes(res.serialize(format=ox.QueryResultsFormat.JSON) or b"")


def hops(s: Setup, args: argparse.Namespace) -> None:
    n = args.requests
    print(f"\nWhere a request's time goes: {s.label} ({s.triples:,} triples), one client, {n} requests each, medians (ms); load average {load()}")
    floor = oxigraph_server(s.store, args.timeout)
    rows: dict[str, dict[str, float]] = {}
    try:
        rows["oxigraph /query (the floor)"] = {
            "": statistics.mean(statistics.median(_sequential(floor.port, request_bytes(floor.path, q, a), n)) * 1000 for _, q, a in s.queries)
        }
    finally:
        floor.stop()
    for name, code, cache in s.versions:
        srv = kg_server(code, cache, s.data, args.timeout, args.workers, name)
        try:
            http_only = f"GET /prefixes.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
            rows.setdefault("kg HTTP stack alone (/prefixes.json)", {})[name] = statistics.median(_sequential(srv.port, http_only, n)) * 1000
            rows.setdefault("kg /sparql, whole round trip", {})[name] = statistics.mean(
                statistics.median(_sequential(srv.port, request_bytes(srv.path, q, a), n)) * 1000 for _, q, a in s.queries
            )
        finally:
            srv.stop()
        inproc = subprocess.run(
            [PY, str(Path(__file__).resolve()), "_inprocess", str(s.store), json.dumps(s.queries), str(n)],
            env=kg_env(code, cache, s.data), cwd=common.WORK, check=True, capture_output=True, text=True,
        )
        for k, v in json.loads(inproc.stdout).items():
            rows.setdefault(k, {})[name] = v
    names = [v[0] for v in s.versions]
    print(f"{'hop':<42}" + "".join(f"{n:>14}" for n in names))
    for hop, vals in rows.items():
        if "" in vals:
            print(f"{hop:<42}{vals['']:>14.3f}")
        else:
            print(f"{hop:<42}" + "".join(f"{vals.get(n, float('nan')):>14.3f}" for n in names))
    print("(queries averaged over the mix; policy parse and query rows are per query, in-process)")


# ----------------------------------------------------------------- kg alone: slow clients, runaways


def _loop(until: float, step: Callable[[], int], lat: list[float], errs: list[int], pause: float = 0.0) -> None:
    while time.time() < until:
        start = time.perf_counter()
        try:
            status = step()
        except OSError:
            status = 0
        if status == 200:
            lat.append(time.perf_counter() - start)
        else:
            errs.append(status)
        if pause:
            time.sleep(pause)


def summary(name: str, lat: list[float], errors: int, seconds: float, rss: tuple[float, float]) -> str:
    if not lat:
        return f"{name}: no answers, {errors} errors"
    lat = sorted(lat)
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    return (
        f"{name}: {len(lat) / seconds:.1f} q/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {lat[-1] * 1000:.1f} ms, {len(lat)} ok, {errors} errors, RSS {rss[0]:.0f} -> {rss[1]:.0f} MB"
    )


def slow_request(port: int, source: str, query: str) -> int:
    """POST the query a few bytes at a time, then read the answer 64 bytes at a time."""
    body = query.encode()
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60, source_address=(source, 0)) as s:
        s.sendall(head)
        for i in range(0, len(body), 4):
            s.sendall(body[i: i + 4])
            time.sleep(0.02)
        data = b""
        while chunk := s.recv(64):
            data += chunk
            time.sleep(0.001)
    return int(data.split(b" ", 2)[1]) if data else 0


def _slow_load(port: int, n: int, seconds: float, out: Any) -> None:
    """(In a child process, so its threads do not slow the probe's measurements.)"""
    lat: list[float] = []
    errs: list[int] = []
    until = time.time() + seconds
    threads = [
        threading.Thread(target=_loop, args=(until, lambda i=i: slow_request(port, f"127.0.1.{10 + i}", SMALL_SELECT), lat, errs))
        for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((lat, len(errs)))


def slow(server: Server, n: int, seconds: float) -> str:
    probe: list[float] = []
    probe_errs: list[int] = []
    rss0 = rss_mb(server.proc.pid)
    queue: Any = mp.Queue()
    child = mp.Process(target=_slow_load, args=(server.port, n, seconds, queue))
    child.start()
    _loop(time.time() + seconds, lambda: server.get("127.0.0.250", SIMPLE), probe, probe_errs, 0.05)
    lat, errs = queue.get()
    child.join()
    rss = (rss0, rss_mb(server.proc.pid))
    return (
        summary(f"{n} slow clients x {seconds:g} s", lat, errs, seconds, rss) + "\n  "
        + summary("probe client meanwhile (own process)", probe, len(probe_errs), seconds, rss)
    )


def runaway(server: Server, seconds: float) -> str:
    lat: list[float] = []
    errs: list[int] = []
    wasted: list[int] = []
    stopped: list[int] = []
    rss0 = rss_mb(server.proc.pid)
    until = time.time() + seconds

    # Each runaway client sends its query again as soon as it has an answer, pausing
    # one second after a refusal (as a client honouring Retry-After would).
    def runaway_client(i: int) -> None:
        while time.time() < until:
            status = server.get(f"127.0.2.{10 + i}", RUNAWAY)
            (wasted if status == 200 else stopped).append(status)
            if status == 503:
                time.sleep(1.0)

    threads = [threading.Thread(target=runaway_client, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    _loop(until, lambda: server.get("127.0.2.100", SIMPLE), lat, errs, 0.05)
    for t in threads:
        t.join()
    return summary(
        f"simple query while 2 runaway queries run ({len(stopped)} runaway requests refused or stopped)",
        lat, len(errs), seconds - 1, (rss0, rss_mb(server.proc.pid)),
    )


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "_inprocess":
        _inprocess_hops(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", nargs="*", help="compare, hops, slow, runaway (default: compare)")
    ap.add_argument("--data", help="data dir (default: the shipped data)")
    ap.add_argument("--triples", type=int, help="a synthetic data dir of about this many triples (bench/synth.py)")
    ap.add_argument("--topic", default="transformers", help="topic id for the queries (shipped data)")
    ap.add_argument("--course", default="mit-6.7960-fa25", help="course id for the queries (shipped data)")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--close", action="store_true", help="a new connection per request")
    ap.add_argument("--requests", type=int, default=300, help="hops: requests per measurement")
    ap.add_argument("--slow-clients", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--workers", type=int, default=None, help="default: kg serve's own")
    ap.add_argument(
        "--processes", type=lambda v: sorted({int(x) for x in v.split(",")}), default=None,
        help="compare: kg serve --processes values, e.g. 0,1,2 (0: no --processes, the default; "
        "default: 0, 1 and the number of cores), "
        "for this checkout (kg -pN); --baseline and --version checkouts run their default",
    )
    ap.add_argument("--baseline", help="a checkout of another kg version, run side by side")
    ap.add_argument(
        "--baseline-processes", type=lambda v: sorted({int(x) for x in v.split(",")}), default=[0],
        help="compare: --processes values for the --baseline and --version checkouts (default: 0, their default)",
    )
    ap.add_argument("--version", action="append", default=[], metavar="NAME=DIR", help="another kg checkout, run side by side as kg@NAME (repeatable)")
    ap.add_argument("--pythonpath", action="append", default=[], help="an extra import path for the kg servers (e.g. httptools installed with pip --target)")
    args = ap.parse_args()
    if args.processes is None:
        args.processes = sorted({0, 1, os.cpu_count() or 1})
    EXTRA_PATH[:] = args.pythonpath
    args.scenario = args.scenario or ["compare"]
    if not set(args.scenario) <= {"compare", "hops", "slow", "runaway"}:
        ap.error(f"unknown scenario in {args.scenario}")
    s = setup(args)
    for scenario in args.scenario:
        if scenario == "compare":
            compare(s, args)
        elif scenario == "hops":
            hops(s, args)
        else:
            name, code, cache = s.versions[0]
            server = kg_server(code, cache, s.data, args.timeout, args.workers, name)
            try:
                if scenario == "slow":
                    print(slow(server, args.slow_clients, args.seconds), flush=True)
                else:
                    print(runaway(server, args.seconds), flush=True)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
