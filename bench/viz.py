"""How fast `kg viz` pages are drawn, and how big they are.

    python bench/viz.py [--runs N] [--synthetic N]

For the full shipped graph (each view) and for a synthetic graph of N topics (default
2,000, random DAG, fixed seed): the page size, the time to build the page in Python
(`make_view`, which queries the warm store, lays the graph out and builds the pyvis
Network, then `html`, which is pyvis's `Network.generate_html` with kg's template;
both shown, and the render alone), and the time from navigation until the graph is
drawn and stable in headless Chromium (the page sets `data-kg-state="ready"` after
vis-network's first draw; physics is off, so that is final). Medians over N runs, each
in a fresh page, with every network request blocked (and counted: must be 0).
Needs Playwright for Python and Debian's /usr/bin/chromium (or $KG_CHROMIUM).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]


def write_synthetic(root: Path, n: int, seed: int = 7) -> Path:
    """A data directory with ``n`` topics in a random layered DAG (1-3 prerequisites
    each, from earlier layers) and one course covering a tenth of them."""
    rng = random.Random(seed)
    (root / "topics").mkdir(parents=True)
    (root / "courses").mkdir()
    layers = max(2, round(n ** 0.4))
    ids = [f"t{i:05d}" for i in range(n)]
    layer_of = {t: min(layers - 1, i * layers // n) for i, t in enumerate(ids)}
    lines = ["topics:"]
    earlier: list[str] = []
    current = 0
    for t in ids:
        if layer_of[t] != current:
            earlier = [u for u in ids if layer_of[u] < layer_of[t]]
            current = layer_of[t]
        lines += [f"  - id: {t}", f"    label: Topic {t[1:]}", f"    definition: Synthetic topic number {int(t[1:])}."]
        if earlier:
            reqs = rng.sample(earlier[-400:], k=min(len(earlier), rng.randint(1, 3)))
            lines.append("    requires:")
            for r in sorted(reqs):
                lines += [f"      - topic: {r}", "        reason: Synthetic."]
    (root / "topics" / "synthetic.yaml").write_text("\n".join(lines) + "\n")
    covered = sorted(rng.sample(ids, k=max(1, n // 10)))
    course = ["id: synth", "name: Synthetic course", "lectures:"]
    for i in range(0, len(covered), 5):
        course += [f"  - title: Lecture {i // 5 + 1}", f"    covers: [{', '.join(covered[i:i + 5])}]"]
    (root / "courses" / "synth.yaml").write_text("\n".join(course) + "\n")
    return root


def measure(pages: list[tuple[str, Path]], runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per page: seconds from navigation start to drawn (the page's clock), and wall
    seconds from ``goto`` until Playwright sees the page ready."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {name: [] for name, _ in pages}
    wall: dict[str, list[float]] = {name: [] for name, _ in pages}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            for name, path in pages:  # round-robin: noise hits every page alike
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                blocked: list[str] = []
                errors: list[str] = []
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                           else (blocked.append(r.request.url), r.abort()))
                t = time.perf_counter()
                page.goto(path.resolve().as_uri())
                # A function, not an expression string: Playwright eval()s strings, and
                # the page's Content-Security-Policy refuses eval.
                page.wait_for_function("() => document.documentElement.dataset.kgState === 'ready'", timeout=120_000)
                wall[name].append(time.perf_counter() - t)
                # The page's own clock: navigation start to vis-network's first full draw.
                times[name].append(page.evaluate("performance.getEntriesByName('kg-ready')[0].startTime") / 1000)
                n_drawn = page.evaluate("kgNetwork.body.data.nodes.length")
                meant = page.evaluate("+document.querySelector('meta[name=kg-nodes]').content")
                if blocked or errors or n_drawn != meant:
                    raise SystemExit(f"{name}: blocked={blocked} errors={errors} drawn={n_drawn} meant={meant}")
                page.close()
        browser.close()
    return times, wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--synthetic", type=int, default=2000)
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)")
    cache = tempfile.mkdtemp(prefix="kg-bench-viz-")
    os.environ["KG_CACHE_DIR"] = cache
    from kg.graph import KnowledgeGraph
    from kg import viz as kv
    from kg.viz import make_view

    out = Path(tempfile.mkdtemp(prefix="kg-bench-viz-pages-"))
    shipped = KnowledgeGraph.open()
    t = time.perf_counter()
    synth_dir = write_synthetic(out / "synthetic-data", args.synthetic)
    synth = KnowledgeGraph.open(synth_dir)
    build_s = time.perf_counter() - t
    cases = [
        ("shipped: whole graph", shipped, {}),
        ("shipped: + all layers", shipped, {"layers": "courses,lectures,chapters,readings"}),
        ("shipped: --focus backprop", shipped, {"focus": "backprop"}),
        ("shipped: --path backprop transformers", shipped, {"path": ("backprop", "transformers")}),
        ("shipped: --course x4", shipped, {"courses": [c["id"] for c in shipped.courses()]}),
        (f"synthetic {args.synthetic}: whole graph", synth, {}),
    ]
    pages: list[tuple[str, Path]] = []
    py: dict[str, list[float]] = {}
    render: dict[str, list[float]] = {}
    counts: dict[str, dict[str, int]] = {}
    for name, g, kw in cases:
        py[name] = []
        render[name] = []
        for _ in range(args.runs):
            t = time.perf_counter()
            view = make_view(g, **kw)
            r = time.perf_counter()
            text = view.html()
            done = time.perf_counter()
            py[name].append(done - t)
            render[name].append(done - r)
        path = out / f"{len(pages)}.html"
        path.write_text(text, encoding="utf-8")
        pages.append((name, path))
        counts[name] = view.counts
    drawn, wall = measure(pages, args.runs)
    print(f"synthetic data: {args.synthetic} topics built into a store in {build_s:.1f}s (once)")
    import pyvis

    print(f"pyvis {pyvis.__version__} renders every page (Network.generate_html, kg's template)")
    print(
        f"{'page':<40} {'nodes':>6} {'edges':>6} {'size':>8} {'python':>8} {'render':>7} {'drawn':>8} {'(min-max)':>12} {'wall':>8}"
        f"   medians of {args.runs}"
    )
    for name, path in pages:
        b = drawn[name]
        print(
            f"{name:<40} {counts[name]['nodes']:>6} {counts[name]['edges']:>6} {path.stat().st_size / 1024:>6.0f}KB "
            f"{statistics.median(py[name]) * 1000:>6.0f}ms {statistics.median(render[name]) * 1000:>5.0f}ms "
            f"{statistics.median(b) * 1000:>6.0f}ms "
            f"{min(b) * 1000:>5.0f}-{max(b) * 1000:<6.0f} {statistics.median(wall[name]) * 1000:>6.0f}ms"
        )
    print("python: make_view + html on a warm store; render: html alone (pyvis generate_html);")
    print("drawn: navigation start to first full draw (the page's performance clock);")
    print("wall: Playwright goto until it sees the page ready.")
    vis = Path(kv.__file__).with_name("static") / "vis-network.min.js"
    print(f"vis-network itself is {vis.stat().st_size / 1024:.0f}KB of every page.")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
