"""Background jobs of the progress app: thin wrappers around plain functions."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core import clock
from core.services import job_run_record
from progress.reminders import JOB_KIND, reminders_send


@shared_task(
    name="progress.tasks.send_reminders",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=3,
)
def send_reminders(today_iso: str | None = None) -> dict[str, int]:
    """Queue the day's reminders once (a second run the same day queues
    nothing) and record the run with its counts. The mails themselves go out
    from core.tasks.deliver_mail, one task each."""
    today = dt.date.fromisoformat(today_iso) if today_iso else clock.today()
    with job_run_record(kind=JOB_KIND, subject=today.isoformat()) as run:
        run.counts = reminders_send(today=today)
    return run.counts
