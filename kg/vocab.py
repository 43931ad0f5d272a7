"""The vocabulary: every IRI kg mints or reads, in one place.

Each namespace is a class with one annotated attribute per term, in the style of rdflib's
``DefinedNamespace``: ``KG.Topic`` is the string ``"https://w3id.org/coursekg/ontology#Topic"``,
and a misspelt term (``KG.Topik``) fails ``mypy`` and raises :class:`AttributeError` at
run time instead of silently minting a new IRI. rdflib itself is not imported: this
module is on every command's start-up path. ``tests/test_vocab.py`` ties :class:`KG` to
``ontology/kg.ttl`` both ways.

Resource IRIs are built by the ``*_iri`` helpers, never by string concatenation in
other modules.

>>> KG.Topic
'https://w3id.org/coursekg/ontology#Topic'
>>> KG.base
'https://w3id.org/coursekg/ontology#'
>>> KG.Topic in KG, SKOS.broader in KG
(True, False)
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Sequence
from typing import Any, Final
from urllib.parse import quote

__all__ = [
    "KG",
    "SCHEMA",
    "SKOS",
    "DCTERMS",
    "PROV",
    "RDF",
    "RDFS",
    "OWL",
    "XSD",
    "SH",
    "VOID",
    "Namespace",
    "ONTOLOGY",
    "ID",
    "KIND_PREFIXES",
    "PREFIXES",
    "curie",
    "OUTPUT_PREFIXES",
    "sparql_prologue",
    "topic_iri",
    "course_iri",
    "lecture_iri",
    "lecture_numbers",
    "lecture_label_key",
    "lecture_number",
    "event_iri",
    "assignment_iri",
    "reading_iri",
    "book_iri",
    "chapter_iri",
    "person_iri",
    "org_iri",
    "prerequisite_iri",
    "reading_assignment_iri",
    "evidence_iri",
    "ORDERINGS",
    "source_iri",
    "SCHEME",
    "local_id",
]

ONTOLOGY: Final = "https://w3id.org/coursekg/ontology#"
ID: Final = "https://w3id.org/coursekg/id/"


class _NamespaceMeta(type):
    """Gives each annotated attribute of a namespace class its IRI, base + name."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], ns: dict[str, Any]
    ) -> _NamespaceMeta:
        cls = super().__new__(mcs, name, bases, ns)
        base = ns.get("_NS")
        if base is not None:
            terms = [t for t in ns.get("__annotations__", {}) if not t.startswith("_")]
            terms += list(ns.get("_EXTRA", ()))
            for term in terms:
                if term.isidentifier() and not keyword.iskeyword(term):
                    setattr(cls, term, base + term)
            cls._terms = frozenset(terms)
        return cls

    _NS: str
    _terms: frozenset[str]

    @property
    def base(cls) -> str:
        """The namespace IRI every term starts with."""
        return cls._NS

    def __getitem__(cls, name: str) -> str:
        if name not in cls._terms:
            raise KeyError(f"term {name!r} is not in the vocabulary {cls._NS}")
        return cls._NS + name

    def __contains__(cls, iri: object) -> bool:
        return (
            isinstance(iri, str)
            and iri.startswith(cls._NS)
            and iri[len(cls._NS):] in cls._terms
        )

    def __iter__(cls) -> Iterator[str]:
        return (cls._NS + t for t in sorted(cls._terms))


class Namespace(metaclass=_NamespaceMeta):
    """Base of the closed vocabularies below; subclasses set ``_NS`` and annotate terms.

    A term that is a Python keyword (VoID's ``class``) goes in ``_EXTRA`` and is read
    with ``VOID["class"]``.
    """


