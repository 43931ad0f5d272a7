"""The pure learning-order algorithms, one class per function (networkx style)."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.algorithms import paths


def chain(*nodes: str) -> nx.DiGraph:
    return nx.DiGraph(list(zip(nodes, nodes[1:])))


def is_valid_order(G: nx.DiGraph, seq: list[str]) -> bool:
    pos = {n: i for i, n in enumerate(seq)}
    return all(pos[u] < pos[v] for u, v in G.subgraph(seq).edges)


class TestPrerequisites:
    def test_single_node(self):
        G = nx.DiGraph()
        G.add_node("a")
        assert paths.prerequisites(G, "a") == {}

    def test_chain_and_depth(self):
        G = chain("a", "b", "c", "d")
        assert paths.prerequisites(G, "d") == {"c": 1, "b": 2, "a": 3}
        assert paths.prerequisites(G, "d", depth=2) == {"c": 1, "b": 2}

    def test_shortest_distance_wins(self):
        G = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
        assert paths.prerequisites(G, "c")["a"] == 1

    def test_unknown(self):
        with pytest.raises(nx.NodeNotFound):
            paths.prerequisites(nx.DiGraph(), "x")

    def test_negative_depth(self):
        with pytest.raises(ValueError):
            paths.prerequisites(chain("a", "b"), "b", depth=-1)


class TestDependents:
    def test_disconnected(self):
        G = nx.DiGraph([("a", "b"), ("x", "y")])
        assert paths.dependents(G, "a") == {"b": 1}

    def test_unknown(self):
        with pytest.raises(nx.NodeNotFound):
            paths.dependents(chain("a", "b"), "z")


class TestKnownClosure:
    def test_empty(self):
        assert paths.known_closure(chain("a", "b"), []) == set()

    def test_includes_prerequisites(self):
        assert paths.known_closure(chain("a", "b", "c"), ["b"]) == {"a", "b"}

    def test_unknown(self):
        with pytest.raises(nx.NodeNotFound):
            paths.known_closure(chain("a", "b"), ["q"])


class TestLearningPlan:
    def test_single_node(self):
        G = nx.DiGraph()
        G.add_node("a")
        assert paths.learning_plan(G, "a") == ["a"]

    def test_excludes_known_and_their_prerequisites(self):
        G = nx.DiGraph([("calc", "chain"), ("chain", "bp"), ("la", "bp"), ("bp", "tf"), ("att", "tf")])
        plan = paths.learning_plan(G, "tf", known=["chain"])
        assert set(plan) == {"la", "bp", "att", "tf"}
        assert is_valid_order(G, plan) and plan[-1] == "tf"

    def test_target_known(self):
        assert paths.learning_plan(chain("a", "b"), "a", known=["b"]) == []

    def test_disconnected_parts_ignored(self):
        G = nx.DiGraph([("a", "b"), ("x", "y")])
        assert paths.learning_plan(G, "b") == ["a", "b"]

    def test_key_breaks_ties(self):
        G = nx.DiGraph([("a", "t"), ("b", "t"), ("c", "t")])
        rank = {"a": 3, "b": 1, "c": 2}
        assert paths.learning_plan(G, "t", key=rank.get) == ["b", "c", "a", "t"]

    def test_deterministic(self):
        G = nx.gnp_random_graph(60, 0.1, seed=3, directed=True)
        G = nx.DiGraph((u, v) for u, v in G.edges if u < v)
        target = max(G, key=lambda n: len(nx.ancestors(G, n)))
        first = paths.learning_plan(G, target)
        assert all(paths.learning_plan(G.copy(), target) == first for _ in range(3))
        assert is_valid_order(G, first)

    def test_cycle(self):
        G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "t")])
        with pytest.raises(nx.NetworkXUnfeasible, match="prerequisite cycle"):
            paths.learning_plan(G, "t")

    def test_unknown(self):
        with pytest.raises(nx.NodeNotFound):
            paths.learning_plan(chain("a", "b"), "z")


class TestLearningOrder:
    def test_empty(self):
        assert paths.learning_order(nx.DiGraph()) == []

    def test_whole_graph_valid(self):
        G = nx.DiGraph([("b", "c"), ("a", "c"), ("d", "e")])
        seq = paths.learning_order(G)
        assert sorted(seq) == ["a", "b", "c", "d", "e"] and is_valid_order(G, seq)

    def test_cycle(self):
        with pytest.raises(nx.NetworkXUnfeasible):
            paths.learning_order(nx.DiGraph([("a", "b"), ("b", "a")]))

    def test_unknown(self):
        with pytest.raises(nx.NodeNotFound):
            paths.learning_order(chain("a", "b"), ["q"])


class TestLearnableNext:
    def test_empty(self):
        assert paths.learnable_next(nx.DiGraph(), []) == []

    def test_nothing_known_gives_roots(self):
        G = nx.DiGraph([("a", "b"), ("c", "b")])
        assert paths.learnable_next(G, []) == [("a", 1), ("c", 1)]

    def test_all_known(self):
        G = chain("a", "b")
        assert paths.learnable_next(G, ["b"]) == []

    def test_requires_all_prerequisites(self):
        G = nx.DiGraph([("a", "c"), ("b", "c")])
        assert [n for n, _ in paths.learnable_next(G, ["a"])] == ["b"]


class TestEffectiveRanks:
    def test_untaught_follows_first_dependent(self):
        G = nx.DiGraph([("x", "late"), ("x", "early")])
        r = paths.effective_ranks(G, ["x", "late", "early"], {"late": 0.9, "early": 0.2})
        assert r["x"] == 0.2

    def test_no_rank_anywhere(self):
        r = paths.effective_ranks(chain("a", "b"), ["a", "b"], {})
        assert r == {"a": float("inf"), "b": float("inf")}


# ------------------------------------------------------------- dependent_counts


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=40),
    edges=st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=150),
    keep=st.lists(st.integers(0, 39), max_size=40),
)
def test_dependent_counts_equal_descendant_counts(n: int, edges: list[tuple[int, int]], keep: list[int]) -> None:
    # A random DAG (edges only from a smaller to a larger number), counted on all of it
    # and on a random subset, against one nx.descendants call per node.
    G: nx.DiGraph[int] = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from((min(u, v), max(u, v)) for u, v in edges if u != v and max(u, v) < n)
    assert paths.dependent_counts(G) == {v: len(nx.descendants(G, v)) for v in G}
    nodes = {v for v in keep if v < n}
    sub = G.subgraph(nodes)
    assert paths.dependent_counts(G, nodes) == {v: len(nx.descendants(sub, v)) for v in nodes}


def test_dependent_counts_on_the_shipped_graph() -> None:
    from kg.graph import KnowledgeGraph
    from kg.plan import prerequisite_graph

    kg = KnowledgeGraph.open()
    G = prerequisite_graph(kg, [t["id"] for t in kg.topics()], with_reasons=False)
    got = paths.dependent_counts(G)
    assert got == {v: len(nx.descendants(G, v)) for v in G}
    assert max(got.values()) > 10


def test_dependent_counts_name_a_cycle() -> None:
    with pytest.raises(nx.NetworkXUnfeasible):
        paths.dependent_counts(nx.DiGraph([("a", "b"), ("b", "a")]))


# ------------------------------------------------------------- with_parts


def with_parts_reference(G: nx.DiGraph, part_of: list[tuple[int, int]]) -> nx.DiGraph:
    # The definition: pairs by umbrella, each umbrella's descendants taken whole.
    H = G.copy()
    below: dict[int, set[int]] = {}
    for part, umbrella in sorted(set(part_of), key=lambda pu: (str(pu[1]), str(pu[0]))):
        if umbrella not in below:
            below[umbrella] = nx.descendants(H, umbrella) if umbrella in H else set()
        if part == umbrella or part in below[umbrella] or H.has_edge(part, umbrella):
            continue
        H.add_edge(part, umbrella, part=True)
    return H


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=30),
    edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=80),
    part_of=st.lists(st.tuples(st.integers(0, 34), st.integers(0, 34)), max_size=60),
)
def test_with_parts_equals_descendant_walks(n: int, edges: list[tuple[int, int]], part_of: list[tuple[int, int]]) -> None:
    # A random DAG and random part-of pairs (some naming nodes outside it): the same
    # graph, edge attributes and node order as the whole-descendants definition.
    G: nx.DiGraph[int] = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from((min(u, v), max(u, v)) for u, v in edges if u != v and max(u, v) < n)
    got, want = paths.with_parts(G, part_of), with_parts_reference(G, part_of)
    assert list(got.nodes) == list(want.nodes)
    assert list(got.edges(data=True)) == list(want.edges(data=True))
    assert nx.is_directed_acyclic_graph(got)


def test_with_parts_on_a_cyclic_graph() -> None:
    # A cycle is left for the ordering functions to report; parts are still added.
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "d")])
    H = paths.with_parts(G, [("c", "u"), ("d", "c")])
    assert H.has_edge("c", "u") and not H.has_edge("d", "c")


# ------------------------------------------------------------- learnable_next


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=30),
    edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=80),
    known=st.lists(st.integers(0, 29), max_size=8),
)
def test_learnable_next_equals_descendant_walks(n: int, edges: list[tuple[int, int]], known: list[int]) -> None:
    G: nx.DiGraph[int] = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from((min(u, v), max(u, v)) for u, v in edges if u != v and max(u, v) < n)
    known = [k for k in known if k < n]
    have = paths.known_closure(G, known)
    ready = [v for v in G if v not in have and all(p in have for p in G.predecessors(v))]
    want = sorted(((v, len(nx.descendants(G, v))) for v in ready), key=lambda x: (-x[1], str(x[0])))
    assert paths.learnable_next(G, known) == want
