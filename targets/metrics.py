"""How far a target is from where it should be: the one definition.

Pure functions of a target's facts and one period's observation (the latest
approved figure at or before it); the reporting status takes an explicit
``as_of`` date. Completion, expected progress and gap are percentages rounded
to one decimal, and the status is decided on those rounded figures, so what a
page shows is exactly what was judged (43.2 − 33.3 = 9.9 points ahead).
What every kind shares is here; each kind's own rule is its entry in
``targets.kinds``.

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
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from targets import kinds
from targets.choices import BAD, SEVERITY, FlagChange, ReportingStatus, Status, sql_case, sql_in
from targets.judgement import (
    HUNDRED,
    MAX_RATE,
    MAX_SHARE,
    MAX_SHARE_SQL,
    ZERO,
    Judgement,
    Observation,
    Reason,
    TargetFacts,
    Thresholds,
    growth_rate,
    round1,
    share,
)

# The judgement's words and arithmetic live in targets.judgement; they are
# read from here too, the door to judging.
__all__ = [
    "MAX_RATE",
    "MAX_SHARE",
    "MAX_SHARE_SQL",
    "Basis",
    "Judgement",
    "Observation",
    "Reason",
    "TargetFacts",
    "Thresholds",
    "elapsed_share",
    "growth_rate",
    "is_final_period",
    "judge",
    "linear_progress",
    "months_between",
    "period_end",
    "progress_basis",
    "reporting_status",
    "round1",
    "seasonal_progress",
    "seasonal_share",
    "time_progress",
    "transition",
    "transition_sql",
    "worst",
]


def period_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from the start of ``start``'s month to the end of ``end``'s."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


class Basis(StrEnum):
    """What a target's time progress is measured on (``progress_basis``)."""

    TRAJECTORY = "trajectory"  # the plan's own monthly trajectory
    SEASONAL = "seasonal"  # last year's share of the year by the month (季节性序时进度)
    LINEAR = "linear"  # the elapsed share of the span (N/12)


# A seasonal share is a fraction kept to six decimals, in both engine paths.
SHARE_PLACES = Decimal("0.000001")


def time_progress(facts: TargetFacts, year: int, month: int) -> Decimal:
    """Expected progress in percent, on ``progress_basis``: the plan's
    trajectory where the kind follows one and it plans the month; else, where
    the plan judges seasonally and last year's figures give the month's
    share, that share; else the elapsed share of the target's span (N/12 for
    an annual target)."""
    planned = _planned_progress(facts, month)
    if planned is not None:
        return planned
    if facts.time_basis == Basis.SEASONAL:
        seasonal = seasonal_progress(facts, year, month)
        if seasonal is not None:
            return seasonal
    return _elapsed_progress(facts, year, month)


def progress_basis(facts: TargetFacts, year: int, month: int) -> Basis:
    """Which time progress ``time_progress`` measured the period on, for the
    explanation and the pages ("按季节性序时进度")."""
    if _planned_progress(facts, month) is not None:
        return Basis.TRAJECTORY
    if facts.time_basis == Basis.SEASONAL and seasonal_progress(facts, year, month) is not None:
        return Basis.SEASONAL
    return Basis.LINEAR


def linear_progress(facts: TargetFacts, year: int, month: int) -> Decimal:
    """The straight line (N/12 for an annual target), rounded: shown beside
    the seasonal progress whichever judges."""
    return round1(_elapsed_progress(facts, year, month))


def seasonal_progress(facts: TargetFacts, year: int, month: int) -> Decimal | None:
    """Seasonal time progress in percent, rounded (``seasonal_share`` × 100), or None."""
    fraction = seasonal_share(facts, year, month)
    return None if fraction is None else round1(fraction * HUNDRED)


