"""Longest prerequisite chains of a DAG, for every node at once.

The build materialises two facts per topic from the ``kg:requires`` graph (see
``kg/build/derive.py``): its depth (the most edges on a chain down from it) and one
prerequisite that starts a longest such chain. A longest path in a DAG is one pass in
topological order, which SPARQL cannot iterate, so it is computed here once.

Pure and dependency-free (no networkx): the build imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["Chains", "longest_chains"]


class Chains:
    """What :func:`longest_chains` finds: ``depth[n]`` for every node, and ``step[n]``
    for every node of depth > 0 (the prerequisite starting its first longest chain)."""

    __slots__ = ("depth", "step")

    def __init__(self, depth: dict[str, int], step: dict[str, str]) -> None:
        self.depth = depth
        self.step = step

    def chain(self, node: str) -> list[str]:
        """The first longest chain ending at ``node``, from its foundation to ``node``.

        >>> longest_chains([("c", "b"), ("b", "a")]).chain("c")
        ['a', 'b', 'c']
        """
        out = [node]
        while out[-1] in self.step:
            out.append(self.step[out[-1]])
        out.reverse()
        return out


def longest_chains(
    edges: Iterable[tuple[str, str]],
    nodes: Iterable[str] = (),
    key: Callable[[str], str] | None = None,
) -> Chains:
    """Every node's depth and the first step down of its first longest chain.

    Parameters
    ----------
    edges : iterable of (str, str)
        ``(a, b)`` when ``a`` requires ``b`` (an edge from ``a`` down to ``b``). The
        graph must be acyclic (check it with :func:`kg.algorithms.dag.find_cycle`).
    nodes : iterable of str, optional
        Nodes to include even if no edge touches them (their depth is 0).
    key : callable, optional
        The text a node shows in a chain (default: the node itself); chains compare by
        it, and nodes of equal text by the node itself.

    Returns
    -------
    Chains
        ``depth[n]``: the most edges on a path from ``n`` down (0 for a node that
        requires nothing). ``step[n]`` (for depth > 0): a node ``n`` requires, of depth
        ``depth[n] - 1``, chosen so that following ``step`` down from ``n`` and reading
        the nodes back up (foundation first) gives, of all the chains of ``depth[n]``
        edges that end at ``n``, the one that sorts first, compared node by node by
        ``key``. So of two chains of equal length, the one whose text (the keys joined
        by a separator that sorts below every character of a key) sorts first.

    Raises
    ------
    ValueError
        When the graph has a cycle.

    Notes
    -----
    Linear in the graph plus one sort per depth: nodes are taken in topological order
    (Kahn's algorithm), which gives the depths; then, depth by depth from 0 up, a node
    of depth d takes as ``step`` the prerequisite of depth d - 1 whose own chain ranks
    first, and the nodes of depth d are ranked by (rank of their ``step``'s chain,
    their key): the order of their chains, without building any chain.

    Examples
    --------
    >>> c = longest_chains([("d", "b"), ("d", "c"), ("b", "a"), ("c", "a"), ("e", "d")], ["z"])
    >>> c.depth == {"a": 0, "b": 1, "c": 1, "d": 2, "e": 3, "z": 0}
    True
    >>> c.step["d"], c.chain("e")
    ('b', ['a', 'b', 'd', 'e'])
    >>> longest_chains([("a", "b"), ("b", "a")])
    Traceback (most recent call last):
    ...
    ValueError: the graph has a cycle
    """
    prereqs: dict[str, list[str]] = {}
    dependents: dict[str, list[str]] = {}
    for n in nodes:
        prereqs.setdefault(n, [])
        dependents.setdefault(n, [])
    for a, b in edges:
        prereqs.setdefault(a, []).append(b)
        dependents.setdefault(a, [])
        prereqs.setdefault(b, [])
        dependents.setdefault(b, []).append(a)
    waiting = {n: len(ps) for n, ps in prereqs.items()}
    depth: dict[str, int] = {}
    todo = [n for n, w in waiting.items() if w == 0]
    while todo:
        n = todo.pop()
        ps = prereqs[n]
        depth[n] = 1 + max(depth[p] for p in ps) if ps else 0
        for up in dependents[n]:
            waiting[up] -= 1
            if waiting[up] == 0:
                todo.append(up)
    if len(depth) != len(prereqs):
        raise ValueError("the graph has a cycle")

    show = key or (lambda n: n)
    levels: list[list[str]] = []
    for n, h in depth.items():
        while len(levels) <= h:
            levels.append([])
        levels[h].append(n)
    rank: dict[str, int] = {}
    nxt: dict[str, str] = {}
    for d, level in enumerate(levels):
        if d == 0:
            order = sorted(level, key=lambda n: (show(n), n))
        else:
            for n in level:
                nxt[n] = min((p for p in prereqs[n] if depth[p] == d - 1), key=rank.__getitem__)
            order = sorted(level, key=lambda n: (rank[nxt[n]], show(n), n))
        rank.update((n, i) for i, n in enumerate(order))
    return Chains(depth, nxt)
