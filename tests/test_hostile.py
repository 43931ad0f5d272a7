"""Bad input, as an attacker or an unlucky user would send it: data files, CLI
arguments, SPARQL and HTTP requests. Each case asserts the exit code or status, one
error line, the bad value named (and file:line where there is one), and nothing written.
(SERVICE smuggling has its own trap-listener tests in test_hostile_net.py; fuzzing is in
test_fuzz.py.)"""

from __future__ import annotations

import os
import socket
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import MINI_COURSE, MINI_TOPICS
from .test_server import get, post, running_server

MAX_LINE = 320  # an error line never echoes a whole value (paths here are long)


def _graphs(cache: Path) -> list[str]:
    root = cache / "graphs"
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def _one_error_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    assert "Traceback" not in text, text
    assert len(lines) == 1, text
    assert len(lines[0]) <= MAX_LINE, lines[0]
    return lines[0]


# --------------------------------------------------------------------------- data files

Mutate = Callable[[Path], None]


def _write(rel: str, text: str | bytes) -> Mutate:
    def mutate(data: Path) -> None:
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return mutate


def _course(**replace: str) -> Mutate:
    text = MINI_COURSE
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return _write("courses/c1.yaml", text)


def _lecture(extra: str) -> Mutate:
    return _write("courses/c1.yaml", MINI_COURSE.replace("  - title: Intro\n", "  - title: Intro\n" + extra))


def _symlink(rel: str, target: str) -> Mutate:
    def mutate(data: Path) -> None:
        (data / rel).symlink_to(target)
    return mutate


