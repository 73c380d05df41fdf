"""The way ahead of a stored result in words (DOMAIN.md, "Beyond
straight-line time progress"): the pace still needed beside the pace so far,
the year-end projection with its band and basis, last year's same period and
the growth on it, and which time progress judges.

Every figure here is read from the result the engine stored
(TargetResult.pace_needed … outlook) or from the rule's own functions
(``targets.metrics``, ``targets.outlook``) applied to the target's facts,
which costs no query: the target page, the dashboard and supervision's lists
all write them through this module, so they say the same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.figures import figure_text, figure_with_unit
from targets import outlook
from targets.choices import Outlook
from targets.judgement import TargetFacts
from targets.metrics import Basis, linear_progress, months_between, period_end, progress_basis
from targets.models import TargetResult
from targets.selectors import judgement_of


def _amount(value: Decimal | None, facts: TargetFacts) -> str:
    return figure_with_unit(value, facts.unit or "", grouped=True)


def months_done(facts: TargetFacts, result: TargetResult) -> int | None:
    """The months from the span's start to the figure's month: the N of
    "前N月月均", the months ``outlook.ahead`` divides the pace so far by."""
    if result.data_month is None:
        return None
    return months_between(facts.span_start, period_end(result.data_year or result.year, result.data_month))


def pace_words(result: TargetResult | None, facts: TargetFacts) -> str:
    """ "需月均完成21.3亿元，前9月月均14.2亿元": the monthly pace still needed
    beside the pace so far, as stored; either alone where only it is known
    (the target reached needs no pace); "" for neither."""
    if result is None:
        return ""
    done = months_done(facts, result)
    so_far = None
    if result.pace_so_far is not None and done:
        so_far = _("%(pace)s a month over the first %(months)s months") % {
            "pace": _amount(result.pace_so_far, facts),
            "months": done,
        }
    if result.pace_needed is None:
        return so_far or ""
    needed = _("%(pace)s a month still needed") % {"pace": _amount(result.pace_needed, facts)}
    if so_far is None:
        return needed
    return _("%(needed)s, %(so_far)s") % {"needed": needed, "so_far": so_far}


def projection_words(result: TargetResult | None, facts: TargetFacts) -> str:
    """ "预计全年完成250亿元（区间230–270亿元）", as stored; "" with no projection."""
    if result is None or result.projected is None:
        return ""
    projected = _amount(result.projected, facts)
    if result.projected_low is None or result.projected_high is None:
        return _("Projected for the year: %(projected)s") % {"projected": projected}
    return _("Projected for the year: %(projected)s (range %(low)s–%(high)s)") % {
        "projected": projected,
        "low": figure_text(result.projected_low, grouped=True),
        "high": _amount(result.projected_high, facts),
    }


def projection_basis_words(result: TargetResult | None, facts: TargetFacts) -> str:
    """What the projection ran on (``outlook.projection_share``): last year's
    seasonal shape, or the straight run-rate where there is none."""
    if result is None or result.projected is None or result.data_month is None:
        return ""
    found = outlook.projection_share(facts, result.data_year or result.year, result.data_month)
    if found is None:
        return ""
    return _("on last year's seasonal pattern") if found[1] == Basis.SEASONAL else _("at the current pace, in a line")


def outlook_label(result: TargetResult | None) -> str:
    """The stored outlook's words (预计完成 / 存在风险 / 预计未完成), "" for none."""
    if result is None or result.outlook not in Outlook.values:
        return ""
    return str(Outlook(result.outlook).label)


def last_year_words(result: TargetResult | None, facts: TargetFacts) -> str:
    """ "上年同期32.5亿元，同比+12.3%" (``outlook.same_period_last_year``); the
    figure alone where no growth is known; "" where last year's is unknown."""
    if result is None or result.actual is None:
        return ""
    last, growth = outlook.same_period_last_year(facts, judgement_of(result))
    if last is None:
        return ""
    values = {"last": _amount(last, facts)}
    if growth is None:
        return _("Same period last year: %(last)s") % values
    values["growth"] = f"{growth:+.1f}"
    return _("Same period last year: %(last)s, %(growth)s%% on it") % values


BASIS_WORDS = {
    Basis.SEASONAL: lambda: _("Status judged against: seasonal time progress"),
    Basis.LINEAR: lambda: _("Status judged against: straight-line time progress"),
    Basis.TRAJECTORY: lambda: _("Status judged against: the plan's monthly trajectory"),
}


@dataclass(frozen=True)
class AheadView:
    """A result's way ahead as the target page and the cards show it."""

    basis: str  # metrics.Basis: what judged the status
    basis_words: str  # "判定依据：季节性序时进度"
    linear: Decimal  # straight-line time progress, percent
    seasonal: Decimal | None  # seasonal time progress, percent, as stored
    pace: str
    projection: str
    projection_basis: str
    outlook: str  # targets.choices.Outlook value, or ""
    outlook_label: str
    last_year: str

    @property
    def any(self) -> bool:
        return bool(self.seasonal is not None or self.pace or self.projection or self.last_year)


def ahead_view(result: TargetResult | None, facts: TargetFacts) -> AheadView | None:
    """The way ahead of a stored result, for a kind that looks ahead (an
    amount with a value, ``outlook.looks_ahead``); None otherwise."""
    if result is None or not outlook.looks_ahead(facts):
        return None
    basis = progress_basis(facts, result.year, result.month)
    return AheadView(
        basis=str(basis),
        basis_words=BASIS_WORDS[basis](),
        linear=linear_progress(facts, result.year, result.month),
        seasonal=result.expected_seasonal,
        pace=pace_words(result, facts),
        projection=projection_words(result, facts),
        projection_basis=projection_basis_words(result, facts),
        outlook=result.outlook,
        outlook_label=outlook_label(result),
        last_year=last_year_words(result, facts),
    )
