"""The learner's app in a real browser: headless Debian Chromium driven by Playwright.

The site is written by `kg publish` and opened from file:// (one test also opens it
from `kg serve`); every request that is not the page itself is aborted and counted, and
each test asserts none was attempted and no error was logged. What is checked is what a
learner does: search (with typos, aliases, ids), choose a goal, read the plan, mark
topics known, reload, export and import progress to and from the CLI, share a link.
The plan on the page must be the plan `kg path` computes.

Needs Playwright for Python and /usr/bin/chromium (see tests/test_viz_browser.py);
accessibility is checked with axe-core (tests/vendor/axe-core), injected by the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.graph import KnowledgeGraph
from kg.learner.site import publish
from kg.plan import plan
from kg.profile import load

from .test_viz import write_hostile
from .conftest import needs_chromium

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
LOCAL = ("file:", "data:", "about:", "blob:")

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def site(shipped: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish(shipped, tmp_path_factory.mktemp("site") / "site").directory


class App:
    """The app opened in a fresh browser context, offline, with what it tried to fetch
    and what it logged."""

    def __init__(self, browser: Any, url: str, *, local: tuple[str, ...] = LOCAL, **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, **context)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        p = self.page
        p.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        p.on("pageerror", lambda e: self.errors.append(str(e)))
        p.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local) else (self.requests.append(r.request.url), r.abort()))
        self.goto(url)

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.ready()

    def ready(self) -> None:
        self.page.wait_for_function("() => document.documentElement.dataset.kgState === 'ready'", timeout=30_000)

    def steps(self) -> list[str]:
        return list(self.page.eval_on_selector_all("[data-testid=step]", "els => els.map(e => e.dataset.topic)"))

    def results(self, text: str) -> list[str]:
        self.page.fill("[data-testid=search]", text)
        return list(self.page.eval_on_selector_all("[data-testid=result]", "els => els.map(e => e.dataset.topic)"))

    def choose(self, text: str, topic: str) -> None:
        assert topic in self.results(text)
        self.page.click(f"[data-testid=result][data-topic='{topic}']")

    def check(self) -> None:
        assert self.requests == []
        assert self.errors == []
        assert self.page.evaluate("window.__pwned") is None

    def close(self) -> None:
        self.context.close()


def py_plan(g: KnowledgeGraph, goal: str, known: list[str] = (), start: str | None = None) -> list[str]:
    return [s["id"] for s in plan(g, start, goal, list(known))["steps"]]


@pytest.fixture
def app(browser, site):
    a = App(browser, (site / "index.html").as_uri())
    yield a
    a.close()


def test_search_goal_plan(app, shipped):
    assert app.results("atention")[0] == "attention"  # a typo
    assert app.results("backprop")[0] == "backpropagation"  # an alias
    assert app.results("chain-rule")[0] == "chain-rule"  # an id
    assert app.results("Transformers")[0] == "transformers"
    assert app.results("qqqqzzzz") == []
    app.choose("transformer", "transformers")
    assert app.steps() == py_plan(shipped, "transformers")
    assert app.page.get_attribute("[data-testid=step]:last-child", "data-topic") == "transformers"
    # why, where, effort: the reason of the first step's first dependent is shown
    first = app.page.locator("[data-testid=step]").first
    text = first.inner_text()
    assert "Needed for" in text and "lecture" in text.lower()
    # the plan's graph: numbers read left to right
    xs = app.page.eval_on_selector_all("#plan-graph g.pnode circle", "cs => cs.map(c => +c.getAttribute('cx'))")
    assert len(xs) == len(app.steps()) and xs == sorted(xs) and len(set(xs)) == len(xs)
    labels = app.page.eval_on_selector_all("#plan-graph g.pnode text.l", "ts => ts.map(t => t.textContent)")
    assert labels[-1] == "Transformers"
    # a start counts as known
    app.page.fill("#start", "backprop")
    app.page.click("#start-results li >> nth=0")
    assert app.steps() == py_plan(shipped, "transformers", start="backpropagation")
    assert "from=backpropagation" in app.page.url
    app.check()


def test_keyboard_only(app, shipped):
    app.page.focus("[data-testid=search]")
    app.page.keyboard.type("lora")
    app.page.keyboard.press("ArrowDown")
    app.page.keyboard.press("ArrowUp")
    app.page.keyboard.press("Enter")
    assert app.steps() == py_plan(shipped, "lora")
    toggle = app.page.locator("[data-testid=known]").first
    toggle.focus()
    first = app.steps()[0]
    app.page.keyboard.press("Space")
    assert first not in app.steps()
    app.check()


def test_known_toggles_change_the_plan_and_survive_a_reload(app, shipped):
    app.choose("transformers", "transformers")
    before = app.steps()
    # mark the third step known: it and everything it requires leave the plan
    third = before[2]
    app.page.locator(f"[data-testid=step][data-topic='{third}'] [data-testid=known]").click()
    after = app.steps()
    assert after == py_plan(shipped, "transformers", [third]) and third not in after and len(after) < len(before)
    second = after[0]
    app.page.locator(f"[data-testid=step][data-topic='{second}'] [data-testid=known]").click()
    expected = py_plan(shipped, "transformers", [third, second])
    assert app.steps() == expected
    # skip keeps the step (struck through) and the plan's order
    app.page.locator("[data-testid=step] [data-testid=skip]").first.click()
    assert app.steps() == expected
    app.page.reload()
    app.ready()
    assert app.steps() == expected
    assert app.page.locator("[data-testid=step].skipped").count() == 1
    # also without the hash: progress and goal come from the browser's storage
    app.goto(app.page.url.split("#")[0])
    assert app.steps() == expected
    # unmark from the list of what you know
    app.page.click("summary:has-text('What you know')")
    app.page.click("#known-list button[aria-label^='Forget that I know']")
    assert len(app.steps()) > len(expected)
    app.check()


def test_export_import_round_trip_with_the_cli(app, shipped, run, tmp_path):
    app.choose("diffusion", "diffusion-models")
    plan0 = app.steps()
    for t in plan0[:2]:
        app.page.locator(f"[data-testid=step][data-topic='{t}'] [data-testid=known]").click()
    with app.page.expect_download() as dl:
        app.page.click("#export")
    exported = tmp_path / "from-browser.json"
    dl.value.save_as(exported)
    doc = json.loads(exported.read_text())
    assert doc["format"] == "kg-progress" and doc["goal"] == "diffusion-models"
    assert set(doc["known"]) == set(plan0[:2])
    # the CLI reads it, and plans the same
    assert run("known", "import", "--replace", str(exported)).exit_code == 0
    assert set(load().known) == set(plan0[:2])
    cli = json.loads(run("path", "-", "diffusion-models", "--format", "json").output)
    assert [s["id"] for s in cli["steps"]] == app.steps()
    # and back: the CLI's export, imported into the browser
    run("known", "add", "probability", "linear-algebra")
    back = tmp_path / "from-cli.json"
    run("known", "export", "-o", str(back))
    app.page.click("#clear-known")
    assert app.steps() == plan0
    app.page.set_input_files("#import", str(back))
    app.page.wait_for_function("() => document.getElementById('io-status').textContent.startsWith('Imported')")
    cli = json.loads(run("path", "-", "diffusion-models", "--format", "json").output)
    assert app.steps() == [s["id"] for s in cli["steps"]] != plan0
    # a file that is not progress is refused with a message, and nothing changes
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    app.page.set_input_files("#import", str(bad))
    app.page.wait_for_function("() => document.getElementById('io-status').textContent.startsWith('Not a kg progress file')")
    assert app.steps() == [s["id"] for s in cli["steps"]]
    app.check()


def test_a_shared_link_reproduces_the_plan(browser, app, shipped, site):
    app.choose("lora", "lora")
    app.page.fill("#start", "backprop")
    app.page.click("#start-results li >> nth=0")
    first = app.steps()[0]
    app.page.locator("[data-testid=known]").first.click()
    mine = app.steps()
    url = app.page.url
    assert "goal=lora" in url and f"known={first}" in url
    other = App(browser, url)  # a fresh profile: nothing in its storage
    try:
        assert other.steps() == mine == py_plan(shipped, "lora", [first], start="backpropagation")
        other.check()
    finally:
        other.close()
    # someone with progress of their own sees the link's, and can switch back to theirs
    app.page.locator("[data-testid=known]").first.click()
    theirs = app.steps()
    app.page.goto("about:blank")
    app.goto(url)
    assert app.steps() == mine
    assert app.page.is_visible("#link-note")
    app.page.click("#link-restore")
    assert app.steps() == theirs
    app.check()


def test_views_topic_course_map(app, shipped):
    app.choose("attention", "attention")
    app.page.click("[data-testid=step][data-topic='attention'] h3 button")
    assert app.page.text_content("#topic-title") == "Attention mechanism"
    nb = app.page.eval_on_selector_all("#topic-body svg g.nnode", "gs => gs.map(g => g.dataset.topic)")
    topic = shipped.topic("attention")
    assert set(nb) >= {r["id"] for r in topic["requires"]} | {r["id"] for r in topic["required_by"]}
    assert "topic=attention" in app.page.url
    # a course's lectures in order, with the page's numbers and dates
    app.page.click("#tab-course")
    app.page.select_option("#course-pick", label=next(
        o for o in app.page.eval_on_selector_all("#course-pick option", "os => os.map(o => o.textContent)") if "6.7960" in o))
    rows = app.page.eval_on_selector_all("table.lectures tbody tr", "rs => rs.map(r => [...r.cells].slice(0, 3).map(c => c.textContent))")
    course = shipped.course("mit-6.7960-fa25")
    assert [r[2] for r in rows] == [lec["title"] for lec in course["lectures"]]
    assert [r[1] for r in rows] == [lec["date"] or "" for lec in course["lectures"]]
    assert [r[0] for r in rows] == [str(lec["number"] or lec["position"]) for lec in course["lectures"]]
    assert "course=mit-6.7960-fa25" in app.page.url
    # the map: coloured by area, labels only once zoomed in
    app.page.click("#tab-map")
    canvas = app.page.locator("#map-canvas")
    assert canvas.get_attribute("data-labels") == "hidden"
    colours = app.page.evaluate(
        """() => { const c = document.getElementById('map-canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const s = new Set(); for (let i = 0; i < d.length; i += 4) if (d[i+3] === 255 && !(d[i] === d[i+1] && d[i+1] === d[i+2])) s.add(d[i] >> 4 << 8 | d[i+1] >> 4 << 4 | d[i+2] >> 4); return s.size; }"""
    )
    assert colours >= 4
    clicks = 0
    while canvas.get_attribute("data-labels") == "hidden" and clicks < 15:
        app.page.click("button:text-is('Zoom in')")
        clicks += 1
    assert canvas.get_attribute("data-labels") == "shown"
    assert app.page.eval_on_selector_all("ul.legend li", "ls => ls.length") >= 7
    app.check()


def test_hostile_labels_execute_nothing(browser, tmp_path, cache):
    g = KnowledgeGraph.open(write_hostile(tmp_path / "hostile"))
    site = publish(g, tmp_path / "site").directory
    a = App(browser, (site / "index.html").as_uri())
    try:
        assert a.results("evil") == ["chain-rule"]
        assert a.page.text_content("[data-testid=result] .rlabel") == '<img src=x onerror="window.__pwned=1">'
        a.choose("backprop", "backpropagation")
        assert a.steps() == ["calculus", "chain-rule", "backpropagation"]
        assert '<svg onload="window.__pwned=3">' in a.page.inner_text("[data-testid=step]:first-child")
        for tab in ("#tab-topic", "#tab-course", "#tab-map", "#tab-plan"):
            a.page.click(tab)
        a.page.click("[data-testid=step][data-topic='chain-rule'] h3 button")
        assert a.page.text_content("#topic-title") == '<img src=x onerror="window.__pwned=1">'
        assert a.page.locator("img").count() == 0 and a.page.locator("main script").count() == 0
        a.check()
    finally:
        a.close()


def test_served_by_kg_serve(browser, shipped):
    from .test_server import running_server

    with running_server() as base:
        a = App(browser, base + "/", local=(base, "data:", "about:", "blob:"))
        try:
            a.choose("attention", "attention")
            assert a.steps() == py_plan(shipped, "attention")
            assert a.page.get_attribute("a[href='/explorer']", "href") == "/explorer"
            a.check()
        finally:
            a.close()


def test_accessibility(browser, site):
    """No serious or critical axe-core violations in any view."""
    a = App(browser, (site / "index.html").as_uri() + "#goal=transformers&known=calculus", bypass_csp=True)
    try:
        a.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = {}
        for tab in ("#tab-plan", "#tab-topic", "#tab-course", "#tab-map"):
            a.page.click(tab)
            a.page.fill("[data-testid=search]", "atten")  # the open list of results too
            result = a.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
            found[tab] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
            a.page.fill("[data-testid=search]", "")
        assert found == {tab: [] for tab in found}
        a.check()
    finally:
        a.close()


def test_the_page_plans_like_kg_path(app, shipped):
    """The agreement test of tests/test_learner_plan.py, run by the page's own copy of
    plan.js in Chromium (so it holds even where node is not installed)."""
    from .test_learner_plan import cases_for, py_steps

    ids = [t for t in shipped.topic_ids()]
    cases = cases_for(ids, 30, seed=16)
    got = app.page.evaluate(
        """(cases) => {
             const data = JSON.parse(document.getElementById('kg-data').textContent);
             const g = new kgPlan.Graph(data), ix = (id) => g.byId.get(id);
             return cases.map(c => g.plan(ix(c.goal), c.known.concat(c.start ? [c.start] : []).map(ix)).map(i => data.topics[i].id));
           }""",
        cases,
    )
    assert sum(bool(x) for x in got) >= 15
    for case, steps in zip(cases, got):
        assert steps == py_steps(shipped, case), case
    app.check()


def test_a_topic_taught_in_many_places_lists_the_best_few_then_all(app, shipped, site):
    """A topic's page lists the lectures `kg show` lists first (kg.places.rank_places,
    SHOW_LIMITS), then "… and N more lectures", which shows every one; a plan's step
    lists PATH_LIMITS of them. The app's data keeps every lecture."""
    from kg.places import PATH_LIMITS, SHOW_LIMITS, rank_places

    t = shipped.topic("transformers")
    lectures = shipped.where_taught(["transformers"])["transformers"]["lectures"]
    k = SHOW_LIMITS["lectures"]
    assert len(lectures) > k + 1, "the shipped data no longer teaches transformers in many places"
    ranked = rank_places(lectures, [t["label"], t["id"], *t["aliases"]])

    def expected(lec):
        return f"{lec['code'] or lec['course']} lecture {lec['number'] or lec['position']}" + (
            f" ({lec['date']})" if lec["date"] else "") + f": {lec['title']}"

    def rows(scope):
        return app.page.eval_on_selector_all(f"{scope} [data-places=lectures] li", "ls => ls.map(l => l.textContent)")

    app.goto((site / "index.html").as_uri() + "#view=topic&topic=transformers")
    assert app.page.text_content("#topic-title") == t["label"]
    shown = rows("#topic-body")
    assert shown == [expected(lec) for lec in ranked[:k]] + [f"… and {len(lectures) - k} more lectures"]
    app.page.click("#topic-body [data-places=lectures] button.more-places")
    assert rows("#topic-body") == [expected(lec) for lec in ranked]
    assert app.page.eval_on_selector_all("#topic-body [data-places=lectures] button.more-places", "bs => bs.length") == 0
    # focus moves to the first lecture that was hidden
    first_hidden = ranked[k]
    assert app.page.evaluate("document.activeElement.textContent") == (
        f"{first_hidden['code'] or first_hidden['course']} lecture {first_hidden['number'] or first_hidden['position']}")

    # a step of a plan: fewer, the same first ones
    app.goto((site / "index.html").as_uri() + "#goal=transformers")
    step = "[data-testid=step][data-topic='transformers']"
    p = PATH_LIMITS["lectures"]
    assert rows(step) == [expected(lec) for lec in ranked[:p]] + [f"… and {len(lectures) - p} more lectures"]
    app.page.click(f"{step} [data-places=lectures] button.more-places")
    assert len(rows(step)) == len(lectures)
    app.check()
