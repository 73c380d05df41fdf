"""The one-line explanation of a judgement, in the user's language.

Rendered from the stored components (status, reason, actual, completion,
expected, gap), so the bulk recompute in SQL and the single-target path in
Python produce the same sentence from the same numbers.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.figures import figure_text
from targets.metrics import Judgement, Reason, TargetFacts


def _pct(value: Decimal | None) -> str:
    """Percentages always with one decimal, as published: 68.0."""
    return "—" if value is None else f"{value:.1f}"


def ytd_label(year: int, month: int) -> str:
    """1-9月 / 1月: the year-to-date period as the zone writes it (without the year)."""
    if month == 1:
        return _("January")
    return _("months 1–%(month)s") % {"month": month}


def explain(facts: TargetFacts, judgement: Judgement, *, year: int, month: int) -> str:
    """The sentence for a judgement of the period (year, month). A figure
    carried from an earlier period is named by its own period, and the
    sentence says so: "(数据截至1-8月)"."""
    sentence = _sentence(facts, judgement, year=year, month=month)
    data_month = judgement.data_month
    if data_month is None or (judgement.data_year, data_month) == (year, month):
        return sentence
    values = {"data": ytd_label(judgement.data_year or year, data_month), "viewed": ytd_label(year, month)}
    if judgement.expected is not None and judgement.reason is Reason.AGAINST_TIME:
        return sentence + _(" (figure as of %(data)s, against the time progress of %(viewed)s)") % values
    return sentence + _(" (figure as of %(data)s)") % values


def _sentence(facts: TargetFacts, judgement: Judgement, *, year: int, month: int) -> str:
    if judgement.data_month is not None:
        year, month = judgement.data_year or year, judgement.data_month
    period = ytd_label(year, month)
    unit = facts.unit or ""
    reason = judgement.reason
    values = {
        "period": period,
        "actual": figure_text(judgement.actual),
        "unit": unit,
        "completion": _pct(judgement.completion),
        "expected": _pct(judgement.expected),
        "target": figure_text(facts.value),
        "gap": _pct(abs(judgement.gap)) if judgement.gap is not None else "—",
        "deadline": facts.span_end.isoformat(),
    }
    if reason is Reason.NOT_REPORTED:
        return _("%(period)s: no approved figure yet.") % values
    if reason is Reason.NO_BASELINE:
        return (
            _("%(period)s: the prior year's figure for the same period is missing, so the rate cannot be computed.")
            % values
        )
    if facts.kind == "milestone":
        if reason is Reason.REACHED:
            return _("Done.")
        if reason is Reason.PAST_DEADLINE:
            if judgement.completion is None:
                return _("Not done by its date (%(deadline)s), and no approved progress.") % values
            return _("Not done by its date (%(deadline)s): %(completion)s%% done.") % values
        return _behind_or_ahead(
            judgement,
            ahead=_("%(completion)s%% done against %(expected)s%% of the time elapsed, %(gap)s points ahead."),
            level=_("%(completion)s%% done, in step with the %(expected)s%% of the time elapsed."),
            behind=_("%(completion)s%% done against %(expected)s%% of the time elapsed, %(gap)s points behind."),
            values=values,
        )
    if facts.kind == "amount":
        multi_year = facts.span_end.year > facts.span_start.year
        if reason is Reason.REACHED:
            sentence = _("%(period)s: %(actual)s%(unit)s done, the target of %(target)s%(unit)s is reached.") % values
        elif reason is Reason.PAST_DEADLINE:
            sentence = (
                _("%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, which was due by %(deadline)s.")
                % values
            )
        elif multi_year:
            sentence = _behind_or_ahead(
                judgement,
                ahead=_(
                    "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, "
                    "%(gap)s points ahead of time progress."
                ),
                level=_(
                    "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, in step with time progress."
                ),
                behind=_(
                    "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, "
                    "%(gap)s points behind time progress."
                ),
                values=values,
            )
        else:
            sentence = _behind_or_ahead(
                judgement,
                ahead=_(
                    "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
                    "%(gap)s points ahead of time progress."
                ),
                level=_(
                    "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
                    "in step with time progress."
                ),
                behind=_(
                    "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
                    "%(gap)s points behind time progress."
                ),
                values=values,
            )
        return sentence + _extras(facts)
    if facts.kind == "ceiling":
        if reason is Reason.WITHIN:
            return _("%(period)s: %(actual)s%(unit)s, within the ceiling of %(target)s%(unit)s.") % values
        return _("%(period)s: %(actual)s%(unit)s, above the ceiling of %(target)s%(unit)s.") % values
    if facts.kind == "decrease":
        if reason is Reason.FALL:
            values["actual"] = figure_text(abs(judgement.actual)) if judgement.actual is not None else "—"
            return _("%(period)s: up %(actual)s%% year on year, against a target of a %(target)s%% decrease.") % values
        return _behind_or_ahead(
            judgement,
            ahead=_("%(period)s: down %(actual)s%% year on year, %(gap)s points better than the %(target)s%% target."),
            level=_("%(period)s: down %(actual)s%% year on year, on the %(target)s%% target."),
            behind=_("%(period)s: down %(actual)s%% year on year, %(gap)s points short of the %(target)s%% target."),
            values=values,
        ) + _extras(facts)
    if facts.kind == "growth_rate":
        if reason is Reason.FALL:
            values["actual"] = figure_text(abs(judgement.actual)) if judgement.actual is not None else "—"
            return _("%(period)s: down %(actual)s%% year on year, against a target of %(target)s%% growth.") % values
        return _behind_or_ahead(
            judgement,
            ahead=_("%(period)s: up %(actual)s%% year on year, %(gap)s points above the %(target)s%% target."),
            level=_("%(period)s: up %(actual)s%% year on year, on the %(target)s%% target."),
            behind=_("%(period)s: up %(actual)s%% year on year, %(gap)s points below the %(target)s%% target."),
            values=values,
        ) + _extras(facts)
    # ratio
    return _behind_or_ahead(
        judgement,
        ahead=_("%(period)s: %(actual)s%(unit)s, %(gap)s points above the target of %(target)s%(unit)s."),
        level=_("%(period)s: %(actual)s%(unit)s, on the target of %(target)s%(unit)s."),
        behind=_("%(period)s: %(actual)s%(unit)s, %(gap)s points below the target of %(target)s%(unit)s."),
        values=values,
    )


def _behind_or_ahead(judgement: Judgement, *, ahead: str, level: str, behind: str, values: dict) -> str:
    gap = judgement.gap or Decimal(0)
    template = ahead if gap > 0 else level if gap == 0 else behind
    return template % values


def _extras(facts: TargetFacts) -> str:
    """The range's full value and the stretch value, shown beside the floor."""
    parts = []
    if facts.value_high is not None:
        parts.append(
            _(" (range %(low)s–%(high)s%(unit)s)")
            % {"low": figure_text(facts.value), "high": figure_text(facts.value_high), "unit": facts.unit}
        )
    if facts.stretch is not None:
        parts.append(_(" (stretch %(value)s%(unit)s)") % {"value": figure_text(facts.stretch), "unit": facts.unit})
    return "".join(parts)
