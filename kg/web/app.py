"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and a browser explorer.

Routes (one table, :func:`routes`):

- ``/sparql`` — GET ``?query=``, POST form, POST ``application/sparql-query``; content
  negotiation over SPARQL JSON/XML/CSV/TSV and Turtle/N-Triples/JSON-LD (``format=``
  overrides ``Accept``). Updates are refused (403), bad syntax is a 400 with the
  parser's message, every query runs in a worker process with a timeout and a row cap.
- ``/`` — the learner's app (:mod:`kg.learner.web`): search, goal, plan, progress.
- ``/explorer`` — the SPARQL explorer: a query editor with the shipped queries, results
  as a table whose kg IRIs link to ``/resource/...`` pages. Everything is served from
  here: no CDN.
- ``/resource/{path}`` — one resource (topic, course, lecture, ...) and its triples.
- ``/dump.ttl``, ``/dump.nt``, ``/dump.jsonld`` — the whole graph; ``/void`` — a VoID
  description; ``/queries.json`` — the shipped query library.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg import __version__
from kg import vocab as V
from kg.errors import (
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
from kg.sparql import GRAPH_FORMATS, RESULT_FORMATS, query_form
from kg.web.workers import QueryPool

__all__ = ["Settings", "create_app"]

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Settings:
    """What an operator can tune; defaults are safe to expose."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        max_request_bytes: int = 64 * 1024,
        workers: int = 2,
    ) -> None:
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_request_bytes = max_request_bytes
        self.workers = workers


def create_app(kg: KnowledgeGraph | None = None, settings: Settings | None = None) -> Starlette:
    """The ASGI app over ``kg`` (default: the shipped graph)."""
    kg = kg or KnowledgeGraph.open()
    settings = settings or Settings()
    pool = QueryPool(
        kg.cache_path / "store" if kg.cache_path else None,
        kg.data_dir,
        size=settings.workers,
        timeout=settings.timeout,
        max_rows=settings.max_rows,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()

    # The learner's app (kg/learner) only adds its routes (``/``).
    app = Starlette(routes=[*learner.routes(kg, explorer="/explorer"), *routes(kg, pool, settings)], lifespan=lifespan)
    return app


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=_SECURITY_HEADERS)


def routes(kg: KnowledgeGraph, pool: QueryPool, settings: Settings) -> list[Route]:
    dumps: dict[str, bytes] = {}

    async def sparql(request: Request) -> Response:
        try:
            text = await _query_text(request, settings.max_request_bytes)
        except KGError as exc:
            return _error(exc.http_status, str(exc))
        if text is None:
            return _error(400, "missing query: pass ?query=... or POST a SPARQL query")
        try:
            form = query_form(text)
        except KGError as exc:
            return _error(exc.http_status, str(exc))
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        try:
            fmt = _negotiate(request, graph_form)
        except KGError as exc:
            return _error(exc.http_status, str(exc))
        try:
            result = await pool.run(text, fmt)
        except QueryTimeout as exc:
            return _error(exc.http_status, f"{exc}; simplify the query or add LIMIT")
        except KGError as exc:
            return _error(exc.http_status, str(exc))
        headers = {**_SECURITY_HEADERS, "Access-Control-Allow-Origin": "*"}
        if result.truncated:
            headers["X-KG-Truncated"] = f"rows capped at {settings.max_rows}"
        media = result.media_type + ("; charset=utf-8" if result.media_type.startswith("text/") else "")
        return Response(result.body, media_type=media, headers=headers)

    async def index(request: Request) -> Response:
        return HTMLResponse(_page("kg SPARQL explorer", _EXPLORER_BODY.format(count=len(kg))), headers=_SECURITY_HEADERS)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name == "explorer.js":
            return Response(_EXPLORER_JS, media_type="text/javascript; charset=utf-8", headers=_SECURITY_HEADERS)
        if name == "style.css":
            return Response(_STYLE, media_type="text/css; charset=utf-8", headers=_SECURITY_HEADERS)
        return _error(404, f"no asset {name!r}")

    async def queries(request: Request) -> Response:
        return JSONResponse(_query_library(), headers=_SECURITY_HEADERS)

    async def dump(request: Request) -> Response:
        ext = request.path_params["ext"]
        if ext not in GRAPH_FORMATS:
            return _error(404, f"no dump format {ext!r} (one of {', '.join(GRAPH_FORMATS)})")
        if ext not in dumps:
            dumps[ext] = kg.serialize(ext)
        return Response(
            dumps[ext], media_type=GRAPH_FORMATS[ext].media_type,
            headers={**_SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="kg.{ext}"'},
        )

    async def void(request: Request) -> Response:
        return Response(_void(kg, str(request.base_url)), media_type="text/turtle; charset=utf-8", headers=_SECURITY_HEADERS)

    async def resource(request: Request) -> Response:
        path = request.path_params["path"]
        iri = V.ID + path
        return _resource_page(kg, iri)

    return [
        Route("/explorer", index),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries.json", queries),
        Route("/assets/{name}", asset),
        Route("/dump.{ext}", dump),
        Route("/void", void),
        Route("/resource/{path:path}", resource),
    ]


async def _query_text(request: Request, limit: int) -> str | None:
    if request.method == "GET":
        if "update" in request.query_params:
            raise UpdateRefused("updates are refused: the endpoint is read-only")
        q = request.query_params.get("query")
        if q is not None and len(q.encode()) > limit:
            raise RequestTooLarge(f"query longer than {limit} bytes")
        return q
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
        return text
    if ctype == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form:
            raise UpdateRefused("updates are refused: the endpoint is read-only")
        values = form.get("query")
        return values[0] if values else None
    raise UnsupportedMediaType(f"unsupported content type {ctype or '(none)'!r}: use application/sparql-query or a form")


def _negotiate(request: Request, graph_form: bool) -> str:
    table = GRAPH_FORMATS if graph_form else RESULT_FORMATS
    explicit = request.query_params.get("format")
    if explicit:
        name = explicit.lower()
        for f in table.values():
            if name == f.name or name in f.aliases or name == f.media_type:
                return f.name
        raise NotAcceptable(f"format {explicit!r} does not fit this query (one of {', '.join(table)})")
    accept = request.headers.get("accept", "")
    ranges = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if bits[0]:
            ranges.append((q, -i, bits[0].lower()))
    default = "ttl" if graph_form else "json"
    if not ranges:
        return default
    for q, _, mtype in sorted(ranges, reverse=True):
        if q <= 0:
            continue
        if mtype in ("*/*", "application/*", "text/*"):
            return default
        for f in table.values():
            if mtype == f.media_type or (mtype == "application/json" and f.name in ("json", "jsonld")):
                return f.name
    raise NotAcceptable("none of the accepted media types fits this query: " + ", ".join(f.media_type for f in table.values()))


def _query_library() -> list[dict[str, Any]]:
    try:
        from kg.queries import library
    except ImportError:  # pragma: no cover - the library ships with kg
        return []
    return [
        {"name": q.name, "title": q.title, "description": q.description, "query": q.render()}
        for q in library().values()
    ]


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


def _link(value: str) -> str:
    if value.startswith(V.ID):
        return f'<a href="/resource/{quote(value[len(V.ID):])}">{html.escape(_short(value))}</a>'
    return html.escape(_short(value))


def _short(iri: str) -> str:
    for prefix, base in V.PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def _resource_page(kg: KnowledgeGraph, iri: str) -> Response:
    out = kg.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o")
    rows_out = [(sol["p"], sol["o"]) for sol in out]
    rows_in = [(sol["s"], sol["p"]) for sol in kg.query(f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} ORDER BY ?p ?s LIMIT 500")]
    if not rows_out and not rows_in:
        return HTMLResponse(_page("Not found", f"<h1>Not found</h1><p>No resource {html.escape(iri)}.</p>"), status_code=404, headers=_SECURITY_HEADERS)

    def cell(term: Any) -> str:
        from pyoxigraph import Literal, NamedNode

        if isinstance(term, NamedNode):
            return _link(term.value)
        if isinstance(term, Literal):
            lang = f' <span class="lang">@{html.escape(term.language)}</span>' if term.language else ""
            return html.escape(term.value) + lang
        return html.escape(str(term))

    label = next((o.value for p, o in rows_out if p.value in (V.SKOS.prefLabel, V.SCHEMA.name)), _short(iri))
    body = [f"<h1>{html.escape(label)}</h1>", f"<p class=\"iri\">{html.escape(iri)}</p>", "<table><thead><tr><th>property</th><th>value</th></tr></thead><tbody>"]
    body += [f"<tr><td>{_link(p.value)}</td><td>{cell(o)}</td></tr>" for p, o in rows_out]
    body.append("</tbody></table>")
    if rows_in:
        body.append("<h2>Referenced by</h2><table><thead><tr><th>resource</th><th>property</th></tr></thead><tbody>")
        body += [f"<tr><td>{cell(s)}</td><td>{_link(p.value)}</td></tr>" for s, p in rows_in]
        body.append("</tbody></table>")
    return HTMLResponse(_page(label, "\n".join(body)), headers=_SECURITY_HEADERS)


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><link rel=\"stylesheet\" href=\"/assets/style.css\">"
        "</head><body><nav><a href=\"/\">kg app</a> · <a href=\"/explorer\">kg explorer</a> · <a href=\"/void\">VoID</a> · "
        "dumps: <a href=\"/dump.ttl\">Turtle</a> <a href=\"/dump.nt\">N-Triples</a> "
        f"<a href=\"/dump.jsonld\">JSON-LD</a> · kg {html.escape(__version__)}</nav><main>{body}</main>"
        "<script src=\"/assets/explorer.js\"></script></body></html>"
    )


_EXPLORER_BODY = """
<h1>kg SPARQL explorer</h1>
<p>{count} triples. The contract prefixes (kg, kgid, schema, skos, dcterms, prov, rdf, rdfs,
owl, xsd) are predeclared. Endpoint: <code>/sparql</code>.</p>
<label for="library">Shipped queries</label>
<select id="library"><option value="">(write your own)</option></select>
<p id="description"></p>
<textarea id="query" rows="12" spellcheck="false">SELECT ?topic ?label WHERE {{
  ?topic a kg:Topic ; skos:prefLabel ?label .
}} ORDER BY ?label LIMIT 20</textarea>
<p><button id="run" type="button">Run</button> <span id="status"></span></p>
<div id="results"></div>
"""

_EXPLORER_JS = r"""
(function () {
  const ID = "@KG_ID@";
  const $ = (id) => document.getElementById(id);
  if (!$("run")) return;
  const el = (tag, text) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; };
  let library = [];
  fetch("/queries.json").then((r) => r.json()).then((qs) => {
    library = qs;
    for (const q of qs) { const o = el("option", q.title); o.value = q.name; $("library").appendChild(o); }
  });
  $("library").addEventListener("change", () => {
    const q = library.find((x) => x.name === $("library").value);
    $("description").textContent = q ? q.description : "";
    if (q) $("query").value = q.query;
  });
  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri" && term.value.startsWith(ID)) {
      const a = el("a", term.value.slice(ID.length));
      a.href = "/resource/" + term.value.slice(ID.length).split("/").map(encodeURIComponent).join("/");
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }
  async function run() {
    const text = $("query").value;
    const graph = /^\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*|#[^\n]*\n\s*)*(CONSTRUCT|DESCRIBE)\b/i.test(text);
    $("status").textContent = "running…";
    $("results").replaceChildren();
    const t0 = performance.now();
    const r = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": graph ? "text/turtle" : "application/sparql-results+json" },
      body: text,
    });
    const ms = Math.round(performance.now() - t0);
    if (!r.ok) { $("status").textContent = ""; const p = el("pre", await r.text()); p.className = "error"; $("results").appendChild(p); return; }
    if (graph) { $("results").appendChild(el("pre", await r.text())); $("status").textContent = ms + " ms"; return; }
    const data = await r.json();
    if ("boolean" in data) { $("results").appendChild(el("p", String(data.boolean))); $("status").textContent = ms + " ms"; return; }
    const table = el("table"), head = el("tr");
    for (const v of data.head.vars) head.appendChild(el("th", v));
    const thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    const tbody = el("tbody");
    for (const b of data.results.bindings) { const tr = el("tr"); for (const v of data.head.vars) tr.appendChild(cell(b[v])); tbody.appendChild(tr); }
    table.appendChild(tbody);
    $("results").appendChild(table);
    const capped = r.headers.get("X-KG-Truncated");
    $("status").textContent = data.results.bindings.length + " rows, " + ms + " ms" + (capped ? " (" + capped + ")" : "");
  }
  $("run").addEventListener("click", () => { run().catch((e) => { $("status").textContent = String(e); }); });
})();
""".replace("@KG_ID@", V.ID)

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2327; }
nav { background: #23395d; color: #fff; padding: .5em 1em; }
nav a { color: #fff; }
main { padding: 1em 2em; max-width: 1200px; }
textarea { width: 100%; font: 13px/1.4 ui-monospace, monospace; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #eef; }
pre { background: #f6f6f8; padding: 1em; overflow: auto; }
pre.error { background: #fdecea; color: #8a1c12; }
.iri { color: #666; font-family: ui-monospace, monospace; }
.lang { color: #999; }
"""


def serve_get(app: Starlette, path: str) -> tuple[int, str, bytes]:
    """Run one GET through the app in-process (``kg serve --get PATH``)."""
    from starlette.testclient import TestClient

    with TestClient(app) as client:
        r = client.get(path)
        return r.status_code, r.headers.get("content-type", ""), r.content


def run_server(app: Starlette, host: str, port: int, log: Callable[[str], None]) -> None:
    import uvicorn

    log(f"kg serving on http://{host}:{port}/ (SPARQL endpoint: http://{host}:{port}/sparql)")
    uvicorn.run(app, host=host, port=port, log_level="warning")

