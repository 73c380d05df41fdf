"""The status words in templates, read from targets.choices (the one
vocabulary): a progress status, a reporting status, a figure's age."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from targets.choices import ReportingStatus, Status
from targets.selectors import figure_age as _figure_age

register = template.Library()


@register.filter
def status_label(value) -> str:
    """The progress status's label (已完成 …), "—" for none or an unknown word."""
    return Status(value).label if value in Status.values else "—"


@register.filter
def written_for(value, target) -> str:
    """A reported figure as people read it, by its target's kind
    (``Target.written``): ``{{ report.value|written_for:target }}`` gives
    "32.5亿元", or "按计划推进" for a task item."""
    if target is None or value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)  # text that is no figure, as it is (the figure filter does the same)
    return target.written(number)


@register.filter
def reporting_label(value) -> str:
    """The reporting status's label (已报 / 待审核 / 未报 / 逾期未报 / 补报)."""
    return ReportingStatus(value).label if value in ReportingStatus.values else "—"


@register.filter
def figure_age(result, period) -> str:
    """ "数据截至1-8月" when ``result`` judged a figure older than ``period``
    (anything with ``year`` and ``month``)."""
    if result is None or period is None:
        return ""
    return _figure_age(result, year=period.year, month=period.month)


@register.simple_tag
def pending_label() -> str:
    """The mark of a figure waiting for review: the reporting status's own word."""
    return str(ReportingStatus.PENDING.label)
