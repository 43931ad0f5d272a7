"""The knowledge graph as a Python object: open it, look things up, query it.

>>> from kg import KnowledgeGraph
>>> g = KnowledgeGraph.open()
>>> g.resolve_topic("backprop")
'backpropagation'

Every answer comes from SPARQL over the RDF store, so triples a user adds (``*.ttl`` in
the data directory) show up here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import vocab as V
from kg.errors import KGError, NotFound, UsageError
from kg.build.store import Built, build_store, default_data_dir

if TYPE_CHECKING:
    from kg.sparql import Result

__all__ = ["KnowledgeGraph", "to_python"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def to_python(term: Any) -> Any:
    """A SPARQL result term as a plain value (IRI → str, typed literal → int/bool/str)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt == V.XSD.integer:
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt == V.XSD.boolean:
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


class KnowledgeGraph:
    """A built kg graph in an embedded pyoxigraph store."""

    def __init__(self, built: Built | None = None, *, endpoint: str | None = None) -> None:
        if (built is None) == (endpoint is None):
            raise ValueError("give a built store or an endpoint")
        self._built = built
        self.endpoint = endpoint
        self.store: ox.Store = built.store if built is not None else ox.Store()

    @classmethod
    def remote(cls, endpoint: str) -> KnowledgeGraph:
        """The graph held by a SPARQL 1.1 Protocol ``endpoint``: every lookup, plan and
        query is sent there, fetching only what the question needs."""
        return cls(endpoint=endpoint)

    @classmethod
    def open(cls, data_dir: str | Path | None = None, *, rebuild: bool = False) -> KnowledgeGraph:
        """Open the graph for ``data_dir`` (default: ``$KG_DATA`` or the shipped data),
        building and caching it first if any source changed."""
        path = Path(data_dir) if data_dir is not None else default_data_dir()
        return cls(build_store(path, force=rebuild))

    # ------------------------------------------------------------------ basics

    def _local(self) -> Built:
        if self._built is None:
            raise UsageError(f"this needs the local graph, not the endpoint {self.endpoint}")
        return self._built

    @property
    def data_dir(self) -> Path:
        return self._local().data_dir

    @property
    def manifest(self) -> dict[str, Any]:
        return self._built.manifest if self._built is not None else {}

    @property
    def rebuilt(self) -> bool:
        return self._built.rebuilt if self._built is not None else False

    @property
    def cache_path(self) -> Path | None:
        return self._built.path if self._built is not None else None

    def __len__(self) -> int:
        if self.endpoint is not None:
            return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
        return len(self.store)

    def query(self, sparql: str) -> Any:
        """Run SPARQL on the local store with the contract prefixes predeclared;
        returns pyoxigraph results."""
        self._local()
        try:
            return self.store.query(sparql, prefixes=V.PREFIXES)
        except SyntaxError as exc:
            raise UsageError(f"invalid SPARQL: {exc}") from None
        except OSError as exc:
            raise KGError(f"query failed: {exc}") from None

    def execute(
        self, sparql: str, fmt: str | None = None, *, max_rows: int | None = None, allow_service: bool = False
    ) -> Result:
        """Run a user's query, local or remote alike, serialised as ``fmt`` (a name from
        :func:`kg.sparql.formats_for`; default JSON results or Turtle). ``max_rows`` caps a
        local SELECT (a remote endpoint applies its own limits)."""
        # kg.sparql (result serialisers) loads only for user queries: not on kg path's start-up.
        from kg.sparql import Result, check_query, execute, result_format

        if self.endpoint is None:
            return execute(self.store, sparql, fmt, max_rows=max_rows, allow_service=allow_service)
        from kg import backends as remote

        form = check_query(sparql, allow_service=allow_service)
        out = result_format(form, fmt)
        body, _ = remote.sparql_request(self.endpoint, V.sparql_prologue() + sparql, out.media_type)
        return Result(body, out.media_type, form)

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Rows of a SELECT query as dicts of plain Python values."""
        if self.endpoint is not None:
            from kg import backends as remote

            return remote.select(self.endpoint, V.sparql_prologue() + sparql)
        res = self.query(sparql)
        names = [v.value for v in res.variables]
        return [{n: to_python(sol[n]) for n in names} for sol in res]

    def run(self, name: str, /, **bindings: Any) -> list[dict[str, Any]]:
        """Rows of kg's own query ``kg/queries/internal/NAME.rq`` with its ``$params``
        bound to pyoxigraph terms (see :func:`kg.queries.render_internal`)."""
        from kg.queries import render_internal

        return self.select(render_internal(name, **bindings))

    def ask(self, sparql: str) -> bool:
        if self.endpoint is not None:
            from kg import backends as remote

            return remote.ask(self.endpoint, V.sparql_prologue() + sparql)
        return bool(self.query(sparql))

    # ------------------------------------------------------------------ names

    @cached_property
    def _topic_names(self) -> dict[str, str]:
        """Every id, label and alias (casefolded) → topic id."""
        rows = self.select(
            """SELECT ?t ?name WHERE {
                 ?t a kg:Topic .
                 { ?t skos:prefLabel ?name } UNION { ?t skos:altLabel ?name }
               }"""
        )
        names: dict[str, str] = {}
        for r in rows:
            tid = V.local_id(r["t"])
            names.setdefault(tid.casefold(), tid)
        for r in rows:
            names.setdefault(str(r["name"]).casefold(), V.local_id(r["t"]))
        return names

    def _lookup(self, key: str) -> str | None:
        # Two small queries instead of loading every name: most lookups are an id or
        # one label/alias, and this keeps `kg path` fast on large graphs.
        if "_topic_names" in self.__dict__:
            return self._topic_names.get(key)
        if _SLUG.match(key):
            iri = V.topic_iri(key)
            if self.ask(f"ASK {{ <{iri}> a kg:Topic }}"):
                return key
        lit = key.replace("\\", "\\\\").replace('"', '\\"')
        rows = self.select(
            f"""SELECT ?t WHERE {{ ?t a kg:Topic ; skos:prefLabel|skos:altLabel ?n .
                  FILTER(LCASE(STR(?n)) = "{lit}") }} ORDER BY ?t LIMIT 1"""
        )
        return V.local_id(rows[0]["t"]) if rows else None

    def topic_ids(self) -> list[str]:
        return sorted(set(self._topic_names.values()))

    def resolve_topic(self, name: str) -> str:
        """The id of the topic ``name`` names (an id, label or alias, any case).

        Raises
        ------
        NotFound
            With up to three close names as suggestions.
        """
        key = " ".join(name.split()).casefold()
        # "transformer" finds "transformers" and the other way round.
        variants = [key, key[:-1] if key.endswith("s") else key + "s"]
        tid = None
        for v in variants:
            tid = self._lookup(v)
            if tid is not None:
                break
        if tid is None:
            raise NotFound("topic", name, self.suggest_topics(name))
        return tid

    def suggest_topics(self, name: str, n: int = 3) -> list[str]:
        """Ids of up to ``n`` topics whose id, label or alias looks like ``name``."""
        from kg.build.sources import suggest

        ids = [self._topic_names[h] for h in suggest(name, self._topic_names, n=4 * n)]
        return list(dict.fromkeys(ids))[:n]

    # ------------------------------------------------------------------ lookups

    def topic(self, name: str) -> dict[str, Any]:
        """Everything about one topic: labels, definition, prerequisites, where taught."""
        tid = self.resolve_topic(name)
        iri = V.topic_iri(tid)
        one = self.select(
            f"""SELECT ?label ?def ?broader WHERE {{
                  <{iri}> skos:prefLabel ?label .
                  OPTIONAL {{ <{iri}> skos:definition ?def }}
                  OPTIONAL {{ <{iri}> skos:broader ?broader }}
                }} LIMIT 1"""
        )
        row = one[0] if one else {"label": tid, "def": None, "broader": None}
        aliases = [r["a"] for r in self.select(f"SELECT ?a WHERE {{ <{iri}> skos:altLabel ?a }} ORDER BY ?a")]
        narrower = self.select(
            f"""SELECT ?t ?label WHERE {{ ?t skos:broader <{iri}> ; skos:prefLabel ?label }}
                ORDER BY ?label"""
        )
        requires = self.select(
            f"""SELECT ?t ?label ?reason WHERE {{
                  <{iri}> kg:requires ?t . ?t skos:prefLabel ?label .
                  OPTIONAL {{ ?q kg:topic <{iri}> ; kg:prerequisite ?t ; kg:reason ?reason }}
                }} ORDER BY ?label"""
        )
        required_by = self.select(
            f"""SELECT ?t ?label ?reason WHERE {{
                  ?t kg:requires <{iri}> ; skos:prefLabel ?label .
                  OPTIONAL {{ ?q kg:topic ?t ; kg:prerequisite <{iri}> ; kg:reason ?reason }}
                }} ORDER BY ?label"""
        )
        return {
            "id": tid,
            "iri": iri,
            "label": row["label"],
            "aliases": aliases,
            "definition": row["def"],
            "broader": self._ref(row["broader"]),
            "narrower": [{"id": V.local_id(r["t"]), "label": r["label"]} for r in narrower],
            "requires": [
                {"id": V.local_id(r["t"]), "label": r["label"], "reason": r["reason"]} for r in requires
            ],
            "required_by": [
                {"id": V.local_id(r["t"]), "label": r["label"], "reason": r["reason"]}
                for r in required_by
            ],
            **self.where_taught([tid])[tid],
        }

    def _ref(self, iri: str | None) -> dict[str, Any] | None:
        if iri is None:
            return None
        rows = self.select(f"SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l }} LIMIT 1")
        return {"id": V.local_id(iri), "label": rows[0]["l"] if rows else V.local_id(iri)}

    def where_taught(self, topic_ids: Iterable[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """For each topic: the lectures, chapters and readings that cover it.

        Lectures are ordered by course then position; readings required before optional.
        """
        ids = list(dict.fromkeys(topic_ids))
        out: dict[str, dict[str, list[dict[str, Any]]]] = {
            t: {"lectures": [], "chapters": [], "readings": []} for t in ids
        }
        if not ids:
            return out
        values = " ".join(f"<{V.topic_iri(t)}>" for t in ids)
        for r in self.select(
            f"""SELECT ?t ?lec ?course ?code ?term ?pos ?date ?title WHERE {{
                  VALUES ?t {{ {values} }}
                  ?lec kg:covers ?t ; a kg:Lecture ; schema:isPartOf ?course ;
                       kg:position ?pos ; schema:name ?title .
                  OPTIONAL {{ ?lec schema:startDate ?date }}
                  OPTIONAL {{ ?course schema:courseCode ?code }}
                  OPTIONAL {{ ?course kg:term ?term }}
                }} ORDER BY ?course ?pos"""
        ):
            out[V.local_id(r["t"])]["lectures"].append(
                {
                    "id": V.local_id(r["lec"]),
                    "course": V.local_id(r["course"]),
                    "code": r["code"],
                    "term": r["term"],
                    "position": r["pos"],
                    "date": r["date"],
                    "title": r["title"],
                }
            )
        for r in self.select(
            f"""SELECT ?t ?ch ?book ?btitle ?n ?title WHERE {{
                  VALUES ?t {{ {values} }}
                  ?ch kg:covers ?t ; a kg:Chapter ; schema:isPartOf ?book ;
                      kg:chapterNumber ?n ; schema:name ?title .
                  ?book schema:name ?btitle .
                }} ORDER BY ?btitle ?n"""
        ):
            out[V.local_id(r["t"])]["chapters"].append(
                {
                    "id": V.local_id(r["ch"]),
                    "book": r["btitle"],
                    "number": r["n"],
                    "title": r["title"],
                    "sections": self._sections(r["ch"]),
                }
            )
        for r in self.select(
            f"""SELECT ?t ?rd ?title ?kind (MIN(?opt) AS ?optional) WHERE {{
                  VALUES ?t {{ {values} }}
                  ?rd kg:covers ?t ; a kg:Reading ; schema:name ?title ; kg:kind ?kind .
                  OPTIONAL {{ ?ra kg:item ?rd ; kg:optional ?o }}
                  BIND(COALESCE(IF(?o, 1, 0), 0) AS ?opt)
                }} GROUP BY ?t ?rd ?title ?kind ORDER BY ?optional ?title"""
        ):
            out[V.local_id(r["t"])]["readings"].append(
                {
                    "id": V.local_id(r["rd"]),
                    "title": r["title"],
                    "kind": r["kind"],
                    "optional": bool(int(r["optional"])),
                }
            )
        return out

    @cached_property
    def _chapter_sections(self) -> dict[str, list[str]]:
        rows = self.select(
            """SELECT DISTINCT ?ch ?s WHERE { ?ra kg:item ?ch ; kg:sections ?s . ?ch a kg:Chapter }
               ORDER BY ?s"""
        )
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r["ch"], []).append(r["s"])
        return out

    def _sections(self, chapter_iri: str) -> list[str]:
        return self._chapter_sections.get(chapter_iri, [])

    # ------------------------------------------------------------------ courses

    def courses(self) -> list[dict[str, Any]]:
        rows = self.select(
            """SELECT ?c ?name ?code ?term ?provider
                      (COUNT(DISTINCT ?lec) AS ?lectures) (COUNT(DISTINCT ?t) AS ?topics) WHERE {
                 ?c a kg:Course .
                 OPTIONAL { ?c schema:name ?name }
                 OPTIONAL { ?c schema:courseCode ?code }
                 OPTIONAL { ?c kg:term ?term }
                 OPTIONAL { ?c schema:provider/schema:name ?provider }
                 OPTIONAL { ?lec schema:isPartOf ?c ; a kg:Lecture . OPTIONAL { ?lec kg:covers ?t } }
               } GROUP BY ?c ?name ?code ?term ?provider ORDER BY ?c"""
        )
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
            for r in rows
        ]

    def course_ids(self) -> list[str]:
        return [V.local_id(r["c"]) for r in self.select("SELECT ?c WHERE { ?c a kg:Course } ORDER BY ?c")]

    def resolve_course(self, name: str) -> str:
        ids = self.course_ids()
        if name in ids:
            return name
        low = name.casefold()
        for c in self.courses():
            if low in {c["id"].casefold(), (c["code"] or "").casefold()} and c["code"]:
                return str(c["id"])
        from kg.build.sources import suggest

        raise NotFound("course", name, suggest(name, ids))

    def course(self, name: str) -> dict[str, Any]:
        cid = self.resolve_course(name)
        iri = V.course_iri(cid)
        info = next(c for c in self.courses() if c["id"] == cid)
        lectures = self.select(
            f"""SELECT ?lec ?pos ?date ?title ?num ?guest
                       (GROUP_CONCAT(DISTINCT ?sname; separator="; ") AS ?speakers) WHERE {{
                  ?lec schema:isPartOf <{iri}> ; a kg:Lecture ; kg:position ?pos ; schema:name ?title .
                  OPTIONAL {{ ?lec schema:startDate ?date }}
                  OPTIONAL {{ ?lec schema:identifier ?num }}
                  OPTIONAL {{ ?lec kg:guest ?guest }}
                  OPTIONAL {{ ?lec kg:speaker/schema:name ?sname }}
                }} GROUP BY ?lec ?pos ?date ?title ?num ?guest ORDER BY ?pos"""
        )
        covers: dict[str, list[str]] = {}
        for r in self.select(
            f"""SELECT ?lec ?t WHERE {{ ?lec schema:isPartOf <{iri}> ; a kg:Lecture ; kg:covers ?t }}
                ORDER BY ?t"""
        ):
            covers.setdefault(r["lec"], []).append(V.local_id(r["t"]))
        events = self.select(
            f"""SELECT ?e ?kind ?date ?week ?title WHERE {{
                  ?e schema:isPartOf <{iri}> ; a kg:Event ; kg:kind ?kind ; schema:name ?title .
                  OPTIONAL {{ ?e schema:startDate ?date }} OPTIONAL {{ ?e kg:week ?week }}
                }}"""
        )
        events.sort(key=lambda r: (str(r["date"] or ""), r["week"] if r["week"] is not None else -1, _tail(r["e"])))
        assignments = self.select(
            f"""SELECT ?a ?kind ?title ?released ?due ?week WHERE {{
                  ?a schema:isPartOf <{iri}> ; a kg:Assignment ; kg:kind ?kind ; schema:name ?title .
                  OPTIONAL {{ ?a kg:released ?released }} OPTIONAL {{ ?a kg:due ?due }}
                  OPTIONAL {{ ?a kg:week ?week }}
                }}"""
        )
        assignments.sort(key=lambda r: (str(r["released"] or r["due"] or ""), r["week"] if r["week"] is not None else -1, r["title"]))
        assumes = [
            V.local_id(r["t"])
            for r in self.select(f"SELECT ?t WHERE {{ <{iri}> kg:assumes ?t }} ORDER BY ?t")
        ]
        return {
            **info,
            "iri": iri,
            "assumes": assumes,
            "lectures": [
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
            ],
            "events": [
                {"kind": r["kind"], "date": r["date"], "week": r["week"], "title": r["title"]} for r in events
            ],
            "assignments": [
                {
                    "id": V.local_id(r["a"]).rsplit("/", 1)[-1],
                    "kind": r["kind"],
                    "title": r["title"],
                    "released": r["released"],
                    "due": r["due"],
                    "week": r["week"],
                }
                for r in assignments
            ],
        }

    def lecture(self, course: str, n: int) -> dict[str, Any]:
        cid = self.resolve_course(course)
        iri = V.lecture_iri(cid, n)
        rows = self.select(
            f"""SELECT ?title ?date ?num ?guest WHERE {{
                  <{iri}> a kg:Lecture ; schema:name ?title .
                  OPTIONAL {{ <{iri}> schema:startDate ?date }}
                  OPTIONAL {{ <{iri}> schema:identifier ?num }}
                  OPTIONAL {{ <{iri}> kg:guest ?guest }}
                }} LIMIT 1"""
        )
        if not rows:
            count = len(self.select(f"SELECT ?l WHERE {{ ?l schema:isPartOf <{V.course_iri(cid)}> ; a kg:Lecture }}"))
            raise NotFound("lecture", f"{cid}/lecture/{n}", [] if count == 0 else [f"{cid}/lecture/1 … {cid}/lecture/{count}"])
        r = rows[0]
        speakers = [x["n"] for x in self.select(f"SELECT ?n WHERE {{ <{iri}> kg:speaker/schema:name ?n }} ORDER BY ?n")]
        covers = self.select(
            f"SELECT ?t ?l WHERE {{ <{iri}> kg:covers ?t . ?t skos:prefLabel ?l }} ORDER BY ?l"
        )
        readings = self.select(
            f"""SELECT ?ra ?item ?title ?kind ?opt ?sections ?note ?book ?n WHERE {{
                  ?ra kg:lecture <{iri}> ; kg:item ?item ; kg:optional ?opt .
                  ?item schema:name ?title .
                  OPTIONAL {{ ?item kg:kind ?kind }}
                  OPTIONAL {{ ?item schema:isPartOf/schema:name ?book ; kg:chapterNumber ?n }}
                  OPTIONAL {{ ?ra kg:sections ?sections }}
                  OPTIONAL {{ ?ra kg:note ?note }}
                }}"""
        )
        readings.sort(key=lambda x: (x["opt"], int(_tail(x["ra"]))))
        materials = [x["m"] for x in self.select(f"SELECT ?m WHERE {{ <{iri}> kg:material ?m }} ORDER BY ?m")]
        return {
            "id": V.local_id(iri),
            "iri": iri,
            "course": cid,
            "position": n,
            "number": r["num"],
            "date": r["date"],
            "title": r["title"],
            "guest": bool(r["guest"]),
            "speakers": speakers,
            "covers": [{"id": V.local_id(x["t"]), "label": x["l"]} for x in covers],
            "readings": [
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
            ],
            "materials": materials,
        }

    def show(self, thing: str) -> tuple[str, dict[str, Any]]:
        """Look up a topic, course or lecture by what a user types.

        Lectures are ``COURSE/lecture/N`` or ``COURSE/N``. Returns ``(kind, record)``.
        """
        if "/" in thing:
            course, _, rest = thing.partition("/")
            n = rest.removeprefix("lecture/")
            if n.isdigit():
                return "lecture", self.lecture(course, int(n))
            raise UsageError(f"cannot read {thing!r} as a lecture: write COURSE/lecture/N, e.g. mit-6.7960-fa25/lecture/2")
        if thing in self.course_ids():
            return "course", self.course(thing)
        try:
            return "topic", self.topic(thing)
        except NotFound as exc:
            try:
                return "course", self.course(thing)
            except NotFound:
                from kg.build.sources import suggest

                hints = suggest(thing, [*self._topic_names, *self.course_ids()])
                raise NotFound("topic or course", thing, hints or exc.suggestions) from None

    # ------------------------------------------------------------------ topics

    def topics(self, course: str | None = None) -> list[dict[str, Any]]:
        """All topics (or those a course covers), with prerequisite and lecture counts."""
        filt = ""
        if course is not None:
            cid = self.resolve_course(course)
            filt = f"FILTER EXISTS {{ ?l0 schema:isPartOf <{V.course_iri(cid)}> ; kg:covers ?t }}"
        rows = self.select(
            f"""SELECT ?t ?label ?broader
                       (COUNT(DISTINCT ?p) AS ?requires) (COUNT(DISTINCT ?d) AS ?dependents)
                       (COUNT(DISTINCT ?lec) AS ?lectures) WHERE {{
                  ?t a kg:Topic ; skos:prefLabel ?label .
                  {filt}
                  OPTIONAL {{ ?t skos:broader ?broader }}
                  OPTIONAL {{ ?t kg:requires ?p }}
                  OPTIONAL {{ ?d kg:requires ?t }}
                  OPTIONAL {{ ?lec kg:covers ?t ; a kg:Lecture }}
                }} GROUP BY ?t ?label ?broader ORDER BY ?t"""
        )
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

    def search(self, text: str, limit: int = 10) -> list[dict[str, Any]]:
        """Topics whose label, alias or definition match ``text``, best first."""
        from rapidfuzz import fuzz, utils

        q = utils.default_process(text)
        if not q:
            raise UsageError("search text is empty")
        rows = self.select(
            """SELECT ?t ?label ?def (GROUP_CONCAT(?alt; separator="\\u001f") AS ?alts) WHERE {
                 ?t a kg:Topic ; skos:prefLabel ?label .
                 OPTIONAL { ?t skos:definition ?def }
                 OPTIONAL { ?t skos:altLabel ?alt }
               } GROUP BY ?t ?label ?def"""
        )
        hits = []
        for r in rows:
            alts = [a for a in (r["alts"] or "").split("\u001f") if a]
            names = [r["label"], V.local_id(r["t"]), *alts]
            name_score = max(fuzz.WRatio(q, utils.default_process(n)) for n in names)
            exact = any(utils.default_process(n) == q for n in names)
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
        for r in self.select("SELECT ?a ?b WHERE { ?a kg:requires ?b }"):
            yield V.local_id(r["a"]), V.local_id(r["b"])

    def serialize(self, fmt: str) -> bytes:
        """The whole graph as Turtle, N-Triples or JSON-LD bytes."""
        formats = {
            "ttl": ox.RdfFormat.TURTLE,
            "turtle": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "json-ld": ox.RdfFormat.JSON_LD,
        }
        f = formats.get(fmt.lower())
        if f is None:
            raise UsageError(f"unknown export format {fmt!r} (one of ttl, nt, jsonld)")
        if self.endpoint is not None:
            from kg import backends as remote

            body, _ = remote.sparql_request(
                self.endpoint, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", f.media_type
            )
            return body
        prefixes = V.OUTPUT_PREFIXES if f != ox.RdfFormat.N_TRIPLES else None
        out = self.store.dump(format=f, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        assert isinstance(out, bytes)
        return out


def _tail(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]
