"""Curriculum algorithms: pure functions over courses and prerequisite graphs.

Written like :mod:`kg.algorithms.paths`: no I/O, no RDF. A *course* here is a sequence
of lectures in teaching order, each an iterable of the topic ids it covers (position =
index + 1). A *prerequisite graph* has edges ``prerequisite -> topic`` (learn ``u``
before ``v``), as :func:`kg.plan.prerequisite_graph` builds it, optionally with a
``reason`` on each edge. A *broader* mapping gives each topic's ``skos:broader`` parent.

Positions are those of the *first* lecture covering a topic: where a course introduces
it. Relative positions map a course's first lecture to 0 and its last to 1, so courses of
different lengths compare. The build (:mod:`kg.build.rdf`) stores the same
:func:`teaching_order` on every ``kg:Prerequisite``; :mod:`kg.analytics` runs these
functions over a :class:`~kg.graph.KnowledgeGraph`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, groupby
from typing import TYPE_CHECKING, Any

from kg.vocab import ORDERINGS

if TYPE_CHECKING:
    import networkx as nx

    from kg.records import CourseChange, CourseOrder, ImpliedEdge, MovedTopic, OrderComparison, OrderEvidence

# The build imports this module for first_positions and teaching_order; the functions
# over a prerequisite graph import networkx themselves, so a build does not pay for it.

__all__ = [
    "Lectures",
    "Finding",
    "ISSUE_KINDS",
    "NOTE_KINDS",
    "first_positions",
    "teaching_order",
    "relative_position",
    "relative_positions",
    "lecture_counts",
    "kendall_tau_b",
    "background",
    "is_narrower",
    "check_order",
    "compare_orders",
    "course_diff",
    "coverage_matrix",
    "order_evidence",
    "implied_edges",
]

Lectures = Sequence[Iterable[str]]

#: Finding kinds that make a syllabus fail ``kg check --strict``.
ISSUE_KINDS = ("taught-later", "not-taught")
#: Finding kinds reported for information only.
NOTE_KINDS = ("overview", "same-lecture", "background-part")


# =========================================================================== pure


def first_positions(lectures: Iterable[Iterable[str]]) -> dict[str, int]:
    """The position (1-based) of the first lecture covering each topic.

    >>> first_positions([["a"], ["b", "a"], [], ["c"]])
    {'a': 1, 'b': 2, 'c': 4}
    """
    first: dict[str, int] = {}
    for pos, covers in enumerate(lectures, start=1):
        for t in covers:
            first.setdefault(t, pos)
    return first


def teaching_order(prerequisite_at: int | None, topic_at: int | None) -> str | None:
    """How a course orders a prerequisite and its topic, from the positions of the first
    lecture on each (``None``: the course does not cover it): one of ``kg.vocab.ORDERINGS``,
    or ``None`` when the course covers neither.

    >>> teaching_order(2, 5), teaching_order(5, 5), teaching_order(7, 5)
    ('before', 'together', 'after')
    >>> teaching_order(3, None), teaching_order(None, 3), teaching_order(None, None)
    ('prerequisite-only', 'topic-only', None)
    """
    if prerequisite_at is None:
        return None if topic_at is None else "topic-only"
    if topic_at is None:
        return "prerequisite-only"
    if prerequisite_at < topic_at:
        return "before"
    return "together" if prerequisite_at == topic_at else "after"


def relative_position(position: int, lectures: int) -> float:
    """Where lecture ``position`` (1-based) sits in a course of ``lectures`` lectures:
    0 for the first, 1 for the last; 0 in a one-lecture course.

    Examples
    --------
    >>> relative_position(1, 5), relative_position(3, 5), relative_position(5, 5)
    (0.0, 0.5, 1.0)
    >>> relative_position(1, 1)
    0.0
    """
    return (position - 1) / (lectures - 1) if lectures > 1 else 0.0


def relative_positions(lectures: Lectures) -> dict[str, float]:
    """Where each topic is first covered, scaled so the first lecture is 0 and the last 1.

    A one-lecture course puts everything at 0.

    Examples
    --------
    >>> relative_positions([["a"], ["b"], ["c", "a"]])
    {'a': 0.0, 'b': 0.5, 'c': 1.0}
    >>> relative_positions([["a", "b"]])
    {'a': 0.0, 'b': 0.0}
    >>> relative_positions([])
    {}

    See Also
    --------
    first_positions
    """
    lectures = list(lectures)
    n = len(lectures)
    return {t: relative_position(p, n) for t, p in first_positions(lectures).items()}


def lecture_counts(lectures: Lectures) -> Counter[str]:
    """How many lectures cover each topic (a topic listed twice in one lecture counts once).

    Examples
    --------
    >>> sorted(lecture_counts([["a", "b"], ["a", "a"], []]).items())
    [('a', 2), ('b', 1)]
    """
    out: Counter[str] = Counter()
    for covers in lectures:
        out.update(set(covers))
    return out


def _sign(v: float) -> int:
    return (v > 0) - (v < 0)


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's rank correlation tau-b of two paired sequences, with ties corrected.

    ``(C - D) / sqrt((C + D + Ty) * (C + D + Tx))`` over all pairs ``i < j``: ``C``
    concordant, ``D`` discordant, ``Tx`` tied in ``x`` only, ``Ty`` tied in ``y`` only
    (pairs tied in both count in neither). 1 means the same order, -1 the reverse.
    Quadratic, which is plenty for the topics of two courses.

    Parameters
    ----------
    x, y : sequences of numbers, the same length

    Returns
    -------
    float or None
        ``None`` when tau is undefined: fewer than two items, or one sequence constant.

    Raises
    ------
    ValueError
        If the sequences differ in length.

    Examples
    --------
    >>> kendall_tau_b([1, 2, 3, 4], [1, 2, 3, 4])
    1.0
    >>> kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1])
    -1.0
    >>> round(kendall_tau_b([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), 6)  # scipy's example
    -0.471405
    >>> kendall_tau_b([1], [2]) is None, kendall_tau_b([1, 2], [3, 3]) is None
    (True, True)
    """
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length ({len(x)} and {len(y)})")
    c = d = tx = ty = 0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            sx, sy = _sign(x[i] - x[j]), _sign(y[i] - y[j])
            if sx == 0 and sy == 0:
                continue
            if sx == 0:
                tx += 1
            elif sy == 0:
                ty += 1
            elif sx == sy:
                c += 1
            else:
                d += 1
    denom = math.sqrt((c + d + ty) * (c + d + tx))
    if denom == 0:
        return None
    return (c - d) / denom


