"""Running database work on several connections at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connections

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_on_connections(work: Callable[[Item], Result], items: Iterable[Item], *, jobs: int) -> Iterator[Result]:
    """``work`` over ``items``, ``jobs`` at a time, results in the items' order.

    Each thread has a database connection of its own (Django's are per
    thread), closed when its work is done, and sees only committed data. With
    one job the work runs here, on this thread's connection and in its
    transaction, as a plain loop would.
    """
    items = list(items)
    if jobs <= 1 or len(items) <= 1:
        yield from map(work, items)
        return

    def run(item: Item) -> Result:
        try:
            return work(item)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        yield from pool.map(run, items)
