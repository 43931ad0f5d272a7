"""Read YAML data files keeping the line of every mapping, item and scalar.

Error messages must name a file and line, so the loader returns :class:`Map` and
:class:`Seq` (a dict and a list that remember where each entry came from). Dates stay
strings: kg parses them itself so that an impossible date is reported with its line
instead of surfacing as a constructor error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.errors import DataError

__all__ = ["Map", "Seq", "load_yaml", "read_text"]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Map(dict):  # type: ignore[type-arg]
    """A mapping from a YAML file, with ``line`` (its own) and ``key_lines``."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Seq(list):  # type: ignore[type-arg]
    """A sequence from a YAML file, with ``line`` and one line per item in ``lines``."""

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


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


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
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
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
