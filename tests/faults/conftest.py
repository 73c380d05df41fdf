import base64
import json
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


class FolderBroker:
    """The filesystem transport's one folder: what ``.delay()`` sent is a file
    there until a worker takes it, and a worker that takes it and dies has
    lost it (the transport has no acknowledgement to redeliver from)."""

    def __init__(self, folder) -> None:
        self.folder = folder

    def _files(self) -> list:
        return sorted(self.folder.glob("*.msg"))

    @staticmethod
    def _read(path) -> tuple[str, list, dict]:
        message = json.loads(path.read_text())
        body = message["body"]
        if message["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args, kwargs, _embed = json.loads(body)
        return message["headers"]["task"], args, kwargs

    def messages(self) -> list[tuple[str, list, dict]]:
        """The queued messages (task name, args, kwargs), oldest first."""
        return [self._read(path) for path in self._files()]

    def take(self) -> list[tuple[str, list, dict]]:
        """Take every queued message as a worker's fetch does (read, then
        remove): call it and drop the result to lose them with the worker."""
        taken = []
        for path in self._files():
            taken.append(self._read(path))
            path.unlink()
        return taken

    def work(self) -> int:
        """Take every queued message and run its task here, as a worker would;
        the number run."""
        taken = self.take()
        for name, args, kwargs in taken:
            app.tasks[name].apply(args=args, kwargs=kwargs)
        return len(taken)


@pytest.fixture
def filesystem_broker(tmp_path, monkeypatch):
    """Point the Celery app at a filesystem broker in a folder of its own (the
    transport of `make run`), whatever broker the tests were given."""
    folder = tmp_path / "broker"
    folder.mkdir()
    saved = app.conf.broker_url, app.conf.broker_transport_options
    _reset_pools()
    url = "filesystem://localhost/"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    app.conf.broker_url = url
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "store_processed": False,
    }
    yield FolderBroker(folder)
    _reset_pools()
    monkeypatch.undo()
    app.conf.broker_url, app.conf.broker_transport_options = saved
