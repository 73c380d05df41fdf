"""Reads of the engine's results."""

from __future__ import annotations

from plans.models import Plan
from targets.choices import Status
from targets.explanations import explain
from targets.metrics import Judgement, Reason
from targets.models import Target, TargetResult
from targets.services import facts_of


def judgement_of(result: TargetResult) -> Judgement:
    return Judgement(
        status=Status(result.status),
        reason=Reason(result.reason),
        actual=result.actual,
        completion=result.completion,
        expected=result.expected,
        gap=result.gap,
        data_year=result.data_year,
        data_month=result.data_month,
    )


def result_explanation(result: TargetResult, *, target: Target | None = None, plan: Plan | None = None) -> str:
    """The one-line explanation of a stored result, in the active language."""
    target = target or result.target
    plan = plan or target.task.plan
    return explain(facts_of(target, plan), judgement_of(result), year=result.year, month=result.month)