def background(G: nx.DiGraph[str], assumes: Iterable[str]) -> set[str]:
    """What a course may take for granted: the topics it assumes and everything they
    (transitively) require. Narrower topics of an assumed topic are *not* included:
    assuming probability does not assume Markov chain Monte Carlo.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "chain-rule")])
    >>> sorted(background(G, ["calculus", "statistics"]))
    ['algebra', 'calculus', 'statistics']
    """
    import networkx as nx

    out: set[str] = set()
    for a in assumes:
        out.add(a)
        if a in G:
            out |= nx.ancestors(G, a)
    return out


def is_narrower(topic: str, other: str, broader: Mapping[str, str | None]) -> bool:
    """Whether ``other`` is on ``topic``'s ``skos:broader`` chain (``topic`` is a part of it).

    Examples
    --------
    >>> broader = {"backprop": "training", "training": "deep-learning"}
    >>> is_narrower("backprop", "deep-learning", broader), is_narrower("deep-learning", "backprop", broader)
    (True, False)
    """
    seen = {topic}
    b = broader.get(topic)
    while b is not None and b not in seen:
        if b == other:
            return True
        seen.add(b)
        b = broader.get(b)
    return False


@dataclass
class Finding:
    """One prerequisite a course has not covered when a lecture first covers a topic.

    ``kind`` is ``taught-later`` (the course covers the prerequisite in a later lecture,
    ``taught_at``), ``not-taught`` (no lecture covers it and it is not background),
    ``overview`` (the prerequisite is a narrower part of the topic: the lecture introduces
    a broad topic before its parts), ``same-lecture`` (both first covered in one lecture)
    or ``background-part`` (never taught, but a narrower part of a topic the course
    assumes). ``also_missing`` lists the prerequisite's own transitive prerequisites that
    are not covered by then either.
    """

    position: int
    topic: str
    prerequisite: str
    kind: str
    reason: str | None = None
    taught_at: int | None = None
    also_missing: list[str] = field(default_factory=list)

    @property
    def is_issue(self) -> bool:
        return self.kind in ISSUE_KINDS


