"""The whole topic graph for ``kg viz``: the prerequisite graph of every topic, with
labels and reasons, from three queries.

:func:`topic_graph` is :func:`kg.plan.prerequisite_graph` of the whole store (areas
requiring their parts), fetched for a page that draws all of it: one query for the
topics and their labels, one for the ``kg:requires`` edges with their reasons and one
for the ``skos:broader`` links, each shaped so that Oxigraph joins by hashing (see the
``viz-graph-*.rq`` files), and every IRI turned into an id once. :func:`whole_graph`
is the same graph as adjacency dicts (:class:`TopicGraph`, with :mod:`kg.viz.dag`),
what the page of the whole graph draws: making the DiGraph, and the copy
``with_parts`` makes of it, cost more than the rest of its graph work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from kg import vocab as V
from kg.graph import KnowledgeGraph
from kg.viz import dag
from kg.viz.build import null_first, topic_terms

if TYPE_CHECKING:
    import networkx as nx

# networkx, kg.algorithms.paths and kg.plan (which import networkx) are imported where
# a graph has a cycle or a DiGraph is asked for: the page of the whole graph needs none
# of them, and importing networkx costs a tenth of a second.

__all__ = ["Ids", "TopicGraph", "topic_graph", "whole_graph", "TopicData", "topic_data", "lecture_places", "lecture_layer_rows"]

TopicData = tuple[dict[str, dict[str, Any]], dict[str, dict[str, list[dict[str, Any]]]], dict[str, list[str]]]
"""``(info, where, aliases)`` of :func:`topic_data`."""


class Ids(dict[str, str]):
    """IRI -> id (:func:`kg.vocab.local_id`), each IRI worked out once."""

    def __missing__(self, iri: str) -> str:
        tid = self[iri] = V.local_id(iri)
        return tid


class TopicGraph:
    """The prerequisite graph of every topic as adjacency dicts (see :mod:`kg.viz.dag`):
    ``labels`` (every node's label, its id where it has none), ``succ`` (prerequisite
    -> ``{dependent: reason}``, the reason ``None`` where there is none) and ``pred``
    (every node's prerequisites)."""

    __slots__ = ("labels", "succ", "pred", "order", "definitions")

    def __init__(
        self, labels: dict[str, str], succ: dict[str, dict[str, str | None]], pred: dict[str, list[str]],
        order: list[str] | None = None, definitions: dict[str, Any] | None = None,
    ) -> None:
        self.labels = labels
        self.succ = succ
        self.pred = pred
        self.order = order  # a topological order, where known
        self.definitions = definitions  # topic IRI -> its definition, where fetched with the graph

    def to_networkx(self) -> nx.DiGraph[str]:
        """The same graph as a DiGraph: nodes carry ``label``, edges ``reason``."""
        import networkx as nx

        G: nx.DiGraph[str] = nx.DiGraph()
        G.add_nodes_from((n, {"label": label}) for n, label in self.labels.items())
        G.add_edges_from((a, b, {"reason": reason}) for a, nbrs in self.succ.items() for b, reason in nbrs.items())
        return G

    def dependent_counts(self) -> dict[str, int]:
        """:func:`kg.algorithms.paths.dependent_counts` of the graph (which raises
        ``NetworkXUnfeasible`` naming a cycle, if there is one)."""
        counts = dag.dependent_counts(self.succ, self.pred, self.order)
        if counts is None:
            from kg.algorithms import paths

            return paths.dependent_counts(self.to_networkx())
        return counts


def topic_graph(kg: KnowledgeGraph, ids: Ids | None = None) -> nx.DiGraph[str]:
    """The ``kg:requires`` graph of every topic (edge ``prerequisite -> topic``), the
    same graph as :func:`kg.plan.prerequisite_graph` with no ``start``: nodes carry
    ``label``, edges ``reason``, and every area requires its parts.

    Where one edge has several reasons, the last in text order is kept.
    """
    import networkx as nx

    from kg.algorithms import paths
    from kg.plan import add_labels, add_part_reasons

    ids = Ids() if ids is None else ids
    labels: dict[str, str | None] = {}
    for t, label in sorted(kg.run_rows("viz-graph-topics"), key=lambda r: (r[0], r[1] or "")):
        labels[t] = label  # the last label in sorted order, as prerequisite_graph
    reasons: dict[tuple[str, str], str | None] = {}
    for a, b, reason in sorted(kg.run_rows("viz-graph-requires"), key=lambda r: (r[0], r[1], r[2] or "")):
        if reason is not None or (a, b) not in reasons:
            reasons[a, b] = reason
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_nodes_from((ids[t], {"label": label or ids[t]}) for t, label in labels.items())
    for a, b in reasons:  # sorted by (a, b) above
        ta, tb = ids[a], ids[b]
        for n in (ta, tb):
            if n not in G:
                G.add_node(n, label=n)
    G.add_edges_from((ids[b], ids[a], {"reason": reason}) for (a, b), reason in reasons.items())
    pairs = list(dict.fromkeys((ids[t], ids[b]) for t, b in kg.run_rows("viz-graph-broader") if t in labels))
    H = paths.with_parts(G, pairs)
    add_labels(kg, H, [n for n in H if "label" not in H.nodes[n]])
    add_part_reasons(H, [(p, u) for p, nbrs in H.succ.items() for u, d in nbrs.items() if d.get("part")])
    return H


def whole_graph(kg: KnowledgeGraph, ids: Ids | None = None) -> TopicGraph:
    """:func:`topic_graph` as adjacency dicts, made without networkx: the ``kg:requires``
    graph of every topic (edge ``prerequisite -> topic``), the same nodes, labels, edges
    and reasons as :func:`kg.plan.prerequisite_graph` with no ``start``, where every area requires its parts (:func:`kg.viz.dag.add_parts`, with
    the reason every view gives such an edge).

    Where one edge has several reasons, the last in text order is kept. The edges and
    their reasons come from the build's plan index where the graph has one
    (:meth:`kg.build.planindex.PlanIndex.requires_edges`: integer arrays, each IRI
    decoded once), else from one query.
    """
    ids = Ids() if ids is None else ids
    # A topic's last label in text order, as prerequisite_graph (a topic without one
    # has one row, unlabelled), and an edge's last reason: each the greatest, found in
    # one pass (sorting the rows costs more). The topics' definitions (the first in
    # text order, as topic_data takes them) and broader topics come in the same rows.
    labels: dict[str, str | None] = {}
    defs: dict[str, Any] = {}
    broader: list[tuple[str, str]] = []
    for t, label, d, b in kg.run_rows("viz-graph-topic-rows"):
        if t not in labels or (label is not None and (labels[t] is None or label > labels[t])):
            labels[t] = label
        if d is not None and (t not in defs or str(d) < str(defs[t])):
            defs[t] = d
        if b is not None:
            broader.append((t, b))
    reasons: dict[tuple[str, str], str | None] = {}
    index = kg.plan_index  # the build's index of the prerequisite graph, where there is one
    if index is not None:
        reasons = {(a, b): reason for a, b, reason in index.requires_edges()}
    else:
        for a, b, reason in kg.run_rows("viz-graph-requires"):
            key = (a, b)
            if key not in reasons or (reason is not None and (reasons[key] is None or reason > reasons[key])):
                reasons[key] = reason
    names: dict[str, str] = {ids[t]: label or ids[t] for t, label in labels.items()}
    succ: dict[str, dict[str, str | None]] = {n: {} for n in names}
    pred: dict[str, list[str]] = {n: [] for n in names}
    for (a, b), reason in reasons.items():
        ta, tb = ids[a], ids[b]
        if ta not in names:
            names[ta], succ[ta], pred[ta] = ta, {}, []
        if tb not in names:
            names[tb], succ[tb], pred[tb] = tb, {}, []
        succ[tb][ta] = reason
        pred[ta].append(tb)
    pairs = list(dict.fromkeys((ids[t], ids[b]) for t, b in broader))
    order: list[str] = []
    added = dag.add_parts(succ, pred, pairs, order=order)
    if added is None:  # a cycle: networkx's with_parts takes each area's descendants whole
        from kg.algorithms import paths
        from kg.plan import add_labels, add_part_reasons

        H = paths.with_parts(TopicGraph(names, succ, pred).to_networkx(), pairs)
        add_labels(kg, H, [n for n in H if "label" not in H.nodes[n]])
        add_part_reasons(H, [(p, u) for p, nbrs in H.succ.items() for u, d in nbrs.items() if d.get("part")])
        return TopicGraph(
            {n: d["label"] for n, d in H.nodes(data=True)},
            {n: {s: d.get("reason") for s, d in nbrs.items()} for n, nbrs in H.succ.items()},
            {n: list(nbrs) for n, nbrs in H.pred.items()},
            definitions=defs,
        )
    new = [n for n in succ if n not in names]  # areas that are no topic of the graph
    if new:
        rows = sorted(kg.run_each("topic-labels", topics=topic_terms(new)), key=lambda r: (r["t"], r["label"]))
        found = {V.local_id(r["t"]): r["label"] for r in rows}
        for n in new:
            names[n] = found.get(n, n)
    for p, u in added:
        succ[p][u] = f"{names[p]} is part of {names[u]}: knowing it means knowing its parts."
    return TopicGraph(names, succ, pred, order, defs)


def _topic_iris(topics: Mapping[str, Any]) -> dict[str, str]:
    """``{IRI: id}`` for topic ids (:func:`kg.vocab.topic_iri`, whose quoting leaves a
    slug as it is)."""
    prefix = V.topic_iri("")
    return {(prefix + t if t.isascii() and t.replace("-", "").isalnum() else V.topic_iri(t)): t for t in topics}


def lecture_places(kg: KnowledgeGraph) -> list[tuple[Any, ...]]:
    """Every lecture covering a topic, with what a tooltip shows of it: rows ``(t, lec,
    course, code, term, pos, num, date, title)`` (IRIs and values, unordered), from
    three queries joined here (covers, lectures, courses; as one query the same rows
    cost the engine about twice as much)."""
    covers = kg.run_rows("viz-places-lectures-all")
    if not covers:
        return []
    lectures: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in kg.run_rows("viz-lectures-all"):
        lectures[row[0]].append(row)
    courses: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in kg.run_rows("viz-courses-all"):
        courses[row[0]].append(row)
    none = [(None, None, None)]
    return [
        (t, lec, course, code, term, pos, num, date, title)
        for t, lec in covers
        for _, course, pos, num, date, title in lectures.get(lec, ())
        for _, code, term in courses.get(course, none)
    ]


def lecture_layer_rows(kg: KnowledgeGraph, lectures: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The rows of ``viz-lecture-layer-all`` (what the lecture and course layers draw)
    made from :func:`lecture_places`'s rows and one query for the courses' names:
    for the whole graph, the engine then reads every lecture once, not once for each
    topic it covers."""
    names: dict[str, list[Any]] = defaultdict(list)
    for c, name in kg.run_rows("viz-course-names-all"):
        names[c].append(name)
    none = [None]
    return [
        {"t": t, "lec": lec, "c": c, "cname": cname, "code": code, "term": term, "pos": pos, "num": num, "date": date, "title": title}
        for t, lec, c, code, term, pos, num, date, title in lectures
        for cname in names.get(c, none)
    ]


def topic_data(
    kg: KnowledgeGraph, labels: Mapping[str, str], ids: Ids | None = None, lectures: list[tuple[Any, ...]] | None = None,
    definitions: Mapping[str, Any] | None = None,
) -> TopicData:
    """What the tooltips of every topic show, for a page of the whole graph:
    ``(info, where, aliases)`` as :func:`kg.viz.build.topic_info` (with ``labels``),
    :func:`kg.viz.build.places` and :func:`kg.viz.build.topic_aliases` give them for
    every topic (``labels``: every topic of the graph), from the same queries, with
    rows as tuples and each IRI turned into an id once. ``lectures``:
    :func:`lecture_places`'s rows, if fetched already; ``definitions``: each topic's
    first definition in text order by IRI, if fetched already (:attr:`TopicGraph.definitions`).
    """
    ids = Ids() if ids is None else ids
    iris = _topic_iris(labels)
    # A topic's first definition in text order, and its aliases sorted.
    defs: Mapping[str, Any]
    if definitions is not None:
        defs = definitions
    else:
        defs = {}
        for t, d in kg.run_rows("viz-topic-definitions-all"):
            if t not in defs or str(d) < str(defs[t]):
                defs[t] = d
    info: dict[str, dict[str, Any]] = {t: {"label": labels[t] or t, "definition": defs.get(iri)} for iri, t in iris.items()}
    aliases: dict[str, list[str]] = {t: [] for t in labels}
    for t, alias in kg.run_rows("viz-topic-aliases-all"):
        tid = iris.get(t)
        if tid is not None:
            aliases[tid].append(str(alias))
    for found in aliases.values():
        if len(found) > 1:
            found.sort()

    where: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def slot(t: str) -> dict[str, list[dict[str, Any]]]:
        tid = ids[t]
        w = where.get(tid)
        if w is None:
            w = where[tid] = {"lectures": [], "chapters": [], "readings": []}
        return w

    # Lectures: covers, lectures and courses joined here, as kg.viz.build.places does.
    rows = [r[:1] + r[2:] for r in (lecture_places(kg) if lectures is None else lectures)]
    if rows:
        if all(type(r[4]) is int for r in rows):  # (what null_first orders as the numbers they are)
            rows.sort(key=itemgetter(1, 4))
        else:
            rows.sort(key=lambda r: (r[1], null_first(r[4])))
        for t, course, code, term, pos, num, date, title in rows:
            tid = ids[t]
            w = where.get(tid)
            if w is None:  # (slot, inlined: ten thousand rows)
                w = where[tid] = {"lectures": [], "chapters": [], "readings": []}
            w["lectures"].append(
                {"course": ids[course], "code": code, "term": term, "position": pos, "number": num, "date": date, "title": title}
            )
    chapters = kg.run_rows("viz-places-chapters-all")
    chapters.sort(key=lambda r: (null_first(r[1]), null_first(r[2])))
    for t, btitle, n, title in chapters:
        slot(t)["chapters"].append({"book": btitle, "number": n, "title": title})
    readings = kg.run_rows("viz-places-readings-all")
    readings.sort(key=lambda r: (null_first(r[3]), null_first(r[1])))
    for t, title, kind, optional in readings:
        slot(t)["readings"].append({"title": title, "kind": kind, "optional": bool(int(optional))})
    return info, where, aliases
