"""Running SPARQL safely and writing the results in the standard formats.

One place decides which queries are allowed (read-only SELECT/ASK/CONSTRUCT/DESCRIBE,
no ``SERVICE`` — pyoxigraph would call the remote endpoint — and no ``FROM``), on the
parsed query (:func:`parse_query`), which
result formats exist (looked up by name or media type in :data:`RESULT_FORMATS` and
:data:`GRAPH_FORMATS`), and how SELECT results are capped at a row limit. Both
``kg query`` and ``kg serve`` go through :func:`execute`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from json.encoder import encode_basestring as _json_string  # C: a str as a JSON string
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import vocab as V
from kg.errors import QueryRefused, UpdateRefused, UsageError

# rdflib's SPARQL parser (and pyparsing) are imported by the functions that check a
# user's query, not here: kg's own commands (kg path, kg show) import this module for
# Result and the format tables and must not pay rdflib's start-up time.
if TYPE_CHECKING:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parserutils import CompValue

__all__ = [
    "CheckedQuery",
    "parse_query",
    "ResultFormat",
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "query_form",
    "check_query",
    "Result",
    "execute",
    "serialize_solutions",
    "syntax_message",
    "formats_for",
    "result_format",
]


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str
    aliases: tuple[str, ...] = ()


RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("json", "application/sparql-results+json", ("srj",)),
        ResultFormat("xml", "application/sparql-results+xml", ("srx",)),
        ResultFormat("csv", "text/csv"),
        ResultFormat("tsv", "text/tab-separated-values"),
    )
}
GRAPH_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("ttl", "text/turtle", ("turtle",)),
        ResultFormat("nt", "application/n-triples", ("ntriples", "n-triples")),
        ResultFormat("jsonld", "application/ld+json", ("json-ld",)),
        ResultFormat("rdfxml", "application/rdf+xml", ("rdf", "rdf+xml")),
    )
}
_OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_OX_GRAPH = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

# --------------------------------------------------------------------------- checks
#
# What a query may do is decided on its parsed form: rdflib's SPARQL 1.1 parser and
# algebra, walked in full (subqueries, OPTIONAL, UNION, MINUS, EXISTS, ...). Text is
# never scanned for keywords. Two parsers must see the same characters, so the text is
# first normalised the way the SPARQL grammar says a query is read: ``\\uXXXX`` escapes
# expanded (once; an escape that spells another escape is refused) and every line break
# written as LF (pyoxigraph ends a comment at CR, rdflib only at LF). The engine then runs
# exactly the normalised text that was checked.

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATE_WORDS = {
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD",
    "Move": "MOVE", "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE", "Modify": "DELETE/INSERT",
}
_PARSE_LOCK = threading.Lock()  # pyparsing's packrat cache is not thread-safe


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the policy: the text the engine runs, and its form."""

    text: str  # normalised: escapes expanded, line breaks as LF
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    service: bool = False  # has a SERVICE clause (only with allow_service)
    limit: int | None = None  # a SELECT's own LIMIT, when it has one


def _normalise(text: str) -> str:
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes  # lazy: start-up time

    try:
        once = expandUnicodeEscapes(text)
    except ValueError as exc:
        raise QueryRefused(f"invalid SPARQL: {exc}") from None
    if expandUnicodeEscapes(once) != once:
        raise QueryRefused("invalid SPARQL: a \\u escape spells another escape")
    try:
        once.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = f"U+{ord(once[exc.start]):04X}"
        raise QueryRefused(f"invalid SPARQL: {bad} (a lone surrogate) is not a character") from None
    return once.replace("\r\n", "\n").replace("\r", "\n")


def _position_message(exc: ParseBaseException, text: str = "") -> str:
    return f"error at {exc.lineno}:{exc.col}: {' '.join(str(exc.msg).split())}{_slash_hint(text)}"


# A prefixed name followed by "/" (kgid:course/x): the commonest paste error.
_SLASHED_PNAME = re.compile(r"(?<![\w<\"'?$:/#.-])((?:[A-Za-z][\w.-]*)?:[\w.-]+/[\w./-]*)")


def _slash_hint(text: str) -> str:
    m = _SLASHED_PNAME.search(text)
    if not m:
        return ""
    return (
        f'; {m.group(1)} is not a prefixed name (a local name cannot hold "/"): use a kind\'s'
        " prefix such as kgcourse:mit-6.7960-fa25, or write the full <IRI>"
    )


