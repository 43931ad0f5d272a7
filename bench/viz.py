"""How fast `kg viz` builds its pages, beside a floor page with the same data.

    python bench/viz.py [--runs N] [--topics N] [--baseline DIR] [--layers] [--browser]

First the real command, as a user runs it: ``python -m kg --data DIR viz -o FILE`` on
the synthetic data dir (below), one process per run, its elapsed time and its CPU time
(user + system, from ``wait4``), beside a floor process: Python started, ``kg.graph``
and orjson imported, the same store opened (``KnowledgeGraph.open``), the one query for
the nodes drawn, and the floor page (below) written to a file from the very data of
kg's page, read from a JSON file made beforehand (``orjson.loads``: the cheapest way
for a process to hold that data). Bytecode is compiled beforehand for both.

Then two cases, each timed in Python (what `kg viz` does after its imports):

- ``kg viz`` on the synthetic data dir of ``bench/synth.py`` with N topics (default
  10,000; generated once under ``$KG_BENCH_DIR``, built once into a cache there):
  open the store, ``make_view`` (queries, layout, the page's data) and ``View.html``.
- ``kg viz --course C`` for each of the four original courses on the shipped data:
  open the store, then the four views and pages.
- with ``--layers``, also ``kg viz --layers courses,lectures,chapters,readings`` on the
  synthetic data dir (the whole graph with every layer).

The floor of each is what no page of the same data can avoid, in two parts timed apart
and added: *store*, opening the same store (``KnowledgeGraph.open``, which checks the
cache is fresh) and one query that fetches the nodes drawn (every topic with its label;
for a course, its lectures' topics; with layers, also what covers a topic, with its name); *page*, writing the very nodes, edges and options
kg's page carries (computed beforehand, untimed) as one HTML page with vis-network
inlined: ``orjson.dumps`` (what kg's pages use too) and string joins, no template
engine, no tooltips to build.

Both the elapsed time and the worker's CPU time are reported: on a machine busy with
other work the CPU time is the better guide to what an idle machine would show. Each
code version runs in its own worker process (``--baseline DIR`` adds a checkout of
another kg version, e.g. ``git archive`` of an older commit), with a warm store, and the
cases run round-robin, so load on the machine hits every column alike. Medians with
[min-max] over ``--runs``; the ratio is kg's median over the floor's.

``--browser`` also loads kg's pages and the floor pages in headless Chromium (Debian's
/usr/bin/chromium or $KG_CHROMIUM, through Playwright) and reports the time from
navigation to vis-network's first full draw, with every network request blocked.
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
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

ORIGINAL = ["berkeley-cs182-fa25", "bu-deep-learning", "mit-6.7960-fa25", "mit-6.s898-fa22"]
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]

NODES_QUERY = "SELECT ?t ?label WHERE { ?t a kg:Topic . OPTIONAL { ?t skos:prefLabel ?label } }"
LAYERS_QUERY = (  # the topics and what covers them, each with its name
    "SELECT ?n ?label WHERE { { ?n a kg:Topic OPTIONAL { ?n skos:prefLabel ?label } } "
    "UNION { ?n kg:covers ?t ; schema:name ?label } }"
)
COURSE_QUERY = (
    "SELECT DISTINCT ?t ?label WHERE {{ ?lec schema:isPartOf <{c}> ; kg:covers ?t . "
    "OPTIONAL {{ ?t skos:prefLabel ?label }} }}"
)


# ----------------------------------------------------------------------------- worker
# Runs inside a process whose PYTHONPATH is one kg checkout.


def floor_page(data: dict[str, Any], vis: str) -> str:
    """One page drawing ``data`` (nodes, edges, options) with vis-network, nothing else."""
    def script_json(x: Any) -> str:
        s = orjson.dumps(x).decode("utf-8")  # the fastest JSON there is, as kg's pages use
        return s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")

    return "".join([
        '<!doctype html><html><head><meta charset="utf-8"><title>floor</title>',
        f'<meta name="kg-nodes" content="{len(data["nodes"])}">',
        "<style>html,body,#g{margin:0;width:100%;height:100%}</style></head><body><div id=\"g\"></div>",
        "<script>", vis, "</script>",
        '<script type="application/json" id="d">',
        script_json(data), "</script><script>",
        "const d=JSON.parse(document.getElementById('d').textContent);",
        "const n=new vis.Network(document.getElementById('g'),"
        "{nodes:new vis.DataSet(d.nodes),edges:new vis.DataSet(d.edges)},d.options);",
        "window.kgNetwork=n;n.once('afterDrawing',()=>{performance.mark('kg-ready');"
        "document.documentElement.dataset.kgState='ready'});",
        "</script></body></html>",
    ])


LAYERS = "courses,lectures,chapters,readings"


def floor_process(synth_dir: str, data_file: str, out: str) -> None:
    """The floor of the real command (see the module's docstring), run as its own process."""
    from kg import vocab as V
    from kg.graph import KnowledgeGraph
    from kg.viz import page

    store = KnowledgeGraph.open(synth_dir).backend.built.store
    rows = [tuple(r) for r in store.query(NODES_QUERY, prefixes=V.PREFIXES)]
    data = orjson.loads(Path(data_file).read_bytes())
    assert len(rows) == len(data["nodes"]), (len(rows), len(data["nodes"]))
    Path(out).write_text(floor_page(data, page.vis_js()), encoding="utf-8")


def run_timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process; raises when it fails."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=common.WORK, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {err.strip()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def worker(synth_dir: str, floors: bool, pages_dir: str | None) -> None:
    from kg.graph import KnowledgeGraph
    from kg import viz as kv
    from kg.viz import make_view

    def kg_synth() -> list[str]:
        g = KnowledgeGraph.open(synth_dir)
        return [make_view(g).html()]

    def kg_courses() -> list[str]:
        g = KnowledgeGraph.open()
        return [make_view(g, courses=[c]).html() for c in ORIGINAL]

    def kg_layers() -> list[str]:
        g = KnowledgeGraph.open(synth_dir)
        return [make_view(g, layers=LAYERS).html()]

    cases: dict[str, Any] = {"synth": kg_synth, "courses": kg_courses, "layers": kg_layers}
    if floors:
        vis = (Path(kv.__file__).with_name("static") / "vis-network.min.js").read_text(encoding="utf-8")

        def data_of(view: Any) -> dict[str, Any]:
            nodes, edges = view.page_data  # (what the page holds, its Network not made)
            return {"nodes": nodes, "edges": edges, "options": view.options}

        g = KnowledgeGraph.open(synth_dir)
        synth_data = data_of(make_view(g))
        layers_data: dict[str, Any] = {}  # made when first asked for (--layers)
        shipped = KnowledgeGraph.open()
        course_data = [data_of(make_view(shipped, courses=[c])) for c in ORIGINAL]
        from kg import vocab as V

        def store_synth() -> int:
            store = KnowledgeGraph.open(synth_dir).backend.built.store
            return len([tuple(r) for r in store.query(NODES_QUERY, prefixes=V.PREFIXES)])

        def store_layers() -> int:
            store = KnowledgeGraph.open(synth_dir).backend.built.store
            return len([tuple(r) for r in store.query(LAYERS_QUERY, prefixes=V.PREFIXES)])

        def store_courses() -> int:
            store = KnowledgeGraph.open().backend.built.store
            return sum(
                len([tuple(r) for r in store.query(COURSE_QUERY.format(c=V.course_iri(c)), prefixes=V.PREFIXES)])
                for c in ORIGINAL
            )

        cases.update({
            "store-synth": store_synth,
            "store-courses": store_courses,
            "page-synth": lambda: [floor_page(synth_data, vis)],
            "page-courses": lambda: [floor_page(d, vis) for d in course_data],
            "store-layers": store_layers,
        })

        def page_layers() -> list[str]:
            if not layers_data:  # (in the untimed warm-up round)
                layers_data.update(data_of(make_view(KnowledgeGraph.open(synth_dir), layers=LAYERS)))
            return [floor_page(layers_data, vis)]

        cases["page-layers"] = page_layers
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("dump"):  # the page data of the synthetic graph, for the floor process
            Path(req["dump"]).write_bytes(orjson.dumps(synth_data))
            print(json.dumps({"s": 0, "cpu": 0}), flush=True)
            continue
        t, c = time.perf_counter(), time.process_time()
        out = cases[req["case"]]()
        elapsed, cpu = time.perf_counter() - t, time.process_time() - c
        if pages_dir and req.get("keep") and isinstance(out, list):
            for i, text in enumerate(out):
                Path(pages_dir, f"{req['keep']}-{i}.html").write_text(text, encoding="utf-8")
        print(json.dumps({"s": elapsed, "cpu": cpu}), flush=True)


# ----------------------------------------------------------------------------- driver


class Worker:
    def __init__(self, name: str, code: Path, cache: Path, synth_dir: Path, floors: bool, pages: Path) -> None:
        env = common.kg_env(code, cache)
        argv = [common.PY, __file__, "--worker", str(synth_dir), *(["--floors"] if floors else []), "--pages", str(pages)]
        self.name = name
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=common.WORK)

    def run(self, case: str, keep: str | None = None, dump: str | None = None) -> tuple[float, float]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"case": case, "keep": keep, "dump": dump}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name}: worker died on {case}")
        got = json.loads(line)
        return float(got["s"]), float(got["cpu"])

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait()


