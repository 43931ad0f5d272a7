"""Learning plans from the RDF graph: project the prerequisite DAG, order it like the
courses do, and say for every step why it is there and where it is taught.

The DiGraph is projected from ``kg:requires`` triples in the store (so triples a user
adds count), and only the part a question needs is fetched: a property path from the
asked-about topics back through ``kg:requires*``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import networkx as nx
import pyoxigraph as ox

from kg import vocab as V
from kg.algorithms import paths
from kg.algorithms.curriculum import relative_position
from kg.backends import Row
from kg.build.planindex import CHAPTER, EVENT, READING
from kg.errors import CycleError, NotFound, UsageError
from kg.graph import KnowledgeGraph

if TYPE_CHECKING:  # types only: kg path need not build the records
    from kg.build.planindex import PlanIndex
    from kg.records import (
        NeededFor, NextTopics, Order, Plan, PlanHead, PlanStep, PlanSummary, Prereqs, WhereTaught,
    )

__all__ = [
    "prerequisite_graph",
    "add_reasons",
    "add_labels",
    "add_part_reasons",
    "course_ranks",
    "topic_effort",
    "plan",
    "plan_stream",
    "prereqs",
    "needed_for",
    "next_topics",
    "order",
]


# (down, areas require their parts) -> the query walking the closure from one topic.
_CLOSURE_QUERIES: dict[tuple[bool, bool], str] = {
    (False, False): "prerequisite-closure-nodes",
    (True, False): "dependent-closure-nodes",
    (False, True): "prerequisite-parts-closure-nodes",
    (True, True): "dependent-parts-closure-nodes",
}


def prerequisite_graph(
    kg: KnowledgeGraph, start: Iterable[str] | None = None, *, down: bool = False, umbrellas: str = "parts",
    with_reasons: bool = True, with_labels: bool = True,
) -> nx.DiGraph[str]:
    """The ``kg:requires`` graph as a DiGraph (edge ``prerequisite -> topic``).

    With ``start``, only the topics reachable from those (through ``kg:requires*``, or
    the reverse with ``down=True``) and the edges among them are fetched. Nodes carry
    ``label``; edges carry ``reason`` (``None`` with ``with_reasons=False``: then
    :func:`add_reasons` fetches them for the edges a caller shows). With
    ``with_labels=False`` (and ``start``) nodes carry no label until :func:`add_labels`
    fetches them for the topics a caller shows.

    ``umbrellas`` says how ``skos:broader`` is read (see
    :data:`kg.algorithms.paths.UMBRELLA_READINGS`): ``"parts"`` (the default) makes every
    area require its parts (edges marked ``part=True``, see
    :func:`kg.algorithms.paths.with_parts`), so an area's prerequisites are its parts and
    knowing it means knowing them; ``"overview"`` ignores ``skos:broader``.
    """
    if umbrellas not in paths.UMBRELLA_READINGS:
        raise UsageError(f"unknown umbrella reading {umbrellas!r} (one of {', '.join(paths.UMBRELLA_READINGS)})")
    parts = umbrellas == "parts"
    # Rows as tuples of IRIs and values (tens of thousands of them for a large plan).
    part_rows: list[tuple[Any, ...]] = []
    labels: dict[str, str] = {}
    if start is None:
        node_rows = kg.run_rows("topic-nodes")
        edge_rows = kg.run_rows("requires-edges")
        reason_rows = kg.run_rows("edge-reasons") if with_reasons else []
        if parts:
            part_rows = kg.run_rows("topic-broader")
        with_labels = True
    else:
        # One walk per start topic, so that each property path starts from a constant
        # IRI (see prerequisite-closure-nodes.rq for why that matters); then the edges,
        # part links and labels of the nodes found, each one lookup per node (or, for
        # many nodes, one bulk query: see KnowledgeGraph.run_lookup). Reading broader as
        # "part of", the walk also goes from an area to its parts (or, down, from a part
        # to its area).
        walk = _CLOSURE_QUERIES[(down, parts)]
        found = dict.fromkeys(
            r[0] for t in dict.fromkeys(start) for r in kg.run_rows(walk, topic=ox.NamedNode(V.topic_iri(t)))
        )
        terms = [ox.NamedNode(iri) for iri in found]
        edge_rows = kg.run_lookup_rows("requires-edges-of", topics=terms) if terms else []
        if parts and terms:
            part_rows = kg.run_lookup_rows("broader-links-into", topics=terms)
        node_rows = [(iri, None) for iri in found]
        if with_labels and terms:
            labels = _labels(kg, terms)
        del terms
        tails = [ox.NamedNode(iri) for iri in dict.fromkeys(r[0] for r in edge_rows)]
        reason_rows = kg.run_lookup_rows("edge-reasons-of", topics=tails) if tails and with_reasons else []
    reasons = {(a, b): reason for a, b, reason in reason_rows}
    del reason_rows
    # Rows are sorted here because an engine's row order is its own (Oxigraph's and
    # Virtuoso's differ), and the graph's insertion order shows in every listing.
    # ids: one str per IRI (local_id makes a new one each call).
    ids = _LocalIds()
    G: nx.DiGraph[str] = nx.DiGraph()
    node_rows.sort(key=lambda r: (r[0], r[1] or ""))
    for iri, node_label in node_rows:
        tid = ids[iri]
        label = node_label or labels.get(tid)
        if with_labels:
            G.add_node(tid, label=label or tid)
        else:
            G.add_node(tid)
    del node_rows
    edge_rows.sort()
    for ra, rb in edge_rows:
        a, b = ids[ra], ids[rb]
        for n in (a, b):
            if n not in G:
                G.add_node(n, label=n)
        G.add_edge(b, a, reason=reasons.get((ra, rb)))
    del edge_rows, reasons
    if not parts:
        return G
    pairs = list(dict.fromkeys((ids[p], ids[u]) for p, u in part_rows))
    # with_parts copies the graph; with no part links there is nothing to add.
    H = paths.with_parts(G, pairs) if pairs else G
    if not with_labels:
        return H
    add_labels(kg, H, [n for n in H if "label" not in H.nodes[n]])
    _part_reasons(H, H.edges)
    return H


class _LocalIds(dict[str, str]):
    # IRI -> its local id, made once per IRI.
    def __missing__(self, iri: str) -> str:
        tid = self[iri] = V.local_id(iri)
        return tid


def add_labels(kg: KnowledgeGraph, G: nx.DiGraph[str], topics: Iterable[str]) -> None:
    """Set the ``label`` of each of ``topics`` that has none yet (its id when the graph
    gives it no ``skos:prefLabel``), from one lookup per topic."""
    todo = [t for t in dict.fromkeys(topics) if t in G and "label" not in G.nodes[t]]
    labels = _labels(kg, [ox.NamedNode(V.topic_iri(t)) for t in todo]) if todo else {}
    for t in todo:
        G.nodes[t]["label"] = labels.get(t, t)


def _labels(kg: KnowledgeGraph, nodes: list[ox.NamedNode]) -> dict[str, str]:
    # The last of a topic's labels in sorted order, as the graph's node rows read them.
    rows = sorted(kg.run_each("topic-labels", topics=nodes), key=lambda r: (r["t"], r["label"]))
    return {V.local_id(r["t"]): r["label"] for r in rows}


def _part_reasons(G: nx.DiGraph[str], edges: Iterable[tuple[str, str]]) -> None:
    for p, u in edges:
        d = G.edges[p, u]
        if d.get("part"):
            d.setdefault("reason", f"{_label(G, p)} is part of {_label(G, u)}: knowing it means knowing its parts.")


def add_part_reasons(G: nx.DiGraph[str], edges: Iterable[tuple[str, str]]) -> None:
    """Give each area-from-part edge of ``edges`` (marked ``part``, see
    :func:`kg.algorithms.paths.with_parts`) that has no ``reason`` yet the one every view
    shows for it."""
    _part_reasons(G, edges)


def add_reasons(kg: KnowledgeGraph, G: nx.DiGraph[str], topics: Iterable[str]) -> None:
    """Set the ``reason`` of every edge into ``topics`` (the edges a plan shows), from
    one inner join over those topics' ``kg:Prerequisite`` nodes; an area's edges from its
    parts say so (labelled as the graph's nodes are)."""
    heads = [t for t in dict.fromkeys(topics) if t in G]
    tails = [ox.NamedNode(V.topic_iri(t)) for t in heads]
    ids = _LocalIds()
    adj = G.adj
    for ra, rb, reason in kg.run_lookup_rows("edge-reasons-of", topics=tails) if tails else []:
        a, b = ids[ra], ids[rb]
        out = adj.get(b)
        if out is not None and a in out:
            out[a]["reason"] = reason
    pred = G.pred
    _part_reasons(G, ((p, u) for u in heads for p, d in pred[u].items() if d.get("part")))


def _lecture_cover_rows(kg: KnowledgeGraph, topics: Iterable[str] | None) -> list[Row]:
    """Lectures covering ``topics`` (every topic with ``None``): ``t``, ``c``, ``lec``,
    ``pos``, the course's lecture count ``n`` and the lecture's topic count ``k``."""
    if topics is None:
        return kg.run("lecture-covers-all")
    rows = kg.run_each("lecture-covers-of", topics=[ox.NamedNode(V.topic_iri(t)) for t in topics])
    if not rows:
        return []
    # The counts for the courses and lectures found only (not for every lecture).
    courses = [ox.NamedNode(c) for c in dict.fromkeys(r["c"] for r in rows)]
    lectures = [ox.NamedNode(lec) for lec in dict.fromkeys(r["lec"] for r in rows)]
    n = {r["c"]: r["n"] for r in kg.run_each("course-lecture-counts", courses=courses)}
    k = {r["lec"]: r["k"] for r in kg.run_lookup("lecture-cover-counts", lectures=lectures)}
    return [{**r, "n": n[r["c"]], "k": k[r["lec"]]} for r in rows]


#: A lecture covering a topic, as ranks and effort read it: (topic id, course IRI,
#: the lecture's position, the course's lecture count, the lecture's topic count).
_Cover = tuple[str, str, int, int, int]

#: A lecture-places-of row: (topic IRI, lecture IRI, course IRI, position, number, date,
#: title).
_Place = tuple[str, str, str, int, "str | None", "str | None", str]


def _covers_of(rows: Iterable[Row]) -> list[_Cover]:
    ids = _LocalIds()
    return [(ids[r["t"]], r["c"], int(r["pos"]), int(r["n"]), int(r["k"])) for r in rows]


def _lecture_place_rows(
    kg: KnowledgeGraph, topics: Iterable[str]
) -> tuple[list[_Cover], list[_Place], dict[str, list[tuple[Any, Any]]]] | None:
    """Lectures covering ``topics``, fetched once for both the plan's order and its
    listing: the covers ranks and effort read, the lecture-places-of rows (sorted as
    where-taught-lectures sorts: course, then position) and each course's codes and
    terms (where-taught-lectures gives a lecture one row per code and term its course
    has). For a short plan the lookups, not the rows, are the cost. ``None`` if a
    lecture's position is not an integer: then they are fetched apart.
    """
    rows: list[_Place] = kg.run_lookup_rows("lecture-places-of", topics=[ox.NamedNode(V.topic_iri(t)) for t in topics])
    if not rows:
        return [], [], {}
    if not all(type(r[3]) is int for r in rows):
        return None
    courses = [ox.NamedNode(c) for c in dict.fromkeys(r[2] for r in rows)]
    lectures = [ox.NamedNode(lec) for lec in dict.fromkeys(r[1] for r in rows)]
    facts: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    n: dict[str, int] = {}
    for c, code, term, count in kg.run_lookup_rows("course-facts", courses=courses):
        facts[c].append((code, term))
        n.setdefault(c, count)
    del courses
    k = dict(kg.run_lookup_rows("lecture-cover-counts", lectures=lectures))
    del lectures
    rows.sort(key=lambda r: (r[2], r[3]))
    ids = _LocalIds()
    covers = [(ids[t], c, pos, n[c], k[lec]) for t, lec, c, pos, *_ in rows]
    return covers, rows, facts


def course_ranks(
    kg: KnowledgeGraph, topics: Iterable[str] | None = None, *, rows: list[Row] | None = None
) -> dict[str, float]:
    """Where the courses put each topic: the mean, over courses that teach it, of the
    relative position (0 = first lecture, 1 = last) of the first lecture covering it.
    ``rows`` reuses lecture rows already fetched for ``topics``."""
    return _ranks(_covers_of(rows if rows is not None else _lecture_cover_rows(kg, topics)))


def _ranks(covers: Iterable[_Cover]) -> dict[str, float]:
    first: dict[tuple[str, str], float] = {}
    for t, c, pos, n, _k in covers:
        rel = relative_position(pos, n)
        key = (t, c)
        first[key] = min(first.get(key, 1.0), rel)
    per_topic: dict[str, list[float]] = defaultdict(list)
    for (t, _c), v in first.items():
        per_topic[t].append(v)
    return {t: math.fsum(v) / len(v) for t, v in per_topic.items()}  # statistics.fmean


def topic_effort(
    kg: KnowledgeGraph, topics: Iterable[str] | None = None, *, rows: list[Row] | None = None
) -> dict[str, float]:
    """Lectures' worth each topic takes: in each course, every lecture's time is split
    evenly among the topics it covers; a topic's effort is the median over the courses
    that teach it. ``rows`` reuses lecture rows already fetched for ``topics``."""
    return _effort(_covers_of(rows if rows is not None else _lecture_cover_rows(kg, topics)))


def _effort(covers: Iterable[_Cover]) -> dict[str, float]:
    per: dict[tuple[str, str], list[float]] = defaultdict(list)
    for t, c, _pos, _n, k in covers:
        per[(t, c)].append(1.0 / k)
    by_topic: dict[str, list[float]] = defaultdict(list)
    for (t, _c), shares in per.items():
        # fsum: the exact sum rounded once, whatever order the engine gave the rows in.
        by_topic[t].append(math.fsum(shares))
    return {t: _median(v) for t, v in by_topic.items()}


def _median(values: list[float]) -> float:
    # statistics.median, without importing statistics (and fractions, decimal) for it.
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _key(G: nx.DiGraph[str], nodes: Iterable[str], ranks: dict[str, float]) -> Callable[[str], tuple[float, int, str, str]]:
    # Foundations first, as a course orders them: a topic no lecture teaches comes as soon
    # as its prerequisites are done, nothing is placed before what it builds on, and among
    # equals the topic more of the rest builds on comes first.
    nodes = set(nodes)
    eff = paths.foundations_first_ranks(G, nodes, ranks)
    uses = paths.dependent_counts(G, nodes)
    return lambda n: (eff.get(n, float("inf")), -uses.get(n, 0), str(G.nodes[n].get("label", n)).casefold(), n)


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, nx.NetworkXUnfeasible):
        cyc = str(exc).removeprefix("prerequisite cycle: ").split(" -> ")
        return CycleError(cyc[:-1])
    return exc


