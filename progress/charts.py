"""Data for a target's chart: the approved year-to-date figures against the
target line, the time-progress line and the plan's trajectory, with the
figures waiting for review marked apart; for an amount with last year's
monthly figures, both time progress lines (straight and seasonal, the one
that judges named so) and last year's year-to-date line."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from plans.models import Plan
from progress.choices import ReportStatus
from progress.models import Report
from targets import outlook
from targets.choices import ReportedAs, ReportingStatus
from targets.facts import facts_of
from targets.metrics import Basis, linear_progress, progress_basis, seasonal_progress, time_progress
from targets.models import Target, TargetResult


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def target_chart(*, target: Target, plan: Plan, results: list[TargetResult], reports: Iterable[Report] = ()) -> dict:
    """Series by month for ECharts; the page also shows them as a table.
    Which lines a kind draws beside its figures is its entry's ``chart``
    (targets.kinds).

    The actual line holds each month's own approved figure (a month whose
    result carried an older figure has no point of its own); a figure
    submitted and not yet approved is a point of its own series, named 待审核,
    never joined to the approved line. A kind whose figure is no quantity
    (a task item's standing) draws no figure line; with no line at all the
    series are empty and the page shows no chart.
    """
    facts = facts_of(target, plan)
    chart = target.kind_entry.chart
    labels, actual, pending, expected_line, trajectory = [], [], [], [], []
    linear_line, seasonal_line, last_year, bases = [], [], [], set()
    # Last year's year-to-date figures beside this year's, for an amount (on the figures' scale).
    last_year_line = chart.figure_line and outlook.looks_ahead(facts) and bool(facts.baseline_by_month)
    own = {(r.year, r.month): r for r in results if (r.data_year, r.data_month) == (r.year, r.month)}
    # A rate computed from reported amounts is not on the reported figures' scale.
    same_scale = not (target.kind_entry.year_on_year and target.reported_as == ReportedAs.AMOUNT)
    waiting = {(r.year, r.month): r.value for r in reports if r.status == ReportStatus.SUBMITTED and same_scale}
    time_line = chart.time_line and target.value is not None
    for year in range(plan.start_year, plan.end_year + 1):
        for month in range(1, 13):
            labels.append(f"{year}-{month:02d}")
            result = own.get((year, month))
            actual.append(_f(result.actual) if result else None)
            pending.append(_f(waiting.get((year, month))))
            if time_line:
                expected_line.append(_on_line(target, time_progress(facts, year, month)))
                linear_line.append(_on_line(target, linear_progress(facts, year, month)))
                seasonal_line.append(_on_line(target, seasonal_progress(facts, year, month)))
                bases.add(progress_basis(facts, year, month))
            else:
                expected_line.append(None)
            planned = (facts.trajectory or {}).get(month) if year == plan.start_year else None
            trajectory.append(_f(planned))
            if year == plan.start_year and last_year_line:
                last_year.append(_f(facts.baseline_by_month.get(month)))
            else:
                last_year.append(None)
    series = []
    if chart.figure_line:
        series.append({"name": _("Approved year-to-date figure"), "data": actual, "kind": "actual"})
    if chart.figure_line and any(value is not None for value in pending):
        series.append({"name": str(ReportingStatus.PENDING.label), "data": pending, "kind": "pending"})
    if target.value is not None and chart.target_line:
        series.append({"name": _("Target"), "data": [_f(target.value)] * len(labels), "kind": "target"})
    if time_line and any(value is not None for value in seasonal_line):
        series.extend(_both_lines(linear_line, seasonal_line, bases))
    elif time_line:
        series.append({"name": _("Time progress"), "data": expected_line, "kind": "expected"})
    if last_year_line:
        series.append({"name": _("Last year's year-to-date figure"), "data": last_year, "kind": "last_year"})
    if any(value is not None for value in trajectory):
        series.append({"name": _("Trajectory"), "data": trajectory, "kind": "trajectory"})
    return {"labels": labels, "series": series, "unit": target.actual_unit}


def _on_line(target: Target, percent: Decimal | None) -> float | None:
    """The figure a time progress in percent stands for, from the start to the target."""
    if percent is None:
        return None
    start = target.start_value or Decimal(0)
    return round(float(start + (target.value - start) * percent / 100), 4)


def _both_lines(linear: list, seasonal: list, bases: set[Basis]) -> list[dict]:
    """The straight time progress line and the seasonal one; the one that
    judges the status (``metrics.progress_basis``) says so in its name."""

    def named(name: str, basis: Basis) -> str:
        return _("%(line)s (judges the status)") % {"line": name} if basis in bases else name

    return [
        {"name": named(_("Time progress (straight line)"), Basis.LINEAR), "data": linear, "kind": "expected"},
        {"name": named(_("Seasonal time progress"), Basis.SEASONAL), "data": seasonal, "kind": "seasonal"},
    ]
