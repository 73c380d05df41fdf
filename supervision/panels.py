"""Supervision's boxes on the plan dashboard (see ``core.panels``): the zone's
open follow-up notices, and the ranking of units on the basis every page and
the bulletin rank on by default."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from core.panels import PLAN_DASHBOARD_END, PLAN_DASHBOARD_TOP, Panel, provides
from plans.models import Plan
from plans.periods import Period
from supervision.choices import DEFAULT_SCORE_MODE, ScoreMode
from supervision.selectors import notice_summary, open_notices_with_items, unit_scores

# Open notices listed with their items in the dashboard's box (the rest on the notices page).
NOTICES_SHOWN = 5


@provides(PLAN_DASHBOARD_TOP)
def notices_panel(*, plan: Plan, period: Period, today: dt.date) -> Panel | None:
    """The zone's open notices counted, and the most pressing listed with the
    targets and tasks they follow up (a task tagged 任务, its standing in words)."""
    notices = notice_summary(plan=plan, today=today)
    if not notices.open:
        return None
    context = {
        "notices": notices,
        "rows": open_notices_with_items(plan=plan, period=period, limit=NOTICES_SHOWN),
        "more": max(0, notices.open - NOTICES_SHOWN),
        "period": period,
    }
    html = render_to_string("supervision/panels/notices.html", context)
    return Panel(name="notices", html=html, order=10)


@provides(PLAN_DASHBOARD_END)
def ranking_panel(*, plan: Plan, period: Period, today: dt.date) -> Panel:
    context = {
        "ranking": unit_scores(plan=plan, period=period, mode=DEFAULT_SCORE_MODE, today=today),
        "basis": ScoreMode(DEFAULT_SCORE_MODE).label,
        "period": period,
    }
    return Panel(name="ranking", html=render_to_string("supervision/panels/ranking.html", context), order=10)
