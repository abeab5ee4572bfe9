"""Pausing Python's cyclic garbage collector over work that makes many objects and no cycles.

A collection of the oldest generation scans every object alive, and what triggers collections
is the number of objects made. Building the gazetteer (a quarter of a million small objects)
or rebuilding the derived tables onto a large database (millions of rows read and made) sets
off thousands of collections that find nothing to free, each rescanning what the process
holds. One place for the pause, below every stage that needs it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, and back as it was after. Memory is still
    freed as references drop; only objects in reference cycles wait for the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