def plan(
    kg: KnowledgeGraph, from_: str | None, to: str, known: Iterable[str] = (), *, umbrellas: str = "parts"
) -> Plan:
    """The plan to reach ``to`` for a learner who knows ``from_`` (and ``known``).

    Returns a dict following the ``kg path --format json`` contract: ``from``, ``to``,
    ``known``, ``note``, ``summary`` and ``steps`` (each with ``id``, ``label``,
    ``definition``, ``needed_for`` with reasons, ``effort`` and where it is taught:
    ``lectures``, ``chapters``, ``readings``). :func:`plan_stream` gives the same plan
    a step at a time.
    """
    head, steps = plan_stream(kg, from_, to, known, umbrellas=umbrellas)
    return {
        "from": head["from"], "to": head["to"], "known": head["known"], "note": head["note"],
        "summary": head["summary"], "steps": list(steps),
    }


def plan_stream(
    kg: KnowledgeGraph, from_: str | None, to: str, known: Iterable[str] = (), *, umbrellas: str = "parts",
    definitions: bool = True, index: bool = True,
) -> tuple[PlanHead, Iterator[PlanStep]]:
    """:func:`plan` as its head (``from``, ``to``, ``known``, ``note``, ``summary``) and
    an iterator of its steps, each made when it is asked for and kept by nothing else:
    a view that prints each step as it comes never holds the whole plan (tens of
    thousands of steps on a large graph). Every query runs before this returns.

    With ``definitions=False`` the definitions are not fetched and every step's
    ``definition`` is ``None`` (for a view that does not show them).

    On a local store the graph, labels, reasons and lectures come from the plan index
    its build wrote (:mod:`kg.build.planindex`), without SPARQL; ``index=False`` (or a
    store without one, or an endpoint) reads them all through SPARQL. Both give the
    same plan.
    """
    to_id = kg.resolve_topic(to)
    from_id = kg.resolve_topic(from_) if from_ is not None else None
    known_ids = [kg.resolve_topic(k) for k in known]
    if from_id == to_id:
        raise UsageError(f"FROM and TO are the same topic ({to_id!r}): nothing to plan")
    starts = list(dict.fromkeys([to_id, *([from_id] if from_id else []), *known_ids]))
    index_ = kg.plan_index if index else None
    ix = _Indexed(index_) if index_ is not None else None
    if ix is not None:
        G = ix.graph(starts, umbrellas=umbrellas)
    else:
        G = prerequisite_graph(kg, starts, umbrellas=umbrellas, with_reasons=False, with_labels=False)
    for t in starts:
        G.add_node(t)
    base = [from_id] if from_id else []
    need = (nx.ancestors(G, to_id) | {to_id})
    # Labels (and below, reasons) for what the plan shows and orders by only: the walk
    # may reach many more topics (parts that build on their area).
    defs = _labels_and_definitions(kg, G, [*starts, *need], definitions=definitions, ix=ix)
    # Foundations-first ranks look at every topic TO needs (a known prerequisite's place
    # in the courses still bounds its dependents), so lectures are fetched for those;
    # reasons are fetched for the plan's steps only (add_reasons below).
    # One fetch for the order, the effort and (below) the steps' lectures.
    fetched = _lecture_place_rows(kg, need) if ix is None else ix.place_rows(need)
    covers = fetched[0] if fetched is not None else _covers_of(_lecture_cover_rows(kg, need))
    ranks = _ranks(covers)
    try:
        steps = paths.learning_plan(G, to_id, [*base, *known_ids], key=_key(G, need, ranks))
    except nx.NetworkXUnfeasible as exc:
        raise _translate(exc) from None
    del ranks
    note = None
    if from_id is not None and from_id not in nx.ancestors(G, to_id):
        note = (
            f"{_label(G, from_id)} is not a prerequisite of {_label(G, to_id)}; the plan "
            f"still counts it and what it requires as known"
        )
    if not steps:
        via = "it is already known" + (" (via --known)" if to_id in paths.known_closure(G, known_ids) else "")
        note = f"nothing to learn: {_label(G, to_id)} — {via}"
    step_of = {t: i for i, t in enumerate(steps, start=1)}
    label = {t: _label(G, t) for t in steps}
    # Each step's later steps that need it, with the edge's reason: all the steps keep
    # of the graph, which is emptied before the reasons and places are fetched (its
    # cached views refer back to it, a cycle only the cyclic collector frees, and kg's
    # command line runs without it).
    succ = G.succ
    needs: dict[str, dict[str, str | None]] = {}
    unset: set[tuple[str, str]] = set()  # edges whose data has no reason at all
    parts: list[tuple[str, str]] = []  # area-from-part edges
    for t in steps:
        out = succ[t]
        row = needs[t] = {}
        for d in sorted((d for d in out if d in step_of), key=step_of.__getitem__):
            data = out[d]
            row[d] = data.get("reason")
            if "reason" not in data:
                unset.add((t, d))
            if data.get("part"):
                parts.append((t, d))
    G.clear()
    if ix is not None:
        ix.step_reasons(steps, needs, unset)
        _part_step_reasons(needs, unset, parts, label)
    else:
        _step_reasons(kg, steps, needs, unset, parts, label)
    del unset, parts
    # Places of the steps something covers only (most of a large plan's are untaught).
    if fetched is not None and set(steps) <= need:
        others = None if ix is None else ix.others(steps)
        where = kg.places(steps, lectures=_taught_lectures(fetched[1], fetched[2], set(steps)), others=others)
    else:
        where = kg.places(steps)
    del fetched
    effort = _effort(covers)
    del covers
    untaught = [t for t in steps if t not in where or not (where[t]["lectures"] or where[t]["sessions"])]
    summary: PlanSummary = {
        "topics": len(steps),
        "lectures": round(sum(effort.get(t, 0.0) for t in steps), 1),
        "untaught": untaught,
        "courses": sorted({lec["course"] for w in where.values() for lec in w["lectures"]}),
    }
    head: PlanHead = {"from": from_id, "to": to_id, "known": known_ids, "note": note, "summary": summary}

    def nowhere() -> WhereTaught:
        return {"lectures": [], "sessions": [], "chapters": [], "readings": []}

    def each() -> Iterator[PlanStep]:
        # Each step's parts are taken out as the step is made, so what a printed step
        # held goes with it.
        for i, t in enumerate(steps, start=1):
            at = where.pop(t, None) or nowhere()
            e = effort.pop(t, None)
            yield {
                "step": i,
                "id": t,
                "label": label[t],
                "definition": defs.pop(t, None),
                "needed_for": [
                    {"id": d, "label": label[d], "step": step_of[d], "reason": reason}
                    for d, reason in needs.pop(t).items()
                ],
                "effort": round(e, 2) if e is not None else None,
                "lectures": at["lectures"],
                "sessions": at["sessions"],
                "chapters": at["chapters"],
                "readings": at["readings"],
            }

    return head, each()


