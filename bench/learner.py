"""How fast the learner's app is usable, and how big the published site is.

For the shipped data and a synthetic graph of N topics (default 10,000; random DAG,
each topic requiring up to three earlier ones, a broader hierarchy, four courses):

* ``app data``: building the app's JSON from the graph (kg.learner.data.app_data);
* ``publish``: ``kg publish`` into a fresh directory (page + dumps), and the sizes;
* ``usable``: in headless Chromium, from navigation to the page (file://) until the app
  says it is ready (search box live, plan drawn);
* ``search``: typing a goal with one letter missing until the results are listed;
* ``goal -> plan``: choosing the first result for the goal, until the plan's steps are
  on the page (the goal is the deepest topic, so the longest plan; long plans are
  drawn 150 steps at a time).

Each figure is the median of ``--runs`` runs with min-max. The floor beside
"usable" is an empty page of the same size (parse + JSON.parse of the same data, no app),
so what the app itself adds is the difference.

    python bench/learner.py               # shipped + 10,000 topics
    python bench/learner.py --topics 2000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.graph import KnowledgeGraph  # noqa: E402
from kg.learner.data import app_data  # noqa: E402
from kg.learner.site import publish  # noqa: E402
from kg.viz.page import script_json  # noqa: E402


def synthetic(root: Path, n: int, seed: int = 7) -> Path:
    """A data directory of ``n`` topics, a random prerequisite DAG and four courses."""
    rnd = random.Random(seed)
    (root / "topics").mkdir(parents=True)
    (root / "courses").mkdir()
    umbrellas = max(1, n // 50)
    lines = ["topics:"]
    for i in range(n):
        lines.append(f"  - id: t{i}")
        lines.append(f"    label: Topic {i} {rnd.choice(['networks', 'models', 'learning', 'methods', 'theory'])}")
        lines.append(f"    aliases: [alias {i}]")
        lines.append(f"    definition: Synthetic topic number {i}.")
        if i >= umbrellas:
            lines.append(f"    broader: t{rnd.randrange(umbrellas)}")
        if i > umbrellas:
            reqs = sorted(set(rnd.randrange(max(0, i - 400), i) for _ in range(rnd.choice([0, 1, 2, 3]))))
            reqs = [r for r in reqs if r >= umbrellas or i < 2 * umbrellas]
            if reqs:
                lines.append("    requires:")
                for r in reqs:
                    lines.append(f"      - topic: t{r}")
                    lines.append(f"        reason: Topic {i} builds on topic {r}.")
    (root / "topics" / "synthetic.yaml").write_text("\n".join(lines) + "\n")
    for c in range(4):
        lec = ["lectures:"]
        chosen = sorted(rnd.sample(range(n), min(n, 240)))
        for k in range(24):
            lec.append(f"  - title: Lecture {k + 1}")
            lec.append(f"    date: 2025-09-{k + 1:02d}")
            lec.append(f"    covers: [{', '.join(f't{t}' for t in chosen[k * 10:(k + 1) * 10])}]")
        (root / "courses" / f"c{c}.yaml").write_text(f"id: c{c}\nname: Course {c}\nterm: Fall 2025\n" + "\n".join(lec) + "\n")
    (root / "readings.yaml").write_text("readings: []\n")
    return root


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    out, last = [], None
    for _ in range(runs):
        t = time.perf_counter()
        last = fn()
        out.append(time.perf_counter() - t)
    return out, last


def fmt(xs: list[float], unit: str = "s") -> str:
    return f"{statistics.median(xs):.3f} {unit} (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})"


def browser_times(site: Path, goal_query: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    url = (site / "index.html").as_uri()
    floor = site.parent / "floor.html"
    data = json.loads((site / "index.html").read_text().split('id="kg-data">', 1)[1].split("</script>", 1)[0])
    floor.write_text(
        '<!doctype html><html><body><script type="application/json" id="d">' + script_json(data) + "</script>"
        "<script>JSON.parse(document.getElementById('d').textContent);document.documentElement.dataset.kgState='ready'</script></body></html>"
    )
    out: dict[str, list[float]] = {"usable": [], "floor": [], "goal -> plan": []}
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for _ in range(runs):
            for key, target in (("usable", url), ("floor", floor.as_uri())):
                ctx = b.new_context()
                page = ctx.new_page()
                t = time.perf_counter()
                page.goto(target)
                page.wait_for_function("() => document.documentElement.dataset.kgState === 'ready'", polling=5, timeout=120_000)
                out[key].append(time.perf_counter() - t)
                if key == "usable":
                    typo = goal_query[:3] + goal_query[4:]  # one letter dropped: a near miss
                    t = time.perf_counter()
                    page.fill("[data-testid=search]", typo)
                    page.wait_for_selector("[data-testid=result]")
                    out.setdefault("search", []).append(time.perf_counter() - t)
                    page.fill("[data-testid=search]", goal_query)
                    page.wait_for_selector("[data-testid=result]")
                    t = time.perf_counter()
                    page.click("[data-testid=result] >> nth=0")
                    page.wait_for_selector("[data-testid=step]")
                    out["goal -> plan"].append(time.perf_counter() - t)
                    out.setdefault("steps", []).append(page.locator("[data-testid=step]").count())
                    out.setdefault("summary", []).append(page.text_content("#plan-summary"))
                ctx.close()
        b.close()
    return out


def report(name: str, g: KnowledgeGraph, runs: int, tmp: Path) -> None:
    times, data = timed(lambda: app_data(g), runs)
    print(f"\n== {name}: {len(data['topics'])} topics, {sum(len(t.get('requires', [])) for t in data['topics'])} prerequisite edges")
    print(f"app data            {fmt(times)}")
    n = [0]

    def pub() -> Any:
        n[0] += 1
        return publish(g, tmp / f"{name}-{n[0]}")

    times, done = timed(pub, runs)
    print(f"kg publish          {fmt(times)}")
    for f, size in done.files.items():
        print(f"  {f:<18}{size / 1e6:8.2f} MB")
    print(f"  {'total':<18}{done.total_bytes / 1e6:8.2f} MB")
    # the goal with the longest plan: the topic with the most ancestors
    from kg.plan import prerequisite_graph
    import networkx as nx

    G = prerequisite_graph(g)
    deepest = max(G, key=lambda t: (len(nx.ancestors(G, t)), t))
    label = next(t["label"] for t in data["topics"] if t["id"] == deepest)
    b = browser_times(done.directory, label, runs)
    print(f"usable (file://)    {fmt(b['usable'])}")
    print(f"  floor: same data, no app  {fmt(b['floor'])}")
    print(f"search (a typo)     {fmt(b['search'])}")
    print(f"goal -> plan        {fmt(b['goal -> plan'])}  (goal {deepest}: {b['summary'][0]}; {b['steps'][0]} drawn)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--topics", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-learner-") as d:
        tmp = Path(d)
        report("shipped", KnowledgeGraph.open(), args.runs, tmp)
        t = time.perf_counter()
        g = KnowledgeGraph.open(synthetic(tmp / "data", args.topics))
        print(f"\n(synthetic graph built in {time.perf_counter() - t:.1f} s)")
        report(f"synthetic-{args.topics}", g, args.runs, tmp)


if __name__ == "__main__":
    main()
