"""Content negotiation as real clients send it (kg.web.negotiate)."""

from __future__ import annotations

import pytest

from kg.errors import NotAcceptable
from kg.web.negotiate import resource_format, sparql_format

# What the clients send, copied from their sources.
JENA = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.7, text/csv;q=0.5, application/json;q=0.2, "
    "application/xml;q=0.2, */*;q=0.1"
)
JENA_GRAPH = (
    "text/turtle, application/n-triples;q=0.9, application/ld+json;q=0.8, "
    "application/rdf+xml;q=0.7, */*;q=0.1"
)
YASGUI = "application/sparql-results+json,*/*;q=0.9"
YASGUI_GRAPH = "text/turtle,*/*;q=0.9"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "graph", "expected"),
    [
        (None, False, "json"),
        (None, True, "ttl"),
        ("", False, "json"),
        ("*/*", False, "json"),
        ("*/*", True, "ttl"),
        ("text/*", False, "csv"),
        ("text/*", True, "ttl"),
        ("application/*", True, "nt"),
        ("application/*;q=0.1, text/csv;q=0.5", True, "nt"),
        ("application/*;q=0.1, text/csv;q=0.5", False, "csv"),
        ("text/tab-separated-values", False, "tsv"),
        ("application/sparql-results+xml", False, "xml"),
        ("application/rdf+xml", True, "rdfxml"),
        ("application/ld+json", True, "jsonld"),
        ("application/json", True, "jsonld"),
        ("application/json", False, "json"),
        ("text/plain", True, "nt"),
        (JENA, False, "json"),
        (JENA_GRAPH, True, "ttl"),
        (YASGUI, False, "json"),
        (YASGUI_GRAPH, True, "ttl"),
        ("text/csv;q=0.2, application/sparql-results+xml", False, "xml"),
        ("application/sparql-results+json;q=0, */*;q=0.1", False, "xml"),
        # A range with an invalid q is dropped; nothing valid left means "anything".
        ("text/csv;q=nan, application/sparql-results+xml;q=0.2", False, "xml"),
        ("text/csv;q=nan", False, "json"),
        ("text/csv;q=2", False, "json"),
        ("text/csv;q=-1", False, "json"),
        ("garbage", False, "json"),
        ("TEXT/CSV", False, "csv"),
        ("text/csv; charset=utf-8", False, "csv"),
    ],
)
def test_accept(accept, graph, expected):
    assert sparql_format([], accept, graph) == expected


@pytest.mark.parametrize(
    ("accept", "graph"),
    [("text/html", False), ("image/png", True), ("text/turtle", False), ("text/csv", True), ("*/*;q=0", False)],
)
def test_not_acceptable(accept, graph):
    with pytest.raises(NotAcceptable, match="none of the accepted media types"):
        sparql_format([], accept, graph)


@pytest.mark.parametrize(
    ("values", "graph", "expected"),
    [
        # SPARQLWrapper: its name, then (for tsv, json-ld, rdf+xml) the media types.
        (["json"], False, "json"),
        (["xml"], False, "xml"),
        (["csv"], False, "csv"),
        (["tsv", "text/tab-separated-values"], False, "tsv"),
        (["json-ld", "application/ld+json,application/x-json+ld"], True, "jsonld"),
        (["rdf+xml", "application/rdf+xml"], True, "rdfxml"),
        (["xml"], True, "rdfxml"),
        (["json"], True, "jsonld"),
        (["turtle"], True, "ttl"),
        (["n3"], True, "ttl"),
        # curl, by name or media type; empty values are ignored.
        (["text/csv"], False, "csv"),
        (["application/sparql-results+json"], False, "json"),
        (["srj"], False, "json"),
        (["nt"], True, "nt"),
        ([""], False, "json"),
        # The first value that fits wins.
        (["ttl", "csv"], False, "csv"),
    ],
)
def test_format_parameter(values, graph, expected):
    assert sparql_format(values, None, graph) == expected
    if any(values):  # a format value overrides the header
        assert sparql_format(values, "text/html", graph) == expected


def test_format_that_does_not_fit_names_the_choices():
    with pytest.raises(NotAcceptable, match=r"format 'ttl' does not fit a SELECT/ASK query \(one of json, xml, csv, tsv\)"):
        sparql_format(["ttl"], None, False)


@pytest.mark.parametrize(
    ("accept", "suffix", "expected"),
    [
        (BROWSER, None, "html"),
        ("text/turtle", None, "ttl"),
        ("application/ld+json", None, "jsonld"),
        ("application/n-triples", None, "nt"),
        ("application/rdf+xml", None, "rdfxml"),
        (None, None, "html"),
        ("*/*", None, "html"),
        (BROWSER, ".ttl", "ttl"),
        (BROWSER, ".rdf", "rdfxml"),
        ("text/turtle", ".html", "html"),
    ],
)
def test_resource(accept, suffix, expected):
    assert resource_format(accept, suffix) == expected
