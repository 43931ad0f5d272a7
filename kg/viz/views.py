"""The views ``kg viz`` draws: the whole graph, a neighbourhood, a path, courses."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from kg import collector
from kg.errors import UsageError
from kg.graph import KnowledgeGraph
from kg.vocab import lecture_number
from kg.viz.build import (
    Builder, add_find_names, add_layers, add_requires, add_requires_edges, add_topics, finish, legend_for, parse_layers,
    places, requires_tip, topic_info, topic_node, topic_tip, clip, lecture_label,
)
from kg.viz.layout import layout_view, plan_positions
from kg.viz.style import ALERT, DEPENDENT, EDGE, FOCUS, KNOWN, PALETTE, SHARED, TOPIC, node_colour, node_size
from kg.viz.view import View
from kg.viz.whole import Ids, lecture_layer_rows, lecture_places, topic_data, whole_graph

if TYPE_CHECKING:
    import networkx as nx

# networkx, kg.algorithms.paths and kg.plan (which import networkx) are imported by the
# views that use them, not with this module: the page of the whole graph needs none of
# them, and importing networkx costs a tenth of a second.

__all__ = ["graph_view", "focus_view", "path_view", "course_view", "make_view"]

P = ParamSpec("P")
R = TypeVar("R")


def _collector_paused(f: Callable[P, R]) -> Callable[P, R]:
    """``f`` run with the cyclic garbage collector paused (see :mod:`kg.collector`): a
    view makes hundreds of thousands of small containers that form no cycles, and the
    collector's passes over them cost a third of a large view."""

    @functools.wraps(f)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector.paused():
            return f(*args, **kwargs)

    return run


@_collector_paused
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

    ids = Ids()
    T = whole_graph(kg, ids)  # every topic, with or without edges
    topics = sorted(T.labels)
    counts = T.dependent_counts()
    lectures = lecture_places(kg)
    info, where, aliases = topic_data(kg, {t: str(T.labels[t] or t) for t in topics}, ids, lectures, T.definitions)
    b = Builder()
    b.aliases.update(aliases)
    add_topics(b, kg, topics, counts, every=True, info=info, where=where)
    add_requires_edges(b, T.succ, T.labels)
    by_lecture = lecture_layer_rows(kg, lectures) if "lectures" in layers or "courses" in layers else None
    add_layers(b, kg, topics, layers, every=True, lecture_rows=by_lecture)
    layout_view(b, "UD")
    n_edges = sum(1 for e in b.edges.values() if e["kind"] == "requires")
    sub = f"{len(topics)} topics, {n_edges} prerequisite edges" + (f"; with {', '.join(layers)}" if layers else "")
    add_find_names(b, kg, every=True)
    return finish(b, title="kg: the topic graph", slug="graph", subtitle=sub, direction="UD", legend=legend_for(b))


@_collector_paused
def focus_view(kg: KnowledgeGraph, topic: str, depth: int = 2, layers: Iterable[str] = ()) -> View:
    """A topic's neighbourhood: what it requires and what requires it, ``depth`` steps
    each way, with the ``requires`` edges among them."""
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
        raise UsageError(f"--depth must be a whole number of at least 1, got {depth!r}")
    import networkx as nx

    from kg.algorithms import paths
    from kg.plan import prerequisite_graph

    layers = parse_layers(list(layers))
    tid = kg.resolve_topic(topic)

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
    counts = paths.dependent_counts(down)  # every dependent, shown or not
    b = Builder()
    add_topics(b, kg, [tid], counts, colour=FOCUS, kind_label="Focus topic")
    add_topics(b, kg, sorted(before), counts, colour=TOPIC, kind_label="Prerequisite")
    add_topics(b, kg, sorted(after), counts, colour=DEPENDENT, kind_label="Dependent")
    b.nodes[topic_node(tid)]["borderWidth"] = 4
    add_requires(b, G, shown)
    add_layers(b, kg, shown, layers)
    layout_view(b, "UD")
    label = b.nodes[topic_node(tid)]["label"]
    legend = legend_for(
        b,
        [
            {"kind": "topic", "shape": "dot", "color": FOCUS, "label": f"focus: {label}"},
            {"shape": "dot", "color": TOPIC, "label": f"prerequisite ({len(before)})"},
            {"shape": "dot", "color": DEPENDENT, "label": f"dependent ({len(after)})"},
        ],
    )
    add_find_names(b, kg)
    return finish(
        b, title=f"kg: around {label}", slug=f"focus-{tid}",
        subtitle=f"{len(before)} prerequisites and {len(after)} dependents within {depth} step{'s' if depth != 1 else ''} of {label}",
        direction="UD", legend=legend,
    )