class KG(Namespace):
    """kg's own terms: the classes and properties declared in ``ontology/kg.ttl``."""

    _NS = ONTOLOGY
    # The contract in DESIGN.md.
    Course: str
    Lecture: str
    Topic: str
    Prerequisite: str
    Reading: str
    Book: str
    Chapter: str
    ReadingAssignment: str
    term: str
    position: str
    speaker: str
    covers: str
    reads: str
    requires: str
    topic: str
    prerequisite: str
    reason: str
    kind: str
    chapterNumber: str
    lecture: str
    item: str
    optional: str
    sections: str
    # Extensions: calendar events, assignments, what a course assumes.
    Event: str
    Assignment: str
    # What a topic is (kind: in the data): an umbrella area, a neural architecture or
    # model family, a training technique.
    Area: str
    Architecture: str
    TrainingTechnique: str
    assumes: str
    guest: str
    material: str
    week: str
    released: str
    due: str
    note: str
    # How courses order a prerequisite edge (see kg.build.rdf).
    OrderEvidence: str
    evidence: str
    course: str
    ordering: str
    topicLecture: str
    prerequisiteLecture: str
    taughtBefore: str
    taughtTogether: str
    taughtAfter: str
    prerequisiteOnly: str
    topicOnly: str
    # Derived from the kg:requires graph when the graph is built (see kg.build.derive).
    prerequisiteDepth: str
    deepestPrerequisite: str


# The values of kg:ordering: how one course orders the two topics of a prerequisite
# edge, by the first lecture that covers each ("before": the prerequisite comes first).
ORDERINGS: Final = ("before", "together", "after", "prerequisite-only", "topic-only")


class SCHEMA(Namespace):
    """The schema.org terms kg uses."""

    _NS = "https://schema.org/"
    Course: str
    CreativeWork: str
    Book: str
    Chapter: str
    Person: str
    Organization: str
    Event: str
    name: str
    courseCode: str
    provider: str
    isPartOf: str
    startDate: str
    author: str
    datePublished: str
    url: str
    identifier: str
    publisher: str


class SKOS(Namespace):
    """The SKOS terms kg uses for the topic scheme."""

    _NS = "http://www.w3.org/2004/02/skos/core#"
    Concept: str
    ConceptScheme: str
    prefLabel: str
    altLabel: str
    definition: str
    broader: str
    narrower: str
    inScheme: str
    topConceptOf: str
    hasTopConcept: str


class DCTERMS(Namespace):
    """The Dublin Core terms kg uses."""

    _NS = "http://purl.org/dc/terms/"
    title: str
    description: str
    source: str
    created: str
    modified: str
    license: str


class PROV(Namespace):
    """The PROV-O terms kg uses for where a triple came from."""

    _NS = "http://www.w3.org/ns/prov#"
    Entity: str
    wasDerivedFrom: str


class RDF(Namespace):
    """The RDF terms kg uses."""

    _NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    type: str
    Property: str


class RDFS(Namespace):
    """The RDF Schema terms kg uses."""

    _NS = "http://www.w3.org/2000/01/rdf-schema#"
    label: str
    comment: str
    subClassOf: str
    subPropertyOf: str
    domain: str
    range: str
    seeAlso: str
    isDefinedBy: str
    Class: str


class OWL(Namespace):
    """The OWL terms the ontology uses."""

    _NS = "http://www.w3.org/2002/07/owl#"
    Ontology: str
    Class: str
    ObjectProperty: str
    DatatypeProperty: str
    equivalentClass: str


class XSD(Namespace):
    """The XML Schema datatypes kg's literals use."""

    _NS = "http://www.w3.org/2001/XMLSchema#"
    string: str
    integer: str
    int: str
    long: str
    boolean: str
    date: str
    gYear: str
    anyURI: str
    nonNegativeInteger: str
    positiveInteger: str


class SH(Namespace):
    """The SHACL terms kg reads from a validation report."""

    _NS = "http://www.w3.org/ns/shacl#"
    NodeShape: str
    PropertyShape: str
    ValidationResult: str
    focusNode: str
    resultSeverity: str
    resultPath: str
    resultMessage: str
    value: str
    Violation: str
    Warning: str
    Info: str


class VOID(Namespace):
    """The VoID terms of the served dataset description."""

    _NS = "http://rdfs.org/ns/void#"
    _EXTRA = ("class",)
    Dataset: str
    sparqlEndpoint: str
    dataDump: str
    uriSpace: str
    vocabulary: str
    triples: str
    properties: str
    classes: str
    entities: str
    property: str
    propertyPartition: str
    classPartition: str


