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
from supervision.selectors import notice_summary, unit_scores


@provides(PLAN_DASHBOARD_TOP)
def notices_panel(*, plan: Plan, period: Period, today: dt.date) -> Panel | None:
    notices = notice_summary(plan=plan, today=today)
    if not notices.open:
        return None
    html = render_to_string("supervision/panels/notices.html", {"notices": notices})
    return Panel(name="notices", html=html, order=10)


@provides(PLAN_DASHBOARD_END)
def ranking_panel(*, plan: Plan, period: Period, today: dt.date) -> Panel:
    context = {
        "ranking": unit_scores(plan=plan, period=period, mode=DEFAULT_SCORE_MODE, today=today),
        "basis": ScoreMode(DEFAULT_SCORE_MODE).label,
        "period": period,
    }
    return Panel(name="ranking", html=render_to_string("supervision/panels/ranking.html", context), order=10)
