"""Wall time of kg commands against the Python floor, measured side by side.

    python bench/startup.py [--runs N]

Each command runs N times as a fresh process, interleaved round-robin so machine noise
hits every command alike; the report gives medians and the ratio to the floor
(``python -c "import click, networkx"``, the imports any kg command needs anyway).
"Cold" runs start with an empty cache directory, so they include the full build.
Then prints the graph's counts per course.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PY = sys.executable


def timed(argv: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode().strip()}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()

    warm_cache = tempfile.mkdtemp(prefix="kg-bench-warm-")
    base = {**os.environ, "KG_CACHE_DIR": warm_cache}
    base.pop("KG_DATA", None)
    kg = [PY, "-m", "kg"]
    cases: list[tuple[str, list[str], bool]] = [
        ("floor: import click, networkx", [PY, "-c", "import click, networkx"], False),
        ("kg show backpropagation (warm)", [*kg, "show", "backpropagation"], False),
        ("kg export --format nt (warm)", [*kg, "export", "--format", "nt"], False),
        ("kg show backpropagation (cold)", [*kg, "show", "backpropagation"], True),
        ("kg export --format nt (cold)", [*kg, "export", "--format", "nt"], True),
    ]
    timed([*kg, "build"], base)  # fill the warm cache
    samples: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(args.runs):
        for name, argv, cold in cases:
            env = base
            if cold:
                fresh = tempfile.mkdtemp(prefix="kg-bench-cold-")
                env = {**base, "KG_CACHE_DIR": fresh}
            samples[name].append(timed(argv, env))
            if cold:
                shutil.rmtree(env["KG_CACHE_DIR"], ignore_errors=True)
    floor = statistics.median(samples[cases[0][0]])
    print(f"{'command':<34} {'median':>9} {'min':>9} {'max':>9} {'x floor':>8}   ({args.runs} runs each)")
    for name, _, _ in cases:
        s = samples[name]
        med = statistics.median(s)
        print(f"{name:<34} {med * 1000:>7.0f}ms {min(s) * 1000:>7.0f}ms {max(s) * 1000:>7.0f}ms {med / floor:>8.2f}")
    shutil.rmtree(warm_cache, ignore_errors=True)
    print()
    counts()


def counts() -> None:
    from kg.graph import KnowledgeGraph

    g = KnowledgeGraph.open()
    rows = g.select(
        """SELECT ?c (COUNT(DISTINCT ?lec) AS ?lectures) (COUNT(DISTINCT ?t) AS ?topics) WHERE {
             ?c a kg:Course . ?lec schema:isPartOf ?c ; a kg:Lecture .
             OPTIONAL { ?lec kg:covers ?t }
           } GROUP BY ?c ORDER BY ?c"""
    )
    print(f"{'course':<22} {'lectures':>8} {'topics':>7} {'edges':>6} {'triples':>8}")
    for r in rows:
        c = r["c"]
        # prerequisite edges among the topics the course covers
        edges = g.select(
            f"""SELECT (COUNT(*) AS ?n) WHERE {{
                  {{ SELECT DISTINCT ?a ?b WHERE {{
                      ?la schema:isPartOf <{c}> ; kg:covers ?a .
                      ?lb schema:isPartOf <{c}> ; kg:covers ?b .
                      ?a kg:requires ?b }} }} }}"""
        )[0]["n"]
        triples = g.select(
            f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o .
                  FILTER(?s = <{c}> || STRSTARTS(STR(?s), CONCAT(STR(<{c}>), "/"))) }}"""
        )[0]["n"]
        print(f"{c.rsplit('/', 1)[-1]:<22} {r['lectures']:>8} {r['topics']:>7} {int(edges):>6} {int(triples):>8}")
    m = g.manifest
    print(
        f"{'whole graph':<22} {m['lectures']:>8} {m['topics']:>7} {m['prerequisites']:>6} {m['triples']:>8}"
        "   (topics = vocabulary size, edges = all requires edges, triples incl. ontology)"
    )


if __name__ == "__main__":
    main()
