"""The whole topic graph for ``kg viz``: the prerequisite graph of every topic, with
labels and reasons, from three queries.

:func:`topic_graph` is :func:`kg.plan.prerequisite_graph` of the whole store (areas
requiring their parts), fetched for a page that draws all of it: one query for the
topics and their labels, one for the ``kg:requires`` edges with their reasons and one
for the ``skos:broader`` links, each shaped so that Oxigraph joins by hashing (see the
``viz-graph-*.rq`` files), and every IRI turned into an id once.
"""

from __future__ import annotations

import networkx as nx

from kg import vocab as V
from kg.algorithms import paths
from kg.graph import KnowledgeGraph
from kg.plan import add_labels, add_part_reasons

__all__ = ["Ids", "topic_graph"]


class Ids(dict[str, str]):
    """IRI -> id (:func:`kg.vocab.local_id`), each IRI worked out once."""

    def __missing__(self, iri: str) -> str:
        tid = self[iri] = V.local_id(iri)
        return tid


def topic_graph(kg: KnowledgeGraph, ids: Ids | None = None) -> nx.DiGraph[str]:
    """The ``kg:requires`` graph of every topic (edge ``prerequisite -> topic``), the
    same graph as :func:`kg.plan.prerequisite_graph` with no ``start``: nodes carry
    ``label``, edges ``reason``, and every area requires its parts.

    Where one edge has several reasons, the last in text order is kept.
    """
    ids = Ids() if ids is None else ids
    labels: dict[str, str | None] = {}
    for r in sorted(kg.run("viz-graph-topics"), key=lambda r: (r["t"], r["label"] or "")):
        labels[r["t"]] = r["label"]  # the last label in sorted order, as prerequisite_graph
    reasons: dict[tuple[str, str], str | None] = {}
    for r in sorted(kg.run("viz-graph-requires"), key=lambda r: (r["a"], r["b"], r["reason"] or "")):
        key = (r["a"], r["b"])
        if r["reason"] is not None or key not in reasons:
            reasons[key] = r["reason"]
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_nodes_from((ids[t], {"label": label or ids[t]}) for t, label in labels.items())
    for a, b in reasons:  # sorted by (a, b) above
        ta, tb = ids[a], ids[b]
        for n in (ta, tb):
            if n not in G:
                G.add_node(n, label=n)
    G.add_edges_from((ids[b], ids[a], {"reason": reason}) for (a, b), reason in reasons.items())
    pairs = list(dict.fromkeys((ids[r["t"]], ids[r["b"]]) for r in kg.run("viz-graph-broader") if r["t"] in labels))
    H = paths.with_parts(G, pairs)
    add_labels(kg, H, [n for n in H if "label" not in H.nodes[n]])
    add_part_reasons(H, H.edges)
    return H
