"""How far a target is from where it should be: the one definition.

Pure functions of a target's facts and one period's observation (the latest
approved figure at or before it); the reporting status takes an explicit
``as_of`` date. Completion, expected progress and gap are percentages rounded
to one decimal, and the status is decided on those rounded figures, so what a
page shows is exactly what was judged (43.2 − 33.3 = 9.9 points ahead).

Defined answers for awkward inputs (never an exception, never a negative or
flattering ratio):
- a negative actual against a positive growth, ratio or decrease target is 0%
  complete; a fall against a growth target, or a rise against a decrease
  target, is seriously lagging;
- a target of zero (or an amount whose target equals its start) is 100%
  complete once reached and 0% before;
- a ceiling of zero is kept by zero and broken seriously by anything above;
- completion of an amount is measured from its start: (actual − start) ÷
  (target − start), floored at 0 and capped at ``MAX_SHARE``; expected progress
  never exceeds 100%, even where a trajectory plans beyond the target;
- a rate (reported, or computed from an amount against a tiny baseline) is
  kept within ±99,999,999,999.9, the largest figure of one decimal.
- a figure carried from an earlier period is judged against this period's
  time progress, and a growth rate reported as an amount against the prior
  year's figure of the carried figure's own month;
- without any approved figure a target has no data, unless it is a milestone
  or an amount whose date has passed: that is overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from core.figures import LARGEST_ONE_DECIMAL
from plans.choices import (
    DEFAULT_AMOUNT_LAG_POINTS,
    DEFAULT_CEILING_LAG_PERCENT,
    DEFAULT_MILESTONE_LAG_POINTS,
    DEFAULT_RATE_LAG_POINTS,
)
from targets.choices import BAD, SEVERITY, FlagChange, ReportingStatus, Status, TargetKind

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


class Reason(StrEnum):
    """Which sentence explains a judgement (rendered by ``explain``)."""

    NOT_REPORTED = "not_reported"  # no approved figure at or before the period
    NO_BASELINE = "no_baseline"  # growth reported as an amount without the prior year's same period
    REACHED = "reached"  # amount at or above target; milestone done
    AGAINST_TIME = "against_time"  # amount or milestone measured against time progress
    AGAINST_TARGET = "against_target"  # rate, ratio or decrease against its target
    FALL = "fall"  # a fall against a growth target / a rise against a decrease target
    WITHIN = "within"  # ceiling kept
    ABOVE = "above"  # ceiling broken
    PAST_DEADLINE = "past_deadline"  # deadline or milestone date passed unmet


@dataclass(frozen=True)
class Thresholds:
    amount_points: Decimal = DEFAULT_AMOUNT_LAG_POINTS
    rate_points: Decimal = DEFAULT_RATE_LAG_POINTS
    ceiling_percent: Decimal = DEFAULT_CEILING_LAG_PERCENT
    milestone_points: Decimal = DEFAULT_MILESTONE_LAG_POINTS


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
    reported_as: str = "rate"
    baseline_by_month: dict[int, Decimal] | None = None
    trajectory: dict[int, Decimal] | None = None
    thresholds: Thresholds = Thresholds()
    unit: str = ""


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
        return self.actual is not None and self.data_month is not None and (self.data_year, self.data_month) != (
            self.year,
            self.month,
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


def period_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from the start of ``start``'s month to the end of ``end``'s."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def time_progress(facts: TargetFacts, year: int, month: int) -> Decimal:
    """Expected progress in percent: the elapsed share of the target's span
    (N/12 for an annual target), or the plan's trajectory where it has one."""
    if facts.trajectory and facts.kind == "amount" and facts.value is not None:
        planned = _trajectory_at(facts.trajectory, month, start=facts.start_value or ZERO)
        if planned is not None:
            return min(
                HUNDRED, _share(planned - (facts.start_value or ZERO), facts.value - (facts.start_value or ZERO))
            )
    total = months_between(facts.span_start, facts.span_end)
    elapsed = months_between(facts.span_start, period_end(year, month))
    if total <= 0:
        return HUNDRED
    return min(HUNDRED, max(ZERO, Decimal(elapsed) * HUNDRED / Decimal(total)))