# One prefix per kind of resource kg mints, so that every id kg prints is a prefixed
# name a SPARQL query or a Turtle file accepts as it is: kgtopic:backpropagation,
# kgcourse:mit-6.7960-fa25. Ids below a kind (a course's lectures, a book's chapters)
# hold a "/", which a local name can only hold escaped, so they print as full IRIs.
KIND_PREFIXES: Final[dict[str, str]] = {
    "kgtopic": ID + "topic/",
    "kgcourse": ID + "course/",
    "kgreading": ID + "reading/",
    "kgbook": ID + "book/",
    "kgperson": ID + "person/",
    "kgorg": ID + "organization/",
    "kgsource": ID + "source/",
}

PREFIXES: Final[dict[str, str]] = {
    "kg": ONTOLOGY,
    "kgid": ID,
    **KIND_PREFIXES,
    "schema": SCHEMA.base,
    "skos": SKOS.base,
    "dcterms": DCTERMS.base,
    "prov": PROV.base,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "owl": OWL.base,
    "xsd": XSD.base,
}

# For writing Turtle and JSON-LD: kgid: is left out so that the writer picks the kind's
# prefix (kgtopic:x rather than kgid:topic\/x).
OUTPUT_PREFIXES: Final[dict[str, str]] = {p: iri for p, iri in PREFIXES.items() if p != "kgid"}

# Longest namespace first, so the most specific prefix wins.
_BY_LENGTH: Final = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _local(rest: str) -> str | None:
    """``rest`` if it is a SPARQL/Turtle local name (PN_LOCAL) as it is, else None.

    Reserved characters could be escaped (``\\/``), but rdflib's SPARQL parser and
    Virtuoso 7 reject such names, so an id with one is printed as a full IRI instead."""
    if not rest:
        return ""
    for i, ch in enumerate(rest):
        if not (ch.isalnum() or ch in "_:" or (ch == "-" and i > 0) or (ch == "." and 0 < i < len(rest) - 1)):
            return None
    return rest


def curie(iri: str) -> str:
    """``iri`` as a prefixed name a query accepts, or as ``<iri>`` when none fits.

    >>> curie(topic_iri("backpropagation"))
    'kgtopic:backpropagation'
    >>> curie(lecture_iri("mit-6.7960-fa25", 3))
    '<https://w3id.org/coursekg/id/course/mit-6.7960-fa25/lecture/3>'
    >>> curie("http://example.org/x")
    '<http://example.org/x>'
    """
    for prefix, base in _BY_LENGTH:
        if iri.startswith(base):
            local = _local(iri[len(base):])
            if local is not None:
                return f"{prefix}:{local}"
    return f"<{iri}>"


