"""Content negotiation for the SPARQL endpoint and the resource pages.

The ``Accept`` header is parsed and matched by werkzeug's :class:`MIMEAccept` (RFC 9110:
q-values, ``type/*`` and ``*/*`` ranges, most specific range first; a range whose q is
not a number between 0 and 1, such as ``q=nan``, is dropped). Ties go to the order of
the offers below, so ``*/*`` gets SPARQL JSON or Turtle.

A ``format=`` (or ``output=``) parameter overrides the header, as clients send it:

- SPARQLWrapper repeats it, once with its own name and once with media types:
  ``format=json-ld&format=application/ld+json,application/x-json+ld``; its ``xml`` means
  RDF/XML for CONSTRUCT/DESCRIBE, its ``json`` JSON-LD and its ``n3`` Turtle;
- curl users type a name (``format=csv``) or a media type (``format=text/csv``);
- YASGUI and Jena's ARQ send only ``Accept``.

Every value, split at commas, is tried in order; the first that fits the query's form
wins, and none fitting is a 406 that lists what would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import NotAcceptable
from kg.sparql import GRAPH_FORMATS, RESULT_FORMATS

__all__ = ["sparql_format", "resource_format", "allowed_formats", "RESOURCE_SUFFIXES"]


# Media types offered for each format, its own first; the first format is the default. Extra types are the ones clients really send (SPARQLWrapper's
# application/turtle, Jena's application/json and application/xml, old N-Triples as
# text/plain).
_RESULT_OFFERS: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
_GRAPH_OFFERS: dict[str, tuple[str, ...]] = {
    "ttl": ("text/turtle", "application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3"),
    "nt": ("application/n-triples", "text/plain"),
    "jsonld": ("application/ld+json", "application/x-json+ld", "application/json"),
    "rdfxml": ("application/rdf+xml", "application/xml", "text/xml"),
}
# Names in format= beyond each format's own name and aliases.
_RESULT_NAMES = {"sparql-results+json": "json", "sparql-results+xml": "xml", "text": "tsv"}
_GRAPH_NAMES = {"n3": "ttl", "xml": "rdfxml", "json": "jsonld", "n-triples": "nt", "ntriples": "nt", "turtle": "ttl"}

# A resource page as HTML or as RDF; /resource/x.ttl picks one by suffix.
_RESOURCE_OFFERS: dict[str, tuple[str, ...]] = {
    "html": ("text/html", "application/xhtml+xml"),
    **_GRAPH_OFFERS,
}
RESOURCE_SUFFIXES: dict[str, str] = {
    ".html": "html", ".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".rdf": "rdfxml",
}


def _offers(table: dict[str, tuple[str, ...]]) -> list[str]:
    """Every format's own media type first, then the extra ones: ``text/*`` picks CSV,
    not the ``text/xml`` spelling of SPARQL XML."""
    return [types[0] for types in table.values()] + [m for types in table.values() for m in types[1:]]


def _by_type(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {m: name for name, types in table.items() for m in types}


def _accept(header: str | None) -> MIMEAccept | None:
    """The header's valid media ranges, or None when it has none (absent, empty, or
    nothing but invalid entries), which means "anything". Parameters other than q
    (``text/csv; charset=utf-8``) are dropped: kg has one representation per type."""
    if not header:
        return None
    parsed = parse_accept_header(header, MIMEAccept)
    valid = [(v.split(";")[0].strip(), q) for v, q in parsed if "/" in v]
    return MIMEAccept(valid) if valid else None


def _named(value: str, graph_form: bool) -> str | None:
    """The format a ``format=`` value names for this query form, or None."""
    formats = GRAPH_FORMATS if graph_form else RESULT_FORMATS
    offers = _GRAPH_OFFERS if graph_form else _RESULT_OFFERS
    names = _GRAPH_NAMES if graph_form else _RESULT_NAMES
    v = value.split(";")[0].strip().lower()
    if not v:
        return None
    if v in formats:
        return v
    for f in formats.values():
        if v in f.aliases:
            return f.name
    if v in names:
        return names[v]
    return _by_type(offers).get(v)


def sparql_format(format_values: Iterable[str], accept: str | None, graph_form: bool) -> str:
    """The result format name (a key of RESULT_FORMATS or GRAPH_FORMATS) for a query.

    Parameters
    ----------
    format_values
        Every ``format=``/``output=`` value of the request, in order (may be empty).
    accept
        The ``Accept`` header, or None.
    graph_form
        True for CONSTRUCT/DESCRIBE, False for SELECT/ASK.

    Raises
    ------
    NotAcceptable
        When the format values name nothing that fits, or the header accepts nothing
        that fits.

    Examples
    --------
    >>> sparql_format([], "text/*", graph_form=False)
    'csv'
    >>> sparql_format(["json-ld", "application/ld+json,application/x-json+ld"], None, True)
    'jsonld'
    >>> sparql_format(["xml"], None, graph_form=True)
    'rdfxml'
    >>> sparql_format([], "application/*;q=0.1, text/csv;q=0.5", graph_form=True)
    'nt'
    >>> sparql_format([], "text/csv;q=nan, application/sparql-results+xml;q=0.2", False)
    'xml'
    """
    values = [part for v in format_values for part in v.split(",")]
    if any(v.strip() for v in values):
        for v in values:
            name = _named(v, graph_form)
            if name is not None:
                return name
        kinds = "CONSTRUCT/DESCRIBE" if graph_form else "SELECT/ASK"
        table = GRAPH_FORMATS if graph_form else RESULT_FORMATS
        shown = ", ".join(dict.fromkeys(v.strip() for v in values if v.strip()))
        raise NotAcceptable(f"format {shown!r} does not fit a {kinds} query (one of {', '.join(table)})")
    offers = _GRAPH_OFFERS if graph_form else _RESULT_OFFERS
    return _match(offers, accept)


def _match(offers: dict[str, tuple[str, ...]], accept: str | None) -> str:
    ranges = _accept(accept)
    if ranges is None:
        return next(iter(offers))
    best = ranges.best_match(_offers(offers))
    if best is None:
        raise NotAcceptable(
            "none of the accepted media types fits: " + ", ".join(types[0] for types in offers.values())
        )
    return _by_type(offers)[best]


def resource_format(accept: str | None, suffix: str | None = None) -> str:
    """``html`` or a graph format name for a resource page.

    >>> resource_format("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    'html'
    >>> resource_format("text/turtle")
    'ttl'
    >>> resource_format("*/*", ".jsonld")
    'jsonld'
    """
    if suffix is not None:
        return RESOURCE_SUFFIXES[suffix]
    return _match(_RESOURCE_OFFERS, accept)


def allowed_formats(graph_form: bool) -> Sequence[str]:
    """The media types offered for a query form, best first (for 406 messages)."""
    return _offers(_GRAPH_OFFERS if graph_form else _RESULT_OFFERS)
