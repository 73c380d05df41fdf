"""The shared cache, read and written so that a cache that is down or slow
costs work, never an error.

The dashboards keep their computed boards here and the recompute queue its
coalescing windows (``CACHE_URL``: one Redis database that every process
shares, or each process's own memory). A Redis that stops answering must not
turn a leader's dashboard or a clerk's submission into a 500: a read then
misses (the board is computed), a write is skipped, and a window cannot be
claimed (the change sends its own message)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

log = logging.getLogger(__name__)
MISSING = object()


def cache_get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except Exception:
        log.warning("the cache could not be read; computing instead", exc_info=True)
        return default


def cache_set(key: str, value: Any, timeout: float) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        log.warning("the cache could not be written", exc_info=True)


def cache_add(key: str, value: Any, timeout: float) -> bool | None:
    """True when the key was added (it was absent), False when it was there;
    None when the cache could not be asked."""
    try:
        return cache.add(key, value, timeout)
    except Exception:
        log.warning("the cache could not be asked", exc_info=True)
        return None


def cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        log.warning("the cache could not be written", exc_info=True)
