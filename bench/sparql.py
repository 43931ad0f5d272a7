"""SPARQL speed: kg against raw pyoxigraph and rdflib, and `kg serve` under load.

    python bench/sparql.py [--runs 5] [--triples 1000000] [--load-seconds 60] [--clients 8]

1. Every shipped query on the shipped graph and on a synthetic graph of about
   ``--triples`` triples with kg's shape (topics with prerequisites, courses, lectures,
   readings), run three ways in one process, interleaved: kg (``kg.sparql.execute``:
   checks + JSON results), raw pyoxigraph (``Store.query`` + its own JSON serializer),
   and rdflib's in-memory ``Graph.query`` + JSON. Medians and ratios.
2. ``kg serve`` as a real process with ``--clients`` threads sending shipped queries for
   ``--load-seconds``: queries/s, latency percentiles, errors, server memory (the server
   process and its query workers) at start and end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg import vocab as V
from kg.graph import KnowledgeGraph
from kg.queries import library
from kg.sparql import execute

KG = V.KG


def synthetic_store(target: int, seed: int = 5) -> ox.Store:
    """A kg-shaped graph of about ``target`` triples."""
    rng = random.Random(seed)
    N = ox.NamedNode
    T = N(V.RDF.type)
    quads: list[ox.Quad] = []
    add = lambda s, p, o: quads.append(ox.Quad(s, p, o))  # noqa: E731
    n_topics = max(200, target // 50)
    topics = [N(V.topic_iri(f"t{i}")) for i in range(n_topics)]
    scheme = N(V.SCHEME)
    for i, t in enumerate(topics):
        add(t, T, N(KG.Topic))
        add(t, N(V.SKOS.prefLabel), ox.Literal(f"Topic {i}", language="en"))
        add(t, N(V.SKOS.definition), ox.Literal(f"Definition of topic {i}.", language="en"))
        add(t, N(V.SKOS.inScheme), scheme)
        if i:
            add(t, N(V.SKOS.broader), topics[rng.randrange(max(0, i - 50), i)])
        for j in {rng.randrange(max(0, i - 40), i) for _ in range(rng.randint(0, 2))} if i else ():
            pre = topics[j]
            q = N(V.prerequisite_iri(f"t{i}", f"t{j}"))
            add(t, N(KG.requires), pre)
            add(q, T, N(KG.Prerequisite))
            add(q, N(KG.topic), t)
            add(q, N(KG.prerequisite), pre)
            add(q, N(KG.reason), ox.Literal("Because.", language="en"))
    course_i = 0
    while len(quads) < target:
        cid = f"c{course_i}"
        c = N(V.course_iri(cid))
        add(c, T, N(KG.Course))
        add(c, N(V.SCHEMA.name), ox.Literal(f"Course {course_i}"))
        add(c, N(V.SCHEMA.courseCode), ox.Literal(f"C{course_i}"))
        base = rng.randrange(0, n_topics - 60)
        for n in range(1, 27):
            lec = N(V.lecture_iri(cid, n))
            add(lec, T, N(KG.Lecture))
            add(lec, N(V.SCHEMA.name), ox.Literal(f"Lecture {n}"))
            add(lec, N(V.SCHEMA.isPartOf), c)
            add(lec, N(KG.position), ox.Literal(str(n), datatype=N(V.XSD.integer)))
            add(lec, N(KG.speaker), N(V.person_iri(f"p{rng.randrange(1000)}")))
            for k in range(rng.randint(1, 4)):
                add(lec, N(KG.covers), topics[base + rng.randrange(60)])
            if rng.random() < 0.5:
                r = N(V.reading_iri(f"r{rng.randrange(5000)}"))
                ra = N(V.reading_assignment_iri(cid, n, 1))
                add(r, T, N(KG.Reading))
                add(r, N(V.SCHEMA.name), ox.Literal("A reading"))
                add(r, N(KG.kind), ox.Literal("paper"))
                add(lec, N(KG.reads), r)
                add(ra, T, N(KG.ReadingAssignment))
                add(ra, N(KG.lecture), lec)
                add(ra, N(KG.item), r)
                add(ra, N(KG.optional), ox.Literal("false", datatype=N(V.XSD.boolean)))
        course_i += 1
    store = ox.Store()
    store.bulk_extend(quads)
    return store


def rdflib_graph(store: ox.Store):  # type: ignore[no-untyped-def]
    from rdflib import Graph

    g = Graph()
    g.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
    return g


RDFLIB_TIMEOUT = 60


@contextlib.contextmanager
def deadline(seconds: int):  # type: ignore[no-untyped-def]
    """Interrupt pure-Python work (rdflib) after ``seconds``."""

    def fire(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def median_ms(fn, runs: int, budget_s: float = 60.0) -> float:  # type: ignore[no-untyped-def]
    times = []
    start = time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - start > budget_s:
            break
    return statistics.median(times)


def compare(store: ox.Store, label: str, runs: int, with_rdflib: bool) -> None:
    print(f"\n== {label}: {len(store)} triples ==")
    prologue = V.sparql_prologue()
    graph = rdflib_graph(store) if with_rdflib else None
    print(f"{'query':<24} {'kg ms':>8} {'oxigraph':>9} {'rdflib':>9} {'kg/oxi':>7} {'rdflib/kg':>10}")
    kg_all, oxi_all, rdf_all = [], [], []
    for name, q in library().items():
        params = {k: ("t10" if k.endswith("topic") and label != "shipped" else v) for k, v in q.params.items()}
        if label != "shipped":
            params = {k: ("c1" if k.endswith("course") and not k.startswith("other") else "c2" if k.endswith("course") else v) for k, v in params.items()}
        text = q.render(**params)
        kg_ms = median_ms(lambda: execute(store, text, "json"), runs)
        oxi_ms = median_ms(
            lambda: store.query(text, prefixes=V.PREFIXES).serialize(format=ox.QueryResultsFormat.JSON), runs  # type: ignore[union-attr]
        )
        rdf_ms = float("nan")
        if graph is not None:
            try:
                with deadline(RDFLIB_TIMEOUT):
                    rdf_ms = median_ms(lambda: graph.query(prologue + text).serialize(format="json"), max(1, runs // 2), budget_s=60)
            except TimeoutError:
                print(f"   (rdflib did not finish {name} within {RDFLIB_TIMEOUT} s)")
            except Exception as exc:  # noqa: BLE001 - rdflib cannot run some valid queries
                print(f"   (rdflib failed on {name}: {type(exc).__name__}: {str(exc)[:80]})")
        kg_all.append(kg_ms)
        oxi_all.append(oxi_ms)
        rdf_all.append(rdf_ms)
        print(f"{name:<24} {kg_ms:>8.1f} {oxi_ms:>9.1f} {rdf_ms:>9.1f} {kg_ms / oxi_ms:>7.2f} {rdf_ms / kg_ms:>10.1f}")
    tot_kg, tot_oxi = sum(kg_all), sum(oxi_all)
    line = f"{'all queries (sum)':<24} {tot_kg:>8.1f} {tot_oxi:>9.1f}"
    if graph is not None:
        ok = [(k, r) for k, r in zip(kg_all, rdf_all) if r == r]  # rdflib-answerable queries
        tot_kg_ok = sum(k for k, _ in ok)
        tot_rdf = sum(r for _, r in ok)
        line += f" {tot_rdf:>9.1f} {tot_kg / tot_oxi:>7.2f} {tot_rdf / tot_kg_ok:>10.1f}  (rdflib ratio over the {len(ok)} queries it answers)"
    else:
        line += f" {'-':>9} {tot_kg / tot_oxi:>7.2f}"
    print(line)
    ratios = [k / o for k, o in zip(kg_all, oxi_all)]
    print(f"median per-query kg/oxigraph ratio: {statistics.median(ratios):.2f}")


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the query workers)."""
    total = 0
    pids = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(k) for k in kids]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def load_test(seconds: float, clients: int) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "KG_CACHE_DIR": tempfile.mkdtemp(prefix="kg-bench-")}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port)], env=env, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/void", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    queries = [q.render() for q in library().values()]
    mem_start = rss_kb(proc.pid)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.time() + seconds

    def client(i: int) -> None:
        rng = random.Random(i)
        while time.time() < stop:
            url = base + "/sparql?" + urllib.parse.urlencode({"query": rng.choice(queries)})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    json.loads(r.read())
                ok = True
            except Exception as exc:  # noqa: BLE001
                ok = False
                err = str(exc)
            dt = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(dt)
                if not ok:
                    errors.append(err)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    mem_end = rss_kb(proc.pid)
    proc.terminate()
    proc.wait(10)
    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))]  # noqa: E731
    print(f"\n== kg serve: {clients} clients for {elapsed:.0f} s, shipped queries at random ==")
    print(f"requests {len(lat)}, {len(lat) / elapsed:.1f} queries/s, errors {len(errors)}")
    print(f"latency ms: p50 {pct(50):.1f}  p90 {pct(90):.1f}  p99 {pct(99):.1f}  max {lat[-1]:.1f}")
    print(f"server memory (RSS, server + workers): start {mem_start / 1024:.0f} MiB, end {mem_end / 1024:.0f} MiB")
    if errors:
        print("first error:", errors[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--load-seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--no-rdflib-large", action="store_true", help="skip rdflib on the synthetic graph")
    args = ap.parse_args()
    compare(KnowledgeGraph.open().store, "shipped", args.runs, with_rdflib=True)
    t = time.perf_counter()
    big = synthetic_store(args.triples)
    print(f"\n(synthetic graph built in {time.perf_counter() - t:.1f} s)")
    compare(big, "synthetic", args.runs, with_rdflib=not args.no_rdflib_large)
    if args.load_seconds > 0:
        load_test(args.load_seconds, args.clients)


if __name__ == "__main__":
    main()
