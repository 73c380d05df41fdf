"""Reads for progress entry and review. Query counts do not grow with rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from plans.choices import PlanStatus
from plans.models import Plan, Task
from plans.periods import (
    Period,
    PeriodState,
    days_until_due,
    due_date,
    is_reporting_month,
    period_counts,
    period_label,
    periods_of_plan,
    plan_period_state,
)
from progress.choices import COUNTED, EDITABLE, SENT, LateRequestStatus, ReportStatus
from progress.engine.recompute import period_reporting
from progress.models import LateReportRequest, PeriodReopening, Report, ReportEvent
from targets import kinds
from targets.choices import ReportingStatus
from targets.models import Target, TargetResult
from zones import policy
from zones.choices import Role
from zones.models import Unit


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(target__in=Target.objects.visible_to(user))


def effective_period_state(*, plan: Plan, unit: Unit, period: Period, today: dt.date) -> PeriodState:
    """The period's state for one unit, a recorded reopening included."""
    state = plan_period_state(plan, period, today=today)
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
    """The targets a unit leads in a plan, in document order, task by task, each
    task's item (its progress in words) first and its figures after it; with
    ``reader``, only those the reader may see (a co-operating unit sees the tasks
    it shares, not the lead unit's others)."""
    targets = Target.objects.visible_to(reader) if reader is not None else Target.objects.all()
    item_first = Case(When(kind=kinds.TASK.key, then=Value(0)), default=Value(1))
    return (
        targets.filter(task__plan=plan, task__lead_unit=unit)
        .select_related("task")
        .order_by("task__order", "task_id", item_first, "order", "id")
    )


@dataclass
class Row:
    """One line of a unit's period form. ``previous`` and ``before_previous``
    are the last two approved reports of the year before this period (上期):
    what this period's figure is shown beside and checked against."""

    target: Target
    report: Report | None
    previous: Report | None
    before_previous: Report | None
    history: list[Report] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.report is None or self.report.status in EDITABLE

    @property
    def status(self) -> str:
        return self.report.status if self.report else "missing"

    @property
    def previous_value(self) -> Decimal | None:
        return self.previous.value if self.previous else None


def period_target_ids(*, plan: Plan, unit: Unit, period: Period) -> list[int]:
    """The targets of ``period_rows`` (without a reader), ids only and in the
    same order: one narrow query, for a save that reads its rows under lock."""
    return [
        pk
        for pk, frequency in unit_targets(plan=plan, unit=unit).values_list("pk", "frequency")
        if is_reporting_month(period.month, frequency=frequency, jan_feb_combined=plan.jan_feb_combined)
    ]


def period_rows(*, plan: Plan, unit: Unit, period: Period, reader=None) -> list[Row]:
    """The unit's targets that report in ``period`` (with ``reader``, those the reader may see)
    with this period's report and the approved earlier ones of the same year
    (two queries, whatever the number of targets)."""
    return periods_rows(plan=plan, unit=unit, periods=[period], reader=reader)[period]


def periods_rows(*, plan: Plan, unit: Unit, periods: list[Period], reader=None) -> dict[Period, list[Row]]:
    """``period_rows`` for several periods of a plan at once (my reports' open
    months): the same rows, from two queries whatever the number of periods and
    targets."""
    if not periods:
        return {}
    last_month: dict[int, int] = {}
    for period in periods:
        last_month[period.year] = max(period.month, last_month.get(period.year, 0))
    in_years = Q()
    for year, month in last_month.items():
        in_years |= Q(year=year, month__lte=month)
    year_reports = Prefetch(
        "reports", queryset=Report.objects.filter(in_years).order_by("year", "month"), to_attr="year_reports"
    )
    targets = list(unit_targets(plan=plan, unit=unit, reader=reader).prefetch_related(year_reports))
    return {period: _rows_of(targets, plan=plan, period=period) for period in periods}


def _rows_of(targets: list[Target], *, plan: Plan, period: Period) -> list[Row]:
    """The rows of one period from targets read with their reports of the period's year up to it."""
    rows = []
    for target in targets:
        if not is_reporting_month(period.month, frequency=target.frequency, jan_feb_combined=plan.jan_feb_combined):
            continue
        reports = [r for r in target.year_reports if r.year == period.year and r.month <= period.month]
        current = next((r for r in reports if r.month == period.month), None)
        # 上期: the last figure a reviewer approved, never a draft or one waiting for review.
        earlier = [r for r in reports if r.month < period.month and r.value is not None and r.status in COUNTED]
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