def _step_reasons(
    kg: KnowledgeGraph, steps: list[str], needs: dict[str, dict[str, str | None]], unset: set[tuple[str, str]],
    parts: list[tuple[str, str]], label: dict[str, str],
) -> None:
    # add_reasons for the edges among a plan's steps, kept apart from the graph as
    # ``needs`` (step -> later step -> the edge's reason); ``unset``: the edges whose
    # data had no reason, ``parts``: the area-from-part edges.
    tails = [ox.NamedNode(V.topic_iri(t)) for t in steps]
    ids = _LocalIds()
    seen: set[tuple[str, str]] = set()
    for ra, rb, reason in kg.run_lookup_rows("edge-reasons-of", topics=tails) if tails else []:
        a, b = ids[ra], ids[rb]
        out = needs.get(b)
        if out is not None and a in out:
            # Several kg:Prerequisite nodes of one edge: the greatest reason, whatever
            # order the engine gives them in (as the plan index keeps it).
            if (b, a) in seen:
                old = out[a]
                if not (isinstance(reason, str) and isinstance(old, str) and reason > old):
                    continue
            seen.add((b, a))
            out[a] = reason
            unset.discard((b, a))
    del tails, ids, seen
    _part_step_reasons(needs, unset, parts, label)


def _part_step_reasons(
    needs: dict[str, dict[str, str | None]], unset: set[tuple[str, str]], parts: list[tuple[str, str]],
    label: dict[str, str],
) -> None:
    # The reason every view gives an area-from-part edge that has none of its own.
    for p, u in parts:
        if (p, u) in unset:
            needs[p][u] = f"{label[p]} is part of {label[u]}: knowing it means knowing its parts."


