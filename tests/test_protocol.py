"""`kg serve` as the SPARQL 1.1 Protocol and the Graph Store Protocol's read side
define it, tried with the clients researchers use: SPARQLWrapper in every format it
offers, rdflib's SPARQLStore, curl with Accept headers, and a page on another origin
that posts a query across origins (CORS preflight) in headless Chromium."""

from __future__ import annotations

import csv
import http.server
import io
import json
import re
import shutil
import subprocess
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from .test_server import free_port, running_server
from .conftest import CHROMIUM

KG = "https://w3id.org/coursekg/ontology#"
TOPIC = "https://w3id.org/coursekg/id/topic/"
PROLOGUE = f"PREFIX kg: <{KG}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
SELECT = PROLOGUE + "SELECT ?t ?l WHERE { ?t a kg:Topic ; skos:prefLabel ?l } ORDER BY ?t LIMIT 5"
ASK = PROLOGUE + f"ASK {{ <{TOPIC}transformers> kg:requires+ <{TOPIC}backpropagation> }}"
CONSTRUCT = PROLOGUE + f"CONSTRUCT {{ ?t kg:requires ?p }} WHERE {{ VALUES ?t {{ <{TOPIC}transformers> }} ?t kg:requires ?p }}"
DESCRIBE = f"DESCRIBE <{TOPIC}backpropagation>"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server() as url:
        yield url


