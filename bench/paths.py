"""`kg path` at scale and on the shipped data, each beside its floor.

    python bench/paths.py [--topics 100000] [--runs 5] [--baseline DIR] [--baseline-runs 1]

1. A synthetic data dir of ``--topics`` topics (``bench/synth.py``: topics with reasons
   on every ``kg:Prerequisite``, courses, lectures, readings, books), built once per kg
   version. ``kg path`` runs as a fresh process for a short plan (FROM TO, a handful of
   steps), a medium plan (``- TOPIC``, about 600 steps) and a large one (``- TOPIC``,
   tens of thousands of steps). The floor is a process that imports what ``kg path``
   needs (click, networkx, pyoxigraph) and opens the same store read-only. Wall time,
   CPU seconds (user + system) and peak RSS, interleaved, median [min-max], with the
   load average at the end of each table.
2. ``kg path backprop transformers`` on the shipped data against
   ``python -c "import click, networkx"`` (the floor the goal names) and against the
   imports + open-store floor.

``--baseline DIR`` runs another kg checkout side by side (its slow cases only
``--baseline-runs`` times).

On a built store ``kg path`` reads the plan's graph, labels, reasons and lectures from
the plan index the build writes beside it (``kg.build.planindex``); the floor opens the
store alone, so what reading the index costs is on kg's side of the ratio. The build's
own cost of writing it shows in ``bench/build.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

from common import PY, WORK, Case, code_versions, interleave, kg_env, report, synthetic

OPEN = "import sys, click, networkx, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1])"


def load() -> str:
    """The machine's load average, to read the table beside (CPU seconds move less
    with it than wall time)."""
    return "(load %.1f %.1f %.1f)" % os.getloadavg()


def store_of(env: dict[str, str]) -> Path:
    """Build (if needed) and return the store directory kg uses for ``env``."""
    subprocess.run([PY, "-m", "kg", "build"], env=env, cwd=WORK, check=True, stdout=subprocess.DEVNULL)
    graphs = Path(env["KG_CACHE_DIR"]) / "graphs"
    data = str(Path(env.get("KG_DATA", "")).resolve()) if env.get("KG_DATA") else None
    for entry in graphs.iterdir():
        manifest = entry / "manifest.json"
        if manifest.is_file() and (data is None or json.loads(manifest.read_text())["data_dir"] == data):
            return entry / "store"
    raise SystemExit(f"no built store under {graphs}")


def check_not_rebuilt(stores: dict[str, Path], when: str) -> None:
    """Stop when a store the timed runs used was built again meanwhile. The cache key
    hashes kg's build code (``kg/build`` and every module it imports, ``kg/graph.py``
    among them), so editing one of those while this runs makes the next ``kg path``
    rebuild the store inside its timed run: minutes, and a peak RSS of the build's
    (about 1.8 GB at 100,000 topics) instead of the plan's."""
    for name, store in stores.items():
        if not (store / "CURRENT").is_file():
            raise SystemExit(f"{name}: the store {store} was replaced {when} (kg's build code changed?): "
                             "the timings above include a build; run again with the code left alone")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--topics", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", help="another kg checkout to run side by side")
    ap.add_argument("--baseline-runs", type=int, default=1, help="runs of the baseline's slow cases")
    ap.add_argument("--large-runs", type=int, default=1, help="runs of the largest plan")
    ap.add_argument("--skip-synthetic", action="store_true")
    args = ap.parse_args()
    versions = code_versions(args.baseline)

    if not args.skip_synthetic:
        data, p = synthetic(topics=args.topics)
        print(f"data: {data} ({args.topics} topics); plans: short {p['short_from']} -> {p['short_to']}, "
              f"medium - {p['medium']} ({p['medium_size']} steps), large - {p['large']} ({p['large_size']} steps)")
        envs = {name: kg_env(code, WORK / "cache" / name, data) for name, code in versions}
        store = store_of(envs["kg"])
        stores = {name: store_of(env) for name, env in envs.items()}
        floor = Case("floor: imports + open store", argv=[PY, "-c", OPEN, str(store)], floor=True)
        for label, argv in [
            ("short plan", ["path", str(p["short_from"]), str(p["short_to"])]),
            ("short plan, by label", ["path", str(p["short_from"]), str(p["short_to_label"])]),
            (f"{p['medium_size']}-step plan", ["path", "-", str(p["medium"])]),
            (f"{p['large_size']}-step plan", ["path", "-", str(p["large"])]),
        ]:
            cases = [floor]
            for name, env in envs.items():
                cases.append(Case(f"{name} {' '.join(argv[:1])} ({label})", argv=[PY, "-m", "kg", *argv], env=env))
            slow = "step" in label and args.baseline
            fresh = [Case(c.name, argv=c.argv, env=c.env, floor=c.floor) for c in cases]
            if label.startswith(f"{p['large_size']}-"):
                # tens of thousands of steps: --large-runs rounds, no warm-up round
                interleave(fresh, args.large_runs, warmup=0)
            elif slow:
                # The baseline's big plans take minutes: run them fewer times.
                base = [c for c in fresh if "@baseline" in c.name]
                rest = [c for c in fresh if "@baseline" not in c.name]
                interleave(rest, args.runs)
                interleave(base, args.baseline_runs, warmup=0)
                fresh = rest + base
            else:
                interleave(fresh, args.runs)
            report(fresh, f"kg path, {label} {load()}", memory=True, cpu=True)
            check_not_rebuilt(stores, f"while timing the {label}")

    shipped = {name: kg_env(code, WORK / "cache" / f"{name}-shipped") for name, code in versions}
    store = store_of(shipped["kg"])
    cases = [
        Case('floor: python -c "import click, networkx"', argv=[PY, "-c", "import click, networkx"], floor=True),
        Case("floor: imports + open store", argv=[PY, "-c", OPEN, str(store)]),
    ]
    for name, env in shipped.items():
        store_of(env)
        cases.append(Case(f"{name} path backprop transformers", argv=[PY, "-m", "kg", "path", "backprop", "transformers"], env=env))
    interleave(cases, args.runs * 2)
    report(cases, f"kg path backprop transformers, shipped data {load()}", memory=True, cpu=True)


if __name__ == "__main__":
    main()
