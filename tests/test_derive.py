"""Facts the build derives from the kg:requires graph (kg/build/derive.py): each topic's
kg:prerequisiteDepth and kg:deepestPrerequisite, checked against networkx and brute force
on the shipped graph, on Turtle-only graphs (longer chains than any shipped, ties, stale
stated values), and as users see them (kg export, the shipped longest-chain query)."""

from __future__ import annotations

import json
from functools import cache as memo
from pathlib import Path

import networkx as nx
import pytest

from kg import vocab as V
from kg.algorithms.chains import longest_chains
from kg.graph import KnowledgeGraph
from kg.queries import get

TOPIC = V.ID + "topic/"


def lid(iri: str) -> str:
    return V.local_id(iri)


@pytest.fixture(scope="module")
def g() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def requires(g: KnowledgeGraph) -> nx.DiGraph:  # type: ignore[type-arg]
    G: nx.DiGraph = nx.DiGraph()  # type: ignore[type-arg]
    G.add_nodes_from(lid(r["t"]) for r in g.select("SELECT ?t WHERE { ?t a kg:Topic }"))
    G.add_edges_from((lid(r["a"]), lid(r["b"])) for r in g.select("SELECT ?a ?b WHERE { ?a kg:requires ?b }"))
    return G


def depths(g: KnowledgeGraph) -> dict[str, int]:
    rows = g.select("SELECT ?t ?d WHERE { ?t kg:prerequisiteDepth ?d }")
    out = {lid(r["t"]): r["d"] for r in rows}
    assert len(out) == len(rows), "a topic with two depths"
    return out


def steps(g: KnowledgeGraph) -> dict[str, str]:
    rows = g.select("SELECT ?t ?p WHERE { ?t kg:deepestPrerequisite ?p }")
    out = {lid(r["t"]): lid(r["p"]) for r in rows}
    assert len(out) == len(rows), "a topic with two deepest prerequisites"
    return out


def first_chains(G: nx.DiGraph) -> dict[str, tuple[str, ...]]:  # type: ignore[type-arg]
    """By brute force: for every node, all its longest chains down, and the one whose
    text (foundation first, joined by " → ") sorts first."""

    @memo
    def chains(n: str) -> tuple[tuple[str, ...], ...]:
        below = [c for p in G.successors(n) for c in chains(p)]
        if not below:
            return ((n,),)
        longest = max(map(len, below))
        return tuple(c + (n,) for c in below if len(c) == longest)

    return {n: min(chains(n), key=" → ".join) for n in G}


class TestShipped:
    def test_depth_is_the_longest_path_down(self, g: KnowledgeGraph) -> None:
        G = requires(g)
        got = depths(g)
        assert set(got) == set(G)  # every topic has one
        assert max(got.values()) == nx.dag_longest_path_length(G)
        for n in G:
            sub = G.subgraph({n} | nx.descendants(G, n))
            assert got[n] == nx.dag_longest_path_length(sub)

    def test_deepest_prerequisite_starts_the_first_longest_chain(self, g: KnowledgeGraph) -> None:
        G = requires(g)
        d, s = depths(g), steps(g)
        assert set(s) == {n for n in G if G.out_degree(n)}
        for n, p in s.items():
            assert G.has_edge(n, p) and d[p] == d[n] - 1
        expected = first_chains(G)
        for n in G:
            chain = [n]
            while chain[-1] in s:
                chain.append(s[chain[-1]])
            assert tuple(reversed(chain)) == expected[n], n
        ties = sum(1 for n in G if sum(1 for p in G.successors(n) if d[p] == d[n] - 1) > 1)
        assert ties > 5  # the shipped graph has ties, so the choice among them is tested

    def test_in_the_ontology_and_the_export(self, g: KnowledgeGraph, run) -> None:  # type: ignore[no-untyped-def]
        label = g.select(f"SELECT ?l WHERE {{ <{V.KG.prerequisiteDepth}> rdfs:label ?l }}")
        assert label and label[0]["l"] == "prerequisite depth"
        assert g.ask(f"ASK {{ <{V.KG.deepestPrerequisite}> rdfs:subPropertyOf kg:requires }}")
        out = run("export", "--format", "nt")
        assert out.exit_code == 0
        lines = out.output.splitlines()
        stated = [line for line in lines if line.startswith(f"<{TOPIC}") and f"> <{V.KG.prerequisiteDepth}> " in line]
        assert len(stated) == len(depths(g))
        assert f"<{TOPIC}transformers> <{V.KG.deepestPrerequisite}> " in out.output

    def test_manifest_counts_them(self, g: KnowledgeGraph) -> None:
        assert g.manifest["triples"] == len(g)


