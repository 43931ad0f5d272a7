"""find_cycle, and the two places that report a kg:requires cycle with it (the YAML loader
and the build's check of the merged graph): one function, one way of naming a cycle."""

from __future__ import annotations

import itertools

import pytest

from kg.algorithms.dag import find_cycle
from kg.build.sources import load_sources
from kg.errors import CycleError

TTL_CLOSING_EDGE = (
    "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
    "<https://w3id.org/coursekg/id/topic/calculus> kg:requires <https://w3id.org/coursekg/id/topic/backpropagation> .\n"
)
YAML_CLOSING_EDGE = (
    "    definition: Rates of change.\n    requires:\n      - topic: backpropagation\n        reason: Made up.\n"
)


class TestFindCycle:
    def test_empty(self):
        assert find_cycle([]) is None

    def test_acyclic(self):
        assert find_cycle([("a", "b"), ("a", "c"), ("b", "c")]) is None

    def test_self_loop(self):
        assert find_cycle([("a", "b"), ("b", "b")]) == ["b"]

    def test_edge_order_does_not_matter(self):
        edges = [("d", "b"), ("b", "c"), ("c", "d"), ("a", "b"), ("e", "a"), ("a", "e")]
        found = {tuple(find_cycle(p)) for p in itertools.permutations(edges)}
        assert found == {("b", "c", "d")}

    def test_starts_at_the_smallest_node(self):
        assert find_cycle([("m", "z"), ("z", "k"), ("k", "m")]) == ["k", "m", "z"]

    def test_long_chain_has_no_recursion_limit(self):
        n = 50_000
        edges = [(f"t{i:05}", f"t{i + 1:05}") for i in range(n)] + [(f"t{n:05}", "t00000")]
        assert len(find_cycle(edges)) == n + 1


def test_loader_and_build_name_a_cycle_alike(run, mini, cache):
    t = mini / "topics" / "t.yaml"
    original = t.read_text()
    t.write_text(original.replace("    definition: Rates of change.\n", YAML_CLOSING_EDGE))
    with pytest.raises(CycleError) as from_yaml:
        load_sources(mini)
    t.write_text(original)
    (mini / "extra.ttl").write_text(TTL_CLOSING_EDGE)
    result = run("validate", "--no-shacl", data=mini)
    assert result.exit_code == 1
    assert from_yaml.value.cycle == ["backpropagation", "chain-rule", "calculus"]
    shown = " -> ".join([*from_yaml.value.cycle, from_yaml.value.cycle[0]])
    assert f"prerequisite cycle: {shown}" in " ".join(result.stdout.split())
    assert str(from_yaml.value.path).endswith("t.yaml") and from_yaml.value.line is not None


@pytest.mark.parametrize("bits", [1, 3, 64])
def test_count_dependents_is_the_number_of_descendants(bits):
    """On random DAGs, in passes of a few bits or one, each node's count is its number
    of descendants (networkx), in the order given."""
    import random

    import networkx as nx

    from kg.algorithms.dag import count_dependents

    rng = random.Random(bits)
    for _ in range(60):
        n = rng.randint(1, 40)
        edges = [(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < 0.12]
        G = nx.DiGraph(edges)
        G.add_nodes_from(range(n))
        order = list(nx.topological_sort(G))
        got = count_dependents(order, G.succ, dict(G.in_degree), bits)
        assert list(got) == order
        assert got == {v: len(nx.descendants(G, v)) for v in order}