def measure_browser(pages: list[tuple[str, Path]], runs: int) -> dict[str, list[float]]:
    """Per page: seconds from navigation start to vis-network's first full draw."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {name: [] for name, _ in pages}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            for name, path in pages:  # round-robin
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                blocked: list[str] = []
                errors: list[str] = []
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                           else (blocked.append(r.request.url), r.abort()))
                page.goto(path.resolve().as_uri())
                # A function, not a string: Playwright eval()s strings; kg's CSP refuses eval.
                page.wait_for_function("() => document.documentElement.dataset.kgState === 'ready'", timeout=180_000)
                times[name].append(page.evaluate("performance.getEntriesByName('kg-ready')[0].startTime") / 1000)
                n_drawn = page.evaluate("kgNetwork.body.data.nodes.length")
                meant = page.evaluate("+document.querySelector('meta[name=kg-nodes]').content")
                if blocked or errors or n_drawn != meant:
                    raise SystemExit(f"{name}: blocked={blocked} errors={errors} drawn={n_drawn} meant={meant}")
                page.close()
        browser.close()
    return times


def fmt(values: list[float]) -> str:
    return common.fmt_s(values).strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--topics", type=int, default=10000)
    ap.add_argument("--baseline", help="another kg checkout to time side by side")
    ap.add_argument("--layers", action="store_true", help="also time the synthetic graph with every layer")
    ap.add_argument("--browser", action="store_true", help="also time drawing in headless Chromium")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--floors", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--pages", help=argparse.SUPPRESS)
    ap.add_argument("--floor-process", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.floors, args.pages)
        return
    if args.floor_process:
        floor_process(*args.floor_process)
        return

    synth_dir, _ = common.synthetic(topics=args.topics)
    versions = common.code_versions(args.baseline)
    pages = Path(tempfile.mkdtemp(prefix="kg-bench-viz-pages-"))
    workers = []
    for i, (name, code) in enumerate(versions):
        cache = common.WORK / "cache" / f"viz-{name}"
        workers.append(Worker(name, code, cache, synth_dir, floors=i == 0, pages=pages))
    kg0 = workers[0]
    floor_data = pages / "floor-data.json"
    kg0.run("synth", dump=str(floor_data))
    # The real command, one process per run, and its floor process.
    processes: list[tuple[str, list[str], dict[str, str]]] = [
        (f"{name} viz", [common.PY, "-m", "kg", "--data", str(synth_dir), "viz", "-o", str(pages / f"cmd-{name}.html")],
         common.kg_env(code, common.WORK / "cache" / f"viz-{name}"))
        for name, code in versions
    ]
    processes.append(("floor process", [common.PY, __file__, "--floor-process", str(synth_dir), str(floor_data), str(pages / "floor.html")],
                      common.kg_env(common.REPO, common.WORK / "cache" / "viz-kg")))
    p_wall: dict[str, list[float]] = {name: [] for name, _, _ in processes}
    p_cpu: dict[str, list[float]] = {name: [] for name, _, _ in processes}
    for name, argv, env in processes:  # warm-up
        run_timed(argv, env)
    cases = ["synth", "courses", *(["layers"] if args.layers else [])]
    columns: list[tuple[str, Worker, str]] = []
    for w in workers:
        columns += [(f"{w.name} {case}", w, case) for case in cases]
    columns += [(f"floor {part}-{case}", kg0, f"{part}-{case}") for case in cases for part in ("store", "page")]
    times: dict[str, list[float]] = {name: [] for name, _, _ in columns}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in columns}
    # Warm-up: builds the stores if needed, loads every module, fills the OS cache; the
    # pages of the first round are kept for the browser.
    for name, w, case in columns:
        w.run(case, keep=name.replace(" ", "-") if args.browser else None)
    for _ in range(args.runs):
        for name, argv, env in processes:
            wall, used = run_timed(argv, env)
            p_wall[name].append(wall)
            p_cpu[name].append(used)
        for name, w, case in columns:
            wall, used = w.run(case)
            times[name].append(wall)
            cpu[name].append(used)
    for w in workers:
        w.close()

    load = os.getloadavg()
    print(f"kg viz: {args.runs} interleaved runs, median [min-max]; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print("wall: elapsed time; cpu: the process's CPU time (what wall would be on an idle machine)")
    title = f"the real command, one process: kg viz, synthetic {args.topics} topics"
    print(f"\n{title:<52} {'wall':>24}         {'cpu':>24}")
    floor_w, floor_c = statistics.median(p_wall["floor process"]), statistics.median(p_cpu["floor process"])
    print(f"  {'floor process: open + node query + floor page':<50} {fmt(p_wall['floor process']):>24}         "
          f"{fmt(p_cpu['floor process']):>24}")
    for name, _, _ in processes[:-1]:
        print(f"  {name + ' -o FILE':<50} {fmt(p_wall[name]):>24} {statistics.median(p_wall[name]) / floor_w:5.1f}x  "
              f"{fmt(p_cpu[name]):>24} {statistics.median(p_cpu[name]) / floor_c:5.1f}x floor")
    print("\nIn-process (after the imports): open the store, make the view, render the page")
    rows = [
        (f"kg viz, synthetic {args.topics} topics", "synth"),
        ("kg viz --course C x4 (original courses, shipped data)", "courses"),
        *([(f"kg viz --layers {LAYERS}, synthetic", "layers")] if args.layers else []),
    ]
    for title, case in rows:
        print(f"\n{title:<52} {'wall':>24}         {'cpu':>24}")
        for clock in (times, cpu):
            store, page = clock[f"floor store-{case}"], clock[f"floor page-{case}"]
            clock[f"floor {case}"] = [a + b for a, b in zip(store, page)]
        for label, key in (
            ("floor: open store + one query for the nodes", f"floor store-{case}"),
            ("floor: the same vis-network data as one page", f"floor page-{case}"),
            ("floor: both (per run)", f"floor {case}"),
        ):
            print(f"  {label:<50} {fmt(times[key]):>24}         {fmt(cpu[key]):>24}")
        for w in workers:
            key = f"{w.name} {case}"
            ratio = statistics.median(times[key]) / statistics.median(times[f"floor {case}"])
            cratio = statistics.median(cpu[key]) / statistics.median(cpu[f"floor {case}"])
            print(f"  {w.name + ' (open + make_view + html)':<50} {fmt(times[key]):>24} {ratio:5.1f}x  "
                  f"{fmt(cpu[key]):>24} {cratio:5.1f}x floor")

    if args.browser:
        if not Path(CHROMIUM).exists():
            raise SystemExit(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)")
        found = sorted(pages.glob("*.html"))
        drawn = measure_browser([(p.stem, p) for p in found], max(3, args.runs // 2))
        print("\nIn headless Chromium: navigation start to vis-network's first full draw")
        for p in found:
            print(f"  {p.stem:<40} {p.stat().st_size / 1024:>8.0f} KB {fmt(drawn[p.stem]):>24}")


if __name__ == "__main__":
    main()
