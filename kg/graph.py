"""The knowledge graph as a Python object: open it, look things up, query it.

>>> from kg import KnowledgeGraph
>>> g = KnowledgeGraph.open()
>>> g.resolve_topic("backprop")
'backpropagation'

Every answer comes from SPARQL (kg's own queries in ``kg/queries/internal/*.rq``) run
on a :class:`kg.backends.Backend`: the built local store, so triples a user adds
(``*.ttl`` in the data directory) show up here too, or a remote endpoint
(:meth:`KnowledgeGraph.remote`). Lookups return the typed records of :mod:`kg.records`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import vocab as V
from kg.backends import Backend, Endpoint, LocalStore, Row, dump_format
from kg.build.store import Built, build_store, default_data_dir, open_fresh
from kg.errors import Ambiguous, NotFound, UsageError
from kg.queries import render_internal

if TYPE_CHECKING:  # the records are types only; the start-up need not build them
    from kg.records import (
        CourseAssignment,
        CourseEvent,
        CourseLecture,
        CourseRecord,
        CourseSummary,
        LectureReading,
        LectureRecord,
        SearchHit,
        TopicRecord,
        TopicRef,
        TopicReason,
        TopicSummary,
        WhereTaught,
    )
    from kg.build.planindex import PlanIndex
    from kg.sparql import Result

__all__ = ["KnowledgeGraph", "name_words"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_WORD = re.compile(r"[^\W_]+")


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name as people type it: case, hyphens, spaces and punctuation do not
    matter (``"Low-rank  adaptation"`` -> ``("low", "rank", "adaptation")``).

    >>> name_words("Low-rank adaptation") == name_words("low rank ADAPTATION")
    True
    """
    return tuple(_WORD.findall(text.casefold()))


def _squash(words: tuple[str, ...]) -> str:
    return "".join(words)


def _number_variants(s: str) -> list[str]:
    # "transformer" finds "transformers" and the other way round.
    return [s, s[:-1] if s.endswith("s") else s + "s"]

#: How many terms :meth:`KnowledgeGraph.run_each` sends in one VALUES block.
VALUES_CHUNK = 500

#: :meth:`KnowledgeGraph.run_lookup` sends one bulk query for a list of at least this
#: share of the graph's topics (and at least :data:`BULK_MIN` terms).
BULK_SHARE = 1 / 8
BULK_MIN = 2_000

Term = ox.NamedNode | ox.Literal
"""A value bound to a ``$param`` of an internal query (a list binds a VALUES block)."""


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _topic(tid: str) -> ox.NamedNode:
    return ox.NamedNode(V.topic_iri(tid))


