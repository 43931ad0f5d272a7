"""The learner's app data: one compact JSON document with everything the app shows.

:func:`app_data` reads the graph once and returns a plain dict (see the module
``kg.learner`` for the format). The prerequisite edges, the course ranks that order a
plan and each topic's effort come from :mod:`kg.plan` itself, so the plan the browser
computes follows whatever the library's :func:`kg.plan.plan` does.

Topics are listed in the order ``kg path`` breaks ties in (label, case-folded, then id),
so a topic's index is its tie-break key; every other reference to a topic is its index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import networkx as nx

from kg import __version__
from kg import vocab as V
from kg.graph import KnowledgeGraph
from kg.places import PATH_LIMITS, SHOW_LIMITS, rank_places
from kg.plan import course_ranks, prerequisite_graph, topic_effort

__all__ = ["FORMAT", "app_data", "areas", "map_layout"]

FORMAT = "kg-app-data"
"""The ``format`` field of the document; ``version`` changes when a field does."""

ORDERING = "foundations-first"
"""How :func:`kg.plan.plan` orders the topics that could come next, which the app's copy
of the algorithm follows: ``"foundations-first"`` (what :mod:`kg.plan` does: see
:func:`kg.algorithms.paths.foundations_first_ranks`, then the topics more of the plan
builds on first) or ``"just-in-time"`` (:func:`kg.algorithms.paths.effective_ranks`).
The agreement tests (tests/test_learner_plan.py) fail if this and kg.plan part ways."""


def _id(iri: str) -> str:
    return V.local_id(iri)


def map_layout(G: nx.DiGraph[str], area: Mapping[str, str | None]) -> dict[str, tuple[int, int]]:
    """``{topic: (column, row)}`` for the whole map: columns are prerequisite depth
    (a topic sits right of everything it requires), rows group topics by area in bands.

    Within a band and column, topics follow the mean row of their prerequisites, so
    chains stay roughly level.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    >>> pos = map_layout(G, {"a": "m", "b": "m", "c": "m", "x": "n"})
    >>> pos["a"][0] < pos["b"][0] < pos["c"][0]
    True
    """
    depth: dict[str, int] = {}
    C = nx.condensation(G)
    mapping = C.graph["mapping"]
    level: dict[int, int] = {}
    for c in nx.topological_sort(C):
        level[c] = max((level[p] + 1 for p in C.predecessors(c)), default=0)
    for n in G:
        depth[n] = level[mapping[n]]
    by_area: dict[str, list[str]] = defaultdict(list)
    for n in G:
        by_area[str(area.get(n) or "")].append(n)
    pos: dict[str, tuple[int, int]] = {}
    top = 0
    for a in sorted(by_area):
        members = by_area[a]
        cols: dict[int, list[str]] = defaultdict(list)
        for n in sorted(members, key=lambda n: (depth[n], n)):
            cols[depth[n]].append(n)
        height = 0
        for col in sorted(cols):
            row_of: dict[str, float] = {}
            for n in cols[col]:
                above = [pos[p][1] - top for p in G.predecessors(n) if p in pos and pos[p][1] >= top]
                row_of[n] = sum(above) / len(above) if above else 0.0
            taken: set[int] = set()
            for n in sorted(cols[col], key=lambda n: (row_of[n], n)):
                r = max(0, round(row_of[n]))
                while r in taken:
                    r += 1
                taken.add(r)
                pos[n] = (col, top + r)
            height = max(height, max(taken) + 1)
        top += height + 1
    return pos


def areas(broader: Mapping[str, str | None], most: int = 12) -> dict[str, str]:
    """``{topic: area}``: each topic's area is its nearest ``broader`` ancestor (or
    itself) among a set of area topics. The set starts as the top topics and the largest
    area is split into its bigger parts until there are ``most`` areas and none holds
    more than a quarter of the topics (or ``2 * most`` areas), so that a map coloured by
    area shows the graph's regions, not one colour.

    Examples
    --------
    >>> b = {"ml": None, "dl": "ml", "cnn": "dl", "conv": "cnn", "pool": "cnn",
    ...      "rnn": "dl", "lstm": "rnn", "gru": "rnn", "svm": "ml"}
    >>> sorted(set(areas(b, most=3).values()))
    ['cnn', 'ml', 'rnn']
    """
    children: dict[str, list[str]] = defaultdict(list)
    for t, b in broader.items():
        if b is not None and b in broader and b != t:
            children[b].append(t)
    size: dict[str, int] = {}

    def subtree(t: str, seen: frozenset[str] = frozenset()) -> int:
        if t not in size:
            size[t] = 1 + sum(subtree(c, seen | {t}) for c in children[t] if c not in seen)
        return size[t]

    chosen = {t for t, b in broader.items() if b is None or b not in broader or b == t}

    def assign() -> dict[str, str]:
        out: dict[str, str] = {}
        for t in broader:
            a, seen = t, {t}
            while a not in chosen:
                nxt = broader.get(a)
                if nxt is None or nxt in seen:
                    break
                seen.add(nxt)
                a = nxt
            out[t] = a
        return out

    out = assign()
    while len(chosen) < 2 * most:
        members: dict[str, int] = defaultdict(int)
        for a in out.values():
            members[a] += 1
        if len(chosen) >= most and max(members.values(), default=0) <= len(broader) / 4:
            break
        split = None
        for a in sorted(chosen, key=lambda a: (-members[a], a)):
            parts = [c for c in children[a] if c not in chosen and subtree(c) >= 3]
            if parts:
                split = parts
                break
        if split is None:
            break
        chosen.update(split)
        out = assign()
    # Parts too small to read as a region go back to the area around them.
    members = defaultdict(int)
    for a in out.values():
        members[a] += 1
    small = {a for a in chosen if members[a] < max(3, len(broader) // 40) and broader.get(a) in broader}
    if small:
        chosen -= small
        out = assign()
    return out


def app_data(kg: KnowledgeGraph) -> dict[str, Any]:
    """Everything the learner's app needs, as a JSON-ready dict.

    Keys: ``format``, ``version``, ``kg`` (kg's version), ``topics`` (each with ``id``,
    ``label`` and, where there is one, ``aliases``, ``definition``, ``broader`` and
    ``area`` (topic indices), ``requires`` (``[[index, reason], ...]``), ``rank`` (where
    the courses teach it, for ordering), ``effort`` (lectures' worth), ``taught``
    (``[[course, lecture], ...]`` indices, every lecture that covers it, most useful
    first by :func:`kg.places.rank_places`), ``chapters``, ``readings`` and ``xy`` (its
    place on the map)); ``limits``: how many places of each kind the app lists before
    "… and N more" (``topic``: a topic's page, :data:`kg.places.SHOW_LIMITS`;
    ``step``: a step of a plan, :data:`kg.places.PATH_LIMITS`); ``courses`` (each with ``id``, ``name``, ``code``, ``term``,
    ``url`` where given and ``lectures``: ``position``, ``number`` (the page's own),
    ``date``, ``title``, ``covers`` and ``reads``); ``books`` (``title``, ``url``,
    ``chapters``); ``readings`` (``title``, ``kind``, ``year``, ``url``).
    """
    rows = kg.run("app-topics")
    labels: dict[str, str] = {}
    info: dict[str, dict[str, Any]] = {}
    for r in rows:
        tid = _id(r["t"])
        entry = info.setdefault(tid, {"label": None, "definition": None, "broader": None})
        entry["label"] = entry["label"] or r["label"]
        entry["definition"] = entry["definition"] or r["def"]
        entry["broader"] = entry["broader"] or (r["broader"] and _id(r["broader"]))
    for tid, entry in info.items():
        labels[tid] = str(entry["label"] or tid)
    G = prerequisite_graph(kg)
    for tid in info:
        G.add_node(tid)
    for tid in G:
        labels.setdefault(tid, tid)
        info.setdefault(tid, {"label": tid, "definition": None, "broader": None})
    # The order kg path breaks ties in: label (case-folded), then id.
    order = sorted(G, key=lambda t: (labels[t].casefold(), t))
    index = {t: i for i, t in enumerate(order)}
    aliases: dict[str, list[str]] = defaultdict(list)
    for r in kg.run("app-aliases"):
        aliases[_id(r["t"])].append(str(r["alias"]))
    ranks = course_ranks(kg)
    effort = topic_effort(kg)

    area = areas({t: info[t].get("broader") for t in order})
    xy = map_layout(G, area)

    topics: list[dict[str, Any]] = []
    for t in order:
        rec: dict[str, Any] = {"id": t, "label": labels[t]}
        if aliases.get(t):
            rec["aliases"] = aliases[t]
        if info[t].get("definition"):
            rec["definition"] = info[t]["definition"]
        b = info[t].get("broader")
        if b in index:
            rec["broader"] = index[b]
        rec["area"] = index[area[t]]
        reqs = sorted(G.predecessors(t), key=index.__getitem__)
        if reqs:
            rec["requires"] = [[index[p], G.edges[p, t].get("reason")] for p in reqs]
        if t in ranks:
            rec["rank"] = ranks[t]
        if t in effort:
            rec["effort"] = round(effort[t], 2)
        rec["xy"] = list(xy[t])
        topics.append(rec)

    covers: dict[str, list[int]] = defaultdict(list)
    for r in kg.run("app-covers"):
        tid = _id(r["t"])
        if tid in index:
            covers[r["x"]].append(index[tid])

    def cover_list(iri: str) -> list[int]:
        return sorted(set(covers.get(iri, [])))

    readings: list[dict[str, Any]] = []
    item_ref: dict[str, list[Any]] = {}
    for r in kg.run("app-readings"):
        rec = {"id": _id(r["rd"]), "title": r["title"] or _id(r["rd"])}
        for k in ("kind", "year", "url"):
            if r[k]:
                rec[k] = str(r[k])
        item_ref[r["rd"]] = ["r", len(readings)]
        for ti in cover_list(r["rd"]):
            topics[ti].setdefault("readings", []).append(len(readings))
        readings.append(rec)

    books: list[dict[str, Any]] = []
    book_index: dict[str, int] = {}
    for r in kg.run("app-chapters"):
        if r["book"] not in book_index:
            book_index[r["book"]] = len(books)
            brec: dict[str, Any] = {"id": _id(r["book"]), "title": r["btitle"] or _id(r["book"]), "chapters": []}
            if r["burl"]:
                brec["url"] = r["burl"]
            books.append(brec)
        bi = book_index[r["book"]]
        chapters = books[bi]["chapters"]
        item_ref[r["ch"]] = ["c", bi, len(chapters)]
        for ti in cover_list(r["ch"]):
            topics[ti].setdefault("chapters", []).append([bi, len(chapters)])
        chapters.append({"number": r["n"], "title": r["title"] or f"Chapter {r['n']}"})

    reads: dict[str, list[list[Any]]] = defaultdict(list)
    sections: dict[str, list[str]] = defaultdict(list)
    for r in kg.run("app-assignments"):
        ref = item_ref.get(r["item"])
        if ref is None:
            continue
        reads[r["lec"]].append([*ref, bool(r["opt"]), r["sections"]])
        if r["sections"] and r["sections"] not in sections[r["item"]]:
            sections[r["item"]].append(str(r["sections"]))
    for iri, ref in item_ref.items():
        if ref[0] == "c" and sections.get(iri):
            books[ref[1]]["chapters"][ref[2]]["sections"] = sorted(sections[iri])

    courses: list[dict[str, Any]] = []
    course_index: dict[str, int] = {}
    for r in kg.run("app-courses"):
        course_index[r["c"]] = len(courses)
        crec: dict[str, Any] = {"id": _id(r["c"]), "name": r["name"] or _id(r["c"]), "lectures": []}
        for k in ("code", "term", "url", "provider"):
            if r[k]:
                crec[k] = str(r[k])
        courses.append(crec)
    for r in kg.run("app-lectures"):
        ci = course_index.get(r["c"])
        if ci is None:
            continue
        lectures = courses[ci]["lectures"]
        lrec: dict[str, Any] = {"position": r["pos"], "title": r["title"] or f"Lecture {r['pos']}"}
        if r["num"] is not None:
            lrec["number"] = str(r["num"])
        if r["date"]:
            lrec["date"] = str(r["date"])
        cov = cover_list(r["lec"])
        if cov:
            lrec["covers"] = cov
        if reads.get(r["lec"]):
            lrec["reads"] = reads[r["lec"]]
        for ti in cov:
            topics[ti].setdefault("taught", []).append([ci, len(lectures)])
        lectures.append(lrec)
    # Each topic's lectures, most useful first: the order `kg show` lists them in.
    for rec in topics:
        if len(rec.get("taught", ())) > 1:
            places = [
                {"course": courses[ci]["id"], "term": courses[ci].get("term"), "ref": [ci, li],
                 **courses[ci]["lectures"][li]}
                for ci, li in rec["taught"]
            ]
            names = [rec["label"], rec["id"], *rec.get("aliases", [])]
            rec["taught"] = [p["ref"] for p in rank_places(places, names)]

    return {
        "format": FORMAT,
        "version": 1,
        "kg": __version__,
        "ordering": ORDERING,
        "limits": {"topic": dict(SHOW_LIMITS), "step": dict(PATH_LIMITS)},
        "topics": topics,
        "courses": courses,
        "books": books,
        "readings": readings,
    }
