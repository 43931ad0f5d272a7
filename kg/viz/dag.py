"""The whole prerequisite graph as adjacency dicts, for a page that draws all of it.

:func:`kg.algorithms.paths.with_parts` and :func:`kg.algorithms.paths.dependent_counts`
on plain dicts: ``succ`` maps every node to ``{successor: edge data}`` and ``pred``
every node to its predecessors, both in insertion order. For a page of the whole graph
these give the same results as the networkx functions on the same graph without
building a ``DiGraph`` (and without the copy ``with_parts`` makes), which costs more
than the rest of the work on ten thousand topics.

Both return ``None`` where the graph has a cycle: the caller then uses the networkx
functions, which say what the cycle is.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from kg.algorithms.dag import count_dependents, make_room

__all__ = ["topological_order", "add_parts", "dependent_counts"]

N = TypeVar("N", bound=Hashable)

DEPENDENT_COUNT_BITS = 16384
"""How many topics' bits :func:`dependent_counts` carries in one pass (a set of this
many bits is 2 KiB): one pass for a page of ten thousand topics."""


def topological_order(succ: Mapping[N, Iterable[N]], pred: Mapping[N, Sequence[N]]) -> list[N] | None:
    """The nodes of ``succ`` in a topological order (Kahn's algorithm), or ``None`` if
    the graph has a cycle.

    >>> succ = {"a": ["b"], "b": ["c"], "c": [], "x": ["c"]}
    >>> pred = {"a": [], "b": ["a"], "c": ["b", "x"], "x": []}
    >>> topological_order(succ, pred)
    ['a', 'x', 'b', 'c']
    >>> topological_order({"a": ["b"], "b": ["a"]}, {"a": ["b"], "b": ["a"]}) is None
    True
    """
    waiting = {n: len(pred[n]) for n in succ}
    order = [n for n, k in waiting.items() if not k]
    for n in order:
        for s in succ[n]:
            waiting[s] -= 1
            if not waiting[s]:
                order.append(s)
    return order if len(order) == len(waiting) else None


def add_parts(
    succ: dict[N, dict[N, Any]], pred: dict[N, list[N]], part_of: Iterable[tuple[N, N]], data: Any = None,
    order: list[N] | None = None,
) -> list[tuple[N, N]] | None:
    """Each umbrella requires its parts, in place: what
    :func:`kg.algorithms.paths.with_parts` adds to a copy of the graph (``"parts"``
    reading), added to ``succ`` and ``pred`` with edge data ``data``.

    For every ``(part, umbrella)`` pair in order of (umbrella, part) as text, an edge
    ``part -> umbrella`` unless it is a loop, already there, or the umbrella reaches the
    part (a specialization built on its umbrella, not a part); nodes that are new get
    empty adjacencies. Whether the umbrella reaches the part is asked of a topological
    order kept up to date as edges go in (Pearce and Kelly), as ``with_parts`` does.

    Returns the edges added, in that order; ``None`` (and nothing changed) if the
    graph has a cycle. ``order``, if given, is filled with the nodes in a topological
    order of the result (the one kept up to date).

    >>> succ = {"vectors": {"dot": None}, "dot": {}, "calculus": {"chain": None}, "chain": {}}
    >>> pred = {"vectors": [], "dot": ["vectors"], "calculus": [], "chain": ["calculus"]}
    >>> add_parts(succ, pred, [("vectors", "algebra"), ("dot", "algebra"), ("chain", "calculus")])
    [('dot', 'algebra'), ('vectors', 'algebra')]
    >>> pred["algebra"]
    ['dot', 'vectors']
    """
    start = topological_order(succ, pred)
    if start is None:
        return None
    pos = {n: i for i, n in enumerate(start)}
    added: list[tuple[N, N]] = []
    for part, umbrella in sorted(set(part_of), key=lambda pu: (str(pu[1]), str(pu[0]))):
        for n in (part, umbrella):
            if n not in pos:
                pos[n] = len(pos)
        if part == umbrella or umbrella in succ.get(part, ()):
            continue
        if pos[umbrella] < pos[part] and not make_room(lambda n: succ.get(n, ()), lambda n: pred.get(n, ()), pos, umbrella, part):
            continue  # a specialization: the umbrella is below it
        for n in (part, umbrella):
            if n not in succ:
                succ[n] = {}
                pred[n] = []
        succ[part][umbrella] = data
        pred[umbrella].append(part)
        added.append((part, umbrella))
    if order is not None:
        order[:] = sorted((n for n in pos if n in succ), key=pos.__getitem__)
    return added


def dependent_counts(
    succ: Mapping[N, Iterable[N]], pred: Mapping[N, Sequence[N]], order: Sequence[N] | None = None,
) -> dict[N, int] | None:
    """How many nodes transitively require each node (its descendants), as
    :func:`kg.algorithms.paths.dependent_counts` of the whole graph counts them (as
    ``int`` bitsets, one bit for each node that has a predecessor,
    :data:`DEPENDENT_COUNT_BITS` of them a pass); ``None`` if the graph has a cycle.
    ``order``: a topological order of the graph, if known.

    >>> succ = {"a": ["b", "d"], "b": ["c"], "c": [], "d": ["c"], "e": ["f"], "f": []}
    >>> pred = {"a": [], "b": ["a"], "c": ["b", "d"], "d": ["a"], "e": [], "f": ["e"]}
    >>> dependent_counts(succ, pred)
    {'a': 3, 'e': 1, 'b': 1, 'd': 1, 'f': 0, 'c': 0}
    """
    if order is None:
        order = topological_order(succ, pred)
        if order is None:
            return None
    return count_dependents(order, succ, {n: len(pred[n]) for n in order}, DEPENDENT_COUNT_BITS)
