"""Recording that a plan is owed a full recompute (its outbox mark, ``PendingPlanRecompute``).

The mark lives beside the results it promises; the engine (``progress.engine``) pays it. It is
here, below the engine, so that whatever changes what a plan's judgement rests on without a report
(a task's deadline or lead unit on the assignment page, a target added by hand) can owe the
recompute in its own transaction; the engine's catch-up sweep then pays it.
"""

from __future__ import annotations

from collections.abc import Iterable

from core import clock
from targets.models import PendingPlanRecompute


def plans_mark(plan_ids: Iterable[int], *, queued: bool = False) -> int:
    """Record that these plans are owed a full recompute (in the transaction
    that calls for it, before the message is queued); the number marked.
    ``queued``: the caller sends the message itself right away, so the sweep
    leaves it PLAN_REQUEUE_AFTER to arrive instead of GRACE."""
    now = clock.now()
    rows = [
        PendingPlanRecompute(plan_id=pk, marked_at=now, queued_at=now if queued else None)
        for pk in sorted(set(plan_ids))
    ]
    if rows:
        PendingPlanRecompute.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["plan"], update_fields=["marked_at", "queued_at"]
        )
    return len(rows)
