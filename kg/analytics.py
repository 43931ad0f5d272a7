"""Curriculum analytics over a :class:`~kg.graph.KnowledgeGraph`: lint a syllabus's
order, compare and diff courses, the topics × courses coverage matrix, the courses'
evidence for each prerequisite edge, and edges the courses imply but the vocabulary lacks.

The algorithms are the pure functions of :mod:`kg.algorithms.curriculum`; this module
fetches their input from the graph and returns JSON-ready dicts for the ``kg check``,
``compare``, ``coverage``, ``diff``, ``evidence`` and ``suggest`` commands, and draws
the coverage heatmap.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

import pyoxigraph as ox

from kg import vocab as V
from kg.algorithms.curriculum import (
    ISSUE_KINDS,
    NOTE_KINDS,
    Lectures,
    check_order,
    compare_orders,
    course_diff,
    coverage_matrix,
    first_positions,
    implied_edges,
    lecture_counts,
    order_evidence,
    relative_positions,
)
from kg.build.sources import read_course_file, unknown_reference
from kg.errors import KGError, NotFound, UsageError
from kg.graph import KnowledgeGraph
from kg.plan import prerequisite_graph
from kg.records import (
    CheckFinding,
    CheckReport,
    CheckSummary,
    ComparePair,
    Comparison,
    CourseFile,
    CourseInfo,
    CourseOrder,
    CourseOrdering,
    Coverage,
    Diff,
    DiffTopic,
    Evidence,
    EvidenceRow,
    Suggestions,
)

__all__ = [
    "svg_heatmap",
    "png_heatmap",
    "course_lectures",
    "course_sessions",
    "load_course_file",
    "check",
    "compare",
    "coverage",
    "diff",
    "evidence",
    "evidence_table",
    "suggest",
]


# --------------------------------------------------------------------------- pictures


def _cell_colour(n: int, top: int) -> str:
    # White to a deep blue; more lectures, darker.
    if n <= 0 or top <= 0:
        return "#ffffff"
    f = 0.25 + 0.75 * (n / top)
    lo, hi = (0xEA, 0xF2, 0xFB), (0x08, 0x30, 0x6B)
    r, g, b = (round(lo[i] + (hi[i] - lo[i]) * f) for i in range(3))
    return f"#{r:02x}{g:02x}{b:02x}"


def svg_heatmap(
    rows: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    values: Mapping[str, Mapping[str, int]],
    title: str = "",
) -> str:
    """A heatmap as a standalone SVG document (no dependency, works offline).

    Parameters
    ----------
    rows, columns : sequences of ``(id, label)``
    values : ``{row id: {column id: count}}``; missing cells are 0
    title : str, optional

    Every text is XML-escaped; each cell has a ``<title>`` tooltip.

    Examples
    --------
    >>> svg = svg_heatmap([("a", "A & B")], [("c1", "<c1>")], {"a": {"c1": 2}})
    >>> svg.startswith("<svg") and "A &amp; B" in svg and "&lt;c1&gt;" in svg
    True
    """
    # Text widths are estimated (about 6.5 px a character at 11 px): no font metrics
    # without a dependency, and generous margins are harmless.
    cell, pad = 20, 10
    label_w = 10 + round(6.5 * max([len(lb) for _, lb in rows] or [0]))
    col_len = round(6.5 * max([len(lb) for _, lb in columns] or [0]))
    head_h = 12 + round(col_len * 0.87)  # column labels are turned 60 degrees
    top = max((n for r in values.values() for n in r.values()), default=0)
    title_h = 26 if title else 0
    width = max(
        pad * 2 + label_w + cell * len(columns) + col_len // 2,
        pad * 2 + round(8 * len(title)),
    )
    height = pad * 2 + title_h + head_h + cell * len(rows)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        out.append(f'<text x="{pad}" y="{pad + 14}" font-size="14" font-weight="bold">{escape(title)}</text>')
    x0, y0 = pad + label_w, pad + title_h + head_h
    for j, (_cid, clabel) in enumerate(columns):
        x = x0 + j * cell + cell // 2 + 4
        out.append(
            f'<text x="{x}" y="{y0 - 6}" transform="rotate(-60 {x} {y0 - 6})">{escape(clabel)}</text>'
        )
    for i, (rid, rlabel) in enumerate(rows):
        y = y0 + i * cell
        out.append(f'<text x="{x0 - 6}" y="{y + 14}" text-anchor="end">{escape(rlabel)}</text>')
        for j, (cid, clabel) in enumerate(columns):
            n = int(values.get(rid, {}).get(cid, 0))
            x = x0 + j * cell
            tip = f"{rlabel} — {clabel}: {n} lecture{'s' if n != 1 else ''}"
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{_cell_colour(n, top)}" '
                f'stroke="#d0d7de"><title>{escape(tip)}</title></rect>'
            )
            if n:
                colour = "#ffffff" if n / max(top, 1) > 0.5 else "#1f2328"
                out.append(
                    f'<text x="{x + cell // 2}" y="{y + 14}" text-anchor="middle" fill={quoteattr(colour)}>{n}</text>'
                )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def png_heatmap(
    rows: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    values: Mapping[str, Mapping[str, int]],
    title: str = "",
) -> bytes:
    """The same heatmap as :func:`svg_heatmap`, as PNG bytes drawn by matplotlib.

    Raises
    ------
    KGError
        If matplotlib is not installed (it is an optional dependency).
    """
    # matplotlib is optional and slow to import: loaded only for PNG output.
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise KGError("PNG output needs matplotlib: pip install matplotlib (or use --format svg)") from None

    grid = [[int(values.get(r, {}).get(c, 0)) for c, _ in columns] for r, _ in rows]
    fig_h = max(3.0, 0.18 * len(rows) + 1.5)
    fig_w = max(4.0, 0.6 * len(columns) + 0.07 * max([len(lb) for _, lb in rows] or [0]) + 1.5)
    fig, ax = plt.subplots(figsize=(fig_w, fig_h))
    try:
        ax.imshow(grid or [[0]], cmap="Blues", aspect="auto", vmin=0, interpolation="nearest")
        ax.set_xticks(range(len(columns)), [lb for _, lb in columns], rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(len(rows)), [lb for _, lb in rows], fontsize=7)
        if title:
            ax.set_title(title, fontsize=10)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
    finally:
        plt.close(fig)
    return buf.getvalue()


# =========================================================================== over a graph


def course_sessions(kg: KnowledgeGraph, courses: Iterable[str]) -> dict[str, set[str]]:
    """The topics each course teaches in sessions that are not lectures (discussion
    sections, tutorials: events that cover topics)."""
    out: dict[str, set[str]] = {}
    for r in kg.run("session-topics-of", courses=[ox.NamedNode(V.course_iri(c)) for c in courses]):
        out.setdefault(V.local_id(r["c"]), set()).add(V.local_id(r["t"]))
    return out


def course_lectures(kg: KnowledgeGraph, courses: Iterable[str] | None = None) -> dict[str, list[list[str]]]:
    """Every course's lectures as lists of topic ids, in teaching order (one query).

    Lectures that cover nothing are kept (as empty lists): they still take a place in
    the course.
    """
    if courses is None:
        rows = kg.run("lecture-topics-all")
    else:
        rows = kg.run("lecture-topics-of", courses=[ox.NamedNode(V.course_iri(c)) for c in courses])
    per: dict[str, dict[int, list[str]]] = {}
    for r in rows:
        lectures = per.setdefault(V.local_id(r["c"]), {})
        covers = lectures.setdefault(int(r["pos"]), [])
        if r["t"] is not None:
            covers.append(V.local_id(r["t"]))
    out: dict[str, list[list[str]]] = {}
    for cid in sorted(per):
        lectures = per[cid]
        n = max(lectures)
        out[cid] = [sorted(set(lectures.get(p, []))) for p in range(1, n + 1)]
    return out


def page_numbers(kg: KnowledgeGraph) -> dict[str, dict[int, str | None]]:
    """Every course's lectures by position: the page's own number for each lecture
    (``None`` where the page gives none). Shown with :func:`kg.vocab.lecture_number`,
    so every command names a lecture as ``kg path`` and ``kg show`` do."""
    out: dict[str, dict[int, str | None]] = {}
    for r in kg.run("lecture-numbers"):
        out.setdefault(V.local_id(r["c"]), {})[int(r["pos"])] = r["num"]
    return out


def _labels(kg: KnowledgeGraph) -> dict[str, str]:
    return {
        V.local_id(r["t"]): str(r["l"])
        for r in kg.run("all-topic-labels")
    }


def _broader(kg: KnowledgeGraph) -> dict[str, str | None]:
    return {
        V.local_id(r["t"]): V.local_id(r["b"])
        for r in kg.run("topic-broader")
    }


def _course_info(kg: KnowledgeGraph, cid: str) -> CourseInfo:
    info = next((c for c in kg.courses() if c["id"] == cid), None)
    if info is None:
        raise NotFound("course", cid)
    return {"id": info["id"], "name": info["name"], "code": info["code"], "term": info["term"], "lectures": info["lectures"]}


def _resolve_courses(kg: KnowledgeGraph, names: Sequence[str]) -> list[str]:
    ids = [kg.resolve_course(n) for n in names]
    dup = [c for c, k in Counter(ids).items() if k > 1]
    if dup:
        raise UsageError(f"course {dup[0]!r} is given twice")
    return ids


# --------------------------------------------------------------------------- check


def _looks_like_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name or Path(name).is_file()


def load_course_file(kg: KnowledgeGraph, path: str | Path) -> CourseFile:
    """Read one course YAML file (the layout of ``data/courses/*.yaml``) and check its
    references against the graph's topics, readings and chapters, without adding it.

    Returns a dict shaped like :meth:`KnowledgeGraph.course` (``id``, ``name``,
    ``assumes``, ``lectures`` with ``position``, ``title``, ``covers``) plus ``file``.

    Raises
    ------
    DataError
        On the first problem, as ``FILE:LINE: message`` (unknown topics get "did you
        mean" suggestions).
    """
    shown = str(path)
    course, refs = read_course_file(Path(path), shown)
    topics = set(kg.topic_ids())
    for name, loc in refs:
        if name not in topics:
            try:
                # A label or alias ("backprop") names the topic; files use ids.
                tid = kg.resolve_topic(name)
            except NotFound:
                raise unknown_reference("topic", name, topics, loc) from None
            raise loc.error(f"unknown topic {name!r}; did you mean {tid!r}? (courses name topics by id)")
    readings = {V.local_id(r["r"]) for r in kg.run("reading-ids")}
    chapters: set[tuple[str, int]] = set()
    for r in kg.run("chapter-numbers"):
        chapters.add((V.local_id(r["b"]), int(r["n"])))
    for lec in course.lectures:
        for ref in lec.readings:
            if ref.reading is not None and ref.reading not in readings:
                raise unknown_reference("reading", ref.reading, readings, ref.loc)
            if ref.chapter is not None and ref.chapter not in chapters:
                book, n = ref.chapter
                raise ref.loc.error(f"unknown chapter {book}/{n}")
    return {
        "id": course.id,
        "name": course.name,
        "code": course.code,
        "term": course.term,
        "file": shown,
        "assumes": list(course.assumes),
        "lectures": [
            {"position": lec.position, "number": lec.number, "title": lec.title, "covers": list(dict.fromkeys(lec.covers))}
            for lec in course.lectures
        ],
    }


def check(kg: KnowledgeGraph, course: str) -> CheckReport:
    """``kg check``: the lectures of ``course`` (an id or code in the graph, or the path
    of a course YAML file) that cover topics before their prerequisites.

    Returns ``course``, ``name``, ``file`` (or ``None``), ``assumes``, ``summary`` (counts
    per kind, ``issues`` and ``notes``), ``findings`` (flat, each with ``position``,
    ``lecture``, ``severity``, ``topic``, ``prerequisite``, labels, ``kind``, ``reason``,
    ``taught_at``, ``also_missing``) and ``never_taught``: prerequisites no lecture covers,
    which the course may mean to list under ``assumes``.
    """
    c: CourseFile
    if _looks_like_file(course):
        c = load_course_file(kg, course)
    else:
        rec = kg.course(course)
        c = {
            "id": rec["id"],
            "name": rec["name"],
            "code": rec["code"],
            "term": rec["term"],
            "file": None,
            "assumes": rec["assumes"],
            "lectures": [
                {"position": lec["position"], "number": lec["number"], "title": lec["title"], "covers": lec["covers"]}
                for lec in rec["lectures"]
            ],
        }
    G = prerequisite_graph(kg)
    lectures = [lec["covers"] for lec in c["lectures"]]
    titles = {lec["position"]: lec["title"] for lec in c["lectures"]}
    numbers = {lec["position"]: lec["number"] for lec in c["lectures"]}
    found = check_order(G, lectures, c["assumes"], _broader(kg))
    labels = _labels(kg)
    findings: list[CheckFinding] = [
        {
            "position": f.position,
            "lecture": titles.get(f.position),
            "number": numbers.get(f.position),  # the page's own label, where it has one
            "taught_at_number": numbers.get(f.taught_at) if f.taught_at is not None else None,
            "severity": "issue" if f.is_issue else "note",
            "topic": f.topic,
            "prerequisite": f.prerequisite,
            "kind": f.kind,
            "reason": f.reason,
            "taught_at": f.taught_at,
            "also_missing": list(f.also_missing),
            "topic_label": labels.get(f.topic, f.topic),
            "prerequisite_label": labels.get(f.prerequisite, f.prerequisite),
        }
        for f in found
    ]
    kinds = Counter(f.kind for f in found)
    summary: CheckSummary = {
        "issues": sum(kinds[k] for k in ISSUE_KINDS),
        "notes": sum(kinds[k] for k in NOTE_KINDS),
        "taught-later": kinds["taught-later"],
        "not-taught": kinds["not-taught"],
        "overview": kinds["overview"],
        "same-lecture": kinds["same-lecture"],
        "background-part": kinds["background-part"],
    }
    return {
        "course": c["id"],
        "name": c["name"],
        "file": c["file"],
        "assumes": c["assumes"],
        "lectures": len(lectures),
        "summary": summary,
        "findings": findings,
        "never_taught": sorted({f.prerequisite for f in found if f.kind == "not-taught"}),
    }


# --------------------------------------------------------------------------- compare, diff


def compare(kg: KnowledgeGraph, courses: Sequence[str], threshold: float = 0.3) -> Comparison:
    """``kg compare``: every pair of ``courses`` (ids or codes), as :func:`compare_orders`
    with labels, plus the topics all of them cover."""
    if len(courses) < 2:
        raise UsageError("give at least two courses to compare")
    if not 0 <= threshold <= 1:
        raise UsageError(f"--threshold must be between 0 and 1, got {threshold}")
    ids = _resolve_courses(kg, courses)
    lectures = course_lectures(kg, ids)
    sessions = course_sessions(kg, ids)
    labels = _labels(kg)
    numbers = page_numbers(kg)
    pairs: list[ComparePair] = []
    for a, b in combinations(ids, 2):
        r = compare_orders(lectures.get(a, []), lectures.get(b, []), threshold)
        for m in r["moved"]:
            m["label"] = labels.get(m["topic"], m["topic"])
            m["a_number"] = numbers.get(a, {}).get(m["a"])
            m["b_number"] = numbers.get(b, {}).get(m["b"])
        # A topic one course teaches only in a discussion section or tutorial is still
        # taught there: shared, not unique to the other course (orders stay lecture-based).
        ta = set(first_positions(lectures.get(a, []))) | sessions.get(a, set())
        tb = set(first_positions(lectures.get(b, []))) | sessions.get(b, set())
        pairs.append({
            "a": a,
            "b": b,
            "shared": sorted(ta & tb),
            "only_a": sorted(ta - tb),
            "only_b": sorted(tb - ta),
            "jaccard": round(len(ta & tb) / len(ta | tb), 3) if ta | tb else None,
            "tau": None if r["tau"] is None else round(r["tau"], 3),
            "moved": r["moved"],
        })
    covered = [set(first_positions(lectures.get(c, []))) | sessions.get(c, set()) for c in ids]
    common = sorted(set.intersection(*covered)) if covered else []
    return {
        "courses": [_course_info(kg, c) for c in ids],
        "threshold": threshold,
        "pairs": pairs,
        "shared_by_all": common,
    }


def diff(kg: KnowledgeGraph, old: str, new: str, threshold: float = 0.3) -> Diff:
    """``kg diff``: how course ``new`` changed from ``old`` (:func:`course_diff`, with
    labels and lecture counts)."""
    if not 0 <= threshold <= 1:
        raise UsageError(f"--threshold must be between 0 and 1, got {threshold}")
    o, n = _resolve_courses(kg, [old, new])
    lectures = course_lectures(kg, [o, n])
    lo, ln = lectures.get(o, []), lectures.get(n, [])
    d = course_diff(lo, ln, threshold)
    labels = _labels(kg)
    co, cn = lecture_counts(lo), lecture_counts(ln)
    fo, fn = first_positions(lo), first_positions(ln)
    numbers = page_numbers(kg)
    no, nn = numbers.get(o, {}), numbers.get(n, {})

    def item(t: str, counts: Counter[str], first: dict[str, int], nums: dict[int, str | None]) -> DiffTopic:
        return {
            "id": t, "label": labels.get(t, t), "lectures": counts[t], "first": first[t],
            "first_number": nums.get(first[t]),
        }

    for m in d["moved"]:
        m["label"] = labels.get(m["topic"], m["topic"])
        m["a_number"] = no.get(m["a"])
        m["b_number"] = nn.get(m["b"])
    for r in d["recounted"]:
        r["label"] = labels.get(r["topic"], r["topic"])
    return {
        "old": _course_info(kg, o),
        "new": _course_info(kg, n),
        "threshold": threshold,
        "added": sorted((item(t, cn, fn, nn) for t in d["added"]), key=lambda x: (x["first"], x["id"])),
        "dropped": sorted((item(t, co, fo, no) for t in d["dropped"]), key=lambda x: (x["first"], x["id"])),
        "kept": d["kept"],
        "moved": d["moved"],
        "recounted": d["recounted"],
        "tau": None if d["tau"] is None else round(d["tau"], 3),
    }


# --------------------------------------------------------------------------- coverage


def coverage(kg: KnowledgeGraph) -> Coverage:
    """``kg coverage``: the topics × courses matrix of lecture counts.

    Topics are those at least one lecture covers, ordered by where the courses introduce
    them (mean relative position of the first lecture over the courses that cover them),
    then by id.
    """
    lectures = course_lectures(kg)
    matrix = coverage_matrix(lectures)
    labels = _labels(kg)
    rel = {c: relative_positions(lec) for c, lec in lectures.items()}

    def where(t: str) -> float:
        vals = [rel[c][t] for c in matrix[t]]
        return sum(vals) / len(vals)

    order = sorted(matrix, key=lambda t: (round(where(t), 6), t))
    cids = sorted(lectures)
    return {
        "courses": [_course_info(kg, c) for c in cids],
        "topics": [
            {
                "id": t,
                "label": labels.get(t, t),
                "courses": len(matrix[t]),
                "lectures": sum(matrix[t].values()),
                "counts": {c: matrix[t].get(c, 0) for c in cids},
            }
            for t in order
        ],
    }


def coverage_csv(data: Coverage) -> str:
    """The coverage matrix as CSV: ``topic,label,<course ids...>``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cids = [c["id"] for c in data["courses"]]
    w.writerow(["topic", "label", *cids])
    for t in data["topics"]:
        w.writerow([t["id"], t["label"], *(t["counts"][c] for c in cids)])
    return buf.getvalue()


def coverage_picture(data: Coverage, fmt: str) -> bytes:
    """The coverage matrix as an ``svg`` or ``png`` heatmap."""
    rows = [(t["id"], t["label"]) for t in data["topics"]]
    cols = [(c["id"], c["id"]) for c in data["courses"]]
    values = {t["id"]: t["counts"] for t in data["topics"]}
    title = f"Topics × courses: lectures covering each topic ({len(rows)} topics)"
    if fmt == "png":
        return png_heatmap(rows, cols, values, title)
    return svg_heatmap(rows, cols, values, title).encode()


# --------------------------------------------------------------------------- evidence


def evidence(kg: KnowledgeGraph, a: str, b: str) -> Evidence:
    """``kg evidence A B``: how the courses order topic ``a`` and its prerequisite ``b``.

    For a ``kg:requires`` edge (either way round; ``swapped`` says it was ``b`` that
    requires ``a``) the counts and per-course detail are read from the ``kg:Prerequisite``
    node's triples. For a pair with no edge they are computed from the lectures and
    ``edge`` is ``False`` (useful when weighing a :func:`suggest` ion).
    """
    ta, tb = kg.resolve_topic(a), kg.resolve_topic(b)
    if ta == tb:
        raise UsageError(f"give two different topics (both name {ta!r})")
    swapped = False
    na, nb = ox.NamedNode(V.topic_iri(ta)), ox.NamedNode(V.topic_iri(tb))
    if not kg.run_ask("requires-edge", topic=na, prerequisite=nb) and kg.run_ask(
        "requires-edge", topic=nb, prerequisite=na
    ):
        ta, tb, swapped = tb, ta, True
    labels = _labels(kg)
    q = ox.NamedNode(V.prerequisite_iri(ta, tb))
    rows = kg.run("prerequisite-counts", edge=q)
    edge = bool(rows)
    stored = edge and rows[0]["before"] is not None
    titles: dict[tuple[str, int], str] = {}
    if stored:
        counts = {
            "before": int(rows[0]["before"]), "together": int(rows[0]["together"]),
            "after": int(rows[0]["after"]), "prerequisite-only": int(rows[0]["ponly"]),
            "topic-only": int(rows[0]["tonly"]),
        }
        per: list[CourseOrder] = []
        for r in kg.run("prerequisite-course-evidence", edge=q):
            cid = V.local_id(r["c"])
            per.append({"course": cid, "ordering": r["o"], "topic_at": r["tpos"], "prerequisite_at": r["ppos"]})
            if r["tpos"] is not None:
                titles[(cid, int(r["tpos"]))] = r["ttitle"]
            if r["ppos"] is not None:
                titles[(cid, int(r["ppos"]))] = r["ptitle"]
    else:
        ev = order_evidence(course_lectures(kg), ta, tb)
        counts, per = ev["counts"], ev["courses"]
        for r in kg.run("lecture-titles"):
            titles[(V.local_id(r["c"]), int(r["pos"]))] = r["title"]
    numbers = page_numbers(kg)

    def number(cid: str, pos: int | None) -> str | None:
        return numbers.get(cid, {}).get(int(pos)) if pos is not None else None

    courses: list[CourseOrdering] = [
        {
            "course": p["course"],
            "ordering": p["ordering"],
            "topic_at": p["topic_at"],
            "prerequisite_at": p["prerequisite_at"],
            "topic_lecture": titles.get((p["course"], p["topic_at"])) if p["topic_at"] is not None else None,
            "prerequisite_lecture": (
                titles.get((p["course"], p["prerequisite_at"])) if p["prerequisite_at"] is not None else None
            ),
            "topic_number": number(p["course"], p["topic_at"]),
            "prerequisite_number": number(p["course"], p["prerequisite_at"]),
        }
        for p in per
    ]
    return {
        "topic": ta,
        "topic_label": labels.get(ta, ta),
        "prerequisite": tb,
        "prerequisite_label": labels.get(tb, tb),
        "edge": edge,
        "swapped": swapped,
        "reason": rows[0]["reason"] if edge else None,
        "stored": stored,
        "counts": counts,
        "courses": courses,
    }


def evidence_table(kg: KnowledgeGraph, limit: int | None = None) -> list[EvidenceRow]:
    """Every prerequisite edge with its evidence counts, most contested first (the
    counts of the shipped query ``prerequisite-evidence``, which stops at 1,000 edges)."""
    rows = kg.run("prerequisite-evidence-all")
    out: list[EvidenceRow] = [
        {
            "topic": V.local_id(r["topic"]),
            "prerequisite": V.local_id(r["prerequisite"]),
            "before": int(r["before"]),
            "together": int(r["together"]),
            "after": int(r["after"]),
            "prerequisite_only": int(r["prerequisite_only"]),
            "topic_only": int(r["topic_only"]),
        }
        for r in rows
    ]
    return out[:limit] if limit is not None else out


# --------------------------------------------------------------------------- suggest


_TOPIC_LINE = re.compile(r"^\s*-\s*id:\s*([a-z0-9][a-z0-9-]*)\s*(#.*)?$")


def _topic_files(kg: KnowledgeGraph) -> dict[str, str]:
    """topic id → ``FILE:LINE`` of its entry in the data directory, when kg can see it."""
    try:
        root = kg.data_dir
    except KGError:
        return {}
    out: dict[str, str] = {}
    for path in sorted((root / "topics").glob("*.yaml")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for i, line in enumerate(lines, start=1):
            m = _TOPIC_LINE.match(line)
            if m:
                try:
                    shown = path.relative_to(Path.cwd())
                except ValueError:
                    shown = path
                out.setdefault(m.group(1), f"{shown}:{i}")
    return out


def yaml_snippet(topic: str, prerequisite: str, reason: str = "TODO: reason") -> str:
    """The lines to paste under ``topic``'s ``requires:`` in its topics file.

    >>> print(yaml_snippet("transformers", "attention"))
          - topic: attention
            reason: "TODO: reason"
    """
    return f'      - topic: {prerequisite}\n        reason: "{reason}"'


def suggest(
    kg: KnowledgeGraph, min_courses: int = 3, limit: int | None = 20, min_agreement: float = 1.0
) -> Suggestions:
    """``kg suggest``: :func:`implied_edges` over the graph's courses and prerequisite
    graph, with labels, where each topic is defined and a YAML snippet to paste."""
    if min_courses < 1:
        raise UsageError(f"--min-courses must be at least 1, got {min_courses}")
    if not 0 < min_agreement <= 1:
        raise UsageError(f"--min-agreement must be in (0, 1], got {min_agreement}")
    lectures = course_lectures(kg)
    found = implied_edges(
        lectures, prerequisite_graph(kg), _broader(kg), min_courses=min_courses, min_agreement=min_agreement
    )
    total = len(found)
    if limit is not None:
        found = found[:limit]
    labels = _labels(kg)
    files = _topic_files(kg) if found else {}
    numbers = page_numbers(kg) if found else {}
    for s in found:
        s["numbers"] = {
            c: [numbers.get(c, {}).get(p) for p in pos] for c, pos in s["positions"].items()
        }
        s["topic_label"] = labels.get(s["topic"], s["topic"])
        s["prerequisite_label"] = labels.get(s["prerequisite"], s["prerequisite"])
        s["file"] = files.get(s["topic"])
        s["yaml"] = yaml_snippet(s["topic"], s["prerequisite"])
    return {
        "courses": sorted(lectures),
        "min_courses": min_courses,
        "min_agreement": min_agreement,
        "total": total,
        "suggestions": found,
    }