def _unknown_prefix(message: str) -> str:
    """rdflib's "Unknown namespace prefix : foo" as one line naming the prefixes kg knows."""
    m = re.fullmatch(r"Unknown namespace prefix : ?(\S*)", message)
    if not m:
        return message
    return f"unknown prefix {m.group(1) + ':'!r} (kg predeclares {', '.join(V.PREFIXES)})"


def _update_refusal(text: str) -> UpdateRefused | None:
    from pyparsing import ParseBaseException  # lazy: start-up time
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _PARSE_LOCK:
            update = parseUpdate(text)
    except (ParseBaseException, RecursionError, ValueError):
        return None
    ops = [r.name for r in (update["request"] if "request" in update else [])]
    if not ops:  # nothing but comments and prefixes: no query at all
        return None
    word = _UPDATE_WORDS.get(ops[0], ops[0].upper())
    return UpdateRefused(f"{word} is an update; the graph is read-only")


def _nodes(root: object) -> Iterator[CompValue]:
    """Every algebra node under ``root``, iteratively (deep queries do not recurse)."""
    from pyparsing import ParseResults  # lazy: start-up time
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set, frozenset, ParseResults)):
            stack.extend(node)


@lru_cache(maxsize=512)
def parse_query(text: str, *, allow_service: bool = False) -> CheckedQuery:
    """Parse ``text`` and decide whether kg runs it; the result is cached by text.

    Raises
    ------
    UpdateRefused
        For a SPARQL update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR`` ...).
    QueryRefused
        For invalid syntax, ``SERVICE`` (an outbound request) unless ``allow_service``,
        and ``FROM`` / ``FROM NAMED`` (kg serves one graph and never loads a URL).

    >>> parse_query("ASK { ?s ?p ?o } # SERVICE <http://x/> {}").form
    'ASK'
    >>> parse_query("ASK { # hidden?\\rSERVICE <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefused: SERVICE is not allowed: kg never sends requests to other endpoints (<http://x/>)
    """
    from pyparsing import ParseBaseException  # lazy: start-up time
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    norm = _normalise(text)
    try:
        with _PARSE_LOCK:
            tree = translateQuery(parseQuery(norm), initNs=V.PREFIXES)
    except ParseBaseException as exc:
        refusal = _update_refusal(norm)
        if refusal is not None:
            raise refusal from None
        raise QueryRefused(f"invalid SPARQL: {_position_message(exc, norm)}") from None
    except RecursionError:
        raise QueryRefused("invalid SPARQL: the query is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exception (unknown prefix)
        raise QueryRefused(f"invalid SPARQL: {_unknown_prefix(' '.join(str(exc).split()))}") from None
    form = _FORMS.get(tree.algebra.name)
    if form is None:  # pragma: no cover - parseQuery only yields the four forms
        raise QueryRefused("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    service = False
    for node in _nodes(tree.algebra):
        if node.name == "ServiceGraphPattern":
            if not allow_service:
                raise QueryRefused(
                    "SERVICE is not allowed: kg never sends requests to other endpoints"
                    f" ({_term(node.get('term'))})"
                )
            service = True
        elif node.name == "DatasetClause":
            iri = node.get("default") if node.get("default") is not None else node.get("named")
            raise QueryRefused(
                f"FROM is not allowed: kg queries its one graph and never loads a URL or file ({_term(iri)})"
            )
    top = tree.algebra.get("p")
    limit = top.get("length") if form == "SELECT" and getattr(top, "name", None) == "Slice" else None
    return CheckedQuery(norm, form, service, limit if isinstance(limit, int) else None)


def _term(term: object) -> str:
    text = term.n3() if hasattr(term, "n3") else str(term)
    return text if len(text) <= 80 else text[:77] + "..."


def query_form(text: str) -> str:
    """The query form (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``) of ``text``,
    after the same checks as :func:`check_query`.

    >>> query_form("PREFIX x: <http://x/> # a comment with SELECT\\nASK { ?s ?p ?o }")
    'ASK'
    """
    return parse_query(text).form


def check_query(text: str, *, allow_service: bool = False) -> str:
    """Refuse what kg never runs; return the query form (see :func:`parse_query`)."""
    return parse_query(text, allow_service=allow_service).form


_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
# One "expected" item of pyoxigraph's parser: a quoted token or a bracketed character
# class such as ['A' ..= 'Z' | '\u{00C0}'..='\u{00D6}' | ...].
_EXPECTED = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\[(?:\'(?:[^\'\\]|\\.)*\'|[^\]\'])*\]|([^,\["]+))')
_PNAME_BEFORE = re.compile(r"([A-Za-z][\w.-]*)?:(?:[\w.:-]|\\.)*$")


def syntax_message(exc: BaseException, text: str | None = None) -> str:
    """pyoxigraph's parser message on one line, with the position, the character found
    there (when ``text`` is given) and the expected tokens, without the lists of Unicode
    ranges the parser spells out for names.

    >>> q = "ASK { kgid:course/x ?p ?o }"
    >>> try:
    ...     ox.Store().query(q, prefixes={"kgid": "http://example.org/"})
    ... except SyntaxError as exc:
    ...     print(syntax_message(exc, q))
    error at 1:18: unexpected "/" after kgid:course (a prefixed name cannot hold "/": \
use a kind's prefix such as kgcourse:x, escape it as \\/, or write the full <IRI>)
    """
    msg = " ".join(str(exc.args[0] if exc.args else exc).split())
    m = _AT.fullmatch(msg)
    if not m:
        return msg
    line, col, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    where = f"error at {line}:{col}"
    if not rest.startswith("expected one of "):
        return msg
    tokens: list[str] = []
    names = digits = False
    for t in _EXPECTED.finditer(rest[len("expected one of "):]):
        if t.group(1) is not None:
            tokens.append(f'"{t.group(1)}"')
        elif t.group(2) is not None and t.group(2).strip():
            word = t.group(2).strip()
            if word == "Prefix not found":
                continue
            tokens.append(word)
        elif t.group(0).strip() == "['0'..='9']":
            digits = True
        elif t.group(0).strip().startswith("["):
            names = True
    expected = ", ".join(dict.fromkeys(tokens))
    other = " or ".join(w for w, on in (("a name", names), ("a digit", digits)) if on)
    expected = f"{expected} or {other}" if expected and other else expected or other
    lines = (text or "").split("\n")
    before = lines[line - 1][: col - 1] if text is not None and 0 < line <= len(lines) else None
    found = lines[line - 1][col - 1 : col] if before is not None else ""
    if "Prefix not found" in rest and before is not None:
        pname = _PNAME_BEFORE.search(before)
        if pname:
            return f"{where}: unknown prefix {(pname.group(1) or '') + ':'!r} (kg predeclares {', '.join(V.PREFIXES)})"
    if before is None:
        return f"{where}: expected {expected}"
    if not found:
        return f"{where}: the query ends here; expected {expected}"
    pname = _PNAME_BEFORE.search(before)
    if found == "/" and pname:
        return (
            f'{where}: unexpected "/" after {pname.group(0)} (a prefixed name cannot hold "/": '
            "use a kind's prefix such as kgcourse:x, escape it as \\/, or write the full <IRI>)"
        )
    return f'{where}: unexpected "{found}"; expected {expected}'


# --------------------------------------------------------------------------- run


def formats_for(form: str) -> dict[str, ResultFormat]:
    """The result formats of a query form: :data:`GRAPH_FORMATS` for CONSTRUCT and
    DESCRIBE, :data:`RESULT_FORMATS` for SELECT and ASK (the first is the default)."""
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS


def result_format(form: str, fmt: str | None = None) -> ResultFormat:
    """The format ``fmt`` (default: JSON results or Turtle) for a query of ``form``;
    :class:`UsageError` if it does not fit."""
    table = formats_for(form)
    name = fmt or next(iter(table))
    if name not in table:
        kinds = "CONSTRUCT/DESCRIBE" if table is GRAPH_FORMATS else "SELECT/ASK"
        raise UsageError(f"format {name!r} does not fit a {form} query ({kinds}: {', '.join(table)})")
    return table[name]


@dataclass
class Result:
    """A serialised query result."""

    body: bytes
    media_type: str
    form: str
    rows: int | None = None  # SELECT rows or CONSTRUCT/DESCRIBE triples written
    truncated: bool = False  # more rows (triples) existed than the cap


def execute(
    store: ox.Store,
    text: str | CheckedQuery,
    fmt: str | None = None,
    *,
    max_rows: int | None = None,
    allow_service: bool = False,
    prologue: bool = True,
) -> Result:
    """Run ``text`` against ``store`` and serialise the result as ``fmt``.

    ``fmt`` is a name from :data:`RESULT_FORMATS` (SELECT, ASK) or :data:`GRAPH_FORMATS`
    (CONSTRUCT, DESCRIBE); ``None`` picks JSON or Turtle. ``max_rows`` caps SELECT rows
    and CONSTRUCT/DESCRIBE triples alike (``Result.truncated`` says when it cut). The
    query is checked by :func:`parse_query` first, unless it is already a
    :class:`CheckedQuery`; the engine runs the checked, normalised text.
    """
    checked = text if isinstance(text, CheckedQuery) else parse_query(text, allow_service=allow_service)
    form = checked.form
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    table = formats_for(form)
    name = result_format(form, fmt).name
    truncated = False
    try:
        res: Any = store.query(checked.text, prefixes=V.PREFIXES if prologue else None)
        if graph_form:
            triples: list[Any] = []
            for t in res:
                if max_rows is not None and len(triples) >= max_rows:
                    truncated = True
                    break
                triples.append(t)
            # A graph is a set: duplicates go (as a store would drop them), order stays.
            triples = list(dict.fromkeys(triples))
            body = ox.serialize(triples, format=_OX_GRAPH[name], prefixes=V.OUTPUT_PREFIXES if name != "nt" else None)
            return Result(body or b"", table[name].media_type, form, len(triples), truncated)
        if form == "ASK":
            return Result(_boolean(bool(res), name), table[name].media_type, form)
        if max_rows is None or (checked.limit is not None and checked.limit <= max_rows):
            # No cap, or none the query's own LIMIT lets it reach: pyoxigraph's own
            # serializer, straight from the result iterator.
            body = res.serialize(format=_OX_RESULTS[name])
            return Result(body, table[name].media_type, form)
        names = [v.value for v in res.variables]
        rows: list[list[Any]] = []
        for sol in res:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append(list(sol))  # the values in the order of ``names``
    except SyntaxError as exc:
        raise QueryRefused(f"invalid SPARQL: {syntax_message(exc, checked.text)}") from None
    except (OSError, RuntimeError) as exc:
        raise UsageError(f"query failed: {syntax_message(exc)}") from None
    body = serialize_solutions(names, rows, name)
    return Result(body, table[name].media_type, form, len(rows), truncated)


# --------------------------------------------------------------------------- formats


def _json_term(t: Any) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != V.XSD.string:
            out["datatype"] = t.datatype.value
        return out
    return {"type": "triple", "value": str(t)}


def _json_term_text(t: Any) -> str:
    """:func:`_json_term` as JSON text."""
    if isinstance(t, ox.NamedNode):
        return '{"type":"uri","value":' + _json_string(t.value) + "}"
    if isinstance(t, ox.Literal):
        text = '{"type":"literal","value":' + _json_string(t.value)
        if t.language:
            return text + ',"xml:lang":' + _json_string(t.language) + "}"
        datatype = t.datatype.value
        if datatype != V.XSD.string:
            return text + ',"datatype":' + _json_string(datatype) + "}"
        return text + "}"
    return json.dumps(_json_term(t), ensure_ascii=False)


def _csv_value(t: Any) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, (ox.NamedNode, ox.Literal)):
        return str(t.value)
    return str(t)


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (as :func:`xml.sax.saxutils.escape`, which
    is not imported: it loads urllib.request, http.client and ssl on every start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """``text`` as a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != V.XSD.string:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def serialize_solutions(names: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    """SELECT results in a SPARQL 1.1 results format (json, xml, csv, tsv)."""
    if fmt == "json":
        # Written piecewise: each distinct term is encoded once (results repeat terms).
        keys = [_json_string(n) + ":" for n in names]
        seen: dict[Any, str] = {}
        out = []
        for row in rows:
            parts = []
            for key, t in zip(keys, row):
                if t is None:
                    continue
                text = seen.get(t)
                if text is None:
                    text = seen[t] = _json_term_text(t)
                parts.append(key + text)
            out.append("{" + ",".join(parts) + "}")
        head = ",".join(_json_string(n) for n in names)
        return ('{"head":{"vars":[' + head + ']},"results":{"bindings":[' + ",".join(out) + "]}}").encode()
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
        body = "".join(
            "<result>"
            + "".join(f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>" for n, t in zip(names, row) if t is not None)
            + "</result>"
            for row in rows
        )
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{body}</results></sparql>\n"
        ).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        w.writerows([_csv_value(t) for t in row] for row in rows)
        return buf.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise UsageError(f"unknown results format {fmt!r} (one of {', '.join(RESULT_FORMATS)})")


def _boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    return b"true\n" if value else b"false\n"
