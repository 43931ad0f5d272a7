"""Read YAML data files keeping the line of every mapping, item and scalar.

Error messages must name a file and line, so the loader returns :class:`Map` and
:class:`Seq` (a dict and a list that remember where each entry came from). Dates stay
strings: kg parses them itself so that an impossible date is reported with its line
instead of surfacing as a constructor error.

Speed: a document is built straight from the C parser's events in one pass, with the
garbage collector paused (a 16 MB draft from ``kg import`` loads in about 0.6 s
instead of seven, of which 0.4 s is the C parser making its events). Any document
that pass does not cover (aliases, other tags, bad keys, errors) is loaded by PyYAML's
own composer and the constructors below, so values, lines and refusals are the same
either way (``tests/test_yaml_loader.py``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from kg import collector
from kg.errors import DataError

__all__ = ["Map", "Seq", "MAX_ALIAS_VALUES", "MAX_NESTING", "check_node", "load_generic", "load_yaml", "load_yaml_text", "read_text"]

MAX_ALIAS_VALUES = 100_000
"""How many values a document's aliases may add to it, expanded: a few anchors reused
in a course file add hundreds; nine aliases of nine aliases ("billion laughs") add
hundreds of millions, and reading them would take minutes and gigabytes."""

MAX_NESTING = 100
"""How deep a document loaded by PyYAML's recursive constructors may nest (one with an
alias, a tag or a duplicate key): deeper, they run out of Python's stack. (Documents
without them are built in one pass, to libyaml's own bound of 1,000 levels.)"""

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Map(dict):  # type: ignore[type-arg]
    """A mapping from a YAML file, with ``line`` (its own) and ``key_lines``."""

    __slots__ = ("line", "key_lines")  # one per mapping of a document: no instance dict
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Seq(list):  # type: ignore[type-arg]
    """A sequence from a YAML file, with ``line`` and one line per item in ``lines``."""

    __slots__ = ("line", "lines")
    line: int
    lines: list[int]

    def line_at(self, i: int) -> int:
        return self.lines[i] if i < len(self.lines) else self.line


class _Loader(_Base):  # type: ignore[misc]
    pass


# Without the timestamp resolver, 2025-02-30 stays a string we can report on.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in _Base.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Map:
    m = Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise DataError(f"unsupported key {key!r}", None, key_node.start_mark.line + 1)
        key = str(key)
        if key in m:
            raise DataError(f"duplicate key {key!r}", None, key_node.start_mark.line + 1)
        m[key] = loader.construct_object(value_node, deep=True)
        m.key_lines[key] = key_node.start_mark.line + 1
    return m


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> Seq:
    s = Seq(loader.construct_object(child, deep=True) for child in node.value)
    s.line = node.start_mark.line + 1
    s.lines = [child.start_mark.line + 1 for child in node.value]
    return s


