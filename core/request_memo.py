"""Values read once per request and reused for the rest of it (a user's
memberships, which every menu badge and every permission check reads).

The memo lives only while ``RequestMemoMiddleware`` handles a request: it is
made empty when the request starts and dropped when the response leaves the
middleware, so nothing is ever kept across requests, users or threads (a
context variable, not a module's dictionary). Outside a request (a command,
a task, a test calling the policy directly) there is no memo and every read
goes to the database, as it always did.

A value depends on database tables. Any statement of the request that writes
one of them (a save, ``bulk_create``, ``update()``, a cascade, raw SQL), seen
on the connection itself rather than through model signals, drops the
values depending on it and turns the memo off for them for the rest of the
request: after a change of memberships (an invitation, the admin's role
edits, the people import) every later read asks the database again, and a
change rolled back later in the request can never leave a stale copy.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.db import connection
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")


class RequestMemo:
    """One request's values, each with the tables it was read from."""

    def __init__(self) -> None:
        self.values: dict[Hashable, object] = {}
        self.depends: dict[Hashable, tuple[str, ...]] = {}
        self.written: set[str] = set()

    def get(self, key: Hashable, tables: tuple[str, ...], read: Callable[[], T]) -> T:
        if self.written.intersection(tables):
            return read()
        if key not in self.values:
            self.values[key] = read()
            self.depends[key] = tables
        return self.values[key]  # type: ignore[return-value]

    def forget(self) -> None:
        self.values.clear()
        self.depends.clear()

    def watch(self, execute, sql, params, many, context):
        """A connection wrapper: a statement that writes a watched table drops what depends on it."""
        if WATCHED and sql.lstrip()[:6].upper() != "SELECT":
            touched = {table for table in WATCHED if table in sql}
            if touched:
                self.written |= touched
                for key in [key for key, deps in self.depends.items() if touched.intersection(deps)]:
                    del self.values[key], self.depends[key]
        return execute(sql, params, many, context)


WATCHED: set[str] = set()
"""Tables some memoised value depends on (registered by the readers at import time)."""

_current: ContextVar[RequestMemo | None] = ContextVar("request_memo", default=None)


def watch_tables(*tables: str) -> tuple[str, ...]:
    """Register tables whose writes invalidate memoised values; returns them."""
    WATCHED.update(tables)
    return tables


def memoised(key: Hashable, tables: tuple[str, ...], read: Callable[[], T]) -> T:
    """``read()``, once per request for ``key`` (every time outside a request
    or once one of ``tables`` was written in it)."""
    memo = _current.get()
    if memo is None:
        return read()
    return memo.get(key, tables, read)


@contextmanager
def request_memo() -> Iterator[RequestMemo]:
    """A memo for the duration of the block (a request; the tests use it too)."""
    memo = RequestMemo()
    token = _current.set(memo)
    try:
        with connection.execute_wrapper(memo.watch):
            yield memo
    finally:
        _current.reset(token)
        memo.forget()


class RequestMemoMiddleware:
    """Gives each request its own memo, dropped when the response leaves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo():
            return self.get_response(request)
