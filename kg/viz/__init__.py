"""Interactive views of the graph for the browser and for Jupyter, drawn with pyvis.

A *view* is what ``kg viz`` draws: the whole topic graph (optionally with courses,
lectures, chapters and readings as further layers), a topic's neighbourhood, a learning
path, or one or more courses. :func:`graph_view`, :func:`focus_view`, :func:`path_view`
and :func:`course_view` build a :class:`View` from the store: kg's nodes and edges, with
positions, tooltips and a legend, and the pyvis ``Network`` made from them
(``View.network``). :meth:`View.html` is that Network rendered by pyvis
(``Network.generate_html``) with kg's template, ``kg/viz/templates/kg.html``: one
self-contained page drawn by vis-network. A View in a notebook cell renders inline.

Three properties hold for every page, whatever the data:

* **Offline.** vis-network (the copy pyvis ships) is inlined from ``kg/viz/static`` and
  nothing else is referenced; a Content-Security-Policy (``default-src 'none'``,
  scripts by hash) makes the browser refuse any fetch even if something tried. pyvis's
  own template is not used: it links Bootstrap and tom-select from CDNs even with
  ``cdn_resources="in_line"``.
* **Safe.** Text from the data never becomes markup. It reaches the page only as escaped
  HTML text or as JSON inside a ``<script type="application/json">`` block (with ``<``,
  ``>`` and ``&`` escaped), and tooltips are DOM elements built with ``textContent``
  (pyvis's template writes its heading and select-menu ids raw and switches every
  tooltip to ``innerHTML`` when one title contains "href"; kg's has no such path).
* **Settled.** Positions are computed here — a layered (Sugiyama-style) layout, since the
  prerequisite graph is a DAG — and physics is off, so the page is drawn once and never
  spins, the picture is the same in every browser, and 2,000+ nodes cost no more than
  drawing them.

pyvis is imported when a view is built, not with this module.

>>> from kg import KnowledgeGraph
>>> view = focus_view(KnowledgeGraph.open(), "backprop", depth=1)
>>> view  # in a notebook cell, the graph itself
<View 'kg: around Backpropagation': ... nodes, ... edges>
>>> view.write("backprop.html")  # doctest: +SKIP
PosixPath('backprop.html')
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx

from kg import __version__
from kg import vocab as V
from kg.files import write_atomic
from kg.errors import KGError, UsageError
from kg.graph import KnowledgeGraph

if TYPE_CHECKING:  # pyvis is imported only to build a page, not with kg.viz
    from pyvis.network import Network

__all__ = [
    "LAYERS",
    "LARGE",
    "View",
    "graph_view",
    "focus_view",
    "path_view",
    "course_view",
    "make_view",
    "parse_layers",
    "is_kg_page",
    "layers_of",
    "order_layers",
    "layered_positions",
    "use_kg_template",
    "TEMPLATES",
    "TEMPLATE",
]

LAYERS = ("courses", "lectures", "chapters", "readings")
"""The extra node kinds the topic views can draw, in drawing order."""

LARGE = 1500
"""Past this many nodes a page is still drawn, but labels and edges are thinned while
zooming and dragging, and the CLI suggests ``--focus``."""

GENERATOR = "kg viz"

N = TypeVar("N", bound=Hashable)

# --------------------------------------------------------------------------- styling

_TOPIC = "#4e79a7"
_DEPENDENT = "#76b7b2"
_FOCUS = "#f28e2b"
_KNOWN = "#bab0ac"
_COURSE = "#b07aa1"
_LECTURE = "#59a14f"
_CHAPTER = "#edc948"
_READING = "#9c755f"
_ALERT = "#d62728"
_EDGE = "#8c8c8c"
_SHARED = "#7f7f7f"
_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f")

# kind -> (shape, colour, legend label)
_KINDS: dict[str, tuple[str, str, str]] = {
    "topic": ("dot", _TOPIC, "Topic"),
    "course": ("hexagon", _COURSE, "Course"),
    "lecture": ("square", _LECTURE, "Lecture"),
    "chapter": ("triangle", _CHAPTER, "Textbook chapter"),
    "reading": ("diamond", _READING, "Reading"),
}

_MAX_LINES = 8  # per tooltip section; the rest is summarised


def _darker(hex_colour: str, f: float = 0.7) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(int(r * f), int(g * f), int(b * f))


def _colour(c: str) -> dict[str, Any]:
    return {
        "background": c,
        "border": _darker(c),
        "highlight": {"background": c, "border": "#222222"},
        "hover": {"background": c, "border": "#222222"},
    }


def _size(dependents: int) -> float:
    """Node size from how many topics depend on a topic (the same in every view)."""
    return round(8 + min(20.0, 2.0 * math.sqrt(dependents)), 1)


# --------------------------------------------------------------------------- the view


@dataclass
class View:
    """One drawable view: kg's nodes, edges, legend and notes, and the pyvis ``Network``
    (:attr:`network`) that renders them as a page.

    Nodes and edges are plain dicts in vis-network's format plus ``tip`` (the tooltip as
    data: ``{"title", "kind", "text", "sections": [[heading, [line, ...]], ...]}``) and
    ``kind``. Every string in them is data, never markup. ``options`` are
    vis-network's, and the same dict as ``network.options``; change them before
    rendering to restyle a page.

    ``network`` is built from the nodes, edges and options when the view is made (pass
    one to use it instead). The page is rendered from it, by pyvis's
    ``Network.generate_html`` with kg's template (:data:`TEMPLATE`), so what is added to
    it (``network.add_node``, ``network.add_edge``) is drawn too, and
    ``network.write_html(...)`` writes the same page as :meth:`write` (not atomically).
    """

    title: str
    slug: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, Any]] = field(default_factory=list)
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    network: Network = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.network is None:
            self.network = _network(self)

    @property
    def counts(self) -> dict[str, int]:
        """Nodes and edges the page draws (also written into the page's meta tags)."""
        return {"nodes": len(self.network.nodes), "edges": len(self.network.edges)}

    @property
    def default_filename(self) -> str:
        return f"kg-{self.slug}.html"

    def html(self) -> str:
        """The view as one standalone HTML page that loads nothing from the network."""
        return _page(self)

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` atomically (a temp file beside it, then rename)."""
        path = Path(path)
        write_atomic(path, self.html().encode("utf-8"))
        return path

    def _repr_html_(self) -> str:
        # An iframe keeps the page's script, CSS and ids apart from the notebook's, and
        # the sandbox (scripts, no same-origin) keeps the page away from the notebook.
        doc = html.escape(self.html(), quote=True)
        label = html.escape(self.title, quote=True)
        return (
            f'<iframe srcdoc="{doc}" sandbox="allow-scripts" title="{label}" '
            'style="width:100%;height:640px;border:1px solid #ddd"></iframe>'
        )

    def __repr__(self) -> str:
        n = self.counts
        return f"<View {self.title!r}: {n['nodes']} nodes, {n['edges']} edges>"


def is_kg_page(path: str | Path) -> bool:
    """Whether ``path`` is a page kg viz wrote (so rewriting it loses nothing)."""
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
    except OSError:
        return False
    return f'<meta name="generator" content="{GENERATOR} '.encode() in head


# --------------------------------------------------------------------------- building


class _Builder:
    """Collects nodes and edges once each, in insertion order."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, nid: str, kind: str, label: str, tip: dict[str, Any], **attrs: Any) -> dict[str, Any]:
        if nid in self.nodes:
            return self.nodes[nid]
        shape, colour, _ = _KINDS[kind]
        n: dict[str, Any] = {"id": nid, "kind": kind, "label": label, "shape": shape, "color": _colour(colour), "tip": tip}
        if kind != "topic":
            n["size"] = 12
        n.update(attrs)
        self.nodes[nid] = n
        return n

    def edge(self, a: str, b: str, kind: str, **attrs: Any) -> dict[str, Any]:
        key = (a, b, kind)
        if key in self.edges:
            return self.edges[key]
        e: dict[str, Any] = {"id": f"e{len(self.edges)}", "from": a, "to": b, "kind": kind}
        e.update(_EDGE_STYLE[kind])
        e.update(attrs)
        self.edges[key] = e
        return e


_EDGE_STYLE: dict[str, dict[str, Any]] = {
    "requires": {"color": {"color": _EDGE, "highlight": "#222222", "hover": "#444444"}, "width": 1.2},
    "covers": {"color": {"color": "#b8c9a9", "highlight": "#2f6b2a", "hover": "#2f6b2a"}, "dashes": [4, 4], "width": 1},
    "contains": {"color": {"color": "#d4bfcf", "highlight": "#6d3d62", "hover": "#6d3d62"}, "dashes": [2, 3], "width": 1},
    "next": {"color": {"color": _LECTURE}, "width": 3},
}

_EDGE_LEGEND: dict[str, str] = {
    "requires": "requires (prerequisite → topic)",
    "covers": "covers (lecture, chapter or reading → topic)",
    "contains": "course → its lectures",
    "next": "next lecture",
}


def _topic_id(t: str) -> str:
    return "topic:" + t


def _topic_info(kg: KnowledgeGraph, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """``{topic: {"label", "definition"}}`` for ``ids`` (default: every topic)."""
    values = ""
    if ids is not None:
        ids = list(ids)
        if not ids:
            return {}
        values = "VALUES ?t { " + " ".join(f"<{V.topic_iri(t)}>" for t in ids) + " }"
    out: dict[str, dict[str, Any]] = {}
    for r in kg.select(
        f"""SELECT ?t ?label ?def WHERE {{ {values}
              ?t a kg:Topic .
              OPTIONAL {{ ?t skos:prefLabel ?label }}
              OPTIONAL {{ ?t skos:definition ?def }}
            }} ORDER BY ?t ?label ?def"""
    ):
        tid = V.local_id(r["t"])
        info = out.setdefault(tid, {"label": r["label"] or tid, "definition": r["def"]})
        if info["definition"] is None and r["def"]:
            info["definition"] = r["def"]
    return out


def _dependent_counts(G: nx.DiGraph[str], nodes: Iterable[str]) -> dict[str, int]:
    """How many topics (transitively) depend on each of ``nodes``.

    ``G`` must hold every descendant of ``nodes``. One pass over the condensation in
    reverse topological order with Python ints as bitsets: linear in edges times
    words, where one BFS per node would be quadratic.
    """
    C = nx.condensation(G)
    members: dict[int, int] = {}
    index = {n: i for i, n in enumerate(G)}
    for c, data in C.nodes(data=True):
        b = 0
        for m in data["members"]:
            b |= 1 << index[m]
        members[c] = b
    below: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(C))):
        b = 0
        for s in C.successors(c):
            b |= below[s] | members[s]
        below[c] = b
    mapping = C.graph["mapping"]
    return {n: (below[mapping[n]] | members[mapping[n]]).bit_count() - 1 for n in nodes if n in mapping}


def _clip(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_LINES:
        return lines
    return [*lines[: _MAX_LINES - 1], f"… and {len(lines) - _MAX_LINES + 1} more"]


def _where_sections(w: Mapping[str, Any]) -> list[list[Any]]:
    """Tooltip sections for where a topic is taught (``KnowledgeGraph.where_taught``)."""
    sections: list[list[Any]] = []
    lectures = [
        f"{lec.get('code') or lec['course']} #{lec.get('number') or lec['position']}"
        + (f" {lec['date']}" if lec.get("date") else "")
        + f": {lec['title']}"
        for lec in w.get("lectures", [])
    ]
    chapters = [f"{ch['book']} ch. {ch['number']}: {ch['title']}" for ch in w.get("chapters", [])]
    readings = [
        f"{rd['title']} ({rd['kind']}{', optional' if rd.get('optional') else ''})" for rd in w.get("readings", [])
    ]
    for head, lines in (("Lectures", lectures), ("Chapters", chapters), ("Readings", readings)):
        if lines:
            sections.append([head, _clip(lines)])
    if not lectures:
        sections.append(["Lectures", ["not taught in any lecture in the graph"]])
    return sections


def _topic_tip(tid: str, info: Mapping[str, Any], dependents: int, where: Mapping[str, Any], kind: str = "Topic") -> dict[str, Any]:
    dep = f"{dependents} topic{'s' if dependents != 1 else ''} depend{'s' if dependents == 1 else ''} on it"
    return {
        "title": str(info.get("label") or tid),
        "kind": f"{kind} · {tid} · {dep}",
        "text": info.get("definition") or "",
        "sections": _where_sections(where),
    }


def _requires_tip(G: nx.DiGraph[str], a: str, b: str) -> dict[str, Any]:
    la, lb = G.nodes[a].get("label", a), G.nodes[b].get("label", b)
    return {"title": f"{lb} requires {la}", "kind": "Prerequisite", "text": G.edges[a, b].get("reason") or ""}


def _add_topics(
    b: _Builder, kg: KnowledgeGraph, topics: Sequence[str], counts: Mapping[str, int],
    colour: str = _TOPIC, kind_label: str = "Topic",
) -> None:
    info = _topic_info(kg, topics)
    where = kg.where_taught(topics)
    for t in topics:
        d = counts.get(t, 0)
        b.node(
            _topic_id(t), "topic", str(info.get(t, {}).get("label") or t),
            _topic_tip(t, info.get(t, {}), d, where.get(t, {}), kind_label),
            size=_size(d), color=_colour(colour),
        )


def _add_requires(b: _Builder, G: nx.DiGraph[str], topics: Iterable[str]) -> None:
    shown = set(topics)
    for a, c in sorted(G.subgraph(shown).edges()):
        b.edge(_topic_id(a), _topic_id(c), "requires", tip=_requires_tip(G, a, c))


def parse_layers(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """Layer names from ``"courses,lectures"`` (or a list of names), in drawing order.

    Raises
    ------
    UsageError
        For a name that is not one of :data:`LAYERS`, with the closest match.
    """
    if text is None:
        return ()
    parts = text.split(",") if isinstance(text, str) else list(text)
    names = [p.strip().lower() for p in parts if p.strip()]
    for n in names:
        if n not in LAYERS:
            from kg.build.sources import suggest

            hint = suggest(n, LAYERS, n=1)
            near = f"; did you mean {hint[0]!r}?" if hint else ""
            raise UsageError(f"unknown layer {n!r} (choose from {', '.join(LAYERS)}){near}")
    return tuple(layer for layer in LAYERS if layer in names)


def _add_layers(b: _Builder, kg: KnowledgeGraph, topics: Sequence[str], layers: Sequence[str]) -> None:
    """Resources that cover the shown topics, as further nodes with ``covers`` edges."""
    if not layers or not topics:
        return
    values = "VALUES ?t { " + " ".join(f"<{V.topic_iri(t)}>" for t in topics) + " }"
    if "lectures" in layers or "courses" in layers:
        rows = kg.select(
            f"""SELECT ?t ?lec ?c ?cname ?code ?term ?pos ?date ?title WHERE {{ {values}
                  ?lec kg:covers ?t ; a kg:Lecture ; schema:isPartOf ?c ; kg:position ?pos ; schema:name ?title .
                  OPTIONAL {{ ?c schema:name ?cname }}
                  OPTIONAL {{ ?lec schema:startDate ?date }}
                  OPTIONAL {{ ?c schema:courseCode ?code }}
                  OPTIONAL {{ ?c kg:term ?term }}
                }} ORDER BY ?c ?pos ?t"""
        )
        for r in rows:
            cid = V.local_id(r["c"])
            short = str(r["code"] or cid)
            course_node = "course:" + cid
            if "courses" in layers:
                b.node(
                    course_node, "course", short,
                    {"title": str(r["cname"] or cid), "kind": f"Course · {cid}", "text": " · ".join(str(x) for x in (r["code"], r["term"]) if x), "sections": []},
                )
            if "lectures" in layers:
                lid = "lecture:" + V.local_id(r["lec"])
                b.node(
                    lid, "lecture", f"{short} #{r['pos']}",
                    {"title": str(r["title"]), "kind": f"Lecture {r['pos']} of {r['cname'] or cid}", "text": str(r["date"] or ""), "sections": []},
                )
                b.edge(lid, _topic_id(V.local_id(r["t"])), "covers")
                if "courses" in layers:
                    b.edge(course_node, lid, "contains")
            else:
                b.edge(course_node, _topic_id(V.local_id(r["t"])), "covers")
    if "chapters" in layers:
        for r in kg.select(
            f"""SELECT ?t ?ch ?btitle ?n ?title WHERE {{ {values}
                  ?ch kg:covers ?t ; a kg:Chapter ; schema:isPartOf ?book ; kg:chapterNumber ?n ; schema:name ?title .
                  ?book schema:name ?btitle .
                }} ORDER BY ?btitle ?n ?t"""
        ):
            cid = "chapter:" + V.local_id(r["ch"])
            b.node(cid, "chapter", f"{r['title']}", {"title": str(r["title"]), "kind": f"Chapter {r['n']} of {r['btitle']}", "text": "", "sections": []})
            b.edge(cid, _topic_id(V.local_id(r["t"])), "covers")
    if "readings" in layers:
        for r in kg.select(
            f"""SELECT ?t ?rd ?title ?kind WHERE {{ {values}
                  ?rd kg:covers ?t ; a kg:Reading ; schema:name ?title .
                  OPTIONAL {{ ?rd kg:kind ?kind }}
                }} ORDER BY ?title ?t"""
        ):
            rid = "reading:" + V.local_id(r["rd"])
            b.node(rid, "reading", _short(str(r["title"])), {"title": str(r["title"]), "kind": f"Reading ({r['kind'] or 'reading'})", "text": "", "sections": []})
            b.edge(rid, _topic_id(V.local_id(r["t"])), "covers")


def _short(s: str, n: int = 48) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


# --------------------------------------------------------------------------- layout


def layers_of(G: nx.DiGraph[N]) -> dict[N, int]:
    """A layer for every node so that each edge points to a higher layer.

    Longest-path layering from the sources, then every node that has successors is
    pulled down to just above its nearest one, so a foundation needed only by
    advanced topics sits next to them rather than at the top. Strongly connected
    components (a cycle a user's Turtle may add) share one layer.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    >>> layers_of(G)
    {'a': 0, 'b': 1, 'c': 2, 'x': 1}
    """
    C = nx.condensation(G)
    order = list(nx.topological_sort(C))
    layer: dict[int, int] = {}
    for c in order:
        layer[c] = max((layer[p] + 1 for p in C.predecessors(c)), default=0)
    for c in reversed(order):
        succ = [layer[s] for s in C.successors(c)]
        if succ:
            layer[c] = min(succ) - 1
    mapping = C.graph["mapping"]
    return {n: layer[mapping[n]] for n in G}


def order_layers(G: nx.DiGraph[N], layer: Mapping[N, int], key: Mapping[N, Any] | None = None, sweeps: int = 4) -> dict[int, list[N]]:
    """Nodes of each layer in an order with few edge crossings (barycenter sweeps).

    Starts from ``key`` order (default: the node itself) and alternately sorts each
    layer by the mean relative position of its neighbours in the layers above, then
    below. Ties keep the previous order, so the result is deterministic.
    """
    rows: dict[int, list[N]] = defaultdict(list)
    for n in sorted(G, key=lambda n: (layer[n], key[n] if key is not None else str(n))):
        rows[layer[n]].append(n)
    pos: dict[N, float] = {}

    def place(row: list[N]) -> None:
        k = max(len(row) - 1, 1)
        for i, n in enumerate(row):
            pos[n] = i / k

    for row in rows.values():
        place(row)
    levels = sorted(rows)
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        for lv in levels if down else reversed(levels):
            row = rows[lv]
            def bary(n: N) -> float:
                nbrs = [p for p in (G.predecessors(n) if down else G.successors(n))]
                nbrs = [m for m in nbrs if (layer[m] < lv if down else layer[m] > lv)]
                return sum(pos[m] for m in nbrs) / len(nbrs) if nbrs else pos[n]
            row.sort(key=bary)
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
    rows = order_layers(G, layer, key)
    if aspect and rows:
        widest = max(len(r) for r in rows.values()) * gap
        levels = max(rows) - min(rows) + 1
        if direction == "UD":
            level_gap = max(level_gap, min(4 * level_gap, widest / aspect / levels))
        else:
            level_gap = max(level_gap, min(4 * level_gap, widest * aspect / levels))
    out: dict[N, tuple[float, float]] = {}
    for lv, row in rows.items():
        for i, n in enumerate(row):
            across = (i - (len(row) - 1) / 2) * gap
            along = lv * level_gap
            out[n] = (across, along) if direction == "UD" else (along, across)
    return out


def _layout(b: _Builder, direction: str = "UD", key: Mapping[str, Any] | None = None, first: Iterable[str] = ()) -> None:
    """Positions for a topic view: topics layered by ``requires``; every other node one
    row above the first topic (or lecture) it points to, courses on top. ``first``
    nodes go in the first layer (the known topics a learning path starts from)."""
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_nodes_from(b.nodes)
    G.add_edges_from((e["from"], e["to"]) for e in b.edges.values())
    topics = [n for n, d in b.nodes.items() if d["kind"] == "topic"]
    T = G.subgraph(topics)
    tl = layers_of(T) if topics else {}
    for n in first:
        tl[n] = min(tl.values())
    extra = len(topics) < len(G)
    layer: dict[str, int] = {t: (2 * v + 1 if extra else v) for t, v in tl.items()}
    others = [n for n in G if n not in layer and b.nodes[n]["kind"] != "course"]
    if others:
        # Reverse topological order of the non-topic part, so chains resolve bottom up.
        for n in reversed(list(nx.topological_sort(G.subgraph(others)))):
            below = [layer[s] for s in G.successors(n) if s in layer]
            layer[n] = min(below) - 1 if below else 0
    top = min(layer.values(), default=0) - 1
    for n in G:
        layer.setdefault(n, top)
    if key is None:
        key = {n: (str(d["label"]).casefold(), n) for n, d in b.nodes.items()}
    biggest = max((float(d.get("size", 12)) for d in b.nodes.values()), default=12.0)
    if direction == "UD":
        gap, level_gap = max(170.0, 2 * biggest + 40), 150.0
    else:
        gap, level_gap = 2 * biggest + 50, 260.0
    pos = layered_positions(G, layer, direction, key=key, gap=gap, level_gap=level_gap)
    for n, (x, y) in pos.items():
        b.nodes[n]["x"], b.nodes[n]["y"] = round(x, 1), round(y, 1)


def _options(direction: str | None, n_nodes: int) -> dict[str, Any]:
    big = n_nodes > LARGE
    smooth: Any
    if big:
        smooth = False
    elif direction is None:
        smooth = {"enabled": True, "type": "continuous", "roundness": 0.3}
    else:
        smooth = {
            "enabled": True, "type": "cubicBezier", "roundness": 0.45,
            "forceDirection": "vertical" if direction == "UD" else "horizontal",
        }
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "hierarchical": {"enabled": False}},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif", "color": "#222222"},
            "borderWidth": 1.5,
            "widthConstraint": {"maximum": 150},
            "scaling": {"label": {"enabled": big, "drawThreshold": 9}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "smooth": smooth,
            "selectionWidth": 2,
            "hoverWidth": 1.5,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": False,
        },
    }


def _legend_for(b: _Builder, extra: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    kinds = {d["kind"] for d in b.nodes.values()}
    out: list[dict[str, Any]] = list(extra)
    for k, (shape, colour, label) in _KINDS.items():
        if k in kinds and not any(e.get("kind") == k for e in out):
            out.append({"kind": k, "shape": shape, "color": colour, "label": label})
    for kind in ("requires", "covers", "contains", "next"):
        if any(e["kind"] == kind for e in b.edges.values()):
            style = _EDGE_STYLE[kind]
            out.append({"edge": True, "color": style["color"]["color"], "dashes": bool(style.get("dashes")), "label": _EDGE_LEGEND[kind]})
    return out


def _finish(b: _Builder, *, title: str, slug: str, subtitle: str, direction: str | None, legend: list[dict[str, Any]], notes: Sequence[str] = ()) -> View:
    nodes = list(b.nodes.values())
    edges = list(b.edges.values())
    notes = list(notes)
    if len(nodes) > LARGE:
        notes.append(
            f"{len(nodes)} nodes is more than anyone can read at once; "
            "kg viz --focus TOPIC --depth 2 draws one neighbourhood"
        )
    return View(title=title, slug=slug, nodes=nodes, edges=edges, legend=legend, subtitle=subtitle, notes=notes, options=_options(direction, len(nodes)))


# --------------------------------------------------------------------------- views


def graph_view(kg: KnowledgeGraph, layers: Iterable[str] = ()) -> View:
    """The whole topic graph, with ``layers`` (see :data:`LAYERS`) drawn as well.

    Examples
    --------
    >>> g = KnowledgeGraph.open()
    >>> v = graph_view(g)
    >>> v.counts["nodes"] == len(g.topic_ids())
    True
    """
    layers = parse_layers(list(layers))
    from kg.plan import prerequisite_graph

    G = prerequisite_graph(kg)  # every topic, with or without edges
    topics = sorted(G)
    counts = _dependent_counts(G, topics)
    b = _Builder()
    _add_topics(b, kg, topics, counts)
    _add_requires(b, G, topics)
    _add_layers(b, kg, topics, layers)
    _layout(b, "UD")
    n_edges = sum(1 for e in b.edges.values() if e["kind"] == "requires")
    sub = f"{len(topics)} topics, {n_edges} prerequisite edges" + (f"; with {', '.join(layers)}" if layers else "")
    return _finish(b, title="kg: the topic graph", slug="graph", subtitle=sub, direction="UD", legend=_legend_for(b))


def focus_view(kg: KnowledgeGraph, topic: str, depth: int = 2, layers: Iterable[str] = ()) -> View:
    """A topic's neighbourhood: what it requires and what requires it, ``depth`` steps
    each way, with the ``requires`` edges among them."""
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
        raise UsageError(f"--depth must be a whole number of at least 1, got {depth!r}")
    layers = parse_layers(list(layers))
    tid = kg.resolve_topic(topic)
    from kg.algorithms import paths
    from kg.plan import prerequisite_graph

    up = prerequisite_graph(kg, [tid])
    down = prerequisite_graph(kg, [tid], down=True)
    for H in (up, down):
        H.add_node(tid)
    before = paths.prerequisites(up, tid, depth)
    after = paths.dependents(down, tid, depth)
    shown = [tid, *sorted(before), *sorted(after)]
    # `down` also holds other prerequisites of the dependents, labelled by id only;
    # `up` is complete for what it holds, so its attributes win.
    G: nx.DiGraph[str] = nx.compose(down, up)
    counts = _dependent_counts(down, shown)
    b = _Builder()
    _add_topics(b, kg, [tid], counts, colour=_FOCUS, kind_label="Focus topic")
    _add_topics(b, kg, sorted(before), counts, colour=_TOPIC, kind_label="Prerequisite")
    _add_topics(b, kg, sorted(after), counts, colour=_DEPENDENT, kind_label="Dependent")
    b.nodes[_topic_id(tid)]["borderWidth"] = 4
    _add_requires(b, G, shown)
    _add_layers(b, kg, shown, layers)
    _layout(b, "UD")
    label = b.nodes[_topic_id(tid)]["label"]
    legend = _legend_for(
        b,
        [
            {"kind": "topic", "shape": "dot", "color": _FOCUS, "label": f"focus: {label}"},
            {"shape": "dot", "color": _TOPIC, "label": f"prerequisite ({len(before)})"},
            {"shape": "dot", "color": _DEPENDENT, "label": f"dependent ({len(after)})"},
        ],
    )
    return _finish(
        b, title=f"kg: around {label}", slug=f"focus-{tid}",
        subtitle=f"{len(before)} prerequisites and {len(after)} dependents within {depth} step{'s' if depth != 1 else ''} of {label}",
        direction="UD", legend=legend,
    )


def path_view(kg: KnowledgeGraph, from_: str | None, to: str, known: Iterable[str] = ()) -> View:
    """The learning plan of :func:`kg.plan.plan` drawn left to right: steps numbered in
    plan order, in layers by dependency, with the known topics they build on in grey."""
    from kg.plan import plan, prerequisite_graph

    p = plan(kg, from_, to, known)
    steps = [s["id"] for s in p["steps"]]
    G = prerequisite_graph(kg, [p["to"]])
    G.add_node(p["to"])
    # Known topics a step builds on directly: where the plan starts from.
    step_set = set(steps)
    base = sorted({q for s in steps for q in G.predecessors(s) if q not in step_set})
    if not steps:
        base = [p["to"]]
    down = prerequisite_graph(kg, [*steps, *base], down=True)
    down.add_nodes_from([*steps, *base])
    counts = _dependent_counts(down, [*steps, *base])
    info = _topic_info(kg, list(dict.fromkeys([*base, *([p["from"]] if p["from"] else [])])))
    where = kg.where_taught(base)
    b = _Builder()
    key: dict[str, Any] = {}
    for t in base:
        d = counts.get(t, 0)
        b.node(_topic_id(t), "topic", str(info.get(t, {}).get("label") or t), _topic_tip(t, info.get(t, {}), d, where.get(t, {}), "Already known"),
               size=_size(d), color=_colour(_KNOWN))
        key[_topic_id(t)] = (0, str(b.nodes[_topic_id(t)]["label"]).casefold())
    total = len(steps)
    for s in p["steps"]:
        t = s["id"]
        d = counts.get(t, 0)
        tip = _topic_tip(t, {"label": s["label"], "definition": s.get("definition")}, d, s, f"Step {s['step']} of {total}")
        needed = [f"{n['label']} (step {n['step']})" + (f": {n['reason']}" if n.get("reason") else "") for n in s.get("needed_for", [])]
        if needed:
            tip["sections"].insert(0, ["Needed for", _clip(needed)])
        colour = _FOCUS if t == p["to"] else _TOPIC
        b.node(_topic_id(t), "topic", f"{s['step']}. {s['label']}", tip, size=_size(d), color=_colour(colour), name=s["label"])
        key[_topic_id(t)] = (s["step"], "")
    _add_requires(b, G, [*base, *steps])
    _layout(b, "LR", key=key, first=[_topic_id(t) for t in base] if steps else ())
    to_label = str(G.nodes[p["to"]].get("label", p["to"]))
    from_label = str(info.get(p["from"], {}).get("label") or p["from"]) if p["from"] else None
    sub = (
        f"{total} step{'s' if total != 1 else ''} to {to_label}"
        + (f" from {from_label}" if from_label else " from scratch")
        + (f", about {p['summary']['lectures']} lectures' worth" if steps else "")
    )
    notes = [n for n in [p["note"]] if n]
    legend = _legend_for(
        b,
        [
            {"kind": "topic", "shape": "dot", "color": _TOPIC, "label": "step (numbered in plan order)"},
            {"shape": "dot", "color": _FOCUS, "label": f"goal: {to_label}"},
            *([{"shape": "dot", "color": _KNOWN, "label": "already known"}] if base else []),
        ],
    )
    slug = f"path-{p['from'] or 'start'}-{p['to']}"
    return _finish(b, title=f"kg: learning path to {to_label}", slug=slug, subtitle=sub, direction="LR", legend=legend, notes=notes)


def _course_order_problems(course: Mapping[str, Any], G: nx.DiGraph[str]) -> list[tuple[str, str, int, int, bool]]:
    """``(topic, prerequisite, topic's lecture, prerequisite's lecture, direct)`` for
    each topic the course teaches before one of its prerequisites (direct, or through
    topics the course may not teach) that the course also teaches."""
    first: dict[str, int] = {}
    for lec in course["lectures"]:
        for t in lec["covers"]:
            first.setdefault(t, lec["position"])
    out = []
    for t, lt in first.items():
        if t not in G:
            continue
        for p in nx.ancestors(G, t):
            if p in first and first[p] > lt:
                out.append((t, p, lt, first[p], G.has_edge(p, t)))
    return sorted(out, key=lambda x: (x[2], x[0], x[3], x[1]))


def course_view(kg: KnowledgeGraph, courses: Sequence[str]) -> View:
    """One or more courses: each course's lectures in teaching order, left to right,
    with the topics they cover below, placed where the courses first teach them, and
    the ``requires`` edges among those topics. Topics a course teaches before one of
    their prerequisites are outlined in red, with the offending edge in red.
    Several courses are coloured by course.
    """
    ids = list(dict.fromkeys(kg.resolve_course(c) for c in courses))
    if not ids:
        raise UsageError("give at least one course")
    records = [kg.course(c) for c in ids]
    covered = sorted({t for c in records for lec in c["lectures"] for t in lec["covers"]})
    from kg.plan import prerequisite_graph

    G = prerequisite_graph(kg, covered) if covered else nx.DiGraph()
    for t in covered:
        G.add_node(t)
    T = G.subgraph(covered)
    down = prerequisite_graph(kg, covered, down=True) if covered else nx.DiGraph()
    counts = _dependent_counts(down, covered) if covered else {}
    info = _topic_info(kg, covered)
    where = kg.where_taught(covered)
    colour = {c["id"]: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(records)}
    short = {c["id"]: str(c["code"] or c["id"]) for c in records}
    # Relative position (0 = first lecture, 1 = last) of the first lecture covering each
    # topic in each course; a topic sits at the mean over the shown courses.
    rel: dict[str, list[float]] = defaultdict(list)
    by: dict[str, list[str]] = defaultdict(list)
    for c in records:
        n = len(c["lectures"])
        seen: set[str] = set()
        for lec in c["lectures"]:
            for t in lec["covers"]:
                if t not in seen:
                    seen.add(t)
                    rel[t].append((lec["position"] - 1) / (n - 1) if n > 1 else 0.0)
                    by[t].append(c["id"])
    flagged: dict[str, list[str]] = defaultdict(list)
    bad_edges: set[tuple[str, str]] = set()
    for c in records:
        for t, p, lt, lp, direct in _course_order_problems(c, G):
            flagged[t].append(
                f"{short[c['id']]}: lecture {lt}, but its {'' if direct else 'indirect '}prerequisite "
                f"{info.get(p, {}).get('label', p)} only in lecture {lp}"
            )
            if direct:
                bad_edges.add((p, t))

    b = _Builder()
    width = max((len(c["lectures"]) for c in records), default=1)
    span = max(width - 1, 1) * 170.0
    row = 110.0
    for i, c in enumerate(records):
        cid = c["id"]
        n = len(c["lectures"])
        prev = None
        for lec in c["lectures"]:
            lid = "lecture:" + lec["id"]
            x = ((lec["position"] - 1) / (n - 1) if n > 1 else 0.0) * span
            tip: dict[str, Any] = {
                "title": str(lec["title"]),
                "kind": f"Lecture {lec.get('number') or lec['position']} ({lec['position']} of {n}) · {c['name'] or cid} ({short[cid]})"
                if lec.get("number") else f"Lecture {lec['position']} of {n} · {c['name'] or cid} ({short[cid]})",
                "text": " · ".join(str(x) for x in (lec.get("date"), ", ".join(lec.get("speakers") or [])) if x),
                "sections": [["Covers", _clip([str(info.get(t, {}).get("label", t)) for t in lec["covers"]])]] if lec["covers"] else [],
            }
            b.node(lid, "lecture", f"{short[cid]} #{lec.get('number') or lec['position']}", tip, color=_colour(colour[cid]), x=round(x, 1), y=i * row)
            if prev is not None:
                b.edge(prev, lid, "next", color={"color": colour[cid]}, smooth=False)
            prev = lid
    top = len(records) * row + 40
    # Stack the topics in columns under the lecture slot nearest to where they belong.
    columns: dict[int, list[str]] = defaultdict(list)
    for t in sorted(covered, key=lambda t: (sum(rel[t]) / len(rel[t]), str(info.get(t, {}).get("label", t)).casefold())):
        columns[round(sum(rel[t]) / len(rel[t]) * (width - 1))].append(t)
    for col, ts in columns.items():
        for k, t in enumerate(ts):
            d = counts.get(t, 0)
            ttip = _topic_tip(t, info.get(t, {}), d, where.get(t, {}))
            if t in flagged:
                ttip["sections"].insert(0, ["Taught before a prerequisite", _clip(flagged[t])])
            fill = colour[by[t][0]] if len(set(by[t])) == 1 else _SHARED
            attrs: dict[str, Any] = {"size": _size(d), "color": _colour(fill), "x": round(col * 170.0, 1), "y": round(top + k * 85.0, 1)}
            if t in flagged:
                attrs["color"] = {**_colour(fill), "border": _ALERT}
                attrs["borderWidth"] = 4
            b.node(_topic_id(t), "topic", str(info.get(t, {}).get("label", t)), ttip, **attrs)
    for c in records:
        for lec in c["lectures"]:
            for t in lec["covers"]:
                b.edge("lecture:" + lec["id"], _topic_id(t), "covers", color={"color": colour[c["id"]], "opacity": 0.35, "highlight": colour[c["id"]], "hover": colour[c["id"]]})
    for p, t in sorted(T.edges()):
        attrs = {"tip": _requires_tip(G, p, t), "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.2}}
        if (p, t) in bad_edges:
            attrs.update(color={"color": _ALERT, "highlight": _ALERT, "hover": _ALERT}, width=2.5)
            attrs["tip"]["kind"] = "Prerequisite taught later than the topic"
        b.edge(_topic_id(p), _topic_id(t), "requires", **attrs)

    n_bad = len(flagged)
    notes = []
    if n_bad:
        notes.append(f"{n_bad} topic{'s are' if n_bad != 1 else ' is'} taught before a prerequisite (outlined in red)")
    legend: list[dict[str, Any]] = []
    for c in records:
        legend.append({"shape": "square", "color": colour[c["id"]], "label": f"{short[c['id']]}: {c['name'] or c['id']}" + (f" ({c['term']})" if c.get("term") else "")})
    legend.append({"kind": "lecture", "shape": "square", "color": "#ffffff", "label": "lecture (in teaching order)"})
    legend.append({"kind": "topic", "shape": "dot", "color": "#ffffff", "label": "topic (under its first lecture)"})
    if len(records) > 1:
        legend.append({"shape": "dot", "color": _SHARED, "label": "topic taught in several of these courses"})
    legend.append({"shape": "dot", "color": "#ffffff", "border": _ALERT, "label": "taught before a prerequisite"})
    legend.append({"edge": True, "color": colour[records[0]["id"]] if len(records) == 1 else _SHARED, "dashes": False, "label": "next lecture"})
    legend.append({"edge": True, "color": colour[records[0]["id"]] if len(records) == 1 else _SHARED, "dashes": False, "label": "lecture covers topic" + (" (in the course's colour)" if len(records) > 1 else "")})
    legend.append({"edge": True, "color": _EDGE, "dashes": False, "label": "requires (prerequisite → topic)"})
    if bad_edges:
        legend.append({"edge": True, "color": _ALERT, "dashes": False, "label": "prerequisite taught later"})
    names = ", ".join(short[c["id"]] for c in records)
    title = f"kg: {records[0]['name'] or records[0]['id']} ({short[records[0]['id']]})" if len(records) == 1 else f"kg: {len(records)} courses"
    sub = f"{names}: {sum(len(c['lectures']) for c in records)} lectures, {len(covered)} topics"
    slug = "course-" + "-".join(ids) if len(ids) <= 3 else f"courses-{len(ids)}"
    return _finish(b, title=title, slug=slug, subtitle=sub, direction=None, legend=legend, notes=notes)


def make_view(
    kg: KnowledgeGraph, *, focus: str | None = None, depth: int | None = None,
    path: tuple[str, str] | None = None, courses: Sequence[str] = (), layers: Iterable[str] | str | None = None,
) -> View:
    """The view ``kg viz`` draws for its options: at most one of ``focus``, ``path``
    (``(FROM, TO)``, FROM ``"-"`` for scratch) and ``courses``; the whole graph if none."""
    chosen = [name for name, v in (("--focus", focus), ("--path", path), ("--course", courses)) if v]
    if len(chosen) > 1:
        raise UsageError(f"give only one of --focus, --path and --course (got {' and '.join(chosen)})")
    if depth is not None and focus is None:
        raise UsageError("--depth goes with --focus TOPIC")
    layer_names = parse_layers(layers)
    if layer_names and (path or courses):
        raise UsageError("--layers goes with the whole graph or --focus, not with --path or --course")
    if focus is not None:
        return focus_view(kg, focus, 2 if depth is None else depth, layer_names)
    if path is not None:
        frm, to = path
        return path_view(kg, None if frm == "-" else frm, to)
    if courses:
        return course_view(kg, courses)
    return graph_view(kg, layer_names)


# --------------------------------------------------------------------------- the page
#
# A View becomes a pyvis Network (:func:`_network`), and pyvis renders the Network
# (``Network.generate_html``) with kg's template, kg/viz/templates/kg.html, instead of its
# own. What kg defends against in pyvis 0.3.2, and how:
#
# * its template.html links Bootstrap (and, unless in_line, vis-network and tom-select)
#   from CDNs, writes the heading and the select-menu node ids as raw HTML, and puts a
#   tooltip into innerHTML as soon as one node title contains "href": the kg template
#   has none of these paths, whatever cdn_resources, select_menu, filter_menu or the
#   titles say, and its rendering is autoescaped with every value html-escaped;
# * it embeds the options JSON unescaped (``options|safe``): the kg template escapes
#   nodes, edges and options itself (``script_json``) inside a JSON script element;
# * ``Network.set_options`` deletes every space of the JSON it is given ("Segoe UI"
#   becomes "SegoeUI"): kg assigns ``network.options`` a dict instead;
# * an undirected Network scans every edge on each add_edge (quadratic): kg's graphs
#   are directed anyway, and the Network's node ids answer ``in`` from a set.


_HERE = Path(__file__).resolve().parent
_STATIC = _HERE / "static"
TEMPLATES = _HERE / "templates"
"""The directory of kg's pyvis template."""
TEMPLATE = "kg.html"
"""kg's pyvis template, in :data:`TEMPLATES`."""


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    """A file from kg/viz/static, checked so that it can be inlined in a ``<script>`` or
    ``<style>`` element (no closing tag, no comment opener inside)."""
    path = _STATIC / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KGError(f"cannot read {str(path)!r}: {exc.strerror or exc} (is kg installed completely?)") from None
    low = text.lower()
    for bad in ("</script", "</style", "<!--"):
        if bad in low:
            raise KGError(f"{str(path)!r} contains {bad!r} and cannot be inlined")
    return text


def _vis_js() -> str:
    """vis-network 9.1.2, the copy pyvis 0.3.2 ships (see kg/viz/static/README.md)."""
    return _static("vis-network.min.js")


def _script_json(data: Any) -> str:
    """JSON that can sit inside ``<script>``: no ``<``, ``>`` or ``&`` survive, so no
    text can close the element or open a comment."""
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=1)
def _assets() -> dict[str, Any]:
    """The template's ``kg``: inlined code, styles and the policy that allows them."""
    from markupsafe import Markup

    vis_js, app_js, css = _vis_js(), _static("kg-viz.js"), _static("kg-viz.css")
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis_js)} {_sha256(app_js)}; "
        f"style-src {_sha256(css)}; "
        "base-uri 'none'; form-action 'none'"
    )
    return {
        "vis_js": Markup(vis_js), "app_js": Markup(app_js), "css": Markup(css),
        "csp": csp, "generator": GENERATOR, "version": __version__,
    }


def _escape(value: Any) -> Any:
    """Every ``{{ value }}`` in the template: html.escape'd text unless it is already
    markup (kg's own code and the template's macros)."""
    from markupsafe import Markup

    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


def _json_filter(value: Any) -> Any:
    from markupsafe import Markup

    return Markup(_script_json(value))


def _legend_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A legend entry with everything its swatch needs (the template's ``swatch``)."""
    colour = str(item.get("color", "#999999"))
    if item.get("edge"):
        return {"edge": True, "color": colour, "dashes": bool(item.get("dashes")), "label": str(item["label"])}
    border = item.get("border")
    return {
        "edge": False, "color": colour, "shape": str(item.get("shape", "dot")), "label": str(item["label"]),
        "stroke": str(border or (_darker(colour) if colour.startswith("#") else "#555555")),
        "stroke_width": "3" if border else "1.5",
    }


class _NodeIds(list[Any]):
    """pyvis keeps node ids in a list and tests membership on every add_node and
    add_edge; this one answers ``in`` from a set, so building stays linear."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._seen.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._seen


def use_kg_template(net: Any) -> Any:
    """Point a pyvis ``Network`` at kg's template, for ``generate_html``,
    ``write_html`` and ``show`` alike; returns ``net``.

    The template's environment autoescapes, escapes every value with
    :func:`html.escape`, and refuses undefined names.
    """
    from jinja2 import StrictUndefined, TemplateNotFound

    net.set_template_dir(str(TEMPLATES) + os.sep, TEMPLATE)
    env = net.templateEnv  # a fresh Environment of this Network's own
    env.autoescape = True
    env.finalize = _escape
    env.undefined = StrictUndefined
    env.filters["script_json"] = _json_filter
    env.filters["fromjson"] = json.loads
    env.globals["kg"] = _assets()
    env.globals.setdefault("page", {"subtitle": "", "notes": [], "legend": []})
    try:
        net.template = env.get_template(TEMPLATE)  # what generate_html(notebook=True) uses
    except (TemplateNotFound, OSError):
        raise KGError(f"cannot read {str(TEMPLATES / TEMPLATE)!r} (is kg installed completely?)") from None
    return net


def _network(view: View) -> Any:
    """The pyvis ``Network`` for a view, rendered by kg's template.

    Node colours become vis-network ``groups`` and the common edge style the edge
    defaults, so each node and edge carries only its own data (this halves a large
    page). ``kind`` stays with the View; ``tip`` (the tooltip as data) and ``name`` go
    into the page for kg-viz.js. ``network.options`` is ``view.options``, the same dict.
    """
    try:
        from pyvis.network import Network
    except ImportError as exc:
        raise KGError(f"kg viz draws with pyvis, which cannot be imported ({exc}); pip install 'pyvis>=0.3.2'") from None

    net = Network(height="100%", width="100%", directed=True, heading=view.title, cdn_resources="in_line")
    net.node_ids = _NodeIds()
    groups: dict[str, dict[str, Any]] = {}
    by_style: dict[str, str] = {}
    for n in view.nodes:
        attrs = {k: v for k, v in n.items() if k not in ("id", "label", "shape", "color", "kind")}
        if "color" in n:
            key = json.dumps(n["color"], sort_keys=True)
            if key not in by_style:
                by_style[key] = f"g{len(by_style)}"
                groups[by_style[key]] = {"color": n["color"]}
            attrs["group"] = by_style[key]
        net.add_node(n["id"], label=n.get("label"), shape=n.get("shape", "dot"), **attrs)
    default = _EDGE_STYLE["requires"]
    for e in view.edges:
        attrs = {k: v for k, v in e.items() if k not in ("from", "to", "kind") and default.get(k) != v}
        net.add_edge(e["from"], e["to"], **attrs)
    options = view.options
    options["groups"] = {**groups, **options.get("groups", {})}
    options["edges"] = {**default, **options.get("edges", {})}
    net.options = options
    return use_kg_template(net)


def _page(view: View) -> str:
    """The page, rendered by pyvis from ``view.network`` with kg's template."""
    net = view.network
    env = getattr(net, "templateEnv", None)
    if getattr(net, "path", None) != TEMPLATE or env is None or env.globals.get("kg") is not _assets():
        use_kg_template(net)  # someone pointed it elsewhere: kg pages use kg's template
    net.heading = view.title
    net.templateEnv.globals["page"] = {
        "subtitle": view.subtitle,
        "notes": list(view.notes),
        "legend": [_legend_item(item) for item in view.legend],
    }
    page: str = net.generate_html()
    return page