def check_order(
    G: nx.DiGraph[str],
    lectures: Lectures,
    assumes: Iterable[str] = (),
    broader: Mapping[str, str | None] | None = None,
) -> list[Finding]:
    """The prerequisites a course uses before it has taught them.

    Each topic is checked once, at the first lecture that covers it, against its direct
    prerequisites in ``G``. A prerequisite is fine when an earlier lecture covers it or
    it is :func:`background` of ``assumes``. Otherwise it is a :class:`Finding`:

    - ``same-lecture`` when the same lecture first covers it (a note: counted as covered),
    - ``overview`` when it is a narrower part of the topic (:func:`is_narrower`): a
      course that opens with "deep learning" before teaching multilayer perceptrons
      gives an overview, it does not teach out of order (a note),
    - ``background-part`` when no lecture covers it but it is a narrower part of an
      assumed topic: Bayes' rule for a course that assumes probability (a note; the
      narrower parts are not background outright, since a course assuming probability
      may still teach Markov chain Monte Carlo itself, and then must teach it in time),
    - ``taught-later`` or ``not-taught`` otherwise (issues).

    Only direct edges are reported: a gap further down a chain is reported where it
    happens, at the lecture of the topic whose direct prerequisite is missing, so every
    transitive gap has a direct witness. ``also_missing`` on each finding names the
    transitive prerequisites of the missing one that are not covered either.

    Parameters
    ----------
    G : DiGraph
        ``prerequisite -> topic`` edges, optionally with a ``reason`` attribute.
    lectures : sequence of iterables of topic ids, in teaching order
    assumes : iterable of topic ids
        The course's declared background.
    broader : mapping, optional
        Each topic's ``skos:broader`` parent; without it nothing is an ``overview``.

    Returns
    -------
    list of Finding
        By lecture position, then topic, then prerequisite.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("chain-rule", "backprop", reason="Backprop is the chain rule.")
    >>> G.add_edge("calculus", "chain-rule", reason="A rule of calculus.")
    >>> [(f.position, f.topic, f.prerequisite, f.kind, f.taught_at)
    ...  for f in check_order(G, [["backprop"], ["chain-rule"]])]
    [(1, 'backprop', 'chain-rule', 'taught-later', 2), (2, 'chain-rule', 'calculus', 'not-taught', None)]
    >>> check_order(G, [["backprop"], ["chain-rule"]])[0].also_missing
    ['calculus']
    >>> check_order(G, [["chain-rule", "backprop"]], assumes=["calculus"])[0].kind
    'same-lecture'
    >>> check_order(G, [["chain-rule"], ["backprop"]], assumes=["calculus"])
    []
    >>> [f.kind for f in check_order(G, [["backprop"]], assumes=["calculus"], broader={"chain-rule": "calculus"})]
    ['background-part']
    """
    import networkx as nx

    broader = broader or {}
    lectures = [list(covers) for covers in lectures]
    assumes = list(assumes)
    first = first_positions(lectures)
    # Knowing an assumed area means knowing its parts (edges marked ``part``), except the
    # parts the course teaches itself: those it must teach in time.
    taught_parts = [(p, u) for p, u, d in G.edges(data=True) if d.get("part") and p in first]
    if taught_parts:
        H = G.copy()
        H.remove_edges_from(taught_parts)
        bg = background(H, assumes)
    else:
        bg = background(G, assumes)

    def assumed_part(p: str) -> bool:
        return first.get(p) is None and any(is_narrower(p, a, broader) for a in assumes)
    out: list[Finding] = []
    checked: set[str] = set()
    for pos, covers in enumerate(lectures, start=1):
        for t in sorted(set(covers)):
            if t in checked:
                continue
            checked.add(t)
            if t not in G:
                continue
            for p in sorted(G.predecessors(t)):
                if p in bg:
                    continue
                at = first.get(p)
                if at is not None and at < pos:
                    continue
                if at == pos:
                    kind = "same-lecture"
                elif is_narrower(p, t, broader):
                    kind = "overview"
                elif assumed_part(p):
                    kind = "background-part"
                else:
                    kind = "taught-later" if at is not None else "not-taught"
                also: list[str] = []
                if kind in ISSUE_KINDS:
                    also = sorted(
                        a for a in nx.ancestors(G, p)
                        if a not in bg and not assumed_part(a) and (first.get(a) is None or first[a] > pos)
                    )
                out.append(Finding(pos, t, p, kind, G.edges[p, t].get("reason"), at, also))
    return out


