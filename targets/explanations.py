"""The one-line explanation of a judgement, in the user's language.

Rendered from the stored components (status, reason, actual, completion,
expected, gap), so the bulk recompute in SQL and the single-target path in
Python produce the same sentence from the same numbers.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from plans.periods import period_label
from targets import kinds
from targets.judgement import Judgement, Reason, TargetFacts
from targets.metrics import progress_basis
from targets.wording import number, percent, unglued


def explain(facts: TargetFacts, judgement: Judgement, *, year: int, month: int) -> str:
    """The sentence for a judgement of the period (year, month). A figure
    carried from an earlier period is named by its own period, and the
    sentence says so: "(数据截至1-8月)"."""
    sentence = unglued(_sentence(facts, judgement, year=year, month=month), facts.unit or "")
    data_month = judgement.data_month
    if data_month is None or (judgement.data_year, data_month) == (year, month):
        return sentence
    values = {"data": period_label(None, data_month), "viewed": period_label(None, month)}
    if judgement.expected is not None and judgement.reason is Reason.AGAINST_TIME:
        return sentence + _(" (figure as of %(data)s, against the time progress of %(viewed)s)") % values
    return sentence + _(" (figure as of %(data)s)") % values


def _sentence(facts: TargetFacts, judgement: Judgement, *, year: int, month: int) -> str:
    """The two sentences every kind shares (no figure yet, no baseline for
    the rate), else the kind's own (``targets.kinds``)."""
    values = _values(facts, judgement, year=year, month=month)
    if judgement.reason is Reason.NOT_REPORTED:
        return _("%(period)s: no approved figure yet.") % values
    if judgement.reason is Reason.NO_BASELINE:
        return (
            _("%(period)s: the prior year's figure for the same period is missing, so the rate cannot be computed.")
            % values
        )
    return kinds.get(facts.kind).sentence(facts, judgement, values)


def _values(facts: TargetFacts, judgement: Judgement, *, year: int, month: int) -> dict[str, str]:
    """The judgement's figures as a sentence writes them, named by the
    figure's own period; ``basis``: what the period's time progress was
    measured on (``metrics.progress_basis``, of the period judged), so that a
    kind's sentence names seasonal time progress where it judged."""
    basis = str(progress_basis(facts, year, month))
    if judgement.data_month is not None:
        month = judgement.data_month
    return {
        "basis": basis,
        "period": period_label(None, month),
        "actual": number(judgement.actual),
        "unit": facts.unit or "",
        "completion": percent(judgement.completion),
        "expected": percent(judgement.expected),
        "target": number(facts.value),
        "gap": percent(abs(judgement.gap)) if judgement.gap is not None else "—",
        "deadline": facts.span_end.isoformat(),
    }
