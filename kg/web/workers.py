"""Run queries in worker processes, with admission control in front of them.

pyoxigraph has no query timeout and a thread cannot be killed, so every query ``kg
serve`` runs (``/sparql``, resource pages) goes to a pebble :class:`~pebble.ProcessPool`:
a task that outlives its timeout has its worker killed and replaced, and a worker that
dies for any other reason (the out-of-memory killer, a crash) is replaced too; that one
request gets a 503 with ``Retry-After``. Each worker cuts itself off from the network
(:func:`kg.web.sandbox.deny_network`) before it opens the store read-only, once, in the
pool's initializer: a task finds its worker warm. pebble's future hands its outcome to
the server's event loop (``call_soon_threadsafe``), and the query policy's decision is
remembered per query text in each worker (:func:`kg.sparql.parse_query`).

In front of the pool, :class:`Admission` keeps one client from starving the others: a
client runs at most ``per_client`` queries at once; further requests wait in one bounded
queue (served first come, first served among clients under their limit) for at most
``queue_timeout`` seconds. A full queue or a long wait is a 503 with ``Retry-After``.
Queries seen to be quick go to a worker several per task (:class:`QueryPool`): most of
what a simple query costs besides the engine is the pool's per-task path. A ``/sparql``
query a worker has answered in under a millisecond runs in the server process itself
the next times, on the event loop, whose thread is walled off the network as the workers
are (:meth:`QueryPool.run`).

With several server processes (``kg serve --processes``), the first runs the workers
for all: the others relay their worker calls to it (:class:`_Relay`), so the workers,
the queue and the timeouts are the same as with one process, and only the quick
queries each has learnt run in that process itself. Every process counts what each
client runs, and until when it cools down, in one shared table
(:mod:`kg.web.clients`).

Two more rules keep runaway queries from holding up everyone else: a query that has run
for 0.25 s drops to a low CPU priority (nice 15) so quick queries in other workers get
the CPU first (:class:`_Demotion`: a one-shot interval timer per task, no thread per
task), and a client whose query was stopped (or killed its worker) waits for the
replacement worker to start before its next query is admitted.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import functools
import gc
import itertools
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
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from pebble import ProcessExpired, ProcessPool

from kg.errors import CoolingDown, NotAcceptable, Overloaded, QueryTimeout, WorkerLost
from kg.queries import render_internal
from kg.sparql import Result, execute, parse_query
from kg.web.clients import LocalClients, SharedClients
from kg.web.sandbox import deny_network, deny_network_to_this_thread

__all__ = ["Admission", "FormatChoice", "QueryPool", "Term", "ResourceRows", "query_store", "run_calls", "run_query", "resource_rows", "walls", "worker_store"]

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
_INLINE_TEXT = 16 * 1024  # longest query text the server runs itself (see QueryPool.run)
_INLINE_ENTRIES = 1024
_DEMOTION: _Demotion | None = None
_RECHECK = 0.002  # seconds: see Admission


def _init(source: _Source) -> None:
    global _STORE, _DEMOTION
    # pebble stops a worker past its timeout with SIGTERM, holding the task channel's
    # lock until the worker is gone; its Python handler cannot run while pyoxigraph is
    # inside a query, so pebble would wait 3 s for SIGKILL with every other worker
    # locked out of new tasks. The default action ends the worker at once.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WALLS[:] = deny_network()
    if _try_renice():
        # Before the store opens: its threads inherit the blocked SIGALRM.
        _DEMOTION = _Demotion()
    if source.store_path is not None:
        _STORE = ox.Store.read_only(source.store_path)
    else:
        from kg.graph import KnowledgeGraph  # only without a cache: builds in memory

        _STORE = KnowledgeGraph.open(source.data_dir).store
    # The query policy's parser (rdflib, pyparsing) loads on its first use: load it
    # now, then move everything alive to the collector's permanent generation. Those
    # objects live as long as the worker, and a full collection would otherwise walk
    # them all again every few thousand queries.
    parse_query("ASK {}")
    gc.freeze()


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


class _Demotion:
    """While a task runs past ``_DEMOTE_AFTER`` seconds, the worker's main thread runs at
    nice 15, so the CPU goes first to the quick queries of other workers (runaway queries
    cannot hold up other clients even when they outnumber the cores).

    A task arms a one-shot ``ITIMER_REAL`` when it starts and disarms it when it ends
    (two system calls). Its ``SIGALRM`` is blocked in every thread of the worker but
    one watcher thread, started once, which waits for it in :func:`signal.sigwait`
    (no Python handler: pyoxigraph may be inside a query for seconds, and no system
    call of the engine's is interrupted) and demotes the task if it is still the one
    running. A task that ends demoted gets its priority back."""

    def __init__(self) -> None:
        self.tid = threading.get_native_id()  # the thread that runs tasks
        self.lock = threading.Lock()
        self.began = 0.0  # monotonic start of the running task; 0.0 when idle
        self.demoted = False
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # inherited by later threads
        threading.Thread(target=self._watch, name="kg-demotion", daemon=True).start()

    def _watch(self) -> None:
        while True:
            signal.sigwait({signal.SIGALRM})
            with self.lock:
                if self.began and not self.demoted and time.monotonic() - self.began >= _DEMOTE_AFTER * 0.99:
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, self.tid, _NICE)
                        self.demoted = True

    def __enter__(self) -> _Demotion:
        with self.lock:
            self.began = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, _DEMOTE_AFTER)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        with self.lock:
            self.began = 0.0
            if self.demoted:
                self.demoted = False
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, self.tid, 0)


def _demotion() -> contextlib.AbstractContextManager[object]:
    """The running task's demotion timer (none where the worker may not renice)."""
    return _DEMOTION if _DEMOTION is not None else contextlib.nullcontext()


def run_query(text: str, choice: FormatChoice, max_rows: int | None) -> Result:
    """(In a worker) check ``text`` with the query policy, run it, serialise it."""
    with _demotion():
        return query_store(worker_store(), text, choice, max_rows)


def query_store(store: ox.Store, text: str, choice: FormatChoice, max_rows: int | None) -> Result:
    """Check ``text`` with the query policy, run it on ``store``, serialise it in the
    format ``choice`` holds for its form."""
    checked = parse_query(text)
    graph_form = checked.form in ("CONSTRUCT", "DESCRIBE")
    fmt = choice.graph if graph_form else choice.results
    if fmt is None:
        raise NotAcceptable(choice.graph_refusal if graph_form else choice.results_refusal)
    return execute(store, checked, fmt, max_rows=max_rows)


def run_calls(calls: list[tuple[Callable[..., Any], tuple[Any, ...]]]) -> list[tuple[bool, Any, float]]:
    """(In a worker) run each call in turn: per call, (whether it returned, its value
    or the exception it raised, the seconds it took). One call's error does not stop
    the others."""
    out: list[tuple[bool, Any, float]] = []
    for fn, args in calls:
        began = time.perf_counter()
        try:
            out.append((True, fn(*args), time.perf_counter() - began))
        except Exception as exc:  # noqa: BLE001 - handed to the caller, as pebble would
            out.append((False, _picklable(exc), time.perf_counter() - began))
    return out


def _picklable(exc: Exception) -> Exception:
    """``exc``, or a RuntimeError with its message when it cannot cross the pipe (as it
    was: every error is tried, kg's own too)."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - anything unpicklable
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


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
    with _demotion():
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


def _timed_query(store: ox.Store, key: tuple[str, FormatChoice, int | None]) -> tuple[Result, float]:
    """:func:`query_store`, and the CPU seconds it took."""
    began = time.thread_time()
    result = query_store(store, *key)
    return result, time.thread_time() - began


class Admission:
    """Per-client concurrency limit plus one bounded, fair waiting queue.

    ``slots`` (this server process's capacity) and the queue are this process's own;
    what each client runs is counted in ``clients`` (:mod:`kg.web.clients`), which may
    be shared by every server process: then the limit holds across them. A request
    waits in the queue of the process that took its connection; one that waits only
    because its client's queries run in another process is looked at again every
    ``_RECHECK`` seconds, as well as whenever a query here ends."""

    def __init__(
        self,
        slots: int,
        *,
        per_client: int,
        max_queue: int,
        queue_timeout: float,
        clients: LocalClients | SharedClients | None = None,
    ) -> None:
        self.slots = slots
        self.per_client = per_client
        self.max_queue = max_queue
        self.queue_timeout = queue_timeout
        self.clients = clients if clients is not None else LocalClients()
        self._free = slots
        self._waiting: collections.deque[tuple[str, asyncio.Future[None]]] = collections.deque()
        self._recheck: asyncio.TimerHandle | None = None

    def _take(self, client: str) -> bool:
        """A slot for ``client`` if one is free and it is under its limit."""
        if self._free > 0 and self.clients.take(client, self.per_client):
            self._free -= 1
            return True
        return False

    def enter(self, client: str) -> float:
        """A slot for ``client`` at once if it may have one (see
        :meth:`kg.web.clients.LocalClients.enter`): 0.0 when granted, else its
        cooling-down time, or -1.0 (then :meth:`acquire` waits for a slot)."""
        if self._free <= 0 or any(c == client for c, _ in self._waiting):
            return self.clients.cooling(client) or -1.0
        until = self.clients.enter(client, self.per_client)
        if until == 0.0:
            self._free -= 1
        return until

    async def acquire(self, client: str) -> None:
        """Wait for a slot; :class:`Overloaded` when the queue is full or the wait too long."""
        if not any(c == client for c, _ in self._waiting) and self._take(client):
            return
        if len(self._waiting) >= self.max_queue:
            raise Overloaded(f"the server is busy ({len(self._waiting)} queries waiting); try again shortly")
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (client, fut)
        self._waiting.append(entry)
        self._watch()
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
        self.clients.give(client)
        self._wake()

    def _wake(self) -> None:
        """Grant what can run now to the waiting requests, first come first served."""
        for entry in list(self._waiting):
            if self._free <= 0:
                break
            waiter, fut = entry
            if self._take(waiter):
                self._waiting.remove(entry)
                fut.set_result(None)
        self._watch()

    def _watch(self) -> None:
        """With a shared table, look again soon while a request waits with a slot free
        here (its client's queries run in another process, which cannot wake it)."""
        if self.clients.shared and self._recheck is None and self._waiting and self._free > 0:
            self._recheck = asyncio.get_running_loop().call_later(_RECHECK, self._rechecked)

    def _rechecked(self) -> None:
        self._recheck = None
        self._wake()

    @property
    def waiting(self) -> int:
        return len(self._waiting)


def _frame(rid: int, message: tuple[Any, ...]) -> bytes:
    """One relay message: its call's id and length, then the pickled ``message``."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return rid.to_bytes(8, "big") + len(data).to_bytes(4, "big") + data


async def _read_frame(reader: asyncio.StreamReader) -> tuple[int, tuple[Any, ...] | Exception]:
    """The next relay message: its call's id, and the message, or why it could not be
    read (the stream goes on)."""
    head = await reader.readexactly(12)
    data = await reader.readexactly(int.from_bytes(head[8:], "big"))
    try:
        message: tuple[Any, ...] = pickle.loads(data)
    except Exception as exc:  # noqa: BLE001 - reported for that call alone
        return int.from_bytes(head[:8], "big"), RuntimeError(f"unreadable relay message: {type(exc).__name__}: {exc}")
    return int.from_bytes(head[:8], "big"), message


class _Relay:
    """(In a server process without workers of its own) calls sent to the server
    process that runs the workers, over a socket pair ``run_server`` made: one
    pickled, length-prefixed message each way per call ((id, client, function,
    arguments); back: (whether it returned, value or exception, seconds)), and
    (None, None, None) when the caller gives up. Admission, the queue, the
    timeout and cooling-down are applied there, for every process's calls alike."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.pending: dict[int, asyncio.Future[tuple[Any, float]]] = {}
        self.ids = itertools.count()
        self.writer: asyncio.StreamWriter | None = None
        self.reading: asyncio.Task[None] | None = None

    async def open(self) -> None:
        reader, self.writer = await asyncio.open_connection(sock=self.sock)
        self.reading = asyncio.create_task(self._read(reader))

    def close(self) -> None:
        if self.reading is not None:
            self.reading.cancel()
        if self.writer is not None:
            self.writer.close()

    async def call(self, client: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, float]:
        assert self.writer is not None, "QueryPool.start() was not awaited"
        rid = next(self.ids)
        done: asyncio.Future[tuple[Any, float]] = asyncio.get_running_loop().create_future()
        self.pending[rid] = done
        self.writer.write(_frame(rid, (client, fn, args)))
        try:
            return await done
        except asyncio.CancelledError:
            if self.pending.pop(rid, None) is not None and not self.writer.is_closing():
                self.writer.write(_frame(rid, (None, None, None)))
            raise

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                rid, message = await _read_frame(reader)
                done = self.pending.pop(rid, None)
                if done is None or done.done():
                    continue
                if isinstance(message, Exception):
                    done.set_exception(message)
                    continue
                ok, value, seconds = message
                if ok:
                    done.set_result((value, seconds))
                else:
                    done.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            for done in self.pending.values():
                if not done.done():
                    done.set_exception(WorkerLost("the server process that runs the query workers has gone"))
            self.pending.clear()


@dataclass(eq=False)
class _Pending:
    """One admitted call waiting for, or running in, a worker task."""

    client: str
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    key: int  # the call's identity (a hash of the function and arguments), for its remembered cost
    done: asyncio.Future[Any]
    alone: bool = False  # never batched (its cost is unknown, or it failed in a batch)
    expiry: asyncio.TimerHandle | None = None  # the queue timeout while it waits
    task: concurrent.futures.Future[Any] | None = None  # the pebble task it runs in
    solo: bool = False  # that task holds this call only


def _on_loop(loop: asyncio.AbstractEventLoop, fn: Callable[[Any], None], future: Any) -> None:
    """(In pebble's thread, as a future's done callback) ``fn(future)`` on ``loop``."""
    with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
        loop.call_soon_threadsafe(fn, future)


class QueryPool:
    """``size`` sandboxed worker processes behind :class:`Admission`.

    Calls known to be quick are handed to a worker several at a time: admitted calls
    wait in a ready queue, and at the end of each turn of the event loop up to
    ``batch`` of them go out as one task (:func:`run_calls`), in at most ``lanes``
    tasks at once (default: one per core); calls that arrive meanwhile go out together
    in the next. This spreads the per-task cost of the pool (a pickled message each
    way, an acknowledgement, a thread handover on each side, a wake-up of every idle
    worker) over the batch. A call is *quick* when its last run took less than
    ``quick`` seconds (on a read-only store the same query text costs about the same
    each time); any other call, including every one not seen before, runs alone in its
    task with the full ``timeout``, in a worker the lanes leave free. A batch is
    stopped past ``batch_timeout``; its calls then run again, each alone with its own
    timeout, so a call that has become slow cannot fail the others in its batch. A
    call waits at most ``queue_timeout`` for a worker (then :class:`Overloaded`)."""

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
        batch: int = 8,
        lanes: int | None = None,
        quick: float = 0.01,
        inline: float = 0.0,
        clients: LocalClients | SharedClients | None = None,
        relay: socket.socket | None = None,
    ) -> None:
        self.source = _Source(str(store_path) if store_path else None, str(data_dir))
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self.batch = max(1, batch)
        self.lanes = max(1, min(size, lanes if lanes is not None else os.cpu_count() or 1))
        self.quick = quick
        self.batch_timeout = min(timeout, 2.0)
        self.queue_timeout = queue_timeout
        # Admitted calls: every worker busy with a full batch, and as many again ready.
        self.admission = Admission(
            size * self.batch * 2, per_client=per_client, max_queue=max_queue, queue_timeout=queue_timeout,
            clients=clients,
        )
        self._pool: ProcessPool | None = None
        self.walls: list[str] = []
        self.respawn_seconds = 1.0  # measured at start: how long a worker takes to start
        self._ready: collections.deque[_Pending] = collections.deque()
        self._busy = 0  # tasks in the workers
        self._quick_busy = 0  # of which batches of quick calls
        self._pumping = False  # a dispatch is scheduled for the end of this loop turn
        # key -> seconds; hashes, not query texts, so the table stays small (a collision
        # can only put a slow call in a batch, which is then stopped and run again alone).
        self._cost: collections.OrderedDict[int, float] = collections.OrderedDict()
        self.batches: collections.Counter[int] = collections.Counter()  # tasks by number of calls
        self.inline = inline
        self._local: ox.Store | None = None  # the store, opened read-only by the server itself
        # (text, formats, cap) of /sparql queries a worker answered in under ``inline``
        # seconds -> those seconds; bounded in entries and text size.
        self._inline: collections.OrderedDict[tuple[str, FormatChoice, int | None], float] = collections.OrderedDict()
        self.inline_runs = 0  # queries answered in the server process
        # Several server processes (kg.web.app.run_server): the first runs the workers
        # for all and serves the others' calls on ``relays`` (one socket each); each
        # other process sends its calls over its ``relay`` (see _Relay).
        self.relays: list[socket.socket] = []
        self._relay = _Relay(relay) if relay is not None else None
        self._serving: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start the workers and wait until one answers (so the first query is not slow);
        with a relay, connect to the process that runs them instead."""
        if self._relay is not None:
            await self._relay.open()
        else:
            self._pool = ProcessPool(
                max_workers=self.size, initializer=_init, initargs=(self.source,), context=mp.get_context("spawn")
            )
            started = time.perf_counter()
            self.walls = await asyncio.wrap_future(self._pool.schedule(walls, timeout=120))
            self.respawn_seconds = min(10.0, max(0.5, time.perf_counter() - started))
            self._serving = [asyncio.create_task(self._serve(sock)) for sock in self.relays]
        if self.source.store_path is not None and self.inline > 0 and deny_network_to_this_thread():
            # The queries run here are walled off the network as a worker's are (the
            # loop's thread only: see kg.web.sandbox); where that is not possible,
            # every query runs in a worker.
            loop = asyncio.get_running_loop()
            self._local = await loop.run_in_executor(None, ox.Store.read_only, self.source.store_path)

    async def stop(self) -> None:
        for task in self._serving:
            task.cancel()
        self._serving = []
        if self._relay is not None:
            self._relay.close()
        if self._pool is not None:
            self._pool.stop()  # type: ignore[no-untyped-call]
            await asyncio.get_running_loop().run_in_executor(None, self._pool.join, 10)
            self._pool = None
        self._local = None
        self._inline.clear()

    async def call(self, client: str, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in a worker once ``client`` is admitted.

        Raises :class:`QueryTimeout` past the timeout (the worker is killed and
        replaced), :class:`WorkerLost` when the worker died, :class:`Overloaded` when
        admission refuses or no worker came free within the queue timeout; errors
        raised by ``fn`` pass through.

        A killed worker takes a while to be replaced, so the pool is one worker short
        until then. The client whose query cost it waits that long before its next
        query is admitted: it cannot send the next runaway query straight into the
        workers that remain for everyone else."""
        value, _ = await self._timed_call(client, fn, *args)
        return value  # type: ignore[no-any-return]

    async def _timed_call(self, client: str, fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
        """:meth:`call`, and the seconds ``fn`` ran in the worker."""
        if self._relay is not None:
            return await self._relay.call(client, fn, args)
        assert self._pool is not None, "QueryPool.start() was not awaited"
        loop = asyncio.get_running_loop()
        await self._admit(client, loop)
        key = hash((fn.__module__, fn.__qualname__, *args))
        item = _Pending(client, fn, args, key, loop.create_future(), alone=self._cost.get(key, math.inf) >= self.quick)
        try:
            self._enqueue(item, loop)
            return await item.done  # type: ignore[no-any-return]
        except asyncio.CancelledError:
            # The client went away: forget its call; a task of its own is stopped
            # (that kills the worker), a batch runs on for the others in it.
            self._forget(item)
            if item.task is not None and item.solo:
                item.task.cancel()
            raise
        finally:
            self.admission.release(client)

    async def _admit(self, client: str, loop: asyncio.AbstractEventLoop) -> None:
        """Wait until ``client`` may run a query: past its cooling-down time (see
        :meth:`call`), then through :class:`Admission`."""
        until = self.admission.enter(client)
        if until == 0.0:
            return  # admitted at once
        left = until - time.monotonic()
        if left > 0:
            if left > self.admission.queue_timeout:
                raise CoolingDown(
                    f"your last query was stopped; wait {math.ceil(left)} s before the next", math.ceil(left)
                )
            await asyncio.sleep(left)
        await self.admission.acquire(client)

    def _enqueue(self, item: _Pending, loop: asyncio.AbstractEventLoop, first: bool = False) -> None:
        item.expiry = loop.call_later(self.queue_timeout, self._expire, item)
        if first:
            self._ready.appendleft(item)
        else:
            self._ready.append(item)
        if not self._pumping:
            # Dispatch at the end of this loop turn: requests that arrived together
            # (one read of several sockets) go out together.
            self._pumping = True
            loop.call_soon(self._pump)

    def _forget(self, item: _Pending) -> None:
        if item.expiry is not None:
            item.expiry.cancel()
            item.expiry = None
        with contextlib.suppress(ValueError):
            self._ready.remove(item)

    def _expire(self, item: _Pending) -> None:
        """(Timer) the call waited ``queue_timeout`` for a worker."""
        item.expiry = None
        with contextlib.suppress(ValueError):
            self._ready.remove(item)
            if not item.done.done():
                item.done.set_exception(
                    Overloaded(f"the server is busy (waited {self.queue_timeout:g} s for a worker); try again shortly")
                )

    def _pump(self) -> None:
        """Hand ready calls to idle workers, in the order they were admitted: a call
        that is not quick alone, quick calls up to ``batch`` per task, in at most
        ``lanes`` tasks at once (the rest wait and go out together in the next)."""
        self._pumping = False
        assert self._pool is not None
        loop = asyncio.get_running_loop()
        while self._busy < self.size and self._ready:
            lane_free = self._quick_busy < self.lanes
            calls: list[_Pending] = []
            kept: list[_Pending] = []
            while self._ready:
                item = self._ready.popleft()
                if item.alone and not calls:
                    calls.append(item)
                    break
                if not item.alone and lane_free:
                    calls.append(item)
                    if len(calls) == self.batch:
                        break
                else:
                    kept.append(item)
            self._ready.extendleft(reversed(kept))
            if not calls:
                break
            for item in calls:
                if item.expiry is not None:
                    item.expiry.cancel()
                    item.expiry = None
            solo = calls[0].alone
            timeout = self.timeout if solo else self.batch_timeout
            future = self._pool.schedule(run_calls, ([(c.fn, c.args) for c in calls],), timeout=timeout)
            for item in calls:
                item.task, item.solo = future, solo
            self._busy += 1
            self._quick_busy += not solo
            self.batches[len(calls)] += 1
            future.add_done_callback(functools.partial(_on_loop, loop, functools.partial(self._finished, calls)))

    def _finished(self, calls: list[_Pending], future: concurrent.futures.Future[Any]) -> None:
        """(On the loop) a task ended: answer its calls, or put them back to run alone."""
        solo = calls[0].alone
        self._busy -= 1
        self._quick_busy -= not solo
        loop = asyncio.get_running_loop()
        try:
            outcomes = future.result()
        except BaseException as exc:  # noqa: BLE001 - every failure of the task is handled below
            if solo:
                self._fail(calls[0], exc, loop)
            else:
                # Something in the batch became slow or killed the worker: each call
                # runs again alone, with its own timeout, ahead of the queue.
                for item in reversed(calls):
                    self._cost.pop(item.key, None)
                    item.alone, item.task = True, None
                    if not item.done.done():
                        self._enqueue(item, loop, first=True)
        else:
            for item, (ok, value, seconds) in zip(calls, outcomes):
                self._remember(item.key, seconds)
                if ok and item.fn is run_query and seconds < self.inline:
                    self._learn_inline(item.args, seconds)
                if item.done.done():
                    continue  # its client went away
                if ok:
                    item.done.set_result((value, seconds))
                else:
                    item.done.set_exception(value)
        self._pump()

    def _fail(self, item: _Pending, exc: BaseException, loop: asyncio.AbstractEventLoop) -> None:
        self._cost.pop(item.key, None)
        if item.done.done():
            return
        if isinstance(exc, concurrent.futures.TimeoutError):
            self.admission.clients.cool(item.client, time.monotonic() + self.respawn_seconds)
            item.done.set_exception(QueryTimeout(f"query stopped after {self.timeout:g} s"))
        elif isinstance(exc, ProcessExpired):
            self.admission.clients.cool(item.client, time.monotonic() + self.respawn_seconds)
            item.done.set_exception(WorkerLost(f"the query worker died ({exc}); try again"))
        elif isinstance(exc, concurrent.futures.CancelledError):
            item.done.cancel()
        else:
            item.done.set_exception(exc)

    def _remember(self, key: int, seconds: float) -> None:
        self._cost[key] = seconds
        self._cost.move_to_end(key)
        if len(self._cost) > 4096:
            self._cost.popitem(last=False)

    def _learn_inline(self, args: tuple[Any, ...], seconds: float) -> None:
        text = args[0]
        if len(text) > _INLINE_TEXT:
            return
        self._inline[(text, args[1], args[2])] = seconds
        self._inline.move_to_end((text, args[1], args[2]))
        if len(self._inline) > _INLINE_ENTRIES:
            self._inline.popitem(last=False)

    async def run(self, client: str, text: str, choice: FormatChoice) -> Result:
        """A ``/sparql`` query, checked and run.

        With ``inline`` > 0 (off by default: :meth:`start` walls the thread it runs on
        off the network), a query whose same text (with the same formats and row cap) a
        worker has answered in under ``inline`` seconds runs in the server process
        itself, on the event loop, whose thread has the workers' seccomp wall
        (:func:`kg.web.sandbox.deny_network_to_this_thread`), on the store the server
        opened read-only: the store does not change
        while the server runs, so the same query costs about the same again, and such
        a query needs neither the timeout nor the isolation a worker gives (the query
        policy still checks it; the worker's run has shown it finishes, quickly, within
        the sandbox). For such a query a worker round trip costs more than the query
        itself, and a hand-over to a thread about half as much again (measured by
        ``bench/serve_load.py``); the loop is held no longer than such a query runs.
        A run here that takes four times ``inline`` or more of CPU sends the
        query back to the workers. Every other query runs in a worker (:meth:`call`);
        so does every query when the server has no on-disk store."""
        key = (text, choice, self.max_rows)
        if self._local is not None and key in self._inline:
            await self._admit(client, asyncio.get_running_loop())
            try:
                result, spent = _timed_query(self._local, key)
            finally:
                self.admission.release(client)
            self.inline_runs += 1
            if spent >= 4 * self.inline:
                self._inline.pop(key, None)
            return result
        result, seconds = await self._timed_call(client, run_query, text, choice, self.max_rows)
        if self._relay is not None and seconds < self.inline:
            self._learn_inline((text, choice, self.max_rows), seconds)
        return result  # type: ignore[no-any-return]

    async def _serve(self, sock: socket.socket) -> None:
        """(In the process that runs the workers) answer the calls another server
        process sends on ``sock``: each admitted and run as this process's own, the
        answer sent back with the seconds it took; a call that process gives up on
        is cancelled here. The socket pair joins two processes of this server only
        (made by ``run_server`` before either listens), so its pickles are trusted
        as pebble's are."""
        reader, writer = await asyncio.open_connection(sock=sock)
        running: dict[int, asyncio.Task[None]] = {}

        async def answer(rid: int, client: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
            try:
                value, seconds = await self._timed_call(client, fn, *args)
                reply: tuple[Any, ...] = (True, value, seconds)
            except Exception as exc:  # noqa: BLE001 - handed to the caller, as pebble would
                reply = (False, _picklable(exc), 0.0)
            finally:
                running.pop(rid, None)
            writer.write(_frame(rid, reply))

        try:
            while True:
                rid, message = await _read_frame(reader)
                if isinstance(message, Exception):
                    writer.write(_frame(rid, (False, _picklable(message), 0.0)))
                    continue
                client, fn, args = message
                if fn is None:  # the caller gave up
                    task = running.pop(rid, None)
                    if task is not None:
                        task.cancel()
                else:
                    running[rid] = asyncio.create_task(answer(rid, client, fn, args))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # that server process has gone
        finally:
            for task in running.values():
                task.cancel()
            writer.close()

    async def resource(self, client: str, iri: str) -> ResourceRows:
        """The statements about one resource, run in a worker."""
        return await self.call(client, resource_rows, iri, self.max_rows or 10_000)
