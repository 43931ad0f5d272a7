"""Turn checked source records into RDF that follows the contract in DESIGN.md.

The graph is written as N-Triples text (:func:`ntriples`), one line per triple, which
the store loads with its bulk loader: no Python object per triple, so a build stays
linear and lean at millions of triples. Every IRI made here comes from a validated id
quoted by :mod:`kg.vocab` (or is checked by pyoxigraph when a source gives a URL), and
every literal is escaped by :func:`literal`.

Qualified nodes (``kg:Prerequisite``, ``kg:ReadingAssignment``) are always written
together with their direct triple (``kg:requires``, ``kg:reads``), so simple queries need
no joins through them.

Every ``kg:Prerequisite`` also carries the courses' evidence for its edge: for each course
that covers either topic, a ``kg:OrderEvidence`` node saying whether the first lecture on
the prerequisite comes before, together with (the same lecture) or after the first
lecture on the topic, and five counts over all courses (``kg:taughtBefore`` ...). Only
lectures count, not events; courses added as Turtle are not seen here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import vocab as V
from kg.algorithms.curriculum import first_positions, teaching_order
from kg.build.sources import Course, Loc, Sources
from kg.vocab import DCTERMS, KG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

__all__ = ["ntriples", "triples", "slugify"]


def _N(iri: str) -> str:
    """An IRI in N-Triples form (the callers pass IRIs built from quoted ids)."""
    return f"<{iri}>"


class _Terms:
    """The N-Triples forms of one vocabulary's terms, each made once on first use."""

    def __init__(self, ns: Any) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> str:
        form = _N(getattr(self._ns, name))
        setattr(self, name, form)
        return form


_KG, _SCHEMA, _SKOS, _DCTERMS, _PROV, _RDFS = (_Terms(ns) for ns in (KG, SCHEMA, SKOS, DCTERMS, PROV, RDFS))
_TYPE = _N(RDF.type)
_XSD_INT = _N(XSD.integer)
_XSD_DATE = _N(XSD.date)
_XSD_BOOL = _N(XSD.boolean)
_XSD_YEAR = _N(XSD.gYear)
_XSD_URI = _N(XSD.anyURI)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ESCAPE = re.compile(r'[\\"\n\r]')


def _lit(text: str, datatype: str | None = None) -> str:
    """An N-Triples literal, escaped; ``datatype`` in N-Triples form (``<...>``)."""
    body = '"' + _ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text) + '"'
    return body + "^^" + datatype if datatype else body


class _Iris(dict[str, str]):
    """Ids to IRIs in N-Triples form, each IRI made once."""

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> str:
        form = self[key] = _N(self.make(key))
        return form


def _triple(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} .\n"


def _url(ref: str, loc: Loc) -> str:
    """A URL a source gives as an IRI, checked by pyoxigraph."""
    try:
        return str(ox.NamedNode(ref))
    except ValueError:
        raise loc.error(f"invalid IRI {ref!r}") from None


