"""The home page's to-do: what waits for the user, role by role.

Reporting staff: the periods due (days left, rows left, a link to each
form), the figures returned and why (a link to the form's row), the notices
and the leaders' instructions waiting for their answer. Reviewers: what waits for review, oldest first.
Leaders: the lagging items of their tasks and the notices on them. The
supervision team: notices overdue, unanswered and waiting to be closed.

Each part is read only for a user holding its role, each in a fixed number
of queries (the leader's lagging items, one per plan of their tasks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from plans.choices import PlanStatus
from plans.models import Plan
from plans.periods import Period, default_period
from progress.links import period_form_url
from progress.selectors import PeriodDue, ReviewWaiting, periods_due, returned_reports, review_waiting
from supervision.instructions import instructions_to_answer
from supervision.models import Instruction, Notice
from supervision.selectors import (
    notices_on_tasks_of,
    notices_to_answer,
    supervision_todo_counts,
)
from targets.choices import BAD
from targets.models import Target, TargetResult
from targets.selectors import latest_results
from zones import policy

SHOWN = 20
"""The most rows one list of the to-do shows; its heading gives the whole count."""


@dataclass
class LeaderPlan:
    """A plan of the leader's tasks: its month just closed and what lags in it."""

    plan: Plan
    period: Period
    lagging: list[TargetResult]


@dataclass
class Todo:
    due: list[PeriodDue] = field(default_factory=list)
    returned: list = field(default_factory=list)
    returned_count: int = 0
    to_answer: list[Notice] = field(default_factory=list)
    instructions: list[Instruction] = field(default_factory=list)
    instructions_count: int = 0
    review: list[ReviewWaiting] = field(default_factory=list)
    leader_plans: list[LeaderPlan] = field(default_factory=list)
    leader_notices: list[Notice] = field(default_factory=list)
    supervision: dict[str, int] | None = None

    @property
    def review_count(self) -> int:
        return sum(group.count for group in self.review)

    @property
    def leader_lagging_count(self) -> int:
        return sum(len(part.lagging) for part in self.leader_plans)

    @property
    def anything(self) -> bool:
        return bool(
            self.due
            or self.returned
            or self.to_answer
            or self.instructions
            or self.review
            or self.leader_plans
            or self.leader_notices
            or (self.supervision and any(self.supervision.values()))
        )


def todo_of(user, *, roles: frozenset[str], today: dt.date) -> Todo:
    """The user's to-do as of ``today``; ``roles`` are the user's roles (the
    menu's ``my_roles``), so that a part is read only for its role."""
    todo = Todo()
    if "staff" in roles:
        units = policy.entry_units(user).select_related("zone")
        todo.due = periods_due(units=units, today=today)
        returned = returned_reports(units=units).select_related("target__task__plan").order_by("returned_at")
        todo.returned_count = returned.count()
        todo.returned = list(returned[:SHOWN])
        for report in todo.returned:
            task = report.target.task
            report.form_url = period_form_url(
                plan_id=task.plan_id,
                unit_id=task.lead_unit_id,
                period=Period(report.year, report.month),
                target_id=report.target_id,
            )
    if "staff" in roles or "reviewer" in roles:
        todo.to_answer = list(notices_to_answer(user).select_related("unit").order_by("reply_by", "pk")[:SHOWN])
        waiting = instructions_to_answer(user)
        todo.instructions_count = waiting.count()
        if todo.instructions_count:
            todo.instructions = list(waiting.select_related("unit", "author").order_by("created_at", "pk")[:SHOWN])
    if "reviewer" in roles:
        todo.review = review_waiting(units=policy.review_units(user))
    if "leader" in roles:
        todo.leader_plans = _leader_plans(user, today=today)
        todo.leader_notices = list(notices_on_tasks_of(user).select_related("unit").order_by("reply_by", "pk")[:SHOWN])
    if "supervisor" in roles or "admin" in roles or user.is_superuser:
        todo.supervision = supervision_todo_counts(user, today=today)
    return todo


def _leader_plans(user, *, today: dt.date) -> list[LeaderPlan]:
    """Each published plan of the leader's tasks with the targets of those tasks that lag
    (lagging, seriously lagging or overdue) in its month just closed."""
    plans = (
        Plan.objects.filter(tasks__leader=user, status=PlanStatus.PUBLISHED).distinct().order_by("-start_year", "title")
    )
    parts = []
    for plan in plans:
        period = default_period(plan, today=today)
        lagging = list(
            latest_results(targets=Target.objects.filter(task__plan=plan, task__leader=user), period=period)
            .filter(status__in=BAD)
            .select_related("target", "target__task")
            .order_by("target__task__order", "target__order")[:SHOWN]
        )
        parts.append(LeaderPlan(plan=plan, period=period, lagging=lagging))
    return parts
