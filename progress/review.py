"""What the reviewer sees beside each submitted figure (the review screen's context).

For every report waiting for review: the previous APPROVED figure of the same
year (the only figure that counts, so the only fair "上期"), the change, whether
a cumulative figure fell below it, the warnings the entry checks would raise
against the approved figures, and the judgement the figure would get if
approved. Nothing here is a rule of its own: the judgement is the engine's
(``targets.metrics.judge`` on ``targets.facts.facts_of``) and the warnings are
the period form's (``progress.validation.check_figure``). Two queries whatever
the number of rows.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from plans.models import Plan
from plans.periods import Period
from progress.choices import ReportStatus
from progress.models import Report, period_label
from progress.selectors import review_queue
from progress.validation import check_figure
from targets.choices import Status
from targets.facts import facts_of
from targets.judgement import Judgement, Observation
from targets.metrics import judge
from zones.models import Unit


@dataclass(frozen=True)
class Approved:
    """An approved year-to-date figure of an earlier month."""

    month: int
    value: Decimal


@dataclass
class ReviewRow:
    """One submitted report with what the reviewer needs to judge it."""

    report: Report
    previous: Approved | None
    judgement: Judgement | None
    warning: str = ""

    @property
    def target(self):
        return self.report.target

    @property
    def change(self) -> Decimal | None:
        """This figure minus the previous approved one (None without either)."""
        if self.previous is None or self.report.value is None or self.is_standing:
            return None
        return self.report.value - self.previous.value

    @property
    def is_standing(self) -> bool:
        return bool(self.target.kind_entry.figures.standing)

    @property
    def drops(self) -> bool:
        """A year-to-date (or share-done) figure below the previous approved one:
        the fall a reviewer must not miss."""
        figures = self.target.kind_entry.figures
        if not (figures.cumulative or figures.share_done or self.target.reports_amount):
            return False
        change = self.change
        return change is not None and change < 0

    @property
    def resubmitted(self) -> bool:
        """Returned once and sent again (重新提交): the reviewer checks what changed."""
        return self.report.returned_at is not None

    @property
    def clean(self) -> bool:
        """No fall and no warning: what "approve the clean rows" approves."""
        return not self.drops and not self.warning

    @property
    def status(self) -> str:
        """The progress status the figure would get if approved (a Status value)."""
        return self.judgement.status if self.judgement else ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""

    @property
    def previous_period_label(self) -> str:
        return period_label(self.report.year, self.previous.month) if self.previous else ""


@dataclass
class ReviewGroup:
    """One unit's submissions of one plan and period, reviewed together."""

    plan: Plan
    unit: Unit
    period: Period
    rows: list[ReviewRow]
    reason: str = ""  # the reason for returning as typed, kept when a step is refused
    return_error: str = ""  # why returning this group's ticked reports was refused

    @property
    def key(self) -> str:
        """The group's name in the page's form fields: plan, unit and period."""
        return f"{self.plan.pk}-{self.unit.pk}-{self.period}"

    @property
    def clean_count(self) -> int:
        return sum(1 for row in self.rows if row.clean)


def _approved_before(reports: list[Report]) -> dict[int, list[tuple[int, int, Decimal]]]:
    """Each target's approved figures of the years in question: target id → [(year, month, value)], by month."""
    if not reports:
        return {}
    found: dict[int, list[tuple[int, int, Decimal]]] = {}
    rows = (
        Report.objects.filter(
            target__in={report.target_id for report in reports},
            year__in={report.year for report in reports},
            status=ReportStatus.APPROVED,
            value__isnull=False,
        )
        .order_by("year", "month")
        .values_list("target_id", "year", "month", "value")
    )
    for target_id, year, month, value in rows:
        found.setdefault(target_id, []).append((year, month, value))
    return found


def _warning(report: Report, earlier: list[Approved]) -> str:
    """What the period form's checks say of this figure against the approved
    figures before it, without the note or confirmation the staff gave: a
    fall, a jump over three times the monthly pace, a figure over twice the
    target. Empty when the checks see nothing, and for a task's standing."""
    target = report.target
    if report.value is None or target.kind_entry.figures.standing:
        return ""
    previous = earlier[-1] if earlier else None
    before_previous = earlier[-2] if len(earlier) > 1 else None
    check = check_figure(
        str(report.value),
        kind=target.kind,
        unit=target.unit,
        target_value=target.value,
        previous=previous.value if previous else None,
        before_previous=before_previous.value if before_previous else None,
        previous_month=previous.month if previous else None,
        month=report.month,
    )
    return check.error or check.needs_note or check.needs_confirmation


def review_row(report: Report, approved: list[tuple[int, int, Decimal]]) -> ReviewRow:
    """A report's row, given its target's approved figures (year, month, value)."""
    earlier = [
        Approved(month, value) for year, month, value in approved if year == report.year and month < report.month
    ]
    plan = report.target.task.plan
    judgement = None
    if report.value is not None:
        observation = Observation(year=report.year, month=report.month, actual=report.value)
        judgement = judge(facts_of(report.target, plan), observation)
    return ReviewRow(
        report=report,
        previous=earlier[-1] if earlier else None,
        judgement=judgement,
        warning=_warning(report, earlier),
    )


def review_groups(*, units: QuerySet[Unit]) -> list[ReviewGroup]:
    """The reviewer's queue, one group per plan, unit and period, oldest submission first."""
    reports = list(review_queue(units=units))
    approved = _approved_before(reports)
    groups: OrderedDict[tuple[int, int, Period], ReviewGroup] = OrderedDict()
    for report in reports:
        task = report.target.task
        period = Period(report.year, report.month)
        key = (task.plan_id, task.lead_unit_id, period)
        if key not in groups:
            groups[key] = ReviewGroup(plan=task.plan, unit=task.lead_unit, period=period, rows=[])
        groups[key].rows.append(review_row(report, approved.get(report.target_id, [])))
    return list(groups.values())
