"""Template filters of the reporting periods: a period written on a page
through the same function as everywhere else (``plans.periods.period_label``)."""

from __future__ import annotations

from django import template

from plans.periods import period_label as _period_label

register = template.Library()


@register.filter
def period_label(period, with_year: bool = True) -> str:
    """``{{ period|period_label }}``: 2014年1-9月 (or 1-9月 with ``:False``)
    for anything with ``year`` and ``month`` (a Period, a report, a result);
    "" for nothing."""
    if period is None or getattr(period, "month", None) is None:
        return ""
    return _period_label(period.year if with_year else None, period.month)