class KnowledgeGraph:
    """kg's graph over one :class:`kg.backends.Backend`: the built local store
    (:meth:`open`) or a remote SPARQL endpoint (:meth:`remote`)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @classmethod
    def remote(cls, endpoint: str) -> KnowledgeGraph:
        """The graph held by a SPARQL 1.1 Protocol ``endpoint``: every lookup, plan and
        query is sent there, fetching only what the question needs."""
        return cls(Endpoint(endpoint))

    @classmethod
    def open(cls, data_dir: str | Path | None = None, *, rebuild: bool = False) -> KnowledgeGraph:
        """Open the graph for ``data_dir`` (default: ``$KG_DATA`` or the shipped data),
        building and caching it first if any source changed."""
        path = Path(data_dir) if data_dir is not None else default_data_dir()
        return cls(LocalStore(build_store(path, force=rebuild)))

    @classmethod
    def open_fresh(cls, data_dir: str | Path | None = None) -> KnowledgeGraph | None:
        """The graph for ``data_dir`` if its cached store is fresh, else ``None``: never
        builds (see :func:`kg.build.store.open_fresh`)."""
        built = open_fresh(Path(data_dir) if data_dir is not None else default_data_dir())
        return cls(LocalStore(built)) if built is not None else None

    @classmethod
    def from_built(cls, built: Built) -> KnowledgeGraph:
        """The graph of a store built elsewhere (benchmarks, tests)."""
        return cls(LocalStore(built))

    # ------------------------------------------------------------------ basics

    @property
    def store(self) -> ox.Store:
        """The local pyoxigraph store; :class:`UsageError` on an endpoint."""
        return self.backend.local().store

    @property
    def data_dir(self) -> Path:
        return self.backend.local().built.data_dir

    @property
    def manifest(self) -> dict[str, Any]:
        return self.backend.manifest

    @property
    def rebuilt(self) -> bool:
        return self.backend.rebuilt

    @property
    def cache_path(self) -> Path | None:
        return self.backend.cache_path

    def __len__(self) -> int:
        return len(self.backend)

    def query(self, sparql: str) -> Any:
        """Run SPARQL on the local store with the contract prefixes predeclared;
        returns pyoxigraph results."""
        return self.backend.local().query(sparql)

    def select(self, sparql: str) -> list[Row]:
        """Rows of a SELECT query as dicts of plain Python values."""
        return self.backend.select(sparql)

    def ask(self, sparql: str) -> bool:
        """The answer to an ASK query."""
        return self.backend.ask(sparql)

    def run(self, name: str, /, **bindings: Term | Sequence[Term]) -> list[Row]:
        """Rows of kg's own query ``kg/queries/internal/NAME.rq`` with its ``$params``
        bound to pyoxigraph terms (see :func:`kg.queries.render_internal`)."""
        return self.backend.select(render_internal(name, **bindings))

    def run_rows(self, name: str, /, **bindings: Term | Sequence[Term]) -> list[tuple[Any, ...]]:
        """:meth:`run` with each row a tuple in the order of the query's variables:
        for queries of tens of thousands of rows, a fifth cheaper than dicts."""
        return self.backend.select_rows(render_internal(name, **bindings))

    def run_each(self, name: str, /, **bindings: Term | Sequence[Term]) -> list[Row]:
        """Rows of kg's own query ``NAME`` whose one list-valued ``$param`` (a VALUES
        block) is sent :data:`VALUES_CHUNK` terms at a time.

        For queries whose every row belongs to one of those terms (lookups per topic, per
        lecture): the rows are the same as :meth:`run`'s, chunk by chunk, each chunk in
        the query's order. Oxigraph changes its join strategy for a long VALUES block
        (lectures covering 2,000 topics: 5 s of CPU against 0.04 s for 1,000), so a
        lookup for the 28,000 topics of a large plan stays linear this way.
        """
        key, terms = _the_list("run_each", name, bindings)
        rows: list[Row] = []
        for i in range(0, len(terms), VALUES_CHUNK):
            rows += self.run(name, **{**bindings, key: terms[i : i + VALUES_CHUNK]})
        return rows

    def run_lookup(self, name: str, /, **bindings: Term | Sequence[Term]) -> list[Row]:
        """Rows of the per-term lookup ``NAME`` (a query for :meth:`run_each`), by the
        cheaper of two plans.

        A short list goes as :meth:`run_each` does: VALUES chunks, whose terms the
        engine looks up one by one in its indexes. A list of at least
        :data:`BULK_SHARE` of the graph's topics (on the local store) goes as one query,
        ``NAME-bulk``, with the whole list: the same rows, each term's in the same
        order, from patterns each in its own subquery, so that Oxigraph scans each
        property once and hash-joins the scans with the list. Seeking per term costs
        more than that scan once a list covers a large part of the graph (the reasons
        of the edges into 29,000 of 100,000 topics: 1.9 s of CPU in chunks, 0.8 s in
        one bulk query); a long VALUES list joined row by row instead of by hash is
        what makes :meth:`run_each` chunk.
        """
        lists = [v for v in bindings.values() if isinstance(v, (list, tuple))]
        if len(lists) == 1 and len(lists[0]) >= self._bulk_min:
            return self.run(f"{name}-bulk", **bindings)
        return self.run_each(name, **bindings)

    def run_lookup_rows(self, name: str, /, **bindings: Term | Sequence[Term]) -> list[tuple[Any, ...]]:
        """:meth:`run_lookup` with each row a tuple in the order of the query's
        variables (``NAME`` and ``NAME-bulk`` name theirs alike)."""
        key, terms = _the_list("run_lookup_rows", name, bindings)
        if len(terms) >= self._bulk_min:
            return self.run_rows(f"{name}-bulk", **bindings)
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(terms), VALUES_CHUNK):
            rows += self.run_rows(name, **{**bindings, key: terms[i : i + VALUES_CHUNK]})
        return rows

    @cached_property
    def _bulk_min(self) -> float:
        # The topic count the build recorded; a remote endpoint's engine joins its own way.
        topics = self.manifest.get("topics") if isinstance(self.backend, LocalStore) else None
        if not isinstance(topics, int):
            return float("inf")
        return max(BULK_MIN, topics * BULK_SHARE)

    @cached_property
    def plan_index(self) -> PlanIndex | None:
        """The plan index the build wrote beside the local store
        (:mod:`kg.build.planindex`), or ``None`` (an endpoint, a store built in memory,
        a graph the index cannot describe, a missing or damaged file): plans then read
        everything through SPARQL."""
        built = self.backend.built if isinstance(self.backend, LocalStore) else None
        if built is None or built.path is None:
            return None
        # Loaded here, not at the top: only plans read it.
        from kg.build.planindex import FILE, load_plan_index

        return load_plan_index(built.path / FILE, built.key)

    def run_ask(self, name: str, /, **bindings: Term | Sequence[Term]) -> bool:
        """The answer of kg's own ASK query ``kg/queries/internal/NAME.rq``."""
        return self.backend.ask(render_internal(name, **bindings))

    def execute(
        self, text: str, fmt: str | None = None, *, max_rows: int | None = None, allow_service: bool = False
    ) -> Result:
        """Run a user's query and serialise the result (``kg query``, see
        :func:`kg.sparql.execute`)."""
        return self.backend.execute(text, fmt, max_rows=max_rows, allow_service=allow_service)

    # ------------------------------------------------------------------ names

    @cached_property
    def _topic_names(self) -> dict[str, str]:
        """Every id, label and alias (casefolded) → topic id."""
        rows = self.run("topic-names")
        names: dict[str, str] = {}
        for r in rows:
            tid = V.local_id(r["t"])
            names.setdefault(tid.casefold(), tid)
        for r in rows:
            names.setdefault(str(r["name"]).casefold(), V.local_id(r["t"]))
        return names

    def _lookup(self, key: str, *, scan: bool = True) -> str | None:
        # Small queries instead of loading every name: most lookups are an id or one
        # label/alias, and this keeps `kg path` fast on large graphs. A name typed in
        # one of the casings labels use is an index lookup; only ``scan`` compares the
        # casefolded key with every name.
        if "_topic_names" in self.__dict__:
            return self._topic_names.get(key)
        if _SLUG.match(key):
            if self.run_ask("topic-exists", topic=_topic(key)):
                return key
        forms = dict.fromkeys([key, key.capitalize(), key.title(), key.upper()])
        names = [ox.Literal(f, language="en") for f in forms] + [ox.Literal(f) for f in forms]
        rows = self.run("topic-by-exact-name", names=names)
        if not rows and scan:
            rows = self.run("topic-by-name", name=ox.Literal(key))
        return V.local_id(rows[0]["t"]) if rows else None

    def topic_ids(self) -> list[str]:
        return sorted(set(self._topic_names.values()))

    def resolve_topic(self, name: str) -> str:
        """The id of the topic ``name`` names: an id, label or alias, matched ignoring
        case, hyphens and spaces (``"low rank adaptation"`` is ``lora``) and singular or
        plural; failing that, a name the text starts (``"diffusion"`` is
        ``diffusion-models``) when exactly one topic has one.

        Raises
        ------
        Ambiguous
            When several topics match equally well; it lists them.
        NotFound
            With up to three close names as suggestions.
        """
        key = " ".join(name.split()).casefold()
        variants = _number_variants(key)
        for scan in (False, True):  # every variant through the indexes before any scan
            for v in variants:
                tid = self._lookup(v, scan=scan)
                if tid is not None:
                    return tid
        words = name_words(name)
        if not words:
            raise NotFound("topic", name, [])
        index = self._word_index
        for v in _number_variants(_squash(words)):
            hits = index.get(v, set())
            if len(hits) == 1:
                return next(iter(hits))
            if hits:
                raise Ambiguous("topic", name, sorted(hits))
        # A name that begins with the words typed ("diffusion" -> "Diffusion models").
        starts = {
            tid
            for n, ids in self._name_words.items()
            for tid in ids
            if len(n) > len(words) and n[: len(words)] == words
        }
        if len(starts) == 1:
            return next(iter(starts))
        if starts:
            raise Ambiguous("topic", name, sorted(starts))
        raise NotFound("topic", name, self.suggest_topics(name))

    @cached_property
    def _name_words(self) -> dict[tuple[str, ...], set[str]]:
        """The words of every id, label and alias -> the topics it names."""
        out: dict[tuple[str, ...], set[str]] = {}
        for n, tid in self._topic_names.items():
            out.setdefault(name_words(n), set()).add(tid)
        for tid in set(self._topic_names.values()):
            out.setdefault(name_words(tid), set()).add(tid)
        return out

    @cached_property
    def _word_index(self) -> dict[str, set[str]]:
        """Every name with case, hyphens and spaces squeezed out -> the topics it names."""
        out: dict[str, set[str]] = {}
        for words, ids in self._name_words.items():
            out.setdefault(_squash(words), set()).update(ids)
        return out

    def suggest_topics(self, name: str, n: int = 3) -> list[str]:
        """Ids of up to ``n`` topics whose id, label or alias looks like ``name``."""
        ids = [self._topic_names[h] for h in _suggest(name, self._topic_names, n=4 * n)]
        return list(dict.fromkeys(ids))[:n]

    # ------------------------------------------------------------------ lookups

    def topic(self, name: str) -> TopicRecord:
        """Everything about one topic: labels, definition, prerequisites, where taught."""
        tid = self.resolve_topic(name)
        iri = V.topic_iri(tid)
        node = _node(iri)
        one = self.run("topic-info", topic=node)
        row: Row = one[0] if one else {"label": tid, "def": None, "broader": None}
        aliases = [r["a"] for r in self.run("topic-aliases", topic=node)]
        narrower = self.run("topic-narrower", topic=node)
        requires = self.run("topic-requires", topic=node)
        required_by = self.run("topic-required-by", topic=node)
        where = self.where_taught([tid])[tid]
        return {
            "id": tid,
            "iri": iri,
            "label": row["label"],
            "aliases": aliases,
            "definition": row["def"],
            "broader": self._ref(row["broader"]),
            "narrower": [{"id": V.local_id(r["t"]), "label": r["label"]} for r in narrower],
            "requires": [_reason(r) for r in requires],
            "required_by": [_reason(r) for r in required_by],
            "lectures": where["lectures"],
            "sessions": where["sessions"],
            "chapters": where["chapters"],
            "readings": where["readings"],
        }

    def _ref(self, iri: str | None) -> TopicRef | None:
        if iri is None:
            return None
        rows = self.run("label", node=_node(iri))
        return {"id": V.local_id(iri), "label": str(rows[0]["l"]) if rows else V.local_id(iri)}

    def where_taught(self, topic_ids: Iterable[str], *, lectures: Iterable[Row] | None = None) -> dict[str, WhereTaught]:
        """For each topic: the lectures, teaching sessions (discussion sections, tutorials),
        chapters and readings that cover it.

        Lectures are ordered by course then position (``number`` is the page's own label
        for the lecture, where it has one); readings required before optional.
        ``lectures``: the where-taught-lectures rows of these topics, if a caller has
        fetched them already (:func:`kg.plan.plan` does, with what it orders by).
        """
        ids = list(dict.fromkeys(topic_ids))
        found = self.places(ids, lectures=lectures)
        return {t: found.get(t) or {"lectures": [], "sessions": [], "chapters": [], "readings": []} for t in ids}

    def places(
        self, topic_ids: Iterable[str], *, lectures: Iterable[Row] | None = None,
        others: Mapping[str, Iterable[str]] | None = None,
    ) -> dict[str, WhereTaught]:
        """:meth:`where_taught` of the topics something covers only (a topic nothing
        covers has no entry): for a plan's tens of thousands of topics, most untaught,
        no empty lists for each. ``lectures``: the where-taught-lectures rows, already
        fetched; ``others``: for ``"sessions"``, ``"chapters"`` and ``"readings"``, the
        only topics of ``topic_ids`` one of those may cover (the rest are not looked
        up)."""
        ids = list(dict.fromkeys(topic_ids))
        out: dict[str, WhereTaught] = {}
        if not ids:
            return out

        def at(iri: str) -> WhereTaught:
            t = V.local_id(iri)
            w = out.get(t)
            if w is None:
                w = out[t] = {"lectures": [], "sessions": [], "chapters": [], "readings": []}
            return w

        courses: dict[str, str] = {}  # one id string per course, however many lectures
        if lectures is None:
            lectures = self.run_lookup("where-taught-lectures", topics=[_topic(t) for t in ids])
        every = [_topic(t) for t in ids] if others is None else []

        def of(kind: str) -> list[ox.NamedNode]:
            return every if others is None else [_topic(t) for t in dict.fromkeys(others.get(kind, ()))]

        for r in lectures:
            course = courses.get(r["course"]) or courses.setdefault(r["course"], V.local_id(r["course"]))
            at(r["t"])["lectures"].append(
                {
                    "id": V.local_id(r["lec"]),
                    "course": course,
                    "code": r["code"],
                    "term": r["term"],
                    "position": r["pos"],
                    "number": r["num"],
                    "date": r["date"],
                    "title": r["title"],
                }
            )
        for r in _sorted(self.run_lookup("where-taught-sessions", topics=of("sessions")), "course", "date", "week", "title"):
            at(r["t"])["sessions"].append(
                {
                    "id": V.local_id(r["e"]),
                    "course": V.local_id(r["course"]),
                    "code": r["code"],
                    "kind": r["kind"],
                    "date": r["date"],
                    "week": r["week"],
                    "title": r["title"],
                }
            )
        chapters = _sorted(self.run_lookup("where-taught-chapters", topics=of("chapters")), "btitle", "n")
        sections = self._chapter_sections(dict.fromkeys(r["ch"] for r in chapters))
        for r in chapters:
            at(r["t"])["chapters"].append(
                {
                    "id": V.local_id(r["ch"]),
                    "book": r["btitle"],
                    "number": r["n"],
                    "title": r["title"],
                    "sections": sections.get(r["ch"], []),
                }
            )
        for r in _sorted(self.run_lookup("where-taught-readings", topics=of("readings")), "optional", "title"):
            at(r["t"])["readings"].append(
                {
                    "id": V.local_id(r["rd"]),
                    "title": r["title"],
                    "kind": r["kind"],
                    "optional": bool(int(r["optional"])),
                }
            )
        return out

    def _chapter_sections(self, chapter_iris: Iterable[str]) -> dict[str, list[str]]:
        """The sections lectures assign of each of ``chapter_iris``, sorted."""
        chapters = [ox.NamedNode(c) for c in chapter_iris]
        out: dict[str, list[str]] = {}
        if chapters:
            for r in self.run_each("chapter-sections", chapters=chapters):
                out.setdefault(r["ch"], []).append(r["s"])
        return out

    # ------------------------------------------------------------------ courses

    def courses(self) -> list[CourseSummary]:
        return [
            {
                "id": V.local_id(r["c"]),
                "name": r["name"],
                "code": r["code"],
                "term": r["term"],
                "provider": r["provider"],
                "lectures": int(r["lectures"]),
                "topics": int(r["topics"]),
            }
            for r in self.run("courses")
        ]

    def course_ids(self) -> list[str]:
        return [V.local_id(r["c"]) for r in self.run("course-ids")]

    def resolve_course(self, name: str) -> str:
        ids = self.course_ids()
        if name in ids:
            return name
        low = name.casefold()
        for c in self.courses():
            if low in {c["id"].casefold(), (c["code"] or "").casefold()} and c["code"]:
                return str(c["id"])
        raise NotFound("course", name, _suggest(name, ids))

    def course(self, name: str) -> CourseRecord:
        cid = self.resolve_course(name)
        iri = V.course_iri(cid)
        node = _node(iri)
        info = next(c for c in self.courses() if c["id"] == cid)
        lectures = self.run("course-lectures", course=node)
        covers: dict[str, list[str]] = {}
        for r in self.run("course-covers", course=node):
            covers.setdefault(r["lec"], []).append(V.local_id(r["t"]))
        events = self.run("course-events", course=node)
        events.sort(key=lambda r: (str(r["date"] or ""), r["week"] if r["week"] is not None else -1, _tail(r["e"])))
        assignments = self.run("course-assignments", course=node)
        assignments.sort(key=lambda r: (str(r["released"] or r["due"] or ""), r["week"] if r["week"] is not None else -1, r["title"]))
        assumes = [V.local_id(r["t"]) for r in self.run("course-assumes", course=node)]
        course_lectures: list[CourseLecture] = [
            {
                "id": V.local_id(r["lec"]),
                "position": r["pos"],
                "number": r["num"],
                "date": r["date"],
                "title": r["title"],
                "speakers": sorted(s for s in (r["speakers"] or "").split("; ") if s),
                "guest": bool(r["guest"]),
                "covers": covers.get(r["lec"], []),
            }
            for r in lectures
        ]
        course_events: list[CourseEvent] = [
            {"kind": r["kind"], "date": r["date"], "week": r["week"], "title": r["title"]} for r in events
        ]
        course_assignments: list[CourseAssignment] = [
            {
                "id": V.local_id(r["a"]).rsplit("/", 1)[-1],
                "kind": r["kind"],
                "title": r["title"],
                "released": r["released"],
                "due": r["due"],
                "week": r["week"],
            }
            for r in assignments
        ]
        return {
            "id": info["id"],
            "name": info["name"],
            "code": info["code"],
            "term": info["term"],
            "provider": info["provider"],
            "lectures": course_lectures,
            "topics": info["topics"],
            "iri": iri,
            "assumes": assumes,
            "events": course_events,
            "assignments": course_assignments,
        }

    def lecture(self, course: str, n: int) -> LectureRecord:
        cid = self.resolve_course(course)
        iri = V.lecture_iri(cid, n)
        node = _node(iri)
        rows = self.run("lecture-info", lecture=node)
        if not rows:
            # Lectures are numbered as their page numbers them (BU skips 06, a tutorial).
            nums = sorted(
                int(_tail(x["l"]))
                for x in self.run("course-lecture-count", course=_node(V.course_iri(cid)))
                if _tail(x["l"]).isdigit()
            )
            raise NotFound("lecture", f"{cid}/lecture/{n}", [f"{cid}/lecture/{nums[0]} … {cid}/lecture/{nums[-1]}"] if nums else [])
        r = rows[0]
        speakers = [x["n"] for x in self.run("lecture-speakers", lecture=node)]
        covers = self.run("lecture-covers", lecture=node)
        readings = self.run("lecture-readings", lecture=node)
        readings.sort(key=lambda x: (x["opt"], int(_tail(x["ra"]))))
        materials = [x["m"] for x in self.run("lecture-materials", lecture=node)]
        lecture_readings: list[LectureReading] = [
            {
                "id": V.local_id(x["item"]),
                "title": x["title"],
                "kind": x["kind"] or ("chapter" if x["book"] else None),
                "book": x["book"],
                "chapter": x["n"],
                "optional": x["opt"],
                "sections": x["sections"],
                "note": x["note"],
            }
            for x in readings
        ]
        return {
            "id": V.local_id(iri),
            "iri": iri,
            "course": cid,
            "position": r["pos"],
            "number": r["num"],
            "date": r["date"],
            "title": r["title"],
            "guest": bool(r["guest"]),
            "speakers": speakers,
            "covers": [{"id": V.local_id(x["t"]), "label": x["l"]} for x in covers],
            "readings": lecture_readings,
            "materials": materials,
        }

    def show(self, thing: str) -> tuple[str, TopicRecord | CourseRecord | LectureRecord]:
        """Look up a topic, course or lecture by what a user types.

        Lectures are ``COURSE/lecture/N`` or ``COURSE/N`` (``N`` as in the lecture's IRI),
        or ``COURSE/LABEL`` with the page's own label for it (``oxford-deepnlp-ht17/2a``).
        Returns ``(kind, record)``.
        """
        if "/" in thing:
            course, _, rest = thing.partition("/")
            n = rest.removeprefix("lecture/")
            if n.isdigit():
                return "lecture", self.lecture(course, int(n))
            # A page's own label that is not a number ("1a", "5.2") names the lecture too.
            for lec in self.course(course)["lectures"] if n else []:
                if (lec["number"] or "").casefold() == n.casefold():
                    return "lecture", self.lecture(course, int(_tail(lec["id"])))
            raise UsageError(
                f"cannot read {thing!r} as a lecture: write COURSE/lecture/N, e.g. mit-6.7960-fa25/lecture/2, "
                "or the page's own label, e.g. oxford-deepnlp-ht17/2a"
            )
        if thing in self.course_ids():
            return "course", self.course(thing)
        try:
            return "topic", self.topic(thing)
        except Ambiguous:
            raise
        except NotFound as exc:
            try:
                return "course", self.course(thing)
            except NotFound:
                hints = _suggest(thing, [*self._topic_names, *self.course_ids()])
                raise NotFound("topic or course", thing, hints or exc.suggestions) from None

    # ------------------------------------------------------------------ topics

    def topics(self, course: str | None = None) -> list[TopicSummary]:
        """All topics (or those a course covers), with prerequisite and lecture counts."""
        if course is None:
            rows = self.run("topics")
        else:
            rows = self.run("course-topics", course=_node(V.course_iri(self.resolve_course(course))))
        return [
            {
                "id": V.local_id(r["t"]),
                "label": r["label"],
                "broader": V.local_id(r["broader"]) if r["broader"] else None,
                "requires": int(r["requires"]),
                "dependents": int(r["dependents"]),
                "lectures": int(r["lectures"]),
            }
            for r in rows
        ]

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        """Topics whose label, alias or definition match ``text``, best first."""
        # rapidfuzz is only needed here and in "did you mean"; imported when used to keep
        # every other command's start-up quick.
        from rapidfuzz import fuzz, utils

        q = utils.default_process(text)
        if not q:
            raise UsageError("search text is empty")
        hits: list[SearchHit] = []
        for r in self.run("topic-search-rows"):
            alts = [a for a in (r["alts"] or "").split("\u001f") if a]
            names = [r["label"], V.local_id(r["t"]), *alts]
            name_score = max(fuzz.WRatio(q, utils.default_process(n)) for n in names)
            exact = any(utils.default_process(n) == q for n in names) or any(
                _squash(name_words(n)) == _squash(name_words(text)) for n in names
            )
            words = q.split()
            definition = utils.default_process(r["def"] or "")
            in_def = bool(words) and all(w in definition.split() for w in words)
            score = 100.0 if exact else max(name_score, 75.0 if in_def else 0.0)
            if score >= 70:
                hits.append(
                    {
                        "id": V.local_id(r["t"]),
                        "label": r["label"],
                        "aliases": sorted(alts),
                        "definition": r["def"],
                        "score": round(score, 1),
                    }
                )
        hits.sort(key=lambda h: (-h["score"], h["label"].casefold()))
        return hits[:limit]

    # ------------------------------------------------------------------ export

    def requires_edges(self) -> Iterator[tuple[str, str]]:
        """``(topic, prerequisite)`` id pairs of every ``kg:requires`` triple."""
        for r in self.run("requires-edges"):
            yield V.local_id(r["a"]), V.local_id(r["b"])

    def serialize(self, fmt: str) -> bytes:
        """The whole graph as Turtle, N-Triples, JSON-LD or RDF/XML bytes."""
        return self.backend.dump(dump_format(fmt))


