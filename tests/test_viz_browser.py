"""`kg viz` pages in a real browser: headless Debian Chromium driven by Playwright.

Every page is opened from a file:// URL with all other requests aborted and counted;
each test asserts none was attempted, no console error, the graph drawn (vis-network's
data holds exactly what kg meant to draw, and the canvas is not blank), and, with markup
and script in the data, that nothing ran and the text shows as text.

Needs Playwright for Python (a test dependency) and /usr/bin/chromium (Debian package
``chromium``; ``playwright install`` is never used). Without Chromium the tests skip.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from kg import viz
from kg.graph import KnowledgeGraph

from .test_viz import HOSTILE_COURSE, HOSTILE_DEF, HOSTILE_HREF, HOSTILE_LABEL, write_hostile
from .conftest import needs_chromium


pytestmark = needs_chromium

LOCAL = ("file:", "data:", "about:", "blob:")


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture
def hostile(tmp_path: Path, cache: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(write_hostile(tmp_path / "hostile"))


class Loaded:
    """A page opened offline, with what it tried to fetch and what it logged."""

    def __init__(self, browser: Any, path: Path, frame: bool = False) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 860})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: r.url.startswith(LOCAL) or self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL) else route.abort())
        self.page.goto(path.resolve().as_uri())
        self.doc: Any = self.page
        if frame:
            self.page.wait_for_function("() => document.querySelector('iframe') !== null")
            self.doc = next(f for f in self.page.frames if f is not self.page.main_frame)
        # Predicates are functions, not expression strings: Playwright evaluates those with
        # eval(), which the page's Content-Security-Policy rightly refuses.
        self.doc.wait_for_function("() => document.documentElement.dataset.kgState === 'ready'", timeout=60_000)

    def js(self, expr: str, arg: Any = None) -> Any:
        return self.doc.evaluate(expr, arg)

    def check_drawn(self, view: viz.View) -> None:
        assert self.requests == []
        assert self.errors == []
        meta = self.js("[+document.querySelector('meta[name=kg-nodes]').content, +document.querySelector('meta[name=kg-edges]').content]")
        drawn = self.js("[kgNetwork.body.data.nodes.length, kgNetwork.body.data.edges.length]")
        assert meta == drawn == [view.counts["nodes"], view.counts["edges"]]
        painted = self.js(
            """() => {
                 const c = document.querySelector('#graph canvas');
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0;
                 for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                 return n;
               }"""
        )
        assert painted > 100, "the canvas is blank"
        assert self.js("window.__pwned") is None

    def hover(self, node_id: str) -> str:
        """Move the mouse onto a node; the tooltip's text."""
        self.js("id => kgNetwork.focus(id, {scale: 1.2, animation: false})", node_id)
        x, y = self.js(
            """id => {
                 const p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);
                 const r = document.getElementById('graph').getBoundingClientRect();
                 return [p.x + r.left, p.y + r.top];
               }""",
            node_id,
        )
        self.page.mouse.move(x - 40, y - 40)
        self.page.mouse.move(x, y, steps=4)
        self.doc.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip'); return t && t.style.visibility === 'visible'; }")
        return str(self.js("document.querySelector('div.vis-tooltip').textContent"))

    def close(self) -> None:
        self.page.close()


def open_view(browser: Any, view: viz.View, tmp_path: Path) -> Loaded:
    path = view.write(tmp_path / f"{view.slug}.html")
    return Loaded(browser, path)


