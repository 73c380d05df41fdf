"""Reads of the engine's results."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plans.models import Plan
from targets.choices import Status
from targets.explanations import explain, ytd_label
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


def figure_age(result: TargetResult | None, *, year: int, month: int) -> str:
    """ "数据截至1-8月": the period of the approved figure a result judged, when
    it is older than the period viewed (a figure carried forward, or a
    quarterly target seen in a later month); "" when the figure is the
    period's own or there is none."""
    if result is None or result.data_month is None:
        return ""
    data_year = result.data_year or result.year
    if (data_year, result.data_month) >= (year, month):
        return ""
    label = ytd_label(data_year, result.data_month)
    if data_year != year:
        label = _("%(year)s, %(period)s") % {"year": data_year, "period": label}
    return _("Figure as of %(period)s") % {"period": label}
