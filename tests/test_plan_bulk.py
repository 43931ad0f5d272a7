"""Plans on a list covering a large part of the graph: each lookup's bulk query
(``NAME-bulk.rq``, see :meth:`KnowledgeGraph.run_lookup`) gives the rows its per-term
query gives, and a plan made with them is the same plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg import graph as G
from kg import plan as P
from kg.graph import KnowledgeGraph

INTERNAL = Path(P.__file__).parent / "queries" / "internal"
BULK = sorted(p.name.removesuffix("-bulk.rq") for p in INTERNAL.glob("*-bulk.rq"))


def bulk_everywhere() -> KnowledgeGraph:
    """A graph that sends every lookup list as one bulk query."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(G, "BULK_MIN", 0)
        mp.setattr(G, "BULK_SHARE", 0)
        g = KnowledgeGraph.open()
        g.run_lookup_rows("requires-edges-of", topics=[])  # the threshold, read once
    return g


@pytest.fixture(scope="module")
def chunked() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def bulk() -> KnowledgeGraph:
    return bulk_everywhere()


def terms(g: KnowledgeGraph, cls: str) -> list[ox.NamedNode]:
    return [ox.NamedNode(r["x"]) for r in g.select(f"SELECT ?x WHERE {{ ?x a kg:{cls} }} ORDER BY ?x")]


def test_the_bulk_queries_are_those_of_the_plan_lookups() -> None:
    assert BULK == [
        "broader-links-into", "course-facts", "edge-reasons-of", "lecture-cover-counts",
        "lecture-places-of", "requires-edges-of", "topic-label-definitions", "topic-labels",
        "where-taught-chapters", "where-taught-lectures", "where-taught-readings",
        "where-taught-sessions",
    ]


@pytest.mark.parametrize("name", BULK)
def test_bulk_rows_are_the_lookup_rows(chunked: KnowledgeGraph, name: str) -> None:
    text = (INTERNAL / f"{name}.rq").read_text()
    param, cls = ("courses", "Course") if "$courses" in text else ("lectures", "Lecture") if "$lectures" in text else ("topics", "Topic")
    values = terms(chunked, cls)
    assert len(values) > 10
    per_term = [tuple(r.values()) for r in chunked.run_each(name, **{param: values})]
    at_once = chunked.run_rows(f"{name}-bulk", **{param: values})
    assert per_term, name  # the shipped data has rows for every lookup
    if name == "topic-label-definitions":
        # one row per topic with both (OPTIONALs) against one row per label and one per
        # definition (UNION): the same labels and definitions
        assert {(t, lab) for t, lab, _ in per_term if lab} == {(t, lab) for t, lab, _ in at_once if lab}
        assert {(t, d) for t, _, d in per_term if d} == {(t, d) for t, _, d in at_once if d}
        return
    assert sorted(per_term, key=repr) == sorted(at_once, key=repr)
    if "ORDER BY" in text:  # each term's rows in the same order
        first = {r[0] for r in per_term}
        for t in first:
            assert [r for r in per_term if r[0] == t] == [r for r in at_once if r[0] == t]


@pytest.mark.parametrize(
    "from_, to, known",
    [("backprop", "transformers", []), (None, "transformers", []), ("sgd", "lora", ["attention"]), (None, "rlhf", [])],
)
def test_a_plan_from_bulk_lookups_is_the_same_plan(
    chunked: KnowledgeGraph, bulk: KnowledgeGraph, from_: str | None, to: str, known: list[str]
) -> None:
    a: Any = P.plan(chunked, from_, to, known)
    b: Any = P.plan(bulk, from_, to, known)
    assert len(a["steps"]) > 3
    assert any(s["lectures"] for s in a["steps"]) and any(s["needed_for"] for s in a["steps"])
    assert a == b


def test_where_taught_from_bulk_lookups(chunked: KnowledgeGraph, bulk: KnowledgeGraph) -> None:
    ids = [str(t.value).rsplit("/", 1)[1] for t in terms(chunked, "Topic")]
    a, b = chunked.where_taught(ids), bulk.where_taught(ids)
    assert any(w["readings"] for w in a.values()) and any(w["chapters"] for w in a.values())
    assert a == b
