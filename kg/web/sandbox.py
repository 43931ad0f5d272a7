"""Cut a query worker off from the network, whatever query it is given.

pyoxigraph answers ``SERVICE`` with its own HTTP client (Rust code: patching Python's
``socket`` would not stop it), and its query API has no switch to turn that client off.
The query policy (:func:`kg.sparql.parse_query`) refuses ``SERVICE``; this module is the
second wall, for the day that check is wrong. A worker calls :func:`deny_network` once,
before it opens the store:

1. **seccomp filter** (any user, Linux x86-64 and aarch64): from then on the kernel
   answers ``EPERM`` to ``socket()`` for every address family but ``AF_UNIX``, and to
   ``io_uring_setup()`` (which could open sockets past the filter). Without an internet
   socket nothing can be sent anywhere: not a TCP connection, not a DNS lookup. The
   filter is inherited by every thread (``TSYNC``) and cannot be lifted.
2. **network namespace** (when the process may ``unshare(CLONE_NEWNET)``, e.g. as root):
   the worker gets its own empty network stack, where even the loopback is down.

Either is enough on its own; :func:`deny_network` applies all that the system allows and
says which, so ``kg serve`` can warn when neither was possible.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import platform
import struct

__all__ = ["deny_network", "deny_network_to_this_thread"]

_CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_AF_UNIX = 1

# Per architecture: audit arch, seccomp(2), socket(2), io_uring_setup(2).
_ARCH = {
    "x86_64": (0xC000003E, 317, 41, 425),
    "aarch64": (0xC00000B7, 277, 198, 425),
}

# Classic BPF, as the kernel's seccomp filter reads it.
_LD_ABS_W = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | errno.EPERM  # SECCOMP_RET_ERRNO | EPERM

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
_NR, _ARCH_OFF, _ARG0 = 0, 4, 16


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _program(audit_arch: int, nr_socket: int, nr_io_uring: int) -> list[tuple[int, int, int, int]]:
    # Jump offsets count instructions after the current one.
    return [
        (_LD_ABS_W, 0, 0, _ARCH_OFF),
        (_JEQ_K, 1, 0, audit_arch),  # another ABI (i386, x32 via int 0x80): deny
        (_RET_K, 0, 0, _DENY),
        (_LD_ABS_W, 0, 0, _NR),
        (_JGE_K, 5, 0, 0x40000000),  # x32 system calls: deny
        (_JEQ_K, 4, 0, nr_io_uring),
        (_JEQ_K, 1, 0, nr_socket),
        (_RET_K, 0, 0, _ALLOW),
        (_LD_ABS_W, 0, 0, _ARG0),  # socket(domain, ...): only AF_UNIX
        (_JEQ_K, 1, 0, _AF_UNIX),
        (_RET_K, 0, 0, _DENY),
        (_RET_K, 0, 0, _ALLOW),
    ]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _seccomp(tsync: bool = True) -> str | None:
    arch = _ARCH.get(platform.machine())
    if arch is None or struct.calcsize("P") != 8:
        return None
    audit_arch, nr_seccomp, nr_socket, nr_io_uring = arch
    insns = _program(audit_arch, nr_socket, nr_io_uring)
    filters = (_SockFilter * len(insns))(*[_SockFilter(*i) for i in insns])
    prog = _SockFprog(len(insns), filters)
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return None
    libc.syscall.restype = ctypes.c_long
    rc = libc.syscall(
        ctypes.c_long(nr_seccomp), ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC if tsync else 0), ctypes.byref(prog),
    )
    return "seccomp" if rc == 0 else None


def _namespace() -> str | None:
    if platform.system() != "Linux":
        return None
    libc = _libc()
    return "netns" if libc.unshare(_CLONE_NEWNET) == 0 else None


def deny_network() -> list[str]:
    """Cut this process off from the network for good; the walls that hold.

    Returns the names of what was applied (``"netns"``, ``"seccomp"``); an empty list
    means neither was possible on this system. Call it in a process that only runs
    queries: the filter cannot be undone.
    """
    applied = []
    # The namespace first: once the filter is in, unshare() still works, but a fresh
    # namespace needs no socket from us either way.
    for wall in (_namespace, _seccomp):
        try:
            name = wall()
        except (OSError, AttributeError):
            name = None
        if name:
            applied.append(name)
    return applied


def deny_network_to_this_thread() -> bool:
    """The seccomp filter of :func:`deny_network` for the calling thread alone (and the
    threads it starts later): whether it holds. The rest of the process keeps its
    network; the thread cannot lift the filter again.

    ``kg serve`` walls its event loop's thread this way before it runs queries there
    (:meth:`kg.web.workers.QueryPool.run`): the loop accepts connections on the socket
    it was given, which needs no new socket.
    """
    try:
        return _seccomp(tsync=False) is not None
    except (OSError, AttributeError):
        return False
