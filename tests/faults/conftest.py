import socket

import pytest

from config.celery import app


def _reset_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def dead_broker(monkeypatch):
    """Point the Celery app at a Redis port where nothing listens, as when the
    broker is down; every .delay() then fails as it would in production."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = app.conf.broker_url, app.conf.broker_transport_options
    _reset_pools()
    dead = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", dead)  # Celery reads it before its own setting
    app.conf.broker_url = dead
    app.conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 10}
    yield dead
    _reset_pools()
    monkeypatch.undo()
    app.conf.broker_url, app.conf.broker_transport_options = saved
