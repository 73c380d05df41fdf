"""Supervision's boxes on other apps' pages (see ``core.panels``): on the plan
dashboard, the zone's open follow-up notices and the ranking of units on the
basis every page and the bulletin rank on by default; on a target's page, the
leaders' instructions on it with the form to write one."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.template.loader import render_to_string

from core.panels import PLAN_DASHBOARD_END, PLAN_DASHBOARD_TOP, TARGET_PAGE, Panel, provides
from plans.models import Plan
from plans.periods import Period
from supervision.choices import DEFAULT_SCORE_MODE, InstructionSubject, ScoreMode
from supervision.forms import InstructionForm
from supervision.instructions import Subject, instructions_on_target, subject_of
from supervision.selectors import notice_summary, open_notices_with_items, unit_scores
from targets.models import Target
from zones import policy

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


def instructions_box(request: HttpRequest, *, instructions, subject: Subject, kind: str, subject_id: int) -> str:
    """The box of leaders' instructions on a page: each with its answer, a
    link to answer for the unit's people, and the form for a leader of the zone."""
    user = request.user
    rows = list(instructions)
    answers_for = set(policy.instruction_answer_units(user).values_list("pk", flat=True)) if rows else set()
    for instruction in rows:
        instruction.answerable = instruction.is_pending and instruction.unit_id in answers_for
    form = None
    if subject.unit is not None and policy.can_instruct(user, subject.zone):
        form = InstructionForm(initial={"subject": kind, "subject_id": subject_id})
    if not rows and form is None:
        return ""
    context = {"instructions": rows, "form": form, "unit": subject.unit}
    return render_to_string("supervision/panels/instructions.html", context, request=request)


@provides(TARGET_PAGE)
def target_instructions_panel(*, target: Target, request: HttpRequest) -> Panel | None:
    """The instructions on a target (and, on a task item's page, on its task), with the form."""
    html = instructions_box(
        request,
        instructions=instructions_on_target(target, user=request.user),
        subject=subject_of(target=target),
        kind=InstructionSubject.TARGET,
        subject_id=target.pk,
    )
    return Panel(name="instructions", html=html, order=10) if html else None
