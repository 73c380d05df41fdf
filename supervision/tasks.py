"""Celery interface to supervision: thin wrappers over supervision.services.

One beat entry (``supervision-daily``) runs ``daily``, which queues the
escalation of unanswered notices and the monthly bulletins (each plan's
bulletin day decides whether there is anything to publish).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core import clock
from core.services import job_run_record
from supervision.services import bulletins_publish, notices_escalate

TRANSIENT = (OperationalError, InterfaceError)


def _today(today_iso: str | None) -> dt.date:
    return dt.date.fromisoformat(today_iso) if today_iso else clock.today()


@shared_task(name="supervision.tasks.daily")
def daily(today_iso: str | None = None) -> str:
    """Queue the day's supervision jobs."""
    today = _today(today_iso).isoformat()
    escalate_notices.delay(today)
    publish_bulletins.delay(today)
    return today


@shared_task(
    name="supervision.tasks.escalate_notices",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def escalate_notices(today_iso: str | None = None) -> dict[str, int]:
    """Remind, then turn red, notices left unanswered past their answer date."""
    today = _today(today_iso)
    with job_run_record(kind="escalate_notices", subject=today.isoformat()) as run:
        run.counts = notices_escalate(today=today)
    return run.counts


@shared_task(
    name="supervision.tasks.publish_bulletins",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def publish_bulletins(today_iso: str | None = None) -> dict[str, int]:
    """Generate the previous month's bulletin of every plan whose bulletin day has come."""
    today = _today(today_iso)
    with job_run_record(kind="publish_bulletins", subject=today.isoformat()) as run:
        run.counts = bulletins_publish(today=today)
    return run.counts
