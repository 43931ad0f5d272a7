"""kg's one error tree.

Every failure a user can cause is a :class:`KGError`; its ``str`` is one line that names
the bad value and, where there is one, the file and line. The CLI prints that line and
exits 1; a traceback means a bug in kg, not in the user's input.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "KGError",
    "DataError",
    "ValidationFailed",
    "CycleError",
    "NotFound",
    "UsageError",
    "StoreError",
]


class KGError(Exception):
    """Base class of every error kg reports to a user."""


class DataError(KGError):
    """A data file is malformed or inconsistent (bad YAML, unknown reference, ...)."""

    def __init__(
        self, message: str, path: str | Path | None = None, line: int | None = None
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ValidationFailed(KGError):
    """`kg validate` found violations; ``problems`` holds one line per violation."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(f"{n} violation{'s' if n != 1 else ''} found")


class CycleError(DataError):
    """The ``requires`` graph has a cycle; ``cycle`` lists its topics in order."""

    def __init__(
        self, cycle: Sequence[str], path: str | Path | None = None, line: int | None = None
    ) -> None:
        self.cycle = list(cycle)
        shown = " -> ".join([*self.cycle, self.cycle[0]])
        super().__init__(f"prerequisite cycle: {shown}", path, line)


class NotFound(KGError):
    """A name given by the user matches nothing; ``suggestions`` are close matches."""

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions)
        msg = f"unknown {kind} {name!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class UsageError(KGError):
    """Arguments that cannot work together or a value outside what a command accepts."""


class StoreError(KGError):
    """The graph store or its cache cannot be read or written."""
