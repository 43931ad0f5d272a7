"""Pausing Python's cyclic garbage collector around allocation-heavy steps.

A build, a page read or a draft makes hundreds of thousands of small containers that
stay alive until the step ends and form no reference cycles. Each automatic collection
walks all of them again, so the collector's passes grow with the square of the input
and can cost more than the step itself (17 s of 21 s for a build at a million triples).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """Pause automatic garbage collection for the block and restore it after.

    The previous state is restored, so nested or already-paused callers are left as
    they were. What the block made and kept is not left to the next young collection,
    which would walk every one of those objects once more (a pass as long as the
    step's own allocations: a third of a second for a 5 MB page): it goes straight to
    the oldest generation (``gc.freeze`` then ``gc.unfreeze``), where a cycle made
    meanwhile is collected at the next full collection. When objects were already
    frozen (kg's command line freezes what its start-up made, see
    :func:`kg.cli.common.pause_collector`), they stay frozen and the block's join them
    (``gc.freeze`` alone): the process keeps what it makes out of the collector's sight.

    Examples
    --------
    >>> import gc
    >>> gc.enable()
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            frozen = gc.get_freeze_count()
            gc.freeze()
            if not frozen:
                gc.unfreeze()
            gc.enable()
