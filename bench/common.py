"""Shared helpers for the benchmarks: interleaved process timing with peak memory,
medians with min-max, and the synthetic data directories.

Every benchmark runs its cases round-robin (case 1, case 2, ..., case 1, ...) so that
noise from other work on the machine hits every case alike, and reports each case as
``median [min-max]`` beside its floor. ``--baseline DIR`` (a checkout of another kg
version) adds the same kg cases run from that checkout, side by side in the same run.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PY = sys.executable
REPO = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("KG_BENCH_DIR", "/tmp/kg-bench"))

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402


@dataclass
class Case:
    """One thing to time: a process (``argv``) or an in-process callable (``fn``)."""

    name: str
    argv: list[str] | None = None
    env: dict[str, str] | None = None
    fn: Callable[[], object] | None = None
    floor: bool = False
    before: Callable[[], None] | None = None  # untimed set-up before each run
    times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)  # peak KiB per run (processes only)
    cpu: list[float] = field(default_factory=list)  # user + system seconds per run (processes only)


def run_process(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process run; raises when it fails."""
    elapsed, rss, _cpu = run_process_cpu(argv, env)
    return elapsed, rss


def run_process_cpu(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (user + system) of one process run;
    raises when it fails. On a machine others share, CPU seconds move less than wall."""
    WORK.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    # A neutral working directory: ``python -m kg`` puts the cwd first on sys.path, which
    # would shadow the checkout PYTHONPATH names.
    proc = subprocess.Popen(list(argv), env=env, cwd=WORK, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err.strip()[-2000:]}")
    return elapsed, int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def interleave(cases: list[Case], runs: int, warmup: int = 1) -> None:
    """Run every case ``runs`` times round-robin (after ``warmup`` untimed rounds)."""
    for i in range(warmup + runs):
        for c in cases:
            if c.before is not None:
                c.before()
            if c.fn is not None:
                t = time.perf_counter()
                c.fn()
                elapsed, rss, cpu = time.perf_counter() - t, 0, 0.0
            else:
                assert c.argv is not None
                elapsed, rss, cpu = run_process_cpu(c.argv, c.env)
            if i >= warmup:
                c.times.append(elapsed)
                if rss:
                    c.rss.append(rss)
                    c.cpu.append(cpu)


def fmt_s(values: list[float]) -> str:
    med = statistics.median(values)
    if med < 10:
        return f"{med * 1000:7.0f} ms [{min(values) * 1000:.0f}-{max(values) * 1000:.0f}]"
    return f"{med:7.1f} s [{min(values):.1f}-{max(values):.1f}]"


def fmt_mb(values: list[int]) -> str:
    if not values:
        return ""
    return f"{statistics.median(values) / 1024:6.0f} MB [{min(values) / 1024:.0f}-{max(values) / 1024:.0f}]"


def report(
    cases: list[Case], title: str, *, floor: str | None = None, memory: bool = False, cpu: bool = False
) -> None:
    """A table: each case's median [min-max] time (and peak memory, and with ``cpu`` its
    CPU seconds), and its ratio to ``floor`` (a case name; default: the first case
    marked ``floor``)."""
    base = next((c for c in cases if (c.name == floor if floor else c.floor)), None)
    runs = len(cases[0].times)
    print(f"\n{title}  ({runs} interleaved runs; median [min-max])")
    head = f"{'case':<46} {'time':>26} {'x floor':>8}"
    if cpu:
        head += f" {'CPU':>26} {'x floor':>8}"
    if memory:
        head += f" {'peak RSS':>24} {'x floor':>8}"
    print(head)
    for c in cases:
        med = statistics.median(c.times)
        line = f"{c.name:<46} {fmt_s(c.times):>26}"
        line += f" {med / statistics.median(base.times):8.2f}" if base else f" {'':>8}"
        if cpu:
            line += f" {fmt_s(c.cpu):>26}" if c.cpu else f" {'':>26}"
            if base and base.cpu and c.cpu:
                line += f" {statistics.median(c.cpu) / statistics.median(base.cpu):8.2f}"
            else:
                line += f" {'':>8}"
        if memory:
            line += f" {fmt_mb(c.rss):>24}"
            if base and base.rss and c.rss:
                line += f" {statistics.median(c.rss) / statistics.median(base.rss):8.2f}"
        print(line)


def compile_code(*roots: Path) -> None:
    """Bytecode for kg (and a baseline checkout), so no side pays for compiling."""
    for root in roots:
        compileall.compile_dir(str(root / "kg"), quiet=1)


def kg_env(code: Path, cache: Path, data: Path | None = None) -> dict[str, str]:
    """The environment for running kg from checkout ``code`` with cache dir ``cache``."""
    env = {**os.environ, "PYTHONPATH": str(code), "KG_CACHE_DIR": str(cache)}
    env.pop("KG_DATA", None)
    if data is not None:
        env["KG_DATA"] = str(data)
    return env


def synthetic(*, topics: int | None = None, triples: int | None = None) -> tuple[Path, dict[str, object]]:
    """A synthetic data dir (generated once, kept under ``$KG_BENCH_DIR``)."""
    name = f"topics-{topics}" if topics else f"triples-{triples}"
    out = WORK / "data" / name
    params = synth.ensure(out, topics=topics, triples=triples)
    return out, params


def code_versions(baseline: str | None) -> list[tuple[str, Path]]:
    """``[("kg", this checkout)]`` plus ``("kg@baseline", DIR)`` when given."""
    out = [("kg", REPO)]
    if baseline:
        out.append(("kg@baseline", Path(baseline).resolve()))
    compile_code(*(p for _, p in out))
    return out
