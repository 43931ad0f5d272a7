"""The build cache heals itself, builders take turns, and a kg:requires cycle closed by a
Turtle file stops every command with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import kg_process

TTL_CYCLE = (
    "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
    "<https://w3id.org/coursekg/id/topic/calculus> kg:requires <https://w3id.org/coursekg/id/topic/backpropagation> .\n"
)


def _entries(cache: Path) -> list[Path]:
    root = cache / "graphs"
    return sorted(p for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


def _built(run, mini: Path, cache: Path) -> Path:
    result = run("build", data=mini)
    assert result.exit_code == 0, result.output
    (entry,) = _entries(cache)
    return entry


def test_truncated_store_file_is_rebuilt(run, mini, cache):
    entry = _built(run, mini, cache)
    sst = max((entry / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    with sst.open("r+b") as f:
        f.truncate(100)
    # A real process: the warning goes to the kg.build logger, printed as one line.
    result = kg_process("--data", str(mini), "path", "calculus", "backpropagation")
    assert result.returncode == 0, result.stderr
    warnings = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(warnings) == 1 and "damaged" in warnings[0] and "rebuilding" in warnings[0], result.stderr
    again = kg_process("--data", str(mini), "path", "calculus", "backpropagation")
    assert again.returncode == 0 and again.stderr.strip() == ""  # healed: no second warning


def test_deleted_store_dir_is_rebuilt(run, mini, cache):
    import shutil

    entry = _built(run, mini, cache)
    shutil.rmtree(entry / "store")
    result = kg_process("--data", str(mini), "show", "calculus")
    assert result.returncode == 0, result.stderr
    assert "rebuilding" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (entry / "store").is_dir()


def test_garbled_manifest_is_rebuilt(run, mini, cache):
    entry = _built(run, mini, cache)
    (entry / "manifest.json").write_text("{not json")
    result = kg_process("--data", str(mini), "show", "calculus")
    assert result.returncode == 0 and "rebuilding" in result.stderr, result.stderr
    assert json.loads((entry / "manifest.json").read_text())["store_files"]


def test_stale_build_dirs_are_removed(run, mini, cache):
    (cache / "graphs" / ".build-killed").mkdir(parents=True)
    (cache / "graphs" / ".build-killed" / "junk").write_text("x")
    _built(run, mini, cache)
    assert not list((cache / "graphs").glob(".build-*"))


def test_concurrent_builders(mini, cache):
    """Four processes build the same fresh cache at once: all succeed, one store remains."""
    procs = [
        subprocess.Popen([sys.executable, "-m", "kg", "--data", str(mini), "build", "--force"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert len(_entries(cache)) == 1
    assert not list((cache / "graphs").glob(".build-*"))
    proc = kg_process("--data", str(mini), "path", "calculus", "backpropagation")
    assert proc.returncode == 0 and proc.stderr.strip() == "", proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("path", "calculus", "backpropagation"),
        ("prereqs", "backpropagation"),
        ("order",),
        ("next",),
        ("needed-for", "calculus"),
        ("show", "calculus"),
        ("query", "ASK {}"),
        ("check", "c1"),
        ("coverage",),
    ],
)
def test_turtle_cycle_stops_every_command(run, mini, cache, args):
    (mini / "extra.ttl").write_text(TTL_CYCLE)
    result = run(*args, data=mini)
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert "extra.ttl: prerequisite cycle:" in lines[0]
    assert "calculus" in lines[0] and "backpropagation" in lines[0]
    assert _entries(cache) == [], "a cyclic graph was cached"