@_collector_paused
def path_view(kg: KnowledgeGraph, from_: str | None, to: str, known: Iterable[str] = ()) -> View:
    """The learning plan of :func:`kg.plan.plan` drawn left to right: step ``k`` in
    column ``k`` (numbers read strictly left to right, see
    :func:`kg.viz.layout.plan_positions`), with the known topics they build on in grey
    at the left."""
    from kg.algorithms import paths
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
    counts = paths.dependent_counts(down)
    info = topic_info(kg, list(dict.fromkeys([*base, *([p["from"]] if p["from"] else [])])))
    where = places(kg, base)
    b = Builder()
    aliases = b.aliases_of(kg, [*base, *steps])
    for t in base:
        d = counts.get(t, 0)
        b.node(topic_node(t), "topic", str(info.get(t, {}).get("label") or t), topic_tip(t, info.get(t, {}), d, where.get(t, {}), "Already known", aliases[t]),
               size=node_size(d), color=node_colour(KNOWN))
    total = len(steps)
    for s in p["steps"]:
        t = s["id"]
        d = counts.get(t, 0)
        tip = topic_tip(t, {"label": s["label"], "definition": s.get("definition")}, d, s, f"Step {s['step']} of {total}", aliases[t])
        needed = [f"{n['label']} (step {n['step']})" + (f": {n['reason']}" if n.get("reason") else "") for n in s.get("needed_for", [])]
        if needed:
            tip["sections"].insert(0, ["Needed for", clip(needed)])
        colour = FOCUS if t == p["to"] else TOPIC
        b.node(topic_node(t), "topic", f"{s['step']}. {s['label']}", tip, size=node_size(d), color=node_colour(colour), name=s["label"])
    add_requires(b, G, [*base, *steps])
    # Step numbers read strictly left to right: step k in column k, known topics left.
    biggest = max((float(d.get("size", 12)) for d in b.nodes.values()), default=12.0)
    pos = plan_positions(G, steps, base, gap=max(110.0, 2 * biggest + 60), lane_gap=max(90.0, 2 * biggest + 50), span=3)
    for t, (x, y) in pos.items():
        b.nodes[topic_node(t)]["x"], b.nodes[topic_node(t)]["y"] = round(x, 1), round(y, 1)
    to_label = str(G.nodes[p["to"]].get("label", p["to"]))
    from_label = str(info.get(p["from"], {}).get("label") or p["from"]) if p["from"] else None
    sub = (
        f"{total} step{'s' if total != 1 else ''} to {to_label}"
        + (f" from {from_label}" if from_label else " from scratch")
        + (f", about {p['summary']['lectures']} lectures' worth" if steps else "")
    )
    notes = [n for n in [p["note"]] if n]
    legend = legend_for(
        b,
        [
            {"kind": "topic", "shape": "dot", "color": TOPIC, "label": "step (numbered in plan order)"},
            {"shape": "dot", "color": FOCUS, "label": f"goal: {to_label}"},
            *([{"shape": "dot", "color": KNOWN, "label": "already known"}] if base else []),
        ],
    )
    slug = f"path-{p['from'] or 'start'}-{p['to']}"
    add_find_names(b, kg)
    return finish(b, title=f"kg: learning path to {to_label}", slug=slug, subtitle=sub, direction="LR", legend=legend, notes=notes)


def _course_order_problems(course: Mapping[str, Any], G: nx.DiGraph[str]) -> list[tuple[str, str, int, int, bool]]:
    """``(topic, prerequisite, topic's lecture, prerequisite's lecture, direct)`` for
    each topic the course teaches before one of its prerequisites (direct, or through
    topics the course may not teach) that the course also teaches."""
    import networkx as nx
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