# A figure waiting for review (待审核): submitted, not yet approved or returned.
PENDING = ReportStatus.SUBMITTED


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
    reports = Report.objects.filter(target__in=targets, year=period.year, month=period.month, status=PENDING)
    return {report.target_id: report for report in reports}


def pending_among(reports: Iterable[Report], *, period: Period) -> Report | None:
    """``pending_figures`` of one target whose reports are already read (its
    page): the report of ``period`` that waits for review, if any."""
    return next((r for r in reports if r.year == period.year and r.month == period.month and r.status == PENDING), None)


def with_approved_problems(results: QuerySet[TargetResult]) -> QuerySet[TargetResult]:
    """Annotate each result with 存在问题 of the approved report it judged
    (``approved_problems``): the report of the result's data period, counted
    (``progress.choices.COUNTED``). A document that states a reason beside a
    standing (the bulletin) reads it here, so that the reason is always the
    one given with the approved standing, never a draft's, a returned
    report's or one still waiting for review. The leader's "my tasks" and
    the bulletin read a task's 存在问题 here."""
    judged = Report.objects.filter(
        target=OuterRef("target"),
        year=Coalesce(OuterRef("data_year"), OuterRef("year")),
        month=OuterRef("data_month"),
        status__in=COUNTED,
    )
    return results.annotate(approved_problems=Subquery(judged.values("problems")[:1]))


def report_history(*, target: Target) -> QuerySet[ReportEvent]:
    return ReportEvent.objects.filter(report__target=target).select_related("report", "by").order_by("-at", "-id")


def returned_reports(*, units: QuerySet[Unit]) -> QuerySet[Report]:
    return Report.objects.filter(status=ReportStatus.RETURNED, target__task__lead_unit__in=units).select_related(
        "target", "target__task", "returned_by"
    )


def staff_plans(*, units: QuerySet[Unit]) -> QuerySet[Plan]:
    """Published plans in which the units lead at least one target."""
    # A subquery, not a join: no duplicate rows to fold with DISTINCT.
    leading = Task.objects.filter(lead_unit__in=units, targets__isnull=False).values("plan")
    return (
        Plan.objects.filter(status=PlanStatus.PUBLISHED, pk__in=leading)
        .select_related("zone")
        .order_by("-start_year", "title")
    )


def co_operation_targets(*, units: QuerySet[Unit]) -> QuerySet[Target]:
    """Targets the units co-operate on but do not lead (read-only for them)."""
    tasks = Task.objects.filter(co_units__in=units).exclude(lead_unit__in=units).values("pk")
    return Target.objects.filter(task__in=tasks).select_related("task", "task__lead_unit", "task__plan")


# --- the unit's reporting status for a month (the second question) ----------------


@dataclass(frozen=True)
class ReportingCount:
    """How many of a unit's targets of a month stand at one reporting status."""

    status: ReportingStatus
    count: int

    @property
    def label(self) -> str:
        return self.status.label


def reporting_counts(reports, *, due: dt.date, today: dt.date) -> list[ReportingCount]:
    """The unit's reporting status for a month, target by target, counted: each
    report (or None for a target without one) judged by the engine's own rule
    (progress.engine.recompute.period_reporting), so a page says 已报 / 待审核 / 未报 /
    逾期未报 / 补报 as the dashboards will once the engine has run."""
    counts: dict[str, int] = {}
    for report in reports:
        status = period_reporting(report, due=due, as_of=today)
        counts[status] = counts.get(status, 0) + 1
    return [
        ReportingCount(ReportingStatus(value), counts[value]) for value in ReportingStatus.values if value in counts
    ]


def rows_reporting(rows: list[Row], *, plan: Plan, period: Period, today: dt.date) -> list[ReportingCount]:
    """The period's rows counted by reporting status (none for a period before
    the plan's reporting start: nothing was owed)."""
    if not period_counts(plan, period):
        return []
    return reporting_counts((row.report for row in rows), due=due_date(period, due_day=plan.due_day), today=today)


