"""Turn checked source records into RDF triples that follow the contract in DESIGN.md.

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
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocab as V
from kg.algorithms.curriculum import first_positions, teaching_order
from kg.build.sources import Course, Sources
from kg.vocab import DCTERMS, KG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

__all__ = ["triples", "slugify"]

_N = NamedNode
_TYPE = _N(RDF.type)
_XSD_INT = _N(XSD.integer)
_XSD_DATE = _N(XSD.date)
_XSD_BOOL = _N(XSD.boolean)
_XSD_YEAR = _N(XSD.gYear)
_XSD_URI = _N(XSD.anyURI)


def slugify(text: str) -> str:
    """A lowercase ASCII slug: ``"Stefanie Jegelka"`` → ``"stefanie-jegelka"``."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") or "x"


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=_XSD_INT)


def triples(src: Sources) -> Iterator[Triple]:
    """Every triple of the data graph built from ``src`` (the ontology is separate)."""
    yield from _topics(src)
    yield from _books(src)
    yield from _readings(src)
    people: dict[str, str] = {}
    for course in src.courses.values():
        yield from _course(course, people)
    yield from _evidence(src)
    for name, slug in sorted(people.items()):
        node = _N(V.person_iri(slug))
        yield Triple(node, _TYPE, _N(SCHEMA.Person))
        yield Triple(node, _N(SCHEMA.name), Literal(name))


def _data_relative(src: Sources, shown: str) -> str:
    # Source IRIs must not depend on where kg was run from.
    p = Path(shown).resolve()
    try:
        return p.relative_to(src.root.resolve()).as_posix()
    except ValueError:
        return p.name


def _source_node(path: str) -> Iterator[Triple]:
    node = _N(V.source_iri(path))
    yield Triple(node, _TYPE, _N(PROV.Entity))
    yield Triple(node, _N(RDFS.label), Literal(path))


_KIND_CLASS = {"area": KG.Area, "architecture": KG.Architecture, "technique": KG.TrainingTechnique}


def _topics(src: Sources) -> Iterator[Triple]:
    scheme = _N(V.SCHEME)
    yield Triple(scheme, _TYPE, _N(SKOS.ConceptScheme))
    yield Triple(scheme, _N(SKOS.prefLabel), _en("kg topics"))
    yield Triple(scheme, _N(DCTERMS.title), _en("Topics taught in deep learning courses"))
    files = {t.loc.path: _data_relative(src, t.loc.path) for t in src.topics.values()}
    for f in sorted(set(files.values())):
        yield from _source_node(f)
    for t in src.topics.values():
        node = _N(V.topic_iri(t.id))
        yield Triple(node, _TYPE, _N(KG.Topic))
        if t.kind is not None:
            yield Triple(node, _TYPE, _N(_KIND_CLASS[t.kind]))
        yield Triple(node, _N(SKOS.prefLabel), _en(t.label))
        for a in t.aliases:
            yield Triple(node, _N(SKOS.altLabel), _en(a))
        if t.definition:
            yield Triple(node, _N(SKOS.definition), _en(t.definition))
        yield Triple(node, _N(SKOS.inScheme), scheme)
        if t.broader:
            yield Triple(node, _N(SKOS.broader), _N(V.topic_iri(t.broader)))
        else:
            yield Triple(node, _N(SKOS.topConceptOf), scheme)
            yield Triple(scheme, _N(SKOS.hasTopConcept), node)
        for r in t.requires:
            pre = _N(V.topic_iri(r.topic))
            q = _N(V.prerequisite_iri(t.id, r.topic))
            yield Triple(node, _N(KG.requires), pre)
            yield Triple(q, _TYPE, _N(KG.Prerequisite))
            yield Triple(q, _N(KG.topic), node)
            yield Triple(q, _N(KG.prerequisite), pre)
            yield Triple(q, _N(KG.reason), _en(r.reason))
            yield Triple(q, _N(PROV.wasDerivedFrom), _N(V.source_iri(files[t.loc.path])))
            if r.source:
                yield Triple(q, _N(PROV.wasDerivedFrom), _N(_item_iri(r.source)))


def _item_iri(ref: str) -> str:
    if ref.startswith(("http://", "https://")):
        return ref
    book, sep, num = ref.partition("/")
    return V.chapter_iri(book, int(num)) if sep else V.reading_iri(ref)


