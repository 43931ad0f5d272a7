"""The shipped SPARQL query library: one documented query per
``shipped/NAME.rq`` file; kg's own queries live in ``internal/``.

Each file starts with a comment header, then the query::

    # title: Everything a topic requires
    # description: The prerequisite closure of a topic, ...
    #   (lines indented after ``#`` continue the title or description)
    # param: topic = transformers
    SELECT ... WHERE { VALUES ?topic { $topic } ... }

Queries use the contract prefixes (``kg:``, ``schema:``, ``skos:`` ...) without declaring
them; :meth:`kg.graph.KnowledgeGraph.query` predeclares them. A parameter appears in the
query as ``$name`` and :meth:`Query.render` replaces it with the IRI of the id given (or
the default from the header). What kind of resource a parameter names follows from its
name: ``topic`` or ``…_topic`` is a topic, ``course`` or ``…_course`` a course. Only plain
ids are accepted, so a value can never inject SPARQL.

>>> from kg.queries import get
>>> q = get("prerequisite-closure")
>>> q.params
{'topic': 'transformers'}
>>> "<https://w3id.org/coursekg/id/topic/backpropagation>" in q.render(topic="backpropagation")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from kg import vocab as V
from kg.errors import NotFound, UsageError

__all__ = ["Query", "library", "get", "names", "param_kind", "resolve", "render_internal"]

# The .rq files sit beside this module (importlib.resources would cost start-up time
# for no gain: kg is never run from a zip).
_HERE = Path(__file__).resolve().parent

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_KEY = re.compile(r"^#\s?(title|description|param):\s*(.*?)\s*$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*?)\s*$")
_PARAM = re.compile(r"^([a-z][a-z0-9_]*)\s*=\s*(\S+)$")

# What a parameter's value may look like, and how it becomes an IRI, by kind.
_KINDS: dict[str, tuple[re.Pattern[str], str]] = {
    "topic": (re.compile(r"^[a-z0-9][a-z0-9-]*$"), "topic id such as 'transformers'"),
    # Course ids carry a dot in the course number (mit-6.7960-fa25); a dot is harmless
    # inside <...>.
    "course": (re.compile(r"^[a-z0-9][a-z0-9.-]*$"), "course id such as 'mit-6.7960-fa25'"),
}


def param_kind(name: str) -> str:
    """The kind of resource a parameter names: ``topic`` or ``course``, from its name
    (``topic``, ``prereq_topic``, ``course``, ``other_course`` ...)."""
    kind = name.rsplit("_", 1)[-1]
    if kind not in _KINDS or not _PARAM_NAME.fullmatch(name):
        raise ValueError(
            f"parameter {name!r} must be named 'topic' or 'course', or end in '_topic' or '_course'"
        )
    return kind


def _iri(kind: str, value: str) -> str:
    return V.topic_iri(value) if kind == "topic" else V.course_iri(value)


def _check_value(query: str, name: str, value: object) -> str:
    kind = param_kind(name)
    pattern, what = _KINDS[kind]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"query {query!r}: parameter {name!r} must be a {what}, not {value!r}")
    return value


@dataclass(frozen=True)
class Query:
    """One shipped query: its name, documentation, parameters and SPARQL text."""

    name: str
    title: str
    description: str
    params: dict[str, str] = field(default_factory=dict)  # name -> default id
    text: str = ""  # the query without its header; may contain $param placeholders

    def render(self, **values: str) -> str:
        """The query with every ``$param`` replaced by the IRI of the id given for it (or
        its default). Raises :class:`ValueError` on an unknown parameter or a value that
        is not a plain id."""
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            known = ", ".join(sorted(self.params)) or "none"
            raise ValueError(
                f"query {self.name!r} has no parameter {unknown[0]!r} (parameters: {known})"
            )
        iris = {
            name: "<" + _iri(param_kind(name), _check_value(self.name, name, values.get(name, default))) + ">"
            for name, default in self.params.items()
        }

        def sub(m: re.Match[str]) -> str:
            return iris.get(m.group(1), m.group(0))

        return _PLACEHOLDER.sub(sub, self.text)

    @property
    def sparql(self) -> str:
        """The query with default parameters and the contract PREFIX lines: runs as is in
        any SPARQL client."""
        return V.sparql_prologue() + self.render()


def parse(name: str, source: str) -> Query:
    """A :class:`Query` from the text of ``NAME.rq``; :class:`ValueError` if the header is
    incomplete or the parameters do not match the placeholders."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"query name {name!r} must be lowercase words joined by hyphens")
    fields: dict[str, list[str]] = {"title": [], "description": []}
    params: dict[str, str] = {}
    lines = source.splitlines(keepends=True)
    current: str | None = None
    body_start = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if not stripped.startswith("#"):
            body_start = i
            break
        m = _HEADER_KEY.match(stripped)
        if m:
            key, value = m.groups()
            if key == "param":
                pm = _PARAM.match(value)
                if not pm:
                    raise ValueError(f"query {name!r}: bad param line {stripped!r} (write 'param: NAME = DEFAULT')")
                pname, default = pm.groups()
                params[pname] = _check_value(name, pname, default)
                current = None
            else:
                if fields[key]:
                    raise ValueError(f"query {name!r}: {key} given twice")
                fields[key].append(value)
                current = key
            continue
        c = _CONTINUATION.match(stripped)
        if c and current is not None:
            fields[current].append(c.group(1))
        else:
            current = None  # a free comment (notes on the approach) ends the field
    title = " ".join(fields["title"]).strip()
    description = " ".join(fields["description"]).strip()
    if not title or not description:
        raise ValueError(f"query {name!r} needs '# title:' and '# description:' header lines")
    text = "".join(lines[body_start:]).strip() + "\n"
    used = set(_PLACEHOLDER.findall(text))
    if used != set(params):
        raise ValueError(
            f"query {name!r}: placeholders {sorted(used)} do not match declared params {sorted(params)}"
        )
    return Query(name=name, title=title, description=description, params=params, text=text)