def unit_reporting_by_period(
    *, plan: Plan, unit: Unit, periods: list[Period], today: dt.date, reader=None
) -> dict[Period, list[ReportingCount]]:
    """``rows_reporting`` for every period of a plan at once (two queries), for
    the periods that have begun, from the plan's reporting start."""
    targets = list(unit_targets(plan=plan, unit=unit, reader=reader).select_related(None).only("pk", "frequency"))
    reports = {
        (report.target_id, report.year, report.month): report
        for report in Report.objects.filter(target__in=[t.pk for t in targets]).only(
            "target_id", "year", "month", "status", "submitted_at"
        )
    }
    result = {}
    for period in periods:
        if dt.date(period.year, period.month, 1) > today or not period_counts(plan, period):
            continue
        reporting = [
            reports.get((target.pk, period.year, period.month))
            for target in targets
            if is_reporting_month(period.month, frequency=target.frequency, jan_feb_combined=plan.jan_feb_combined)
        ]
        result[period] = reporting_counts(reporting, due=due_date(period, due_day=plan.due_day), today=today)
    return result


# --- late-report requests (补报申请) ---------------------------------------------------


def late_requests_visible_to(user) -> QuerySet[LateReportRequest]:
    """The requests a user may read: those of the units they report for or
    review, and every request of the zones they see whole (the zone office
    among them)."""
    if not user.is_authenticated:
        return LateReportRequest.objects.none()
    if user.is_superuser:
        return LateReportRequest.objects.all()
    return LateReportRequest.objects.filter(
        Q(unit__in=policy.units_with_role(user, Role.STAFF, Role.REVIEWER))
        | Q(plan__zone__in=policy.zones_seen_whole(user))
    )


def late_requests_waiting(user) -> QuerySet[LateReportRequest]:
    """Pending requests the user decides (the zone office's queue), oldest first."""
    return LateReportRequest.objects.filter(
        status=LateRequestStatus.PENDING, plan__zone__in=policy.late_report_deciders(user)
    ).order_by("requested_at", "id")


# A decision stays on the staff's home page for this many days.
DECISION_NOTICE_DAYS = 14


def late_request_decisions(user, *, today: dt.date) -> QuerySet[LateReportRequest]:
    """Recent decisions on the requests of the units the user reports for,
    newest first: the staff's notice on their home page."""
    since = today - dt.timedelta(days=DECISION_NOTICE_DAYS)
    return (
        LateReportRequest.objects.filter(unit__in=policy.entry_units(user), decided_at__date__gte=since)
        .exclude(status=LateRequestStatus.PENDING)
        .select_related("plan", "unit", "decided_by")
        .order_by("-decided_at", "-id")
    )


def late_requests_by_month(*, plan: Plan, unit: Unit) -> dict[Period, LateReportRequest]:
    """The unit's newest request of each month of a plan (one query)."""
    latest: dict[Period, LateReportRequest] = {}
    for late in LateReportRequest.objects.filter(plan=plan, unit=unit).order_by("requested_at", "id"):
        latest[late.period] = late  # a later request replaces an earlier one
    return latest


def late_request_latest(*, plan: Plan, unit: Unit, period: Period) -> LateReportRequest | None:
    """The unit's newest request for the month, whatever its state."""
    return (
        LateReportRequest.objects.filter(plan=plan, unit=unit, year=period.year, month=period.month)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-id")
        .first()
    )


@dataclass
class ClosedMonth:
    """A closed month in which the unit still has targets to report, with its newest request."""

    plan: Plan
    unit: Unit
    period: Period
    unreported: int
    request: LateReportRequest | None

    @property
    def label(self) -> str:
        return period_label(self.period.year, self.period.month)


def reopenings_of(*, plan: Plan, unit: Unit, today: dt.date) -> dict[tuple[int, int], dt.date]:
    """The months of a plan reopened for the unit today, each (year, month) with
    the end of its latest reopening: one query."""
    reopened: dict[tuple[int, int], dt.date] = {}
    for r in PeriodReopening.objects.filter(plan=plan, unit=unit, until__gte=today).only("year", "month", "until"):
        key = (r.year, r.month)
        reopened[key] = max(r.until, reopened.get(key, r.until))
    return reopened


