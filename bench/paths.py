"""Learning plans on a synthetic prerequisite DAG, and `kg path` against the floor.

    python bench/paths.py [--topics 100000] [--runs 9]

1. Builds a layered random DAG shaped like a curriculum (each topic requires 1-3 topics
   from the few hundred before it), then times ``kg.algorithms.paths.learning_plan`` for targets
   whose plans range from small to large: median ms and plan sizes.
2. Loads the same DAG as kg RDF into a pyoxigraph store and times the whole library
   plan (``kg.plan.plan``: SPARQL property-path fetch of the needed subgraph, ordering,
   where-taught lookups).
3. Times ``kg path backprop transformers`` as a process against
   ``python -c "import click, networkx"`` (the floor), interleaved, medians and ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import networkx as nx

from kg.algorithms import paths

PY = sys.executable


def synthetic_dag(n: int, shape: str = "curriculum", seed: int = 7) -> nx.DiGraph:
    """A random prerequisite DAG of ``n`` topics.

    ``curriculum``: 100 fields of n/100 topics; each topic requires 1-3 of the 40 topics
    before it in its field, and one time in twenty a topic of a shared core (the first
    field), like a catalogue of courses over common foundations.
    ``deep``: each topic requires 1-3 of the 300 topics before it in one long sequence,
    so late topics have tens of thousands of ancestors (a worst case, not a curriculum).
    """
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    if shape == "deep":
        for v in range(1, n):
            window = range(max(0, v - 300), v)
            for u in rng.sample(window, min(len(window), rng.randint(1, 3))):
                G.add_edge(u, v)
        return G
    size = max(1, n // 100)
    for v in range(n):
        start = (v // size) * size
        window = range(max(start, v - 40), v)
        for u in rng.sample(window, min(len(window), rng.randint(1, 3))):
            G.add_edge(u, v)
        if v >= size and rng.random() < 0.05:
            G.add_edge(rng.randrange(size), v)
    return G


def ms(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def bench_algorithm(G: nx.DiGraph, runs: int) -> None:
    print(f"synthetic DAG: {G.number_of_nodes()} topics, {G.number_of_edges()} edges; learning_plan:")
    rng = random.Random(1)
    n = G.number_of_nodes()
    print(f"{'target':>8} {'known':>6} {'plan size':>10} {'median ms':>10}")
    for target in sorted(rng.sample(range(n // 100, n), 6)):
        known = [max(0, target - 150)]
        t, plan = ms(lambda: paths.learning_plan(G, target, known), runs)
        print(f"{target:>8} {len(known):>6} {len(plan):>10} {t:>10.1f}")  # type: ignore[arg-type]


def bench_library(G: nx.DiGraph, runs: int) -> None:
    import pyoxigraph as ox

    from kg import vocab as V
    from kg.graph import KnowledgeGraph
    from kg.plan import plan
    from kg.build.store import Built

    store = ox.Store()
    T, L, R = ox.NamedNode(V.RDF.type), ox.NamedNode(V.SKOS.prefLabel), ox.NamedNode(V.KG.requires)
    topic = ox.NamedNode(V.KG.Topic)
    quads = []
    for v in G:
        node = ox.NamedNode(V.topic_iri(f"t{v}"))
        quads += [ox.Quad(node, T, topic), ox.Quad(node, L, ox.Literal(f"Topic {v}", language="en"))]
        for u in G.predecessors(v):
            quads.append(ox.Quad(node, R, ox.NamedNode(V.topic_iri(f"t{u}"))))
    t = time.perf_counter()
    store.bulk_extend(quads)
    print(f"\nkg.plan.plan over a pyoxigraph store ({len(store)} triples, loaded in {time.perf_counter() - t:.1f}s)")
    kg = KnowledgeGraph.from_built(Built(store, data_dir=tempfile.gettempdir(), key="synthetic", path=None, manifest={}, rebuilt=False))  # type: ignore[arg-type]
    kg.resolve_topic("t1")  # name index, built once per process
    rng = random.Random(2)
    n = G.number_of_nodes()
    print(f"{'target':>8} {'plan size':>10} {'median ms':>10}")
    for target in sorted(rng.sample(range(n // 100, n), 4)):
        frm = f"t{max(0, target - 150)}"
        t_ms, p = ms(lambda: plan(kg, frm, f"t{target}"), max(3, runs // 3))
        print(f"{target:>8} {len(p['steps']):>10} {t_ms:>10.1f}")  # type: ignore[index]


def bench_command(runs: int) -> None:
    env = {**os.environ, "KG_CACHE_DIR": tempfile.mkdtemp(prefix="kg-bench-")}
    env.pop("KG_DATA", None)
    cases = [
        ("floor: import click, networkx", [PY, "-c", "import click, networkx"]),
        ("kg path backprop transformers", [PY, "-m", "kg", "path", "backprop", "transformers"]),
    ]
    subprocess.run(cases[1][1], env=env, check=True, capture_output=True)  # warm the cache
    samples: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(runs):
        for name, argv in cases:
            t = time.perf_counter()
            subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
            samples[name].append(time.perf_counter() - t)
    floor = statistics.median(samples[cases[0][0]])
    print(f"\n{'command':<32} {'median':>8} {'x floor':>8}   ({runs} interleaved runs)")
    for name, _ in cases:
        med = statistics.median(samples[name])
        print(f"{name:<32} {med * 1000:>6.0f}ms {med / floor:>8.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--topics", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    for shape in ("curriculum", "deep"):
        print(f"== {shape} ==")
        G = synthetic_dag(args.topics, shape)
        bench_algorithm(G, args.runs)
        if shape == "curriculum":
            bench_library(G, args.runs)
        print()
    bench_command(args.runs)


if __name__ == "__main__":
    main()