def test_the_harness_notices_a_remote_load(browser, tmp_path):
    """A control: a page that does fetch from the network fails these checks."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title>"
        "<link rel='stylesheet' href='https://cdn.example.invalid/x.css'></head><body>"
        "<script>document.documentElement.dataset.kgState = 'ready'</script></body></html>"
    )
    page = Loaded(browser, bad)
    try:
        assert page.requests == ["https://cdn.example.invalid/x.css"]
    finally:
        page.close()


# --------------------------------------------------------------------------- shipped graph


SHIPPED_VIEWS = {
    "whole graph": {},
    "whole graph with every layer": {"layers": ",".join(viz.LAYERS)},
    "focus": {"focus": "backprop", "depth": 2},
    "path": {"path": ("backprop", "transformers")},
    "two courses": {"courses": ["mit-6.7960-fa25", "berkeley-cs182-fa25"]},
}


@pytest.mark.parametrize("name", SHIPPED_VIEWS)
def test_shipped_views_draw_offline(browser, shipped, tmp_path, name):
    view = viz.make_view(shipped, **SHIPPED_VIEWS[name])
    page = open_view(browser, view, tmp_path)
    try:
        page.check_drawn(view)
        assert page.js("document.querySelectorAll('#kg-legend li').length") == len(view.legend)
    finally:
        page.close()


def test_whole_graph_counts_equal_the_store(browser, shipped, tmp_path):
    """The page draws every topic, every kg:requires triple and every part -> area edge
    (an area requires its parts), as SPARQL counts them."""
    topics = shipped.select("SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a kg:Topic }")[0]["n"]
    edges = shipped.select(
        "SELECT (COUNT(*) AS ?n) WHERE { { ?a kg:requires ?b } UNION { ?b skos:broader ?a } }"
    )[0]["n"]
    page = open_view(browser, viz.graph_view(shipped), tmp_path)
    try:
        assert page.js("[kgNetwork.body.data.nodes.length, kgNetwork.body.data.edges.length]") == [int(topics), int(edges)]
    finally:
        page.close()


def test_tooltip_and_find_box(browser, shipped, tmp_path):
    page = open_view(browser, viz.graph_view(shipped), tmp_path)
    try:
        tip = page.hover("topic:backpropagation")
        assert tip.startswith("Backpropagation")
        assert "Lectures" in tip and "How to train a neural net" in tip
        page.page.fill("#kg-find", "chain rule")
        page.page.press("#kg-find", "Enter")
        assert page.js("kgNetwork.getSelectedNodes()") == ["topic:chain-rule"]
        assert page.js("document.getElementById('kg-info').hidden") is False
        assert page.js("document.getElementById('kg-info-body').textContent").startswith("Chain rule")
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_find_takes_ids_aliases_and_beginnings(browser, shipped, tmp_path):
    page = open_view(browser, viz.graph_view(shipped), tmp_path)
    try:
        for typed, expected in (("attention", "topic:attention"), ("backprop", "topic:backpropagation"),
                                ("chain-rule", "topic:chain-rule"), ("CNN", "topic:convolutional-neural-networks"),
                                ("Backpropag", "topic:backpropagation")):
            page.page.fill("#kg-find", typed)
            page.page.press("#kg-find", "Enter")
            assert page.js("kgNetwork.getSelectedNodes()") == [expected], typed
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


READABLE = """() => {
  const s = kgNetwork.getScale();
  return Object.values(kgNetwork.body.nodes).filter(n => !n.isCluster && n.labelModule.elementOptions.label !== undefined
    && n.options.font.size * s >= 10).map(n => n.id);
}"""


@pytest.mark.parametrize("name", ["graph", "layers", "course"])
def test_views_open_with_readable_labels_and_show_all_when_zoomed(browser, shipped, tmp_path, name):
    view = {
        "graph": lambda: viz.graph_view(shipped),
        "layers": lambda: viz.graph_view(shipped, ["courses", "lectures"]),
        "course": lambda: viz.course_view(shipped, ["mit-6.7960-fa25"]),
    }[name]()
    page = open_view(browser, view, tmp_path)
    try:
        first = page.js(READABLE)
        assert len(first) >= 12, first  # not a screen of unlabelled dots
        if name == "graph":
            assert "topic:backpropagation" in first or "topic:probability" in first
        page.js("() => kgNetwork.moveTo({scale: 1.0})")
        assert len(page.js(READABLE)) == view.counts["nodes"]
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


# --------------------------------------------------------------------------- hostile data


def test_hostile_text_never_runs_and_shows_as_text(browser, hostile, tmp_path):
    views = {
        "graph": viz.graph_view(hostile, viz.LAYERS),
        "focus": viz.focus_view(hostile, "evil"),
        "path": viz.path_view(hostile, None, "backprop"),
        "course": viz.course_view(hostile, ["c1"]),
    }
    for name, view in views.items():
        page = open_view(browser, view, tmp_path)
        try:
            page.check_drawn(view)
            tip = page.hover("topic:chain-rule")
            assert HOSTILE_LABEL in tip and HOSTILE_DEF in tip
            # The tooltip is text nodes only: nothing from the data became an element.
            assert page.js("document.querySelectorAll('div.vis-tooltip img, div.vis-tooltip script, div.vis-tooltip svg, div.vis-tooltip b').length") == 0
            # Pin it with a click: the side panel shows the same text, as text.
            page.js("kgNetwork.unselectAll()")
            page.page.mouse.down()
            page.page.mouse.up()
            page.doc.wait_for_function("() => !document.getElementById('kg-info').hidden")
            assert HOSTILE_LABEL in page.js("document.getElementById('kg-info-body').textContent")
            # The requires edge carries a reason that is an <svg onload=...>: a text title.
            reasons = page.js(
                """() => kgNetwork.body.data.edges.get().filter(e => e.title instanceof Element)
                         .map(e => [e.title.textContent, e.title.querySelectorAll('svg, img, script').length])"""
            )
            assert any('<svg onload="window.__pwned=3">' in text for text, _ in reasons)
            assert all(n == 0 for _, n in reasons)
            assert page.js("document.querySelectorAll('img').length") == 0
            assert page.js("document.querySelectorAll('script').length") == 3
            assert page.js("window.__pwned") is None, name
            if name == "focus":
                assert page.js("document.querySelector('h1').textContent") == f"kg: around {HOSTILE_LABEL}"
                assert page.js("document.title") == f"kg: around {HOSTILE_LABEL}"
            if name == "course":
                assert HOSTILE_COURSE in page.js("document.getElementById('kg-legend').textContent")
                assert HOSTILE_COURSE in page.js("document.querySelector('h1').textContent")
            assert page.errors == [] and page.requests == []
        finally:
            page.close()


def test_find_box_takes_hostile_names_as_text(browser, hostile, tmp_path):
    page = open_view(browser, viz.graph_view(hostile, ["readings"]), tmp_path)
    try:
        names = page.js("Array.from(document.querySelectorAll('#kg-names option')).map(o => o.value)")
        assert HOSTILE_LABEL in names and "<script>window.__pwned=7</script>" in names
        page.page.fill("#kg-find", HOSTILE_LABEL)
        page.page.press("#kg-find", "Enter")
        assert page.js("kgNetwork.getSelectedNodes()") == ["topic:chain-rule"]
        assert page.js("window.__pwned") is None
        assert page.js("document.querySelectorAll('img').length") == 0
    finally:
        page.close()


def test_pyvis_quirks_stay_out_of_the_page(browser, hostile, tmp_path):
    """What would make pyvis's own template fetch from CDNs, write markup from the data
    or show tooltips as HTML: a node title containing "href" (pyvis then puts every
    tooltip into innerHTML), node ids in the select and filter menus (written raw),
    cdn_resources. In kg's page none of it runs, and the titles show as text."""
    view = viz.focus_view(hostile, "calculus")
    net = view.network
    net.add_node("plain", label="plain title", title=HOSTILE_HREF, x=0, y=-260)
    odd = '<img src=x onerror="window.__pwned=10">'
    net.add_node(odd, label=odd, title="odd id", x=200, y=-260)
    net.add_edge("plain", "topic:calculus", title=HOSTILE_HREF)
    net.select_menu = net.filter_menu = net.neighborhood_highlight = True
    net.cdn_resources = "remote"
    page = open_view(browser, view, tmp_path)
    try:
        page.check_drawn(view)
        for node_id, text in (("plain", HOSTILE_HREF), (odd, "odd id")):
            assert page.hover(node_id) == text
            assert page.js("document.querySelectorAll('div.vis-tooltip *').length") == 1  # kg's text box only
        assert HOSTILE_HREF in page.hover("topic:calculus")  # the definition
        assert page.js("document.querySelectorAll('div.vis-tooltip a, div.vis-tooltip img').length") == 0
        page.page.mouse.down()
        page.page.mouse.up()
        page.doc.wait_for_function("() => !document.getElementById('kg-info').hidden")
        assert HOSTILE_HREF in page.js("document.getElementById('kg-info-body').textContent")
        assert page.js("document.querySelectorAll('a, img, select, option:not(#kg-names option)').length") == 0
        assert page.js("[...document.querySelectorAll('#kg-names option')].map(o => o.value)").count(odd) == 1
        assert page.js("window.__pwned") is None
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


