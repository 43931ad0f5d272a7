"""Facts derived from the whole ``kg:requires`` graph, materialised when it is built.

Some questions about the prerequisite graph are graph algorithms SPARQL cannot iterate:
the longest chain of prerequisites below a topic needs a pass in topological order. The
build answers them once, in Python, over the merged graph (YAML and any Turtle file in
the data directory, after the acyclicity check), and stores the answers as ordinary
triples in the default graph, beside the data and the RDFS entailments. So every SPARQL
client, ``kg export``, ``kg push`` and the dumps see them, and queries over them are
index lookups:

- ``kg:prerequisiteDepth`` (``xsd:integer``) on every topic and every node of the
  ``kg:requires`` graph: the most ``kg:requires`` steps down from it, 0 for a topic that
  requires nothing;
- ``kg:deepestPrerequisite`` (a sub-property of ``kg:requires``) on every topic that
  requires something: one prerequisite of the greatest depth, chosen so that following
  it down (``kg:deepestPrerequisite*``) walks, of the longest chains ending at the topic,
  the one whose text (topic ids, foundation first) sorts first. The shipped
  ``longest-chain`` query follows it.

Derived facts are a function of the ``kg:requires`` edges only, so a change to a source
that changes an edge changes them on the next build (the cache key covers every source).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg import vocab as V
from kg.algorithms.chains import longest_chains
from kg.queries import render_internal

__all__ = ["derived", "stated"]

_DEPTH = ox.NamedNode(V.KG.prerequisiteDepth)
_DEEPEST = ox.NamedNode(V.KG.deepestPrerequisite)
_TOPIC_IN = "/id/topic/"


def _shown(iri: str) -> str:
    # The text a topic shows in a chain: its id, as the longest-chain query writes it
    # (STRAFTER(STR(?t), "/id/topic/")).
    _, found, after = iri.partition(_TOPIC_IN)
    return after if found else ""


def derived(store: ox.Store, edges: Iterable[tuple[str, str]]) -> Iterator[ox.Quad]:
    """The derived facts for the graph in ``store`` whose ``kg:requires`` edges (``(a, b)``:
    ``a`` requires ``b``, IRIs) are ``edges``; the graph must be acyclic.

    Every ``kg:Topic`` in the store gets a depth, as does every node of an edge.
    """
    topics = [s["t"].value for s in store.query(render_internal("topic-iris"), prefixes=V.PREFIXES)]  # type: ignore[union-attr]
    chains = longest_chains(edges, topics, key=_shown)
    for node, depth in chains.depth.items():
        yield ox.Quad(ox.NamedNode(node), _DEPTH, ox.Literal(depth))
    for node, step in chains.step.items():
        yield ox.Quad(ox.NamedNode(node), _DEEPEST, ox.NamedNode(step))


def stated(store: ox.Store) -> Iterator[ox.Quad]:
    """Derived facts already in the default graph of ``store`` (a Turtle file in the data
    directory can hold some, e.g. a reloaded ``kg export``): the build replaces them."""
    for p in (_DEPTH, _DEEPEST):
        yield from store.quads_for_pattern(None, p, None, ox.DefaultGraph())