@_collector_paused
def course_view(kg: KnowledgeGraph, courses: Sequence[str]) -> View:
    """One or more courses: each course's lectures in teaching order, left to right,
    with the topics they cover below, placed where the courses first teach them, and
    the ``requires`` edges among those topics. Topics a course teaches before one of
    their prerequisites are outlined in red, with the offending edge in red.
    Several courses are coloured by course.
    """
    import networkx as nx

    from kg.algorithms import paths
    from kg.plan import add_reasons, prerequisite_graph

    ids = list(dict.fromkeys(kg.resolve_course(c) for c in courses))
    if not ids:
        raise UsageError("give at least one course")
    records = [kg.course(c) for c in ids]
    covered = sorted({t for c in records for lec in c["lectures"] for t in lec["covers"]})

    # The whole prerequisite graph, in four queries: the closure of a course's topics
    # each way is most of it, and one walk per topic cost 7 times more on the shipped
    # data (and more at scale). Ancestors and dependents are counted in memory.
    # Reasons only for the edges the page shows: those into the course's topics.
    G = prerequisite_graph(kg, with_reasons=False) if covered else nx.DiGraph()
    add_reasons(kg, G, covered)
    for t in covered:
        G.add_node(t)
    T = G.subgraph(covered)
    counts = paths.dependent_counts(G) if covered else {}
    info = topic_info(kg, covered)
    where = places(kg, covered)
    colour = {c["id"]: PALETTE[i % len(PALETTE)] for i, c in enumerate(records)}
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

    b = Builder()
    aliases = b.aliases_of(kg, covered)
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
                "kind": f"Lecture {lecture_number(lec.get('number'), lec['position'])} ({lec['position']} of {n}) · {c['name'] or cid} ({short[cid]})"
                if lec.get("number") else f"Lecture {lec['position']} of {n} · {c['name'] or cid} ({short[cid]})",
                "text": " · ".join(str(x) for x in (lec.get("date"), ", ".join(lec.get("speakers") or [])) if x),
                "sections": [["Covers", clip([str(info.get(t, {}).get("label", t)) for t in lec["covers"]])]] if lec["covers"] else [],
            }
            b.node(lid, "lecture", lecture_label(short[cid], lec["position"], lec.get("number"), lec.get("date")), tip, color=node_colour(colour[cid]), x=round(x, 1), y=i * row)
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
            ttip = topic_tip(t, info.get(t, {}), d, where.get(t, {}), aliases=aliases[t])
            if t in flagged:
                ttip["sections"].insert(0, ["Taught before a prerequisite", clip(flagged[t])])
            fill = colour[by[t][0]] if len(set(by[t])) == 1 else SHARED
            attrs: dict[str, Any] = {"size": node_size(d), "color": node_colour(fill), "x": round(col * 170.0, 1), "y": round(top + k * 85.0, 1)}
            if t in flagged:
                attrs["color"] = {**node_colour(fill), "border": ALERT}
                attrs["borderWidth"] = 4
            b.node(topic_node(t), "topic", str(info.get(t, {}).get("label", t)), ttip, **attrs)
    for c in records:
        for lec in c["lectures"]:
            for t in lec["covers"]:
                b.edge("lecture:" + lec["id"], topic_node(t), "covers", color={"color": colour[c["id"]], "opacity": 0.35, "highlight": colour[c["id"]], "hover": colour[c["id"]]})
    for p, t in sorted(T.edges()):
        attrs = {"tip": requires_tip(G, p, t), "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.2}}
        if (p, t) in bad_edges:
            attrs.update(color={"color": ALERT, "highlight": ALERT, "hover": ALERT}, width=2.5)
            attrs["tip"]["kind"] = "Prerequisite taught later than the topic"
        b.edge(topic_node(p), topic_node(t), "requires", **attrs)

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
        legend.append({"shape": "dot", "color": SHARED, "label": "topic taught in several of these courses"})
    legend.append({"shape": "dot", "color": "#ffffff", "border": ALERT, "label": "taught before a prerequisite"})
    legend.append({"edge": True, "color": colour[records[0]["id"]] if len(records) == 1 else SHARED, "dashes": False, "label": "next lecture"})
    legend.append({"edge": True, "color": colour[records[0]["id"]] if len(records) == 1 else SHARED, "dashes": False, "label": "lecture covers topic" + (" (in the course's colour)" if len(records) > 1 else "")})
    legend.append({"edge": True, "color": EDGE, "dashes": False, "label": "requires (prerequisite → topic)"})
    if bad_edges:
        legend.append({"edge": True, "color": ALERT, "dashes": False, "label": "prerequisite taught later"})
    names = ", ".join(short[c["id"]] for c in records)
    title = f"kg: {records[0]['name'] or records[0]['id']} ({short[records[0]['id']]})" if len(records) == 1 else f"kg: {len(records)} courses"
    sub = f"{names}: {sum(len(c['lectures']) for c in records)} lectures, {len(covered)} topics"
    slug = "course-" + "-".join(ids) if len(ids) <= 3 else f"courses-{len(ids)}"
    add_find_names(b, kg)
    return finish(b, title=title, slug=slug, subtitle=sub, direction=None, legend=legend, notes=notes)


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