def _taught_lectures(
    places: list[_Place], facts: dict[str, list[tuple[Any, Any]]], taught: set[str]
) -> Iterator[Row]:
    # The where-taught-lectures rows of the topics ``taught``, made one at a time.
    ids = _LocalIds()
    for t, lec, course, pos, num, date, title in places:
        if ids[t] in taught:
            for code, term in facts[course]:
                yield {
                    "t": t, "lec": lec, "course": course, "code": code, "term": term,
                    "pos": pos, "num": num, "date": date, "title": title,
                }


class _Indexed:
    """A plan's reads of the plan index (:mod:`kg.build.planindex`), each giving what
    the SPARQL lookup it replaces gives. A topic id is looked up by its IRI
    (:func:`kg.vocab.topic_iri`), as those lookups send it."""

    def __init__(self, ix: PlanIndex) -> None:
        self.ix = ix
        self.node: dict[str, int] = {}  # topic id -> its node (of the topic's IRI)
        self.local: dict[int, str] = {}  # node -> its id (kg.vocab.local_id)

    def _id(self, i: int) -> str:
        tid = self.local.get(i)
        if tid is None:
            iri = self.ix.iri(i)
            tid = self.local[i] = V.local_id(iri)
            if V.topic_iri(tid) == iri:
                self.node[tid] = i
        return tid

    def graph(self, starts: list[str], *, umbrellas: str) -> nx.DiGraph[str]:
        """:func:`prerequisite_graph` of ``starts`` without reasons and labels."""
        if umbrellas not in paths.UMBRELLA_READINGS:
            raise UsageError(f"unknown umbrella reading {umbrellas!r} (one of {', '.join(paths.UMBRELLA_READINGS)})")
        parts = umbrellas == "parts"
        ix = self.ix
        begin: list[int] = []
        alone: list[tuple[str, str]] = []  # (IRI, id) of a start the index has no node of
        for t in dict.fromkeys(starts):
            iri = V.topic_iri(t)
            i = ix.find(iri)
            if i is None:
                alone.append((iri, V.local_id(iri)))
            else:
                begin.append(i)
        found = sorted(ix.closure(begin, parts=parts))
        # Nodes in the order of their IRIs, as the SPARQL rows are sorted (node numbers
        # follow that order; a start outside the index goes in its place).
        ordered = [(ix.iri(i), i) for i in found]
        if alone:
            ordered = sorted(ordered + [(iri, -1) for iri, _ in alone])
        G: nx.DiGraph[str] = nx.DiGraph()
        for iri, i in ordered:
            G.add_node(V.local_id(iri) if i < 0 else self._id(i))
        local = self.local
        for i in found:
            a = local[i]
            for j in ix.requires(i):
                G.add_edge(local[j], a, reason=None)
        if not parts:
            return G
        pairs = list(dict.fromkeys((local[p], local[u]) for u in found for p in ix.parts(u)))
        return paths.with_parts(G, pairs) if pairs else G

    def labels(self, topics: Iterable[str]) -> dict[str, str]:
        """The label of each of ``topics`` that has one, as :func:`_labels` gives it."""
        out: dict[str, str] = {}
        for t in topics:
            i = self.node.get(t)
            label = self.ix.label(i) if i is not None else None
            if label:
                out[t] = label
        return out

    def place_rows(self, topics: Iterable[str]) -> tuple[list[_Cover], list[_Place], dict[str, list[tuple[Any, Any]]]]:
        """:func:`_lecture_place_rows` of ``topics``."""
        rows: list[_Place] = []
        k: dict[str, int] = {}
        for t in topics:
            i = self.node.get(t)
            if i is None:
                continue
            iri = V.topic_iri(t)
            for lec, c, pos, num, date, title, count in self.ix.places(i):
                rows.append((iri, lec, c, pos, num, date, title))
                k[lec] = count
        if not rows:
            return [], [], {}
        facts: dict[str, list[tuple[Any, Any]]] = {}
        n: dict[str, int] = {}
        for c in dict.fromkeys(r[2] for r in rows):
            n[c], facts[c] = self.ix.course_facts(c)
        rows.sort(key=lambda r: (r[2], r[3]))
        ids = _LocalIds()
        covers = [(ids[t], c, pos, n[c], k[lec]) for t, lec, c, pos, *_ in rows]
        return covers, rows, facts

    def step_reasons(self, steps: list[str], needs: dict[str, dict[str, str | None]], unset: set[tuple[str, str]]) -> None:
        """The reasons :func:`_step_reasons` sets from the edge-reasons-of rows."""
        for a in steps:
            i = self.node.get(a)
            if i is None:
                continue
            for j, reason in self.ix.reasons(i):
                b = self._id(j)
                out = needs.get(b)
                if out is not None and a in out:
                    out[a] = reason
                    unset.discard((b, a))

    def others(self, steps: Iterable[str]) -> dict[str, list[str]]:
        """Those of ``steps`` a session, chapter or reading covers, for each of
        ``"sessions"``, ``"chapters"`` and ``"readings"``."""
        node, kinds = self.node, self.ix.kinds
        out: dict[str, list[str]] = {"sessions": [], "chapters": [], "readings": []}
        for t in steps:
            i = node.get(t)
            k = kinds(i) if i is not None else 0
            if k:
                for flag, name in ((EVENT, "sessions"), (CHAPTER, "chapters"), (READING, "readings")):
                    if k & flag:
                        out[name].append(t)
        return out


