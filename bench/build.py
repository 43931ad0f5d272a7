"""`kg build` against pyoxigraph's bulk loader: wall time and peak memory.

    python bench/build.py [--triples 1000000 3000000] [--runs 3] [--baseline DIR]

For each size, a synthetic data dir (``bench/synth.py``) is built by ``kg build`` into
an empty cache directory, as a fresh process. The floor is a process that loads the
same graph (exported once as N-Triples) with ``Store.bulk_load`` into an on-disk store:
what storing these triples costs at least, without reading YAML or checking anything.
Runs are interleaved; the table gives median [min-max] wall time and peak RSS and the
ratios to the floor. Linearity: compare the per-million-triple times across sizes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess

from common import PY, WORK, Case, code_versions, interleave, kg_env, report, synthetic

FLOOR = """
import sys, pyoxigraph as ox
s = ox.Store(sys.argv[2])
s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
s.flush()
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", help="another kg checkout to run side by side")
    args = ap.parse_args()
    versions = code_versions(args.baseline)
    per_million: dict[str, list[tuple[int, float]]] = {}
    for size in args.triples:
        data, _ = synthetic(triples=size)
        tmp = WORK / "build"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        nt = tmp / "graph.nt"
        env = kg_env(versions[0][1], tmp / "export-cache", data)
        with nt.open("wb") as f:
            subprocess.run([PY, "-m", "kg", "export", "--format", "nt"], env=env, cwd=WORK, stdout=f, check=True)
        shutil.rmtree(tmp / "export-cache", ignore_errors=True)
        triples = sum(1 for _ in nt.open("rb"))

        def fresh(path: str) -> None:
            shutil.rmtree(tmp / path, ignore_errors=True)

        cases = [
            Case(
                "floor: Store.bulk_load(N-Triples) to disk",
                argv=[PY, "-c", FLOOR, str(nt), str(tmp / "floor-store")],
                floor=True,
                before=lambda: fresh("floor-store"),
            )
        ]
        for name, code in versions:
            cache = f"cache-{name}"
            cases.append(
                Case(
                    f"{name} build",
                    argv=[PY, "-m", "kg", "build"],
                    env=kg_env(code, tmp / cache, data),
                    before=lambda c=cache: fresh(c),  # type: ignore[misc]
                )
            )
        interleave(cases, args.runs, warmup=0)
        report(cases, f"build: {triples:,} triples ({data.name})", memory=True)
        for c in cases:
            per_million.setdefault(c.name, []).append((triples, statistics.median(c.times) / triples * 1e6))
    if len(args.triples) > 1:
        print("\nlinearity: seconds per million triples")
        for name, rows in per_million.items():
            print(f"{name:<46} " + "  ".join(f"{n / 1e6:.1f}M: {s:.2f}" for n, s in rows))


if __name__ == "__main__":
    main()
