"""Celery interface to the engine: thin wrappers over targets.services.

No caller waits for these tasks' results (the runs are recorded as JobRun
rows), so they store none: queuing one then touches only the broker, and
fails fast when the broker is down (see CELERY_TASK_PUBLISH_RETRY_POLICY).
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core import clock
from core.services import job_run_record
from plans.choices import PlanStatus
from plans.models import Plan
from targets.models import PendingRecompute
from targets.outbox import GRACE, pending_recompute, target_recompute_paid
from targets.services import CLAIM_TTL, PlanBusy, plan_claims_expire, plan_recompute_job

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


def _as_of(as_of_iso: str | None) -> dt.date:
    return dt.date.fromisoformat(as_of_iso) if as_of_iso else clock.today()


@shared_task(
    name="targets.tasks.recompute_target",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def recompute_target(target_id: int, as_of_iso: str | None = None) -> dict | None:
    """Recompute one target after its report was submitted, approved, returned
    or corrected, clearing its outbox mark."""
    with job_run_record(kind="recompute_target", subject=str(target_id)) as run:
        counts = target_recompute_paid(target_id=target_id, as_of=_as_of(as_of_iso))
        run.counts = counts or {"missing": 1}
    if counts is None:
        log.info("target %s is gone; nothing to recompute", target_id)
    return counts


@shared_task(
    name="targets.tasks.recompute_plan",
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def recompute_plan(self, plan_id: int, as_of_iso: str | None = None) -> dict | None:
    """Recompute every target of a plan; waits its turn if one is already
    running (or until the claim of a worker that died expires).

    Acknowledged late and rejected back to the queue when its worker process
    is lost (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST).
    """
    try:
        return plan_recompute_job(plan_id=plan_id, as_of=_as_of(as_of_iso))
    except PlanBusy:
        raise self.retry(countdown=CLAIM_TTL.total_seconds() / 2, max_retries=30) from None


@shared_task(name="targets.tasks.recompute_published_plans", ignore_result=True)
def recompute_published_plans(as_of_iso: str | None = None) -> int:
    """The nightly sweep: queue a recompute of every published plan (which
    also raises overdue flags for what was not reported in time)."""
    as_of = _as_of(as_of_iso).isoformat()
    with job_run_record(kind="recompute_sweep", subject=as_of) as run:
        plan_ids = list(Plan.objects.filter(status=PlanStatus.PUBLISHED).values_list("pk", flat=True))
        for plan_id in plan_ids:
            recompute_plan.delay(plan_id, as_of)
        run.counts = {"plans": len(plan_ids)}
    return len(plan_ids)


@shared_task(name="targets.tasks.catch_up", ignore_result=True)
def catch_up() -> dict[str, int]:
    """Every minute: pay the outbox (targets whose on-commit recompute was
    never queued or never ran) and queue again the plans whose recompute died
    with its worker (an expired claim). Records a run only when there was
    something to do."""
    expired = plan_claims_expire()
    owed = PendingRecompute.objects.filter(marked_at__lte=clock.now() - GRACE)
    if not expired and not owed.exists():
        return {}
    with job_run_record(kind="recompute_catch_up") as run:
        for plan_id in expired:
            recompute_plan.delay(plan_id)
        counts = pending_recompute()
        run.counts = {**counts, "plans_requeued": len(expired)}
    return run.counts