def ttl(edges: list[tuple[str, str]], extra: str = "") -> str:
    lines = ["@prefix kg: <https://w3id.org/coursekg/ontology#> .", f"@prefix t: <{TOPIC}> ."]
    nodes = sorted({n for e in edges for n in e})
    lines += [f"t:{n} a kg:Topic ." for n in nodes]
    lines += [f"t:{a} kg:requires t:{b} ." for a, b in edges]
    return "\n".join(lines) + "\n" + extra


def turtle_graph(tmp_path: Path, text: str) -> KnowledgeGraph:
    data = tmp_path / "data"
    data.mkdir()
    (data / "graph.ttl").write_text(text)
    return KnowledgeGraph.open(data)


class TestTurtleGraphs:
    def test_a_chain_longer_than_any_fixed_bound(self, tmp_path: Path, cache: Path) -> None:
        # 25 edges a0 <- a1 <- ... <- a25, and a shortcut that must not count
        edges = [(f"a{i + 1:02d}", f"a{i:02d}") for i in range(25)] + [("a25", "a03")]
        g = turtle_graph(tmp_path, ttl(edges))
        assert depths(g)["a25"] == 25 and depths(g)["a00"] == 0
        assert steps(g)["a25"] == "a24"
        rows = g.select(get("longest-chain").render())
        assert [(lid(r["start"]), lid(r["end"]), r["length"], r["complete"]) for r in rows] == [("a00", "a25", 25, True)]
        assert rows[0]["chain"] == " → ".join(f"a{i:02d}" for i in range(26))

    def test_ties_go_to_the_chain_whose_text_sorts_first(self, tmp_path: Path, cache: Path) -> None:
        # Two tops of depth 2; chains z → b → top1, a → c → top1, y → d → top2.
        # Text order: "a → c → top1" first, though top1's prerequisite b sorts before c.
        edges = [("top1", "b"), ("top1", "c"), ("b", "z"), ("c", "a"), ("top2", "d"), ("d", "y")]
        g = turtle_graph(tmp_path, ttl(edges))
        assert steps(g)["top1"] == "c"
        rows = g.select(get("longest-chain").render())
        assert [r["chain"] for r in rows] == ["a → c → top1"]
        G = nx.DiGraph(edges)
        assert rows[0]["chain"] == " → ".join(first_chains(G)["top1"])

    def test_stated_values_are_replaced(self, tmp_path: Path, cache: Path) -> None:
        # as a reloaded export of an older graph would state them
        stale = (
            f"<{TOPIC}b> kg:prerequisiteDepth 7 .\n"
            f"<{TOPIC}c> kg:deepestPrerequisite <{TOPIC}a> .\n"
            f"<{TOPIC}a> kg:prerequisiteDepth 0 .\n"
        )
        g = turtle_graph(tmp_path, ttl([("c", "b"), ("b", "a"), ("c", "a")], stale))
        assert depths(g) == {"a": 0, "b": 1, "c": 2}
        assert steps(g) == {"b": "a", "c": "b"}
        assert g.manifest["triples"] == len(g)

    def test_no_edges_no_chain(self, tmp_path: Path, cache: Path) -> None:
        g = turtle_graph(tmp_path, ttl([]) + f"<{TOPIC}solo> a kg:Topic .\n")
        assert depths(g) == {"solo": 0}
        assert g.select(get("longest-chain").render()) == []


def test_longest_chains_is_the_brute_force() -> None:
    # A denser random DAG than the shipped one, with many ties.
    import random

    rng = random.Random(7)
    names = [f"n{rng.randrange(10**6):06d}" for _ in range(60)]
    edges = [(names[i], names[j]) for i in range(60) for j in range(i) if rng.random() < 0.12]
    G = nx.DiGraph(edges)
    G.add_nodes_from(names)
    c = longest_chains(edges, names)
    expected = first_chains(G)
    for n in names:
        assert c.depth[n] == len(expected[n]) - 1
        assert tuple(c.chain(n)) == expected[n]


def test_json_of_the_query_on_the_cli(g: KnowledgeGraph, run) -> None:  # type: ignore[no-untyped-def]
    out = run("query", "longest-chain", "--format", "json")
    assert out.exit_code == 0, out.output
    (row,) = json.loads(out.output)["results"]["bindings"]
    assert row["complete"]["value"] == "true"
    assert row["chain"]["value"].split(" → ")[0] == lid(row["start"]["value"])