def _authors(node: NamedNode, names: list[str]) -> Iterator[Triple]:
    for name in names:
        person = _N(V.person_iri(slugify(name)))
        yield Triple(node, _N(SCHEMA.author), person)
        yield Triple(person, _TYPE, _N(SCHEMA.Person))
        yield Triple(person, _N(SCHEMA.name), Literal(name))


def _books(src: Sources) -> Iterator[Triple]:
    for b in src.books.values():
        node = _N(V.book_iri(b.id))
        yield Triple(node, _TYPE, _N(KG.Book))
        yield Triple(node, _N(SCHEMA.name), Literal(b.title))
        yield from _authors(node, b.authors)
        if b.year:
            yield Triple(node, _N(SCHEMA.datePublished), Literal(str(b.year), datatype=_XSD_YEAR))
        if b.publisher:
            yield Triple(node, _N(SCHEMA.publisher), Literal(b.publisher))
        if b.url:
            yield Triple(node, _N(SCHEMA.url), Literal(b.url, datatype=_XSD_URI))
        for c in b.chapters:
            ch = _N(V.chapter_iri(b.id, c.number))
            yield Triple(ch, _TYPE, _N(KG.Chapter))
            yield Triple(ch, _N(SCHEMA.name), Literal(c.title))
            yield Triple(ch, _N(SCHEMA.isPartOf), node)
            yield Triple(ch, _N(KG.chapterNumber), _int(c.number))
            for t in c.covers:
                yield Triple(ch, _N(KG.covers), _N(V.topic_iri(t)))


def _readings(src: Sources) -> Iterator[Triple]:
    for r in src.readings.values():
        node = _N(V.reading_iri(r.id))
        yield Triple(node, _TYPE, _N(KG.Reading))
        yield Triple(node, _N(SCHEMA.name), Literal(r.title))
        yield Triple(node, _N(KG.kind), Literal(r.kind))
        yield from _authors(node, r.authors)
        if r.year:
            yield Triple(node, _N(SCHEMA.datePublished), Literal(str(r.year), datatype=_XSD_YEAR))
        if r.url:
            yield Triple(node, _N(SCHEMA.url), Literal(r.url, datatype=_XSD_URI))
        for t in r.covers:
            yield Triple(node, _N(KG.covers), _N(V.topic_iri(t)))


