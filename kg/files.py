"""Writing output files: all of the data or nothing."""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import KGError, UsageError

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename, so a
    reader never sees half a file and a failure leaves the old file (or none).

    The new file keeps the mode of the file it replaces, else ``rw-r--r--`` less the
    umask (an export or a page is for sharing; mkstemp's 0600 would surprise).

    Raises
    ------
    UsageError
        If ``path`` is a directory.
    KGError
        If the directory does not exist or the file cannot be written.
    """
    import tempfile

    if path.is_dir():
        raise UsageError(f"cannot write {str(path)!r}: it is a directory")
    parent = path.resolve().parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise KGError(f"cannot write {str(path)!r}: directory {str(parent)!r} {what}")
    tmp = None
    try:
        if path.exists():
            mode = path.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o644 & ~umask
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise KGError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
