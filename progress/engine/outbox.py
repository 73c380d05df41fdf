"""The recompute outbox: which targets and plans are owed a recompute, and
paying it.

A report change that alters a counted figure marks its targets
(``pending_mark``) inside its own transaction, then queues its plan's
``recompute_owed`` after the commit, one message per plan per burst
(``progress.engine.queue``). Whoever recomputes a marked target
deletes the mark in the transaction that writes the results, under the mark's
row lock, so:

- a broker that is down (or a message lost with a worker) loses nothing: the
  mark stays until ``pending_recompute`` (run every minute by
  ``progress.engine.tasks.catch_up``) pays it;
- two workers never pay the same mark at once (``SKIP LOCKED`` in the sweep,
  a waiting lock in the on-commit task), and a change that arrives while a
  mark is being paid leaves a fresh mark behind it: its upsert waits for the
  lock and inserts again after the delete commits.

Plans work the same way (``plans_mark``): a plan recompute is recorded as
owed before its message is queued, the recompute deletes the mark in the
transaction that writes its results (only the mark it saw when it started:
one made meanwhile stays), and ``plans_due`` hands the catch-up sweep the
plans whose message never came (none was sent, or the one sent is long
overdue: lost on the filesystem broker, taken by a worker that died before
it claimed the plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from core import clock
from progress.engine.recompute import target_recompute, targets_recompute
from targets.models import PendingPlanRecompute, PendingRecompute, Target
from targets.owed import plans_mark  # noqa: F401 - recorded below the engine, paid here

# The sweep leaves a fresh mark to the on-commit task for this long.
GRACE = dt.timedelta(seconds=15)
BATCH = 200
# A plan queued and still owed after this long lost its message (a whole
# nightly sweep of plans fits in it, so a queued plan is not queued twice).
PLAN_REQUEUE_AFTER = dt.timedelta(minutes=15)


def pending_mark(target_ids: Iterable[int]) -> int:
    """Record that these targets are owed a recompute (call it inside the
    transaction that changed their figures); the number marked."""
    now = clock.now()
    rows = [PendingRecompute(target_id=pk, marked_at=now) for pk in sorted(set(target_ids))]
    if rows:
        PendingRecompute.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["target"], update_fields=["marked_at"]
        )
    return len(rows)


def target_recompute_paid(*, target_id: int, as_of: dt.date | None = None) -> dict[str, int] | None:
    """Recompute one target and clear its mark, both in one transaction (the
    on-commit task's body). None when the target is gone."""
    with transaction.atomic():
        marked = list(PendingRecompute.objects.select_for_update().filter(target_id=target_id).values_list("pk"))
        counts = target_recompute(target_id=target_id, as_of=as_of or clock.today())
        if marked:
            PendingRecompute.objects.filter(target_id=target_id).delete()
    return counts


def plan_targets_owed(plan_id: int) -> bool:
    """Whether any target of the plan is marked as owed a recompute."""
    return PendingRecompute.objects.filter(target__task__plan_id=plan_id).exists()


def plan_marks_paid(*, plan_id: int, as_of: dt.date | None = None) -> dict[str, int]:
    """Recompute, in one pass, every target of the plan that is owed one, and
    clear their marks, both in one transaction: the body of the coalesced
    task that a burst of submissions to one plan queues once (see
    ``progress.recompute_queue``). Marks another worker holds are skipped (it
    is paying them); a mark made meanwhile stays for the next message or
    the catch-up."""
    as_of = as_of or clock.today()
    totals = {"targets": 0, "results_written": 0, "results_deleted": 0, "flags_written": 0}
    with transaction.atomic():
        plan_targets = Target.objects.filter(task__plan_id=plan_id).values("pk")
        ids = list(
            PendingRecompute.objects.select_for_update(skip_locked=True)
            .filter(target_id__in=plan_targets)
            .order_by("target_id")
            .values_list("target_id", flat=True)
        )
        targets = list(Target.objects.filter(pk__in=ids).select_related("task__plan").order_by("pk"))
        if targets:
            counts = targets_recompute(targets=targets, plan=targets[0].task.plan, as_of=as_of)
            for key in totals:
                totals[key] += counts.get(key, 0)
        if ids:
            PendingRecompute.objects.filter(target_id__in=ids).delete()
    return totals


def pending_recompute(
    *, as_of: dt.date | None = None, grace: dt.timedelta = GRACE, batch: int = BATCH
) -> dict[str, int]:
    """Pay every mark older than ``grace``, ``batch`` targets per transaction;
    marks another worker holds are skipped (it is paying them). Safe to run
    on several workers at once, and a second run finds nothing to do."""
    as_of = as_of or clock.today()
    cutoff = clock.now() - grace
    totals = {"targets": 0, "results_written": 0, "results_deleted": 0, "flags_written": 0}
    while True:
        with transaction.atomic():
            ids = list(
                PendingRecompute.objects.select_for_update(skip_locked=True)
                .filter(marked_at__lte=cutoff)
                .order_by("target_id")
                .values_list("target_id", flat=True)[:batch]
            )
            if not ids:
                break
            by_plan: dict[int, tuple] = {}
            for target in Target.objects.filter(pk__in=ids).select_related("task__plan").order_by("pk"):
                plan = target.task.plan
                by_plan.setdefault(plan.pk, (plan, []))[1].append(target)
            # Plans in id order: their shared locks are then taken in the
            # order a bulk recompute takes its exclusive ones (no deadlock).
            for _, (plan, targets) in sorted(by_plan.items()):
                for key, value in targets_recompute(targets=targets, plan=plan, as_of=as_of).items():
                    totals[key] += value
            PendingRecompute.objects.filter(target_id__in=ids).delete()
        if len(ids) < batch:
            break
    return totals


# --- plans ---------------------------------------------------------------------------


def plans_unqueued(plan_ids: Iterable[int]) -> None:
    """The messages of these plans could not be sent: the sweep queues them
    after GRACE rather than PLAN_REQUEUE_AFTER."""
    PendingPlanRecompute.objects.filter(plan_id__in=list(plan_ids)).update(queued_at=None)


def plan_owed(plan_id: int) -> bool:
    return PendingPlanRecompute.objects.filter(plan_id=plan_id).exists()


def plan_mark_seen(plan_id: int) -> dt.datetime | None:
    """The plan's mark as a recompute starts (read before its figures)."""
    return PendingPlanRecompute.objects.filter(plan_id=plan_id).values_list("marked_at", flat=True).first()


def plan_mark_clear(*, plan_id: int, seen: dt.datetime | None) -> None:
    """Clear the mark a recompute saw when it started, in the transaction that
    writes its results. A mark made since has another time and stays; one
    being made right now is waited for (its row lock) and then left alone."""
    if seen is not None:
        PendingPlanRecompute.objects.filter(plan_id=plan_id, marked_at=seen).delete()


def plans_due(*, grace: dt.timedelta = GRACE, requeue_after: dt.timedelta = PLAN_REQUEUE_AFTER) -> list[int]:
    """The owed plans to queue now: marked more than ``grace`` ago and either
    never queued or queued more than ``requeue_after`` ago. Each is claimed
    with a conditional UPDATE of its queued time, so two sweeps at once never
    queue the same plan."""
    now = clock.now()
    due = (
        PendingPlanRecompute.objects.filter(marked_at__lte=now - grace)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=now - requeue_after))
        .order_by("plan_id")
        .values_list("plan_id", "queued_at")
    )
    claimed = []
    for plan_id, queued_at in due:
        same = Q(queued_at__isnull=True) if queued_at is None else Q(queued_at=queued_at)
        if PendingPlanRecompute.objects.filter(same, plan_id=plan_id).update(queued_at=now):
            claimed.append(plan_id)
    return claimed