def _label(G: nx.DiGraph[str], t: str) -> str:
    return str(G.nodes[t].get("label", t)) if t in G else t


def _labels_and_definitions(
    kg: KnowledgeGraph, G: nx.DiGraph[str], topics: list[str], *, definitions: bool = True,
    ix: _Indexed | None = None,
) -> dict[str, str]:
    # add_labels and (unless not wanted) the topics' definitions, from one lookup per
    # topic (or, without definitions, from the plan index ``ix``).
    todo = list(dict.fromkeys(t for t in topics if t in G))
    if ix is not None and not definitions:
        found = ix.labels(todo)
        nodes = G.nodes
        for t in todo:
            if "label" not in nodes[t]:
                nodes[t]["label"] = found.get(t, t)
        return {}
    terms = [ox.NamedNode(V.topic_iri(t)) for t in todo]
    ids = _LocalIds()
    defs: dict[str, str] = {}
    rows: list[tuple[Any, ...]]
    if not todo:
        rows = []
    elif definitions:
        rows = kg.run_lookup_rows("topic-label-definitions", topics=terms)
        defs = {ids[t]: d for t, _label, d in rows if d is not None}
        rows = [(t, label) for t, label, _d in rows]
    else:
        rows = kg.run_lookup_rows("topic-labels", topics=terms)
    del terms
    rows.sort(key=lambda r: (r[0], r[1] or ""))
    labels = {ids[t]: label for t, label in rows if label}
    del rows
    nodes = G.nodes
    for t in todo:
        if "label" not in nodes[t]:
            nodes[t]["label"] = labels.get(t, t)
    return defs


