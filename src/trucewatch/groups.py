"""Cutting a sequence into consecutive groups: by count, or by a size each item has.

Every stage that must not hold a whole corpus at once works a group at a time: the parser a
group of texts under a number of characters, a rebuild a group of days under a number of
events, or of report slices under a number of stored reports read, and the store a group of ids
under a driver's limit on bound parameters. One place for it, below every stage, so that each applies
the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Iterable[T], size: int = 500) -> Iterator[list[T]]:
    """``items`` in lists of ``size``: queries with IN lists stay under the drivers' limits, and
    a generator is read a part at a time."""
    it = iter(items)
    while part := list(islice(it, size)):
        yield part


def by_size(items: Iterable[T], size: Callable[[T], int], most: int) -> Iterator[list[T]]:
    """``items`` in order, in groups whose sizes come to at most ``most``; an item larger than
    that alone. A fixed count is no bound where item sizes differ by orders of magnitude (a
    wire brief against a 50,000-character report, a quiet day against one with thousands of
    events)."""
    group: list[T] = []
    held = 0
    for item in items:
        weight = size(item)
        if group and held + weight > most:
            yield group
            group, held = [], 0
        group.append(item)
        held += weight
    if group:
        yield group
