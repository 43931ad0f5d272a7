"""The store carries the RDFS entailments of kg's ontology, so generic SKOS and
schema.org queries see kg's data."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.build.entail import Entailment, entailed
from kg.vocab import RDF, RDFS


def count(run, where: str) -> int:
    result = run("query", f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}", "--format", "json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    ("generic", "own"),
    [
        ("?x a skos:Concept", "?x a kg:Topic"),
        ("?x a schema:Course", "?x a kg:Course"),
        ("?x a schema:Book", "?x a kg:Book"),
        ("?x a schema:Chapter", "?x a kg:Chapter"),
        ("?x a schema:Event", "?x a kg:Event"),
        ("?x a schema:CreativeWork", "{ ?x a kg:Reading } UNION { ?x a kg:Assignment }"),
    ],
)
def test_superclass_types_are_materialised(run, generic, own):
    n = count(run, own)
    assert n > 0
    assert count(run, generic) == n


def test_no_entailed_triple_repeats_a_stated_one(run):
    # kg:Topic rdfs:subClassOf skos:Concept is stated once, not again as an entailment.
    out = run("query", "SELECT (COUNT(*) AS ?n) WHERE { kg:Topic rdfs:subClassOf ?c }", "--format", "csv")
    assert out.stdout.split()[-1] == "1"


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode("http://example.org/" + name)


TYPE, SUBCLASS, SUBPROPERTY = (ox.NamedNode(i) for i in (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf))


class TestEntailed:
    def test_empty(self):
        assert list(entailed([], [ox.Triple(ex("a"), TYPE, ex("C"))])) == []

    def test_subclass_chain(self):
        onto = [ox.Triple(ex("A"), SUBCLASS, ex("B")), ox.Triple(ex("B"), SUBCLASS, ex("C"))]
        out = set(entailed(onto, [*onto, ox.Triple(ex("x"), TYPE, ex("A"))]))
        assert out == {
            ox.Triple(ex("A"), SUBCLASS, ex("C")),
            ox.Triple(ex("x"), TYPE, ex("B")),
            ox.Triple(ex("x"), TYPE, ex("C")),
        }

    def test_subproperty_chain_and_types_through_it(self):
        onto = [
            ox.Triple(ex("p"), SUBPROPERTY, ex("q")),
            ox.Triple(ex("q"), SUBPROPERTY, ex("r")),
            ox.Triple(ex("T"), SUBCLASS, ex("U")),
        ]
        out = set(entailed(onto, [ox.Triple(ex("x"), ex("p"), ox.Literal("v"))]))
        assert ox.Triple(ex("x"), ex("q"), ox.Literal("v")) in out
        assert ox.Triple(ex("x"), ex("r"), ox.Literal("v")) in out
        assert ox.Triple(ex("p"), SUBPROPERTY, ex("r")) in out

    def test_cycle_terminates(self):
        onto = [ox.Triple(ex("A"), SUBCLASS, ex("B")), ox.Triple(ex("B"), SUBCLASS, ex("A"))]
        out = set(entailed(onto, [*onto, ox.Triple(ex("x"), TYPE, ex("A"))]))
        assert ox.Triple(ex("x"), TYPE, ex("B")) in out
        assert ox.Triple(ex("A"), SUBCLASS, ex("A")) not in out

    def test_blank_node_classes_are_ignored(self):
        union = ox.BlankNode()
        rules = Entailment([ox.Triple(ex("A"), SUBCLASS, union)])
        assert rules.superclasses == {}


def test_reading_the_relevant_predicates_gives_what_reading_everything_gives():
    """The build reads only the statements whose predicates can entail or be entailed
    (one index range each); over the shipped graph before its entailments are added,
    that gives the same triples as reading every statement, and most statements are
    not read."""
    from kg.build.entail import relevant_predicates
    from kg.build.rdf import ntriples
    from kg.build.sources import load_sources
    from kg.build.store import default_data_dir, ontology_files

    store = ox.Store()
    for path in ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    store.bulk_load("".join(ntriples(load_sources(default_data_dir()))).encode(), format=ox.RdfFormat.N_TRIPLES)
    ontology = [q for path in ontology_files() for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    everything = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    preds = relevant_predicates(ontology)
    read = [q for p in preds for q in store.quads_for_pattern(None, p, None, ox.DefaultGraph())]
    assert ox.NamedNode(RDF.type) in preds and ox.NamedNode(RDFS.subClassOf) in preds
    assert len(read) < len(everything) / 2
    want = set(entailed(ontology, everything))
    assert len(want) > 500  # types through kg's class hierarchy, at least
    assert set(entailed(ontology, read)) == want