def prereqs(kg: KnowledgeGraph, topic: str, depth: int | None = None, *, umbrellas: str = "parts") -> Prereqs:
    """What ``topic`` requires, to ``depth`` steps back, in a learning order (an area
    requires its parts)."""
    tid = kg.resolve_topic(topic)
    G = prerequisite_graph(kg, [tid], umbrellas=umbrellas)
    G.add_node(tid, label=G.nodes[tid].get("label", tid) if tid in G else tid)
    dist = paths.prerequisites(G, tid, depth)
    ranks = course_ranks(kg, dist)
    try:
        ordered = [t for t in paths.learning_order(G, [tid], key=_key(G, G.nodes, ranks)) if t in dist]
    except nx.NetworkXUnfeasible as exc:
        raise _translate(exc) from None
    return {
        "topic": tid,
        "label": _label(G, tid),
        "depth": depth,
        "prerequisites": [
            {
                "id": t,
                "label": _label(G, t),
                "distance": dist[t],
                "needed_for": [
                    {"id": d, "label": _label(G, d), "reason": G.edges[t, d].get("reason")}
                    for d in G.successors(t)
                    if d in dist or d == tid
                ],
            }
            for t in ordered
        ],
    }


def needed_for(kg: KnowledgeGraph, topic: str, depth: int | None = None, *, umbrellas: str = "parts") -> NeededFor:
    """What ``topic`` unlocks: every topic that (transitively) requires it, and the
    areas it is part of."""
    tid = kg.resolve_topic(topic)
    G = prerequisite_graph(kg, [tid], down=True, umbrellas=umbrellas)
    G.add_node(tid, label=G.nodes[tid].get("label", tid) if tid in G else tid)
    dist = paths.dependents(G, tid, depth)
    rows = sorted(dist.items(), key=lambda x: (x[1], _label(G, x[0]).casefold()))
    return {
        "topic": tid,
        "label": _label(G, tid),
        "depth": depth,
        "dependents": [
            {
                "id": t,
                "label": _label(G, t),
                "distance": d,
                "via": [
                    {"id": p, "label": _label(G, p), "reason": G.edges[p, t].get("reason")}
                    for p in G.predecessors(t)
                    if p in dist or p == tid
                ],
            }
            for t, d in rows
        ],
    }