def _trajectory_at(points: dict[int, Decimal], month: int, *, start: Decimal) -> Decimal | None:
    """The planned year-to-date value at ``month``, interpolating linearly
    between the given months (from ``start`` at month 0)."""
    if month in points:
        return points[month]
    known = sorted(points.items())
    before = [(0, start)] + [(m, v) for m, v in known if m < month]
    after = [(m, v) for m, v in known if m > month]
    if not after:
        return None
    (m0, v0), (m1, v1) = before[-1], after[0]
    return v0 + (v1 - v0) * Decimal(month - m0) / Decimal(m1 - m0)


def _share(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole in percent, never negative; a zero whole is 100 once reached."""
    if whole <= 0:
        return HUNDRED if part >= whole else ZERO
    return min(MAX_SHARE, max(ZERO, part * HUNDRED / whole))


def growth_rate(actual: Decimal, baseline: Decimal | None) -> Decimal | None:
    """The year-to-date rate from an amount and the prior year's same period."""
    if baseline is None or baseline <= 0:
        return None
    return (actual / baseline - 1) * HUNDRED


def is_final_period(facts: TargetFacts, year: int, month: int) -> bool:
    return (year, month) >= (facts.span_end.year, facts.span_end.month)


def judge(facts: TargetFacts, observation: Observation) -> Judgement:
    """Judge one target for one period on its latest approved figure.

    A figure carried from an earlier period is judged against the time
    progress of the period judged, so a target that is not reported falls
    behind as time passes; a target done (a milestone at 100%, an amount at
    its target) stays done until a later approved figure says otherwise.
    Whether the unit reported on time is not judged here (``reporting_status``).
    """
    year, month = observation.year, observation.month
    expected = round1(time_progress(facts, year, month))
    past_deadline = period_end(year, month) > facts.span_end
    if observation.actual is None:
        if past_deadline and facts.kind in (TargetKind.MILESTONE, TargetKind.AMOUNT):
            return Judgement(Status.OVERDUE, Reason.PAST_DEADLINE, expected=expected)
        return Judgement(Status.NO_DATA, Reason.NOT_REPORTED, expected=expected)
    data_year = observation.data_year if observation.data_month is not None else year
    data_month = observation.data_month if observation.data_month is not None else month
    judged = _JUDGES[facts.kind](
        facts,
        observation.actual,
        expected=expected,
        past_deadline=past_deadline,
        final=is_final_period(facts, year, month),
        data_month=data_month,
    )
    return replace(judged, data_year=data_year, data_month=data_month)


def _judge_milestone(facts: TargetFacts, actual: Decimal, *, expected: Decimal, past_deadline: bool, **_) -> Judgement:
    completion = round1(min(HUNDRED, max(ZERO, actual)))
    gap = completion - expected
    if completion >= HUNDRED:
        return Judgement(Status.COMPLETED, Reason.REACHED, actual, completion, expected, gap)
    if past_deadline:
        return Judgement(Status.OVERDUE, Reason.PAST_DEADLINE, actual, completion, expected, gap)
    status = _behind_status(gap, facts.thresholds.milestone_points)
    return Judgement(status, Reason.AGAINST_TIME, actual, completion, expected, gap)


def _judge_amount(facts: TargetFacts, actual: Decimal, *, expected: Decimal, past_deadline: bool, **_) -> Judgement:
    target = facts.value if facts.value is not None else ZERO
    start = facts.start_value or ZERO
    completion = round1(_share(actual - start, target - start))
    gap = completion - expected
    if actual >= target:
        return Judgement(Status.COMPLETED, Reason.REACHED, actual, completion, expected, gap)
    if past_deadline:
        return Judgement(Status.OVERDUE, Reason.PAST_DEADLINE, actual, completion, expected, gap)
    status = _behind_status(gap, facts.thresholds.amount_points)
    return Judgement(status, Reason.AGAINST_TIME, actual, completion, expected, gap)


def _judge_ceiling(facts: TargetFacts, actual: Decimal, *, final: bool, **_) -> Judgement:
    target = facts.value if facts.value is not None else ZERO
    if target > 0:
        gap = round1((target - actual) * HUNDRED / target)
        completion = round1(HUNDRED if actual <= target else _share(target, actual))
    else:
        gap = ZERO if actual <= 0 else None
        completion = HUNDRED if actual <= 0 else ZERO
    if actual <= target:
        status = Status.COMPLETED if final else Status.ON_TRACK
        return Judgement(status, Reason.WITHIN, actual, completion, None, gap)
    serious = gap is None or -gap > facts.thresholds.ceiling_percent
    status = Status.SERIOUS if serious else Status.LAGGING
    return Judgement(status, Reason.ABOVE, actual, completion, None, gap)


def _judge_level(facts: TargetFacts, actual: Decimal, *, final: bool, data_month: int, **_) -> Judgement:
    """Growth rate, ratio and decrease: the level itself against the target
    level (for a rate reported as an amount, the rate against the prior
    year's figure of the figure's own month)."""
    kind = facts.kind
    target = facts.value if facts.value is not None else ZERO
    rate = actual
    if kind in (TargetKind.GROWTH_RATE, TargetKind.DECREASE) and facts.reported_as == "amount":
        computed = growth_rate(actual, (facts.baseline_by_month or {}).get(data_month))
        if computed is None:
            return Judgement(Status.NO_DATA, Reason.NO_BASELINE, None, None, None, None)
        rate = -computed if kind == TargetKind.DECREASE else computed
    rate = min(MAX_RATE, max(-MAX_RATE, round1(rate)))
    completion = round1(_share(rate, target))
    gap = rate - round1(target)
    fell = rate < 0 and (kind == TargetKind.DECREASE or target > 0)
    if gap >= 0:
        status = Status.COMPLETED if final else Status.ON_TRACK
        return Judgement(status, Reason.AGAINST_TARGET, rate, completion, None, gap)
    if kind != TargetKind.RATIO and fell:
        return Judgement(Status.SERIOUS, Reason.FALL, rate, completion, None, gap)
    status = Status.LAGGING if -gap <= facts.thresholds.rate_points else Status.SERIOUS
    return Judgement(status, Reason.AGAINST_TARGET, rate, completion, None, gap)


_JUDGES = {
    TargetKind.MILESTONE: _judge_milestone,
    TargetKind.AMOUNT: _judge_amount,
    TargetKind.CEILING: _judge_ceiling,
    TargetKind.GROWTH_RATE: _judge_level,
    TargetKind.RATIO: _judge_level,
    TargetKind.DECREASE: _judge_level,
}


def reporting_status(
    *, approved: bool, pending: bool, submitted_on: dt.date | None, due: dt.date, as_of: dt.date
) -> ReportingStatus:
    """Did the lead unit report the period on time (the second question)?

    ``approved`` / ``pending``: the period's report is approved / submitted
    and waiting for review; ``submitted_on``: the day (in the zone's time) it
    was last submitted; ``due``: the period's due day.
    """
    if approved:
        return ReportingStatus.LATE if submitted_on is not None and submitted_on > due else ReportingStatus.REPORTED
    if pending:
        return ReportingStatus.PENDING
    return ReportingStatus.MISSING if as_of > due else ReportingStatus.NOT_YET


def transition(previous: str | None, current: str) -> FlagChange | None:
    """The flag a change of status between consecutive periods raises:
    "raised" into a bad status, "recovered" out of one, "escalated" or
    "eased" between two bad ones (by SEVERITY); None otherwise."""
    was_bad = previous in BAD
    is_bad = current in BAD
    if is_bad and not was_bad:
        return FlagChange.RAISED
    if was_bad and not is_bad:
        return FlagChange.RECOVERED
    if was_bad and is_bad and previous != current:
        return FlagChange.ESCALATED if SEVERITY[current] > SEVERITY[previous] else FlagChange.EASED
    return None


def _behind_status(gap: Decimal, serious_points: Decimal) -> Status:
    if gap >= 0:
        return Status.ON_TRACK
    if gap > -serious_points:
        return Status.LAGGING
    return Status.SERIOUS


def worst(statuses) -> Status | None:
    """The worst of several statuses (a task's roll-up), or None for none."""
    ranked = sorted((Status(s) for s in statuses), key=SEVERITY.__getitem__)
    return ranked[-1] if ranked else None
