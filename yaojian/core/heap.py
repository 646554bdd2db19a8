"""Keeping the process's long-lived objects out of the cyclic garbage collector for a while.

A full collection walks every object the process holds: in a worker with Django, the apps
and their libraries loaded, about 0.15-0.2 s each time. A long job that allocates a lot
(a large capture) set one off every few hundred events, and a forked child's first one
copied the parent's whole heap, page by page. Objects frozen (`gc.freeze`) are left out of
collections; they go back to the oldest generation when the outermost block ends, so garbage
made before or during the block is still collected afterwards.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Objects that exist now are skipped by collections until the outermost block ends."""
    global _depth
    with _lock:
        if _depth == 0:
            gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()
