"""What a judgement is made of: the facts a target is judged against, the
figure judged, the judgement and its reason, and the arithmetic every kind
of target shares, in Python and beside it in SQL.

The bottom of the judging code: ``targets.kinds`` (how each kind judges)
builds on it, and ``targets.metrics`` (the judgement of one target for one
period) on both. Nothing here knows a kind. Each SQL twin writes the rule of
the Python function above it for the set-based recompute
(``progress.engine.bulk``); tests/progress/engine/test_bulk.py holds the two
to the same results.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from core.figures import LARGEST_ONE_DECIMAL
from plans.choices import (
    DEFAULT_AMOUNT_LAG_POINTS,
    DEFAULT_CEILING_LAG_PERCENT,
    DEFAULT_MILESTONE_LAG_POINTS,
    DEFAULT_RATE_LAG_POINTS,
)
from targets.choices import ReportedAs, Status

ZERO = Decimal(0)
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")
# Completion is capped so that an absurd figure (a target of 0.0001 met a
# billion times over) is stored, not rejected by the column, and never fails
# a whole plan's recompute.
MAX_SHARE = Decimal(999999)
# A rate is stored as the result's actual, a figure column (core.figures): it
# is kept within the largest figure of one decimal, so that a growth computed
# against a tiny baseline (a billion billion percent) or a typed rate that
# rounds up past the range is stored too, and reads back.
MAX_RATE = LARGEST_ONE_DECIMAL
MAX_SHARE_SQL = str(MAX_SHARE)
# 100 at scale 30 for SQL: PostgreSQL gives a quotient at least the scale of
# its operands, so multiplying by it keeps 30 decimals through a division.
HUNDRED_SQL = "100.000000000000000000000000000000"


class Reason(StrEnum):
    """Which sentence explains a judgement (rendered by ``targets.explanations.explain``)."""

    NOT_REPORTED = "not_reported"  # no approved figure at or before the period
    NO_BASELINE = "no_baseline"  # growth reported as an amount without the prior year's same period
    REACHED = "reached"  # amount at or above target; milestone done
    AGAINST_TIME = "against_time"  # amount or milestone measured against time progress
    AGAINST_TARGET = "against_target"  # rate, ratio or decrease against its target
    FALL = "fall"  # a fall against a growth target / a rise against a decrease target
    WITHIN = "within"  # ceiling kept
    ABOVE = "above"  # ceiling broken
    PAST_DEADLINE = "past_deadline"  # deadline or milestone date passed unmet
    STANDING = "standing"  # a task as its unit reports it: on schedule or lagging


@dataclass(frozen=True)
class Thresholds:
    """The plan's thresholds of "seriously lagging"; a kind names the one it reads."""

    amount_points: Decimal = DEFAULT_AMOUNT_LAG_POINTS
    rate_points: Decimal = DEFAULT_RATE_LAG_POINTS
    ceiling_percent: Decimal = DEFAULT_CEILING_LAG_PERCENT
    milestone_points: Decimal = DEFAULT_MILESTONE_LAG_POINTS


# Each threshold by its name in Thresholds and its column on the plan
# (plans.models.Plan), for targets.facts and the set-based recompute.
PLAN_COLUMNS: dict[str, str] = {
    "amount_points": "amount_lag_points",
    "rate_points": "rate_lag_points",
    "ceiling_percent": "ceiling_lag_percent",
    "milestone_points": "milestone_lag_points",
}


@dataclass(frozen=True)
class TargetFacts:
    """What the plan says about a target."""

    kind: str
    value: Decimal | None
    span_start: dt.date  # the plan's first day
    span_end: dt.date  # the target's last day: its deadline, else the plan's end
    comparator: str = ">="
    value_high: Decimal | None = None
    stretch: Decimal | None = None
    start_value: Decimal | None = None
    reported_as: str = ReportedAs.RATE
    baseline_by_month: dict[int, Decimal] | None = None
    trajectory: dict[int, Decimal] | None = None
    thresholds: Thresholds = Thresholds()
    unit: str = ""
    # The plan's choice of time progress (plans.choices.TimeBasis): "seasonal"
    # judges an amount with last year's monthly figures (``baseline_by_month``)
    # against last year's share of the year by each month.
    time_basis: str = "linear"


@dataclass(frozen=True)
class Observation:
    """One period of one target and the figure it is judged on: the latest
    approved year-to-date figure at or before the period (``data_year`` and
    ``data_month`` name its own period when it was carried from an earlier
    one), or None when nothing has been approved yet."""

    year: int
    month: int
    actual: Decimal | None
    data_year: int | None = None
    data_month: int | None = None

    @property
    def carried(self) -> bool:
        return (
            self.actual is not None
            and self.data_month is not None
            and (self.data_year, self.data_month)
            != (
                self.year,
                self.month,
            )
        )


@dataclass(frozen=True)
class Judgement:
    status: Status
    reason: Reason
    actual: Decimal | None = None  # for growth reported as an amount: the computed rate
    completion: Decimal | None = None  # percent, one decimal
    expected: Decimal | None = None  # percent of time (or trajectory), one decimal
    gap: Decimal | None = None  # points, one decimal (ceiling: percent of the ceiling)
    data_year: int | None = None  # the period of the figure judged, when there is one
    data_month: int | None = None


def round1(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole in percent, never negative and capped at MAX_SHARE; a
    zero (or negative) whole is 100 once reached and 0 before."""
    if whole <= 0:
        return HUNDRED if part >= whole else ZERO
    return min(MAX_SHARE, max(ZERO, part * HUNDRED / whole))


def share_sql(part: str, whole: str) -> str:
    """SQL of ``share``."""
    return (
        f"CASE WHEN {whole} <= 0 THEN CASE WHEN {part} >= {whole} THEN 100 ELSE 0 END"
        f" ELSE least({MAX_SHARE_SQL}, greatest(0, ({part}) * {HUNDRED_SQL} / ({whole}))) END"
    )


def bounded_rate(rate: Decimal) -> Decimal:
    """A rate kept within ±MAX_RATE."""
    return min(MAX_RATE, max(-MAX_RATE, rate))


def bounded_rate_sql(rate: str) -> str:
    """SQL of ``bounded_rate``, for a rate that is not NULL (least and
    greatest would skip a NULL and answer the bound)."""
    return f"least({MAX_RATE}, greatest(-{MAX_RATE}, {rate}))"


def growth_rate(actual: Decimal, baseline: Decimal | None) -> Decimal | None:
    """The year-to-date rate from an amount and the prior year's same period."""
    if baseline is None or baseline <= 0:
        return None
    return (actual / baseline - 1) * HUNDRED


def behind_status(gap: Decimal, serious_points: Decimal) -> Status:
    """On track at or ahead of time, lagging behind it, seriously lagging at
    ``serious_points`` behind or more."""
    if gap >= 0:
        return Status.ON_TRACK
    if gap > -serious_points:
        return Status.LAGGING
    return Status.SERIOUS


def behind_status_sql(gap: str, points: str) -> str:
    """SQL of ``behind_status``."""
    return (
        f"CASE WHEN {gap} >= 0 THEN '{Status.ON_TRACK}' WHEN {gap} > -{points} THEN '{Status.LAGGING}'"
        f" ELSE '{Status.SERIOUS}' END"
    )
