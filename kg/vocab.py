"""The vocabulary: every IRI kg mints or reads, in one place.

`KG` lists the ontology's terms as attributes, so a misspelt term fails at import or
first use instead of silently minting a new IRI (the same idea as rdflib's
``DefinedNamespace`` with ``_fail = True``, without importing rdflib on the hot path).
Resource IRIs are built by the ``*_iri`` helpers, never by string concatenation in
other modules.
"""

from __future__ import annotations

from typing import Final
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
    "ONTOLOGY",
    "ID",
    "PREFIXES",
    "OUTPUT_PREFIXES",
    "sparql_prologue",
    "topic_iri",
    "course_iri",
    "lecture_iri",
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


class _Namespace:
    """A closed set of terms under one IRI prefix; unknown attributes raise."""

    def __init__(self, base: str, terms: str) -> None:
        self._base = base
        self._terms = frozenset(terms.split())

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in self._terms:
            raise AttributeError(f"term {name!r} is not in the vocabulary {self._base}")
        return self._base + name

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and iri.startswith(self._base) and (
            iri[len(self._base):] in self._terms
        )

    def __iter__(self):  # type: ignore[no-untyped-def]
        return (self._base + t for t in sorted(self._terms))

    @property
    def base(self) -> str:
        return self._base


# kg's own terms. The contract in DESIGN.md fixes the first two lines of each group;
# the rest are extensions for calendar events, assignments and provenance.
KG: Final = _Namespace(
    ONTOLOGY,
    """
    Course Lecture Topic Prerequisite Reading Book Chapter ReadingAssignment
    Event Assignment
    term position speaker covers reads requires topic prerequisite reason kind
    chapterNumber lecture item optional sections
    assumes guest material week released due note
    OrderEvidence evidence course ordering topicLecture prerequisiteLecture
    taughtBefore taughtTogether taughtAfter prerequisiteOnly topicOnly
    """,
)

# The values of kg:ordering: how one course orders the two topics of a prerequisite
# edge, by the first lecture that covers each ("before": the prerequisite comes first).
ORDERINGS: Final = ("before", "together", "after", "prerequisite-only", "topic-only")

SCHEMA: Final = _Namespace(
    "https://schema.org/",
    """
    Course CreativeWork Book Chapter Person Organization Event
    name courseCode provider isPartOf startDate author datePublished url
    identifier publisher
    """,
)
SKOS: Final = _Namespace(
    "http://www.w3.org/2004/02/skos/core#",
    """
    Concept ConceptScheme prefLabel altLabel definition broader narrower inScheme
    topConceptOf hasTopConcept
    """,
)
DCTERMS: Final = _Namespace(
    "http://purl.org/dc/terms/", "title description source created modified license"
)
PROV: Final = _Namespace("http://www.w3.org/ns/prov#", "Entity wasDerivedFrom")
RDF: Final = _Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type Property")
RDFS: Final = _Namespace(
    "http://www.w3.org/2000/01/rdf-schema#",
    "label comment subClassOf subPropertyOf domain range seeAlso isDefinedBy",
)
OWL: Final = _Namespace(
    "http://www.w3.org/2002/07/owl#",
    "Ontology Class ObjectProperty DatatypeProperty equivalentClass",
)
XSD: Final = _Namespace(
    "http://www.w3.org/2001/XMLSchema#",
    "string integer boolean date gYear anyURI nonNegativeInteger positiveInteger",
)
SH: Final = _Namespace("http://www.w3.org/ns/shacl#", "NodeShape PropertyShape")

PREFIXES: Final[dict[str, str]] = {
    "kg": ONTOLOGY,
    "kgid": ID,
    "schema": SCHEMA.base,
    "skos": SKOS.base,
    "dcterms": DCTERMS.base,
    "prov": PROV.base,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "owl": OWL.base,
    "xsd": XSD.base,
}

# For writing Turtle: kgid: is left out because kg's local names contain "/", which
# Turtle would have to escape (kgid:topic\/x); full IRIs read better.
OUTPUT_PREFIXES: Final[dict[str, str]] = {p: iri for p, iri in PREFIXES.items() if p != "kgid"}

SCHEME: Final = ID + "scheme/topics"


def sparql_prologue() -> str:
    """The PREFIX declarations for every contract prefix, for prepending to queries."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _seg(value: str | int) -> str:
    # Ids are validated slugs, but quote anyway so no data can break an IRI.
    return quote(str(value), safe="-._~")


def topic_iri(topic_id: str) -> str:
    return f"{ID}topic/{_seg(topic_id)}"


def course_iri(course_id: str) -> str:
    return f"{ID}course/{_seg(course_id)}"


def lecture_iri(course_id: str, n: int) -> str:
    return f"{course_iri(course_id)}/lecture/{n}"


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
