"""Reads for progress entry and review. Query counts do not grow with rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from plans.models import Plan
from progress.choices import ReportStatus
from progress.models import PeriodReopening, Report, ReportEvent
from progress.periods import Period, PeriodState, is_reporting_month, period_state
from targets.models import Target
from zones.models import Unit


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(target__in=Target.objects.visible_to(user))


def effective_period_state(*, plan: Plan, unit: Unit, period: Period, today: dt.date) -> PeriodState:
    """The period's state for one unit, a recorded reopening included."""
    state = period_state(period, today=today, due_day=plan.due_day, lock_after_days=plan.lock_after_days)
    if state is PeriodState.LOCKED and reopening_for(plan=plan, unit=unit, period=period, today=today):
        return PeriodState.OPEN
    return state


def reopening_for(*, plan: Plan, unit: Unit, period: Period, today: dt.date) -> PeriodReopening | None:
    return (
        PeriodReopening.objects.filter(plan=plan, unit=unit, year=period.year, month=period.month, until__gte=today)
        .order_by("-until")
        .first()
    )


def unit_targets(*, plan: Plan, unit: Unit, reader=None) -> QuerySet[Target]:
    """The targets a unit leads in a plan, in document order; with ``reader``, only those the
    reader may see (a co-operating unit sees the tasks it shares, not the lead unit's others)."""
    targets = Target.objects.visible_to(reader) if reader is not None else Target.objects.all()
    return (
        targets.filter(task__plan=plan, task__lead_unit=unit)
        .select_related("task")
        .order_by("task__order", "order", "id")
    )


@dataclass
class Row:
    """One line of a unit's period form."""

    target: Target
    report: Report | None
    previous: Report | None
    before_previous: Report | None
    history: list[Report] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.report is None or self.report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def status(self) -> str:
        return self.report.status if self.report else "missing"

    @property
    def previous_value(self) -> Decimal | None:
        return self.previous.value if self.previous else None


def period_rows(*, plan: Plan, unit: Unit, period: Period, reader=None) -> list[Row]:
    """The unit's targets that report in ``period`` (with ``reader``, those the reader may see)
    with this and earlier reports of the same year (two queries, whatever the number of targets)."""
    year_reports = Prefetch(
        "reports",
        queryset=Report.objects.filter(year=period.year, month__lte=period.month).order_by("month"),
        to_attr="year_reports",
    )
    rows = []
    for target in unit_targets(plan=plan, unit=unit, reader=reader).prefetch_related(year_reports):
        if not is_reporting_month(period.month, frequency=target.frequency, jan_feb_combined=plan.jan_feb_combined):
            continue
        current = next((r for r in target.year_reports if r.month == period.month), None)
        earlier = [r for r in target.year_reports if r.month < period.month and r.value is not None]
        rows.append(
            Row(
                target=target,
                report=current,
                previous=earlier[-1] if earlier else None,
                before_previous=earlier[-2] if len(earlier) > 1 else None,
                history=earlier,
            )
        )
    return rows


def review_queue(*, units: QuerySet[Unit]) -> QuerySet[Report]:
    """Submitted reports of the given units, oldest submission first."""
    return (
        Report.objects.filter(status=ReportStatus.SUBMITTED, target__task__lead_unit__in=units)
        .select_related("target", "target__task", "target__task__lead_unit", "target__task__plan", "submitted_by")
        .order_by("submitted_at", "target__task__order", "target__order")
    )


def pending_figures(*, targets: QuerySet[Target] | Iterable[int], period: Period) -> dict[int, Report]:
    """Each target's figure for ``period`` that was submitted and waits for
    review (待审核), keyed by target id; one query, whatever the number of
    targets.

    Results count approved figures only (progress.choices.COUNTED); pages,
    lists and exports show a pending figure beside the approved one, marked,
    and read it here.
    """
    if not isinstance(targets, QuerySet):
        targets = list(targets)
    reports = Report.objects.filter(
        target__in=targets, year=period.year, month=period.month, status=ReportStatus.SUBMITTED
    )
    return {report.target_id: report for report in reports}


def report_history(*, target: Target) -> QuerySet[ReportEvent]:
    return ReportEvent.objects.filter(report__target=target).select_related("report", "by").order_by("-at", "-id")


def returned_reports(*, units: QuerySet[Unit]) -> QuerySet[Report]:
    return Report.objects.filter(status=ReportStatus.RETURNED, target__task__lead_unit__in=units).select_related(
        "target", "target__task", "returned_by"
    )


def staff_plans(*, units: QuerySet[Unit]) -> QuerySet[Plan]:
    """Published plans in which the units lead at least one target."""
    return (
        Plan.objects.filter(status="published", tasks__lead_unit__in=units, tasks__targets__isnull=False)
        .distinct()
        .select_related("zone")
        .order_by("-start_year", "title")
    )


def co_operation_targets(*, units: QuerySet[Unit]) -> QuerySet[Target]:
    """Targets the units co-operate on but do not lead (read-only for them)."""
    return (
        Target.objects.filter(Q(task__co_units__in=units) & ~Q(task__lead_unit__in=units))
        .distinct()
        .select_related("task", "task__lead_unit", "task__plan")
    )
