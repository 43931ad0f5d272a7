"""Positions for kg viz views: layered (Sugiyama-style) layouts of the prerequisite DAG.

Pure functions over networkx graphs, plus :func:`layout_view`, which places a view's
nodes, and :func:`plan_positions`, which places a learning plan so that its step
numbers read left to right.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence, Sized
from typing import TYPE_CHECKING, Any, TypeVar

from kg.viz import dag

if TYPE_CHECKING:  # networkx only where a graph has a cycle: not imported for a page of the whole graph
    import networkx as nx

    from kg.viz.build import Builder

__all__ = ["layers_of", "order_layers", "layered_positions", "layout_view", "plan_positions"]

N = TypeVar("N", bound=Hashable)


Adjacency = Mapping[N, Collection[N]]
"""``{node: [neighbour, ...]}`` (or a dict of them): successors or predecessors, in
insertion order."""


def _adjacency(G: nx.DiGraph[N]) -> tuple[list[N], dict[N, list[N]], dict[N, list[N]]]:
    return list(G), {n: list(nbrs) for n, nbrs in G.succ.items()}, {n: list(nbrs) for n, nbrs in G.pred.items()}


def layers_of(G: nx.DiGraph[N]) -> dict[N, int]:
    """A layer for every node so that each edge points to a higher layer.

    Longest-path layering from the sources, then every node that has successors is
    pulled down to just above its nearest one, so a foundation needed only by
    advanced topics sits next to them rather than at the top. Strongly connected
    components (a cycle a user's Turtle may add) share one layer.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    >>> layers_of(G)
    {'a': 0, 'b': 1, 'c': 2, 'x': 1}
    """
    return _layers(*_adjacency(G))


def _layers(nodes: Sequence[N], succ: Adjacency[N], pred: Adjacency[N]) -> dict[N, int]:
    """:func:`layers_of` the graph of ``nodes`` with these adjacencies (both given
    for every node)."""
    return _layering(nodes, succ, pred)[0]


def _layering(nodes: Sequence[N], succ: Adjacency[N], pred: Adjacency[N]) -> tuple[dict[N, int], bool]:
    """:func:`_layers`, and whether the graph is a DAG (then every edge points to a
    higher layer: see :func:`_order`'s ``downward``)."""
    waiting = {n: len(pred[n]) for n in nodes}
    order: list[Any] = [n for n, k in waiting.items() if not k]
    for n in order:  # Kahn's algorithm: a DAG (what kg builds) is layered node by node
        for s in succ[n]:
            waiting[s] -= 1
            if not waiting[s]:
                order.append(s)
    below: Mapping[Any, Collection[Any]] = succ
    above: Mapping[Any, Collection[Any]] = pred
    mapping: dict[N, Any] = {}  # node -> its component, where there is a cycle
    acyclic = len(order) == len(nodes)
    if not acyclic:  # a cycle: layer its strongly connected components
        import networkx as nx

        G: nx.DiGraph[N] = nx.DiGraph()
        G.add_nodes_from(nodes)
        G.add_edges_from((n, s) for n in nodes for s in succ[n])
        C = nx.condensation(G)
        order = list(nx.topological_sort(C))
        below = {c: list(C.succ[c]) for c in C}
        above = {c: list(C.pred[c]) for c in C}
        mapping = C.graph["mapping"]
    layer: dict[Any, int] = {}
    at = layer.__getitem__
    # Longest path from the sources, then each node with successors just above its
    # nearest one. (max and min are called only where there are several.)
    for c in order:
        ps = above[c]
        if ps:
            layer[c] = (max(map(at, ps)) if len(ps) > 1 else at(next(iter(ps)))) + 1
        else:
            layer[c] = 0
    for c in reversed(order):
        nxt = below[c]
        if nxt:
            layer[c] = (min(map(at, nxt)) if len(nxt) > 1 else at(next(iter(nxt)))) - 1
    if mapping:
        return {n: layer[mapping[n]] for n in nodes}, acyclic
    return {n: layer[n] for n in nodes}, acyclic


def order_layers(G: nx.DiGraph[N], layer: Mapping[N, int], key: Mapping[N, Any] | None = None, sweeps: int = 4) -> dict[int, list[N]]:
    """Nodes of each layer in an order with few edge crossings (barycenter sweeps).

    Starts from ``key`` order (default: the node itself) and alternately sorts each
    layer by the mean relative position of its neighbours in the layers above, then
    below. Ties keep the previous order, so the result is deterministic.
    """
    return _order(*_adjacency(G), layer, key, sweeps)


def _order(
    nodes: Sequence[N], succ: Adjacency[N], pred: Adjacency[N], layer: Mapping[N, int],
    key: Mapping[N, Any] | None = None, sweeps: int = 4, downward: bool = False,
) -> dict[int, list[N]]:
    """:func:`order_layers` of the graph of ``nodes`` with these adjacencies.
    ``downward``: every edge is known to point to a higher layer (a DAG layered by
    :func:`_layering`), so each node's neighbours above and below are its
    predecessors and successors as they are."""
    rows: dict[int, list[N]] = defaultdict(list)
    # By layer, then key: a stable sort by layer of the nodes sorted by key.
    ordered = sorted(nodes, key=key.__getitem__ if key is not None else str)
    ordered.sort(key=layer.__getitem__)
    for n in ordered:
        rows[layer[n]].append(n)
    pos: dict[N, float] = {}
    spots: dict[int, list[float]] = {}  # a row's relative positions by its length, made once

    def place(row: list[N]) -> None:
        at = spots.get(len(row))
        if at is None:
            k = max(len(row) - 1, 1)
            at = spots[len(row)] = [i / k for i in range(len(row))]
        pos.update(zip(row, at))

    for row in rows.values():
        place(row)
    # Each node's neighbours in the layers above and below, once.
    above: Mapping[N, Collection[N]]
    beneath: Mapping[N, Collection[N]]
    if downward:
        above, beneath = pred, succ
    else:
        above = {n: [m for m in pred[n] if layer[m] < layer[n]] for n in nodes}
        beneath = {n: [m for m in succ[n] if layer[m] > layer[n]] for n in nodes}
    levels = sorted(rows)
    at = pos.__getitem__
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        nbrs_of = above if down else beneath
        for lv in levels if down else reversed(levels):
            row = rows[lv]
            if len(row) > 1:
                # Each node's barycenter: the mean position of its neighbours there.
                bary = [sum(map(at, nbrs)) / len(nbrs) if (nbrs := nbrs_of[n]) else at(n) for n in row]
                row[:] = [row[i] for i in sorted(range(len(row)), key=bary.__getitem__)]
            place(row)
    return dict(rows)


def layered_positions(
    G: nx.DiGraph[N], layer: Mapping[N, int], direction: str = "UD", *,
    key: Mapping[N, Any] | None = None, gap: float = 170, level_gap: float = 150, aspect: float | None = 1.6,
) -> dict[N, tuple[float, float]]:
    """``{node: (x, y)}``: layers as rows (``UD``) or columns (``LR``), each centred.

    ``gap`` separates nodes within a layer and ``level_gap`` the layers; with
    ``aspect``, layers are spread further apart (never closer) so that the drawing is
    about that much wider than high and fills a screen instead of a thin strip.
    """
    return _positions(order_layers(G, layer, key), direction, gap, level_gap, aspect)


def _level_gap(rows: Mapping[int, Sized], direction: str, gap: float, level_gap: float, aspect: float | None) -> float:
    """The gap between layers: ``level_gap``, widened (up to four times) so that the
    drawing is about ``aspect`` times wider than high."""
    if aspect and rows:
        widest = max(len(r) for r in rows.values()) * gap
        levels = max(rows) - min(rows) + 1
        if direction == "UD":
            level_gap = max(level_gap, min(4 * level_gap, widest / aspect / levels))
        else:
            level_gap = max(level_gap, min(4 * level_gap, widest * aspect / levels))
    return level_gap


def _positions(
    rows: dict[int, list[N]], direction: str, gap: float, level_gap: float, aspect: float | None,
) -> dict[N, tuple[float, float]]:
    level_gap = _level_gap(rows, direction, gap, level_gap, aspect)
    out: dict[N, tuple[float, float]] = {}
    for lv, row in rows.items():
        for i, n in enumerate(row):
            across = (i - (len(row) - 1) / 2) * gap
            along = lv * level_gap
            out[n] = (across, along) if direction == "UD" else (along, across)
    return out


def layout_view(b: Builder, direction: str = "UD", key: Mapping[str, Any] | None = None, first: Iterable[str] = ()) -> None:
    """Positions for a topic view: topics layered by ``requires``; every other node one
    row above the first topic (or lecture) it points to, courses on top. ``first``
    nodes go in the first layer (the known topics a learning path starts from)."""
    # The view's graph as adjacency lists, as a networkx DiGraph of its nodes and edges
    # would hold them (one entry per pair of nodes, in the order first added); making
    # the DiGraph costs more than the layout of a large view.
    nodes = list(b.nodes)
    succ: dict[str, dict[str, None]] = {n: {} for n in nodes}  # (a dict: each successor once)
    pred: dict[str, list[str]] = {n: [] for n in nodes}
    for e in b.edges.values():
        u, v = e["from"], e["to"]
        su = succ[u]
        if v not in su:
            su[v] = None
            pred[v].append(u)
    kinds = {n: d["kind"] for n, d in b.nodes.items()}
    topics = [n for n in nodes if kinds[n] == "topic"]
    extra = len(topics) < len(nodes)
    downward = False  # (every edge known to point down: topics alone, a DAG)
    if not topics:
        tl: dict[str, int] = {}
    elif extra:
        inside = set(topics)
        tl = _layers(
            topics, {n: [s for s in succ[n] if s in inside] for n in topics},
            {n: [p for p in pred[n] if p in inside] for n in topics},
        )
    else:
        tl, downward = _layering(nodes, succ, pred)
    for n in first:
        tl[n] = min(tl.values())
        downward = False
    layer: dict[str, int] = {t: (2 * v + 1 if extra else v) for t, v in tl.items()}
    others = [n for n in nodes if n not in layer and kinds[n] != "course"]
    if others:
        # Reverse topological order of the non-topic part, so chains resolve bottom up
        # (each node's layer follows from its successors', whatever the order).
        rest = set(others)
        o_succ = {n: [s for s in succ[n] if s in rest] for n in others}
        o_pred: dict[str, list[str]] = {n: [] for n in others}
        for n, nxt in o_succ.items():
            for s in nxt:
                o_pred[s].append(n)
        o_order = dag.topological_order(o_succ, o_pred)
        if o_order is None:  # a cycle: networkx says where
            import networkx as nx

            O: nx.DiGraph[str] = nx.DiGraph()
            O.add_nodes_from(others)
            O.add_edges_from((n, s) for n in others for s in o_succ[n])
            o_order = list(nx.topological_sort(O))
        for n in reversed(o_order):
            below = [layer[s] for s in succ[n] if s in layer]
            layer[n] = min(below) - 1 if below else 0
    top = min(layer.values(), default=0) - 1
    for n in nodes:
        layer.setdefault(n, top)
    if key is None:
        key = {n: (str(d["label"]).casefold(), n) for n, d in b.nodes.items()}
    biggest = max((float(d.get("size", 12)) for d in b.nodes.values()), default=12.0)
    if direction == "UD":
        gap, level_gap = max(170.0, 2 * biggest + 40), 150.0
    else:
        gap, level_gap = 2 * biggest + 50, 260.0
    rows = _order(nodes, succ, pred, layer, key, downward=downward)
    # _positions(rows, direction, gap, level_gap, 1.6), rounded, written into the nodes.
    level_gap = _level_gap(rows, direction, gap, level_gap, 1.6)
    placed = b.nodes
    for lv, row in rows.items():
        along = round(lv * level_gap, 1)
        half = (len(row) - 1) / 2
        for i, n in enumerate(row):
            d = placed[n]
            if direction == "UD":
                d["x"], d["y"] = round((i - half) * gap, 1), along
            else:
                d["x"], d["y"] = along, round((i - half) * gap, 1)



def plan_positions(
    G: nx.DiGraph[N], steps: list[N], base: Iterable[N] = (), *,
    gap: float = 110, lane_gap: float = 90, span: int = 2,
) -> dict[N, tuple[float, float]]:
    """``{node: (x, y)}`` for a learning plan read left to right: step ``k`` (0-based)
    sits in column ``k + 1``, so step numbers increase strictly from left to right;
    ``base`` (known topics the plan builds on) stack in column 0.

    Each step goes in the lane (row) nearest to its first placed prerequisite's lane
    whose last node is at least ``span`` columns back, so labels have room and chains
    stay level.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "c"), ("b", "c"), ("c", "d")])
    >>> pos = plan_positions(G, ["b", "a", "c", "d"])
    >>> [pos[n][0] for n in ["b", "a", "c", "d"]]
    [110.0, 220.0, 330.0, 440.0]
    >>> [pos[n][1] for n in ["b", "a", "c", "d"]]  # lanes: a label has two columns' room
    [0.0, 90.0, 0.0, 90.0]
    """
    lane: dict[N, int] = {}
    last: list[int] = []  # per lane, the column of its last node
    out: dict[N, tuple[float, float]] = {}
    for k, n in enumerate(dict.fromkeys(base)):
        lane[n] = k
        last.append(0)
        out[n] = (0.0, float(k * lane_gap))
    for k, n in enumerate(steps, start=1):
        placed = [p for p in G.predecessors(n) if p in lane] if n in G else []
        want = lane[placed[0]] if placed else 0
        choice = None
        for d in range(len(last) + 1):
            for cand in (want - d, want + d):
                if choice is None and cand >= 0 and (cand >= len(last) or last[cand] <= k - span):
                    choice = cand
            if choice is not None:
                break
        assert choice is not None
        while len(last) <= choice:
            last.append(-span)
        last[choice] = k
        lane[n] = choice
        out[n] = (float(k * gap), float(choice * lane_gap))
    return out
