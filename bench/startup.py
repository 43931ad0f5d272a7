"""Wall time of kg commands on the shipped data against honest floors, side by side.

    python bench/startup.py [--runs N] [--baseline DIR]

Each command runs N times as a fresh process, interleaved round-robin so machine noise
hits every command alike; medians [min-max] and the ratio to each command's floor:

- ``kg show`` and ``kg export`` never import networkx: their floor is
  ``python -c "import click, pyoxigraph"`` plus opening the built store read-only.
- ``kg path`` orders topics: its floor also imports networkx.
- "cold" runs start with an empty cache directory, so they include the full build.

Bytecode is compiled for kg (and the baseline) before timing, as it is for the floors'
packages in the venv.
"""

from __future__ import annotations

import argparse
import shutil
import statistics

from common import PY, WORK, Case, code_versions, interleave, kg_env

OPEN = "import sys, click, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1])"
OPEN_NX = "import sys, click, networkx, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1])"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--baseline", help="another kg checkout to run side by side")
    args = ap.parse_args()
    versions = code_versions(args.baseline)
    from paths import store_of

    rows: list[tuple[Case, Case]] = []  # (case, its floor)
    warm = {name: kg_env(code, WORK / "cache" / f"{name}-shipped") for name, code in versions}
    store = str(store_of(warm["kg"]))
    for env in warm.values():
        store_of(env)
    floor = Case('floor: import click, pyoxigraph; open store', argv=[PY, "-c", OPEN, store])
    floor_nx = Case('floor: ... + networkx', argv=[PY, "-c", OPEN_NX, store])
    cases = [floor, floor_nx]
    cold_dir = WORK / "cold"
    for name, code in versions:
        for label, argv, f in [
            ("show backpropagation", ["show", "backpropagation"], floor),
            ("export --format nt", ["export", "--format", "nt"], floor),
            ("path backprop transformers", ["path", "backprop", "transformers"], floor_nx),
        ]:
            c = Case(f"{name} {label} (warm)", argv=[PY, "-m", "kg", *argv], env=warm[name])
            cases.append(c)
            rows.append((c, f))
        cold_env = kg_env(code, cold_dir / name)
        c = Case(
            f"{name} show backpropagation (cold)",
            argv=[PY, "-m", "kg", "show", "backpropagation"],
            env=cold_env,
            before=lambda n=name: shutil.rmtree(cold_dir / n, ignore_errors=True),  # type: ignore[misc]
        )
        cases.append(c)
        rows.append((c, floor))
    interleave(cases, args.runs)
    print(f"\nshipped data, {args.runs} interleaved runs; median [min-max]")
    print(f"{'command':<48} {'median':>8} {'min':>7} {'max':>7} {'floor':>8} {'x floor':>8}")
    for c in [floor, floor_nx]:
        s = c.times
        print(f"{c.name:<48} {statistics.median(s) * 1000:6.0f}ms {min(s) * 1000:5.0f}ms {max(s) * 1000:5.0f}ms")
    for c, f in rows:
        s, med_f = c.times, statistics.median(f.times)
        print(
            f"{c.name:<48} {statistics.median(s) * 1000:6.0f}ms {min(s) * 1000:5.0f}ms {max(s) * 1000:5.0f}ms "
            f"{'nx' if f is floor_nx else 'no nx':>8} {statistics.median(s) / med_f:8.2f}"
        )


if __name__ == "__main__":
    main()
