"""What each client is running, and until when it must wait, for admission control.

:class:`kg.web.workers.Admission` holds one client to ``per_client`` queries at once,
and :class:`kg.web.workers.QueryPool` makes a client whose query was stopped wait
(cooling down) before its next one. ``kg serve --processes N`` runs N server processes
on one port, and the kernel hands a client's connections to any of them, so both rules
must be kept in a table all the processes share, or a client would get ``N x
per_client`` queries by opening more connections:

- :class:`LocalClients`: a plain dict, for one server process.
- :class:`SharedClients`: a fixed-size hash table (open addressing, linear probing,
  deletion by backward shift: no tombstones) in one shared memory file, each operation
  under an ``fcntl`` record lock on that file. The kernel drops such a lock when its
  holder dies, so a server process killed while it holds the lock cannot stall the
  others. The table travels to the other server processes as a file descriptor
  (pickled with :class:`multiprocessing.reduction.DupFd` when they are spawned).

Both count a client's running queries with :meth:`~LocalClients.take` (one more, if
under the limit: a single atomic step) and :meth:`~LocalClients.give`, and keep its
cooling-down time (``time.monotonic()``, a clock every process on the machine shares)
with :meth:`~LocalClients.cool` and :meth:`~LocalClients.cooling`;
:meth:`~LocalClients.enter` checks the one and takes the other at once (a request
that need not wait costs two locked steps: in and out).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import mmap
import os
import tempfile
import time
from multiprocessing.reduction import DupFd
from typing import Any

from kg.errors import Overloaded

__all__ = ["LocalClients", "SharedClients"]


class LocalClients:
    """The clients of one server process."""

    shared = False

    def __init__(self) -> None:
        self._running: dict[str, int] = {}
        self._until: dict[str, float] = {}

    def running(self, client: str) -> int:
        """Queries ``client`` runs now."""
        return self._running.get(client, 0)

    def take(self, client: str, limit: int) -> bool:
        """One more running query for ``client`` if it runs fewer than ``limit``."""
        n = self._running.get(client, 0)
        if n >= limit:
            return False
        self._running[client] = n + 1
        return True

    def enter(self, client: str, limit: int) -> float:
        """:meth:`cooling` and :meth:`take` in one step: 0.0 when ``client`` may start
        a query now (one more is counted), its cooling-down time when it must wait for
        that (nothing counted), -1.0 when it runs ``limit`` queries already."""
        until = self.cooling(client)
        if until:
            return until
        return 0.0 if self.take(client, limit) else -1.0

    def give(self, client: str) -> None:
        """One query of ``client`` has ended."""
        n = self._running.get(client, 0) - 1
        if n > 0:
            self._running[client] = n
        else:
            self._running.pop(client, None)

    def cool(self, client: str, until: float) -> None:
        """``client`` may not start a query before ``until`` (``time.monotonic()``)."""
        if len(self._until) > 4096:  # clients that never came back
            now = time.monotonic()
            self._until = {c: t for c, t in self._until.items() if t > now}
        self._until[client] = max(until, self._until.get(client, 0.0))

    def cooling(self, client: str) -> float:
        """When ``client`` may start a query (``time.monotonic()``; past: now)."""
        until = self._until.get(client, 0.0)
        if until and until <= time.monotonic():
            del self._until[client]
            return 0.0
        return until


@functools.lru_cache(maxsize=4096)
def _key(client: str) -> int:
    """A client's key in the shared table: 64 bits of its BLAKE2b hash, never 0 (the
    same in every process, unlike ``hash()``)."""
    key = int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(), "little", signed=True)
    return key or 1


_SLOT = 3  # 8-byte words per slot: key, running queries, cooling-down time (a double)
_SPINS = 100  # tries to take the lock before waiting for it


class SharedClients:
    """The clients of every server process, in one shared table (see the module).

    ``slots`` bounds how many clients are running or cooling down at once (a power of
    two; the table is kept at most three quarters full). Past that, a new client's
    query is refused as :class:`~kg.errors.Overloaded` rather than let through unlimited.
    """

    shared = True

    def __init__(self, slots: int = 8192, *, _fd: int | None = None) -> None:
        if slots & (slots - 1):
            raise ValueError("slots must be a power of two")
        self.slots = slots
        size = 8 * (1 + _SLOT * slots)
        if _fd is None:
            if hasattr(os, "memfd_create"):
                _fd = os.memfd_create("kg-serve-clients", os.MFD_CLOEXEC)
            else:
                handle, path = tempfile.mkstemp(prefix="kg-serve-clients-")
                os.unlink(path)
                _fd = handle
            os.ftruncate(_fd, size)
        self._fd = _fd
        self._map = mmap.mmap(_fd, size)
        self._ints = memoryview(self._map).cast("q")  # [0]: slots in use; then the slots
        self._floats = memoryview(self._map).cast("d")
        self._mask = slots - 1

    def __reduce__(self) -> tuple[Any, ...]:
        # Only while spawning a process (multiprocessing passes the descriptor along).
        return (_attach, (DupFd(self._fd), self.slots))

    def close(self) -> None:
        self._ints.release()
        self._floats.release()
        self._map.close()
        os.close(self._fd)

    # -- under the lock

    def _lock(self) -> None:
        # Held for a few microseconds at a time: a process that finds it taken tries
        # again at once, letting others run in between, rather than sleep in the
        # kernel until woken (a wake-up waits for the scheduler: on a busy machine
        # that is most of a request's time); after that many tries, it waits.
        for _ in range(_SPINS):
            try:
                fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError:
                os.sched_yield()
        fcntl.lockf(self._fd, fcntl.LOCK_EX)

    def _unlock(self) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def _find(self, key: int) -> int:
        """The slot holding ``key``, or ``-1 - s`` where ``s`` is the empty slot that
        ends its probe sequence."""
        ints, mask = self._ints, self._mask
        s = key & mask
        while True:
            k = ints[1 + _SLOT * s]
            if k == key:
                return s
            if k == 0:
                return -1 - s
            s = (s + 1) & mask

    def _live(self, s: int, now: float) -> bool:
        return self._ints[2 + _SLOT * s] > 0 or self._floats[3 + _SLOT * s] > now

    def _delete(self, s: int) -> None:
        """Empty slot ``s``, moving later entries of its cluster back (Knuth's
        Algorithm R), so that every key stays reachable from its home slot."""
        ints, floats, mask = self._ints, self._floats, self._mask
        i = s
        j = s
        while True:
            j = (j + 1) & mask
            k = ints[1 + _SLOT * j]
            if k == 0:
                break
            home = k & mask
            if (i <= j and i < home <= j) or (i > j and (home > i or home <= j)):
                continue  # reachable from its home without slot i
            a, b = 1 + _SLOT * i, 1 + _SLOT * j
            ints[a], ints[a + 1], floats[a + 2] = ints[b], ints[b + 1], floats[b + 2]
            i = j
        a = 1 + _SLOT * i
        ints[a], ints[a + 1], floats[a + 2] = 0, 0, 0.0
        ints[0] -= 1

    def _slot(self, key: int) -> int:
        """The slot of ``key``, added if absent (sweeping out the dead when full)."""
        s = self._find(key)
        if s >= 0:
            return s
        if 4 * (self._ints[0] + 1) > 3 * self.slots:
            self._sweep()
            if 4 * (self._ints[0] + 1) > 3 * self.slots:
                raise Overloaded("the server is busy (too many clients at once); try again shortly")
            s = self._find(key)
        s = -1 - s
        a = 1 + _SLOT * s
        self._ints[a], self._ints[a + 1], self._floats[a + 2] = key, 0, 0.0
        self._ints[0] += 1
        return s

    def _sweep(self) -> None:
        now = time.monotonic()
        s = 0
        while s < self.slots:
            if self._ints[1 + _SLOT * s] != 0 and not self._live(s, now):
                self._delete(s)  # may move a later entry into s: look at s again
                continue
            s += 1

    def _drop_if_dead(self, s: int) -> None:
        if not self._live(s, time.monotonic()):
            self._delete(s)

    # -- the interface

    def running(self, client: str) -> int:
        """Queries ``client`` runs now, in all the server processes."""
        self._lock()
        try:
            s = self._find(_key(client))
            return self._ints[2 + _SLOT * s] if s >= 0 else 0
        finally:
            self._unlock()

    def take(self, client: str, limit: int) -> bool:
        """One more running query for ``client`` if it runs fewer than ``limit`` in all
        the server processes."""
        self._lock()
        try:
            s = self._slot(_key(client))
            a = 2 + _SLOT * s
            n = self._ints[a]
            if n >= limit:
                return False
            self._ints[a] = n + 1
            return True
        finally:
            self._unlock()

    def enter(self, client: str, limit: int) -> float:
        """:meth:`cooling` and :meth:`take` in one step (one lock): 0.0 when ``client``
        may start a query now (one more is counted), its cooling-down time when it
        must wait for that (nothing counted), -1.0 when it runs ``limit`` queries
        already, in all the server processes."""
        self._lock()
        try:
            s = self._slot(_key(client))
            until = self._floats[3 + _SLOT * s]
            if until:
                if until > time.monotonic():
                    return until
                self._floats[3 + _SLOT * s] = 0.0
            a = 2 + _SLOT * s
            n = self._ints[a]
            if n >= limit:
                return -1.0
            self._ints[a] = n + 1
            return 0.0
        finally:
            self._unlock()

    def give(self, client: str) -> None:
        """One query of ``client`` has ended."""
        self._lock()
        try:
            s = self._find(_key(client))
            if s >= 0:
                a = 2 + _SLOT * s
                self._ints[a] = max(0, self._ints[a] - 1)
                self._drop_if_dead(s)
        finally:
            self._unlock()

    def cool(self, client: str, until: float) -> None:
        """``client`` may not start a query before ``until`` (``time.monotonic()``), in
        any of the server processes."""
        self._lock()
        try:
            s = self._slot(_key(client))
            a = 3 + _SLOT * s
            self._floats[a] = max(until, self._floats[a])
        finally:
            self._unlock()

    def cooling(self, client: str) -> float:
        """When ``client`` may start a query (``time.monotonic()``; past: now)."""
        self._lock()
        try:
            s = self._find(_key(client))
            if s < 0:
                return 0.0
            until = self._floats[3 + _SLOT * s]
            if until and until <= time.monotonic():
                self._floats[3 + _SLOT * s] = 0.0
                self._drop_if_dead(s)
                return 0.0
            return until
        finally:
            self._unlock()


def _attach(fd: Any, slots: int) -> SharedClients:
    """(In a spawned process) the table whose descriptor was passed along."""
    return SharedClients(slots, _fd=fd.detach())