def _int_limited(make: Any) -> Any:
    """An int constructor that names the line of an integer too long for Python to read
    (over ``sys.get_int_max_str_digits()`` digits) instead of raising ValueError."""

    def construct(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return make(loader, node)
        except ValueError as exc:
            if "digits" not in str(exc):  # not a number at all ("!!int abc")
                raise DataError(f"invalid YAML: {exc}", None, node.start_mark.line + 1) from None
            raise DataError(_too_long(node.value), None, node.start_mark.line + 1) from None

    return construct


def _too_long(value: str) -> str:
    digits = sum(c.isdigit() for c in value)
    return f"an integer of {digits:,} digits, over the {sys.get_int_max_str_digits():,} Python reads"


_Loader.add_constructor("tag:yaml.org,2002:int", _int_limited(_Loader.yaml_constructors["tag:yaml.org,2002:int"]))
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Plain scalars resolve by their first character (PyYAML's own table, minus timestamps).
_FIRST: dict[str | None, tuple[tuple[str, Any], ...]] = {
    k: tuple(v) for k, v in _Loader.yaml_implicit_resolvers.items()
}
_ANY_FIRST = _FIRST.pop(None, ())
# Scalars other than strings are built by PyYAML's own constructors (ints with
# underscores, sexagesimals, ``.inf``); strings are the node's text, as there.
_SCALARS: dict[str, Any] = {
    tag: _Loader.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
}
_KEY_TAGS = frozenset({_STR, "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


def _resolve(self: Any, kind: Any, value: Any, implicit: Any) -> str:
    """PyYAML's resolver (``BaseResolver.resolve``) for a loader without path
    resolvers, with the first character's resolvers looked up once."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _FIRST.get(value[:1], ()) + _ANY_FIRST:
                if regexp.match(value):
                    return str(tag)
        return _STR
    if kind is yaml.SequenceNode:
        return _SEQ
    return _MAP


if not _Loader.yaml_path_resolvers:  # none are registered: _resolve is the same function
    _Loader.resolve = _resolve


# What :func:`_build` returns for a document it leaves to PyYAML's constructors.
_GENERIC: Any = object()


def _build(loader: Any) -> Any:
    """The document as :class:`Map`, :class:`Seq` and scalars, built straight from the
    parser's events in one pass (no node tree, no recursion).

    It gives what the constructors above give through PyYAML's composer and recursive
    ``construct_object``, for documents of plain mappings, sequences and the core
    scalars: the same values (scalars other than strings are made by PyYAML's own
    constructors) and the same lines (an event's start is its node's); an anchor that
    no alias names changes nothing. Anything else (an alias, another tag, a key that
    is not a string, number or boolean, a duplicate key, more than one document)
    returns :data:`_GENERIC`, and any parser error propagates; the caller then loads
    the text the generic way, which gives the same value or the same error as before.
    """
    get = loader.get_event
    resolve = loader.resolve
    # A plain scalar's tag depends on its text alone (implicit resolvers, no path
    # resolvers: see _resolve), and a document repeats its keys and values: each
    # text is resolved once.
    plain: dict[str, str] = {}
    own = type(loader).resolve is _resolve  # else path resolvers: resolve every scalar
    # The event classes, the tags and the open collection's state in locals: the loop
    # runs once per event (hundreds of thousands for a draft of ``kg import``), and a
    # scalar (most events) is looked at first; only the lines that are kept are read.
    scalar_ev, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end, scalar_node = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.ScalarNode
    str_tag, key_tags, scalars = _STR, _KEY_TAGS, _SCALARS
    get()  # the stream's start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    get()  # the document's start
    # The open mappings and sequences but the innermost. (A collection opens as an
    # item or as a key's value, so no key of an outer mapping awaits its value.)
    stack: list[Any] = []
    top: Any = None  # the innermost open mapping or sequence
    in_seq = False  # whether it is a sequence
    lines: Any = None  # its lines: the sequence's per item, the mapping's per key
    key: str | None = None  # the innermost mapping's key awaiting a value
    key_line = 0  # its line
    root: Any = None
    while True:
        ev = get()
        cls = type(ev)
        v: Any
        if cls is scalar_ev:
            value = ev.value
            tag = ev.tag
            if tag is None or tag == "!":
                if not own:
                    tag = resolve(scalar_node, value, ev.implicit)
                elif ev.implicit[0]:
                    tag = plain.get(value)
                    if tag is None:
                        tag = plain[value] = resolve(scalar_node, value, ev.implicit)
                else:
                    tag = str_tag  # quoted: what _resolve gives
            if tag == str_tag:
                v = value
            else:
                make = scalars.get(tag)
                if make is None:
                    return _GENERIC
                v = make(loader, scalar_node(tag, value, ev.start_mark, ev.end_mark, ev.style))
            if in_seq:
                top.append(v)
                lines.append(ev.start_mark.line + 1)
            elif key is not None:
                top[key] = v
                lines[key] = key_line
                key = None
            elif top is None:  # the document is this scalar
                root = v
                break
            else:  # v is a key
                if tag != str_tag:
                    if tag not in key_tags:
                        return _GENERIC
                    v = str(v)
                if v in top:
                    return _GENERIC
                key = v
                key_line = ev.start_mark.line + 1
            continue
        if cls is map_end or cls is seq_end:
            root = top
            if not stack:
                break
            top = stack.pop()
            in_seq = type(top) is Seq
            lines = top.lines if in_seq else top.key_lines
            continue
        line = ev.start_mark.line + 1
        # (an alias, shared or recursive values, is neither: the generic way shares them)
        if cls is map_start and ev.tag in (None, "!", _MAP):
            v = Map()
            v.key_lines = {}
        elif cls is seq_start and ev.tag in (None, "!", _SEQ):
            v = Seq()
            v.lines = []
        else:
            return _GENERIC
        v.line = line
        if top is not None:
            if in_seq:
                top.append(v)
                lines.append(line)
            else:
                if key is None:  # a mapping or sequence as a key
                    return _GENERIC
                top[key] = v
                lines[key] = key_line
                key = None
            stack.append(top)
        top = v
        if cls is seq_start:
            in_seq, lines = True, v.lines
        else:
            in_seq, lines = False, v.key_lines
    get()  # the document's end
    if not loader.check_event(yaml.StreamEndEvent):
        return _GENERIC
    return root


def _load(text: str) -> Any:
    """``yaml.load(text, Loader=_Loader)``, built by :func:`_build` where it can."""
    with collector.paused():  # millions of objects, no cycles: see kg.collector
        loader = _Loader(text)
        try:
            doc = _build(loader)
            if doc is not _GENERIC:
                return doc
        except Exception:  # noqa: BLE001 - a parser's or a scalar constructor's error:
            pass  # the generic way gives it, or the errors before it, in PyYAML's own order
        finally:
            loader.dispose()
        return load_generic(text)


def load_generic(text: str, loader: Any = None) -> Any:
    """``text`` loaded the generic way, by PyYAML's own recursive constructors with
    kg's line-keeping :class:`Map` and :class:`Seq` (or with ``loader``, a safe loader
    class): what :func:`load_yaml` falls back on, and the reference its one-pass
    builder is held to.

    The composed document is checked first (:func:`check_node`): a syntax error is
    PyYAML's ``YAMLError``; aliases that expand too far, a value that holds itself,
    nesting too deep for the constructors, or an integer too long to read are a
    :class:`DataError` naming the line.
    """
    ld = (loader or _Loader)(text)
    try:
        node = ld.get_single_node()
        if node is None:
            return None
        check_node(node)
        try:
            return ld.construct_document(node)
        except ValueError as exc:  # a safe loader's int (too long) or date (2025-02-30)
            digits = _LONG_NUMBER.search(text)
            if digits is not None and "digits" in str(exc):
                raise DataError(_too_long(digits.group()), None, text.count("\n", 0, digits.start()) + 1) from None
            raise DataError(f"invalid YAML: {exc}") from None
    finally:
        ld.dispose()


_LONG_NUMBER = re.compile(r"\d{%d,}" % (sys.get_int_max_str_digits() + 1))


def check_node(node: Any, *, max_aliased: int = MAX_ALIAS_VALUES, max_depth: int = MAX_NESTING) -> None:
    """Refuse a composed YAML document that cannot be read in bounded time and memory.

    Counted on the node graph PyYAML composes, where an alias is the node its anchor
    names, shared: the values the document holds once every alias is expanded, against
    the distinct nodes it holds (the "billion laughs": nine aliases of nine aliases of
    ... expand to 9**9 values from a few hundred bytes); a node that holds itself (a
    recursive alias, which a reader walking the values never leaves); nesting past
    ``max_depth``, aliases expanded, where PyYAML's recursive constructors would run out
    of stack. Walks each node once (no recursion).

    Raises
    ------
    DataError
        Naming the line of the node at fault.
    """
    seq, mapping = yaml.SequenceNode, yaml.MappingNode

    def children(n: Any) -> list[Any]:
        if isinstance(n, seq):
            return list(n.value)
        if isinstance(n, mapping):
            return [x for pair in n.value for x in pair]
        return []

    cap = 1 << 62
    size: dict[int, int] = {}  # node id -> values in it, aliases expanded (capped)
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, Iterator[Any]]] = [(node, iter(children(node)))]
    on_path.add(id(node))
    while stack:
        n, todo = stack[-1]
        for c in todo:
            k = id(c)
            if k in size:
                continue
            if k in on_path:
                raise DataError("invalid YAML: a value that holds itself (a recursive alias)", None,
                                c.start_mark.line + 1)
            on_path.add(k)
            stack.append((c, iter(children(c))))
            break
        else:
            stack.pop()
            on_path.discard(id(n))
            kids = children(n)
            size[id(n)] = min(cap, 1 + sum(size[id(c)] for c in kids))
            h = 1 + max((height[id(c)] for c in kids if not isinstance(c, yaml.ScalarNode)), default=0)
            height[id(n)] = h
            if h > max_depth:
                raise DataError(f"invalid YAML: nested over {max_depth:,} levels deep (with its aliases)", None,
                                n.start_mark.line + 1)
            if size[id(n)] - len(size) > max_aliased:
                raise DataError(
                    f"invalid YAML: its aliases expand to over {max_aliased:,} values (an alias bomb)", None,
                    n.start_mark.line + 1,
                )


def read_text(path: Path) -> str:
    """A file's text, or a :class:`DataError` naming the line of the first bad byte."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise DataError(
            f"not valid UTF-8: byte 0x{bad} at column {col}", path, line
        ) from None


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; any syntax problem becomes a one-line :class:`DataError`."""
    return load_yaml_text(read_text(path), path)


def load_yaml_text(text: str, path: str | Path) -> Any:
    """Parse a YAML file's text (as :func:`read_text` gives it) as :func:`load_yaml`
    parses the file: the same values and lines, the same one-line :class:`DataError`
    naming ``path``. (``kg import`` checks the draft it is about to write this way.)"""
    try:
        return _load(text)
    except DataError as exc:  # raised by the constructors above, which know only the line
        raise DataError(exc.message, path, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.context}, {exc.problem}"
        raise DataError(f"invalid YAML: {problem}", path, line) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a control character): name it and its line.
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise DataError(
            f"invalid YAML: control character U+{ord(char):04X} at column {col} is not allowed",
            path, line,
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {' '.join(str(exc).split())}", path) from None
    except UnicodeEncodeError as exc:  # a lone surrogate: text no file could hold
        line = text.count("\n", 0, exc.start) + 1
        col = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise DataError(
            f"not valid UTF-8: character U+{ord(text[exc.start]):04X} at column {col}", path, line
        ) from None
