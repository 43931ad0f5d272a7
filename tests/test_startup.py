"""Start-up: what `kg path`, `kg show` and `kg --help` load, as real processes.

Each command imports only what it needs (the timings are in bench/startup.py). These
tests read ``python -X importtime``, which lists every module a process loads, and fail
when a module the command has no use for comes back.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest

from kg.cli import cli

# What no query command's start-up needs: users' query checking and result formats,
# the typed records (types only), the build (a warm cache is opened, not rebuilt), the
# commands loaded on demand, and the web, viz and importer libraries.
NEVER = {
    "rdflib", "pyparsing", "kg.sparql", "kg.records", "kg.build.sources", "kg.build.rdf",
    "kg.build.cycles", "kg.build.validate", "yaml", "kg.cli.learner", "kg.cli.analytics",
    "kg.cli.viz", "kg.cli.importer", "kg.web", "kg.viz", "kg.importer", "kg.analytics",
    "jinja2", "werkzeug", "starlette", "pebble", "pyvis", "rapidfuzz",
}


def loaded(*args: str) -> set[str]:
    """The modules ``python -m kg ARGS`` loads, on a warm cache."""
    env = dict(os.environ)
    subprocess.run([sys.executable, "-m", "kg", *args], env=env, capture_output=True, timeout=300, check=True)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kg", *args],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def heavy(modules: set[str], names: set[str]) -> set[str]:
    return {m for m in modules if m in names or m.split(".")[0] in names or any(m.startswith(n + ".") for n in names)}


def test_path_loads_only_what_it_uses():
    mods = loaded("path", "backprop", "transformers")
    assert {"click", "networkx", "pyoxigraph", "kg.plan", "kg.cli.output"} <= mods
    assert heavy(mods, NEVER) == set()


def test_show_loads_no_networkx_and_no_hashing():
    # A warm cache finds its key from the stamp: nothing is hashed.
    mods = loaded("show", "backpropagation")
    assert {"click", "pyoxigraph", "kg.graph", "kg.cli.output"} <= mods
    assert heavy(mods, NEVER | {"networkx", "kg.plan", "kg.profile", "platformdirs", "hashlib", "importlib.metadata"}) == set()


def test_help_loads_no_library():
    mods = loaded("--help")
    assert {m for m in mods if m == "kg" or m.startswith("kg.")} == {"kg", "kg.cli", "kg.cli.common", "kg.errors"}
    assert heavy(mods, {"pyoxigraph", "networkx", "kg.cli.output"}) == set()


@pytest.mark.parametrize("limit", [20, 35, 45, 60, 80, 120, 300])
def test_lazy_commands_are_listed_as_they_would_be(limit):
    # kg --help lists a lazy command from the group's table instead of importing it:
    # the table must give the line the command itself gives, at any width.
    import importlib

    assert set(cli.lazy_help) == set(cli.lazy)
    for name, (module, attr) in cli.lazy.items():
        real = getattr(importlib.import_module(module), attr)
        stub = click.Command(name, help=cli.lazy_help[name])
        assert not real.hidden and not real.deprecated and real.short_help is None, name
        assert stub.get_short_help_str(limit) == real.get_short_help_str(limit), name


def test_help_is_the_same_with_the_commands_loaded():
    env = {**os.environ, "COLUMNS": "80"}
    alone = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, env=env, timeout=300)
    code = (
        "import importlib, sys; from kg.cli import cli, main\n"
        "for module, _ in cli.lazy.values(): importlib.import_module(module)\n"
        "sys.argv = ['kg', '--help']; main()"
    )
    loaded_first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert alone.returncode == 0 and loaded_first.returncode == 0, loaded_first.stderr
    assert "Commands:" in alone.stdout and alone.stdout == loaded_first.stdout


def test_collector_paused_for_lookups_only(run):
    # The process entry points pause the cyclic collector; a lookup runs without it,
    # any other command (kg serve, kg import ...) gets it back.
    import gc

    from kg.cli import common

    try:
        common.pause_collector()
        assert run("queries").exit_code == 0
        assert not gc.isenabled()
        assert run("known", "list").exit_code == 0
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_collector_state_of_a_process():
    code = (
        "import gc, sys\n"
        "from kg.cli import main, common\n"
        "seen = []\n"
        "orig = common.Group.resolve_command\n"
        "def spy(self, ctx, args):\n"
        "    r = orig(self, ctx, args); seen.append(gc.isenabled()); return r\n"
        "common.Group.resolve_command = spy\n"
        "import atexit; atexit.register(lambda: print('collector', seen, file=sys.stderr))\n"
        "sys.argv = ['kg'] + sys.argv[1:]; main()\n"
    )
    for args, state in ((["queries"], "[False]"), (["known", "list"], "[True]")):
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert f"collector {state}" in proc.stderr


def test_lookup_objects_frozen_before_exit():
    # The interpreter's last collection at exit would walk every object a lookup made
    # (it runs even with the collector paused): a lookup freezes them first, so that
    # pass finds next to nothing; any other command leaves the collector as it was.
    code = (
        "import atexit, gc, sys\n"
        "from kg.cli import main\n"
        "atexit.register(lambda: print('tracked', len(gc.get_objects()), gc.isenabled(), file=sys.stderr))\n"
        "sys.argv = ['kg'] + sys.argv[1:]; main()\n"
    )
    seen = {}
    for args in (["queries"], ["known", "list"]):
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        line = next(x for x in proc.stderr.splitlines() if x.startswith("tracked "))
        _, count, enabled = line.split()
        seen[args[0]] = (int(count), enabled)
    assert seen["queries"][1] == "False" and seen["queries"][0] < 1000
    assert seen["known"][1] == "True"
