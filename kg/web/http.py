"""The HTTP/1.1 parser ``kg serve`` runs under uvicorn.

httptools (C, llhttp) parses a request in about half the CPU time of h11 (pure Python),
which is most of what the server process does for a simple query besides handing it to
a worker. Two of its limits differ from what kg promises, so :func:`http_protocol`
returns uvicorn's httptools protocol with both put right, or ``"h11"`` (with the same
limits, set in :func:`kg.web.app.run_server`) when httptools is not installed:

- httptools parses URLs of at most 64 KiB; kg takes a GET query up to its URL limit
  (``Settings.max_url_bytes``, about 3 x ``max_request_bytes``), so a longer URL is split
  here and the app sees it whole (and answers 414 past its own limit).
- uvicorn keeps every header line it is sent; the request head is bounded here
  (``MAX_HEAD_BYTES``, as ``h11_max_incomplete_event_size`` bounds it for h11): a client
  cannot grow the server's memory with an endless head. Past the bound: a 400 and the
  connection closed. Heads under it reach the app, which answers 414/431 by its limits.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from kg.errors import RequestTooLarge

__all__ = ["MAX_HEAD_BYTES", "http_protocol"]

MAX_HEAD_BYTES = 1024 * 1024
_PARSE_URL_MAX = 65535  # httptools.parse_url refuses longer URLs
_JOIN_MAX = 64 * 1024  # a body up to this size is copied behind its head: one write


def http_protocol() -> Any:
    """uvicorn's ``http`` setting: kg's httptools protocol, else ``"h11"``."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return "h11"

    class KgHttpToolsProtocol(HttpToolsProtocol):
        _head_bytes = 0

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_bytes = 0

        def _count(self, n: int) -> None:
            self._head_bytes += n
            if self._head_bytes > MAX_HEAD_BYTES:
                # Raised in a parser callback: httptools makes it a parse error, a 400.
                raise RequestTooLarge(f"request head over {MAX_HEAD_BYTES} bytes")

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            url: bytes = self.url
            if len(url) <= _PARSE_URL_MAX:
                super().on_headers_complete()
                _one_write(self.cycle)
                return
            # Let uvicorn build the request with a short URL, then put the real one in
            # its scope (the app runs in a task that has not started yet).
            self.url = b"/"
            scope = self.scope
            super().on_headers_complete()
            if url.startswith(b"/"):
                raw_path, _, query = url.partition(b"?")
            else:  # absolute form: http://host/path?query
                parts = urlsplit(url.decode("latin-1"))
                raw_path, query = (parts.path or "/").encode("latin-1"), parts.query.encode("latin-1")
            raw_path = raw_path.partition(b"#")[0]
            path = raw_path.decode("latin-1")
            if "%" in path:
                path = unquote(path)
            scope["path"] = self.root_path + path
            scope["raw_path"] = self.root_path.encode("ascii") + raw_path
            scope["query_string"] = query.partition(b"#")[0]
            _one_write(self.cycle)

    return KgHttpToolsProtocol


class _HeadWithBody:
    """A response's transport that holds its head back and sends it with the first
    chunk of the body: one write and one TCP segment for a small response, where
    uvicorn makes two (the client reads once instead of twice). Anything else passes
    through to the connection's transport."""

    __slots__ = ("_transport", "_cycle", "_head", "_started")

    def __init__(self, transport: Any, cycle: Any) -> None:
        self._transport = transport
        self._cycle = cycle
        self._head: bytes | None = None
        self._started = False

    def write(self, data: bytes) -> None:
        head = self._head
        if head is not None:
            self._head = None
            if len(data) <= _JOIN_MAX:
                self._transport.write(head + data)
            else:  # no copy of a large body
                self._transport.writelines((head, data))
        elif not self._started and self._cycle.response_started:
            # The first write after the response started is its status line and headers
            # (a "100 Continue" is written before the response starts).
            self._started = True
            self._head = data
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Send a head still held (a response without a body: HEAD, 204, 304)."""
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _one_write(cycle: Any) -> None:
    """Give uvicorn's request-response ``cycle`` a :class:`_HeadWithBody` transport;
    whatever the head is still held when the response completes is sent then."""
    if cycle is None:
        return
    transport = _HeadWithBody(cycle.transport, cycle)
    completed = cycle.on_response

    def on_response() -> None:
        transport.flush()
        completed()

    cycle.transport = transport
    cycle.on_response = on_response
