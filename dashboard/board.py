"""What the plan dashboard shows, computed once per change of its inputs.

The figures on a plan's dashboard change only when its results are
recomputed, a report of the plan is saved or a notice moves. ``board_stamp``
reads those facts in one query; ``plan_board`` keys its cache on them, so
a leader never sees figures older than the data, and a dashboard viewed
again costs one query instead of a dozen. The cache entry also expires
after ``BOARD_TTL`` seconds, which bounds how long a renamed unit or task
keeps its old name there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language

from core import clock
from dashboard.selectors import BAD, latest_results
from plans.models import Plan
from progress.periods import Period
from supervision.choices import DEFAULT_SCORE_MODE
from supervision.selectors import NoticeSummary, UnitScore, unit_scores
from targets.choices import SEVERITY, Status
from targets.models import Target, TargetResult
from targets.selectors import result_explanation

BOARD_TTL = 300
LAGGING_SHOWN = 60
STATUS_ORDER = [Status.COMPLETED, Status.ON_TRACK, Status.LAGGING, Status.SERIOUS, Status.OVERDUE, Status.NO_DATA]


@dataclass
class Board:
    """The data of a plan's dashboard for one period."""

    headline: list[tuple[TargetResult, str]]
    unreported_headline: list[Target]
    counts: list[tuple[Status, int]]
    total: int
    lagging: list[tuple[TargetResult, str]]
    ranking: list[UnitScore]


STAMP_SQL = """
SELECT
    (SELECT updated_at FROM plans_plan WHERE id = %(plan)s),
    r.at, r.n, p.at, p.n, e.id
FROM
    (SELECT max(x.computed_at) AS at, count(*) AS n FROM targets_targetresult x
     JOIN targets_target t ON t.id = x.target_id JOIN plans_task k ON k.id = t.task_id
     WHERE k.plan_id = %(plan)s) r,
    (SELECT max(x.updated_at) AS at, count(*) AS n FROM progress_report x
     JOIN targets_target t ON t.id = x.target_id JOIN plans_task k ON k.id = t.task_id
     WHERE k.plan_id = %(plan)s) p,
    (SELECT max(x.id) AS id FROM supervision_noticeevent x
     JOIN supervision_notice n ON n.id = x.notice_id WHERE n.plan_id = %(plan)s) e
"""


def board_stamp(plan: Plan) -> tuple:
    """The facts whose change changes the dashboard, in one query: the plan's
    last edit; when its results were last written and how many there are;
    the same for its reports; its newest notice event."""
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL, {"plan": plan.pk})
        return tuple(cursor.fetchone())


def _key(plan: Plan, period: Period, stamp: tuple, notices: NoticeSummary, today: dt.date) -> str:
    facts = repr((stamp, tuple(vars(notices).values()), today.isoformat(), get_language()))
    return f"dashboard:board:{plan.pk}:{period}:{hashlib.sha256(facts.encode()).hexdigest()[:32]}"


def board_compute(*, plan: Plan, period: Period) -> Board:
    """Compute the dashboard's data: one read of each target's latest result
    (with its task, lead unit and leader), split in Python by kind of use,
    and the units' scores."""
    # The ids first: joined to the tasks, units and users in one statement,
    # the planner would hash the whole results table to find 150 rows.
    latest = list(
        latest_results(targets=Target.objects.filter(task__plan=plan), period=period).values_list("pk", flat=True)
    )
    results = list(
        TargetResult.objects.filter(pk__in=latest).select_related("target__task__lead_unit", "target__task__leader")
    )
    headline = sorted((r for r in results if r.target.is_headline), key=lambda r: (r.target.task.order, r.target.order))
    reported = {r.target_id for r in headline}
    unreported = [
        t
        for t in Target.objects.filter(task__plan=plan, is_headline=True).order_by("task__order", "order")
        if t.pk not in reported
    ]
    bad = [r for r in results if r.status in BAD]
    bad.sort(key=lambda r: (-SEVERITY[Status(r.status)], r.gap is None, r.gap or 0, r.target.task.order))
    lagging = bad[:LAGGING_SHOWN]
    counts = {status.value: 0 for status in Status}
    for r in results:  # a plan's targets, already read: no second query
        counts[r.status] += 1
    return Board(
        headline=[(r, result_explanation(r, target=r.target, plan=plan)) for r in headline],
        unreported_headline=unreported,
        counts=[(status, counts[status.value]) for status in STATUS_ORDER],
        total=len(results),
        lagging=[(r, result_explanation(r, target=r.target, plan=plan)) for r in lagging],
        # The same scores as supervision's ranking page and the bulletin, on
        # the same basis (named in the box's heading by {% ranking_title %}).
        ranking=unit_scores(plan=plan, period=period, mode=DEFAULT_SCORE_MODE),
    )


def plan_board(*, plan: Plan, period: Period, notices: NoticeSummary, today: dt.date | None = None) -> Board:
    """The dashboard's data, from the cache while its inputs are unchanged."""
    today = today or clock.today()
    key = _key(plan, period, board_stamp(plan), notices, today)
    board = cache.get(key)
    if board is None:
        board = board_compute(plan=plan, period=period)
        cache.set(key, board, BOARD_TTL)
    return board
