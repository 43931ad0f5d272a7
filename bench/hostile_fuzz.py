"""The long fuzzing run: tests/test_fuzz.py with 10,000 cases per property (or more).

The test run keeps each property to a few hundred cases; this runs them with
``KG_FUZZ_EXAMPLES`` set and random (not derandomized) generation, and prints how many
cases each property tried and how long it took. A failure prints hypothesis's shrunk
example. ::

    python bench/hostile_fuzz.py                 # 10,000 cases per property
    python bench/hostile_fuzz.py --cases 50000 -k policy
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("-k", default="", help="pytest -k expression: which properties")
    args = ap.parse_args()
    env = {**os.environ, "KG_FUZZ_EXAMPLES": str(args.cases), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", str(ROOT / "tests" / "test_fuzz.py"),
           "--durations=0", "-o", "addopts=", "--hypothesis-show-statistics"]
    if args.k:
        cmd += ["-k", args.k]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    print(f"{args.cases} cases per property, {time.perf_counter() - start:.0f} s, exit {proc.returncode}")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
