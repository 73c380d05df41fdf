"""Reads of the engine's results."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from plans.models import Plan
from plans.periods import Period, period_label
from targets.choices import Status
from targets.explanations import explain
from targets.facts import facts_of
from targets.metrics import Judgement, Reason
from targets.models import Target, TargetResult


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
    label = period_label(data_year if data_year != year else None, result.data_month)
    return _("Figure as of %(period)s") % {"period": label}


def latest_results(*, targets: QuerySet[Target], period: Period) -> QuerySet[TargetResult]:
    """Each target's latest result at or before ``period`` (a quarterly target
    shows its last quarter)."""
    latest = (
        TargetResult.objects.filter(target_id=OuterRef("pk"))
        .filter(Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month))
        .order_by("-year", "-month")
        .values("pk")[:1]
    )
    return TargetResult.objects.filter(pk__in=targets.annotate(latest_id=Subquery(latest)).values("latest_id"))


def status_counts(results: QuerySet[TargetResult]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for row in results.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts
