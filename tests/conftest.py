from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import cli

MINI_TOPICS = """\
topics:
  - id: calculus
    label: Calculus
    definition: Rates of change.
  - id: chain-rule
    label: Chain rule
    definition: Derivative of a composition.
    broader: calculus
    requires:
      - topic: calculus
        reason: It is a rule of calculus.
  - id: backpropagation
    label: Backpropagation
    aliases: [backprop]
    definition: Gradients of a network by the chain rule run backwards.
    broader: calculus
    requires:
      - topic: chain-rule
        reason: Backprop applies the chain rule node by node.
"""

MINI_COURSE = """\
id: c1
name: Course One
term: Fall 2025
lectures:
  - title: Intro
    date: 2025-09-01
    speakers: [Ann Lee]
    covers: [calculus]
  - title: Backprop
    date: 2025-09-03
    covers: [backpropagation, chain-rule]
    readings:
      - reading: notes-1
        optional: true
events:
  - kind: holiday
    title: No class
    date: 2025-09-08
"""

MINI_READINGS = """\
readings:
  - id: notes-1
    title: Notes on backprop
    kind: notes
    covers: [backpropagation]
"""


def write_data(root: Path, topics: str, course: str, readings: str) -> Path:
    """A data directory with one topics file, one course (c1) and readings."""
    (root / "topics").mkdir(parents=True)
    (root / "courses").mkdir()
    (root / "topics" / "t.yaml").write_text(topics)
    (root / "courses" / "c1.yaml").write_text(course)
    (root / "readings.yaml").write_text(readings)
    return root


def write_mini(root: Path) -> Path:
    return write_data(root, MINI_TOPICS, MINI_COURSE, MINI_READINGS)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A small valid data directory the test may edit."""
    return write_mini(tmp_path / "data")


@pytest.fixture(autouse=True)
def profile_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own, empty learner profile (`kg known`), so what one test
    marks known never changes another's plans."""
    path = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("KG_CONFIG_DIR", str(path))
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, initially empty cache directory."""
    path = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(path))
    return path


@pytest.fixture
def run():
    """Invoke the CLI in-process; returns the click Result (stderr kept apart)."""
    runner = CliRunner()

    def invoke(*args: str, data: Path | None = None):
        argv = (["--data", str(data)] if data else []) + list(args)
        return runner.invoke(cli, argv, catch_exceptions=False)

    return invoke


# The four deep learning courses the shipped graph started with: facts that hold for
# them together (every one teaches transformers) are checked on a graph of just these.
DL_COURSES = ("berkeley-cs182-fa25", "bu-deep-learning", "mit-6.7960-fa25", "mit-6.s898-fa22")


def shipped_courses() -> dict[str, Any]:
    """The shipped data's courses by id, read from the course files."""
    from kg.build.sources import load_sources
    from kg.build.store import default_data_dir

    return load_sources(default_data_dir()).courses


@pytest.fixture(scope="session")
def dl_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped data with only the four deep learning courses."""
    from kg.build.store import default_data_dir

    root = tmp_path_factory.mktemp("dl") / "data"
    shutil.copytree(default_data_dir(), root)
    for f in (root / "courses").glob("*.yaml"):
        if f.stem not in DL_COURSES:
            f.unlink()
    return root


@pytest.fixture(scope="session")
def dl_graph(dl_data: Path) -> Any:
    """A graph of the shipped data with only the four deep learning courses."""
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.open(dl_data)


def kg_process(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `kg` as a real process (the installed console script's module)."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=300,
    )


def dedent(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


# --------------------------------------------------------------------------- shared by several test files

CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install -y chromium) to run the browser tests",
)


@pytest.fixture(scope="module")
def browser():
    """A headless Debian Chromium, driven through Playwright, for one test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def import_eval() -> Any:
    """``bench/import_eval.py`` loaded as a module (it is a script, not part of kg)."""
    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("import_eval", root / "bench" / "import_eval.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["import_eval"] = mod
    spec.loader.exec_module(mod)
    return mod
