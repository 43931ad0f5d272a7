"""Run queries in worker processes, with admission control in front of them.

pyoxigraph has no query timeout and a thread cannot be killed, so every query ``kg
serve`` runs (``/sparql``, resource pages) goes to a worker process of
:class:`QueryPool`: a task that outlives its timeout has its worker killed and replaced,
and a worker that dies for any other reason (the out-of-memory killer, a crash) is
replaced too; that one request gets a 503 with ``Retry-After``. Each worker cuts itself
off from the network (:func:`kg.web.sandbox.deny_network`) before it opens the store
read-only, once; it then answers tasks over its own socket pair with the server, which
the server's event loop reads directly (a task costs one write and one read of a
pickle, no thread hop).

In front of the pool, :class:`Admission` keeps one client from starving the others: a
client runs at most ``per_client`` queries at once; further requests wait in one bounded
queue (served first come, first served among clients under their limit) for at most
``queue_timeout`` seconds. A full queue or a long wait is a 503 with ``Retry-After``.

Two more rules keep runaway queries from holding up everyone else: a query that has run
for 0.25 s drops to a low CPU priority (nice 15) so quick queries in other workers get
the CPU first, and a client whose query was stopped (or killed its worker) waits for the
replacement worker to start before its next query is admitted.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import multiprocessing as mp
import os
import pickle
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.errors import CoolingDown, NotAcceptable, Overloaded, QueryTimeout, WorkerLost
from kg.queries import render_internal
from kg.sparql import Result, execute, parse_query
from kg.web.sandbox import deny_network

__all__ = ["Admission", "FormatChoice", "QueryPool", "Term", "ResourceRows", "run_query", "resource_rows", "walls", "worker_store"]

T = TypeVar("T")

# A term as plain data (it crosses a process boundary): ("uri", iri), ("bnode", id),
# ("literal", text, language or "", datatype IRI).
Term = tuple[str, ...]
ResourceRows = tuple[list[tuple[Term, Term]], list[tuple[Term, Term]]]


@dataclass(frozen=True)
class FormatChoice:
    """The format content negotiation picked for each kind of result, or why none fits.

    The server negotiates before it knows the query form (the worker parses the query),
    so it hands over both answers."""

    results: str | None  # SELECT / ASK
    graph: str | None  # CONSTRUCT / DESCRIBE
    results_refusal: str = ""
    graph_refusal: str = ""


@dataclass(frozen=True)
class _Source:
    store_path: str | None  # a cached on-disk store, opened read-only
    data_dir: str  # used when there is no cache: the worker builds in memory


# ----------------------------------------------------------------- in the worker

_STORE: ox.Store | None = None
_WALLS: list[str] = []
_DEMOTE_AFTER = 0.25  # seconds: a query running longer yields the CPU to quick ones
_NICE = 15
# Workers start fresh interpreters: no state of the server (its event loop, sockets,
# threads) is copied into them.
_CONTEXT = mp.get_context("spawn")


def _init(source: _Source) -> None:
    global _STORE
    # The server stops a worker with SIGKILL; a SIGTERM (from a process manager) ends
    # it at once too, whatever query it is in.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server to handle
    _WALLS[:] = deny_network()
    if source.store_path is not None:
        _STORE = ox.Store.read_only(source.store_path)
    else:
        from kg.graph import KnowledgeGraph  # only without a cache: builds in memory

        _STORE = KnowledgeGraph.open(source.data_dir).store


def _worker_main(sock: socket.socket, source: _Source) -> None:
    """(In a worker) open the store once, say so, then answer tasks until the server
    closes the socket: each task a pickled ``(fn, args)``, each answer a pickled
    ``(True, value)`` or ``(False, exception)``."""
    conn = Connection(sock.detach())
    _init(source)
    conn.send_bytes(pickle.dumps((True, walls())))
    while True:
        try:
            fn, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            answer = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - every error goes back to the server
            try:
                answer = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                answer = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        conn.send_bytes(answer)


def worker_store() -> ox.Store:
    """(In a worker) the store this worker opened."""
    assert _STORE is not None, "worker initializer did not run"
    return _STORE


def walls() -> list[str]:
    """(In a worker) which network walls hold: ``netns``, ``seccomp``."""
    return list(_WALLS)


def _try_renice() -> bool:
    """Whether this process may lower a priority and raise it back (root, or
    CAP_SYS_NICE); without that, a demoted worker would stay slow for good."""
    me = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, me, 1)
        os.setpriority(os.PRIO_PROCESS, me, 0)
    except OSError:
        return False
    return True


def run_query(text: str, choice: FormatChoice, max_rows: int | None) -> Result:
    """(In a worker) check ``text`` with the query policy, run it, serialise it."""
    checked = parse_query(text)
    graph_form = checked.form in ("CONSTRUCT", "DESCRIBE")
    fmt = choice.graph if graph_form else choice.results
    if fmt is None:
        raise NotAcceptable(choice.graph_refusal if graph_form else choice.results_refusal)
    return execute(worker_store(), checked, fmt, max_rows=max_rows)


def _term(t: Any) -> Term:
    if isinstance(t, ox.NamedNode):
        return ("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return ("bnode", t.value)
    if isinstance(t, ox.Literal):
        return ("literal", t.value, t.language or "", t.datatype.value)
    return ("literal", str(t), "", "")


def resource_rows(iri: str, max_rows: int) -> ResourceRows:
    """(In a worker) the statements about ``iri``: (property, value) pairs where it is the
    subject, (subject, property) pairs where it is the object; each list capped."""
    node = ox.NamedNode(iri)
    out: list[tuple[Term, Term]] = []
    into: list[tuple[Term, Term]] = []
    _resource_queries(node, out, into, max_rows)
    return out, into


def _resource_queries(node: ox.NamedNode, out: list[tuple[Term, Term]], into: list[tuple[Term, Term]], max_rows: int) -> None:
    for name, rows, a, b in (("resource-out", out, "p", "o"), ("resource-in", into, "s", "p")):
        checked = parse_query(render_internal(name, resource=node))
        solutions: Any = worker_store().query(checked.text)
        for sol in solutions:
            if len(rows) >= max_rows:
                break
            rows.append((_term(sol[a]), _term(sol[b])))


# ----------------------------------------------------------------- in the server


class Admission:
    """Per-client concurrency limit plus one bounded, fair waiting queue."""

    def __init__(self, slots: int, *, per_client: int, max_queue: int, queue_timeout: float) -> None:
        self.slots = slots
        self.per_client = per_client
        self.max_queue = max_queue
        self.queue_timeout = queue_timeout
        self._free = slots
        self._running: collections.Counter[str] = collections.Counter()
        self._waiting: collections.deque[tuple[str, asyncio.Future[None]]] = collections.deque()

    def _may_run(self, client: str) -> bool:
        return self._free > 0 and self._running[client] < self.per_client

    def _grant(self, client: str) -> None:
        self._free -= 1
        self._running[client] += 1

    async def acquire(self, client: str) -> None:
        """Wait for a slot; :class:`Overloaded` when the queue is full or the wait too long."""
        if self._may_run(client) and not any(c == client for c, _ in self._waiting):
            self._grant(client)
            return
        if len(self._waiting) >= self.max_queue:
            raise Overloaded(f"the server is busy ({len(self._waiting)} queries waiting); try again shortly")
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (client, fut)
        self._waiting.append(entry)
        try:
            await asyncio.wait_for(asyncio.shield(fut), self.queue_timeout)
        except BaseException as exc:
            if fut.done() and not fut.cancelled():
                self.release(client)  # granted just as we gave up: hand it on
            else:
                fut.cancel()
                self._waiting.remove(entry)
            if isinstance(exc, TimeoutError):
                raise Overloaded(
                    f"the server is busy (waited {self.queue_timeout:g} s for a worker); try again shortly"
                ) from None
            raise

    def release(self, client: str) -> None:
        self._free += 1
        self._running[client] -= 1
        if self._running[client] <= 0:
            del self._running[client]
        for entry in list(self._waiting):
            waiter, fut = entry
            if self._may_run(waiter):
                self._waiting.remove(entry)
                self._grant(waiter)
                fut.set_result(None)

    @property
    def waiting(self) -> int:
        return len(self._waiting)


class _Worker:
    """One worker process as the server sees it: its socket, its framing buffer, the
    task it runs (a future) and that task's timer."""

    def __init__(self, proc: Any, sock: socket.socket, started: float) -> None:
        self.proc = proc
        self.pid: int = proc.pid
        self.sock = sock
        self.spawned = started
        self.buf = bytearray()
        self.future: asyncio.Future[Any] | None = None
        self.ready: asyncio.Future[list[str]] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.began = 0.0
        self.demoted = False
        self.dead = False