def wrapper(base: str, query: str, fmt: str, method: str) -> Any:
    sw = SPARQLWrapper(base + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(POST if method != GET else GET)
    if method == POSTDIRECTLY:
        sw.setRequestMethod(POSTDIRECTLY)
    elif method == URLENCODED:
        sw.setRequestMethod(URLENCODED)
    with warnings.catch_warnings():
        # SPARQLWrapper warns that it sends "Accept: */*" for JSON on CONSTRUCT (it
        # relies on format=json, which kg reads as JSON-LD).
        warnings.simplefilter("ignore", RuntimeWarning)
        return sw.query()


def convert(res: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper could not parse the response
        return res.convert()


METHODS = [GET, URLENCODED, POSTDIRECTLY]


# ------------------------------------------------------------------ SPARQLWrapper


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(base, fmt, method):
    res = wrapper(base, SELECT, fmt, method)
    body = convert(res)
    if fmt == JSON:
        rows = [(b["t"]["value"], b["l"]["value"]) for b in body["results"]["bindings"]]
    elif fmt == XML:
        rows = _xml_rows(body)
    elif fmt == CSV:
        rows = [tuple(r) for r in list(csv.reader(io.StringIO(body.decode())))[1:]]
    else:
        rows = [tuple(x.strip("<>").split("@")[0].strip('"') for x in line.split("\t")) for line in body.decode().splitlines()[1:]]
    assert len(rows) == 5
    assert all(t.startswith(TOPIC) for t, _ in rows)


def _xml_rows(doc: Any) -> list[tuple[str, str]]:
    rows = []
    for result in doc.getElementsByTagName("result"):
        values = [b.firstChild.firstChild.data for b in result.getElementsByTagName("binding")]
        rows.append(tuple(values))
    return rows


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(base, fmt, method):
    body = convert(wrapper(base, ASK, fmt, method))
    if fmt == JSON:
        assert body["boolean"] is True
    else:
        assert body.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [XML, RDFXML, TURTLE, N3, JSONLD, JSON])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graphs(base, query, fmt, method):
    res = wrapper(base, query, fmt, method)
    ctype = res.info()["content-type"]
    body = convert(res)
    if isinstance(body, rdflib.Graph):
        g = body
    else:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        parser = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml"}
        g = rdflib.Graph().parse(data=data, format=parser[ctype.split(";")[0]])
    expected = {XML: "application/rdf+xml", RDFXML: "application/rdf+xml", TURTLE: "text/turtle", N3: "text/turtle", JSONLD: "application/ld+json", JSON: "application/ld+json"}
    assert ctype.split(";")[0] == expected[fmt]
    assert len(g) > 2
    subject = rdflib.URIRef(TOPIC + ("transformers" if query == CONSTRUCT else "backpropagation"))
    assert (subject, None, None) in g


# ------------------------------------------------------------------ rdflib SPARQLStore


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(base, method):
    store = SPARQLStore(base + "/sparql", method=method, returnFormat="xml")
    g = rdflib.Graph(store=store)
    rows = list(g.query(SELECT))
    assert len(rows) == 5 and all(str(r[0]).startswith(TOPIC) for r in rows)
    assert g.query(ASK).askAnswer is True
    built = g.query(CONSTRUCT).graph
    assert len(built) > 2
    assert (rdflib.URIRef(TOPIC + "transformers"), rdflib.URIRef(KG + "requires"), None) in built
    json_store = SPARQLStore(base + "/sparql", method=method, returnFormat="json")
    assert len(list(rdflib.Graph(store=json_store).query(SELECT))) == 5


# ------------------------------------------------------------------ curl


def curl(*args: str) -> tuple[int, dict[str, str], bytes]:
    proc = subprocess.run(["curl", "-s", "-i", "--max-time", "30", *args], capture_output=True, check=True)
    head, _, body = proc.stdout.partition(b"\r\n\r\n")
    while head.startswith(b"HTTP/1.1 100"):
        head, _, body = body.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


@needs_curl
@pytest.mark.parametrize(
    ("accept", "query", "ctype"),
    [
        ("application/sparql-results+json", SELECT, "application/sparql-results+json"),
        ("application/sparql-results+xml", SELECT, "application/sparql-results+xml"),
        ("text/csv", SELECT, "text/csv"),
        ("text/tab-separated-values", SELECT, "text/tab-separated-values"),
        ("text/*", SELECT, "text/csv"),
        ("*/*", SELECT, "application/sparql-results+json"),
        ("application/json", ASK, "application/sparql-results+json"),
        ("text/turtle", CONSTRUCT, "text/turtle"),
        ("application/n-triples", CONSTRUCT, "application/n-triples"),
        ("application/ld+json", DESCRIBE, "application/ld+json"),
        ("application/rdf+xml", DESCRIBE, "application/rdf+xml"),
        ("application/*;q=0.1, text/csv;q=0.5", CONSTRUCT, "application/n-triples"),
        ("text/csv;q=nan, application/sparql-results+xml;q=0.5", SELECT, "application/sparql-results+xml"),
    ],
)
def test_curl_accept(base, accept, query, ctype):
    status, headers, body = curl("-H", f"Accept: {accept}", "--data-urlencode", f"query={query}", base + "/sparql")
    assert status == 200, body
    assert headers["content-type"].split(";")[0] == ctype
    assert body


@needs_curl
def test_curl_format_parameter_and_406(base):
    status, headers, body = curl("-G", "--data-urlencode", f"query={SELECT}", "--data", "format=text/csv", base + "/sparql")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    status, headers, body = curl("-H", "Accept: image/png", "--data-urlencode", f"query={SELECT}", base + "/sparql")
    assert status == 406 and b"text/csv" in body and len(body.strip().splitlines()) == 1
    status, _, body = curl("-G", "--data-urlencode", f"query={SELECT}", "--data", "format=ttl", base + "/sparql")
    assert status == 406 and b"'ttl' does not fit a SELECT/ASK query" in body


@needs_curl
def test_curl_direct_post_and_graph_store_read(base):
    status, headers, body = curl("-H", "Content-Type: application/sparql-query", "-H", "Accept: text/csv", "--data-binary", SELECT, base + "/sparql")
    assert status == 200 and len(body.decode().splitlines()) == 6
    # The Graph Store Protocol's read side: GET of the default graph, negotiated.
    for accept, parser in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        status, headers, body = curl("-H", f"Accept: {accept}", base + "/store?default")
        assert status == 200 and headers["content-type"].split(";")[0] == accept
        assert len(rdflib.Graph().parse(data=body, format=parser)) > 1000
    status, _, _ = curl("-X", "PUT", "--data-binary", "<a:b> <a:c> <a:d> .", base + "/store?default")
    assert status == 405


# ------------------------------------------------------------------ CORS


@needs_curl
def test_cors_preflight(base):
    status, headers, _ = curl(
        "-X", "OPTIONS", "-H", "Origin: https://editor.example", "-H", "Access-Control-Request-Method: POST",
        "-H", "Access-Control-Request-Headers: content-type, accept", base + "/sparql",
    )
    assert status == 200
    assert headers["access-control-allow-origin"] in ("*", "https://editor.example")
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()
    status, headers, _ = curl("-H", "Origin: https://editor.example", "--data-urlencode", f"query={ASK}", base + "/sparql")
    assert status == 200 and headers["access-control-allow-origin"] in ("*", "https://editor.example")


@needs_curl
def test_cors_origins_configurable():
    with running_server("--cors-origin", "https://allowed.example") as url:
        status, headers, _ = curl(
            "-X", "OPTIONS", "-H", "Origin: https://allowed.example", "-H", "Access-Control-Request-Method: POST",
            "-H", "Access-Control-Request-Headers: content-type", url + "/sparql",
        )
        assert status == 200 and headers["access-control-allow-origin"] == "https://allowed.example"
        status, headers, _ = curl(
            "-X", "OPTIONS", "-H", "Origin: https://other.example", "-H", "Access-Control-Request-Method: POST",
            url + "/sparql",
        )
        assert status == 400 and "access-control-allow-origin" not in headers


CROSS_ORIGIN_PAGE = """<!doctype html><html><body><pre id="out">waiting</pre><script>
fetch(%(endpoint)s, {method: "POST", headers: {"Content-Type": "application/sparql-query",
  "Accept": "application/sparql-results+json"}, body: %(query)s})
  .then(r => r.json()).then(d => { document.getElementById("out").textContent =
     "rows:" + d.results.bindings.length; })
  .catch(e => { document.getElementById("out").textContent = "failed:" + e; });
</script></body></html>"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")
def test_browser_on_another_origin_posts_a_query(browser, base):
    page_html = CROSS_ORIGIN_PAGE % {"endpoint": json.dumps(base + "/sparql"), "query": json.dumps(SELECT)}

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        # The POST carries Content-Type application/sparql-query, which is not a
        # "simple" request: Chromium sends the preflight first and posts only if the
        # server's answer allows this origin, method and header.
        origin = f"http://localhost:{other.server_address[1]}"  # another origin than 127.0.0.1:PORT
        page.goto(origin + "/")
        page.wait_for_function("() => document.getElementById('out').textContent !== 'waiting'", timeout=30_000)
        assert page.text_content("#out") == "rows:5"
    finally:
        other.shutdown()


# ------------------------------------------------------------------ resource pages


@needs_curl
@pytest.mark.parametrize(
    ("accept", "suffix", "ctype", "parser"),
    [
        ("text/turtle", "", "text/turtle", "turtle"),
        ("application/ld+json", "", "application/ld+json", "json-ld"),
        ("application/n-triples", "", "application/n-triples", "nt"),
        ("application/rdf+xml", "", "application/rdf+xml", "xml"),
        ("text/html", ".ttl", "text/turtle", "turtle"),
        ("*/*", ".jsonld", "application/ld+json", "json-ld"),
        ("*/*", ".nt", "application/n-triples", "nt"),
        ("*/*", ".rdf", "application/rdf+xml", "xml"),
    ],
)
def test_resource_as_linked_data(base, accept, suffix, ctype, parser):
    status, headers, body = curl("-H", f"Accept: {accept}", base + "/resource/topic/attention" + suffix)
    assert status == 200 and headers["content-type"].split(";")[0] == ctype
    g = rdflib.Graph().parse(data=body, format=parser)
    me = rdflib.URIRef(TOPIC + "attention")
    requires = rdflib.URIRef(KG + "requires")
    assert (me, requires, rdflib.URIRef(TOPIC + "softmax")) in g  # its own statements
    assert (rdflib.URIRef(TOPIC + "self-attention"), requires, me) in g  # and those about it
    label = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert (rdflib.URIRef(TOPIC + "softmax"), label, None) in g  # labels of what it links to
    if not suffix:
        assert "accept" in headers.get("vary", "").lower()


@needs_curl
def test_resource_html_for_browsers_has_labels_and_reasons(base):
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, body = curl("-H", f"Accept: {browser_accept}", base + "/resource/topic/attention")
    assert status == 200 and headers["content-type"].startswith("text/html")
    html = body.decode()
    # The linked topic by its label, with its prefixed name, and the reason inline.
    assert re.search(
        r'<a href="/resource/topic/softmax">Softmax</a> <span class="curie">kgtopic:softmax</span>'
        r'<div class="reason">[^<]{10,}</div>', html,
    )
    assert ">https://w3id.org/coursekg/id/topic/softmax<" not in html  # no IRI as link text
    assert 'href="attention.ttl"' in html
    status, _, _ = curl("-H", "Accept: text/turtle", base + "/resource/topic/no-such-topic")
    assert status == 404
    status, _, _ = curl("-H", "Accept: image/png", base + "/resource/topic/attention")
    assert status == 406