@cache
def _load() -> tuple[Query, ...]:
    root = _HERE / "shipped"
    out = []
    for entry in root.iterdir():
        if entry.is_file() and entry.name.endswith(".rq"):
            out.append(parse(entry.name[: -len(".rq")], entry.read_text(encoding="utf-8")))
    return tuple(sorted(out, key=lambda q: q.name))


def library() -> dict[str, Query]:
    """Every shipped query by name, sorted by name."""
    return {q.name: q for q in _load()}


def names() -> list[str]:
    """The names of the shipped queries, sorted."""
    return [q.name for q in _load()]


def get(name: str) -> Query:
    """The shipped query ``name``; :class:`kg.errors.NotFound` with close names if none."""
    for q in _load():
        if q.name == name:
            return q
    from kg.build.sources import suggest  # YAML loads only for a "did you mean"

    raise NotFound("query", name, suggest(name, names()))


# ---------------------------------------------------------------- a user's query argument

# A query argument with no whitespace, brace or IRI bracket cannot be SPARQL (every
# query form needs one of them), so it names a file or a shipped query.
_NOT_SPARQL = re.compile(r"^[^\s{<]+$")


def resolve(query: str, params: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The SPARQL text a user's query argument stands for, and where it came from.

    ``query`` is the path of a file, the name of a shipped query (rendered with
    ``params``), or the SPARQL text itself.

    Returns
    -------
    (text, origin)
        ``origin`` is the file's path, ``"shipped query 'NAME'"`` or ``"inline"``.

    Raises
    ------
    UsageError
        A path that names no file, a name that is no shipped query (with close names), or
        ``params`` for anything but a shipped query.
    ValueError
        A parameter the shipped query does not have, or a value that is not a plain id.

    >>> text, origin = resolve("prerequisite-closure", {"topic": "lora"})
    >>> origin, "<https://w3id.org/coursekg/id/topic/lora>" in text
    ("shipped query 'prerequisite-closure'", True)
    >>> resolve("ASK { ?s ?p ?o }")
    ('ASK { ?s ?p ?o }', 'inline')
    """
    values = dict(params or {})
    one_word = _NOT_SPARQL.fullmatch(query.strip()) is not None
    path = Path(query)
    shown = query if len(query) <= 80 else query[:77] + "..."
    try:
        is_dir, is_file = one_word and path.is_dir(), one_word and path.is_file()
    except (OSError, ValueError):  # too long for a file name, or a NUL: not a file
        is_dir = is_file = False
    if is_dir:
        raise UsageError(f"query file {shown!r} is a directory")
    if is_file:
        if values:
            raise UsageError("parameters (--param) apply to shipped queries only")
        from kg.build.yamlio import read_text  # only when a file is given

        return read_text(path), str(path)
    if one_word and query in library():
        return get(query).render(**values), f"shipped query {query!r}"
    if values:
        raise UsageError("parameters (--param) apply to shipped queries only")
    if one_word and _NAME.fullmatch(query):
        from kg.build.sources import suggest  # only for the error message

        hints = suggest(query, names())
        hint = f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""
        raise UsageError(f"{shown!r} is neither a file nor a shipped query{hint} (`kg queries` lists them)")
    if one_word:
        raise UsageError(f"query file {shown!r} does not exist")
    return query, "inline"


# ---------------------------------------------------------------- kg's own queries
#
# kg's internal queries live in ``internal/NAME.rq``: no header needed, parameters written
# ``$name``. They are rendered with *bound terms*: each value is a pyoxigraph term (or a
# sequence of terms, for a ``VALUES ?x { $name }`` list) and is written out by
# pyoxigraph's own N-Triples serialisation, which validates IRIs and escapes literals. A
# Python string is never pasted into a query.




@cache
def internal_text(name: str) -> str:
    """The text of ``internal/NAME.rq``; :class:`KeyError` if kg ships no such query."""
    entry = _HERE / "internal" / f"{name}.rq"
    if not _NAME.fullmatch(name) or not entry.is_file():
        raise KeyError(name)
    return entry.read_text(encoding="utf-8")


def _term_text(value: object, query: str, param: str) -> str:
    # pyoxigraph loads only when a query is rendered: `kg queries` lists without it.
    import pyoxigraph as ox

    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return " ".join(_term_text(v, query, param) for v in value)
    raise TypeError(f"query {query!r}: parameter {param!r} must be a pyoxigraph term, not {type(value).__name__}")


def render_internal(name: str, /, **bindings: object) -> str:
    """``internal/NAME.rq`` with each ``$param`` bound to a term (or a list of terms).

    >>> import pyoxigraph as ox
    >>> "<https://w3id.org/coursekg/id/topic/a>" in render_internal(
    ...     "topic-labels", topics=[ox.NamedNode("https://w3id.org/coursekg/id/topic/a")])
    True
    """
    text = internal_text(name)
    used = set(_PLACEHOLDER.findall(text))
    if used != set(bindings):
        raise TypeError(f"query {name!r} takes parameters {sorted(used)}, got {sorted(bindings)}")
    rendered = {k: _term_text(v, name, k) for k, v in bindings.items()}
    return _PLACEHOLDER.sub(lambda m: rendered[m.group(1)], text)