# --------------------------------------------------------------------------- Jupyter


def test_notebook_iframe_renders_inline(browser, hostile, tmp_path):
    """What a notebook shows for a View: its _repr_html_ inside some other page."""
    view = viz.focus_view(hostile, "evil")
    wrapper = tmp_path / "notebook.html"
    wrapper.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head>"
        f"<body><div class='output'>{view._repr_html_()}</div></body></html>",
        encoding="utf-8",
    )
    page = Loaded(browser, wrapper, frame=True)
    try:
        page.check_drawn(view)
        assert page.page.evaluate("window.__pwned") is None
        assert page.page.evaluate("document.querySelectorAll('img').length") == 0
        box = page.page.evaluate("(() => { const r = document.querySelector('iframe').getBoundingClientRect(); return [r.width, r.height]; })()")
        assert box[0] > 600 and box[1] >= 600
    finally:
        page.close()


# --------------------------------------------------------------------------- large graphs


def write_synthetic(root: Path, n: int, seed: int = 3) -> Path:
    """``n`` topics in a random layered DAG, 1-3 prerequisites each."""
    rng = random.Random(seed)
    (root / "topics").mkdir(parents=True)
    (root / "courses").mkdir()
    ids = [f"t{i:05d}" for i in range(n)]
    lines = ["topics:"]
    for i, t in enumerate(ids):
        lines += [f"  - id: {t}", f"    label: Topic {i}", f"    definition: Synthetic {i}."]
        start = (i // 100) * 100  # layers of 100: prerequisites come from earlier layers
        if start:
            lines.append("    requires:")
            for r in sorted(rng.sample(ids[max(0, start - 300):start], k=rng.randint(1, 3))):
                lines += [f"      - topic: {r}", "        reason: Synthetic."]
    (root / "topics" / "synthetic.yaml").write_text("\n".join(lines) + "\n")
    return root


def test_large_graph_is_drawn_and_settled(browser, tmp_path, cache):
    g = KnowledgeGraph.open(write_synthetic(tmp_path / "big", viz.LARGE + 100))
    view = viz.graph_view(g)
    assert view.counts["nodes"] == viz.LARGE + 100
    assert view.options["physics"] == {"enabled": False}
    assert view.options["interaction"]["hideEdgesOnDrag"] is True
    assert view.notes and "--focus TOPIC" in view.notes[-1]
    page = open_view(browser, view, tmp_path)
    try:
        page.check_drawn(view)
        # Nothing keeps moving: positions a moment later are the ones kg computed.
        first = page.js("JSON.stringify(kgNetwork.getPositions(['topic:t00000', 'topic:t01500']))")
        page.page.wait_for_timeout(300)
        assert page.js("JSON.stringify(kgNetwork.getPositions(['topic:t00000', 'topic:t01500']))") == first
        assert page.js("kgNetwork.physics.physicsEnabled") is False
    finally:
        page.close()


def test_physics_if_switched_on_settles_and_stops(browser, shipped, tmp_path):
    """kg never turns physics on, but a notebook user may; the page still stops."""
    view = viz.focus_view(shipped, "backprop")
    view.options["physics"] = {"enabled": True, "stabilization": {"iterations": 300}}
    page = open_view(browser, view, tmp_path)
    try:
        page.check_drawn(view)
        assert page.js("kgNetwork.physics.physicsEnabled") is False
        first = page.js("JSON.stringify(kgNetwork.getPositions())")
        page.page.wait_for_timeout(300)
        assert page.js("JSON.stringify(kgNetwork.getPositions())") == first
    finally:
        page.close()


def test_a_topic_taught_in_many_places_lists_the_best_few_and_counts_the_rest(browser, shipped, tmp_path):
    """The tooltip and the info panel list the lectures `kg show` lists (the same rule,
    kg.places.rank_places, and the same number) and say how many more there are."""
    from kg.places import SHOW_LIMITS, rank_places

    t = shipped.topic("transformers")
    lectures = shipped.where_taught(["transformers"])["transformers"]["lectures"]
    k = SHOW_LIMITS["lectures"]
    assert len(lectures) > k + 1, "the shipped data no longer teaches transformers in many places"
    ranked = rank_places(lectures, [t["label"], t["id"], *t["aliases"]])

    def line(lec):
        return f"{lec['code'] or lec['course']} #{lec['number'] or lec['position']}"

    view = viz.focus_view(shipped, "transformers", depth=1)
    lines = dict(next(n for n in view.nodes if n["id"] == "topic:transformers")["tip"]["sections"])["Lectures"]
    assert len(lines) == k + 1
    assert all(x.startswith((line(lec) + " ", line(lec) + ":")) for x, lec in zip(lines[:k], ranked))
    assert lines[k:] == [f"… and {len(lectures) - k} more lectures"]
    page = open_view(browser, view, tmp_path)
    try:
        tip = page.hover("topic:transformers")
        for lec in ranked[:k]:
            assert line(lec) + " " in tip or line(lec) + ":" in tip
        assert all(line(lec) + ":" not in tip and line(lec) + " " not in tip for lec in ranked[k:])
        assert f"… and {len(lectures) - k} more lectures" in tip
        page.page.fill("#kg-find", "transformers")
        page.page.press("#kg-find", "Enter")
        panel = page.js("document.getElementById('kg-info-body').textContent")
        assert f"… and {len(lectures) - k} more lectures" in panel
        assert page.errors == [] and page.requests == []
    finally:
        page.close()

