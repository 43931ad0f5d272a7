"""RDFS entailments of kg's ontology, materialised into the store at build time.

kg's classes and properties are aligned with schema.org, SKOS and PROV by
``rdfs:subClassOf`` (and, where the ontology declares one, ``rdfs:subPropertyOf``).
A SPARQL engine does no inference, so without these triples ``?t a skos:Concept`` or
``?c a schema:Course`` find nothing, and generic SKOS and schema.org tools see an empty
graph. The build therefore adds, for the data triples, the types and statements that
follow from the ontology by these RDFS rules (numbered as in RDF 1.1 Semantics):

- rdfs9: ``x a C`` and ``C rdfs:subClassOf D`` give ``x a D``;
- rdfs7: ``x P y`` and ``P rdfs:subPropertyOf Q`` give ``x Q y``;
- rdfs11 and rdfs5: ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` are transitive, so
  the rules above follow whole chains, and the closures themselves are added.

Only named classes and properties count: the ``owl:unionOf`` blank nodes of the
ontology's domains and ranges have no instances of their own. Domain and range
entailments (rdfs2, rdfs3) are not materialised: every resource kg mints already
carries its own class, and ``kg validate`` checks the data under full RDFS inference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import pyoxigraph as ox

from kg import vocab as V

__all__ = ["Entailment", "entailed", "relevant_predicates"]

_TYPE = ox.NamedNode(V.RDF.type)
_SUBCLASS = ox.NamedNode(V.RDFS.subClassOf)
_SUBPROPERTY = ox.NamedNode(V.RDFS.subPropertyOf)


class _Statement(Protocol):
    """A triple or a quad: anything with a subject, a predicate and an object."""

    @property
    def subject(self) -> object: ...

    @property
    def predicate(self) -> object: ...

    @property
    def object(self) -> object: ...


def _closure(edges: dict[ox.NamedNode, set[ox.NamedNode]]) -> dict[ox.NamedNode, tuple[ox.NamedNode, ...]]:
    """Every node's strict ancestors along ``edges`` (child -> parents), sorted."""
    out: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = {}
    for start in edges:
        seen: set[ox.NamedNode] = set()
        todo = list(edges[start])
        while todo:
            node = todo.pop()
            if node in seen or node == start:
                continue
            seen.add(node)
            todo.extend(edges.get(node, ()))
        out[start] = tuple(sorted(seen, key=lambda n: n.value))
    return out


class Entailment:
    """The subclass and subproperty hierarchies of an ontology, ready to apply.

    Parameters
    ----------
    ontology : iterable of triples or quads
        The ontology's statements; only ``rdfs:subClassOf`` and ``rdfs:subPropertyOf``
        between named nodes are used.
    """

    def __init__(self, ontology: Iterable[_Statement]) -> None:
        classes: dict[ox.NamedNode, set[ox.NamedNode]] = {}
        properties: dict[ox.NamedNode, set[ox.NamedNode]] = {}
        for t in ontology:
            s, p, o = t.subject, t.predicate, t.object
            if not (isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)):
                continue
            if p == _SUBCLASS:
                classes.setdefault(s, set()).add(o)
            elif p == _SUBPROPERTY:
                properties.setdefault(s, set()).add(o)
        self.superclasses = _closure(classes)
        self.superproperties = _closure(properties)

    @property
    def predicates(self) -> list[ox.NamedNode]:
        """The predicates whose statements :func:`entailed` reads (sorted): rdf:type, the
        two hierarchy properties, every property with a superproperty (rdfs7) and every
        superproperty (a statement of it may be stated already). A statement with any
        other predicate entails nothing and is never entailed."""
        supers = (q for qs in self.superproperties.values() for q in qs)
        return sorted({_TYPE, _SUBCLASS, _SUBPROPERTY, *self.superproperties, *supers}, key=lambda n: n.value)

    def axioms(self) -> Iterator[ox.Triple]:
        """The transitive closure of both hierarchies (rdfs5, rdfs11)."""
        for rel, table in ((_SUBCLASS, self.superclasses), (_SUBPROPERTY, self.superproperties)):
            for node, ancestors in sorted(table.items(), key=lambda kv: kv[0].value):
                for a in ancestors:
                    yield ox.Triple(node, rel, a)

    def extra(self, t: _Statement) -> Iterator[ox.Triple]:
        """The statements one data triple entails (rdfs7, then rdfs9 on its types)."""
        s, p, o = t.subject, t.predicate, t.object
        if not isinstance(p, ox.NamedNode) or not isinstance(s, (ox.NamedNode, ox.BlankNode)):
            return
        predicates = (p, *self.superproperties.get(p, ()))
        for q in predicates[1:]:
            yield ox.Triple(s, q, o)  # type: ignore[arg-type]
        if _TYPE in predicates and isinstance(o, ox.NamedNode):
            for c in self.superclasses.get(o, ()):
                yield ox.Triple(s, _TYPE, c)


def entailed(ontology: Iterable[_Statement], data: Iterable[_Statement]) -> Iterator[ox.Triple]:
    """The triples ``data`` entails under ``ontology``'s subclass and subproperty
    axioms that are not already in ``data``, each once.

    ``data`` is read once, so it may be a stream; the ontology is read first. Nothing is
    yielded before ``data`` is exhausted.

    Examples
    --------
    >>> ex = lambda n: ox.NamedNode("http://example.org/" + n)
    >>> onto = [ox.Triple(ex("Topic"), _SUBCLASS, ex("Concept")),
    ...         ox.Triple(ex("Concept"), _SUBCLASS, ex("Thing"))]
    >>> data = [*onto, ox.Triple(ex("t"), _TYPE, ex("Topic")), ox.Triple(ex("t"), _TYPE, ex("Thing"))]
    >>> [(t.subject.value[19:], t.object.value[19:]) for t in entailed(onto, data)]
    [('Topic', 'Thing'), ('t', 'Concept')]

    The closure of the hierarchy comes first (``ex:Topic rdfs:subClassOf ex:Thing``);
    ``ex:t a ex:Thing`` is stated already, so it is not repeated.
    """
    rules = Entailment(ontology)
    pending = list(rules.axioms())
    seen: set[ox.Triple] = set(pending)
    watched = {_TYPE, _SUBCLASS, _SUBPROPERTY, *(q for qs in rules.superproperties.values() for q in qs)}
    stated: set[ox.Triple] = set()
    for t in data:
        for e in rules.extra(t):
            if e not in seen:
                seen.add(e)
                pending.append(e)
        if t.predicate in watched:
            stated.add(ox.Triple(t.subject, t.predicate, t.object))  # type: ignore[arg-type]
    yield from (e for e in pending if e not in stated)


def relevant_predicates(ontology: Iterable[_Statement]) -> list[ox.NamedNode]:
    """:attr:`Entailment.predicates` of ``ontology``: reading only the statements with
    these predicates, :func:`entailed` gives the same triples as reading all."""
    return Entailment(ontology).predicates
