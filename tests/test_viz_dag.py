"""kg.viz.dag on adjacency dicts gives what kg.algorithms.paths gives on a DiGraph."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from kg.algorithms import paths
from kg.viz import dag


def random_case(rnd: random.Random) -> tuple[nx.DiGraph[str], list[tuple[str, str]]]:
    n = rnd.randint(1, 40)
    names = [f"t{i}" for i in range(n)]
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_nodes_from(names)
    for _ in range(rnd.randint(0, 3 * n)):  # edges forward in the list: a DAG
        i, j = sorted(rnd.sample(range(n), 2)) if n > 1 else (0, 0)
        if i != j:
            G.add_edge(names[i], names[j], reason=f"{i}-{j}")
    # Parts and umbrellas anywhere: some umbrellas below their parts (specializations),
    # some new, some loops and repeats.
    pairs = [(rnd.choice(names), rnd.choice([*names, "area-x", "area-y"])) for _ in range(rnd.randint(0, 2 * n))]
    return G, pairs


def adjacency(G: nx.DiGraph[str]) -> tuple[dict[str, dict[str, object]], dict[str, list[str]]]:
    return {n: {s: d.get("reason") for s, d in nbrs.items()} for n, nbrs in G.succ.items()}, {n: list(G.pred[n]) for n in G}


@pytest.mark.parametrize("seed", range(200))
def test_add_parts_adds_what_with_parts_adds(seed):
    G, pairs = random_case(random.Random(seed))
    H = paths.with_parts(G, pairs)
    succ, pred = adjacency(G)
    added = dag.add_parts(succ, pred, pairs, data="part")
    assert added is not None
    assert sorted(added) == sorted((u, v) for u, v, d in H.edges(data=True) if d.get("part"))
    assert {(u, v) for u, nbrs in succ.items() for v in nbrs} == set(H.edges)
    assert set(succ) == set(pred) == set(H)
    assert all(sorted(pred[n]) == sorted(H.pred[n]) for n in H)


@pytest.mark.parametrize("seed", range(100))
@pytest.mark.parametrize("bits", [3, 16384])
def test_dependent_counts_as_paths_counts_them(seed, bits, monkeypatch):
    G, pairs = random_case(random.Random(seed))
    H = paths.with_parts(G, pairs)
    succ, pred = adjacency(H)
    monkeypatch.setattr(dag, "DEPENDENT_COUNT_BITS", bits)  # several passes, or one
    assert dag.dependent_counts(succ, pred) == paths.dependent_counts(H)
    # and with the order add_parts keeps
    succ, pred = adjacency(G)
    order: list[str] = []
    dag.add_parts(succ, pred, pairs, order=order)
    assert sorted(order) == sorted(H) and all(order.index(u) < order.index(v) for u, v in H.edges)
    assert dag.dependent_counts(succ, pred, order) == paths.dependent_counts(H)


def test_a_cycle_is_left_to_networkx():
    succ = {"a": {"b": None}, "b": {"a": None}, "c": {}}
    pred = {"a": ["b"], "b": ["a"], "c": []}
    assert dag.topological_order(succ, pred) is None
    assert dag.add_parts(succ, pred, [("c", "a")]) is None
    assert succ == {"a": {"b": None}, "b": {"a": None}, "c": {}}  # unchanged
    assert dag.dependent_counts(succ, pred) is None