def next_topics(
    kg: KnowledgeGraph, known: Iterable[str], limit: int | None = None, *, umbrellas: str = "parts"
) -> NextTopics:
    """Topics learnable now (all prerequisites known), ranked by what they unlock."""
    known_ids = [kg.resolve_topic(k) for k in known]
    # Every topic is a node (topic-nodes), labelled; reasons are not shown.
    G = prerequisite_graph(kg, umbrellas=umbrellas, with_reasons=False)
    ranked = paths.learnable_next(G, known_ids)
    if limit is not None:
        ranked = ranked[:limit]
    return {
        "known": known_ids,
        "next": [{"id": t, "label": _label(G, t), "unlocks": n} for t, n in ranked],
    }


def order(
    kg: KnowledgeGraph, topics: Iterable[str] = (), course: str | None = None, known: Iterable[str] = (),
    *, umbrellas: str = "parts",
) -> Order:
    """A full learning order: of every topic, of some topics and what they require, or
    of everything one course covers (with the prerequisites it relies on). Topics in
    the :func:`~kg.algorithms.paths.known_closure` of ``known`` are left out."""
    topics = list(topics)
    if course is not None and topics:
        raise UsageError("give either --course or topics, not both")
    labels = {r["id"]: r["label"] for r in kg.topics()}
    if course is not None:
        cid = kg.resolve_course(course)
        topic_ids = [t["id"] for t in kg.topics(cid)]
        if not topic_ids:
            raise NotFound("topics for course", cid)
    else:
        topic_ids = [kg.resolve_topic(t) for t in topics]
    G = prerequisite_graph(kg, umbrellas=umbrellas)
    for t in labels:
        G.add_node(t, label=labels[t])
    ranks = course_ranks(kg)
    try:
        seq = paths.learning_order(G, topic_ids or None, key=_key(G, G.nodes, ranks))
    except nx.NetworkXUnfeasible as exc:
        raise _translate(exc) from None
    known_ids = [kg.resolve_topic(k) for k in known]
    if known_ids:
        have = paths.known_closure(G, known_ids)
        seq = [t for t in seq if t not in have]
    chosen = set(topic_ids)
    return {
        "course": course and kg.resolve_course(course),
        "topics": topic_ids,
        "known": known_ids,
        "order": [
            {"step": i, "id": t, "label": labels.get(t, t), "requested": (t in chosen) if chosen else True}
            for i, t in enumerate(seq, start=1)
        ],
    }
