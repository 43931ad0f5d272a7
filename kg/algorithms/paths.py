"""Learning orders over a prerequisite DAG.

Pure functions over a :class:`networkx.DiGraph` whose edges point from a prerequisite to
the topic that needs it (``u -> v``: learn ``u`` before ``v``), so any topological order
is a valid learning order. Nothing here reads files or RDF; :mod:`kg.plan` projects the
graph from the store and adds where each topic is taught.

Orders are deterministic: among the topics that could come next, a ``key`` decides (the
default prefers the order real courses use when the caller supplies course ranks).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

import networkx as nx

__all__ = [
    "prerequisites",
    "dependents",
    "known_closure",
    "learning_plan",
    "learning_order",
    "learnable_next",
    "effective_ranks",
]

Node = TypeVar("Node", bound=Hashable)


def _check_nodes(G: nx.DiGraph[Node], nodes: Iterable[Node]) -> None:
    for n in nodes:
        if n not in G:
            raise nx.NodeNotFound(f"topic {n!r} is not in the graph")


def _check_dag(G: nx.DiGraph[Any]) -> None:
    if not nx.is_directed_acyclic_graph(G):
        cycle = [u for u, _ in nx.find_cycle(G)]
        raise nx.NetworkXUnfeasible("prerequisite cycle: " + " -> ".join(map(str, [*cycle, cycle[0]])))


def prerequisites(G: nx.DiGraph[Node], topic: Node, depth: int | None = None) -> dict[Node, int]:
    """Every topic ``topic`` transitively requires, with its distance (1 = direct).

    Parameters
    ----------
    G : DiGraph
        Edges point from prerequisite to dependent.
    topic : node
    depth : int, optional
        Stop after this many steps back (``1`` gives the direct prerequisites).

    Returns
    -------
    dict
        ``{prerequisite: shortest distance}``; ``topic`` itself is not included.

    Raises
    ------
    NodeNotFound
        If ``topic`` is not in ``G``.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "backprop"), ("graphs", "backprop")])
    >>> sorted(prerequisites(G, "backprop").items())
    [('algebra', 2), ('calculus', 1), ('graphs', 1)]
    >>> sorted(prerequisites(G, "backprop", depth=1))
    ['calculus', 'graphs']

    See Also
    --------
    dependents, learning_plan
    """
    _check_nodes(G, [topic])
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be at least 0, got {depth}")
    dist = nx.single_source_shortest_path_length(G.reverse(copy=False), topic, cutoff=depth)
    dist.pop(topic, None)
    return dict(dist)


def dependents(G: nx.DiGraph[Node], topic: Node, depth: int | None = None) -> dict[Node, int]:
    """Every topic that transitively requires ``topic`` (what it unlocks), with distance.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "backprop")])
    >>> dependents(G, "algebra")
    {'calculus': 1, 'backprop': 2}

    See Also
    --------
    prerequisites
    """
    _check_nodes(G, [topic])
    dist = nx.single_source_shortest_path_length(G, topic, cutoff=depth)
    dist.pop(topic, None)
    return dict(dist)


def known_closure(G: nx.DiGraph[Node], known: Iterable[Node]) -> set[Node]:
    """The known topics and everything they require (knowing X implies knowing its
    prerequisites).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    >>> sorted(known_closure(G, ["b"]))
    ['a', 'b']
    """
    known = list(known)
    _check_nodes(G, known)
    out: set[Node] = set()
    for k in known:
        if k not in out:
            out.add(k)
            out |= nx.ancestors(G, k)
    return out


def effective_ranks(
    G: nx.DiGraph[Node], nodes: Iterable[Node], rank: Mapping[Node, float]
) -> dict[Node, float]:
    """Ranks for ordering ``nodes``: a topic's own rank where ``rank`` has one, else just
    before the earliest-ranked topic among ``nodes`` that needs it (just in time).

    Topics with no rank and no ranked dependent get ``inf``.

    Examples
    --------
    >>> G = nx.DiGraph([("chain-rule", "backprop")])
    >>> effective_ranks(G, ["chain-rule", "backprop"], {"backprop": 0.3})
    {'backprop': 0.3, 'chain-rule': 0.3}
    """
    nodes = set(nodes)
    sub = G.subgraph(nodes)
    out: dict[Node, float] = {}
    for n in reversed(list(nx.topological_sort(sub))):
        if n in rank:
            out[n] = float(rank[n])
        else:
            out[n] = min((out[d] for d in sub.successors(n)), default=float("inf"))
    return out


def _order(
    G: nx.DiGraph[Node], nodes: set[Node], key: Callable[[Node], Any] | None
) -> list[Node]:
    sub = G.subgraph(nodes)
    return list(nx.lexicographical_topological_sort(sub, key=key or str))


def learning_plan(
    G: nx.DiGraph[Node],
    target: Node,
    known: Iterable[Node] = (),
    key: Callable[[Node], Any] | None = None,
) -> list[Node]:
    """The topics still to learn before (and including) ``target``, in a valid order.

    The plan is ``target`` and everything it transitively requires, minus the
    :func:`known_closure` of ``known``.

    Parameters
    ----------
    G : DiGraph
        Edges point from prerequisite to dependent; must be acyclic.
    target : node
    known : iterable of nodes
        Topics the learner already has; their prerequisites count as known too.
    key : callable, optional
        Breaks ties among topics that could come next (smallest first), as in
        :func:`networkx.lexicographical_topological_sort`. Default: ``str``.

    Returns
    -------
    list
        Every prerequisite comes before the topics that need it; empty when ``target``
        is already known.

    Raises
    ------
    NodeNotFound
        If ``target`` or a known topic is not in ``G``.
    NetworkXUnfeasible
        If the graph has a cycle (the message names it).

    Examples
    --------
    >>> G = nx.DiGraph([("calculus", "chain rule"), ("chain rule", "backprop"),
    ...                 ("linear algebra", "backprop"), ("backprop", "transformers"),
    ...                 ("attention", "transformers")])
    >>> learning_plan(G, "transformers", known=["chain rule"])
    ['attention', 'linear algebra', 'backprop', 'transformers']
    >>> learning_plan(G, "backprop", known=["transformers"])
    []

    See Also
    --------
    learning_order, known_closure
    """
    _check_nodes(G, [target])
    have = known_closure(G, known)
    if target in have:
        return []
    need = (nx.ancestors(G, target) | {target}) - have
    _check_dag(G.subgraph(need))
    return _order(G, need, key)


def learning_order(
    G: nx.DiGraph[Node],
    topics: Iterable[Node] | None = None,
    key: Callable[[Node], Any] | None = None,
) -> list[Node]:
    """A full learning order: of all of ``G``, or of ``topics`` and all they require.

    Examples
    --------
    >>> G = nx.DiGraph([("b", "c"), ("a", "c"), ("d", "e")])
    >>> learning_order(G)
    ['a', 'b', 'c', 'd', 'e']
    >>> learning_order(G, ["c"])
    ['a', 'b', 'c']
    >>> learning_order(nx.DiGraph())
    []
    """
    if topics is None:
        _check_dag(G)
        return _order(G, set(G), key)
    topics = list(topics)
    _check_nodes(G, topics)
    need: set[Node] = set()
    for t in topics:
        need |= nx.ancestors(G, t) | {t}
    _check_dag(G.subgraph(need))
    return _order(G, need, key)


def learnable_next(G: nx.DiGraph[Node], known: Iterable[Node]) -> list[tuple[Node, int]]:
    """Topics not yet known whose prerequisites are all known, ranked by how many
    topics they eventually unlock (most first, then by name).

    Returns
    -------
    list of (topic, unlocks)

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d"), ("e", "f")])
    >>> learnable_next(G, ["a"])
    [('b', 1), ('e', 1), ('d', 0)]
    """
    have = known_closure(G, known)
    ready = [
        n for n in G if n not in have and all(p in have for p in G.predecessors(n))
    ]
    scored = [(n, len(nx.descendants(G, n))) for n in ready]
    scored.sort(key=lambda x: (-x[1], str(x[0])))
    return scored
