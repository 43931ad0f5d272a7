"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and a browser explorer.

Routes (one table, :func:`routes`):

- ``/sparql`` — GET/HEAD ``?query=``, POST form, POST ``application/sparql-query``;
  SPARQL JSON/XML/CSV/TSV and Turtle/N-Triples/JSON-LD/RDF-XML, negotiated by
  :mod:`kg.web.negotiate` (``format=``/``output=`` override ``Accept``). Every query is
  parsed and checked by the query policy (:func:`kg.sparql.parse_query`: updates 403,
  SERVICE/FROM/bad syntax 400) and run in a sandboxed worker process
  (:mod:`kg.web.workers`) with a timeout, a row cap (``X-KG-Truncated`` says when it
  cut) and admission control. A browser's GET without a query gets the query page.
- ``/`` — the learner's app (:mod:`kg.learner.web`): search, goal, plan, progress.
- ``/explorer`` (and ``/sparql`` for a browser's GET without a query) — the query page
  (``templates/explorer.html``, ``static/explorer.js`` over the
  bundled editor ``static/editor/``): shipped queries with parameter fields, results
  with labels, downloads, share links. Everything is served from here: no CDN.
- ``/resource/{path}`` — one resource of kg's own namespace: HTML with labels and
  reasons for browsers, or RDF by ``Accept`` or suffix (``.ttl``, ``.jsonld``, ``.nt``,
  ``.rdf``); see :mod:`kg.web.linked`.
- ``/store?default`` — the Graph Store Protocol's read side (GET, negotiated).
- ``/dump.ttl``, ``.nt``, ``.jsonld``, ``.rdfxml`` — the whole graph; ``/void`` — a
  VoID description; ``/queries.json`` — the shipped queries with their parameters;
  ``/prefixes.json`` — the predeclared prefixes; ``/assets/...`` — ``static/``.

CORS (Starlette's ``CORSMiddleware``) lets pages on any origin read, or only those of
``--cors-origin``; preflights are answered.

The HTTP status of an error follows from its class (:attr:`kg.errors.KGError.http_status`);
a 503 carries ``Retry-After``. Pages are Jinja2 templates with autoescaping on.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing as mp
import os
import re
import secrets
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, unquote

import uvicorn
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg import __version__
from kg import vocab as V
from kg.errors import (
    CoolingDown,
    KGError,
    NotAcceptable,
    QueryTimeout,
    RequestTooLarge,
    UnsupportedMediaType,
    UpdateRefused,
    UsageError,
)
from kg.graph import KnowledgeGraph
from kg.learner import web as learner
from kg.sparql import GRAPH_FORMATS
from kg.web import linked
from kg.web.clients import SharedClients
from kg.web.http import MAX_HEAD_BYTES, http_protocol
from kg.web.negotiate import resource_format, sparql_format
from kg.web.workers import FormatChoice, QueryPool, Term

__all__ = ["Settings", "create_app", "routes", "serve_get", "run_server"]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_TEMPLATES = Environment(
    loader=PackageLoader("kg.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json"}
# A resource path names an IRI in kg's namespace: slug segments, IRI-escaped as kg mints them.
_RESOURCE_PATH = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+(?:/(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+)*")


class Settings:
    """What an operator can tune; defaults are safe to expose."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        max_request_bytes: int = 64 * 1024,
        workers: int = 4,
        per_client: int = 2,
        max_queue: int = 64,
        queue_timeout: float = 10.0,
        max_url_bytes: int = 8 * 1024,
        max_header_bytes: int = 16 * 1024,
        cors_origins: list[str] | None = None,
        processes: int | str = "auto",
        inline: float = 0.001,
    ) -> None:
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_request_bytes = max_request_bytes
        self.workers = workers
        self.per_client = per_client
        self.max_queue = max_queue
        self.queue_timeout = queue_timeout
        # A GET carries the query in its URL, so the URL limit leaves room for a query
        # of max_request_bytes written with %-escapes.
        self.max_url_bytes = max(max_url_bytes, 3 * max_request_bytes + 1024)
        self.max_header_bytes = max_header_bytes
        # Origins whose pages may query the endpoint from a browser; None: any.
        self.cors_origins = cors_origins
        # Server processes sharing the listening socket (run_server); "auto": one per
        # usable core, at most MAX_AUTO_PROCESSES. The kernel hands each new
        # connection to one of them. The first runs the ``workers`` for all (the
        # others relay their calls to it: kg.web.workers.QueryPool), and the
        # per-client limit and cooling-down hold across them all (one table they
        # share, kg.web.clients).
        self.processes = auto_processes() if processes == "auto" else int(processes)
        # Seconds: a /sparql query a worker answered faster runs on the server's event
        # loop the next times (QueryPool.run), whose thread the server then walls off
        # the network as a worker is; 0: every query runs in a worker.
        self.inline = inline



MAX_AUTO_PROCESSES = 8


def auto_processes() -> int:
    """Server processes for ``--processes auto``: the cores this process may run on,
    at most :data:`MAX_AUTO_PROCESSES`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_AUTO_PROCESSES, cores))


def create_app(
    kg: KnowledgeGraph | None = None,
    settings: Settings | None = None,
    clients: SharedClients | None = None,
    relay: socket.socket | None = None,
) -> Starlette:
    """The ASGI app over ``kg`` (default: the shipped graph). ``clients``: the table of
    running and cooling-down clients shared by several server processes (default:
    this process's own); ``relay``: a socket to the server process that runs the
    query workers (default: start them here)."""
    kg = kg or KnowledgeGraph.open()
    settings = settings or Settings()
    pool = QueryPool(
        kg.cache_path / "store" if kg.cache_path else None,
        kg.data_dir,
        size=settings.workers,
        timeout=settings.timeout,
        max_rows=settings.max_rows,
        per_client=settings.per_client,
        max_queue=settings.max_queue,
        queue_timeout=settings.queue_timeout,
        inline=settings.inline,
        clients=clients,
        relay=relay,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        app.state.walls = pool.walls
        # What is alive now (modules, templates, the app) lives as long as the server:
        # the collector's full passes need not walk it again on every few thousand
        # requests.
        gc.freeze()
        try:
            yield
        finally:
            await pool.stop()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _text_error(exc.status_code, str(exc.detail))

    async def server_error(request: Request, exc: Exception) -> Response:
        return _text_error(500, "internal error: the server failed to answer this request")

    # The learner's app (kg/learner) only adds its route (``/``).
    table = [*learner.routes(kg, explorer="/explorer"), *routes(kg, pool, settings)]
    app = Starlette(
        routes=table, lifespan=lifespan, exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.pool = pool
    app.state.walls = []
    app.state.data_dir = kg.data_dir
    app.state.settings = settings
    endpoint = next(r for r in table if r.path == "/sparql")
    app.add_middleware(_Direct, route=endpoint)
    app.add_middleware(CORSMiddleware, **linked.cors_options(settings.cors_origins))
    app.add_middleware(_RequestLimits, max_url_bytes=settings.max_url_bytes, max_header_bytes=settings.max_header_bytes)
    return app


# --------------------------------------------------------------------------- responses


def _headers(status: int, retry_after: int = 1) -> dict[str, str]:
    headers = dict(SECURITY_HEADERS)
    if status == 503:
        headers["Retry-After"] = str(retry_after)
    return headers


_QUERY_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in {**SECURITY_HEADERS, "Vary": "Accept"}.items()]


@lru_cache(maxsize=64)
def _content_type(media_type: str) -> tuple[bytes, bytes]:
    return b"content-type", (media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")).encode("latin-1")


class _QueryResponse(Response):
    """A query's answer: the headers Starlette's :class:`Response` would write for it
    (the security headers, ``Vary``, ``X-KG-Truncated`` when rows were cut, length and
    type), from lists made once: the endpoint answers far more requests than any
    other route."""

    def __init__(self, body: bytes, media_type: str, truncated: str = "") -> None:
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = [*_QUERY_HEADERS, (b"content-length", str(len(body)).encode()), _content_type(media_type)]
        if truncated:
            self.raw_headers.append((b"x-kg-truncated", truncated.encode("latin-1")))


def error_response(exc: KGError) -> Response:
    """A plain-text, one-line error with the status of the error's class."""
    return _text_error(exc.http_status, str(exc), exc.retry_after if isinstance(exc, CoolingDown) else 1)


def _text_error(status: int, message: str, retry_after: int = 1) -> Response:
    line = " ".join(message.split())
    return PlainTextResponse(line + "\n", status_code=status, headers=_headers(status, retry_after))


def _page(template: str, status: int = 200, **context: Any) -> Response:
    body = _TEMPLATES.get_template(template).render(version=__version__, kg_id=V.ID, **context)
    return HTMLResponse(body, status_code=status, headers=_headers(status))


def _error_page(status: int, title: str, message: str) -> Response:
    return _page("error.html", status, title=title, message=message)


# --------------------------------------------------------------------------- routes


def _client(request: Request) -> str:
    return request.client.host if request.client else "local"


def routes(kg: KnowledgeGraph, pool: QueryPool, settings: Settings) -> list[Route]:
    """The route table of the app."""
    cached: dict[str, bytes] = {}
    static = files("kg.web").joinpath("static")

    async def once(key: str, make: Callable[[], bytes]) -> bytes:
        if key not in cached:
            cached[key] = await run_in_threadpool(make)  # whole-graph work: off the event loop
        return cached[key]

    async def sparql(request: Request) -> Response:
        try:
            text, formats = await _query_text(request, settings.max_request_bytes)
            if text is None:
                if request.method in ("GET", "HEAD") and _wants_html(request):
                    return await index(request)  # the query page, for a browser
                raise UsageError("missing query: pass ?query=... or POST a SPARQL query")
            result = await pool.run(_client(request), text, _negotiate(formats, request.headers.get("accept")))
        except QueryTimeout as exc:
            return _text_error(exc.http_status, f"{exc}; simplify the query or add LIMIT")
        except KGError as exc:
            return error_response(exc)
        return _QueryResponse(result.body, result.media_type, f"rows capped at {settings.max_rows}" if result.truncated else "")

    async def index(request: Request) -> Response:
        # The editor writes its styles into one <style> element, allowed by a nonce.
        nonce = secrets.token_urlsafe(18)
        triples = int(await once("triples", lambda: str(len(kg)).encode()))  # once, off the event loop
        page = _page("explorer.html", title="kg SPARQL", triples=triples, prefixes=list(V.PREFIXES), style_nonce=nonce)
        csp = SECURITY_HEADERS["Content-Security-Policy"].replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")
        page.headers["Content-Security-Policy"] = csp
        return page

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        parts = name.split("/")
        if not all(re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", p) for p in parts):
            return _text_error(404, f"no asset {name[:80]!r}")
        entry = static.joinpath(*parts)
        suffix = "." + parts[-1].rsplit(".", 1)[-1] if "." in parts[-1] else ""
        if suffix not in _STATIC_TYPES or not entry.is_file():
            return _text_error(404, f"no asset {name[:80]!r}")
        media = _STATIC_TYPES[suffix]
        media += "; charset=utf-8" if media.startswith("text/") else ""
        return Response(entry.read_bytes(), media_type=media, headers=SECURITY_HEADERS)

    async def queries(request: Request) -> Response:
        return JSONResponse(linked.query_templates(), headers=SECURITY_HEADERS)

    async def prefixes(request: Request) -> Response:
        return JSONResponse(linked.prefixes(), headers=SECURITY_HEADERS)

    async def graph_store(request: Request) -> Response:
        # The Graph Store Protocol's read side: GET (or HEAD) of the one, default graph.
        if request.method not in ("GET", "HEAD"):
            return _text_error(405, "the graph store is read-only: GET ?default")
        graph = request.query_params.get("graph")
        if graph is not None and graph != V.ID + "graph":
            return _text_error(404, f"no graph {graph[:80]!r}: kg serves one graph, ?default")
        try:
            ext = sparql_format([], request.headers.get("accept"), graph_form=True)
        except KGError as exc:
            return error_response(exc)
        body = await once("dump." + ext, lambda: kg.serialize(ext))
        return Response(body, media_type=GRAPH_FORMATS[ext].media_type, headers={**SECURITY_HEADERS, "Vary": "Accept"})

    async def dump(request: Request) -> Response:
        ext = request.path_params["ext"]
        if ext not in GRAPH_FORMATS:
            return _text_error(404, f"no dump format {ext[:20]!r} (one of {', '.join(GRAPH_FORMATS)})")
        body = await once("dump." + ext, lambda: kg.serialize(ext))
        return Response(
            body, media_type=GRAPH_FORMATS[ext].media_type,
            headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="kg.{ext}"'},
        )

    async def void(request: Request) -> Response:
        base = str(request.base_url)
        body = await once("void " + base, lambda: _void(kg, base))
        return Response(body, media_type="text/turtle; charset=utf-8", headers=SECURITY_HEADERS)

    async def resource(request: Request) -> Response:
        path, suffix = linked.split_suffix(request.path_params["path"])
        if len(path) > 512 or not _RESOURCE_PATH.fullmatch(path):
            shown = path if len(path) <= 60 else path[:57] + "..."
            return _error_page(400, "Bad resource path", f"{shown!r} is not the path of a kg resource")
        iri = V.ID + path
        try:
            fmt = resource_format(request.headers.get("accept"), suffix)
        except KGError as exc:
            return error_response(exc)
        vary = {"Vary": "Accept"} if suffix is None else {}
        if fmt != "html":
            try:
                result = await pool.run(_client(request), linked.resource_graph_query(iri), FormatChoice(None, fmt))
            except KGError as exc:
                return error_response(exc)
            if not result.rows:
                return _text_error(404, f"no resource {iri}")
            media = result.media_type + ("; charset=utf-8" if result.media_type.startswith("text/") else "")
            return Response(result.body, media_type=media, headers={**SECURITY_HEADERS, **vary})
        try:
            rows_out, rows_in = await pool.resource(_client(request), iri)
            context = await pool.call(_client(request), linked.resource_context, iri) if rows_out or rows_in else None
        except KGError as exc:
            return _error_page(exc.http_status, "Not available", str(exc))
        if context is None:
            return _error_page(404, "Not found", f"No resource {iri}.")
        label = next(
            (o[1] for p, o in rows_out if p[1] in (V.SKOS.prefLabel, V.SCHEMA.name) and o[0] == "literal"),
            _short(iri),
        )
        requires = V.KG.requires
        response = _page(
            "resource.html", title=label, label=label, iri=iri, curie=_short(iri),
            rows_out=[(_view(p), _view(o, context.labels, context.reasons.get(o[1]) if p[1] == requires else None)) for p, o in rows_out],
            rows_in=[(_view(s, context.labels, context.needed_for.get(s[1]) if p[1] == requires else None), _view(p)) for s, p in rows_in],
            truncated=len(rows_out) >= settings.max_rows, max_rows=settings.max_rows,
            formats=[(name, path.rsplit("/", 1)[-1] + ext) for ext, name in (
                (".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples"), (".rdf", "RDF/XML"))],
        )
        response.headers.update(vary)
        return response

    return [
        Route("/explorer", index),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST"]),
        Route("/queries.json", queries),
        Route("/prefixes.json", prefixes),
        Route("/store", graph_store, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/assets/{name:path}", asset),
        Route("/dump.{ext}", dump),
        Route("/void", void),
        Route("/resource/{path:path}", resource),
    ]


# --------------------------------------------------------------------------- protocol


async def _query_text(request: Request, limit: int) -> tuple[str | None, list[str]]:
    """The query of a protocol request, and every ``format``/``output`` value sent with
    it (in the URL, or in a posted form, where SPARQLWrapper puts them)."""
    q, url_formats, update = _url_params(request.scope.get("query_string", b""))
    formats = list(url_formats)
    if request.method in ("GET", "HEAD"):
        if update:
            raise UpdateRefused("updates are refused: the endpoint is read-only")
        if q is not None and len(q.encode()) > limit:
            raise RequestTooLarge(f"query longer than {limit} bytes")
        return q, formats
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise RequestTooLarge(f"request body larger than {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RequestTooLarge(f"request body larger than {limit} bytes")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("request body is not UTF-8") from None
    if ctype == "application/sparql-update":
        raise UpdateRefused("updates are refused: the endpoint is read-only")
    if ctype == "application/sparql-query":
        return text, formats
    if ctype == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form:
            raise UpdateRefused("updates are refused: the endpoint is read-only")
        values = form.get("query")
        formats += [v for key in ("format", "output") for v in form.get(key, [])]
        return (values[0] if values else None), formats
    shown = ctype[:60] or "(none)"
    raise UnsupportedMediaType(f"unsupported content type {shown!r}: use application/sparql-query or a form")


def _url_params(query_string: bytes) -> tuple[str | None, tuple[str, ...], bool]:
    """The protocol's parameters in a URL's query string: the ``query``, every
    ``format``/``output`` value, and whether there is an ``update``. Decoded as
    Starlette's ``request.query_params`` would; clients repeat the same URLs, so short
    ones are remembered (%-decoding a query is much of a request's cost)."""
    if len(query_string) <= 16 * 1024:
        return _cached_url_params(query_string)
    return _parse_url_params(query_string)


def _parse_url_params(query_string: bytes) -> tuple[str | None, tuple[str, ...], bool]:
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    query = next((v for k, v in reversed(pairs) if k == "query"), None)  # the last, as Starlette
    formats = tuple(v for key in ("format", "output") for k, v in pairs if k == key)
    return query, formats, any(k == "update" for k, _ in pairs)


_cached_url_params = lru_cache(maxsize=512)(_parse_url_params)


def _wants_html(request: Request) -> bool:
    """A browser asking for a page: HTML named, and preferred to the RDF formats."""
    accept = request.headers.get("accept", "")
    try:
        return "html" in accept and resource_format(accept) == "html"
    except KGError:
        return False


def _negotiate(formats: list[str], accept: str | None) -> FormatChoice:
    """The format for either query form (:mod:`kg.web.negotiate`); the worker picks once
    it has parsed the query. Clients send the same few ``Accept`` headers again and
    again: the choice is remembered (parsing one costs more than the rest of a request
    in the server)."""
    return _choice(tuple(formats), accept)


@lru_cache(maxsize=256)
def _choice(formats: tuple[str, ...], accept: str | None) -> FormatChoice:
    picks: dict[str, str | None] = {}
    refusals: dict[str, str] = {}
    for kind, graph_form in (("results", False), ("graph", True)):
        try:
            picks[kind] = sparql_format(list(formats), accept, graph_form)
        except NotAcceptable as exc:
            picks[kind], refusals[kind] = None, str(exc)
    return FormatChoice(picks["results"], picks["graph"], refusals.get("results", ""), refusals.get("graph", ""))


# --------------------------------------------------------------------------- pages


def _short(iri: str) -> str:
    return V.curie(iri)


def _view(term: Term, labels: dict[str, str] | None = None, reason: str | None = None) -> dict[str, str]:
    """What a template shows for a term: its label (else its prefixed name), a link for
    kg IRIs, the prefixed name beside a label, a language tag, a reason."""
    kind, value = term[0], term[1]
    if kind == "uri":
        href = "/resource/" + quote(value[len(V.ID):]) if value.startswith(V.ID) else ""
        label = (labels or {}).get(value, "")
        short = _short(value)
        named = not short.startswith("<")  # a prefixed name, not a full IRI
        text = label or (short if named else value)
        return {"text": text, "href": href, "lang": "", "curie": short if label and named else "", "reason": reason or ""}
    if kind == "bnode":
        return {"text": f"_:{value}", "href": "", "lang": "", "curie": "", "reason": ""}
    return {"text": value, "href": "", "lang": term[2] if len(term) > 2 else "", "curie": "", "reason": ""}


def _void(kg: KnowledgeGraph, base: str) -> bytes:
    """A VoID description of the served dataset, with class and property partitions."""
    counts = {r["p"]: int(r["n"]) for r in kg.run("predicate-counts")}
    classes = {r["c"]: int(r["n"]) for r in kg.run("class-counts")}
    b = base.rstrip("/")
    statements = [
        "a void:Dataset",
        'dcterms:title "kg: courses, topics and prerequisites"',
        f"void:sparqlEndpoint <{b}/sparql>",
        f"void:dataDump <{b}/dump.ttl>, <{b}/dump.nt>, <{b}/dump.jsonld>",
        f'void:uriSpace "{V.ID}"',
        f"void:vocabulary <{V.ONTOLOGY}>, <{V.SCHEMA.base}>, <{V.SKOS.base}>, <{V.PROV.base}>",
        f"void:triples {len(kg)}",
        f"void:properties {len(counts)}",
        f"void:classes {len(classes)}",
    ]
    statements += [f"void:propertyPartition [ void:property <{p}> ; void:triples {n} ]" for p, n in sorted(counts.items())]
    statements += [f"void:classPartition [ void:class <{c}> ; void:entities {n} ]" for c, n in sorted(classes.items())]
    prologue = f"@prefix void: <{V.VOID.base}> .\n@prefix dcterms: <{V.DCTERMS.base}> .\n\n"
    return (prologue + f"<{b}/void#kg>\n  " + " ;\n  ".join(statements) + " .\n").encode()


# --------------------------------------------------------------------------- limits

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _RequestLimits:
    """414 for an over-long URL, 431 for over-large headers, before any routing."""

    def __init__(self, app: Any, *, max_url_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            url = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
            headers = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
            if url > self.max_url_bytes:
                response = _text_error(414, f"URL longer than {self.max_url_bytes} bytes: POST the query instead")
                await response(scope, receive, send)
                return
            if headers > self.max_header_bytes:
                response = _text_error(431, f"request headers larger than {self.max_header_bytes} bytes")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _Direct:
    """The SPARQL endpoint's requests go from the CORS middleware straight to its
    function, past the router and the exception middleware: a query is the request
    a server gets most, and those layers cost about a third of what the server
    process spends on one in Python. The function answers every error of kg's
    itself; anything else reaches the server error middleware (a 500), as from any
    route. Other methods and paths, and an app mounted under a root path, take the
    router."""

    def __init__(self, app: Any, *, route: Route) -> None:
        self.app = app
        self.path = route.path
        self.methods = route.methods or set()
        self.endpoint: Callable[[Request], Awaitable[Response]] = route.endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and scope["method"] in self.methods and not scope.get("root_path"):
            response = await self.endpoint(Request(scope, receive, send))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# --------------------------------------------------------------------------- running


def walls_warning(walls: list[str]) -> str | None:
    """A warning line when query workers could not be cut off from the network."""
    if walls:
        return None
    return (
        "kg: warning: query workers can reach the network (neither a seccomp filter nor a "
        "network namespace could be set up); SERVICE is still refused by the query check"
    )


def serve_get(app: Starlette, path: str) -> tuple[int, str, bytes]:
    """Run one GET through the app in-process (``kg serve --get PATH``): the app's
    lifespan (worker pool) is started and stopped around one ASGI call, with no socket
    and no HTTP client library."""
    return asyncio.run(_serve_get(app, path))


async def _serve_get(app: Starlette, path: str) -> tuple[int, str, bytes]:
    raw_path, _, query = path.partition("?")
    raw_path = raw_path or "/"
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": unquote(raw_path), "raw_path": raw_path.encode(),
        "query_string": query.encode(), "root_path": "", "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80), "headers": [(b"host", b"localhost")], "app": app,
    }
    sent: dict[str, Any] = {"status": 500, "headers": [], "body": b""}
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # nothing more: wait until cancelled
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
            sent["headers"] = message.get("headers", [])
        elif message["type"] == "http.response.body":
            sent["body"] += message.get("body", b"")

    async with app.router.lifespan_context(app):
        await app(scope, receive, send)
    ctype = next((v.decode() for k, v in sent["headers"] if k.lower() == b"content-type"), "")
    return int(sent["status"]), ctype, bytes(sent["body"])


def run_server(app: Starlette, host: str, port: int, log: Callable[[str], None]) -> None:
    """Listen on ``host:port`` until interrupted; :class:`UsageError` when the port is
    taken or the address cannot be used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reason = "is in use" if exc.errno == 98 else f"cannot be used ({exc.strerror})"
        raise UsageError(f"port {port} on {host} {reason}; choose another with --port") from None
    shown_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app))

    original = app.router.lifespan_context

    @asynccontextmanager
    async def announce(a: Starlette) -> AsyncIterator[None]:
        async with original(a):
            warning = walls_warning(a.state.walls)
            if warning:
                log(warning)
            log(f"kg serving on http://{host}:{shown_port}/ (SPARQL endpoint: http://{host}:{shown_port}/sparql)")
            yield

    app.router.lifespan_context = announce
    settings: Settings = app.state.settings
    ctx = mp.get_context("spawn")  # a fresh interpreter: no threads or store inherited
    clients = SharedClients() if settings.processes > 1 else None
    pool: QueryPool = app.state.pool
    if clients is not None:
        # Before anything is admitted: every process counts its clients in one table.
        pool.admission.clients = clients
    pairs = [socket.socketpair() for _ in range(1, settings.processes)]
    pool.relays = [mine for mine, _ in pairs]  # this process runs the workers for all
    fronts = [
        ctx.Process(target=_front, args=(sock, str(app.state.data_dir), settings, clients, theirs), name=f"kg-serve-{i}")
        for i, (_, theirs) in enumerate(pairs, 1)
    ]
    for front in fronts:
        front.start()
    for _, theirs in pairs:
        theirs.close()  # the front has its own copy
    try:
        server.run(sockets=[sock])
    finally:
        for front in fronts:
            front.terminate()  # uvicorn stops on SIGTERM as on Ctrl-C: its workers too
        for front in fronts:
            front.join(15)
            if front.is_alive():
                front.kill()


def _config(app: Starlette) -> uvicorn.Config:
    return uvicorn.Config(
        # Access lines are below the warning level anyway; off, uvicorn does not build
        # them (the client address and the whole URL) for every response.
        app, log_level="warning", lifespan="on", access_log=False,
        # A client is its socket's address: X-Forwarded-For is not read (uvicorn trusts it
        # from 127.0.0.1 by default), so a local client cannot pose as others to get
        # round the per-client limit.
        proxy_headers=False,
        # httptools when installed, with kg's limits (kg.web.http); else h11. Large
        # heads reach the app, which answers 414/431 instead of a reset connection.
        http=http_protocol(), h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )


def _front(
    sock: socket.socket, data_dir: str, settings: Settings, clients: SharedClients | None, relay: socket.socket,
) -> None:
    """(In a process of its own) one more server on ``run_server``'s listening socket."""
    if sys.platform == "linux":  # end with the first server, even if it is killed
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    app = create_app(KnowledgeGraph.open(Path(data_dir)), settings, clients, relay)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(_config(app)).run(sockets=[sock])
