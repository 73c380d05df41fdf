"""The project's Celery app with a record of which worker ran which task.

Used by scripts/scale/two_workers.sh only (``celery -A scripts.scale.worker_app
worker``): after every task the worker appends one JSON line (worker, task,
arguments, state, return value) to ``$SCALE_LOG_DIR/<worker>.jsonl``, so the
demonstration can count the plans each worker recomputed. Production workers
run ``celery -A config`` and write no such file.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from celery.signals import task_postrun

from config.celery import app

__all__ = ["app"]

LOG_DIR = Path(os.environ.get("SCALE_LOG_DIR", "var/scale"))
_lock = threading.Lock()


@task_postrun.connect
def record_task(sender=None, task_id=None, task=None, args=None, kwargs=None, retval=None, state=None, **extra):
    """One line per finished task (thread-safe: the worker may run threads)."""
    hostname = getattr(task.request, "hostname", None) or "unknown"
    entry = {
        "worker": hostname,
        "task": task.name,
        "id": task_id,
        "args": list(args or ()),
        "state": state,
        "retval": retval if isinstance(retval, dict | int | None) else repr(retval),
    }
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with _lock, (LOG_DIR / f"{hostname.split('@')[0]}.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, default=str) + "\n")
