"""Building views: kg's nodes and edges with tooltips as data, from the store.

Every query is one of kg's internal queries (``kg/queries/internal/viz-*.rq``), run with
:meth:`kg.graph.KnowledgeGraph.run` and bound terms.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import vocab as V
from kg.backends import Row
from kg.errors import UsageError
from kg.graph import KnowledgeGraph
from kg.places import SHOW_LIMITS, rank_places
from kg.viz.style import EDGE_LEGEND, EDGE_STYLE, KINDS, MAX_LINES, PALETTE, TOPIC, node_colour, node_size
from kg.viz.view import View

if TYPE_CHECKING:  # (networkx is imported by the views that use it: not for the whole graph's page)
    import networkx as nx

__all__ = [
    "LAYERS", "LARGE", "Builder", "topic_node", "topic_info", "places", "clip", "where_sections",
    "topic_tip", "topic_terms", "null_first", "lecture_label", "requires_tip", "add_topics", "add_requires", "add_requires_edges", "parse_layers", "add_layers",
    "shorten", "options_for", "legend_for", "add_find_names", "topic_aliases", "finish",
]

LAYERS = ("courses", "lectures", "chapters", "readings")
"""The extra node kinds the topic views can draw, in drawing order."""

LARGE = 1500
"""Past this many nodes a page is still drawn, but labels and edges are thinned while
zooming and dragging, and the CLI suggests ``--focus``."""


class Builder:
    """Collects nodes and edges once each, in insertion order."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.courses: dict[str, tuple[str, str]] = {}  # course id -> (legend label, colour)
        self.aliases: dict[str, list[str]] = {}  # topic id -> aliases, fetched once
        self.fills: dict[str, dict[str, Any]] = {}  # colour -> node_colour(colour), made once

    def aliases_of(self, kg: KnowledgeGraph, topics: Iterable[str], every: bool = False) -> dict[str, list[str]]:
        """The aliases of ``topics`` (see :func:`topic_aliases`), each fetched once."""
        topics = list(topics)
        missing = [t for t in topics if t not in self.aliases]
        if missing:
            self.aliases.update(topic_aliases(kg, missing, every))
        return {t: self.aliases[t] for t in topics}

    def course_colour(self, cid: str, label: str) -> str:
        """The colour of one course's nodes, the same for every node of that course."""
        if cid not in self.courses:
            self.courses[cid] = (label, PALETTE[len(self.courses) % len(PALETTE)])
        return self.courses[cid][1]

    def node(self, nid: str, kind: str, label: str, tip: dict[str, Any], **attrs: Any) -> dict[str, Any]:
        if nid in self.nodes:
            return self.nodes[nid]
        shape, colour, _ = KINDS[kind]
        fill = attrs["color"] if "color" in attrs else self.fill(colour)
        n: dict[str, Any] = {"id": nid, "kind": kind, "label": label, "shape": shape, "color": fill, "tip": tip}
        if kind != "topic":
            n["size"] = 12
        n.update(attrs)
        self.nodes[nid] = n
        return n

    def fill(self, colour: str) -> dict[str, Any]:
        """:func:`kg.viz.style.node_colour` of ``colour``, one dict for every node of
        that colour (so the page groups them without comparing dicts)."""
        if colour not in self.fills:
            self.fills[colour] = node_colour(colour)
        return self.fills[colour]

    def edge(self, a: str, b: str, kind: str, **attrs: Any) -> dict[str, Any]:
        key = (a, b, kind)
        if key in self.edges:
            return self.edges[key]
        e: dict[str, Any] = {"id": f"e{len(self.edges)}", "from": a, "to": b, "kind": kind}
        e.update(EDGE_STYLE[kind])
        e.update(attrs)
        self.edges[key] = e
        return e



def topic_node(t: str) -> str:
    return "topic:" + t


