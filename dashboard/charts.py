"""Data for a target's chart: year-to-date actual against the target line,
the time-progress line and the plan's trajectory."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from plans.models import Plan
from targets.metrics import time_progress
from targets.models import Target, TargetResult
from targets.services import facts_of


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def target_chart(*, target: Target, plan: Plan, results: list[TargetResult]) -> dict:
    """Series by month for ECharts; the page also shows them as a table."""
    facts = facts_of(target, plan)
    labels, actual, expected_line, trajectory = [], [], [], []
    by_period = {(r.year, r.month): r for r in results}
    amount_like = target.kind == "amount" and target.value is not None
    for year in range(plan.start_year, plan.end_year + 1):
        for month in range(1, 13):
            labels.append(f"{year}-{month:02d}")
            result = by_period.get((year, month))
            actual.append(_f(result.actual) if result else None)
            if amount_like:
                start = target.start_value or Decimal(0)
                share = time_progress(facts, year, month) / 100
                expected_line.append(round(float(start + (target.value - start) * share), 4))
            else:
                expected_line.append(None)
            planned = (target.trajectory or {}).get(str(month)) if year == plan.start_year else None
            trajectory.append(None if planned is None else float(Decimal(str(planned))))
    series = [{"name": _("Year-to-date actual"), "data": actual, "kind": "actual"}]
    if target.value is not None and target.kind != "milestone":
        series.append({"name": _("Target"), "data": [_f(target.value)] * len(labels), "kind": "target"})
    if amount_like:
        series.append({"name": _("Time progress"), "data": expected_line, "kind": "expected"})
    if any(value is not None for value in trajectory):
        series.append({"name": _("Trajectory"), "data": trajectory, "kind": "trajectory"})
    return {"labels": labels, "series": series, "unit": "%" if target.kind != "amount" else target.unit}
