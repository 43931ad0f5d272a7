"""The plan the learner's app computes (kg/learner/static/plan.js, run here by node)
is the plan `kg path --format json` prints: same steps, same order, on the shipped data
for dozens of goal/known/start combinations, and on a small graph built to exercise the
ties and the course ranks.

Also: the app data itself (kg.learner.data.app_data) holds what the app shows.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kg.graph import KnowledgeGraph
from kg.learner.data import app_data
from kg.plan import plan

RUNNER = Path(__file__).parent / "js" / "run_plans.js"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed (Debian package nodejs)")


def js_plans(data: dict[str, Any], cases: list[dict[str, Any]]) -> list[list[str]]:
    """Each case's plan as plan.js computes it over ``data``."""
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(RUNNER)], input=json.dumps({"data": data, "cases": cases}),
        capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(done.stdout)


def cases_for(ids: list[str], n: int, seed: int) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        goal = rnd.choice(ids)
        known = rnd.sample(ids, rnd.choice([0, 0, 1, 2, 3, 6]))
        start = rnd.choice([None, None, rnd.choice(ids)])
        if start == goal:
            start = None
        out.append({"goal": goal, "start": start, "known": known})
    return out


def py_steps(g: KnowledgeGraph, case: dict[str, Any]) -> list[str]:
    return [s["id"] for s in plan(g, case["start"], case["goal"], case["known"])["steps"]]


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def shipped_data(shipped: KnowledgeGraph) -> dict[str, Any]:
    return app_data(shipped)


@needs_node
def test_browser_plan_equals_kg_path_on_the_shipped_data(shipped, shipped_data):
    ids = [t["id"] for t in shipped_data["topics"]]
    named = [
        {"goal": "transformers", "start": None, "known": []},
        {"goal": "transformers", "start": "backpropagation", "known": []},
        {"goal": "transformers", "start": None, "known": ["linear-algebra", "calculus"]},
        {"goal": "lora", "start": None, "known": ["fine-tuning"]},
        {"goal": "diffusion-models", "start": None, "known": []},
        {"goal": "backpropagation", "start": None, "known": ["transformers"]},
    ]
    named = [c for c in named if c["goal"] in ids and all(k in ids for k in c["known"]) and (c["start"] in ids or c["start"] is None)]
    cases = named + cases_for(ids, 60, seed=15)
    js = js_plans(shipped_data, [{"goal": c["goal"], "known": [*c["known"], *([c["start"]] if c["start"] else [])]} for c in cases])
    assert len(cases) >= 20
    nonempty = 0
    for case, got in zip(cases, js):
        assert got == py_steps(shipped, case), case
        nonempty += bool(got)
    assert nonempty >= 20  # not a test of empty plans


@needs_node
def test_browser_plan_equals_kg_path_on_the_cli_output(shipped_data, run):
    """The same through the real command: `kg path --format json`."""
    for goal, known in (("transformers", ["backprop"]), ("attention", []), ("lora", ["linear algebra"])):
        args = ["path", "-", goal, "--format", "json", "--no-profile"]
        for k in known:
            args += ["--known", k]
        out = json.loads(run(*args).output)
        ids = {t["id"] for t in shipped_data["topics"]}
        assert out["to"] in ids
        js = js_plans(shipped_data, [{"goal": out["to"], "known": out["known"]}])[0]
        assert js == [s["id"] for s in out["steps"]]


TIES = """\
topics:
  - {id: z-root, label: Zed root}
  - {id: a-root, label: alpha root}
  - {id: b-root, label: Beta root}
  - {id: mid, label: Mid, requires: [{topic: z-root, reason: r1}, {topic: a-root, reason: r2}]}
  - {id: side, label: side, requires: [{topic: b-root, reason: r3}]}
  - {id: late, label: Late, requires: [{topic: mid, reason: r4}]}
  - {id: goal, label: Goal, requires: [{topic: late, reason: r5}, {topic: side, reason: r6}, {topic: b-root, reason: r7}]}
  - {id: other, label: other, requires: [{topic: goal, reason: r8}]}
"""

TIES_COURSE = """\
id: c1
name: Course One
lectures:
  - {title: One, covers: [side]}
  - {title: Two, covers: [z-root]}
  - {title: Three, covers: [late]}
  - {title: Four, covers: [goal]}
"""


@needs_node
def test_ties_and_ranks_agree(tmp_path, cache):
    from .conftest import write_data

    g = KnowledgeGraph.open(write_data(tmp_path / "d", TIES, TIES_COURSE, "readings: []\n"))
    data = app_data(g)
    ids = [t["id"] for t in data["topics"]]
    cases = [{"goal": goal, "start": None, "known": known} for goal in ids for known in ([], ["mid"], ["b-root"], ["side", "z-root"])]
    js = js_plans(data, [{"goal": c["goal"], "known": c["known"]} for c in cases])
    for case, got in zip(cases, js):
        assert got == py_steps(g, case), case
    # the course ranks matter: without them some plan comes out in another order
    plain = {**data, "topics": [{k: v for k, v in t.items() if k != "rank"} for t in data["topics"]]}
    assert js_plans(plain, [{"goal": c["goal"], "known": c["known"]} for c in cases]) != js


def test_app_data_holds_what_the_app_shows(shipped, shipped_data):
    d = shipped_data
    assert d["format"] == "kg-app-data" and len(d["topics"]) == len(shipped.topic_ids())
    by_id = {t["id"]: t for t in d["topics"]}
    bp = by_id["backpropagation"]
    assert "backprop" in bp["aliases"] and bp["definition"]
    reqs = {d["topics"][i]["id"]: reason for i, reason in bp["requires"]}
    assert "chain-rule" in reqs and reqs["chain-rule"]
    # where it is taught: course, the page's lecture number, date and title
    lectures = [(d["courses"][c], d["courses"][c]["lectures"][l]) for c, l in bp["taught"]]
    assert lectures and all(lec["title"] and lec["position"] for _, lec in lectures)
    assert any(lec.get("date") for _, lec in lectures)
    # topics sorted the way kg path breaks ties
    keys = [(t["label"].casefold(), t["id"]) for t in d["topics"]]
    assert keys == sorted(keys)
    # links only where the data gives a URL
    urls = [r["url"] for r in d["readings"] if "url" in r] + [b["url"] for b in d["books"] if "url" in b]
    assert all(u.startswith(("https://", "http://")) for u in urls)
    # every topic has a place on the map, to the right of what it requires
    for t in d["topics"]:
        for i, _ in t.get("requires", []):
            assert d["topics"][i]["xy"][0] < t["xy"][0]
    # several areas, so the map has colours
    assert len({t["area"] for t in d["topics"]}) >= 6
