"""Talk to a SPARQL server: the 1.1 Protocol for queries, the Graph Store Protocol for
pushing the graph (``kg push``). Standard library HTTP only, so the CLI stays quick."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from kg.errors import EndpointError, UsageError

__all__ = ["sparql_request", "select", "ask", "graph_store_put"]

_TIMEOUT = 60.0


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"endpoint {url!r} is not an http(s) URL")


def _send(req: urllib.request.Request, url: str) -> tuple[bytes, str]:
    try:
        with urllib.request.urlopen(req, timeout=_TIMEOUT) as resp:  # noqa: S310 - scheme checked
            return resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        first = detail[0][:300] if detail else exc.reason
        raise EndpointError(f"endpoint {url} answered {exc.code}: {first}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"cannot reach endpoint {url}: {reason}") from None


def sparql_request(url: str, query: str, accept: str) -> tuple[bytes, str]:
    """POST ``query`` (``application/sparql-query``) and return body and content type."""
    _check_url(url)
    req = urllib.request.Request(
        url,
        data=query.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    return _send(req, url)


def _py(term: dict[str, str] | None) -> Any:
    if term is None:
        return None
    value = term["value"]
    dt = term.get("datatype", "")
    if dt.endswith("#integer") or dt.endswith("#int") or dt.endswith("#long"):
        try:
            return int(value)
        except ValueError:
            return value
    if dt.endswith("#boolean"):
        return value in ("true", "1")
    if term["type"] == "bnode":
        return "_:" + value
    return value


def select(url: str, query: str) -> list[dict[str, Any]]:
    """Rows of a SELECT as dicts of plain values (as :meth:`KnowledgeGraph.select`)."""
    body, _ = sparql_request(url, query, "application/sparql-results+json")
    try:
        data = json.loads(body)
        names = data["head"]["vars"]
        return [{n: _py(b.get(n)) for n in names} for b in data["results"]["bindings"]]
    except (ValueError, KeyError, TypeError):
        raise EndpointError(f"endpoint {url} did not return SPARQL JSON results") from None


def ask(url: str, query: str) -> bool:
    body, _ = sparql_request(url, query, "application/sparql-results+json")
    try:
        return bool(json.loads(body)["boolean"])
    except (ValueError, KeyError, TypeError):
        raise EndpointError(f"endpoint {url} did not return a SPARQL boolean") from None


def graph_store_put(url: str, data: bytes, media_type: str = "application/n-triples") -> None:
    """Replace the default graph at a Graph Store Protocol ``url`` with ``data``."""
    _check_url(url)
    sep = "&" if "?" in url else "?"
    target = url if "default" in urllib.parse.urlsplit(url).query or "graph=" in url else f"{url}{sep}default"
    req = urllib.request.Request(target, data=data, method="PUT", headers={"Content-Type": media_type})
    _send(req, target)
