"""Where a graph's triples live: one interface, two backends.

:class:`LocalStore` is the built pyoxigraph store (see :mod:`kg.build.store`);
:class:`Endpoint` is a remote server spoken to over the SPARQL 1.1 Protocol (and the
Graph Store Protocol for ``kg push``). :class:`kg.graph.KnowledgeGraph` holds one
:class:`Backend` and never asks which kind it is.

Every query text reaching a backend may use the contract prefixes without declaring
them: the local store predeclares them, the endpoint gets a PREFIX prologue.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import vocab as V
from kg.build.store import Built
from kg.errors import EndpointError, KGError, UsageError
from kg.queries import render_internal

if TYPE_CHECKING:
    from kg.sparql import Result

# kg.sparql (users' queries: the policy check, result formats) is imported by the methods
# that run a user's query: kg's own lookups (kg path, kg show) never load it.

__all__ = ["Row", "Backend", "LocalStore", "Endpoint", "to_python", "graph_store_put", "public_url"]

Row = dict[str, Any]
"""One solution of a SELECT: variable name → plain Python value (see :func:`to_python`)."""

_TIMEOUT = 60.0

# Export format names → pyoxigraph formats (their media types go to an endpoint).
_DUMP_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def to_python(term: Any) -> Any:
    """A SPARQL result term as a plain value (IRI → str, typed literal → int/bool/str)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


def _literal(value: str, datatype: str) -> Any:
    if datatype == V.XSD.integer:
        try:
            return int(value)
        except ValueError:
            return value
    if datatype == V.XSD.boolean:
        return value in ("true", "1")
    return value


def dump_format(fmt: str) -> ox.RdfFormat:
    """The RDF format an export name (``ttl``, ``nt``, ``jsonld`` ...) stands for."""
    f = _DUMP_FORMATS.get(fmt.lower())
    if f is None:
        raise UsageError(f"unknown export format {fmt!r} (one of ttl, nt, jsonld, rdfxml)")
    return f


class Backend(ABC):
    """What a knowledge graph needs from the place its triples live."""

    @abstractmethod
    def select(self, sparql: str) -> list[Row]:
        """Rows of a SELECT query as dicts of plain Python values."""

    def select_rows(self, sparql: str) -> list[tuple[Any, ...]]:
        """Rows of a SELECT query as tuples of plain Python values, in the order of
        its variables (for large results: cheaper than :meth:`select`'s dicts)."""
        return [tuple(r.values()) for r in self.select(sparql)]

    @abstractmethod
    def ask(self, sparql: str) -> bool:
        """The answer to an ASK query."""

    @abstractmethod
    def execute(
        self, text: str, fmt: str | None = None, *, max_rows: int | None = None, allow_service: bool = False
    ) -> Result:
        """Run a user's query (checked by :func:`kg.sparql.check_query`) and serialise
        the result as ``fmt`` (see :func:`kg.sparql.execute`)."""

    @abstractmethod
    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """Every triple of the default graph in ``fmt``."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of triples."""

    @abstractmethod
    def describe(self) -> str:
        """What this backend is, for messages (``the local graph``, ``endpoint URL``)."""

    def local(self) -> LocalStore:
        """This backend as a local store; :class:`UsageError` when it is not one."""
        raise UsageError(f"this needs the local graph, not {self.describe()}")

    @property
    def manifest(self) -> dict[str, Any]:
        """Counts and files of the build (empty when kg did not build the graph)."""
        return {}

    @property
    def rebuilt(self) -> bool:
        """Whether opening the graph built it anew."""
        return False

    @property
    def cache_path(self) -> Path | None:
        """The on-disk cache of the built store, if any."""
        return None


