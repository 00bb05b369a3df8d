"""Pausing Python's cyclic garbage collector around work that builds many objects and frees few.

Loading a contract and reading a batch of reports back both make hundreds of thousands of
objects that stay alive: the collector would walk all of them (and the rest of the heap) again
and again, which measured more than the work itself (half of loading 10,000 norms)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside the block, and back as it was after it, whatever happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
