"""Background jobs of the core app."""

from __future__ import annotations

from celery import shared_task

from core.services import job_run_record


@shared_task(name="core.tasks.heartbeat", ignore_result=False)
def heartbeat() -> int:
    """Record that the worker and beat are alive; returns the run's id."""
    with job_run_record(kind="heartbeat") as run:
        run.counts = {"ok": 1}
    return run.pk