def topic_terms(ids: Iterable[str]) -> list[ox.NamedNode]:
    """The topics' IRIs as terms, for a ``VALUES ?t { $topics }`` list."""
    return [ox.NamedNode(V.topic_iri(t)) for t in ids]


def null_first(value: Any) -> tuple[int, Any]:
    """A sort key ordering like SPARQL's ORDER BY: unbound first, then numbers, then text."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


def topic_info(
    kg: KnowledgeGraph, ids: Iterable[str] | None = None, labels: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """``{topic: {"label", "definition"}}`` for ``ids`` (default: every topic).

    For every topic, the definitions come from one query without a VALUES list (joining
    ten thousand IRIs costs the engine more than reading every definition), and the
    labels from ``labels`` when given (the prerequisite graph's, already fetched).
    """
    if ids is None:
        if labels is None:
            labels = {}
            for r in sorted(kg.run("all-topic-labels"), key=lambda r: (r["t"], str(r["l"]))):
                labels.setdefault(V.local_id(r["t"]), str(r["l"]))
        iris = {V.topic_iri(t): t for t in labels}
        out: dict[str, dict[str, Any]] = {t: {"label": label or t, "definition": None} for t, label in labels.items()}
        for r in sorted(kg.run("viz-topic-definitions-all"), key=lambda r: (r["t"], str(r["def"]))):
            tid = iris.get(r["t"])
            if tid is not None and out[tid]["definition"] is None:
                out[tid]["definition"] = r["def"]
        return out
    ids = list(ids)
    if not ids:
        return {}
    rows = kg.run("viz-topic-info", topics=topic_terms(ids))
    rows.sort(key=lambda r: (r["t"], null_first(r["label"]), null_first(r["def"])))
    out = {}
    for r in rows:
        tid = V.local_id(r["t"])
        info = out.setdefault(tid, {"label": r["label"] or tid, "definition": r["def"]})
        if info["definition"] is None and r["def"]:
            info["definition"] = r["def"]
    return out


def _lecture_rows(kg: KnowledgeGraph, terms: Sequence[ox.NamedNode] | None) -> list[Row]:
    """The lectures covering the topics ``terms`` (every topic with ``None``), one row
    per (topic, lecture) with what a tooltip shows, from three queries joined here
    (covers, lectures, courses): as one query the same rows cost the engine about
    twice as much."""
    covers = kg.run("viz-places-lectures-all") if terms is None else kg.run("viz-places-lectures", topics=terms)
    if not covers:
        return []
    lectures: dict[str, list[Row]] = defaultdict(list)
    if terms is None:
        lecture_rows = kg.run("viz-lectures-all")
    else:
        lecture_rows = kg.run("viz-lectures", lectures=[ox.NamedNode(iri) for iri in dict.fromkeys(r["lec"] for r in covers)])
    for r in lecture_rows:
        lectures[r["lec"]].append(r)
    courses: dict[str, list[Row]] = defaultdict(list)
    for r in kg.run("viz-courses-all"):
        courses[r["course"]].append(r)
    none = [{"code": None, "term": None}]
    return [
        {"t": r["t"], "course": lec["course"], "code": c["code"], "term": c["term"], "pos": lec["pos"],
         "num": lec["num"], "date": lec["date"], "title": lec["title"]}
        for r in covers
        for lec in lectures.get(r["lec"], ())
        for c in courses.get(lec["course"], none)
    ]


def places(kg: KnowledgeGraph, ids: Sequence[str] | None = None) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Where each topic of ``ids`` (default: every topic) is taught, as the tooltips
    show it: ``{topic: {"lectures": [...], "chapters": [...], "readings": [...]}}``.

    Only what a tooltip shows is fetched (no sessions, no chapter sections, unlike
    :meth:`kg.graph.KnowledgeGraph.where_taught`); lectures come by course and
    position, chapters by book and number, readings required before optional. For
    every topic the queries have no VALUES list, and the rows are ordered here.
    """
    every = ids is None
    out: dict[str, dict[str, list[dict[str, Any]]]] = (
        {} if ids is None else {t: {"lectures": [], "chapters": [], "readings": []} for t in ids}
    )
    if ids is not None and not ids:
        return out
    terms = [] if ids is None else topic_terms(ids)

    def slot(t: str) -> dict[str, list[dict[str, Any]]]:
        tid = V.local_id(t)
        if tid not in out:
            out[tid] = {"lectures": [], "chapters": [], "readings": []}
        return out[tid]

    lectures = _lecture_rows(kg, None if every else terms)
    lectures.sort(key=lambda r: (r["course"], null_first(r["pos"])))
    for r in lectures:
        slot(r["t"])["lectures"].append(
            {"course": V.local_id(r["course"]), "code": r["code"], "term": r["term"], "position": r["pos"],
             "number": r["num"], "date": r["date"], "title": r["title"]}
        )
    chapters = kg.run("viz-places-chapters-all") if every else kg.run("viz-places-chapters", topics=terms)
    chapters.sort(key=lambda r: (null_first(r["btitle"]), null_first(r["n"])))
    for r in chapters:
        slot(r["t"])["chapters"].append({"book": r["btitle"], "number": r["n"], "title": r["title"]})
    readings = kg.run("viz-places-readings-all") if every else kg.run("viz-places-readings", topics=terms)
    readings.sort(key=lambda r: (null_first(r["optional"]), null_first(r["title"])))
    for r in readings:
        slot(r["t"])["readings"].append({"title": r["title"], "kind": r["kind"], "optional": bool(int(r["optional"]))})
    return out


def lecture_label(code: str, position: int, number: Any = None, date: Any = None) -> str:
    """A lecture node's label: course code, the page's own lecture number (else the
    position) and, where known, the date on a second line."""
    return f"{code} L{number if number not in (None, '') else position}" + (f"\n{date}" if date else "")


def clip(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[: MAX_LINES - 1], f"… and {len(lines) - MAX_LINES + 1} more"]


NOT_TAUGHT = "not taught in any lecture in the graph"


def _lecture_line(lec: Mapping[str, Any]) -> str:
    date = lec.get("date")
    return (
        f"{lec.get('code') or lec['course']} #{V.lecture_number(lec.get('number'), lec['position'])}"
        + (f" {date}" if date else "")
        + f": {lec['title']}"
    )


def _section(head: str, kind: str, lines: list[str]) -> list[Any]:
    """``[head, lines]`` with at most :data:`SHOW_LIMITS` ``[kind]`` of them, then how
    many more."""
    limit = SHOW_LIMITS[kind]
    if len(lines) <= limit:
        return [head, lines]
    more = len(lines) - limit
    return [head, [*lines[:limit], f"… and {more} more {kind if more != 1 else kind[:-1]}"]]


def where_sections(w: Mapping[str, Any], names: Iterable[str] = ()) -> list[list[Any]]:
    """Tooltip sections for where a topic is taught (:func:`places`, or
    ``KnowledgeGraph.where_taught``): the most useful few of each kind, as ``kg show``
    lists them (:data:`kg.places.SHOW_LIMITS`, lectures ranked by
    :func:`kg.places.rank_places` with the topic's ``names``), and how many more."""
    in_lectures, in_chapters, in_readings = w.get("lectures"), w.get("chapters"), w.get("readings")
    if not (in_lectures or in_chapters or in_readings):
        return [["Lectures", [NOT_TAUGHT]]]
    sections: list[list[Any]] = []
    if in_lectures:
        # (one lecture is already in order)
        ranked = rank_places(list(in_lectures), names) if len(in_lectures) > 1 else in_lectures
        sections.append(_section("Lectures", "lectures", [_lecture_line(lec) for lec in ranked]))
    if in_chapters:
        sections.append(_section("Chapters", "chapters", [f"{ch['book']} ch. {ch['number']}: {ch['title']}" for ch in in_chapters]))
    if in_readings:
        sections.append(_section("Readings", "readings", [
            f"{rd['title']} ({rd['kind']}{', optional' if rd.get('optional') else ''})" for rd in in_readings
        ]))
    if not in_lectures:
        sections.append(["Lectures", [NOT_TAUGHT]])
    return sections


@lru_cache(maxsize=None, typed=True)
def _depend(dependents: int) -> str:
    return f"{dependents} topic{'s' if dependents != 1 else ''} depend{'s' if dependents == 1 else ''} on it"


def topic_tip(
    tid: str, info: Mapping[str, Any], dependents: int, where: Mapping[str, Any], kind: str = "Topic",
    aliases: Iterable[str] = (),
) -> dict[str, Any]:
    label = str(info.get("label") or tid)
    return {
        "title": label,
        "kind": f"{kind} · {tid} · {_depend(dependents)}",
        "text": info.get("definition") or "",
        "sections": where_sections(where, [label, tid, *aliases]),
    }


def requires_tip(G: nx.DiGraph[str], a: str, b: str) -> dict[str, Any]:
    la, lb = G.nodes[a].get("label", a), G.nodes[b].get("label", b)
    return {"title": f"{lb} requires {la}", "kind": "Prerequisite", "text": G.edges[a, b].get("reason") or ""}


def add_topics(
    b: Builder, kg: KnowledgeGraph, topics: Sequence[str], counts: Mapping[str, int],
    colour: str = TOPIC, kind_label: str = "Topic", every: bool = False, labels: Mapping[str, str] | None = None,
    info: Mapping[str, Mapping[str, Any]] | None = None, where: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Topic nodes with tooltips for ``topics`` (``every``: they are all the topics in
    the store, fetched without a VALUES list, labelled by ``labels`` if given).
    ``info`` (:func:`topic_info`) and ``where`` (:func:`places`) are fetched unless
    given, and the aliases unless ``b`` holds them."""
    if info is None:
        info = topic_info(kg, None, labels) if every else topic_info(kg, topics)
    if where is None:
        where = places(kg, None if every else topics)
    aliases = b.aliases_of(kg, topics, every)
    fill = b.fill(colour)
    sizes: dict[int, float] = {}  # node_size of each count, once
    shape = KINDS["topic"][0]
    nodes = b.nodes
    for t in topics:
        nid = topic_node(t)
        if nid in nodes:
            continue
        d = counts.get(t, 0)
        size = sizes.get(d)
        if size is None:
            size = sizes[d] = node_size(d)
        about = info.get(t, {})
        # What b.node(nid, "topic", label, tip, size=size, color=fill) makes.
        nodes[nid] = {
            "id": nid, "kind": "topic", "label": str(about.get("label") or t), "shape": shape, "color": fill,
            "tip": topic_tip(t, about, d, where.get(t, {}), kind_label, aliases[t]), "size": size,
        }


def add_requires(b: Builder, G: nx.DiGraph[str], topics: Iterable[str]) -> None:
    """The ``requires`` edges among ``topics`` with their tooltips (:func:`requires_tip`),
    in order of (prerequisite, topic)."""
    shown = set(topics)
    # The edges among the shown topics, from their own adjacency (a subgraph view
    # filters every step, which costs as much as the rest of this for a whole graph).
    succ = G.succ
    among = {a: {c: d.get("reason") for c, d in succ[a].items() if c in shown} for a in shown if a in G}
    add_requires_edges(b, among, {n: d.get("label", n) for n, d in G.nodes(data=True)})


def add_requires_edges(b: Builder, succ: Mapping[str, Mapping[str, str | None]], label: Mapping[str, Any]) -> None:
    """:func:`add_requires` of the edges ``{prerequisite: {topic: reason}}``, the
    topics labelled by ``label``."""
    style = EDGE_STYLE["requires"]
    edges = b.edges
    plain = tuple(style) == ("color", "width")  # (then each edge's dict is written out below)
    colour, width = style.get("color"), style.get("width")
    n = len(edges)
    for a in sorted(succ):
        nbrs = succ[a]
        if not nbrs:
            continue
        na, la = "topic:" + a, f" requires {label[a]}"  # (topic_node, inlined)
        for c in sorted(nbrs) if len(nbrs) > 1 else nbrs:
            nc = "topic:" + c
            key = (na, nc, "requires")
            if key in edges:
                continue
            # What Builder.edge(na, nc, "requires", tip=requires_tip(G, a, c)) makes.
            tip = {"title": f"{label[c]}{la}", "kind": "Prerequisite", "text": nbrs[c] or ""}
            if plain:
                edges[key] = {"id": f"e{n}", "from": na, "to": nc, "kind": "requires", "color": colour, "width": width, "tip": tip}
            else:
                edges[key] = {"id": f"e{n}", "from": na, "to": nc, "kind": "requires", **style, "tip": tip}
            n += 1


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


def add_layers(
    b: Builder, kg: KnowledgeGraph, topics: Sequence[str], layers: Sequence[str], every: bool = False,
    lecture_rows: Sequence[Row] | None = None,
) -> None:
    """Resources that cover the shown topics, as further nodes with ``covers`` edges.
    ``every``: ``topics`` are every topic in the store, and the queries have no VALUES
    list (their rows are kept for ``topics``); ``lecture_rows``: the rows of
    ``viz-lecture-layer-all``, if made already (see
    :func:`kg.viz.whole.lecture_layer_rows`)."""
    if not layers or not topics:
        return
    terms = topic_terms(topics)
    shown = {t.value for t in terms}

    def layer(name: str, every_name: str) -> list[Row]:
        if not every:
            return kg.run(name, topics=terms)
        rows = lecture_rows if every_name == "viz-lecture-layer-all" and lecture_rows is not None else kg.run(every_name)
        return [r for r in rows if r["t"] in shown]

    if "lectures" in layers or "courses" in layers:
        if every:  # ORDER BY ?c ?pos ?t, here (see viz-lecture-layer-all.rq)
            rows = sorted(layer("viz-lecture-layer", "viz-lecture-layer-all"), key=lambda r: (r["c"], null_first(r["pos"]), r["t"]))
        else:
            rows = layer("viz-lecture-layer", "viz-lecture-layer-all")
        for r in rows:
            cid = V.local_id(r["c"])
            short = str(r["code"] or cid)
            course_node = "course:" + cid
            colour = b.courses[cid][1] if cid in b.courses else b.course_colour(cid, f"{short}: {r['cname'] or cid}" + (f" ({r['term']})" if r["term"] else ""))
            fill = b.fill(colour)  # (one dict per colour, as for topics)
            if "courses" in layers:
                b.node(
                    course_node, "course", short,
                    {"title": str(r["cname"] or cid), "kind": f"Course · {cid}", "text": " · ".join(str(x) for x in (r["code"], r["term"]) if x), "sections": []},
                    color=fill,
                )
            if "lectures" in layers:
                lid = "lecture:" + V.local_id(r["lec"])
                b.node(
                    lid, "lecture", lecture_label(short, r["pos"], r["num"], r["date"]),
                    {"title": str(r["title"]), "kind": f"Lecture {r['num'] or r['pos']} of {r['cname'] or cid}", "text": str(r["date"] or ""), "sections": []},
                    color=fill,
                )
                b.edge(lid, topic_node(V.local_id(r["t"])), "covers")
                if "courses" in layers:
                    b.edge(course_node, lid, "contains")
            else:
                b.edge(course_node, topic_node(V.local_id(r["t"])), "covers")
    if "chapters" in layers:
        for r in layer("viz-chapter-layer", "viz-chapter-layer-all"):
            cid = "chapter:" + V.local_id(r["ch"])
            b.node(cid, "chapter", f"{r['title']}", {"title": str(r["title"]), "kind": f"Chapter {r['n']} of {r['btitle']}", "text": "", "sections": []})
            b.edge(cid, topic_node(V.local_id(r["t"])), "covers")
    if "readings" in layers:
        for r in layer("viz-reading-layer", "viz-reading-layer-all"):
            rid = "reading:" + V.local_id(r["rd"])
            b.node(rid, "reading", shorten(str(r["title"])), {"title": str(r["title"]), "kind": f"Reading ({r['kind'] or 'reading'})", "text": "", "sections": []})
            b.edge(rid, topic_node(V.local_id(r["t"])), "covers")


def shorten(s: str, n: int = 48) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"



def options_for(direction: str | None, n_nodes: int) -> dict[str, Any]:
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
            "scaling": {"label": {"enabled": big, "drawThreshold": 8, "maxVisible": 28}},
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


def legend_for(b: Builder, extra: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    kinds = {d["kind"] for d in b.nodes.values()}
    out: list[dict[str, Any]] = list(extra)
    for label, colour in b.courses.values():
        out.append({"shape": "square", "color": colour, "label": label})
    for k, (shape, colour, label) in KINDS.items():
        if k in kinds and not any(e.get("kind") == k for e in out):
            out.append({"kind": k, "shape": shape, "color": colour, "label": label})
    edge_kinds = {e["kind"] for e in b.edges.values()}
    for kind in ("requires", "covers", "contains", "next"):
        if kind in edge_kinds:
            style = EDGE_STYLE[kind]
            out.append({"edge": True, "color": style["color"]["color"], "dashes": bool(style.get("dashes")), "label": EDGE_LEGEND[kind]})
    return out


def topic_aliases(kg: KnowledgeGraph, ids: Iterable[str], every: bool = False) -> dict[str, list[str]]:
    """``{topic: [alias, ...]}`` (sorted) for ``ids``; ``every``: ``ids`` are every topic
    in the store, and the aliases are fetched without a VALUES list."""
    out: dict[str, list[str]] = {t: [] for t in ids}
    if not out:
        return out
    iris = {V.topic_iri(t): found for t, found in out.items()}
    rows = kg.run("viz-topic-aliases-all") if every else kg.run("viz-topic-aliases", topics=topic_terms(out))
    rows.sort(key=lambda r: (r["t"], str(r["alias"])))
    for r in rows:
        found = iris.get(r["t"])
        if found is not None:
            found.append(str(r["alias"]))
    return out


def add_find_names(b: Builder, kg: KnowledgeGraph, every: bool = False) -> None:
    """Give every topic node the names Find accepts besides its label: its id and
    aliases (``find``). ``every``: the view shows every topic in the store (the aliases
    are fetched without a VALUES list)."""
    topics = [(n[len("topic:"):], d) for n, d in b.nodes.items() if d["kind"] == "topic" and n.startswith("topic:")]
    if any(t not in b.aliases for t, _ in topics):
        b.aliases_of(kg, [t for t, _ in topics], every)
    aliases = b.aliases
    for t, d in topics:
        d["find"] = [t, *aliases[t]]


def finish(b: Builder, *, title: str, slug: str, subtitle: str, direction: str | None, legend: list[dict[str, Any]], notes: Sequence[str] = ()) -> View:
    nodes = list(b.nodes.values())
    edges = list(b.edges.values())
    notes = list(notes)
    if len(nodes) > LARGE:
        notes.append(
            f"{len(nodes)} nodes is more than anyone can read at once; "
            "kg viz --focus TOPIC --depth 2 draws one neighbourhood"
        )
    return View(title=title, slug=slug, nodes=nodes, edges=edges, legend=legend, subtitle=subtitle, notes=notes, options=options_for(direction, len(nodes)))

