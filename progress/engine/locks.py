"""Advisory locks that keep the two recompute paths from writing one plan's
results at once (PostgreSQL; elsewhere they are no-ops).

The bulk path (``progress.engine.bulk``) inserts a plan's new results and flags by
plain ``INSERT`` and so must know that nobody else inserts rows of that plan
meanwhile: it holds the plan's lock exclusively for its transaction. The
single-target path (``progress.engine.recompute.targets_recompute``) holds it shared:
any number of single-target recomputes run side by side, and one that arrives
during a bulk recompute of its plan waits for that to commit (seconds at
most) and then sees its rows. Locks are transaction-scoped, so a crash or a
rollback releases them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

# The first key of the two-key advisory lock functions: a namespace of our
# own (the ASCII of "TZrc"), the plan id being the second.
PLAN_LOCK_SPACE = 0x545A7263


def plans_lock(plan_ids: Iterable[int]) -> None:
    """Hold each plan's recompute lock exclusively until the transaction ends.

    Taken in ascending id order, so two callers with overlapping plans queue
    rather than deadlock. Call inside ``transaction.atomic``.
    """
    if connection.vendor != "postgresql":
        return
    ids = sorted({int(pk) for pk in plan_ids})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, id)) FROM unnest(%s::int[]) AS id",
            [PLAN_LOCK_SPACE, ids],
        )


def plan_lock_shared(plan_id: int) -> None:
    """Hold one plan's recompute lock shared until the transaction ends.

    Call inside ``transaction.atomic``, before reading what will be written.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [PLAN_LOCK_SPACE, int(plan_id)])
