"""The writing side of ``kg import`` on a 5 MB page: the draft's render and its check.

    python bench/draft_check.py [--kind repeat --kind schedule] [--runs 3] [--baseline DIR]

For each big page of ``bench/import_eval.py`` (``--big-kind``), the page is drafted once;
then, interleaved, CPU seconds of: the draft rendered as YAML (``render_yaml``); the
floor, PyYAML's C parser giving the rendered draft's events and nothing else; kg's
loader building the document (``kg.build.yamlio``, what ``kg build`` reads every file
with); the whole check (``check_draft``: the loader, the course read and validated by
``kg.build.sources``, the topics looked up). The check's parts are the differences:
builder = loader - floor, course = check - loader. ``--baseline DIR`` runs the same
in a fresh process from another checkout (the same page, its own draft).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In a fresh process with the checkout's root first on sys.path: prints the runs as JSON.
_CHILD = """
import json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import yaml
from kg import collector
from kg.build import yamlio
from kg.graph import KnowledgeGraph
from kg.importer import Vocabulary, import_page
from kg.importer.pages import check_draft
from kg.importer.render import render_yaml

page, runs = sys.argv[2], int(sys.argv[3])
vocab = Vocabulary.from_graph(KnowledgeGraph.open())
draft = import_page(page, vocab, course_id="big", year=2019)
tmp = Path(tempfile.mkdtemp(prefix="kg-bench-check-")) / "big.yaml"


def load(text):
    if hasattr(yamlio, "load_yaml_text"):
        return yamlio.load_yaml_text(text, "big.yaml")
    tmp.write_text(text, encoding="utf-8")  # an older loader reads files only
    return yamlio.load_yaml(tmp)


def floor(text):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        while loader.get_event() is not None:
            pass
    finally:
        loader.dispose()


out = {"render": [], "floor": [], "loader": [], "check": []}
with collector.paused():  # as kg import renders and checks
    for _ in range(runs):
        c = time.process_time()
        text = render_yaml(draft)
        out["render"].append(time.process_time() - c)
        for name, fn in (("floor", floor), ("loader", load),
                         ("check", lambda t: check_draft(t, "big", vocab, page))):
            c = time.process_time()
            fn(text)
            out[name].append(time.process_time() - c)
out["mb"] = len(text.encode("utf-8")) / 1e6
out["lectures"] = len(draft.lectures)
print(json.dumps(out))
"""


def _runs(root: Path, page: Path, runs: int) -> dict[str, list[float]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    got = subprocess.run([sys.executable, "-c", _CHILD, str(root), str(page), str(runs)],
                         capture_output=True, text=True, check=True, env=env, cwd=tempfile.gettempdir())
    return dict(json.loads(got.stdout.strip().splitlines()[-1]))


def _fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} [{min(xs):.2f}-{max(xs):.2f}]"


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from import_eval import DEFAULT_PAGES, big_page

    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", action="append", choices=("repeat", "schedule", "archive", "html-archive"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--baseline", type=Path, help="another kg checkout to run side by side")
    args = ap.parse_args()
    trees = {"kg": ROOT, **({"kg@baseline": args.baseline} if args.baseline else {})}
    print("CPU seconds, median [min-max] of interleaved runs (each version its own process)")
    for kind in args.kind or ["repeat", "schedule"]:
        text, suffix = big_page(args.pages, kind)
        with tempfile.TemporaryDirectory() as d:
            page = Path(d) / f"big{suffix}"
            page.write_text(text, encoding="utf-8")
            results: dict[str, dict[str, list[float]]] = {t: {} for t in trees}
            load = []
            for _ in range(args.runs):  # one run of each version, round-robin
                for name, root in trees.items():
                    got = _runs(root, page, 1)
                    for k, v in got.items():
                        results[name].setdefault(k, []).extend(v if isinstance(v, list) else [v])
                    load.append(os.getloadavg()[0])
        print(f"\n{kind} ({len(text.encode()) / 1e6:.2f} MB page; load average {min(load):.1f}-{max(load):.1f})")
        for name, r in results.items():
            builder = [a - b for a, b in zip(r["loader"], r["floor"])]
            course = [a - b for a, b in zip(r["check"], r["loader"])]
            print(f"  {name}: {int(r['lectures'][0]):,} lectures, a {r['mb'][0]:.1f} MB draft\n"
                  f"    render {_fmt(r['render'])}  check {_fmt(r['check'])}"
                  f" = floor {_fmt(r['floor'])} + builder {_fmt(builder)} + course {_fmt(course)}")


if __name__ == "__main__":
    main()
