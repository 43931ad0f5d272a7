"""kg's one error tree.

Every failure a user can cause is a :class:`KGError`; its ``str`` is one line that names
the bad value and, where there is one, the file and line. The CLI prints that line and
exits 1; a traceback means a bug in kg, not in the user's input.

Each class carries the HTTP status the server answers with (``http_status``), so the
status follows from the kind of failure, never from the wording of its message::

    KGError                      500  base class
    ├── DataError                500  a data file is malformed
    │   ├── CycleError           500  the requires graph has a cycle
    │   └── PageError            422  a syllabus page cannot be imported
    ├── NotFound                 404  a name matches nothing
    ├── UsageError               400  arguments or a request that cannot work
    │   ├── QueryRefused         400  a query kg will not run or cannot parse
    │   │   └── UpdateRefused    403  an update sent to the read-only graph
    │   ├── NotAcceptable        406  no result format fits the client's Accept
    │   ├── RequestTooLarge      413  a request over the server's size limit
    │   └── UnsupportedMediaType 415  a request body kg cannot read
    ├── StoreError               500  the store or its cache cannot be used
    ├── EndpointError            502  a remote SPARQL server failed
    ├── Overloaded               503  every query worker stayed busy
    │   ├── WorkerLost           503  a query worker died while answering
    │   └── CoolingDown          503  a client's last query was stopped: wait
    └── QueryTimeout             503  a query ran longer than allowed
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

__all__ = [
    "KGError",
    "DataError",
    "CycleError",
    "PageError",
    "NotFound",
    "Ambiguous",
    "UsageError",
    "QueryRefused",
    "UpdateRefused",
    "NotAcceptable",
    "RequestTooLarge",
    "UnsupportedMediaType",
    "StoreError",
    "NotIndexable",
    "EndpointError",
    "Overloaded",
    "QueryTimeout",
    "WorkerLost",
    "CoolingDown",
]


class KGError(Exception):
    """Base class of every error kg reports to a user."""

    http_status: ClassVar[int] = 500


class DataError(KGError):
    """A data file is malformed or inconsistent (bad YAML, unknown reference, ...)."""

    def __init__(
        self, message: str, path: str | Path | None = None, line: int | None = None
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class CycleError(DataError):
    """The ``requires`` graph has a cycle; ``cycle`` lists its topics in order."""

    def __init__(
        self, cycle: Sequence[str], path: str | Path | None = None, line: int | None = None
    ) -> None:
        self.cycle = list(cycle)
        shown = " -> ".join([*self.cycle, self.cycle[0]])
        super().__init__(f"prerequisite cycle: {shown}", path, line)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.cycle, self.path, self.line))


class PageError(DataError):
    """A syllabus page cannot be imported (empty, binary, too large, no schedule)."""

    http_status = 422


class NotFound(KGError):
    """A name given by the user matches nothing; ``suggestions`` are close matches."""

    http_status = 404

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions)
        shown = name if len(name) <= 60 else name[:57] + "..."
        msg = f"unknown {kind} {shown!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.kind, self.name, self.suggestions))


class Ambiguous(NotFound):
    """A name matches several things equally well; ``suggestions`` lists them all."""

    def __init__(self, kind: str, name: str, candidates: Sequence[str]) -> None:
        super().__init__(kind, name, candidates)
        shown = ", ".join(repr(c) for c in self.suggestions)
        self.args = (f"{kind} {name!r} is ambiguous: it could be {shown}",)

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[Ambiguous], tuple[str, str, list[str]]]:
        return (type(self), (self.kind, self.name, self.suggestions))


class UsageError(KGError):
    """Arguments that cannot work together or a value outside what a command accepts."""

    http_status = 400


class QueryRefused(UsageError):
    """A query that kg will not run (SERVICE, FROM) or cannot parse."""


class UpdateRefused(QueryRefused):
    """A SPARQL update (INSERT, DELETE, LOAD, ...): kg's graph is read-only."""

    http_status = 403


class NotAcceptable(UsageError):
    """None of the result formats a client accepts fits its query."""

    http_status = 406


class RequestTooLarge(UsageError):
    """A request longer than the server accepts."""

    http_status = 413


class UnsupportedMediaType(UsageError):
    """A request body in a content type the server cannot read."""

    http_status = 415


class StoreError(KGError):
    """The graph store or its cache cannot be read or written."""


class NotIndexable(StoreError):
    """The built graph has something the plan index cannot describe (plans use SPARQL)."""


class EndpointError(KGError):
    """A remote SPARQL server could not be reached or answered with an error."""

    http_status = 502


class Overloaded(KGError):
    """Every worker stayed busy for longer than a request may wait."""

    http_status = 503


class QueryTimeout(KGError):
    """A query ran longer than the server allows."""

    http_status = 503


class WorkerLost(Overloaded):
    """A query worker died (killed, out of memory) while answering; it is replaced."""


class CoolingDown(Overloaded):
    """A client whose last query was stopped must wait before the next one."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[type[CoolingDown], tuple[str, int]]:
        # Pickled as it was made (it crosses from one server process to another).
        return (type(self), (str(self), self.retry_after))
