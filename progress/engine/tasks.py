"""Celery interface to the engine: thin wrappers over progress.engine.recompute.

No caller waits for these tasks' results (the runs are recorded as JobRun
rows), so they store none: queuing one then touches only the broker, and
fails fast when the broker is down (see CELERY_TASK_PUBLISH_RETRY_POLICY).
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from core import clock
from core.models import JobRun
from core.services import job_run_record
from plans.choices import PlanStatus
from plans.models import Plan
from progress.engine.jobs import CLAIM_TTL, PlanBusy, plan_claims_expire, plan_recompute_job
from progress.engine.outbox import (
    GRACE,
    pending_recompute,
    plan_marks_paid,
    plan_owed,
    plan_targets_owed,
    plans_due,
    plans_mark,
    plans_unqueued,
    target_recompute_paid,
)
from targets.models import PendingRecompute

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


def _as_of(as_of_iso: str | None) -> dt.date:
    return dt.date.fromisoformat(as_of_iso) if as_of_iso else clock.today()


@shared_task(
    name="progress.engine.tasks.recompute_target",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def recompute_target(target_id: int, as_of_iso: str | None = None) -> dict | None:
    """Recompute one target and clear its outbox mark. Changes now queue their
    plan's ``recompute_owed`` (coalesced); this task stays for the messages an
    older release queued before an upgrade, and for recomputing one target by hand."""
    with job_run_record(
        kind="recompute_target", subject=str(target_id), subject_kind=JobRun.SubjectKind.TARGET, subject_id=target_id
    ) as run:
        counts = target_recompute_paid(target_id=target_id, as_of=_as_of(as_of_iso))
        run.counts = counts or {"missing": 1}
    if counts is None:
        log.info("target %s is gone; nothing to recompute", target_id)
    return counts


@shared_task(
    name="progress.engine.tasks.recompute_owed",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def recompute_owed(plan_id: int, as_of_iso: str | None = None) -> dict[str, int]:
    """Recompute every target of the plan owed one, in one pass: the message
    a burst of submissions, approvals or corrections to the plan queues once
    (progress.engine.queue). Records a run only when there was something to
    pay (a second message of the same burst finds nothing)."""
    if not plan_targets_owed(plan_id):
        return {}
    with job_run_record(
        kind="recompute_owed", subject=str(plan_id), subject_kind=JobRun.SubjectKind.PLAN, subject_id=plan_id
    ) as run:
        run.counts = plan_marks_paid(plan_id=plan_id, as_of=_as_of(as_of_iso))
    return run.counts


@shared_task(
    name="progress.engine.tasks.recompute_plan",
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def recompute_plan(self, plan_id: int, as_of_iso: str | None = None, if_owed: bool = False) -> dict | None:
    """Recompute every target of a plan; waits its turn if one is already
    running (or until the claim of a worker that died expires).

    ``if_owed``: the message was sent to pay the plan's outbox mark (the
    nightly sweep, the catch-up); when the mark is gone another recompute
    paid it, and this one does nothing.

    Acknowledged late and rejected back to the queue when its worker process
    is lost (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST), which
    brokers with acknowledgements (Redis, AMQP) honour; on every broker the
    outbox mark stays until a recompute succeeds, and the catch-up queues it.
    """
    if if_owed and not plan_owed(plan_id):
        log.info("plan %s owes no recompute any more; nothing to do", plan_id)
        return None
    try:
        return plan_recompute_job(plan_id=plan_id, as_of=_as_of(as_of_iso))
    except PlanBusy:
        raise self.retry(countdown=CLAIM_TTL.total_seconds() / 2, max_retries=30) from None


def _queue_plans(plan_ids: list[int], as_of_iso: str | None = None) -> int:
    """Send the recompute messages of owed plans; the number sent. The first
    refusal of the broker stops the sending: the rest are left to the
    catch-up (their marks stay, and are marked as not queued)."""
    for sent, plan_id in enumerate(plan_ids):
        try:
            recompute_plan.delay(plan_id, as_of_iso, if_owed=True)
        except Exception:
            left = len(plan_ids) - sent
            log.exception("could not queue the recompute of plan %s; %d left to the catch-up", plan_id, left)
            plans_unqueued(plan_ids[sent:])
            return sent
    return len(plan_ids)


def plans_queue(plan_ids: list[int]) -> int:
    """Send the recompute messages of plans just marked as owed (a plan just
    published, say); what the broker refuses is left to the catch-up."""
    return _queue_plans(list(plan_ids))


@shared_task(name="progress.engine.tasks.recompute_published_plans", ignore_result=True)
def recompute_published_plans(as_of_iso: str | None = None) -> int:
    """The nightly sweep: record every published plan as owed a recompute,
    then queue them (which also raises overdue flags for what was not
    reported in time). A message lost after this is paid by the catch-up."""
    as_of = _as_of(as_of_iso).isoformat()
    with job_run_record(kind="recompute_sweep", subject=as_of) as run:
        plan_ids = list(Plan.objects.filter(status=PlanStatus.PUBLISHED).order_by("pk").values_list("pk", flat=True))
        with transaction.atomic():
            plans_mark(plan_ids, queued=True)
        run.counts = {"plans": len(plan_ids), "queued": _queue_plans(plan_ids, as_of)}
    return len(plan_ids)


@shared_task(name="progress.engine.tasks.catch_up", ignore_result=True)
def catch_up() -> dict[str, int]:
    """Every minute: pay the targets' outbox (targets whose on-commit
    recompute was never queued or never ran), queue the plans owed a
    recompute whose message never came (``plans_due``), and the plans whose
    recompute died with its worker (an expired claim), recorded as owed
    again. Records a run only when there was something to do."""
    expired = plan_claims_expire()
    if expired:
        with transaction.atomic():
            plans_mark(expired, queued=True)
    plans = plans_due()
    owed = PendingRecompute.objects.filter(marked_at__lte=clock.now() - GRACE)
    if not expired and not plans and not owed.exists():
        return {}
    with job_run_record(kind="recompute_catch_up") as run:
        _queue_plans(expired + plans)
        counts = pending_recompute()
        run.counts = {**counts, "plans_requeued": len(expired), "plans_owed": len(plans)}
    return run.counts