class LocalStore(Backend):
    """The graph built from a data directory, in an embedded pyoxigraph store."""

    def __init__(self, built: Built) -> None:
        self.built = built

    @property
    def store(self) -> ox.Store:
        return self.built.store

    def describe(self) -> str:
        return f"the local graph of {self.built.data_dir}"

    def local(self) -> LocalStore:
        return self

    @property
    def manifest(self) -> dict[str, Any]:
        return self.built.manifest

    @property
    def rebuilt(self) -> bool:
        return self.built.rebuilt

    @property
    def cache_path(self) -> Path | None:
        return self.built.path

    def query(self, sparql: str) -> Any:
        """pyoxigraph results of ``sparql`` with the contract prefixes predeclared."""
        try:
            return self.built.store.query(sparql, prefixes=V.PREFIXES)
        except SyntaxError as exc:
            raise UsageError(f"invalid SPARQL: {exc}") from None
        except OSError as exc:
            raise KGError(f"query failed: {exc}") from None

    def select(self, sparql: str) -> list[Row]:
        res = self.query(sparql)
        names = [v.value for v in res.variables]
        return [{n: to_python(sol[n]) for n in names} for sol in res]

    def select_rows(self, sparql: str) -> list[tuple[Any, ...]]:
        return [tuple(map(to_python, sol)) for sol in self.query(sparql)]

    def ask(self, sparql: str) -> bool:
        return bool(self.query(sparql))

    def execute(
        self, text: str, fmt: str | None = None, *, max_rows: int | None = None, allow_service: bool = False
    ) -> Result:
        from kg.sparql import execute

        return execute(self.built.store, text, fmt, max_rows=max_rows, allow_service=allow_service)

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        prefixes = V.OUTPUT_PREFIXES if fmt != ox.RdfFormat.N_TRIPLES else None
        out = self.built.store.dump(format=fmt, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        assert isinstance(out, bytes)
        return out

    def __len__(self) -> int:
        return len(self.built.store)


class Endpoint(Backend):
    """A graph held by a SPARQL 1.1 Protocol server at ``url``: every question is sent
    there, fetching only what it needs. Standard library HTTP only."""

    def __init__(self, url: str) -> None:
        _check_url(url)
        self.url = url

    def describe(self) -> str:
        return f"the endpoint {self.url}"

    def request(self, query: str, accept: str) -> tuple[bytes, str]:
        """POST ``query`` (contract prefixes declared) and return body and content type."""
        return sparql_request(self.url, V.sparql_prologue() + query, accept)

    def select(self, sparql: str) -> list[Row]:
        body, _ = self.request(sparql, "application/sparql-results+json")
        try:
            data = json.loads(body)
            names = data["head"]["vars"]
            return [{n: _py(b.get(n)) for n in names} for b in data["results"]["bindings"]]
        except (ValueError, KeyError, TypeError):
            raise EndpointError(f"endpoint {self.url} did not return SPARQL JSON results") from None

    def ask(self, sparql: str) -> bool:
        body, _ = self.request(sparql, "application/sparql-results+json")
        try:
            data = json.loads(body)
            if "boolean" in data:
                return bool(data["boolean"])
            # Virtuoso 7.2 answers ASK as a SELECT of one variable (__ASK_RETVAL): one row
            # holding 1 for true, no row for false.
            rows = data["results"]["bindings"]
            if len(data["head"]["vars"]) != 1 or len(rows) > 1:
                raise ValueError("not a boolean")
            return bool(rows) and next(iter(rows[0].values()))["value"] in ("1", "true")
        except (ValueError, KeyError, TypeError, StopIteration):
            raise EndpointError(f"endpoint {self.url} did not return a SPARQL boolean") from None

    def execute(
        self, text: str, fmt: str | None = None, *, max_rows: int | None = None, allow_service: bool = False
    ) -> Result:
        from kg.sparql import GRAPH_FORMATS, RESULT_FORMATS, Result, check_query

        # The server applies its own row cap; max_rows is not sent.
        form = check_query(text, allow_service=allow_service)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        table = GRAPH_FORMATS if graph_form else RESULT_FORMATS
        name = fmt or ("ttl" if graph_form else "json")
        if name not in table:
            raise UsageError(f"format {name!r} does not fit a {form} query (one of {', '.join(table)})")
        body, _ = self.request(text, table[name].media_type)
        return Result(body, table[name].media_type, form)

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        body, _ = self.request(render_internal("all-triples"), fmt.media_type)
        return body

    def __len__(self) -> int:
        return int(self.select(render_internal("triple-count"))[0]["n"])


# --------------------------------------------------------------------------- HTTP


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"endpoint {url!r} is not an http(s) URL")