def compare_orders(a: Lectures, b: Lectures, threshold: float = 0.3) -> OrderComparison:
    """How two courses differ: shared and unique topics, how well they agree on the order
    of the shared ones, and the shared topics they place far apart.

    Parameters
    ----------
    a, b : courses (sequences of lectures' topic ids)
    threshold : float
        A shared topic has ``moved`` when its relative position (0 = first lecture,
        1 = last) differs by at least this much.

    Returns
    -------
    dict
        ``shared``, ``only_a``, ``only_b`` (sorted topic ids), ``jaccard`` (shared over
        all), ``tau`` (:func:`kendall_tau_b` of the first positions of the shared topics;
        ``None`` if undefined) and ``moved``: dicts with ``topic``, ``a`` and ``b``
        (first positions), ``a_rel``, ``b_rel`` and ``shift`` (``b_rel - a_rel``),
        largest shift first.

    Examples
    --------
    >>> r = compare_orders([["x"], ["y"], ["z"]], [["y"], ["x"], ["w"], ["z"]])
    >>> r["shared"], r["only_a"], r["only_b"], round(r["tau"], 3)
    (['x', 'y', 'z'], [], ['w'], 0.333)
    >>> [(m["topic"], round(m["shift"], 2)) for m in r["moved"]]
    [('y', -0.5), ('x', 0.33)]
    >>> compare_orders([], [])["tau"] is None
    True
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    a, b = [list(x) for x in a], [list(x) for x in b]
    fa, fb = first_positions(a), first_positions(b)
    ra, rb = relative_positions(a), relative_positions(b)
    shared = sorted(set(fa) & set(fb))
    union = set(fa) | set(fb)
    moved: list[MovedTopic] = [
        {"topic": t, "a": fa[t], "b": fb[t], "a_rel": round(ra[t], 3), "b_rel": round(rb[t], 3),
         "shift": round(rb[t] - ra[t], 3)}
        for t in shared
        if abs(rb[t] - ra[t]) >= threshold - 1e-9
    ]
    moved.sort(key=lambda m: (-abs(rb[m["topic"]] - ra[m["topic"]]), m["topic"]))
    return {
        "shared": shared,
        "only_a": sorted(set(fa) - set(fb)),
        "only_b": sorted(set(fb) - set(fa)),
        "jaccard": round(len(shared) / len(union), 3) if union else None,
        "tau": kendall_tau_b([fa[t] for t in shared], [fb[t] for t in shared]),
        "moved": moved,
    }


def course_diff(old: Lectures, new: Lectures, threshold: float = 0.3) -> CourseChange:
    """How a course changed between two offerings: topics ``added`` and ``dropped``,
    ``moved`` (as in :func:`compare_orders`, ``a`` = old, ``b`` = new), ``recounted``
    (shared topics covered by a different number of lectures), ``tau`` and ``kept``.

    Examples
    --------
    >>> d = course_diff([["x"], ["y", "z"]], [["x"], ["x", "w"], ["y"]])
    >>> d["added"], d["dropped"], d["kept"]
    (['w'], ['z'], 2)
    >>> d["recounted"]
    [{'topic': 'x', 'old': 1, 'new': 2}]
    """
    old, new = [list(x) for x in old], [list(x) for x in new]
    r = compare_orders(old, new, threshold)
    co, cn = lecture_counts(old), lecture_counts(new)
    return {
        "added": r["only_b"],
        "dropped": r["only_a"],
        "kept": len(r["shared"]),
        "moved": r["moved"],
        "recounted": [{"topic": t, "old": co[t], "new": cn[t]} for t in r["shared"] if co[t] != cn[t]],
        "tau": r["tau"],
    }


def coverage_matrix(courses: Mapping[str, Lectures]) -> dict[str, dict[str, int]]:
    """``{topic: {course: lectures covering it}}``; courses that never cover a topic
    are left out of its row.

    Examples
    --------
    >>> coverage_matrix({"c1": [["a"], ["a", "b"]], "c2": [["b"]]})
    {'a': {'c1': 2}, 'b': {'c1': 1, 'c2': 1}}
    """
    out: dict[str, dict[str, int]] = {}
    for cid in courses:
        for t, n in sorted(lecture_counts(courses[cid]).items()):
            out.setdefault(t, {})[cid] = n
    return dict(sorted(out.items()))


def order_evidence(courses: Mapping[str, Lectures], topic: str, prerequisite: str) -> OrderEvidence:
    """How the courses order ``prerequisite`` and ``topic``: the counts of each
    :data:`kg.vocab.ORDERINGS` and one dict per course that covers either (``course``,
    ``ordering``, ``topic_at``, ``prerequisite_at``: first positions or ``None``).

    This is what the build stores on every ``kg:Prerequisite`` (see :mod:`kg.build.rdf`);
    here it works for any pair of topics.

    Examples
    --------
    >>> ev = order_evidence({"c1": [["p"], ["t"]], "c2": [["t", "p"]], "c3": [["t"]], "c4": [["x"]]}, "t", "p")
    >>> ev["counts"]
    {'before': 1, 'together': 1, 'after': 0, 'prerequisite-only': 0, 'topic-only': 1}
    >>> [(c["course"], c["ordering"]) for c in ev["courses"]]
    [('c1', 'before'), ('c2', 'together'), ('c3', 'topic-only')]
    """
    counts = dict.fromkeys(ORDERINGS, 0)
    per: list[CourseOrder] = []
    for cid in sorted(courses):
        first = first_positions(courses[cid])
        t_at, p_at = first.get(topic), first.get(prerequisite)
        o = teaching_order(p_at, t_at)
        if o is None:
            continue
        counts[o] += 1
        per.append({"course": cid, "ordering": o, "topic_at": t_at, "prerequisite_at": p_at})
    return {"counts": counts, "courses": per}


def implied_edges(
    courses: Mapping[str, Lectures],
    G: nx.DiGraph[str] | None = None,
    broader: Mapping[str, str | None] | None = None,
    *,
    min_courses: int = 3,
    min_agreement: float = 1.0,
    exclude: Collection[str] = (),
) -> list[ImpliedEdge]:
    """Prerequisite edges the courses' orders imply but ``G`` lacks, strongest first.

    A pair ``(x, y)`` is suggested as "``y`` requires ``x``" when at least
    ``min_courses`` courses first cover ``x`` in a strictly earlier lecture than ``y``
    and at least ``min_agreement`` of the courses covering both do so (1.0: all of them;
    a shared lecture counts against). Left out: pairs already joined by a path in ``G``
    either way, pairs on one ``skos:broader`` chain (a topic and its part), umbrella
    topics (those with narrower topics) as the prerequisite (a course often opens with an
    overview of a broad area, so its first lecture on it says little about order), topics
    in ``exclude``, and suggestions implied by others: a suggestion is dropped when a
    path through edges of ``G`` and suggestions at least as strong (as many agreeing
    courses, as consistent) already orders the pair.

    Returns
    -------
    list of dict
        ``topic`` (the later one), ``prerequisite``, ``courses`` (agreeing),
        ``covering`` (courses covering both), ``consistency`` (their ratio), ``gap``
        (mean relative distance between the two first lectures) and ``positions``
        ``{course: [prerequisite_at, topic_at]}``. Ranked by ``courses``, then
        ``consistency``, then smaller ``gap`` (neighbours are likelier direct
        prerequisites), then ids.

    Examples
    --------
    >>> import networkx as nx
    >>> cs = {"c1": [["a"], ["b"], ["c"]], "c2": [["a"], ["b"], ["c"]]}
    >>> [(s["prerequisite"], s["topic"]) for s in implied_edges(cs, min_courses=2)]
    [('a', 'b'), ('b', 'c')]
    >>> implied_edges(cs, nx.DiGraph([("a", "b")]), min_courses=2)[0]["topic"]
    'c'
    >>> implied_edges(cs, broader={"b": "a"}, min_courses=2)[0]["prerequisite"]
    'b'
    >>> [(s["prerequisite"], s["topic"]) for s in implied_edges(cs, broader={"x": "a"}, min_courses=2)]
    [('b', 'c')]
    """
    import networkx as nx

    if min_courses < 1:
        raise ValueError(f"min_courses must be at least 1, got {min_courses}")
    if not 0 < min_agreement <= 1:
        raise ValueError(f"min_agreement must be in (0, 1], got {min_agreement}")
    G = G if G is not None else nx.DiGraph()
    broader = broader or {}
    firsts = {c: first_positions(courses[c]) for c in sorted(courses)}
    rels = {c: relative_positions(courses[c]) for c in sorted(courses)}
    seen: Counter[str] = Counter(t for f in firsts.values() for t in f)
    topics = sorted(t for t, n in seen.items() if n >= min_courses and t not in exclude)
    reach = {t: nx.descendants(G, t) if t in G else set() for t in topics}
    umbrellas = {b for b in broader.values() if b is not None}
    found: list[ImpliedEdge] = []
    for x, y in combinations(topics, 2):
        if y in reach[x] or x in reach[y] or is_narrower(x, y, broader) or is_narrower(y, x, broader):
            continue

        both = [c for c in firsts if x in firsts[c] and y in firsts[c]]
        if len(both) < min_courses:
            continue
        x_first = [c for c in both if firsts[c][x] < firsts[c][y]]
        y_first = [c for c in both if firsts[c][y] < firsts[c][x]]
        for early, late, agree in ((x, y, x_first), (y, x, y_first)):
            if early in umbrellas:
                continue
            if len(agree) >= min_courses and len(agree) >= min_agreement * len(both) - 1e-9:
                found.append({
                    "topic": late,
                    "prerequisite": early,
                    "courses": len(agree),
                    "covering": len(both),
                    "consistency": round(len(agree) / len(both), 3),
                    "gap": round(sum(rels[c][late] - rels[c][early] for c in agree) / len(agree), 3),
                    "positions": {c: [firsts[c][early], firsts[c][late]] for c in both},
                })

    def rank(s: ImpliedEdge) -> tuple[Any, ...]:
        return (-s["courses"], -s["consistency"], s["gap"], s["topic"], s["prerequisite"])

    found.sort(key=rank)
    # Drop suggestions that a path of stronger-or-equal evidence (edges of G, stronger
    # suggestions, equally strong ones) already implies. Strength groups go strongest
    # first; inside a group the weakest are tried first, so what remains of the group is
    # the smallest set that still orders all its pairs.
    H: nx.DiGraph[str] = nx.DiGraph(G.edges)

    def implied(u: str, v: str) -> bool:
        return u in H and v in H and nx.has_path(H, u, v)

    keep: list[ImpliedEdge] = []
    for _, grp in groupby(found, key=lambda s: (s["courses"], s["consistency"])):
        group = [s for s in grp if not implied(s["prerequisite"], s["topic"])]
        H.add_edges_from((s["prerequisite"], s["topic"]) for s in group)
        kept = []
        for s in reversed(group):
            u, v = s["prerequisite"], s["topic"]
            H.remove_edge(u, v)
            if implied(u, v):
                continue
            H.add_edge(u, v)
            kept.append(s)
        keep.extend(reversed(kept))
    return keep
