"""What the plan dashboard shows, computed once per change of its inputs.

The figures on a plan's dashboard change only when its results are
recomputed, a figure is approved (results count approved figures only), the
plan is edited or a notice moves. ``board_stamp`` reads those facts in one query; ``plan_board``
keys its cache on them, so a leader never sees figures older than the data,
and a dashboard viewed again costs two queries instead of a dozen. A draft
saved or a figure submitted at month end moves none of them, so a thousand
clerks at work do not empty the leaders' cache: the figures waiting for
review, the one thing a submission changes on the page, are read fresh on
every view (``pending_attach``) and never cached. The cache entry also
expires after ``BOARD_TTL`` seconds, which bounds how long a renamed unit or
task keeps its old name there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.template.loader import render_to_string
from django.utils.translation import get_language

from core import clock
from core.panels import PLAN_DASHBOARD_END, PLAN_DASHBOARD_TOP, Panel, panels
from core.shared_cache import cache_get, cache_set
from dashboard.selectors import Tally, TargetRow, tally
from dashboard.sparks import Spark, own_figures, spark_of
from plans.models import Plan
from plans.periods import Period
from progress.choices import COUNTED
from progress.selectors import pending_figures
from targets.ahead_words import AheadView, ahead_view
from targets.choices import BAD, SEVERITY, Outlook, Status
from targets.facts import facts_of
from targets.models import Target, TargetResult
from targets.selectors import latest_results, result_explanation

BOARD_TTL = 300


@dataclass
class Row(TargetRow):
    """A result on the dashboard with its one-line explanation, its way
    ahead in words (an amount's) and, on a card, its trend line."""

    explanation: str = ""
    ahead: AheadView | None = None
    spark: Spark | None = None


@dataclass
class Board:
    """The data of a plan's dashboard for one period: every list whole (the
    page pages through them), the two questions counted, when the newest
    result shown was computed."""

    headline: list[Row]
    unreported_headline: list[Target]
    tally: Tally
    lagging: list[Row]
    # The targets whose stored outlook is a miss, then those at risk
    # ("按当前进度预计年底未达标"), the ones not yet lagging first.
    heading_for_miss: list[Row]
    # Other apps' boxes (core.panels): above the lagging list, and at the end
    # (supervision's notices and ranking of units).
    panels_top: list[Panel]
    panels_end: list[Panel]
    # The box of ``heading_for_miss`` drawn (it shows no figure waiting for
    # review): rendered once with the board and cached with it.
    outlook_html: str = ""

    @property
    def computed_at(self) -> dt.datetime | None:
        return self.tally.computed_at


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
     WHERE k.plan_id = %(plan)s AND x.status IN ({counted})) p,
    (SELECT max(x.id) AS id FROM supervision_noticeevent x
     JOIN supervision_notice n ON n.id = x.notice_id WHERE n.plan_id = %(plan)s) e
""".format(counted=", ".join(f"'{status}'" for status in COUNTED))  # noqa: S608 - the enum constants, nothing typed


def board_stamp(plan: Plan) -> tuple:
    """The facts whose change changes the cached part of the dashboard, in
    one query: the plan's last edit; when its results were last written and
    how many there are; the same for its counted (approved) reports; its
    newest notice event. A draft or a submission moves none of them; an
    approval moves the reports' part at once (whatever the workers' clocks)
    and the results' part when its recompute lands."""
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL, {"plan": plan.pk})
        return tuple(cursor.fetchone())


def _key(plan: Plan, period: Period, stamp: tuple, today: dt.date) -> str:
    facts = repr((stamp, today.isoformat(), get_language()))
    return f"dashboard:board:v4:{plan.pk}:{period}:{hashlib.sha256(facts.encode()).hexdigest()[:32]}"