def closed_months_to_report(
    *, plan: Plan, unit: Unit, today: dt.date, reopened: dict[tuple[int, int], dt.date] | None = None
) -> list[ClosedMonth]:
    """The plan's closed months (locked and not reopened for the unit) in which
    some target the unit leads has no submitted or approved report: where the
    staff meet a closed month and may ask to report it late. Newest first;
    four queries whatever the number of months and targets (three when the
    caller passes ``reopened``, ``reopenings_of`` read once for other uses too)."""
    periods = [
        period
        for period in periods_of_plan(
            start_year=plan.start_year,
            end_year=plan.end_year,
            frequency="monthly",
            jan_feb_combined=plan.jan_feb_combined,
        )
        if plan_period_state(plan, period, today=today) is PeriodState.LOCKED
    ]
    if not periods:
        return []
    if reopened is None:
        reopened = reopenings_of(plan=plan, unit=unit, today=today)
    targets = list(unit_targets(plan=plan, unit=unit).select_related(None).only("pk", "frequency"))
    editable = {
        (report["target_id"], report["year"], report["month"]): report["status"] in EDITABLE
        for report in Report.objects.filter(target__in=[t.pk for t in targets]).values(
            "target_id", "year", "month", "status"
        )
    }
    requests = late_requests_by_month(plan=plan, unit=unit)
    months = []
    for period in reversed(periods):
        if (period.year, period.month) in reopened:
            continue
        unreported = sum(
            1
            for target in targets
            if is_reporting_month(period.month, frequency=target.frequency, jan_feb_combined=plan.jan_feb_combined)
            and editable.get((target.pk, period.year, period.month), True)
        )
        if unreported:
            months.append(ClosedMonth(plan, unit, period, unreported, requests.get(period)))
    return months


def review_counts(user) -> dict[str, int]:
    """The menu's two figures of reports, in one aggregate query: ``returned``,
    the figures of the units the user enters for that were returned and not
    yet resubmitted; ``waiting``, those of the units the user reviews that
    wait for review. The units are the ids of the user's memberships (a few,
    read once per request by the policy), not nested subqueries; a user who
    neither enters nor reviews costs no query."""
    counts = {"returned": 0, "waiting": 0}
    if not user.is_authenticated:
        return counts
    wanted = {}
    if entry := policy.unit_ids_with_role(user, *policy.ENTRY_ROLES):
        wanted["returned"] = Q(status=ReportStatus.RETURNED, target__task__lead_unit__in=sorted(entry))
    if review := policy.unit_ids_with_role(user, *policy.REVIEW_ROLES):
        wanted["waiting"] = Q(status=PENDING, target__task__lead_unit__in=sorted(review))
    if not wanted:
        return counts
    either = Q()
    for where in wanted.values():
        either |= where
    return counts | Report.objects.filter(either).aggregate(
        **{name: Count("pk", filter=where) for name, where in wanted.items()}
    )


# --- what is due: the to-do of the reporting staff ----------------------------------------


@dataclass(frozen=True)
class PeriodDue:
    """One open period of a plan for one unit: how much of it is left to send
    and by when. ``targets`` report in the period; ``sent`` are submitted or
    approved; ``returned`` came back and wait to be sent again."""

    plan: Plan
    unit: Unit
    period: Period
    due: dt.date
    days_left: int
    targets: int
    sent: int
    returned: int
    reopened_until: dt.date | None = None

    @property
    def left(self) -> int:
        """Rows still to fill in or submit."""
        return max(0, self.targets - self.sent)

    @property
    def days_past_due(self) -> int:
        return max(0, -self.days_left)