def _sorted(rows: list[Row], *names: str) -> list[Row]:
    """``rows`` as SPARQL's ``ORDER BY ?name ...`` orders them (unbound first, then by
    value), sorted here: an engine compares terms by their strings, which Oxigraph
    reads from its store for every comparison (most of a lookup's time for thousands
    of rows). Values of kinds that do not compare (an integer beside a string) go by
    kind, then text."""
    try:
        return sorted(rows, key=lambda r: tuple((r[n] is not None, r[n]) for n in names))
    except TypeError:
        return sorted(rows, key=lambda r: tuple((r[n] is not None, type(r[n]).__name__, str(r[n])) for n in names))


def _reason(r: Row) -> TopicReason:
    return {"id": V.local_id(r["t"]), "label": r["label"], "reason": r["reason"]}


def _tail(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _suggest(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    # kg.build.sources (and YAML with it) loads only for a "did you mean": a lookup that
    # succeeds never pays for it.
    from kg.build.sources import suggest

    return suggest(name, choices, n=n)


def _the_list(method: str, name: str, bindings: dict[str, Any]) -> tuple[str, list[Any] | tuple[Any, ...]]:
    """The one list-valued parameter of a per-term lookup: its name and its terms."""
    lists = [k for k, v in bindings.items() if isinstance(v, (list, tuple))]
    if len(lists) != 1:
        raise TypeError(f"{method}({name!r}) needs exactly one list-valued parameter, got {sorted(lists)}")
    terms = bindings[lists[0]]
    return lists[0], terms