def public_url(url: str) -> str:
    """``url`` without the password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _open(req: Any) -> Any:
    """Open ``req``; a ``user:password@`` in its URL answers a server's Basic or Digest
    challenge (Virtuoso's /sparql-graph-crud-auth asks for Digest) and is not sent as is."""
    import urllib.request  # see _send

    parts = urllib.parse.urlsplit(req.full_url)
    if parts.username is None:
        return urllib.request.urlopen(req, timeout=_TIMEOUT)  # noqa: S310 - scheme checked
    req.full_url = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    users = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    users.add_password(
        None, req.full_url, urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
    )
    digest = urllib.request.HTTPDigestAuthHandler(users)
    if req.data is not None and len(req.data) > _PROBE_ABOVE:
        _authorize_first(req, digest, urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(users), digest)
    return opener.open(req, timeout=_TIMEOUT)


# A server that challenges a large upload closes the connection after its 401 without
# reading the body, so the client sees "connection reset" instead of the challenge
# (Virtuoso does this). Above this size the challenge is fetched first with a bodiless
# HEAD and the upload carries its answer.
_PROBE_ABOVE = 64 * 1024


def _authorize_first(req: Any, digest: Any, user: str, password: str) -> None:
    import base64
    import urllib.error
    import urllib.request

    probe = urllib.request.Request(req.full_url, method="HEAD")
    try:
        urllib.request.urlopen(probe, timeout=_TIMEOUT).close()  # noqa: S310 - scheme checked
        return  # no challenge: the upload goes as is
    except urllib.error.HTTPError as exc:
        challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
    except (urllib.error.URLError, OSError):
        return  # the upload itself reports what is wrong
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() == "digest":
        chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        answer = digest.get_authorization(req, chal)
        if answer:
            req.add_unredirected_header("Authorization", f"Digest {answer}")
    elif scheme.lower() == "basic":
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        req.add_unredirected_header("Authorization", f"Basic {token}")


def _send(req: Any, url: str) -> tuple[bytes, str]:
    # urllib.request pulls in http.client, email and ssl: imported only when a request
    # is sent, so commands on the local graph start quicker.
    import urllib.error

    url = public_url(url)
    try:
        with _open(req) as resp:
            return resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        if "html" in (exc.headers.get("Content-Type") or ""):
            # Virtuoso answers errors with an HTML page: keep its text.
            text = re.sub(r"<(title|style|script)\b.*?</\1>|<[^>]*>", "\n", text, flags=re.S | re.I)
        detail = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("HTTP/")]
        first = " ".join(detail[:2])[:300] if detail else exc.reason
        raise EndpointError(f"endpoint {url} answered {exc.code}: {first}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"cannot reach endpoint {url}: {reason}") from None


def sparql_request(url: str, query: str, accept: str) -> tuple[bytes, str]:
    """POST ``query`` as an HTML form (``query=…``) and return body and content type.

    The form is the one way of posting a query that every engine accepts: Virtuoso 7.2
    (Debian's) never answers a direct ``application/sparql-query`` POST. Parameters in
    ``url`` (``default-graph-uri=…``) stay in the URL, where the protocol puts them.
    """
    import urllib.request  # see _send

    _check_url(url)
    req = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode("ascii"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    return _send(req, url)


def _py(term: dict[str, str] | None) -> Any:
    if term is None:
        return None
    if term["type"] == "bnode":
        return "_:" + term["value"]
    dt = term.get("datatype", "")
    # Servers write integers as xsd:int or xsd:long too.
    if dt in (V.XSD.int, V.XSD.long):
        dt = V.XSD.integer
    return _literal(term["value"], dt)


def graph_store_put(url: str, data: bytes, media_type: str = "application/n-triples") -> None:
    """Replace the default graph at a Graph Store Protocol ``url`` with ``data``."""
    import urllib.request  # see _send

    _check_url(url)
    sep = "&" if "?" in url else "?"
    target = url if "default" in urllib.parse.urlsplit(url).query or "graph=" in url else f"{url}{sep}default"
    req = urllib.request.Request(target, data=data, method="PUT", headers={"Content-Type": media_type})
    _send(req, target)
