"""A plan's recompute as a job: its claim, its run record and its outbox mark.

Only one recompute of a plan runs at a time: it claims the plan with a
conditional UPDATE and renews the claim while it runs; a claim left by a dead
worker expires and is taken over. ``plan_recompute_job`` is the one entry
point of the task and the command: it claims the plan, records the run
(``core.JobRun``), recomputes (``progress.engine.recompute``) and pays the
plan's outbox mark (``progress.engine.outbox``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import DatabaseError, connections, transaction
from django.db.models import Q

from core import clock
from core.models import JobRun
from core.services import job_run_record
from plans.models import Plan
from progress.engine.outbox import plan_mark_clear, plan_mark_seen
from progress.engine.recompute import plan_recompute

log = logging.getLogger(__name__)


# A plan's claim is renewed every CLAIM_HEARTBEAT while its recompute runs,
# and one not renewed for CLAIM_TTL belongs to a worker that died (killed,
# out of memory, machine lost): the next recompute takes it over, and the
# catch-up sweep (progress.engine.tasks.catch_up) expires it and queues the plan again.
CLAIM_TTL = dt.timedelta(seconds=60)
CLAIM_HEARTBEAT = dt.timedelta(seconds=10)


def plan_claim(*, plan_id: int, stale_after: dt.timedelta = CLAIM_TTL) -> dt.datetime | None:
    """Claim the right to recompute a plan (a conditional UPDATE: one winner);
    the claim's stamp, which identifies it, or None when another holds it.

    A claim not renewed for ``stale_after`` belongs to a worker that died and
    is taken over; the runs it left "running" are closed as interrupted.
    """
    now = clock.now()
    won = (
        Plan.objects.filter(pk=plan_id)
        .filter(Q(recompute_claimed_at__isnull=True) | Q(recompute_claimed_at__lt=now - stale_after))
        .update(recompute_claimed_at=now)
        == 1
    )
    if not won:
        return None
    _close_interrupted_runs(plan_id=plan_id, at=now)
    return now


def plan_claim_renew(*, plan_id: int, claimed_at: dt.datetime) -> dt.datetime | None:
    """Renew a claim we hold (its stamp): the new stamp, or None when the claim
    was lost (expired and taken over)."""
    now = clock.now()
    renewed = Plan.objects.filter(pk=plan_id, recompute_claimed_at=claimed_at).update(recompute_claimed_at=now)
    return now if renewed == 1 else None


def plan_release(*, plan_id: int, claimed_at: dt.datetime | None = None) -> None:
    """Release a plan's claim; given its stamp, only if it is still that one
    (a run whose claim was taken over does not release its successor's)."""
    claims = Plan.objects.filter(pk=plan_id)
    if claimed_at is not None:
        claims = claims.filter(recompute_claimed_at=claimed_at)
    claims.update(recompute_claimed_at=None)


def plan_claims_expire(*, stale_after: dt.timedelta = CLAIM_TTL) -> list[int]:
    """Clear the claims not renewed for ``stale_after`` (their workers died),
    closing the runs they left; the ids of those plans, whose recompute did
    not finish. Each stale claim is cleared by one caller only."""
    now = clock.now()
    stale = Plan.objects.filter(recompute_claimed_at__lt=now - stale_after).values_list("pk", "recompute_claimed_at")
    expired = []
    for plan_id, claimed_at in stale:
        if Plan.objects.filter(pk=plan_id, recompute_claimed_at=claimed_at).update(recompute_claimed_at=None):
            _close_interrupted_runs(plan_id=plan_id, at=now)
            expired.append(plan_id)
    return expired


def _close_interrupted_runs(*, plan_id: int, at: dt.datetime) -> int:
    """Mark the plan's recompute runs still "running" as failed. Called by
    whoever just took or cleared the claim: every run holds the claim while
    it runs, so these are dead."""
    return JobRun.objects.filter(
        kind="recompute_plan",
        subject_kind=JobRun.SubjectKind.PLAN,
        subject_id=plan_id,
        outcome=JobRun.Outcome.RUNNING,
    ).update(
        outcome=JobRun.Outcome.FAILED,
        finished_at=at,
        error="Interrupted: the worker stopped before the end (its claim on the plan expired).",
    )


class _ClaimKeeper(threading.Thread):
    """Renews a plan's claim every CLAIM_HEARTBEAT while the recompute runs,
    on its own database connection (the recompute's is busy in one long
    statement). Dies with the worker process, so the claim then goes stale."""

    def __init__(self, *, plan_id: int, claimed_at: dt.datetime, every: dt.timedelta = CLAIM_HEARTBEAT):
        super().__init__(name=f"claim-plan-{plan_id}", daemon=True)
        self.plan_id, self.claimed_at, self.every = plan_id, claimed_at, every
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.every.total_seconds()):
                try:
                    renewed = plan_claim_renew(plan_id=self.plan_id, claimed_at=self.claimed_at)
                except DatabaseError:
                    log.warning("could not renew the claim on plan %s; trying again", self.plan_id, exc_info=True)
                    continue
                if renewed is None:
                    log.warning("the claim on plan %s expired and was taken over", self.plan_id)
                    return
                self.claimed_at = renewed
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> dt.datetime:
        """Stop renewing; the last stamp of the claim."""
        self._stopped.set()
        self.join()
        return self.claimed_at


class PlanBusy(Exception):
    """Another recompute of the plan is running."""


def plan_recompute_job(*, plan_id: int, as_of: dt.date | None = None) -> dict[str, int] | None:
    """Recompute a plan under its claim, recording the run (the task's and
    the command's one entry point), and pay the plan's outbox mark in the
    transaction that writes the results."""
    claimed_at = plan_claim(plan_id=plan_id)
    if claimed_at is None:
        raise PlanBusy(plan_id)
    keeper = _ClaimKeeper(plan_id=plan_id, claimed_at=claimed_at)
    keeper.start()
    try:
        as_of = as_of or clock.today()
        with job_run_record(
            kind="recompute_plan",
            subject=f"plan {plan_id} as of {as_of.isoformat()}",
            subject_kind=JobRun.SubjectKind.PLAN,
            subject_id=plan_id,
        ) as run:
            seen = plan_mark_seen(plan_id)
            with transaction.atomic():
                counts = plan_recompute(plan_id=plan_id, as_of=as_of)
                plan_mark_clear(plan_id=plan_id, seen=seen)
            run.counts = counts or {"missing": 1}
        return counts
    finally:
        plan_release(plan_id=plan_id, claimed_at=keeper.stop())
