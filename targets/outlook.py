"""Looking ahead from a judged period: the monthly pace still needed, the
pace so far, and the year-end projection with its band (DOMAIN.md, "Beyond
straight-line time progress"). The one definition; the engine stores what it
gives on each result (TargetResult.pace_needed … outlook), the set-based
recompute writes the same in SQL (``progress.engine.bulk``), and the pages,
the dashboard and the lists read the stored figures.

For an amount (a kind measured against time that follows a trajectory) with
a target value and an approved figure, in a period before the span's last
month:

- 剩余月均需完成 = (target − YTD) ÷ months left after the period; none once
  the target is reached or no month is left;
- 前N月月均 = (YTD − start) ÷ months from the span's start to the figure's
  month;
- 预计全年完成 = start + (YTD − start) ÷ s, where s is last year's share of
  the span by the figure's month (``metrics.seasonal_share``) where last
  year's figures give one above 0, else the straight line's
  (``metrics.elapsed_share``): a run-rate;
- the band: the projection ± h of its way from the start, where h is the
  mean error that basis would have made projecting last year's totals from
  the same month across the plan's targets with last year's figures (the
  zone's own history, ``spread``); no band with fewer than two such targets;
- no projection before anything is done (a figure at or below the start):
  nothing done projects nothing, and the status says how far behind it is;
- the band never reaches below the figure already done;
- the outlook: met once the target is reached; else missed where the
  projection is below the target, at risk where only the band's low end
  is, else met.

Figures are rounded to two decimals (half up) and kept within the largest
figure of two decimals (99,999,999,999.99, so a rounded figure is still a
figure); shares to six decimals, the mean share of a month in ``spread`` to
six, and the spread to four, in both paths, so that SQL and Python store the
same. Every ratio is taken of those rounded shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from core.figures import LARGEST
from targets import kinds
from targets.choices import Outlook
from targets.judgement import ZERO, Judgement, TargetFacts
from targets.metrics import (
    SHARE_PLACES,
    Basis,
    elapsed_share,
    is_final_period,
    months_between,
    period_end,
    seasonal_share,
)

FIGURE_PLACES = Decimal("0.01")
# The largest figure of two decimals (99999999999.99): LARGEST rounded up to
# two decimals would no longer fit a figure's column.
LARGEST_TWO_DECIMALS = LARGEST.quantize(FIGURE_PLACES, rounding=ROUND_DOWN)
SPREAD_PLACES = Decimal("0.0001")
# Fewer targets with last year's figures than this give no band: one
# target's shape says nothing of how shapes vary.
MIN_SPREAD_TARGETS = 2
ONE = Decimal(1)


@dataclass(frozen=True)
class Ahead:
    """What a result stores of the way ahead (all None where nothing is known)."""

    pace_needed: Decimal | None = None
    pace_so_far: Decimal | None = None
    projected: Decimal | None = None
    projected_low: Decimal | None = None
    projected_high: Decimal | None = None
    outlook: str = ""
    basis: Basis | None = None  # of the projection: seasonal or linear (a run-rate)


NOTHING = Ahead()


def round2(value: Decimal) -> Decimal:
    """A figure to two decimals, kept within ±LARGEST_TWO_DECIMALS (kept
    first, so that the rounding never overflows)."""
    bounded = min(LARGEST_TWO_DECIMALS, max(-LARGEST_TWO_DECIMALS, value))
    return bounded.quantize(FIGURE_PLACES, rounding=ROUND_HALF_UP)


def looks_ahead(facts: TargetFacts) -> bool:
    """An amount with a value: the kinds whose pace and projection mean something."""
    return facts.value is not None and kinds.get(facts.kind).judging.trajectory


def months_left(facts: TargetFacts, year: int, month: int) -> int:
    """Whole months of the span after the period."""
    total = months_between(facts.span_start, facts.span_end)
    elapsed = max(0, months_between(facts.span_start, period_end(year, month)))
    return max(0, total - elapsed)


def projection_share(facts: TargetFacts, year: int, month: int) -> tuple[Decimal, Basis] | None:
    """The share of the span a figure of the month stands for, and its basis:
    last year's where it is above 0, else the straight line's; None for 0."""
    seasonal = seasonal_share(facts, year, month)
    if seasonal is not None and seasonal > 0:
        return seasonal, Basis.SEASONAL
    linear = elapsed_share(facts, year, month)
    return (linear, Basis.LINEAR) if linear > 0 else None


def ahead(
    facts: TargetFacts,
    judgement: Judgement,
    *,
    year: int,
    month: int,
    spread: dict[tuple[str, int], Decimal] | None = None,
) -> Ahead:
    """The way ahead of one judged period (see the module's docstring).
    ``spread``: the plan's, from ``spread`` below."""
    actual = judgement.actual
    if not looks_ahead(facts) or actual is None or judgement.data_month is None:
        return NOTHING
    if is_final_period(facts, year, month):
        return NOTHING
    value = facts.value
    start = facts.start_value or ZERO
    data_year, data_month = judgement.data_year, judgement.data_month
    done = months_between(facts.span_start, period_end(data_year, data_month))
    so_far = round2((actual - start) / done) if done > 0 else None
    left = months_left(facts, year, month)
    needed = round2((value - actual) / left) if left > 0 and actual < value else None
    found = projection_share(facts, data_year, data_month)
    if found is None or actual <= start:
        return Ahead(pace_needed=needed, pace_so_far=so_far)
    fraction, basis = found
    projected = round2(start + (actual - start) / fraction)
    within_year = facts.span_start.year == facts.span_end.year == data_year
    half = (spread or {}).get((basis, data_month)) if within_year else None
    low = high = None
    if half is not None:
        low = max(round2(start + (projected - start) * (ONE - half)), actual)
        high = round2(start + (projected - start) * (ONE + half))
    if actual >= value:
        outlook = Outlook.MEET
    elif projected < value:
        outlook = Outlook.MISS
    elif low is not None and low < value:
        outlook = Outlook.RISK
    else:
        outlook = Outlook.MEET
    return Ahead(needed, so_far, projected, low, high, str(outlook), basis)


def spread(facts: Iterable[TargetFacts], *, year: int) -> dict[tuple[str, int], Decimal]:
    """The plan's band half-widths by basis and month: how far each basis
    would have missed last year's totals projecting from the month, on
    average across the plan's amounts with last year's figures (a back-test
    on the zone's own history).

    Projecting last year's total from its figure at month N with a share σ
    misses by s/σ − 1, s being that target's own share at N. The run-rate's
    σ is the straight line's share; the seasonal projection's is the mean
    share of the plan's targets at N, to six decimals (a target's own shape
    cannot test itself). Months before the last of the span are measured; a month with
    fewer than ``MIN_SPREAD_TARGETS`` targets has no band."""
    shapes = [item for item in facts if looks_ahead(item) and seasonal_share(item, year, 1) is not None]
    result: dict[tuple[str, int], Decimal] = {}
    for month in range(1, 12):
        pairs = [
            (share, elapsed_share(item, year, month))
            for item in shapes
            if not is_final_period(item, year, month) and (share := seasonal_share(item, year, month)) is not None
        ]
        pairs = [(share, linear) for share, linear in pairs if linear > 0]
        if len(pairs) < MIN_SPREAD_TARGETS:
            continue
        mean_share = (sum(share for share, _ in pairs) / len(pairs)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
        result[(Basis.LINEAR, month)] = _mean_error(share / linear for share, linear in pairs)
        if mean_share > 0:
            result[(Basis.SEASONAL, month)] = _mean_error(share / mean_share for share, _ in pairs)
    return result


def _mean_error(ratios: Iterable[Decimal]) -> Decimal:
    errors = [abs(ratio - ONE) for ratio in ratios]
    return (sum(errors) / len(errors)).quantize(SPREAD_PLACES, rounding=ROUND_HALF_UP)


def same_period_last_year(facts: TargetFacts, judgement: Judgement) -> tuple[Decimal | None, Decimal | None]:
    """Last year's figure of the judged figure's own month, as typed (not
    interpolated), and this year's growth on it in percent (one decimal):
    for an amount; (None, None) where either is unknown."""
    if not looks_ahead(facts) or judgement.actual is None or judgement.data_month is None:
        return None, None
    last = (facts.baseline_by_month or {}).get(judgement.data_month)
    if last is None:
        return None, None
    if last <= 0:
        return last, None
    growth = ((judgement.actual / last - ONE) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return last, growth
