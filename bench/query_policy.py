"""Cost of the query policy (rdflib parse + algebra walk), uncached and cached.

Every query kg runs is parsed once by rdflib's SPARQL 1.1 parser before pyoxigraph runs
it; :func:`kg.sparql.parse_query` caches the decision by text (LRU, 512 entries). This
prints, per query, the median and min-max of an uncached parse and of a cached lookup,
beside the floor: pyoxigraph parsing and running the same query on an empty store.

    python bench/query_policy.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import pyoxigraph as ox

from kg import vocab as V
from kg.queries import library
from kg.sparql import parse_query


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(xs: list[float]) -> str:
    return f"{statistics.median(xs):7.2f} ms ({min(xs):.2f}-{max(xs):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    queries = {"simple-ask": "ASK { ?t a kg:Topic }"} | {q.name: q.render() for q in library().values()}
    empty = ox.Store()
    print(f"{'query':24} {'uncached parse':>28} {'cached':>28} {'oxigraph, empty store':>28}")
    for name, text in queries.items():
        def uncached() -> None:
            parse_query.cache_clear()
            parse_query(text)

        cold = timed(uncached, args.repeat)
        parse_query(text)
        warm = timed(lambda: parse_query(text), args.repeat)
        floor = timed(lambda: list(empty.query(text, prefixes=V.PREFIXES)) if not text.lstrip().upper().startswith("ASK") else empty.query(text, prefixes=V.PREFIXES), args.repeat)
        print(f"{name:24} {show(cold):>28} {show(warm):>28} {show(floor):>28}")


if __name__ == "__main__":
    main()