def periods_due(*, units: QuerySet[Unit], today: dt.date) -> list[PeriodDue]:
    """Every period open today (or reopened for the unit) of the published
    plans in which ``units`` lead targets, with its counts: five queries,
    whatever the number of plans, units, periods or targets. Nearest due first."""
    unit_list = list(units)
    plans = list(staff_plans(units=units))
    if not plans or not unit_list:
        return []
    reopened: dict[tuple[int, int, int, int], dt.date] = {}
    for r in PeriodReopening.objects.filter(plan__in=plans, unit__in=unit_list, until__gte=today).only(
        "plan_id", "unit_id", "year", "month", "until"
    ):
        key = (r.plan_id, r.unit_id, r.year, r.month)
        reopened[key] = max(r.until, reopened.get(key, r.until))
    open_periods: list[tuple[Plan, Unit, Period, dt.date | None]] = []
    for plan in plans:
        months = periods_of_plan(
            start_year=plan.start_year,
            end_year=plan.end_year,
            frequency="monthly",
            jan_feb_combined=plan.jan_feb_combined,
        )
        for unit in unit_list:
            if unit.zone_id != plan.zone_id:
                continue
            for period in months:
                state = plan_period_state(plan, period, today=today)
                until = reopened.get((plan.pk, unit.pk, period.year, period.month))
                if state is PeriodState.OPEN:
                    open_periods.append((plan, unit, period, None))
                elif state is PeriodState.LOCKED and until is not None:
                    open_periods.append((plan, unit, period, until))
    if not open_periods:
        return []
    targets: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for row in (
        Target.objects.filter(task__plan__in=plans, task__lead_unit__in=unit_list)
        .values("task__plan", "task__lead_unit", "frequency")
        .annotate(n=Count("pk"))
    ):
        targets.setdefault((row["task__plan"], row["task__lead_unit"]), []).append((row["frequency"], row["n"]))
    years = {period.year for _plan, _unit, period, _until in open_periods}
    reports: dict[tuple[int, int, int, int, str, str], int] = {}
    for row in (
        Report.objects.filter(
            target__task__plan__in=plans,
            target__task__lead_unit__in=unit_list,
            year__in=years,
            status__in=(*SENT, ReportStatus.RETURNED),
        )
        .values("target__task__plan", "target__task__lead_unit", "year", "month", "target__frequency", "status")
        .annotate(n=Count("pk"))
    ):
        key = (
            row["target__task__plan"],
            row["target__task__lead_unit"],
            row["year"],
            row["month"],
            row["target__frequency"],
            row["status"],
        )
        reports[key] = row["n"]
    result = []
    for plan, unit, period, until in open_periods:
        frequencies = [
            (frequency, n)
            for frequency, n in targets.get((plan.pk, unit.pk), [])
            if is_reporting_month(period.month, frequency=frequency, jan_feb_combined=plan.jan_feb_combined)
        ]
        if not frequencies:
            continue

        def counted(statuses: tuple[str, ...], frequencies=frequencies, plan=plan, unit=unit, period=period) -> int:
            return sum(
                reports.get((plan.pk, unit.pk, period.year, period.month, frequency, status), 0)
                for frequency, _n in frequencies
                for status in statuses
            )

        result.append(
            PeriodDue(
                plan=plan,
                unit=unit,
                period=period,
                due=due_date(period, due_day=plan.due_day),
                days_left=days_until_due(period, today=today, due_day=plan.due_day),
                targets=sum(n for _frequency, n in frequencies),
                sent=counted(SENT),
                returned=counted((ReportStatus.RETURNED,)),
                reopened_until=until,
            )
        )
    result.sort(key=lambda due: (due.due, due.plan.title, due.unit.name))
    return result


@dataclass(frozen=True)
class ReviewWaiting:
    """A unit's figures of one plan and period waiting for review."""

    plan_id: int
    plan_title: str
    unit_name: str
    period: Period
    count: int
    oldest: dt.datetime


def review_waiting(*, units: QuerySet[Unit]) -> list[ReviewWaiting]:
    """What waits for the reviewer of ``units``, per plan, unit and period,
    oldest submission first: one aggregate query."""
    rows = (
        Report.objects.filter(status=ReportStatus.SUBMITTED, target__task__lead_unit__in=units)
        .values("target__task__plan", "target__task__plan__title", "target__task__lead_unit__name", "year", "month")
        .annotate(n=Count("pk"), oldest=Min("submitted_at"))
        .order_by("oldest")
    )
    return [
        ReviewWaiting(
            plan_id=row["target__task__plan"],
            plan_title=row["target__task__plan__title"],
            unit_name=row["target__task__lead_unit__name"],
            period=Period(row["year"], row["month"]),
            count=row["n"],
            oldest=row["oldest"],
        )
        for row in rows
    ]
