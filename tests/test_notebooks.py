"""The notebooks in notebooks/ run end to end and show what they promise.

Each notebook is executed with nbclient in a fresh ``python3`` kernel that runs this very
interpreter (a kernelspec written for the test run, so a ``python3`` kernel the user has
registered elsewhere cannot stand in for it). The kernel inherits the environment, so the
graph cache is the test run's ``KG_CACHE_DIR`` (see the top-level conftest.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
MAX_SECONDS = 60

_executed: dict[Path, tuple[Any, float]] = {}


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory):
    """A ``python3`` kernelspec for this interpreter, found before any other, and an
    IPython profile directory of its own (no user startup files)."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (kg tests)",
                "language": "python",
            }
        )
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root) + os.pathsep + os.environ.get("JUPYTER_PATH", ""))
        mp.setenv("IPYTHONDIR", str(root / "ipython"))
        mp.delenv("MPLBACKEND", raising=False)
        mp.delenv("KG_DATA", raising=False)
        yield


def execute(path: Path) -> tuple[Any, float]:
    """The notebook at ``path`` executed (once per test run), and its wall time."""
    if path not in _executed:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},  # the kernel's cwd
        )
        start = time.perf_counter()
        client.execute()  # raises CellExecutionError on the first failing cell
        _executed[path] = (nb, time.perf_counter() - start)
    return _executed[path]


def tagged(nb: Any, tag: str) -> Any:
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def mime(cell: Any, kind: str) -> list[str]:
    """Every output of ``cell`` of MIME type ``kind`` (streams count as text/plain)."""
    out = []
    for o in cell.outputs:
        if o.output_type == "stream" and kind == "text/plain":
            out.append(o.text)
        elif o.output_type in ("display_data", "execute_result") and kind in o.data:
            out.append(o.data[kind])
    return out


def test_there_are_notebooks() -> None:
    names = {p.name for p in PATHS}
    assert {"sparql-tour.ipynb", "learning-paths.ipynb"} <= names


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_stored_clean(path: Path) -> None:
    """Stored without outputs (the repo stays small, diffs stay readable), for the
    ``python3`` kernel."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: clear the outputs before saving"
            )
    assert any(c.cell_type == "markdown" for c in nb.cells)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_runs_end_to_end(kernel_env: None, path: Path) -> None:
    nb, seconds = execute(path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
    assert seconds < MAX_SECONDS, f"{path.name} took {seconds:.1f} s"


def test_sparql_tour_outputs(kernel_env: None) -> None:
    nb, _ = execute(NOTEBOOKS / "sparql-tour.ipynb")
    for tag in ("coverage-heatmap", "lectures-per-topic"):
        assert mime(tagged(nb, tag), "image/png"), f"the {tag} cell drew no figure"
    text = "\n".join(t for c in nb.cells if c.cell_type == "code" for t in mime(c, "text/plain"))
    # The shipped queries' results, rendered as tables with kg ids.
    assert "mit-6.7960-fa25" in text and "mit-6.s898-fa22" in text  # course-coverage
    html = "\n".join(h for c in nb.cells if c.cell_type == "code" for h in mime(c, "text/html"))
    assert "<table>" in html


def test_learning_paths_outputs(kernel_env: None) -> None:
    nb, _ = execute(NOTEBOOKS / "learning-paths.ipynb")
    table = tagged(nb, "plan-table")
    assert mime(table, "text/html"), "the plan is not shown as a table"
    rows = "\n".join(mime(table, "text/plain")).casefold().strip().splitlines()
    assert "transformers" in rows[-1], "the plan should end at its target"
    for tag in ("plan-picture", "depth-plot"):
        assert mime(tagged(nb, tag), "image/png"), f"the {tag} cell drew no figure"
    viz = "\n".join(mime(tagged(nb, "plan-viz"), "text/html"))
    assert "<iframe" in viz and "srcdoc" in viz, "kg.viz views render inline in Jupyter"
