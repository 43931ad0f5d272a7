"""Linked data in ``kg serve``: resource pages as RDF or labelled HTML, the Graph Store
Protocol's read side, CORS, and what the SPARQL page needs (prefixes, query templates).

Resource pages negotiate (:func:`kg.web.negotiate.resource_format`): browsers get HTML
that names every linked resource by its label and shows each prerequisite's reason
beside it; clients get Turtle, JSON-LD, N-Triples or RDF/XML (the resource's statements
both ways and the labels of what it links to), also by suffix: ``/resource/x.ttl``.
The statements are fetched by kg's internal queries with the IRI bound as a term, in the
query workers, like every other query of the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import vocab as V
from kg.queries import library, param_kind, render_internal
from kg.sparql import parse_query
from kg.web.negotiate import RESOURCE_SUFFIXES
from kg.web.workers import worker_store

__all__ = [
    "Context",
    "resource_context",
    "resource_graph_query",
    "split_suffix",
    "cors_options",
    "prefixes",
    "query_templates",
]

# The pattern of a parameter value by kind, for the page's form fields (the same ids
# kg.queries accepts; a value the server would refuse is flagged before it is sent).
# ("-" escaped: an HTML pattern attribute is compiled with the v flag.)
_PARAM_PATTERNS = {"topic": r"^[a-z0-9][a-z0-9\-]*$", "course": r"^[a-z0-9][a-z0-9.\-]*$"}
_KIND_PREFIX = {"topic": "kgtopic", "course": "kgcourse"}


@dataclass
class Context:
    """What a resource's HTML page shows beside its statements."""

    labels: dict[str, str] = field(default_factory=dict)  # linked IRI -> label
    reasons: dict[str, str] = field(default_factory=dict)  # prerequisite IRI -> why
    needed_for: dict[str, str] = field(default_factory=dict)  # dependent IRI -> why


def resource_context(iri: str) -> Context:
    """(In a worker) labels of the resources ``iri`` links to, either way, and the reason
    of each ``kg:requires`` edge from or to it."""
    checked = parse_query(render_internal("resource-context", resource=ox.NamedNode(iri)))
    out = Context()
    for sol in worker_store().query(checked.text, prefixes=V.PREFIXES):  # type: ignore[union-attr]
        x = sol["x"].value
        for key, table in (("label", out.labels), ("reason", out.reasons), ("needed_for", out.needed_for)):
            term = sol[key]
            if term is not None and x not in table:
                table[x] = term.value
    return out


def resource_graph_query(iri: str) -> str:
    """The CONSTRUCT query of a resource's RDF representations, with the IRI bound."""
    return render_internal("resource-graph", resource=ox.NamedNode(iri))


def split_suffix(path: str) -> tuple[str, str | None]:
    """``topic/x.ttl`` -> (``topic/x``, ``.ttl``); no known suffix -> (path, None).

    Ids may hold dots (``mit-6.7960-fa25``), so only the suffixes of
    :data:`~kg.web.negotiate.RESOURCE_SUFFIXES` are split off.

    >>> split_suffix("course/mit-6.7960-fa25.jsonld")
    ('course/mit-6.7960-fa25', '.jsonld')
    >>> split_suffix("course/mit-6.7960-fa25")
    ('course/mit-6.7960-fa25', None)
    """
    for suffix in RESOURCE_SUFFIXES:
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], suffix
    return path, None


def cors_options(origins: list[str] | None) -> dict[str, Any]:
    """Options for Starlette's ``CORSMiddleware``: reads from any origin by default (the
    graph is public and read-only; no cookies or credentials are involved), or from the
    ``origins`` given. Preflights for ``POST application/sparql-query`` are answered."""
    return {
        "allow_origins": origins or ["*"],
        "allow_methods": ["GET", "HEAD", "POST", "OPTIONS"],
        "allow_headers": ["Accept", "Content-Type"],
        "expose_headers": ["X-KG-Truncated", "Content-Type"],
        "allow_credentials": False,
        "max_age": 600,
    }


def prefixes() -> dict[str, str]:
    """Every prefix queries may use undeclared, for the editor's completion."""
    return dict(V.PREFIXES)


def query_templates() -> list[dict[str, Any]]:
    """The shipped queries for the SPARQL page: documentation, the text rendered with
    the default parameters (``query``), and the template with ``$param`` placeholders and
    each parameter's kind, default and pattern, for the page's form fields."""
    out = []
    for q in library().values():
        params = []
        for name, default in q.params.items():
            kind = param_kind(name)
            params.append(
                {"name": name, "kind": kind, "default": default, "pattern": _PARAM_PATTERNS[kind], "prefix": _KIND_PREFIX[kind]}
            )
        out.append({"name": q.name, "title": q.title, "description": q.description, "query": q.render(), "template": q.text, "params": params})
    return out