def sparql_prologue() -> str:
    """The PREFIX declarations for every prefix kg predeclares, for prepending to queries."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


SCHEME: Final = ID + "scheme/topics"


_UNQUOTED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _seg(value: str | int) -> str:
    # Ids are validated slugs, but quote anyway so no data can break an IRI. A slug is
    # what quote gives back for it, without its work (a plan makes tens of thousands).
    s = str(value)
    return s if _UNQUOTED.issuperset(s) else quote(s, safe="-._~")


def topic_iri(topic_id: str) -> str:
    return f"{ID}topic/{_seg(topic_id)}"


def course_iri(course_id: str) -> str:
    return f"{ID}course/{_seg(course_id)}"


# A lecture's own label on its page: letters and digits, parts joined by '.' or '-'
# ("9", "09", "1a", "5.2", "L-3"); at most 12 characters, so it fits a listing.
LECTURE_LABEL = re.compile(r"^(?=.{1,12}$)[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*$")


def lecture_iri(course_id: str, n: int) -> str:
    """A lecture's IRI: ``n`` is the number its page gives it (BU's "09" is 9), or its
    position in teaching order where the page numbers none."""
    return f"{course_iri(course_id)}/lecture/{n}"


def lecture_numbers(labels: Sequence[str | None]) -> list[int]:
    """The ``n`` of each lecture's IRI, for one course's lectures in teaching order.

    ``labels`` are the page's own labels for the lectures (``None`` where it gives none).
    Where every label is a whole number, ``n`` is that number (BU's "09" is 9) and an
    unlabelled lecture takes its position. Where any label is not a whole number
    (Oxford's "1a", "1b", "2a", …, "3"; CMU's "5.2"), every lecture of the course takes
    its position: letters cannot be part of ``n``, and mixing numbers with positions
    would give Oxford's "2a" (3rd) and "3" (5th) the same IRI. The label itself is kept
    as the lecture's ``schema:identifier``.

    >>> lecture_numbers(["01", "02", "04", None])
    [1, 2, 4, 4]
    >>> lecture_numbers(["1a", "1b", "2", "3"])
    [1, 2, 3, 4]
    >>> lecture_numbers([None, None])
    [1, 2]

    (The first example's two 4s are an error the loader reports.)
    """
    def number(label: str | None) -> int | None:
        s = (label or "").strip()
        return int(s) if s.isascii() and s.isdigit() else None

    nums = [number(lab) for lab in labels]
    whole = all(n is not None or lab is None for n, lab in zip(nums, labels))
    return [n if whole and n is not None else i for i, n in enumerate(nums, start=1)]


def lecture_number(number: str | int | None, position: int) -> str:
    """How kg names a lecture to people, in every command: the page's own number or label
    for it (``number``: BU's "09", Oxford's "1a", CMU 11-777's "5.2"), else its position
    in teaching order.

    kg's records carry both fields (``number`` is ``None`` where the page gives none),
    so a program can tell them apart; text views show this. It lives here, beside
    :func:`lecture_numbers`, because every view needs it and this module is loaded by
    every command anyway.

    >>> lecture_number("1a", 1), lecture_number("09", 8), lecture_number(None, 3)
    ('1a', '09', '3')
    """
    return str(position) if number is None or number == "" else str(number)


def lecture_label_key(label: str) -> str:
    """What two of a course's lecture labels must not share: "09" and "9" name one
    lecture, and so do "1A" and "1a".

    >>> lecture_label_key("09"), lecture_label_key(" 1A ")
    ('9', '1a')
    """
    s = label.strip().casefold()
    return str(int(s)) if s.isascii() and s.isdigit() else s


def event_iri(course_id: str, n: int) -> str:
    return f"{course_iri(course_id)}/event/{n}"


def assignment_iri(course_id: str, assignment_id: str) -> str:
    return f"{course_iri(course_id)}/assignment/{_seg(assignment_id)}"


def reading_assignment_iri(course_id: str, n: int, k: int) -> str:
    return f"{lecture_iri(course_id, n)}/reads/{k}"


def reading_iri(reading_id: str) -> str:
    return f"{ID}reading/{_seg(reading_id)}"


def book_iri(book_id: str) -> str:
    return f"{ID}book/{_seg(book_id)}"


def chapter_iri(book_id: str, n: int) -> str:
    return f"{book_iri(book_id)}/chapter/{n}"


def person_iri(slug: str) -> str:
    return f"{ID}person/{_seg(slug)}"


def org_iri(slug: str) -> str:
    return f"{ID}organization/{_seg(slug)}"


def prerequisite_iri(topic_id: str, prereq_id: str) -> str:
    return f"{topic_iri(topic_id)}/requires/{_seg(prereq_id)}"


def evidence_iri(topic_id: str, prereq_id: str, course_id: str) -> str:
    """The kg:OrderEvidence node for how one course orders one prerequisite edge."""
    return f"{prerequisite_iri(topic_id, prereq_id)}/evidence/{_seg(course_id)}"


def source_iri(path: str) -> str:
    return f"{ID}source/{quote(path, safe='-._~/')}"


def local_id(iri: str) -> str:
    """The id a user types for a kg resource IRI (``…/topic/backpropagation`` → ``backpropagation``,
    ``…/course/mit-6.7960-fa25/lecture/3`` → ``mit-6.7960-fa25/lecture/3``)."""
    if iri.startswith(ID):
        rest = iri[len(ID):]
        kind, _, tail = rest.partition("/")
        if kind in ("topic", "course", "reading", "book", "person", "organization"):
            return tail
        return rest
    return iri