def slugify(text: str) -> str:
    """A lowercase ASCII slug: ``"Stefanie Jegelka"`` → ``"stefanie-jegelka"``."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") or "x"


def _en(text: str) -> str:
    return _lit(text) + "@en"


def _int(n: int) -> str:
    return f'"{n}"^^{_XSD_INT}'


def triples(src: Sources) -> Iterator[ox.Triple]:
    """The data graph built from ``src`` as pyoxigraph triples (parsed from
    :func:`ntriples`; for small graphs and tests)."""
    text = "".join(ntriples(src))
    for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
        yield ox.Triple(q.subject, q.predicate, q.object)


def ntriples(src: Sources) -> Iterator[str]:
    """Every triple of the data graph built from ``src`` (the ontology is separate), as
    N-Triples lines."""
    topic = _Iris(V.topic_iri)
    yield from _topics(src, topic)
    yield from _books(src, topic)
    yield from _readings(src, topic)
    people: dict[str, str] = {}
    for course in src.courses.values():
        yield from _course(course, people, topic)
    yield from _evidence(src)
    for name, slug in sorted(people.items()):
        node = _N(V.person_iri(slug))
        yield _triple(node, _TYPE, _SCHEMA.Person)
        yield _triple(node, _SCHEMA.name, _lit(name))


def _data_relative(src: Sources, shown: str) -> str:
    # Source IRIs must not depend on where kg was run from.
    p = Path(shown).resolve()
    try:
        return p.relative_to(src.root.resolve()).as_posix()
    except ValueError:
        return p.name


def _source_node(path: str) -> Iterator[str]:
    node = _N(V.source_iri(path))
    yield _triple(node, _TYPE, _PROV.Entity)
    yield _triple(node, _RDFS.label, _lit(path))


_KIND_CLASS = {"area": KG.Area, "architecture": KG.Architecture, "technique": KG.TrainingTechnique}


def _topics(src: Sources, topic: _Iris) -> Iterator[str]:
    scheme = _N(V.SCHEME)
    yield _triple(scheme, _TYPE, _SKOS.ConceptScheme)
    yield _triple(scheme, _SKOS.prefLabel, _en("kg topics"))
    yield _triple(scheme, _DCTERMS.title, _en("Topics taught in deep learning courses"))
    files = {p: _data_relative(src, p) for p in {t.loc.path for t in src.topics.values()}}
    for f in sorted(set(files.values())):
        yield from _source_node(f)
    file_iri = {p: _N(V.source_iri(f)) for p, f in files.items()}
    for t in src.topics.values():
        node = topic[t.id]
        yield _triple(node, _TYPE, _KG.Topic)
        if t.kind is not None:
            yield _triple(node, _TYPE, _N(_KIND_CLASS[t.kind]))
        yield _triple(node, _SKOS.prefLabel, _en(t.label))
        for a in t.aliases:
            yield _triple(node, _SKOS.altLabel, _en(a))
        if t.definition:
            yield _triple(node, _SKOS.definition, _en(t.definition))
        yield _triple(node, _SKOS.inScheme, scheme)
        if t.broader:
            yield _triple(node, _SKOS.broader, topic[t.broader])
        else:
            yield _triple(node, _SKOS.topConceptOf, scheme)
            yield _triple(scheme, _SKOS.hasTopConcept, node)
        for r in t.requires:
            pre = topic[r.topic]
            q = _N(V.prerequisite_iri(t.id, r.topic))
            yield _triple(node, _KG.requires, pre)
            yield _triple(q, _TYPE, _KG.Prerequisite)
            yield _triple(q, _KG.topic, node)
            yield _triple(q, _KG.prerequisite, pre)
            yield _triple(q, _KG.reason, _en(r.reason))
            yield _triple(q, _PROV.wasDerivedFrom, file_iri[t.loc.path])
            if r.source:
                yield _triple(q, _PROV.wasDerivedFrom, _item_iri(r.source, r.loc))


def _item_iri(ref: str, loc: Loc) -> str:
    if ref.startswith(("http://", "https://")):
        return _url(ref, loc)
    book, sep, num = ref.partition("/")
    return _N(V.chapter_iri(book, int(num)) if sep else V.reading_iri(ref))


def _authors(node: str, names: list[str]) -> Iterator[str]:
    for name in names:
        person = _N(V.person_iri(slugify(name)))
        yield _triple(node, _SCHEMA.author, person)
        yield _triple(person, _TYPE, _SCHEMA.Person)
        yield _triple(person, _SCHEMA.name, _lit(name))


def _books(src: Sources, topic: _Iris) -> Iterator[str]:
    for b in src.books.values():
        node = _N(V.book_iri(b.id))
        yield _triple(node, _TYPE, _KG.Book)
        yield _triple(node, _SCHEMA.name, _lit(b.title))
        yield from _authors(node, b.authors)
        if b.year:
            yield _triple(node, _SCHEMA.datePublished, _lit(str(b.year), _XSD_YEAR))
        if b.publisher:
            yield _triple(node, _SCHEMA.publisher, _lit(b.publisher))
        if b.url:
            yield _triple(node, _SCHEMA.url, _lit(b.url, _XSD_URI))
        for c in b.chapters:
            ch = _N(V.chapter_iri(b.id, c.number))
            yield _triple(ch, _TYPE, _KG.Chapter)
            yield _triple(ch, _SCHEMA.name, _lit(c.title))
            yield _triple(ch, _SCHEMA.isPartOf, node)
            yield _triple(ch, _KG.chapterNumber, _int(c.number))
            for t in c.covers:
                yield _triple(ch, _KG.covers, topic[t])


def _readings(src: Sources, topic: _Iris) -> Iterator[str]:
    for r in src.readings.values():
        node = _N(V.reading_iri(r.id))
        yield _triple(node, _TYPE, _KG.Reading)
        yield _triple(node, _SCHEMA.name, _lit(r.title))
        yield _triple(node, _KG.kind, _lit(r.kind))
        yield from _authors(node, r.authors)
        if r.year:
            yield _triple(node, _SCHEMA.datePublished, _lit(str(r.year), _XSD_YEAR))
        if r.url:
            yield _triple(node, _SCHEMA.url, _lit(r.url, _XSD_URI))
        for t in r.covers:
            yield _triple(node, _KG.covers, topic[t])


def _course(c: Course, people: dict[str, str], topic: _Iris) -> Iterator[str]:
    node = _N(V.course_iri(c.id))
    yield _triple(node, _TYPE, _KG.Course)
    if c.name:
        yield _triple(node, _SCHEMA.name, _lit(c.name))
    if c.code:
        yield _triple(node, _SCHEMA.courseCode, _lit(c.code))
    if c.term:
        yield _triple(node, _KG.term, _lit(c.term))
    if c.url:
        yield _triple(node, _SCHEMA.url, _lit(c.url, _XSD_URI))
    if c.provider:
        org = _N(V.org_iri(slugify(c.provider)))
        yield _triple(node, _SCHEMA.provider, org)
        yield _triple(org, _TYPE, _SCHEMA.Organization)
        yield _triple(org, _SCHEMA.name, _lit(c.provider))
    if c.source:
        yield from _source_node(c.source)
        yield _triple(node, _PROV.wasDerivedFrom, _N(V.source_iri(c.source)))
    if c.origin:
        page = _N(c.origin.url)
        yield _triple(node, _PROV.wasDerivedFrom, page)
        yield _triple(page, _TYPE, _PROV.Entity)
        yield _triple(page, _RDFS.label, _lit(c.origin.label))
    for t in c.assumes:
        yield _triple(node, _KG.assumes, topic[t])

    for lec in c.lectures:
        ln = _N(V.lecture_iri(c.id, lec.key))
        yield _triple(ln, _TYPE, _KG.Lecture)
        yield _triple(ln, _SCHEMA.name, _lit(lec.title))
        yield _triple(ln, _SCHEMA.isPartOf, node)
        yield _triple(ln, _KG.position, _int(lec.position))
        if lec.date:
            yield _triple(ln, _SCHEMA.startDate, _lit(lec.date.isoformat(), _XSD_DATE))
        if lec.number:
            yield _triple(ln, _SCHEMA.identifier, _lit(lec.number))
        if lec.guest:
            yield _triple(ln, _KG.guest, _lit("true", _XSD_BOOL))
        for name in lec.speakers:
            slug = people.setdefault(name, slugify(name))
            yield _triple(ln, _KG.speaker, _N(V.person_iri(slug)))
        for t in lec.covers:
            yield _triple(ln, _KG.covers, topic[t])
        for m in lec.materials:
            yield _triple(ln, _KG.material, _lit(m))
        for k, ref in enumerate(lec.readings, start=1):
            item = _N(
                V.reading_iri(ref.reading) if ref.reading else V.chapter_iri(*ref.chapter)  # type: ignore[misc]
            )
            ra = _N(V.reading_assignment_iri(c.id, lec.key, k))
            yield _triple(ln, _KG.reads, item)
            yield _triple(ra, _TYPE, _KG.ReadingAssignment)
            yield _triple(ra, _KG.lecture, ln)
            yield _triple(ra, _KG.item, item)
            yield _triple(ra, _KG.optional, _lit("true" if ref.optional else "false", _XSD_BOOL))
            if ref.sections:
                yield _triple(ra, _KG.sections, _lit(ref.sections))
            if ref.note:
                yield _triple(ra, _KG.note, _lit(ref.note))

    for i, ev in enumerate(c.events, start=1):
        en = _N(V.event_iri(c.id, i))
        yield _triple(en, _TYPE, _KG.Event)
        yield _triple(en, _SCHEMA.name, _lit(ev.title))
        yield _triple(en, _SCHEMA.isPartOf, node)
        yield _triple(en, _KG.kind, _lit(ev.kind))
        if ev.date:
            yield _triple(en, _SCHEMA.startDate, _lit(ev.date.isoformat(), _XSD_DATE))
        if ev.week is not None:
            yield _triple(en, _KG.week, _int(ev.week))
        for t in ev.covers:
            yield _triple(en, _KG.covers, topic[t])

    for a in c.assignments:
        an = _N(V.assignment_iri(c.id, a.id))
        yield _triple(an, _TYPE, _KG.Assignment)
        yield _triple(an, _SCHEMA.name, _lit(a.title))
        yield _triple(an, _SCHEMA.isPartOf, node)
        yield _triple(an, _KG.kind, _lit(a.kind))
        yield _triple(an, _SCHEMA.identifier, _lit(a.id))
        if a.released:
            yield _triple(an, _KG.released, _lit(a.released.isoformat(), _XSD_DATE))
        if a.due:
            yield _triple(an, _KG.due, _lit(a.due.isoformat(), _XSD_DATE))
        if a.week is not None:
            yield _triple(an, _KG.week, _int(a.week))


# --------------------------------------------------------------------------- evidence

_COUNT = {
    "before": KG.taughtBefore,
    "together": KG.taughtTogether,
    "after": KG.taughtAfter,
    "prerequisite-only": KG.prerequisiteOnly,
    "topic-only": KG.topicOnly,
}


def _evidence(src: Sources) -> Iterator[str]:
    firsts = {cid: first_positions(lec.covers for lec in c.lectures) for cid, c in sorted(src.courses.items())}
    keys = {cid: {lec.position: lec.key for lec in c.lectures} for cid, c in src.courses.items()}
    # topic -> the courses that teach it, so each edge looks only at its own courses
    # (a loop over every course per edge is quadratic in the size of the data).
    taught_in: dict[str, list[str]] = {}
    for cid, first in firsts.items():
        for tid in first:
            taught_in.setdefault(tid, []).append(cid)
    for t in src.topics.values():
        for r in t.requires:
            q = _N(V.prerequisite_iri(t.id, r.topic))
            counts = dict.fromkeys(V.ORDERINGS, 0)
            for cid in sorted({*taught_in.get(t.id, ()), *taught_in.get(r.topic, ())}):
                first = firsts[cid]
                t_at, p_at = first.get(t.id), first.get(r.topic)
                order = teaching_order(p_at, t_at)
                if order is None:
                    continue
                counts[order] += 1
                e = _N(V.evidence_iri(t.id, r.topic, cid))
                yield _triple(q, _KG.evidence, e)
                yield _triple(e, _TYPE, _KG.OrderEvidence)
                yield _triple(e, _KG.course, _N(V.course_iri(cid)))
                yield _triple(e, _KG.ordering, _lit(order))
                if t_at is not None:
                    yield _triple(e, _KG.topicLecture, _N(V.lecture_iri(cid, keys[cid][t_at])))
                if p_at is not None:
                    yield _triple(e, _KG.prerequisiteLecture, _N(V.lecture_iri(cid, keys[cid][p_at])))
            for order, n in counts.items():
                yield _triple(q, _N(_COUNT[order]), _int(n))
