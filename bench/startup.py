"""Start-up: wall time of kg commands on the shipped data beside honest floors.

    python bench/startup.py [--runs N] [--baseline DIR] [--no-cold]

Every case is a fresh process (``python -m kg ...`` from this checkout, with a built
cache: "warm"), run ``N`` times interleaved round-robin with its floors so that machine
noise hits every case alike; each is reported as median [min-max] and as a ratio of its
median to each floor's median. The floors are processes that only import what the
command cannot do without:

- ``import click``: ``kg --help`` (and, as a lower bound, ``kg show``).
- ``import click, networkx``: ``kg path``; the issue's goal is ``kg path backprop
  transformers`` within 1.2x of this one.
- ``import click, pyoxigraph`` + opening the built store read-only: ``kg show`` and
  ``kg export``, which never import networkx; for ``kg export`` also the same + the
  store's own N-Triples dump of the default graph (to /dev/null), the work no export
  can skip.
- the same + ``networkx``: everything ``kg path`` must do before its own work.
- ``import click, networkx`` with the cyclic garbage collector paused and every object
  frozen before the exit, as kg's lookups run (the interpreter's exit otherwise walks
  all of networkx's objects once more): not the goal's floor, printed so that what kg
  gains from the collector, and what its own work costs, shows.

Bytecode is compiled for kg (and the baseline) before timing, as it is for the floors'
packages in the venv. "cold" runs start with an empty cache directory, so they include
the full build. The load average is printed before and after: on a loaded machine only
the ratios of one run mean much, and the CPU time (user + system, all threads) of each
process is printed beside its wall time, since waiting for a CPU does not count in it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from common import PY, WORK, Case, code_versions, fmt_s, kg_env

CLICK = "import click"
CLICK_NX = "import click, networkx"
OPEN = "import sys, click, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1])"
OPEN_DUMP = (
    "import sys, click, pyoxigraph; s = pyoxigraph.Store.read_only(sys.argv[1]); "
    "sys.stdout.buffer.write(s.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()))"
)
OPEN_NX = "import sys, click, networkx, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1])"
CLICK_NX_NO_GC = "import gc; gc.disable(); import click, networkx; gc.freeze()"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def interleave(cases: list[Case], runs: int, cpu: dict[str, list[float]]) -> None:
    """``common.interleave`` for processes, also keeping each run's CPU seconds."""
    for i in range(1 + runs):  # one warm-up round
        for c in cases:
            if c.before is not None:
                c.before()
            assert c.argv is not None
            t = time.perf_counter()
            proc = subprocess.Popen(c.argv, env=c.env, cwd=WORK, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - t
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"{' '.join(c.argv)} failed: {err.strip()[-2000:]}")
            if i:
                c.times.append(elapsed)
                cpu.setdefault(c.name, []).append(usage.ru_utime + usage.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--baseline", help="another kg checkout to run side by side")
    ap.add_argument("--no-cold", action="store_true", help="leave out the cold (build) runs")
    args = ap.parse_args()
    versions = code_versions(args.baseline)
    from paths import store_of

    WORK.mkdir(parents=True, exist_ok=True)
    warm = {name: kg_env(code, WORK / "cache" / f"{name}-shipped") for name, code in versions}
    store = str(store_of(warm["kg"]))
    for env in warm.values():
        store_of(env)
    f_click = Case(f'floor: python -c "{CLICK}"', argv=[PY, "-c", CLICK])
    f_nx = Case(f'floor: python -c "{CLICK_NX}"', argv=[PY, "-c", CLICK_NX])
    f_open = Case("floor: import click, pyoxigraph; open store", argv=[PY, "-c", OPEN, store])
    f_open_nx = Case("floor: ... + networkx", argv=[PY, "-c", OPEN_NX, store])
    f_nx_no_gc = Case("floor: import click, networkx; collector as kg's", argv=[PY, "-c", CLICK_NX_NO_GC])
    f_dump = Case("floor: ... open store; dump N-Triples", argv=[PY, "-c", OPEN_DUMP, store])
    floors = [f_click, f_nx, f_open, f_open_nx, f_nx_no_gc, f_dump]
    # (case, the floors it is compared with)
    rows: list[tuple[Case, list[Case]]] = []
    commands = [
        ("--help", ["--help"], [f_click]),
        ("show backpropagation", ["show", "backpropagation"], [f_click, f_open]),
        ("export --format nt", ["export", "--format", "nt"], [f_open, f_dump]),
        ("path backprop transformers", ["path", "backprop", "transformers"], [f_nx, f_open_nx, f_nx_no_gc]),
    ]
    cold_dir = WORK / "cold"
    for name, code in versions:
        for label, argv, fl in commands:
            rows.append((Case(f"{name} {label}", argv=[PY, "-m", "kg", *argv], env=warm[name]), fl))
        if not args.no_cold:
            c = Case(
                f"{name} show backpropagation (cold)",
                argv=[PY, "-m", "kg", "show", "backpropagation"],
                env=kg_env(code, cold_dir / name),
                before=lambda n=name: shutil.rmtree(cold_dir / n, ignore_errors=True),  # type: ignore[misc]
            )
            rows.append((c, [f_open]))
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} cpus; before: {load()}")
    cpu: dict[str, list[float]] = {}
    interleave([*floors, *(c for c, _ in rows)], args.runs, cpu)
    print(f"\nshipped data, warm cache unless marked; {args.runs} interleaved runs; median [min-max]; after: {load()}")
    print(f"{'case':<46} {'wall time':>20} {'CPU time':>20}  wall, CPU: ratio of medians to floors")
    for f in floors:
        print(f"{f.name:<46} {fmt_s(f.times):>20} {fmt_s(cpu[f.name]):>20}")
    for c, fl in rows:
        ratios = "  ".join(
            f"{statistics.median(c.times) / statistics.median(f.times):4.2f}x "
            f"{statistics.median(cpu[c.name]) / statistics.median(cpu[f.name]):4.2f}x {_short(f, floors)}"
            for f in fl
        )
        print(f"{c.name:<46} {fmt_s(c.times):>20} {fmt_s(cpu[c.name]):>20}  {ratios}")
    print("\nfloors: " + "; ".join(f"{_short(f, floors)} = {f.name[7:]}" for f in floors))


def _short(f: Case, floors: list[Case]) -> str:
    return f"F{floors.index(f) + 1}"


if __name__ == "__main__":
    main()
