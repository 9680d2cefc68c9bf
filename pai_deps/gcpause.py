"""Building many objects that all outlive the build, with the garbage collector paused.

A collection in the middle of validating 5,000 rows or laying out a 5,000-row table
walks every object made so far and frees none of them: they are the answer. Reference
cycles made meanwhile are collected after, when the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collection() -> Iterator[None]:
    """The collector off inside (and back as it was after, also on an exception)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