def _course(c: Course, people: dict[str, str]) -> Iterator[Triple]:
    node = _N(V.course_iri(c.id))
    yield Triple(node, _TYPE, _N(KG.Course))
    if c.name:
        yield Triple(node, _N(SCHEMA.name), Literal(c.name))
    if c.code:
        yield Triple(node, _N(SCHEMA.courseCode), Literal(c.code))
    if c.term:
        yield Triple(node, _N(KG.term), Literal(c.term))
    if c.url:
        yield Triple(node, _N(SCHEMA.url), Literal(c.url, datatype=_XSD_URI))
    if c.provider:
        org = _N(V.org_iri(slugify(c.provider)))
        yield Triple(node, _N(SCHEMA.provider), org)
        yield Triple(org, _TYPE, _N(SCHEMA.Organization))
        yield Triple(org, _N(SCHEMA.name), Literal(c.provider))
    if c.source:
        yield from _source_node(c.source)
        yield Triple(node, _N(PROV.wasDerivedFrom), _N(V.source_iri(c.source)))
    for t in c.assumes:
        yield Triple(node, _N(KG.assumes), _N(V.topic_iri(t)))

    for lec in c.lectures:
        ln = _N(V.lecture_iri(c.id, lec.key))
        yield Triple(ln, _TYPE, _N(KG.Lecture))
        yield Triple(ln, _N(SCHEMA.name), Literal(lec.title))
        yield Triple(ln, _N(SCHEMA.isPartOf), node)
        yield Triple(ln, _N(KG.position), _int(lec.position))
        if lec.date:
            yield Triple(ln, _N(SCHEMA.startDate), Literal(lec.date.isoformat(), datatype=_XSD_DATE))
        if lec.number:
            yield Triple(ln, _N(SCHEMA.identifier), Literal(lec.number))
        if lec.guest:
            yield Triple(ln, _N(KG.guest), Literal("true", datatype=_XSD_BOOL))
        for name in lec.speakers:
            slug = people.setdefault(name, slugify(name))
            yield Triple(ln, _N(KG.speaker), _N(V.person_iri(slug)))
        for t in lec.covers:
            yield Triple(ln, _N(KG.covers), _N(V.topic_iri(t)))
        for m in lec.materials:
            yield Triple(ln, _N(KG.material), Literal(m))
        for k, ref in enumerate(lec.readings, start=1):
            item = _N(
                V.reading_iri(ref.reading) if ref.reading else V.chapter_iri(*ref.chapter)  # type: ignore[misc]
            )
            ra = _N(V.reading_assignment_iri(c.id, lec.key, k))
            yield Triple(ln, _N(KG.reads), item)
            yield Triple(ra, _TYPE, _N(KG.ReadingAssignment))
            yield Triple(ra, _N(KG.lecture), ln)
            yield Triple(ra, _N(KG.item), item)
            yield Triple(ra, _N(KG.optional), Literal("true" if ref.optional else "false", datatype=_XSD_BOOL))
            if ref.sections:
                yield Triple(ra, _N(KG.sections), Literal(ref.sections))
            if ref.note:
                yield Triple(ra, _N(KG.note), Literal(ref.note))

    for i, ev in enumerate(c.events, start=1):
        en = _N(V.event_iri(c.id, i))
        yield Triple(en, _TYPE, _N(KG.Event))
        yield Triple(en, _N(SCHEMA.name), Literal(ev.title))
        yield Triple(en, _N(SCHEMA.isPartOf), node)
        yield Triple(en, _N(KG.kind), Literal(ev.kind))
        if ev.date:
            yield Triple(en, _N(SCHEMA.startDate), Literal(ev.date.isoformat(), datatype=_XSD_DATE))
        if ev.week is not None:
            yield Triple(en, _N(KG.week), _int(ev.week))
        for t in ev.covers:
            yield Triple(en, _N(KG.covers), _N(V.topic_iri(t)))

    for a in c.assignments:
        an = _N(V.assignment_iri(c.id, a.id))
        yield Triple(an, _TYPE, _N(KG.Assignment))
        yield Triple(an, _N(SCHEMA.name), Literal(a.title))
        yield Triple(an, _N(SCHEMA.isPartOf), node)
        yield Triple(an, _N(KG.kind), Literal(a.kind))
        yield Triple(an, _N(SCHEMA.identifier), Literal(a.id))
        if a.released:
            yield Triple(an, _N(KG.released), Literal(a.released.isoformat(), datatype=_XSD_DATE))
        if a.due:
            yield Triple(an, _N(KG.due), Literal(a.due.isoformat(), datatype=_XSD_DATE))
        if a.week is not None:
            yield Triple(an, _N(KG.week), _int(a.week))


# --------------------------------------------------------------------------- evidence

_COUNT = {
    "before": KG.taughtBefore,
    "together": KG.taughtTogether,
    "after": KG.taughtAfter,
    "prerequisite-only": KG.prerequisiteOnly,
    "topic-only": KG.topicOnly,
}


def _evidence(src: Sources) -> Iterator[Triple]:
    firsts = {cid: first_positions(lec.covers for lec in c.lectures) for cid, c in sorted(src.courses.items())}
    keys = {cid: {lec.position: lec.key for lec in c.lectures} for cid, c in src.courses.items()}
    for t in src.topics.values():
        for r in t.requires:
            q = _N(V.prerequisite_iri(t.id, r.topic))
            counts = dict.fromkeys(V.ORDERINGS, 0)
            for cid, first in firsts.items():
                t_at, p_at = first.get(t.id), first.get(r.topic)
                order = teaching_order(p_at, t_at)
                if order is None:
                    continue
                counts[order] += 1
                e = _N(V.evidence_iri(t.id, r.topic, cid))
                yield Triple(q, _N(KG.evidence), e)
                yield Triple(e, _TYPE, _N(KG.OrderEvidence))
                yield Triple(e, _N(KG.course), _N(V.course_iri(cid)))
                yield Triple(e, _N(KG.ordering), Literal(order))
                if t_at is not None:
                    yield Triple(e, _N(KG.topicLecture), _N(V.lecture_iri(cid, keys[cid][t_at])))
                if p_at is not None:
                    yield Triple(e, _N(KG.prerequisiteLecture), _N(V.lecture_iri(cid, keys[cid][p_at])))
            for order, n in counts.items():
                yield Triple(q, _N(_COUNT[order]), _int(n))