def _empty_dir(data: Path) -> None:
    for p in sorted(data.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()


TTL_CYCLE = (
    "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
    "<https://w3id.org/coursekg/id/topic/calculus> kg:requires <https://w3id.org/coursekg/id/topic/backpropagation> .\n"
)
LONG = "x" * 5000

DATA_CASES: dict[str, tuple[Mutate, tuple[str, ...]]] = {
    "symlink-to-system-file": (_symlink("courses/zz.yaml", "/etc/passwd"), ("zz.yaml:1", "expected a mapping", "root:")),
    "symlink-loop": (_symlink("courses/loop.yaml", "loop.yaml"), ("loop.yaml", "cannot read", "symbolic links")),
    "directory-named-yaml": (lambda d: (d / "courses" / "dir.yaml").mkdir(), ("dir.yaml", "cannot read", "Is a directory")),
    "control-character": (_lecture("    speakers: [\"Ann\x07Lee\"]\n"), ("c1.yaml:6", "U+0007")),
    "nul-byte": (_write("courses/c1.yaml", MINI_COURSE.replace("Course One", "Course\x00One")), ("c1.yaml:2", "U+0000")),
    "escape-character": (_write("topics/t.yaml", MINI_TOPICS.replace("Rates of change.", "Rates\x1b[31m of change.")), ("t.yaml:4", "U+001B")),
    "not-utf8": (_write("courses/c1.yaml", MINI_COURSE.encode().replace(b"Course One", b"Course \xff")), ("c1.yaml:2", "0xff")),
    "fractional-lecture-number": (_lecture("    number: 1.5\n"), ("c1.yaml:6", "1.5")),
    "boolean-lecture-number": (_lecture("    number: [1]\n"), ("c1.yaml:6", "number")),
    "impossible-date": (_course(**{"2025-09-01": "2025-02-30"}), ("c1.yaml:6", "2025-02-30")),
    "free-text-date": (_course(**{"2025-09-01": "Sept 1st"}), ("c1.yaml:6", "Sept 1st")),
    "long-date": (_course(**{"2025-09-01": LONG}), ("c1.yaml:6", "invalid date", "xxx...")),
    "unknown-field": (_lecture("    titel: Oops\n"), ("c1.yaml:6", "titel", "title")),
    "long-unknown-field": (_lecture(f"    {LONG[:900]}: 1\n"), ("c1.yaml:6", "unknown field", "xxx...")),
    "uppercase-id": (_course(**{"id: c1": "id: C1"}), ("c1.yaml:1", "'C1'")),
    "long-id": (_course(**{"id: c1": "id: " + LONG.upper()}), ("c1.yaml:1", "invalid id", "XXX...")),
    "unknown-topic-long": (_course(**{"covers: [calculus]": f"covers: [{LONG}]"}), ("c1.yaml:8", "unknown topic", "xxx...")),
    "top-level-list": (_write("courses/c1.yaml", "- a\n- b\n"), ("c1.yaml:1", "expected a mapping", "a list")),
    "top-level-scalar": (_write("courses/c1.yaml", "12.5\n"), ("c1.yaml:1", "12.5")),
    "empty-topics-file": (_write("topics/t.yaml", ""), ("t.yaml", "topics")),
    "tab-indent": (_write("readings.yaml", "readings:\n\t- id: r\n"), ("readings.yaml:2", "invalid YAML")),
    "unclosed-flow": (_write("readings.yaml", "readings: [\n"), ("readings.yaml:", "invalid YAML")),
    "guest-not-boolean": (_lecture("    guest: perhaps\n"), ("c1.yaml:6", "'guest'", "perhaps")),
    "materials-mapping": (_lecture("    materials: {a: b}\n"), ("c1.yaml:6", "'materials'", "a mapping")),
    "materials-list-of-lists": (_lecture("    materials: [[a]]\n"), ("c1.yaml:6", "'materials'", "a list")),
    "unknown-event-kind": (_course(**{"kind: holiday": "kind: party"}), ("c1.yaml:16", "'party'")),
    "unknown-reading-kind": (_write("readings.yaml", "readings:\n  - id: notes-1\n    title: N\n    kind: scroll\n"), ("readings.yaml:4", "'scroll'")),
    "self-requirement": (_write("topics/t.yaml", MINI_TOPICS.replace("topic: calculus", "topic: chain-rule")), ("t.yaml:", "cannot require itself")),
    "cycle-through-turtle": (_write("extra.ttl", TTL_CYCLE), ("extra.ttl", "prerequisite cycle", "calculus", "backpropagation")),
    "invalid-turtle": (_write("bad.ttl", "<a> <b> .\n"), ("bad.ttl:1", "invalid Turtle")),
    "turtle-not-utf8": (_write("bad.ttl", b"<http://a/> <http://b/> \"\xff\" .\n"), ("bad.ttl", "UTF-8")),
    "duplicate-key": (_write("readings.yaml", "readings:\n  - id: r\n    title: A\n    title: B\n    kind: paper\n"), ("readings.yaml:4", "'title'")),
    "alias-bomb": (_write("readings.yaml", "a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nreadings: [*c, *c]\n"), ("readings.yaml", "readings")),
    "empty-data-dir": (_empty_dir, ("no data files",)),
}


@pytest.mark.parametrize("name", sorted(DATA_CASES))
def test_bad_data_file(name, run, mini, cache):
    mutate, needles = DATA_CASES[name]
    mutate(mini)
    before = _graphs(cache)
    result = run("build", data=mini)
    assert result.exit_code == 1, (name, result.output)
    line = _one_error_line(result.stderr)
    for needle in needles:
        assert needle in line, (name, needle, line)
    assert _graphs(cache) == before, f"{name}: a failed build wrote to the cache"


def test_missing_data_dir(run, tmp_path, cache):
    result = run("build", data=tmp_path / "nope")
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1 and "nope" in errors[0] and "does not exist" in errors[0]


# --------------------------------------------------------------------------- CLI arguments

CLI_CASES: dict[str, tuple[tuple[str, ...], int, tuple[str, ...]]] = {
    "show-long-name": (("show", LONG), 1, ("unknown", "xxx...")),
    "show-empty": (("show", ""), 1, ("unknown", "''")),
    "show-control-char": (("show", "a\x01b"), 1, ("unknown", "\\x01")),
    "path-unknown": (("path", "backprop", "no-such-topic"), 1, ("no-such-topic",)),
    "prereqs-depth-negative": (("prereqs", "backprop", "--depth", "-1"), 2, ("--depth", "-1")),
    "query-max-rows-zero": (("query", "ASK {}", "--max-rows", "0"), 2, ("--max-rows", "0")),
    "query-format-bogus": (("query", "ASK {}", "--format", "png"), 2, ("--format", "png")),
    "query-format-mismatch": (("query", "ASK {}", "--format", "ttl"), 2, ("ttl", "ASK")),
    "query-missing-file": (("query", "/no/such/file.rq"), 1, ("/no/such/file.rq", "does not exist")),
    "query-long-name": (("query", "{" * 3000), 1, ("invalid SPARQL",)),
    "query-nul": (("query", "ASK {}\x00"), 1, ("invalid SPARQL",)),
    "query-empty": (("query", ""), 1, ("invalid SPARQL",)),
    "query-unknown-shipped": (("query", "shared-topic"), 1, ("shared-topic", "did you mean")),
    "query-param-injection": (("query", "prerequisite-closure", "-p", "topic=x> } SERVICE <http://a/> {"), 2, ("topic", "x>")),
    "query-param-unknown": (("query", "prerequisite-closure", "-p", "colour=red"), 2, ("colour",)),
    "query-param-not-pair": (("query", "prerequisite-closure", "-p", "topic"), 2, ("'topic'", "NAME=VALUE")),
    "query-param-inline": (("query", "ASK {}", "-p", "topic=a"), 1, ("shipped",)),
    "serve-port-range": (("serve", "--port", "70000"), 2, ("--port", "70000")),
    "serve-workers-zero": (("serve", "--workers", "0"), 2, ("--workers", "0")),
    "serve-get-bad-resource": (("serve", "--get", "/resource/%00"), 1, ("/resource/%00", "400")),
    "serve-get-missing": (("serve", "--get", "/nope"), 1, ("/nope", "404")),
    "order-unknown-course": (("order", "--course", "nope"), 1, ("nope",)),
}


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_bad_cli_argument(name, run, cache):
    args, code, needles = CLI_CASES[name]
    result = run(*args)
    assert result.exit_code == code, (name, result.output)
    err = result.stderr
    assert "Traceback" not in err, err
    # click prints usage lines before a usage error (exit 2); the error itself is one line.
    errors = [ln for ln in err.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, err
    assert len(errors[0]) <= MAX_LINE, errors[0]
    for needle in needles:
        assert needle in errors[0], (name, needle, errors[0])


def test_serve_port_in_use(cache):
    from .conftest import kg_process

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = kg_process("serve", "--port", str(port))
    assert proc.returncode == 1
    line = _one_error_line(proc.stderr)
    assert f"port {port}" in line and "in use" in line


# --------------------------------------------------------------------------- SPARQL

SPARQL_CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "insert-data": ("INSERT DATA { <a:a> <a:b> <a:c> }", ("INSERT DATA", "read-only")),
    "delete-data": ("DELETE DATA { <a:a> <a:b> <a:c> }", ("DELETE DATA", "read-only")),
    "delete-where": ("DELETE WHERE { ?s ?p ?o }", ("DELETE WHERE", "read-only")),
    "with-modify": ("WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ("read-only",)),
    "clear": ("CLEAR ALL", ("CLEAR", "read-only")),
    "drop": ("DROP DEFAULT", ("DROP", "read-only")),
    "create": ("CREATE GRAPH <a:g>", ("CREATE", "read-only")),
    "add": ("ADD DEFAULT TO <a:g>", ("ADD", "read-only")),
    "move": ("MOVE DEFAULT TO <a:g>", ("MOVE", "read-only")),
    "copy": ("COPY DEFAULT TO <a:g>", ("COPY", "read-only")),
    "load": ("LOAD <http://127.0.0.1:9/x.ttl>", ("LOAD", "read-only")),
    "update-after-query": ("ASK {} ; INSERT DATA { <a:a> <a:b> <a:c> }", ("invalid SPARQL",)),
    "syntax": ("SELECT * WHERE { ?s ?p }", ("invalid SPARQL", "error at 1:")),
    "unknown-prefix": ("SELECT * WHERE { ?s nope:p ?o }", ("invalid SPARQL", "nope")),
    "bad-u-escape": ("SELECT * WHERE { ?s ?p \"\\uZZZZ\" }", ("invalid SPARQL",)),
    "surrogate-escape": ("SELECT * WHERE { ?s ?p \"\\uD800\" }", ("U+D800",)),
    "escape-of-escape": ("ASK { ?s ?p \"\\u005Cu0041\" }", ("escape",)),
    "deep-nesting": ("SELECT * WHERE " + "{ " * 2000 + "} " * 2000, ("nested too deeply",)),
    "only-comment": ("# SELECT * WHERE { ?s ?p ?o }", ("invalid SPARQL",)),
    "service": ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", ("SERVICE is not allowed", "127.0.0.1:9")),
    "from": ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", ("FROM is not allowed", "/etc/passwd")),
}


@pytest.mark.parametrize("name", sorted(SPARQL_CASES))
def test_bad_sparql(name, run, cache):
    query, needles = SPARQL_CASES[name]
    result = run("query", query)
    assert result.exit_code == 1, (name, result.output)
    line = _one_error_line(result.stderr)
    for needle in needles:
        assert needle in line, (name, needle, line)


# --------------------------------------------------------------------------- HTTP


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("--timeout", "1", "--max-request-bytes", "4096") as base:
        yield base


def q(query: str, **extra: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **extra})


def _raw(base: str, request: bytes) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head = data.split(b"\r\n", 1)[0].split()
    return int(head[1]), data


HTTP_CASES: dict[str, tuple[str, str, bytes | None, dict[str, str], int]] = {
    # name: (method, path, body, headers, status)
    "resource-gt": ("GET", "/resource/topic/x%3E", None, {}, 400),
    "resource-braces": ("GET", "/resource/topic/%7D%7B", None, {}, 400),
    "resource-nul": ("GET", "/resource/topic/%00", None, {}, 400),
    "resource-backslash": ("GET", "/resource/topic/a%5Cb", None, {}, 400),
    "resource-space": ("GET", "/resource/topic/a%20b", None, {}, 400),
    "resource-quote": ("GET", "/resource/topic/%22%3E%3Cscript%3E", None, {}, 400),
    "resource-cross-product": ("GET", "/resource/topic/x%3E%20%3Fp%20%3Fo%20.%20%3Fa%20%3Fb%20%3Fc%20.%20%3Fd%20%3Fe%20%3Ff%20%7D%20%23", None, {}, 400),
    "resource-empty": ("GET", "/resource/", None, {}, 400),
    "resource-long": ("GET", "/resource/topic/" + "a" * 600, None, {}, 400),
    "resource-unknown": ("GET", "/resource/topic/no-such-topic", None, {}, 404),
    "resource-double-slash": ("GET", "/resource/topic//x", None, {}, 400),
    "asset-traversal": ("GET", "/assets/../app.py", None, {}, 404),
    "asset-encoded-traversal": ("GET", "/assets/%2e%2e/app.py", None, {}, 404),
    "asset-python": ("GET", "/assets/__init__.py", None, {}, 404),
    "asset-missing": ("GET", "/assets/nope.js", None, {}, 404),
    "dump-unknown": ("GET", "/dump.exe", None, {}, 404),
    "no-route": ("GET", "/wp-admin", None, {}, 404),
    "put": ("PUT", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query"}, 405),
    "missing-query": ("GET", "/sparql", None, {}, 400),
    "update-param": ("GET", "/sparql?update=DROP+ALL", None, {}, 403),
    "update-in-query": ("GET", q("DROP ALL"), None, {}, 403),
    "update-body": ("POST", "/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"}, 403),
    "update-form": ("POST", "/sparql", b"update=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"}, 403),
    "text-plain-body": ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    "no-content-type": ("POST", "/sparql", b"ASK {}", {}, 415),
    "not-utf8-body": ("POST", "/sparql", b"ASK { ?s ?p \"\xff\" }", {"Content-Type": "application/sparql-query"}, 400),
    "body-too-large": ("POST", "/sparql", b"ASK {} #" + b"x" * 5000, {"Content-Type": "application/sparql-query"}, 413),
    "query-too-large": ("GET", q("ASK {} #" + "x" * 5000), None, {}, 413),
    "syntax-error": ("GET", q("SELECT * WHERE { ?s ?p }"), None, {}, 400),
    "surrogate": ("GET", "/sparql?query=ASK%7B%3Fs%20%3Fp%20%22%5CuD800%22%7D", None, {}, 400),
    "not-acceptable": ("GET", q("ASK {}"), None, {"Accept": "image/png"}, 406),
    "format-bogus": ("GET", q("ASK {}", format="png"), None, {}, 406),
    "format-mismatch": ("GET", q("ASK {}", format="ttl"), None, {}, 406),
    "q-nan": ("GET", q("ASK {}"), None, {"Accept": "text/csv;q=nan"}, 200),
    "q-negative": ("GET", q("ASK {}"), None, {"Accept": "text/csv;q=-1, application/sparql-results+json;q=0.5"}, 200),
    "runaway": ("GET", q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"), None, {}, 503),
    "head": ("HEAD", q("ASK {}"), None, {}, 200),
    "head-missing-query": ("HEAD", "/sparql", None, {}, 400),
}


@pytest.mark.parametrize("name", sorted(HTTP_CASES))
def test_bad_http_request(name, server):
    import urllib.request

    method, path, body, headers, status = HTTP_CASES[name]
    req = urllib.request.Request(server + path, data=body, method=method, headers=headers)
    if body is not None and "Content-Type" not in headers:
        req.remove_header("Content-type")
        req.add_unredirected_header("Content-Type", "")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            got, ctype, data, hdrs = r.status, r.headers.get("Content-Type", ""), r.read(), r.headers
    except urllib.error.HTTPError as e:
        got, ctype, data, hdrs = e.code, e.headers.get("Content-Type", ""), e.read(), e.headers
    assert got == status, (name, got, data[:300])
    assert "default-src 'self'" in hdrs.get("Content-Security-Policy", ""), name
    assert b"Traceback" not in data
    if status == 503:
        assert hdrs.get("Retry-After"), name
    if status >= 400 and method != "HEAD":
        if ctype.startswith("text/plain"):
            _one_error_line(data.decode())
        else:
            assert ctype.startswith("text/html"), (name, ctype)
    if method == "HEAD":
        assert data == b""


def test_huge_url_is_414(server):
    status, data = _raw(server, b"GET /sparql?query=" + b"a" * 300_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 414 and b"Content-Security-Policy" in data.replace(b"content-security-policy", b"Content-Security-Policy")


def test_huge_header_is_431(server):
    status, data = _raw(server, b"GET /void HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\nConnection: close\r\n\r\n")
    assert status == 431


def test_many_headers_is_431(server):
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(3000))
    status, _ = _raw(server, b"GET /void HTTP/1.1\r\nHost: x\r\n" + many + b"Connection: close\r\n\r\n")
    assert status == 431


def test_html_escapes_data(server):
    status, ctype, body = get(server + "/resource/topic/%3Cscript%3E")
    assert status == 400 and b"<script>" not in body.replace(b'<script src="/assets/explorer.js"></script>', b"")


def test_case_count():
    """The suite keeps at least 80 hostile inputs (the trap tests add their own)."""
    total = len(DATA_CASES) + len(CLI_CASES) + len(SPARQL_CASES) + len(HTTP_CASES) + 6
    assert total >= 80, total


if os.environ.get("KG_HOSTILE_LIST"):  # pragma: no cover - print the inventory
    print(len(DATA_CASES), len(CLI_CASES), len(SPARQL_CASES), len(HTTP_CASES))
