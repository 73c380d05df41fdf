"""Typed readers for settings taken from environment variables.

Each reader returns a safe default when the variable is unset and raises
``ImproperlyConfigured`` naming the variable when its value is malformed, so a
typo in a deployment fails at start-up instead of running with a surprise.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    value = source.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of: {', '.join(sorted(TRUE_WORDS | FALSE_WORDS - {''}))}"
    )


def env_int(name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item; separate items with single commas")
    return items


def env_choice(name: str, default: str, choices: list[str], *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ=environ)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}")
    return value


def env_time_zone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ=environ)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone (e.g. Asia/Shanghai)") from None
    return value


def env_database(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse a database URL; only PostgreSQL and SQLite are supported."""
    url = env_str(name, default, environ=environ)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, dj_database_url.UnknownSchemeError, KeyError) as error:
        raise ImproperlyConfigured(f"{name}={url!r} is not a valid database URL: {error}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name}={url!r} names no SQLite file")
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets the web server, the worker and beat read while one writes;
            # IMMEDIATE takes the write lock up front instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name}={url!r} names no database")
        # JIT compiles a plan when its estimated cost is high, which a page's
        # join over a large results table often is: 30-40 ms of compiling to
        # save nothing on queries that read a few hundred rows.
        options = config.setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    else:
        raise ImproperlyConfigured(f"{name}={url!r}: only postgres:// and sqlite:// URLs are supported")
    return config


def env_broker(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    url = env_str(name, default, environ=environ)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    allowed = {"redis", "rediss", "amqp", "pyamqp", "filesystem", "memory"}
    if scheme not in allowed:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a supported broker URL (redis://, amqp://, filesystem://, memory://)"
        )
    return url


def env_cache(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The cache: empty, each process's own memory; ``redis://…``, one cache
    that every web process and worker share, so that a plan's dashboard is
    computed once for all of them and a recompute window is claimed once
    (progress.engine.queue). Reads and writes give up after 2 s; a cache that
    is down costs recomputing, never an error (core.shared_cache)."""
    url = env_str(name, default, environ=environ)
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"{name}={url!r} is not a supported cache URL (redis://, or empty for memory)")
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "taizhang",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