def seasonal_share(facts: TargetFacts, year: int, month: int) -> Decimal | None:
    """Last year's share of the target's span done by the end of the month
    (DOMAIN.md, "Beyond straight-line time progress"): last year's
    year-to-date figure at the month, less the figure before the span's
    first month, over the same at the span's last month; a fraction to six
    decimals within 0..1.

    Months last year's figures skip are interpolated as a trajectory is (from
    0 before January). None for a kind not measured against time, a span
    across years, a period outside the span's year, or figures that do not
    reach the span's last month or give it no positive whole."""
    ly = facts.baseline_by_month
    if not ly or not kinds.get(facts.kind).judging.trajectory:
        return None
    first, last = facts.span_start, facts.span_end
    if first.year != last.year or year != last.year:
        return None
    before = _trajectory_at(ly, first.month - 1, start=ZERO) if first.month > 1 else ZERO
    at_end = _trajectory_at(ly, last.month, start=ZERO)
    if before is None or at_end is None or at_end - before <= 0:
        return None
    if month < first.month:
        return ZERO
    if month >= last.month:
        return Decimal(1)
    at = _trajectory_at(ly, month, start=ZERO)
    if at is None:
        return None
    fraction = ((at - before) / (at_end - before)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    return min(Decimal(1), max(ZERO, fraction))


def elapsed_share(facts: TargetFacts, year: int, month: int) -> Decimal:
    """The straight line's share of the span by the end of the month, a
    fraction to six decimals within 0..1 (the run-rate projection's)."""
    total = months_between(facts.span_start, facts.span_end)
    if total <= 0:
        return Decimal(1)
    elapsed = months_between(facts.span_start, period_end(year, month))
    fraction = (Decimal(elapsed) / Decimal(total)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    return min(Decimal(1), max(ZERO, fraction))


def _planned_progress(facts: TargetFacts, month: int) -> Decimal | None:
    """The trajectory's planned share of the way from the start to the
    target at ``month`` (never above 100), or None where it plans nothing."""
    if not (facts.trajectory and facts.value is not None and kinds.get(facts.kind).judging.trajectory):
        return None
    start = facts.start_value or ZERO
    planned = _trajectory_at(facts.trajectory, month, start=start)
    if planned is None:
        return None
    return min(HUNDRED, share(planned - start, facts.value - start))


def _elapsed_progress(facts: TargetFacts, year: int, month: int) -> Decimal:
    """The elapsed share of the span's months at the end of the period, within 0..100."""
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


def is_final_period(facts: TargetFacts, year: int, month: int) -> bool:
    return (year, month) >= (facts.span_end.year, facts.span_end.month)


def judge(facts: TargetFacts, observation: Observation) -> Judgement:
    """Judge one target for one period on its latest approved figure.

    Time progress and whether the period is past the target's date come
    first, for every kind; then a period without a figure is judged as such,
    and a figure by its kind's rule (``targets.kinds``). A figure carried from
    an earlier period is judged against the time progress of the period
    judged, so a target that is not reported falls behind as time passes; a
    target done (a milestone at 100%, an amount at its target) stays done
    until a later approved figure says otherwise. Whether the unit reported
    on time is not judged here (``reporting_status``).
    """
    kind = kinds.get(facts.kind)
    year, month = observation.year, observation.month
    expected = round1(time_progress(facts, year, month))
    past_deadline = period_end(year, month) > facts.span_end
    if observation.actual is None:
        return _without_figure(kind, expected=expected, past_deadline=past_deadline)
    data_year, data_month = _figure_period(observation)
    judged = kind.judging.figure(
        facts,
        observation.actual,
        expected=expected,
        points=getattr(facts.thresholds, kind.judging.threshold),
        past_deadline=past_deadline,
        final=is_final_period(facts, year, month),
        data_month=data_month,
    )
    return replace(judged, data_year=data_year, data_month=data_month)


def _without_figure(kind: kinds.Kind, *, expected: Decimal, past_deadline: bool) -> Judgement:
    """No approved figure yet: no data, or overdue for a kind measured against
    time whose date has passed."""
    if past_deadline and kind.judging.against_time:
        return Judgement(Status.OVERDUE, Reason.PAST_DEADLINE, expected=expected)
    return Judgement(Status.NO_DATA, Reason.NOT_REPORTED, expected=expected)


def _figure_period(observation: Observation) -> tuple[int, int]:
    """The period of the figure judged: its own, or the period observed."""
    if observation.data_month is None:
        return observation.year, observation.month
    return observation.data_year, observation.data_month


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


def transition_sql(previous: str, current: str) -> str:
    """``transition`` as a SQL CASE over two status columns, for the
    set-based engine (``previous`` NULL for a first period): the same flag,
    or NULL for none."""
    bad = sql_in(BAD)
    is_bad = f"({current} IN ({bad}))"
    was_bad = f"coalesce({previous} IN ({bad}), false)"
    return f"""CASE
        WHEN {is_bad} AND NOT {was_bad} THEN '{FlagChange.RAISED}'
        WHEN {was_bad} AND NOT {is_bad} THEN '{FlagChange.RECOVERED}'
        WHEN {was_bad} AND {is_bad} AND {current} <> {previous} THEN
            CASE WHEN {sql_case(current, SEVERITY)} > {sql_case(previous, SEVERITY)}
                THEN '{FlagChange.ESCALATED}' ELSE '{FlagChange.EASED}' END
    END"""


def worst(statuses) -> Status | None:
    """The worst of several statuses (a task's roll-up), or None for none."""
    ranked = sorted((Status(s) for s in statuses), key=SEVERITY.__getitem__)
    return ranked[-1] if ranked else None
