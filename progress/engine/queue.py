"""Queuing the recompute that a change of counted figures owes, one message
per plan per burst.

At month end two hundred clerks submit within minutes, each submission
touching a handful of targets of the same plan. One message per target
recomputed the plan's shared facts (its spread, its tasks' standings) again
and again and kept the single worker busy long after the burst. Here the
change marks its targets in the outbox (``progress.engine.outbox``) inside
its own transaction, as before, and after the commit claims the plan's
coalescing window (``RECOMPUTE_COALESCE_SECONDS``, in the cache): the first
change of the window sends one ``recompute_owed`` message due at the end of
the window, the others in it send nothing, and that message pays every mark
of the plan in one pass.

Why no change is left unpaid: a change that finds the window claimed
committed before the window closes, and the message runs no earlier than
that, so it sees the change's marks. Where the claim lives in a cache each
web process keeps for itself, each process sends its own message per window
(still one per process, not one per target). Whatever is lost (a broker
down, a worker killed) the marks stay and the catch-up pays them within a
minute.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from core.shared_cache import cache_add, cache_delete
from progress.engine.outbox import pending_mark
from targets.models import Target

log = logging.getLogger(__name__)


def _window_key(plan_id: int) -> str:
    return f"recompute:window:{plan_id}"


def recompute_queue(target_ids: Iterable[int]) -> None:
    """Mark the targets whose counted figure may have changed as owed a
    recompute, in the caller's transaction, and queue their plan's recompute
    after the commit (coalesced). A broker that is down neither fails nor
    slows the user's request: the first refused message stops the sending,
    and the catch-up pays the marks once the broker is back."""
    ids = sorted(set(target_ids))
    if ids:
        pending_mark(ids)
        transaction.on_commit(lambda: recompute_send(ids))


def recompute_send(target_ids: list[int]) -> int:
    """Send the coalesced recompute message of each plan of these targets
    whose window is not already claimed; the number of messages sent."""
    from progress.engine.tasks import recompute_owed

    # A message run at once (eager: tests, a first look without a worker) pays only the marks
    # made so far, so each change sends its own.
    window = 0 if recompute_owed.app.conf.task_always_eager else settings.RECOMPUTE_COALESCE_SECONDS
    plan_ids = sorted(set(Target.objects.filter(pk__in=target_ids).values_list("task__plan_id", flat=True)))
    sent = 0
    for plan_id in plan_ids:
        if window and cache_add(_window_key(plan_id), 1, timeout=window) is False:
            continue  # a message already on its way pays these marks (a cache that is down: send)
        try:
            recompute_owed.apply_async((plan_id,), countdown=window or None)
        except Exception:
            cache_delete(_window_key(plan_id))
            log.exception("could not queue the recompute of plan %s; its marks are left to the catch-up", plan_id)
            return sent
        sent += 1
    return sent
