"""Writing output files: all of the data or nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from kg.errors import KGError, UsageError

__all__ = ["write_atomic"]


def _real_target(path: Path) -> Path:
    """The file a write to ``path`` should replace: ``path`` itself, or, when it is a
    symbolic link (or a chain of them), the file it points to, which a write through
    the link updates while the link stays (a dangling link's target is created)."""
    if not path.is_symlink():
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        return Path(os.path.realpath(path))
    except OSError as exc:  # a loop of links
        raise KGError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename, so a
    reader never sees half a file and a failure (or Ctrl-C) leaves the old file (or
    none), and no temporary file.

    The new file keeps the mode (and, where the process may set it, the owner) of the
    file it replaces, else ``rw-r--r--`` less the umask (an export or a page is for
    sharing; mkstemp's 0600 would surprise). A symbolic link is written through: the
    file it points to is replaced, the link kept. (A file's other hard links keep the
    old data: the rename gives the name a new file.)

    Raises
    ------
    UsageError
        If ``path`` is a directory.
    KGError
        If the directory does not exist or the file cannot be written.
    """
    import tempfile

    target = _real_target(path)
    if target.is_dir():
        raise UsageError(f"cannot write {str(path)!r}: it is a directory")
    parent = target.resolve().parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise KGError(f"cannot write {str(path)!r}: directory {str(parent)!r} {what}")
    tmp: str | None = None
    try:
        try:
            st: os.stat_result | None = target.stat()
        except FileNotFoundError:
            st = None
        if st is not None:
            mode = st.st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o644 & ~umask
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        if st is not None and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EINVAL):
                    raise
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise KGError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:  # failed or interrupted: the old file stays, the temporary goes
            try:
                os.unlink(tmp)
            except OSError:
                pass
