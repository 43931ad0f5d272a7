"""Cycles in a directed graph given by its edges: the one check both the YAML loader and
the build (over the merged graph, Turtle files included) make on ``kg:requires``.

Pure and dependency-free, so the loader can use it without importing networkx.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

__all__ = ["find_cycle", "make_room"]

N = TypeVar("N", bound=Hashable)


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """One cycle of the directed graph given by ``edges``, or ``None``.

    Parameters
    ----------
    edges : iterable of (str, str)
        ``(a, b)`` for an edge from ``a`` to ``b`` (for ``kg:requires``: ``a`` requires
        ``b``).

    Returns
    -------
    list of str or None
        The nodes of one cycle in edge order, each once; the cycle closes from the last
        node back to the first. ``None`` when the graph is acyclic.

    Notes
    -----
    The result depends only on the set of edges, never on their order: nodes and their
    successors are visited in sorted order, and the cycle found is rotated to start at
    its smallest node. So the loader and the build name a cycle the same way. The search
    is iterative (no recursion limit) and linear in the size of the graph.

    Examples
    --------
    >>> find_cycle([("a", "b"), ("b", "c")]) is None
    True
    >>> find_cycle([("a", "b"), ("b", "c"), ("c", "a")])
    ['a', 'b', 'c']
    >>> find_cycle([("c", "a"), ("b", "c"), ("a", "b")])
    ['a', 'b', 'c']
    >>> find_cycle([("z", "b"), ("b", "z")])
    ['b', 'z']
    >>> find_cycle([("x", "x")])
    ['x']
    """
    succ: dict[str, list[str]] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    for targets in succ.values():
        targets.sort()
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(succ, white)
    for start in sorted(succ):
        if colour[start] != white:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path = [start]
        colour[start] = grey
        while stack:
            node, i = stack[-1]
            if i < len(succ[node]):
                stack[-1] = (node, i + 1)
                nxt = succ[node][i]
                if colour[nxt] == grey:
                    cycle = path[path.index(nxt):]
                    k = cycle.index(min(cycle))
                    return cycle[k:] + cycle[:k]
                if colour[nxt] == white:
                    colour[nxt] = grey
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                colour[node] = black
                stack.pop()
                path.pop()
    return None


def make_room(
    successors: Callable[[N], Iterable[N]],
    predecessors: Callable[[N], Iterable[N]],
    pos: dict[N, int],
    head: N,
    tail: N,
) -> bool:
    """Make room in a topological order for a new edge ``tail -> head`` that points
    backwards (``pos[head] < pos[tail]``), moving as few nodes as the order needs.

    Parameters
    ----------
    successors, predecessors : callable
        A node's successors and predecessors in the graph (without the new edge).
    pos : dict
        Each node's place in a topological order of the graph; changed in place.
    head, tail : node
        The new edge runs from ``tail`` to ``head``.

    Returns
    -------
    bool
        False when ``head`` reaches ``tail`` (the edge would close a cycle; ``pos`` is
        unchanged), else True, with ``pos`` a topological order of the graph with the
        edge.

    Notes
    -----
    Only the nodes between the two places move: those ``head`` reaches (before
    ``tail``'s place) and those that reach ``tail`` (after ``head``'s place). They
    keep their places as a set; the second group goes before the first, each group in
    its old order. This is the dynamic topological sort of Pearce and Kelly.

    Examples
    --------
    >>> succ = {"a": ["b"], "b": [], "c": []}
    >>> pred = {"a": [], "b": ["a"], "c": []}
    >>> pos = {"a": 0, "b": 1, "c": 2}
    >>> make_room(lambda n: succ[n], lambda n: pred[n], pos, "b", "c")
    True
    >>> sorted(pos, key=pos.__getitem__)
    ['a', 'c', 'b']
    >>> make_room(lambda n: succ[n], lambda n: pred[n], pos, "a", "b")  # b -> a: a reaches b
    False
    """
    lo, hi = pos[head], pos[tail]
    forward: list[N] = []
    seen = {head}
    todo = [head]
    while todo:
        n = todo.pop()
        forward.append(n)
        for s in successors(n):
            if s == tail:
                return False
            if s not in seen and pos[s] < hi:
                seen.add(s)
                todo.append(s)
    backward: list[N] = []
    seen = {tail}
    todo = [tail]
    while todo:
        n = todo.pop()
        backward.append(n)
        for p in predecessors(n):
            if p not in seen and pos[p] > lo:
                seen.add(p)
                todo.append(p)
    moved = sorted(backward, key=pos.__getitem__) + sorted(forward, key=pos.__getitem__)
    for n, i in zip(moved, sorted(pos[n] for n in moved)):
        pos[n] = i
    return True
