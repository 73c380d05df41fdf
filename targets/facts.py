"""What the engine and the explanations read of a target and its plan: the
facts ``targets.metrics.judge`` judges a figure against."""

from __future__ import annotations

import datetime as dt

from plans.models import Plan
from targets.judgement import PLAN_COLUMNS, TargetFacts, Thresholds
from targets.models import Target, month_map


def facts_of(target: Target, plan: Plan) -> TargetFacts:
    return TargetFacts(
        kind=target.kind,
        value=target.value,
        span_start=dt.date(plan.start_year, 1, 1),
        span_end=target.deadline or dt.date(plan.end_year, 12, 31),
        comparator=target.comparator,
        value_high=target.value_high,
        stretch=target.stretch,
        start_value=target.start_value,
        reported_as=target.reported_as,
        baseline_by_month=month_map(target.baseline_by_month) if target.baseline_by_month else None,
        trajectory=month_map(target.trajectory) if target.trajectory else None,
        thresholds=thresholds_of(plan),
        unit=target.unit,
        time_basis=plan.time_basis,
    )


def thresholds_of(plan: Plan) -> Thresholds:
    return Thresholds(**{name: getattr(plan, column) for name, column in PLAN_COLUMNS.items()})
