"""SPARQL speed: every shipped query at scale, and `kg serve` against `oxigraph serve`.

    python bench/sparql.py [--triples 1000000] [--runs 5] [--load-seconds 10]
                           [--rounds 3] [--clients 8] [--queries a,b] [--budget 60]
                           [--baseline DIR]

1. A synthetic data dir of about ``--triples`` triples (``bench/synth.py``, under
   ``$KG_BENCH_DIR``) is built by kg. Every shipped query runs with parameters from the
   generator's ``bench.json``, chosen so that each returns rows (the row count is printed;
   0, and a count over kg serve's row cap, are flagged). Cases, interleaved in one child
   process per query: kg as ``kg serve`` runs it (``kg.sparql.execute``: the query
   policy, the engine, kg's serializer with the server's row cap, JSON), and the floor,
   pyoxigraph's ``Store.query`` + its own JSON serializer (which is also what ``kg query``
   runs when uncapped). With ``--baseline DIR`` (another kg checkout) its version of each
   shipped query runs too, on kg's serve path, and the speedup is printed; a baseline
   over the budget is stopped and shown as "> budget". Median [min-max] ms, the ratio to
   the floor, the load average (on a shared machine only side-by-side ratios mean
   much) and the median CPU time of kg's case (and the baseline's), which the load
   inflates much less than wall time.
2. ``kg serve`` and ``oxigraph serve-read-only`` (the binary from the ``oxigraph``
   PyPI package, in the venv) on the same store directory, the same queries and the
   same ``--clients`` client threads (persistent HTTP/1.1 connections), for
   ``--rounds`` interleaved rounds of ``--load-seconds`` each: queries/s, latency
   percentiles, errors. The mix is ``--mix simple`` (five point lookups, as a
   learner's app sends) or ``--mix shipped`` (the shipped queries).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

from common import PY, REPO, WORK, code_versions, kg_env, synthetic

# This checkout's kg, not whichever kg the interpreter would find first (an installed one).
sys.path.insert(0, str(REPO))
from kg import vocab as V
from kg.queries import Query, library, parse
from kg.sparql import execute
from kg.web.app import Settings
from paths import store_of

OXIGRAPH = shutil.which("oxigraph", path=str(Path(PY).parent)) or shutil.which("oxigraph")


def params_for(q, p: dict[str, object]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k: str(p["other_course"] if k.startswith("other") else p["course"] if k.endswith("course") else p["topic"]) for k in q.params}


def baseline_library(root: str) -> dict[str, Query]:
    """The shipped queries of another checkout (its ``kg/queries/shipped/*.rq``)."""
    shipped = Path(root) / "kg" / "queries" / "shipped"
    return {f.stem: parse(f.stem, f.read_text(encoding="utf-8")) for f in sorted(shipped.glob("*.rq"))}


def one(store_dir: str, name: str, p: dict[str, object], runs: int, baseline: str | None) -> None:
    """Time one shipped query (in a child process, so a budget can stop it), interleaved:
    kg's serve path, the floor, and the baseline checkout's version of the query."""
    store = ox.Store.read_only(store_dir)
    q = library()[name]
    text = q.render(**params_for(q, p))
    cap = Settings().max_rows
    rows = sum(1 for _ in store.query(text, prefixes=V.PREFIXES))  # type: ignore[union-attr]
    old = None
    if baseline:
        bq = baseline_library(baseline).get(name)
        old = bq.render(**params_for(bq, p)) if bq else None
    times: dict[str, list[float]] = {"kg": [], "ox": [], "base": [], "kg_cpu": [], "base_cpu": []}

    def timed(key: str, fn) -> None:  # type: ignore[no-untyped-def]
        t, c = time.perf_counter(), time.process_time()
        fn()
        times[key].append((time.perf_counter() - t) * 1000)
        if key + "_cpu" in times:  # this process's CPU time: what the load on a shared machine changes least
            times[key + "_cpu"].append((time.process_time() - c) * 1000)

    base_rows = sum(1 for _ in store.query(old, prefixes=V.PREFIXES)) if old else None  # type: ignore[union-attr]
    for i in range(runs + 1):  # the first round warms caches up and is not counted
        if i == 1:
            times = {k: [] for k in times}
        # kg serve's path: the query policy, the engine, kg's capped serializer
        timed("kg", lambda: execute(store, text, "json", max_rows=cap))
        # the floor: the engine and its own JSON serializer (what `kg query` uses uncapped)
        timed("ox", lambda: store.query(text, prefixes=V.PREFIXES).serialize(format=ox.QueryResultsFormat.JSON))  # type: ignore[union-attr]
        if old:
            timed("base", lambda: execute(store, old, "json", max_rows=cap))
    print(json.dumps({"rows": rows, "base_rows": base_rows, **times}))


def span(ts: list[float]) -> str:
    return f"{statistics.median(ts):.0f} [{min(ts):.0f}-{max(ts):.0f}]"


def compare(store_dir: Path, p: dict[str, object], runs: int, budget: float, only: list[str] | None = None,
            baseline: str | None = None) -> list[str]:
    # One child process counts the rows once and then runs the query's cases ``runs`` times
    # round-robin, so its time limit is the per-run budget times that; a stopped query is
    # run again without its baseline, and a stopped case is shown as "> budget".
    cap = Settings().max_rows
    print(f"\nshipped queries on {store_dir} ({runs} interleaved runs; median [min-max] ms; "
          f"a case averaging over {budget:.0f} s a run is stopped); load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    print("kg: kg serve's path (query policy + engine + kg's serializer, capped at "
          f"{cap:,} rows); floor: the engine + its own JSON serializer (`kg query`'s uncapped path); "
          "kg cpu / base cpu: median CPU ms of the process for kg's case (the load on a shared machine "
          "inflates wall time, much less CPU time)")
    head = f"{'query':<22} {'rows':>6} {'kg (serve path)':>18} {'floor':>18} {'x fl':>5} {'kg cpu':>8}"
    if baseline:
        head += f" {'rows':>6} {'kg@baseline':>18} {'speedup':>8} {'base cpu':>9}"
    print(head)
    texts = []
    worst = (0.0, "")
    for name, q in library().items():
        if only and name not in only:
            continue
        texts.append(V.sparql_prologue() + q.render(**params_for(q, p)))
        out = None
        for base in ([baseline, None] if baseline else [None]):
            cases = 3 if base else 2
            try:
                out = subprocess.run(
                    [PY, __file__, "--one", name, "--store", str(store_dir), "--params", json.dumps(p),
                     "--runs", str(runs), *(["--baseline", base] if base else [])],
                    capture_output=True, check=True, timeout=budget * (cases * runs + 2), text=True,
                ).stdout
                break
            except subprocess.TimeoutExpired:
                continue
        if out is None:
            print(f"{name:<22} {'?':>6} {'> ' + str(int(budget * 1000)):>18}", flush=True)
            worst = max(worst, (budget * 1000, name))
            continue
        r = json.loads(out)
        kg_t, ox_t, rows = r["kg"], r["ox"], r["rows"]
        mk, mo = statistics.median(kg_t), statistics.median(ox_t)
        worst = max(worst, (mk, name))
        line = f"{name:<22} {rows:>6} {span(kg_t):>18} {span(ox_t):>18} {mk / mo:>5.2f} {statistics.median(r['kg_cpu']):>8.0f}"
        if baseline:
            if r["base"]:
                line += f" {r['base_rows']:>6} {span(r['base']):>18} {statistics.median(r['base']) / mk:>7.1f}x"
                line += f" {statistics.median(r['base_cpu']):>9.0f}"
            else:
                line += f" {'?':>6} {'> ' + str(int(budget * 1000)):>18} {'> ' + str(int(budget * 1000 / mk)) + 'x':>8}"
        flags = [f for f, on in (("no rows", rows == 0), (f"kg capped at {cap:,}", rows > cap)) if on]
        print(line + (f"  <- {', '.join(flags)}" if flags else ""), flush=True)
    print(f"slowest shipped query: {worst[1]} {worst[0]:.0f} ms")
    return texts


def simple_mix(p: dict[str, object]) -> list[str]:
    t, c = V.topic_iri(str(p["topic"])), V.course_iri(str(p["course"]))
    pro = V.sparql_prologue()
    return [
        pro + f"SELECT ?label ?def WHERE {{ <{t}> skos:prefLabel ?label . OPTIONAL {{ <{t}> skos:definition ?def }} }}",
        pro + f"SELECT ?p ?label WHERE {{ <{t}> kg:requires ?p . ?p skos:prefLabel ?label }}",
        pro + f"SELECT ?lec ?pos WHERE {{ ?lec schema:isPartOf <{c}> ; kg:position ?pos }} ORDER BY ?pos",
        pro + f"SELECT ?t WHERE {{ ?lec schema:isPartOf <{c}> ; kg:covers ?t }}",
        pro + f"ASK {{ <{t}> a kg:Topic }}",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(port: int, path: str) -> None:
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not come up")


def load(port: int, queries: list[str], seconds: float, clients: int) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.time() + seconds

    def client(i: int) -> None:
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < stop:
            body = urllib.parse.urlencode({"query": rng.choice(queries)})
            t = time.perf_counter()
            try:
                conn.request("POST", "/query" if port in OXI_PORTS else "/sparql", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json",
                })
                r = conn.getresponse()
                data = r.read()
                ok, err = r.status == 200, f"HTTP {r.status}: {data[:200]!r}"
                if ok:
                    json.loads(data)
            except Exception as exc:  # noqa: BLE001
                ok, err = False, repr(exc)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            dt = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(dt)
                if not ok:
                    errors.append(err)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, errors


OXI_PORTS: set[int] = set()


def serve_vs_oxigraph(env: dict[str, str], store_dir: Path, queries: list[str], seconds: float, rounds: int, clients: int) -> None:
    if OXIGRAPH is None:
        print("\n(no oxigraph binary: pip install oxigraph)")
        return
    kg_port, oxi_port = free_port(), free_port()
    OXI_PORTS.add(oxi_port)
    servers = {
        "kg serve": subprocess.Popen([PY, "-m", "kg", "serve", "--port", str(kg_port)], env=env, cwd=WORK, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        "oxigraph serve-read-only": subprocess.Popen(
            [OXIGRAPH, "serve-read-only", "--location", str(store_dir), "--bind", f"127.0.0.1:{oxi_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    }
    ports = {"kg serve": kg_port, "oxigraph serve-read-only": oxi_port}
    try:
        wait_up(kg_port, "/void")
        wait_up(oxi_port, "/")
        results: dict[str, list[tuple[float, list[float], list[str]]]] = {k: [] for k in servers}
        for name in servers:  # warm-up
            load(ports[name], queries, 1.0, clients)
        for _ in range(rounds):
            for name in servers:
                t = time.perf_counter()
                lat, err = load(ports[name], queries, seconds, clients)
                results[name].append((time.perf_counter() - t, lat, err))
        print(f"\n{clients} clients, {len(queries)} queries at random, {rounds} interleaved rounds of {seconds:.0f} s")
        print(f"{'server':<26} {'q/s median [min-max]':>24} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        qps_med = {}
        p99s = {}
        for name, rs in results.items():
            qps = [len(lat) / el for el, lat, _ in rs]
            lat = sorted(x for _, la, _ in rs for x in la)
            pct = lambda q: lat[min(len(lat) - 1, int(q / 100 * len(lat)))]  # noqa: E731
            errs = [e for _, _, es in rs for e in es]
            qps_med[name], p99s[name] = statistics.median(qps), pct(99)
            print(f"{name:<26} {statistics.median(qps):>9.0f} [{min(qps):.0f}-{max(qps):.0f}] {pct(50):>8.1f} {pct(99):>8.1f} {len(errs):>7}")
            if errs:
                print("   first error:", errs[0][:200])
        k, o = "kg serve", "oxigraph serve-read-only"
        print(f"kg serve / oxigraph: throughput {qps_med[k] / qps_med[o]:.2f}x, p99 {p99s[k] / p99s[o]:.2f}x")
    finally:
        for proc in servers.values():
            proc.terminate()
            proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--load-seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--mix", choices=["simple", "shipped"], default="simple")
    ap.add_argument("--skip-queries", action="store_true")
    ap.add_argument("--queries", help="comma-separated shipped query names (default: all)")
    ap.add_argument("--budget", type=float, default=60, help="seconds one run of a query may take")
    ap.add_argument("--baseline", help="another kg checkout: its shipped queries run side by side (speedup)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.store, args.one, json.loads(args.params), args.runs, args.baseline)
        return
    versions = code_versions(None)
    data, p = synthetic(triples=args.triples)
    env = kg_env(versions[0][1], WORK / "cache" / "kg", data)
    store_dir = store_of(env)
    texts = [] if args.skip_queries else compare(
        store_dir, p, args.runs, args.budget, args.queries.split(",") if args.queries else None, args.baseline
    )
    if args.load_seconds > 0:
        queries = simple_mix(p) if args.mix == "simple" else [
            V.sparql_prologue() + q.render(**params_for(q, p)) for q in library().values()
        ]
        serve_vs_oxigraph(env, store_dir, queries, args.load_seconds, args.rounds, args.clients)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
