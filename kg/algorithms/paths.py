"""Learning orders over a prerequisite DAG.

Pure functions over a :class:`networkx.DiGraph` whose edges point from a prerequisite to
the topic that needs it (``u -> v``: learn ``u`` before ``v``), so any topological order
is a valid learning order. Nothing here reads files or RDF; :mod:`kg.plan` projects the
graph from the store and adds where each topic is taught.

Orders are deterministic: among the topics that could come next, a ``key`` decides (the
default prefers the order real courses use when the caller supplies course ranks).

Umbrella topics (``skos:broader`` targets) enter through :func:`with_parts`: knowing an
umbrella means knowing its parts, so each part becomes a prerequisite of its umbrella and
every function here (prerequisites, plans, known closure, next, orders) follows from that
one rule.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import networkx as nx

from kg.algorithms.dag import count_dependents, make_room

__all__ = [
    "prerequisites",
    "dependents",
    "known_closure",
    "learning_plan",
    "learning_order",
    "learnable_next",
    "effective_ranks",
    "foundations_first_ranks",
    "dependent_counts",
    "with_parts",
    "UMBRELLA_READINGS",
]

#: How ``skos:broader`` is read: ``"parts"`` (the default: an umbrella is made of its
#: parts, knowing it means knowing them, and its prerequisites are its parts) or
#: ``"overview"`` (an umbrella is only an overview topic of its own: it neither requires
#: nor implies its parts).
UMBRELLA_READINGS = ("parts", "overview")

Node = TypeVar("Node", bound=Hashable)


def with_parts(
    G: nx.DiGraph[Node], part_of: Iterable[tuple[Node, Node]], reading: str = "parts"
) -> nx.DiGraph[Node]:
    """``G`` with each umbrella topic requiring its parts.

    Parameters
    ----------
    G : DiGraph
        Edges point from prerequisite to dependent.
    part_of : iterable of (part, umbrella) pairs
        The ``skos:broader`` links: ``part`` is a narrower topic of ``umbrella``.
    reading : {"parts", "overview"}
        ``"parts"`` adds an edge ``part -> umbrella`` (marked ``part=True``) for every
        pair, so an umbrella's prerequisites are its parts (and theirs), and knowing an
        umbrella means knowing its parts. A narrower topic that itself requires its
        umbrella (directly or not) is a specialization built on it, not a part: it gets
        no edge, so the result stays acyclic when ``G`` is. ``"overview"`` leaves ``G``
        as it is.

    Returns
    -------
    DiGraph
        A new graph; ``G`` is not changed. Nodes of ``part_of`` missing from ``G`` are
        added.

    Raises
    ------
    ValueError
        For an unknown ``reading``.

    Examples
    --------
    >>> G = nx.DiGraph([("vectors", "dot-product")])
    >>> H = with_parts(G, [("vectors", "linear-algebra"), ("dot-product", "linear-algebra")])
    >>> sorted(prerequisites(H, "linear-algebra"))
    ['dot-product', 'vectors']
    >>> sorted(known_closure(H, ["linear-algebra"]))
    ['dot-product', 'linear-algebra', 'vectors']
    >>> with_parts(G, [("vectors", "linear-algebra")], reading="overview").number_of_edges()
    1
    >>> S = nx.DiGraph([("calculus", "chain-rule")])   # a specialization, not a part
    >>> list(with_parts(S, [("chain-rule", "calculus")]).edges)
    [('calculus', 'chain-rule')]
    """
    if reading not in UMBRELLA_READINGS:
        raise ValueError(f"unknown umbrella reading {reading!r} (one of {', '.join(UMBRELLA_READINGS)})")
    H = G.copy()
    if reading == "overview":
        return H
    pairs = sorted(set(part_of), key=lambda pu: (str(pu[1]), str(pu[0])))
    try:
        order = list(nx.topological_sort(H))
    except nx.NetworkXUnfeasible:
        # A cycle is reported by the function that orders the graph; here, each
        # umbrella's descendants are taken whole.
        _add_parts_by_descendants(H, pairs)
        return H
    # Whether the umbrella reaches the part is asked of a topological order kept up to
    # date as part edges go in (Pearce and Kelly's dynamic topological sort): an edge that
    # agrees with the order needs no search, and one that does not searches only the
    # nodes between its ends in the order, not everything below the umbrella.
    pos = {n: i for i, n in enumerate(order)}
    for part, umbrella in pairs:
        for n in (part, umbrella):
            if n not in pos:
                pos[n] = len(pos)
        if part == umbrella or H.has_edge(part, umbrella):
            continue
        if pos[umbrella] < pos[part] and not _reorder(H, pos, umbrella, part):
            continue  # a specialization: the umbrella is below it
        H.add_edge(part, umbrella, part=True)
    return H


def _add_parts_by_descendants(H: nx.DiGraph[Node], pairs: list[tuple[Node, Node]]) -> None:
    # Pairs come grouped by umbrella; edges into an umbrella never change what lies
    # below it, so its descendants are taken once.
    below: dict[Node, set[Node]] = {}
    for part, umbrella in pairs:
        if umbrella not in below:
            below[umbrella] = nx.descendants(H, umbrella) if umbrella in H else set()
        if part == umbrella or part in below[umbrella] or H.has_edge(part, umbrella):
            continue
        H.add_edge(part, umbrella, part=True)


def _reorder(H: nx.DiGraph[Node], pos: dict[Node, int], head: Node, tail: Node) -> bool:
    """:func:`kg.algorithms.dag.make_room` for an edge ``tail -> head`` of ``H``."""
    return make_room(
        lambda n: H.successors(n) if n in H else (), lambda n: H.predecessors(n) if n in H else (), pos, head, tail
    )


def _check_nodes(G: nx.DiGraph[Node], nodes: Iterable[Node]) -> None:
    for n in nodes:
        if n not in G:
            raise nx.NodeNotFound(f"topic {n!r} is not in the graph")


def _check_dag(G: nx.DiGraph[Any]) -> None:
    if not nx.is_directed_acyclic_graph(G):
        cycle = [u for u, _ in nx.find_cycle(G)]
        raise nx.NetworkXUnfeasible("prerequisite cycle: " + " -> ".join(map(str, [*cycle, cycle[0]])))


@contextmanager
def _induced(G: nx.DiGraph[Node], nodes: Iterable[Node]) -> Iterator[nx.DiGraph[Node]]:
    """The part of ``G`` among ``nodes``, for walking: ``G`` itself when ``nodes`` is all
    of it, else a plain DiGraph copy without attributes (nodes in the order of
    ``G.subgraph(nodes)``). Walking a copy once made is several times faster than
    walking a subgraph view, which filters every adjacency it reads.

    The copy is emptied on leaving the block: the views networkx caches on a graph
    (``in_degree``, ``edges``) refer back to it, a reference cycle that only the cyclic
    collector frees, and kg's command line runs lookups without it.

    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d")])
    >>> with _induced(G, {"a", "b", "d"}) as H:
    ...     sorted(H.edges)
    [('a', 'b'), ('a', 'd')]
    >>> with _induced(G, "abcd") as H:
    ...     H is G
    True
    """
    keep = nodes if isinstance(nodes, (set, frozenset)) else set(nodes)
    if len(keep) == len(G) and all(n in G for n in keep):
        yield G
        return
    H: nx.DiGraph[Node] = nx.DiGraph()
    H.add_nodes_from(G.subgraph(keep))
    succ = G.succ
    H.add_edges_from((u, v) for u in H for v in succ[u] if v in keep)
    try:
        yield H
    finally:
        H.__dict__.clear()


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


def foundations_first_ranks(
    G: nx.DiGraph[Node], nodes: Iterable[Node], rank: Mapping[Node, float]
) -> dict[Node, float]:
    """Ranks that order ``nodes`` the way a course does: foundations first.

    A topic's rank is its own rank from ``rank`` (where the courses teach it), but never
    earlier than the latest-ranked of its prerequisites among ``nodes``; a topic no course
    ranks comes as soon as its prerequisites are done (``0.0`` when it has none), so a
    foundation such as cross-entropy sits with the basics rather than just before the one
    late topic that needs it.

    Parameters
    ----------
    G : DiGraph
        Edges point from prerequisite to dependent; the part among ``nodes`` must be
        acyclic.
    nodes : iterable of nodes
    rank : mapping
        Where the courses put a topic (0 = first lecture, 1 = last), as from course data.

    Returns
    -------
    dict
        ``{node: rank}`` for every node of ``nodes``; use it as the first part of the
        ``key`` of :func:`learning_plan` or :func:`learning_order`.

    Examples
    --------
    >>> G = nx.DiGraph([("loss", "cross-entropy"), ("cross-entropy", "reward-model"),
    ...                 ("llm", "reward-model")])
    >>> r = foundations_first_ranks(G, G.nodes, {"llm": 0.6, "reward-model": 0.4})
    >>> r["loss"], r["cross-entropy"], r["llm"], r["reward-model"]
    (0.0, 0.0, 0.6, 0.6)

    See Also
    --------
    effective_ranks : the just-in-time alternative
    """
    out: dict[Node, float] = {}
    with _induced(G, nodes) as sub:
        for n in nx.topological_sort(sub):
            after = max((out[p] for p in sub.predecessors(n)), default=0.0)
            out[n] = max(float(rank[n]), after) if n in rank else after
    return out


#: How many topics' bits :func:`dependent_counts` carries in one pass (a set of this
#: many bits is 1 KiB).
DEPENDENT_COUNT_BITS = 8192


def dependent_counts(G: nx.DiGraph[Node], nodes: Iterable[Node] | None = None) -> dict[Node, int]:
    """How many topics of ``nodes`` transitively require each topic of ``nodes``.

    The same as ``len(nx.descendants(G.subgraph(nodes), n))`` for every ``n``, computed in
    reverse topological passes: each topic's dependents are a Python ``int`` bitset
    (one bit per topic), the union of its successors' sets and bits, dropped as soon as
    its last prerequisite has used it. Each pass counts the dependents among
    :data:`DEPENDENT_COUNT_BITS` topics, so the sets alive at once take at most that
    many bits each (tens of thousands of topics in one pass would hold up to 150 MB of
    sets). Time is about ``O(E * V / w)`` word operations plus ``O(E * V / B)`` graph
    steps for ``V`` topics, ``E`` edges and ``B`` bits a pass, instead of
    ``O(V * E)`` graph steps, so a plan of tens of thousands of topics takes well under
    a second.

    Parameters
    ----------
    G : DiGraph
        Edges point from prerequisite to dependent; the part among ``nodes`` must be
        acyclic.
    nodes : iterable of nodes, optional
        The topics to count among (default: all of ``G``); edges leaving ``nodes`` are
        ignored.

    Returns
    -------
    dict
        ``{node: number of its descendants among nodes}``, in topological order.

    Raises
    ------
    NetworkXUnfeasible
        If the part of ``G`` among ``nodes`` has a cycle.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d"), ("d", "c"), ("e", "f")])
    >>> dependent_counts(G)
    {'a': 3, 'e': 1, 'b': 1, 'd': 1, 'f': 0, 'c': 0}
    >>> dependent_counts(G, ["a", "b", "c"])
    {'a': 2, 'b': 1, 'c': 0}

    See Also
    --------
    dependents, learnable_next
    """
    with _induced(G, G if nodes is None else nodes) as sub:
        return _dependent_counts(sub)


def _dependent_counts(sub: nx.DiGraph[Node]) -> dict[Node, int]:
    order = list(nx.topological_sort(sub))
    return count_dependents(order, sub.succ, dict(sub.in_degree), DEPENDENT_COUNT_BITS)


def _order(
    G: nx.DiGraph[Node], nodes: set[Node], key: Callable[[Node], Any] | None
) -> list[Node]:
    with _induced(G, nodes) as sub:
        if not nx.is_directed_acyclic_graph(sub):
            _check_dag(G.subgraph(nodes))  # names the cycle as the graph's own order finds it
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
    return _order(G, need, key)


def learnable_next(G: nx.DiGraph[Node], known: Iterable[Node]) -> list[tuple[Node, int]]:
    """Topics not yet known whose prerequisites are all known, ranked by how many
    topics they eventually unlock (most first, then by name).

    Parameters
    ----------
    G : DiGraph
        Edges point from prerequisite to dependent.
    known : iterable of nodes
        Topics the learner has; their prerequisites count as known too.

    Returns
    -------
    list of (topic, unlocks)
        ``unlocks`` is ``len(nx.descendants(G, topic))``.

    Notes
    -----
    One pass in topological order over the learnable topics and everything below them
    (a known topic's prerequisites are known, so nothing below a learnable topic is):
    each topic carries the set of learnable topics above it as an ``int`` bitset of
    ``R`` bits (``R`` learnable topics), and the sets are summed bit by bit into binary
    counters. Time is about ``O((V + E) * R / w)`` word operations for the ``V``
    topics and ``E`` edges below, instead of one descendants walk per learnable topic
    (``O(R * (V + E))`` graph steps, minutes on 100,000 topics).

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
    try:
        counts = _unlock_counts(G, ready)
    except nx.NetworkXUnfeasible:  # a cycle below: count each topic's descendants
        counts = {n: len(nx.descendants(G, n)) for n in ready}
    scored = [(n, counts[n]) for n in ready]
    scored.sort(key=lambda x: (-x[1], str(x[0])))
    return scored


def _unlock_counts(G: nx.DiGraph[Node], ready: list[Node]) -> dict[Node, int]:
    """``{r: len(nx.descendants(G, r))}`` for sources ``ready`` of the part of ``G``
    below them (see :func:`learnable_next`); NetworkXUnfeasible on a cycle there."""
    bit = {n: 1 << i for i, n in enumerate(ready)}
    waiting: dict[Node, int] = dict.fromkeys(ready, 0)  # prerequisites below not yet passed
    todo = list(ready)
    while todo:
        for s in G.successors(todo.pop()):
            if s in waiting:
                waiting[s] += 1
            else:
                waiting[s] = 1
                todo.append(s)
    above: dict[Node, int] = {}  # the learnable topics above each topic reached
    planes: list[int] = []  # binary counters, one bit-plane per power of two
    todo = list(ready)
    passed = 0
    while todo:
        n = todo.pop()
        passed += 1
        own = bit.get(n, 0)
        mask = above.pop(n, 0) | own
        add, k = mask & ~own, 0
        while add:
            if k == len(planes):
                planes.append(0)
            carry = planes[k] & add
            planes[k] ^= add
            add, k = carry, k + 1
        for s in G.successors(n):
            above[s] = above.get(s, 0) | mask
            waiting[s] -= 1
            if not waiting[s]:
                todo.append(s)
    if passed < len(waiting):
        raise nx.NetworkXUnfeasible("prerequisite cycle below the learnable topics")
    return {n: sum(((p >> i) & 1) << k for k, p in enumerate(planes)) for i, n in enumerate(ready)}