class QueryPool:
    """``size`` sandboxed worker processes behind :class:`Admission`.

    Each worker has its own socket pair with the server: a task is one framed pickle
    written to it, the answer one framed pickle read back by the event loop itself (no
    helper thread, no thread hop). The server times each task on its loop: past
    ``_DEMOTE_AFTER`` the worker drops to nice 15, past ``timeout`` it is killed
    (SIGKILL) and a replacement is started; a worker whose socket closes died (the
    out-of-memory killer, a crash) and is replaced too."""

    def __init__(
        self,
        store_path: Path | None,
        data_dir: Path,
        *,
        size: int = 4,
        timeout: float = 10.0,
        max_rows: int | None = 10_000,
        per_client: int = 2,
        max_queue: int = 64,
        queue_timeout: float = 10.0,
    ) -> None:
        self.source = _Source(str(store_path) if store_path else None, str(data_dir))
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self.admission = Admission(size, per_client=per_client, max_queue=max_queue, queue_timeout=queue_timeout)
        self.walls: list[str] = []
        self.respawn_seconds = 1.0  # measured at start: how long a worker takes to start
        self._cooling: dict[str, float] = {}  # client -> loop time it may query again
        self._workers: set[_Worker] = set()
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._can_renice = False
        self._running = False
        self._reaping: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------- workers

    async def _spawn(self) -> _Worker:
        """Start one worker; it joins the idle ones once it has opened the store."""
        loop = asyncio.get_running_loop()
        mine, theirs = socket.socketpair()
        proc = _CONTEXT.Process(target=_worker_main, args=(theirs, self.source), daemon=True)
        started = time.perf_counter()
        # Starting a process forks and writes its set-up data: off the event loop.
        await loop.run_in_executor(None, proc.start)
        theirs.close()
        mine.setblocking(False)
        w = _Worker(proc, mine, started)
        w.ready = loop.create_future()
        self._workers.add(w)
        loop.add_reader(mine.fileno(), self._readable, w)
        return w

    def _readable(self, w: _Worker) -> None:
        try:
            chunk = w.sock.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._lost(w)
            return
        w.buf += chunk
        while len(w.buf) >= 4:
            n = int.from_bytes(w.buf[:4], "big", signed=True)
            head = 4
            if n == -1:  # multiprocessing's framing of messages over 2 GiB
                if len(w.buf) < 12:
                    return
                n, head = int.from_bytes(w.buf[4:12], "big"), 12
            if len(w.buf) < head + n:
                return
            message = bytes(w.buf[head:head + n])
            del w.buf[:head + n]
            self._answer(w, message)

    def _answer(self, w: _Worker, message: bytes) -> None:
        try:
            ok, value = pickle.loads(message)
        except Exception as exc:  # noqa: BLE001 - an answer the server cannot read
            ok, value = False, RuntimeError(f"unreadable answer from a query worker: {exc}")
        if w.ready is not None:  # the first message: the worker is up
            ready, w.ready = w.ready, None
            if not ready.done():
                ready.set_result(value)
            self._release(w)
            return
        fut, w.future = w.future, None
        self._stop_timer(w)
        if fut is not None and not fut.done():
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)
        self._release(w)

    def _release(self, w: _Worker) -> None:
        """``w`` is free: to the first task waiting for a worker, else idle."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(w)
                return
        self._idle.append(w)

    def _stop_timer(self, w: _Worker) -> None:
        if w.timer is not None:
            w.timer.cancel()
            w.timer = None
        if w.demoted:
            w.demoted = False
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, w.pid, 0)

    def _tick(self, w: _Worker) -> None:
        """The running task's timer: demote it, or stop it past the timeout."""
        loop = asyncio.get_running_loop()
        ran = loop.time() - w.began
        if not w.demoted and self._can_renice and ran < self.timeout - 0.01:
            w.demoted = True
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, w.pid, _NICE)
            w.timer = loop.call_at(w.began + self.timeout, self._tick, w)
            return
        w.timer = None
        fut, w.future = w.future, None
        self._kill(w)
        if fut is not None and not fut.done():
            fut.set_exception(QueryTimeout(f"query stopped after {self.timeout:g} s"))

    def _lost(self, w: _Worker) -> None:
        """``w``'s socket closed: it died. Its task (if any) fails; it is replaced."""
        fut, w.future = w.future, None
        ready, w.ready = w.ready, None
        self._kill(w)
        code = w.proc.exitcode
        lost = WorkerLost(f"the query worker died ({'exit code ' + str(code) if code is not None else 'killed'}); try again")
        if fut is not None and not fut.done():
            fut.set_exception(lost)
        if ready is not None and not ready.done():
            ready.set_exception(lost)

    def _kill(self, w: _Worker) -> None:
        """Kill ``w`` (once) and start its replacement."""
        if w.dead:
            return
        w.dead = True
        self._stop_timer(w)
        loop = asyncio.get_running_loop()
        loop.remove_reader(w.sock.fileno())
        w.sock.close()
        self._workers.discard(w)
        with contextlib.suppress(ValueError):
            self._idle.remove(w)
        with contextlib.suppress(ProcessLookupError):
            os.kill(w.pid, signal.SIGKILL)
        task = loop.create_task(self._reap(w))
        self._reaping.add(task)
        task.add_done_callback(self._reaping.discard)

    async def _reap(self, w: _Worker) -> None:
        await asyncio.get_running_loop().run_in_executor(None, w.proc.join, 10)
        if self._running:
            with contextlib.suppress(Exception):
                await self._spawn()

    async def _worker(self) -> _Worker:
        """An idle worker; one being replaced is waited for, up to the queue timeout."""
        if self._idle:
            return self._idle.popleft()
        fut: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            return await asyncio.wait_for(fut, self.admission.queue_timeout)
        except TimeoutError:
            raise WorkerLost("no query worker came up in time; try again") from None
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self._release(fut.result())  # handed over just as we gave up
            raise

    async def _submit(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        loop = asyncio.get_running_loop()
        w = await self._worker()
        data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        fut: asyncio.Future[T] = loop.create_future()
        w.future = fut
        w.began = loop.time()
        first = min(_DEMOTE_AFTER, self.timeout) if self._can_renice else self.timeout
        w.timer = loop.call_at(w.began + first, self._tick, w)
        try:
            await loop.sock_sendall(w.sock, len(data).to_bytes(4, "big", signed=True) + data)
            return await fut
        except asyncio.CancelledError:
            if not fut.done():
                w.future = None
                self._kill(w)  # the client went away: stop its query
            raise
        except OSError:
            if not fut.done():
                self._lost(w)
            return await fut

    # ------------------------------------------------------------- the pool

    async def start(self) -> None:
        """Start the workers and wait until they answer (so the first query is not slow)."""
        self._running = True
        self._can_renice = _try_renice()
        started = time.perf_counter()
        spawned = [await self._spawn() for _ in range(self.size)]
        readies = [w.ready for w in spawned if w.ready is not None]
        walls_ = await asyncio.wait_for(asyncio.gather(*readies), 120)
        self.walls = list(walls_[0]) if walls_ else []
        self.respawn_seconds = min(10.0, max(0.5, (time.perf_counter() - started) / max(1, self.size) * 2))

    async def stop(self) -> None:
        self._running = False
        for w in list(self._workers):
            self._kill(w)
        for fut in self._waiters:
            fut.cancel()
        self._waiters.clear()
        if self._reaping:
            await asyncio.wait(list(self._reaping), timeout=15)

    async def call(self, client: str, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in a worker once ``client`` is admitted.

        Raises :class:`QueryTimeout` past the timeout (the worker is killed and
        replaced), :class:`WorkerLost` when the worker died, :class:`Overloaded` when
        admission refuses; errors raised by ``fn`` pass through.

        A killed worker takes a while to be replaced, so the pool is one worker short
        until then. The client whose query cost it waits that long before its next
        query is admitted: it cannot send the next runaway query straight into the
        workers that remain for everyone else."""
        assert self._running, "QueryPool.start() was not awaited"
        loop = asyncio.get_running_loop()
        if self._cooling:
            if len(self._cooling) > 4096:  # clients that never came back
                now = loop.time()
                self._cooling = {c: t for c, t in self._cooling.items() if t > now}
            until = self._cooling.pop(client, None)
            if until is not None and until > loop.time():
                left = until - loop.time()
                if left > self.admission.queue_timeout:
                    self._cooling[client] = until
                    raise CoolingDown(
                        f"your last query was stopped; wait {math.ceil(left)} s before the next", math.ceil(left)
                    )
                await asyncio.sleep(left)
        await self.admission.acquire(client)
        try:
            try:
                return await self._submit(fn, args)
            except QueryTimeout:  # the worker was killed
                self._cooling[client] = loop.time() + self.respawn_seconds
                raise
            except WorkerLost:
                self._cooling[client] = loop.time() + self.respawn_seconds
                raise
        finally:
            self.admission.release(client)

    async def run(self, client: str, text: str, choice: FormatChoice) -> Result:
        """A ``/sparql`` query, checked and run in a worker."""
        return await self.call(client, run_query, text, choice, self.max_rows)

    async def resource(self, client: str, iri: str) -> ResourceRows:
        """The statements about one resource, run in a worker."""
        return await self.call(client, resource_rows, iri, self.max_rows or 10_000)
