"""A cache that is down costs work, never an error (the dashboard and the
recompute queue: tests/dashboard/test_board_cache.py, tests/progress/engine/test_coalescing.py)."""

import logging
from unittest import mock

from core import shared_cache


class Down:
    def __getattr__(self, name):
        def refuse(*args, **kwargs):
            raise ConnectionError("the cache server is down")

        return refuse


def test_each_call_answers_as_a_miss_or_a_skip_when_the_cache_is_down(caplog):
    with caplog.at_level(logging.WARNING, logger="core.shared_cache"), mock.patch.object(shared_cache, "cache", Down()):
        assert shared_cache.cache_get("k", "default") == "default"
        shared_cache.cache_set("k", 1, 10)
        shared_cache.cache_delete("k")
        assert shared_cache.cache_add("k", 1, 10) is None
    assert "the cache could not be read" in caplog.text
