"""Publishing a plan: what is still missing, and the publication itself.

A draft plan is its zone administration's; publishing opens it for
reporting. Before that, the administrator sees what would leave a target
without anyone to answer for it (``publish_checklist``) and may fix it or
publish anyway; the publication records who and when, sets the month
reporting starts from (``plans.periods.reporting_start``) and has the plan
computed at once (the outbox mark in the same transaction, the message after
the commit), so the dashboard shows every target, 未报 included, straight away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from core import clock
from plans.choices import PlanStatus
from plans.models import Plan, Task
from plans.periods import Period
from progress.engine.outbox import plans_mark
from targets.models import Target
from zones.choices import Role
from zones.models import Unit
from zones.selectors import has_active_member


@dataclass(frozen=True)
class Checklist:
    """What a plan still lacks before it is reported on, each a list of what
    to fix (empty: nothing missing)."""

    units_without_staff: list[Unit]
    units_without_reviewer: list[Unit]
    tasks_without_leader: list[Task]
    past_deadlines: list[Target | Task]
    targets_without_unit: list[Target]

    @property
    def missing(self) -> int:
        """How many things are missing in all."""
        return sum(
            len(items)
            for items in (
                self.units_without_staff,
                self.units_without_reviewer,
                self.tasks_without_leader,
                self.past_deadlines,
                self.targets_without_unit,
            )
        )


def _lead_units(plan: Plan) -> QuerySet[Unit]:
    """The units that lead a task of the plan with a target, with how many
    targets each leads (``target_count``)."""
    with_targets = Q(led_tasks__plan=plan, led_tasks__targets__isnull=False)
    return (
        Unit.objects.filter(with_targets)
        .annotate(target_count=Count("led_tasks__targets", filter=Q(led_tasks__plan=plan), distinct=True))
        .order_by("order", "name")
    )


def publish_checklist(plan: Plan, *, today: dt.date | None = None) -> Checklist:
    """What is missing before ``plan`` is reported on: units that lead
    targets but have no active reporting staff (填报员) or reviewer (审核人),
    tasks with targets but no responsible leader, deadlines already past (of
    targets, milestones included, and of tasks) and targets whose task has no
    lead unit. A fixed number of queries, whatever the plan's size."""
    today = today or clock.today()
    units = _lead_units(plan).annotate(
        has_staff=has_active_member(Role.STAFF), has_reviewer=has_active_member(Role.REVIEWER)
    )
    units = list(units)
    tasks = Task.objects.filter(plan=plan)
    past_targets = list(
        Target.objects.filter(task__plan=plan, deadline__lt=today).select_related("task").order_by("deadline", "pk")
    )
    past_tasks = list(tasks.filter(deadline__lt=today, targets__isnull=True).order_by("deadline", "order"))
    return Checklist(
        units_without_staff=[unit for unit in units if not unit.has_staff],
        units_without_reviewer=[unit for unit in units if not unit.has_reviewer],
        tasks_without_leader=list(
            tasks.filter(leader__isnull=True, targets__isnull=False).distinct().order_by("order")
        ),
        past_deadlines=[*past_targets, *past_tasks],
        targets_without_unit=list(
            Target.objects.filter(task__plan=plan, task__lead_unit__isnull=True)
            .select_related("task")
            .order_by("task__order", "order")
        ),
    )


def default_reporting_start(plan: Plan, *, today: dt.date | None = None) -> Period:
    """The month reporting starts from when the administrator names none:
    the month of publishing, kept within the plan's years."""
    today = today or clock.today()
    if today.year < plan.start_year:
        return Period(plan.start_year, 1)
    if today.year > plan.end_year:
        return Period(plan.end_year, 12)
    return Period(today.year, today.month)


class PublishRefused(Exception):
    """The publication cannot be made; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _check_start(plan: Plan, start: Period) -> None:
    if not plan.start_year <= start.year <= plan.end_year:
        raise PublishRefused(_("Reporting must start within the plan's years (%(span)s).") % {"span": plan.span_label})


def _recompute_soon(plan_id: int) -> None:
    """Record the plan as owed a recompute and send the message after the
    commit (the catch-up sends it if the broker refuses)."""
    from progress.engine.tasks import plans_queue

    plans_mark([plan_id], queued=True)
    transaction.on_commit(lambda: plans_queue([plan_id]))


def plan_publish(*, plan: Plan, by, reports_from: Period) -> Plan:
    """Publish a draft plan for reporting from ``reports_from``, recording
    who and when, and have it computed at once. Refuses a plan that is not a
    draft or a start outside the plan's years (``PublishRefused``)."""
    _check_start(plan, reports_from)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.DRAFT:
            raise PublishRefused(_("This plan is already published."))
        locked.status = PlanStatus.PUBLISHED
        locked.published_at = clock.now()
        locked.published_by = by
        locked.reports_from = dt.date(reports_from.year, reports_from.month, 1)
        locked.save(update_fields=["status", "published_at", "published_by", "reports_from", "updated_at"])
        _recompute_soon(locked.pk)
    return locked


def plan_reporting_start_set(*, plan: Plan, by, reports_from: Period) -> Plan:
    """Move a plan's reporting start (before or after publishing) and, for a
    published plan, recompute it: months before the new start stop counting,
    months after an earlier one start to."""
    _check_start(plan, reports_from)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        locked.reports_from = dt.date(reports_from.year, reports_from.month, 1)
        locked.save(update_fields=["reports_from", "updated_at"])
        if locked.status == PlanStatus.PUBLISHED:
            _recompute_soon(locked.pk)
    return locked
