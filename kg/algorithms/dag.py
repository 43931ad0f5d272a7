"""Cycles in a directed graph given by its edges: the one check both the YAML loader and
the build (over the merged graph, Turtle files included) make on ``kg:requires``.

Pure and dependency-free, so the loader can use it without importing networkx.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["find_cycle"]


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
