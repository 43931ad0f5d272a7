"""Run queries in worker processes so that a runaway query can be stopped.

pyoxigraph has no query timeout, and a thread cannot be killed, so ``kg serve`` keeps a
small pool of processes, each with its own read-only handle on the cached store. A query
that outlives the timeout has its worker killed and replaced; the other workers keep
answering. Workers are started with ``spawn`` (safe in a threaded server).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import KGError, Overloaded, QueryRefused, QueryTimeout, UsageError
from kg.sparql import Result

__all__ = ["QueryPool"]


@dataclass(frozen=True)
class _Source:
    store_path: str | None  # a cached on-disk store, opened read-only
    data_dir: str  # used when there is no cache: the worker builds in memory


def _worker(conn: Connection, source: _Source) -> None:  # runs in the child
    import pyoxigraph as ox

    from kg.sparql import execute

    if source.store_path is not None:
        store = ox.Store.read_only(source.store_path)
    else:
        from kg.graph import KnowledgeGraph

        store = KnowledgeGraph.open(source.data_dir).store
    conn.send(("ready", None))
    while True:
        try:
            text, fmt, max_rows = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", execute(store, text, fmt, max_rows=max_rows)))
        except QueryRefused as exc:
            conn.send(("refused", exc))  # the class carries the HTTP status
        except KGError as exc:
            conn.send(("error", str(exc)))
        except Exception as exc:  # noqa: BLE001 - report, keep the worker alive
            conn.send(("error", f"query failed: {exc}"))


class _Worker:
    def __init__(self, ctx: Any, source: _Source) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, source), daemon=True)
        self.proc.start()
        child.close()
        self._ready = False

    def wait_ready(self, timeout: float) -> None:
        if not self._ready:
            if not self.conn.poll(timeout):
                raise KGError("query worker did not start")
            self.conn.recv()
            self._ready = True

    def call(self, payload: tuple[str, str | None, int | None], timeout: float) -> tuple[str, Any]:
        self.wait_ready(60)
        self.conn.send(payload)
        if not self.conn.poll(timeout):
            raise QueryTimeout(f"query stopped after {timeout:g} s")
        msg: tuple[str, Any] = self.conn.recv()
        return msg

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes answering queries with a per-query ``timeout``."""

    def __init__(
        self,
        store_path: Path | None,
        data_dir: Path,
        *,
        size: int = 2,
        timeout: float = 10.0,
        max_rows: int | None = 10_000,
        queue_timeout: float = 30.0,
    ) -> None:
        self.source = _Source(str(store_path) if store_path else None, str(data_dir))
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self.queue_timeout = queue_timeout
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            w = _Worker(self._ctx, self.source)
            self._all.append(w)
            self._idle.put_nowait(w)
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, w.wait_ready, 120) for w in self._all))

    async def stop(self) -> None:
        for w in self._all:
            w.kill()
        self._all.clear()

    async def run(self, text: str, fmt: str | None) -> Result:
        assert self._idle is not None, "QueryPool.start() was not awaited"
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.queue_timeout)
        except TimeoutError:
            raise Overloaded("the server is busy; try again shortly") from None
        loop = asyncio.get_running_loop()
        try:
            kind, value = await loop.run_in_executor(
                None, worker.call, (text, fmt, self.max_rows), self.timeout
            )
        except QueryTimeout:
            worker.kill()
            with self._lock:
                self._all.remove(worker)
                worker = _Worker(self._ctx, self.source)
                self._all.append(worker)
            raise
        finally:
            self._idle.put_nowait(worker)
        if kind == "ok":
            assert isinstance(value, Result)
            return value
        if kind == "refused":
            assert isinstance(value, QueryRefused)
            raise value
        raise UsageError(value)