def board_compute(*, plan: Plan, period: Period, today: dt.date | None = None) -> Board:
    """Compute the dashboard's data: one read of each target's latest result
    (with its task, lead unit and leader), split in Python by kind of use,
    and the other apps' boxes. The figures waiting for review are left out
    (``pending_attach`` adds them on every view)."""
    today = today or clock.today()
    plan_targets = Target.objects.filter(task__plan=plan)
    # The ids first: joined to the tasks, units and users in one statement,
    # the planner would hash the whole results table to find 150 rows.
    latest = list(latest_results(targets=plan_targets, period=period).values_list("pk", flat=True))
    results = list(
        TargetResult.objects.filter(pk__in=latest).select_related("target__task__lead_unit", "target__task__leader")
    )
    headline = sorted((r for r in results if r.target.is_headline), key=lambda r: (r.target.task.order, r.target.order))
    figures = own_figures((r.target_id for r in headline), period=period)

    def row(result: TargetResult, *, spark: bool = False) -> Row:
        facts = facts_of(result.target, plan)
        explanation = result_explanation(result, target=result.target, plan=plan)
        ahead = ahead_view(result, facts)
        # An amount's figures beside last year's (a rate's result is not on their scale).
        last_year = facts.baseline_by_month if ahead is not None and period.year == plan.start_year else None
        return Row(
            result.target,
            result,
            explanation=explanation,
            ahead=ahead,
            spark=spark_of(figures.get(result.target_id, {}), last_year) if spark else None,
        )

    reported = {r.target_id for r in headline}
    unreported = [
        t for t in plan_targets.filter(is_headline=True).order_by("task__order", "order") if t.pk not in reported
    ]
    bad = [r for r in results if r.status in BAD]
    bad.sort(key=lambda r: (-SEVERITY[Status(r.status)], r.gap is None, r.gap or 0, r.target.task.order))
    doubtful = [row(r) for r in heading_for_miss(results)]
    return Board(
        headline=[row(r, spark=True) for r in headline],
        unreported_headline=unreported,
        tally=tally(results),  # a plan's results, already read: no second query
        lagging=[row(r) for r in bad],
        heading_for_miss=doubtful,
        panels_top=panels(PLAN_DASHBOARD_TOP, plan=plan, period=period, today=today),
        panels_end=panels(PLAN_DASHBOARD_END, plan=plan, period=period, today=today),
        outlook_html=outlook_box(doubtful, period=period),
    )


def outlook_box(rows: list[Row], *, period: Period) -> str:
    """The box of the targets heading for a miss, drawn: the misses, then
    those at risk folded under their count."""
    miss_count = sum(1 for row in rows if row.result.outlook == Outlook.MISS)
    context = {
        "heading_for_miss": rows,
        "miss_count": miss_count,
        "at_risk_count": len(rows) - miss_count,
        "period": period,
    }
    return render_to_string("dashboard/_outlook_box.html", context)


# The outlooks the dashboard's box lists, in its order.
DOUBTFUL = (Outlook.MISS, Outlook.RISK)


def heading_for_miss(results: list[TargetResult]) -> list[TargetResult]:
    """The results whose stored outlook is a miss or at risk: misses first;
    within each, those not yet lagging first (the box's news: they will turn
    red), then by how far the projection falls short of the target."""
    doubtful = [r for r in results if r.outlook in DOUBTFUL]

    def short(result: TargetResult):
        value = result.target.value
        if not value or result.projected is None:
            return 0
        return result.projected / value

    doubtful.sort(
        key=lambda r: (DOUBTFUL.index(r.outlook), r.status in BAD, short(r), r.target.task.order, r.target.order)
    )
    return doubtful


def plan_board(*, plan: Plan, period: Period, today: dt.date | None = None) -> Board:
    """The dashboard's data, from the cache while its inputs are unchanged
    (its boxes of notices too: a notice that moves adds an event to the stamp,
    and one that falls overdue does so on a new day, part of the key)."""
    today = today or clock.today()
    key = _key(plan, period, board_stamp(plan), today)
    board = cache_get(key)
    if board is None:
        board = board_compute(plan=plan, period=period, today=today)
        cache_set(key, board, BOARD_TTL)
    return pending_attach(board, plan=plan, period=period)


def pending_attach(board: Board, *, plan: Plan, period: Period) -> Board:
    """Mark each row with its figure waiting for review, read now (one query):
    a submission shows on the leader's dashboard at once, marked and not
    counted, without invalidating the cached rest."""
    pending = pending_figures(targets=Target.objects.filter(task__plan=plan), period=period)
    for row in (*board.headline, *board.lagging, *board.heading_for_miss):
        row.pending = pending.get(row.target.pk)
    return board
