"""Cycles in a directed graph given by its edges: the one check both the YAML loader and
the build (over the merged graph, Turtle files included) make on ``kg:requires``.

Pure and dependency-free, so the loader can use it without importing networkx.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

__all__ = ["count_dependents", "find_cycle", "make_room"]

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


def count_dependents(
    order: Sequence[N], successors: Mapping[N, Iterable[N]], in_degree: Mapping[N, int], bits: int
) -> dict[N, int]:
    """How many nodes each node of a DAG reaches (its descendants), all at once.

    Parameters
    ----------
    order : sequence
        A topological order of the graph's nodes.
    successors : mapping
        Each node's successors (every one of them in ``order``).
    in_degree : mapping
        Each node's number of predecessors.
    bits : int
        How many nodes' bits a pass holds: the sets alive at once take at most that
        many bits each.

    Returns
    -------
    dict
        ``{node: number of its descendants}``, in ``order``.

    Notes
    -----
    Each node's descendants are a Python ``int`` bitset: the union of its successors'
    sets and bits, made in reverse order and dropped as soon as the node's last
    predecessor has read it. Only nodes with a predecessor can be someone's descendant,
    so only they get bits, ``bits`` of them a pass; a pass walks only the nodes up to
    its last bit's node (no later node reaches one of them). Time is about
    ``O(E * V / w)`` word operations plus ``O(E * V / bits)`` steps for ``V`` nodes and
    ``E`` edges, instead of ``O(V * E)`` steps.

    Examples
    --------
    >>> succ = {"a": ["b", "d"], "b": ["c"], "c": [], "d": ["c"], "e": ["f"], "f": []}
    >>> degree = {"a": 0, "b": 1, "c": 2, "d": 1, "e": 0, "f": 1}
    >>> count_dependents(["a", "e", "b", "d", "f", "c"], succ, degree, bits=2)
    {'a': 3, 'e': 1, 'b': 1, 'd': 1, 'f': 0, 'c': 0}
    """
    counts: dict[N, int] = dict.fromkeys(order, 0)
    place = {n: i for i, n in enumerate(order)}
    targets = [n for n in order if in_degree[n]]
    for lo in range(0, len(targets), bits):
        chunk = targets[lo : lo + bits]
        bit = {n: 1 << i for i, n in enumerate(chunk)}
        head = order[: place[chunk[-1]] + 1]
        waiting = {n: in_degree[n] for n in head}  # predecessors still to read a set
        below: dict[N, int] = {}
        for n in reversed(head):
            mask = 0
            for s in successors[n]:
                m = below.get(s)
                if m is None:  # s comes after this pass's nodes: nothing to add
                    continue
                mask |= m | bit.get(s, 0)
                waiting[s] -= 1
                if not waiting[s]:
                    del below[s]
            counts[n] += mask.bit_count()
            if waiting[n]:
                below[n] = mask
    return counts
