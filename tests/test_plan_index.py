"""The plan index a build writes beside the store (kg.build.planindex): a plan read from
it is the plan SPARQL gives, on the shipped data, on a synthetic curriculum, with
triples a Turtle file adds; a graph it cannot describe, or a damaged file, leaves plans
to SPARQL."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.build.planindex import FILE
from kg.cli.output import path_chunks
from kg.graph import KnowledgeGraph
from kg.plan import plan_stream

ROOT = Path(__file__).resolve().parent.parent


def planned(g: KnowledgeGraph, from_: str | None, to: str, known: list[str], *, index: bool, fmt: str) -> str:
    """The plan as ``kg path --format fmt`` prints it (json: with definitions)."""
    head, steps = plan_stream(g, from_, to, known, definitions=fmt != "text", index=index)
    return "".join(path_chunks(head, steps, fmt))


def same_both_ways(g: KnowledgeGraph, goals: list[tuple[str | None, str, list[str]]], fmt: str) -> None:
    differ = [
        goal for goal in goals
        if planned(g, *goal, index=True, fmt=fmt) != planned(g, *goal, index=False, fmt=fmt)
    ]
    assert differ == []


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    g = KnowledgeGraph.open()
    assert g.plan_index is not None and g.manifest["plan_index"] is True
    return g


def test_every_shipped_plan_is_the_same_from_the_index(shipped: KnowledgeGraph) -> None:
    topics = sorted(t["id"] for t in shipped.topics())
    goals: list[tuple[str | None, str, list[str]]] = [(None, t, []) for t in topics]
    goals += [("backprop", "transformers", []), (None, "lora", ["fine-tuning"]), ("sgd", "lora", ["attention"])]
    same_both_ways(shipped, goals, "text")
    same_both_ways(shipped, goals[::7] + goals[-3:], "json")


def test_the_index_plan_has_reasons_labels_and_places(shipped: KnowledgeGraph) -> None:
    head, steps = plan_stream(shipped, "backprop", "transformers", definitions=False)
    listed = list(steps)
    assert head["summary"]["topics"] == len(listed) > 3
    assert all(s["label"] != s["id"] for s in listed)
    assert any(n["reason"] for s in listed for n in s["needed_for"])
    assert any(s["lectures"] for s in listed) and any(s["readings"] for s in listed)


def synth() -> Any:
    spec = importlib.util.spec_from_file_location("synth", ROOT / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_synthetic_curriculum_plans_the_same_from_the_index(tmp_path: Path) -> None:
    params = synth().generate(tmp_path / "data", 3000)
    g = KnowledgeGraph.open(tmp_path / "data")
    assert g.plan_index is not None
    goals: list[tuple[str | None, str, list[str]]] = [
        (None, str(params["large"]), []), (None, str(params["medium"]), []),
        (str(params["short_from"]), str(params["short_to"]), []),
    ]
    head, steps = plan_stream(g, None, str(params["large"]), definitions=False)
    assert head["summary"]["topics"] > 500 and any(s["sessions"] or s["chapters"] for s in steps)
    same_both_ways(g, goals, "text")
    same_both_ways(g, goals, "json")


TURTLE = """\
@prefix kg: <https://w3id.org/coursekg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <https://w3id.org/coursekg/id/topic/> .
t:limits a kg:Topic ; skos:prefLabel "Limits"@en .
t:calculus kg:requires t:limits .
[] a kg:Prerequisite ; kg:topic t:calculus ; kg:prerequisite t:limits ; kg:reason "A: limits first." .
[] a kg:Prerequisite ; kg:topic t:calculus ; kg:prerequisite t:limits ; kg:reason "B: derivatives are limits." .
"""


def test_turtle_triples_are_in_the_index(mini: Path, cache: Path) -> None:
    (mini / "extra.ttl").write_text(TURTLE)
    g = KnowledgeGraph.open(mini)
    assert g.plan_index is not None
    plan = planned(g, None, "backprop", [], index=True, fmt="json")
    assert plan == planned(g, None, "backprop", [], index=False, fmt="json")
    assert '"label": "Limits"' in plan
    # Two kg:Prerequisite nodes of one edge: the greatest reason, both ways.
    assert "B: derivatives are limits." in plan and "A: limits first." not in plan


def test_a_graph_the_index_cannot_describe_plans_through_sparql(mini: Path, cache: Path) -> None:
    (mini / "extra.ttl").write_text(TURTLE.replace('"B: derivatives are limits."', "7"))
    g = KnowledgeGraph.open(mini)
    assert g.plan_index is None and g.manifest["plan_index"] is False
    assert not (g.cache_path or Path("/nonexistent")).joinpath(FILE).exists()
    head, steps = plan_stream(g, None, "backprop")
    assert [s["id"] for s in steps] == ["limits", "calculus", "chain-rule", "backpropagation"]


def test_a_damaged_or_stale_index_is_not_used(mini: Path, cache: Path) -> None:
    g = KnowledgeGraph.open(mini)
    want = planned(g, None, "backprop", [], index=True, fmt="json")
    assert g.cache_path is not None and g.plan_index is not None
    path = g.cache_path / FILE
    whole = path.read_bytes()
    for damaged in (whole[: len(whole) - 40], whole.replace(g.manifest["key"].encode(), b"0" * 64), b"junk"):
        path.write_bytes(damaged)
        again = KnowledgeGraph.open(mini)
        assert again.plan_index is None
        assert planned(again, None, "backprop", [], index=True, fmt="json") == want
    path.unlink()
    assert KnowledgeGraph.open(mini).plan_index is None
    shutil.rmtree(g.cache_path)


def whole_pages(g: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The whole graph's `kg viz` page (with every layer) read with the index, then
    without it (the graph's prerequisite edges and reasons through SPARQL)."""
    from kg.viz import make_view

    layers = "courses,lectures,chapters,readings"
    with_index = make_view(g).html() + make_view(g, layers=layers).html()
    monkeypatch.setattr(KnowledgeGraph, "plan_index", property(lambda self: None))
    return with_index, make_view(g).html() + make_view(g, layers=layers).html()


def test_the_whole_graph_page_is_the_same_from_the_index(
    shipped: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = whole_pages(shipped, monkeypatch)
    assert a == b and "backprop" in a


def test_a_synthetic_whole_graph_page_is_the_same_from_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synth().generate(tmp_path / "data", 3000)
    g = KnowledgeGraph.open(tmp_path / "data")
    assert g.plan_index is not None
    a, b = whole_pages(g, monkeypatch)
    assert a == b


def test_a_whole_graph_page_keeps_the_greatest_reason_both_ways(
    mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mini / "extra.ttl").write_text(TURTLE)
    g = KnowledgeGraph.open(mini)
    assert g.plan_index is not None
    a, b = whole_pages(g, monkeypatch)
    assert a == b
    assert "B: derivatives are limits." in a and "A: limits first." not in a
