"""Deterministic demo figures: a plausible year-to-date series for a target.

Nothing here is real data. A series depends only on its inputs (a target's name gives its small
wobble), so the demo is the same on every machine and every run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.figures import COUNT_UNITS
from demo.overlay import Run
from targets import kinds
from targets.choices import Standing

HUNDRED = Decimal(100)

# Share of where an amount should be by now (time progress, or last year's seasonal share).
# On track runs a little ahead of time, so that a figure carried for a month (a unit late with
# its report) is still on track: the report is late, the work is not.
_PACE = {
    Run.AHEAD: Decimal("1.22"),
    Run.ON_TRACK: Decimal("1.12"),
    Run.BEHIND: Decimal("0.93"),
    Run.FAR_BEHIND: Decimal("0.70"),
    Run.STALLED: Decimal("0.70"),
}
_NOT_YET = Decimal("0.985")
# Points above (below) a rate or level target.
_RATE_OFFSET = {
    Run.AHEAD: Decimal("2.5"),
    Run.ON_TRACK: Decimal("0.8"),
    Run.DONE: Decimal("0.8"),
    Run.BEHIND: Decimal("-1.5"),
    Run.FAR_BEHIND: Decimal("-6"),
    Run.STALLED: Decimal("-6"),
}
# Share of a ceiling reached.
_CEILING_SHARE = {
    Run.AHEAD: Decimal("0.75"),
    Run.ON_TRACK: Decimal("0.9"),
    Run.DONE: Decimal("0.9"),
    Run.BEHIND: Decimal("1.05"),
    Run.FAR_BEHIND: Decimal("1.2"),
    Run.STALLED: Decimal("1.2"),
}
# A milestone's share done against the share of time elapsed.
_MILESTONE_PACE = {
    Run.AHEAD: Decimal("1.3"),
    Run.ON_TRACK: Decimal("1.1"),
    Run.BEHIND: Decimal("0.85"),
    Run.FAR_BEHIND: Decimal("0.5"),
    Run.STALLED: Decimal("0.8"),
}


@dataclass(frozen=True)
class SeriesInput:
    """What a target's series depends on."""

    key: str  # the target's name in its zone file: the seed of its wobble
    kind: str
    unit: str
    value: Decimal | None
    start: Decimal | None
    run: Run
    span: int  # months from the plan's start to the target's deadline (its time-progress denominator)
    last_year: tuple[Decimal, ...] | None = None  # last year's year-to-date figures, January–December
    as_amount: bool = False  # a growth target reported as the year-to-date amount


def _wobble(key: str, month: int) -> Decimal:
    """A small deterministic wobble in [-0.02, 0.02]."""
    return Decimal(zlib.crc32(f"{key}:{month}".encode()) % 41 - 20) / Decimal(1000)


def _round(value: Decimal, unit: str) -> Decimal:
    places = Decimal("1") if unit in COUNT_UNITS else Decimal("0.01")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _expected_share(spec: SeriesInput, month: int) -> Decimal:
    """Where an amount should be by ``month``: last year's seasonal share when known, else time."""
    if spec.last_year and spec.last_year[11] and spec.span == 12:
        return spec.last_year[month - 1] / spec.last_year[11]
    return min(Decimal(1), Decimal(month) / Decimal(max(spec.span, 1)))


def demo_series(spec: SeriesInput, months: list[int]) -> dict[int, Decimal]:
    """Year-to-date figures of the plan's first year for ``months`` (ascending)."""
    kind = kinds.get(spec.kind)
    series: dict[int, Decimal] = {}
    last = months[-1] if months else 0
    previous = Decimal(0)
    for month in months:
        figure = _figure(spec, kind, month, last)
        if kind.figures.cumulative or kind.figures.share_done or spec.as_amount:
            figure = max(figure, previous)  # year-to-date figures and shares done do not fall
        series[month] = figure
        previous = figure
    return series


def _figure(spec: SeriesInput, kind: kinds.Kind, month: int, last: int) -> Decimal:
    """The figure of ``month``, shaped by what the kind's figures are (targets.kinds)."""
    if kind.figures.standing:
        return Decimal(int(_standing(spec.run, month, last)))
    if kind.figures.share_done:
        return _share_done(spec, month, last)
    if kind.figures.cumulative:
        return _year_to_date(spec, month, last)
    if kind.at_most:
        return _round((spec.value or Decimal(0)) * (_CEILING_SHARE[spec.run] + _wobble(spec.key, month)), "%")
    return _rate(spec, kind, month)


def _standing(run: Run, month: int, last: int) -> Standing:
    """A task's standing: on schedule, done by the month before the last for
    a task done, lagging from the month before the last for one behind (from
    three months before for one far behind)."""
    if run is Run.DONE and month >= last - 1:
        return Standing.DONE
    if run is Run.BEHIND and month >= last - 1:
        return Standing.LAGGING
    if run in (Run.FAR_BEHIND, Run.STALLED) and month >= last - 3:
        return Standing.LAGGING
    return Standing.ON_SCHEDULE


def item_run(key: str) -> Run:
    """How a task item runs when its zone file does not say: about one in
    eight lagging, one in twenty far behind, one in ten done, the rest on
    schedule; by the item's name, so the same on every run."""
    draw = zlib.crc32(key.encode()) % 40
    if draw < 5:
        return Run.BEHIND
    if draw < 7:
        return Run.FAR_BEHIND
    if draw < 11:
        return Run.DONE
    return Run.ON_TRACK


def _share_done(spec: SeriesInput, month: int, last: int) -> Decimal:
    """A milestone's share done: ahead of or behind the time elapsed, done by its run."""
    run = spec.run
    if run is Run.DONE:
        return HUNDRED if month >= max(1, min(spec.span, last) - 1) else _milestone(spec, month, Decimal("1.2"))
    if run is Run.ON_TRACK and month >= spec.span:
        return HUNDRED
    share = _milestone(spec, month, _MILESTONE_PACE[run])
    return min(share, Decimal(90)) if run is Run.STALLED else share


def _year_to_date(spec: SeriesInput, month: int, last: int) -> Decimal:
    """An amount's year-to-date figure from its start towards its target."""
    run, value = spec.run, spec.value or Decimal(0)
    base = spec.start or Decimal(0)
    if run is Run.DONE:
        reached = max(1, last - 2)
        share = Decimal(month) / Decimal(reached) if month < reached else Decimal("1.02")
    else:  # short of the target until the run says it is done (a small count rounds up to it)
        share = min(_NOT_YET, _expected_share(spec, month) * (_PACE[run] + _wobble(spec.key, month)))
    return _round(base + (value - base) * share, spec.unit)


def _rate(spec: SeriesInput, kind: kinds.Kind, month: int) -> Decimal:
    """A rate or level about its target, or the amount it is computed from."""
    run = spec.run
    rate = (spec.value or Decimal(0)) + _RATE_OFFSET[run] + _wobble(spec.key, month) * 20
    if kind.decline and run is Run.FAR_BEHIND:
        rate = -abs(rate)  # a rise where a decline was promised
    if spec.as_amount and spec.last_year:
        return _round(spec.last_year[month - 1] * (1 + rate / HUNDRED), "")
    return _round(rate, "%")


def _milestone(spec: SeriesInput, month: int, pace: Decimal) -> Decimal:
    elapsed = Decimal(month) / Decimal(max(spec.span, 1))
    return min(Decimal(95), elapsed * HUNDRED * pace).quantize(Decimal("1"))


# Last year's monthly shares of an amount's year (the demo's invented season): slow in January
# and February, the quarters' ends busier, the most in December. Twelve shares summing to 1.
_SEASON = (
    Decimal("0.040"),
    Decimal("0.050"),
    Decimal("0.080"),
    Decimal("0.075"),
    Decimal("0.080"),
    Decimal("0.100"),
    Decimal("0.070"),
    Decimal("0.075"),
    Decimal("0.095"),
    Decimal("0.085"),
    Decimal("0.100"),
    Decimal("0.150"),
)
# Last year's total against this year's target: a plan asks for a little more than last year did.
_LAST_YEAR_LEVEL = Decimal("0.88")


def front_loaded(key: str) -> bool:
    """About one amount in five whose last year ran ahead of the season (big contracts landed in
    the first half): on a straight line this year it looks on track by midyear, while last year's
    shape says it is heading for a miss (the dashboard's box of misses before they turn red)."""
    return zlib.crc32(f"{key}:front".encode()) % 5 == 0


def last_year_series(key: str, *, value: Decimal, unit: str, early: bool = False) -> tuple[Decimal, ...]:
    """Invented year-to-date figures of last year, January–December, for an amount whose zone
    file gives none: the demo's season (``early``: the season run backwards, most done in the
    first half) with each month's share moved by up to a fifth (by the target's name, so the
    same on every run), to a total a little below this year's target. Never falling; a count in
    whole numbers, at least 1 by December."""
    season = _SEASON[::-1] if early else _SEASON
    shares = [share * (1 + _wobble(f"{key}:last-year", month) * 10) for month, share in enumerate(season, 1)]
    whole = sum(shares)
    total = value * (_LAST_YEAR_LEVEL + _wobble(key, 0))
    if unit in COUNT_UNITS:
        total = max(Decimal(1), total)
    series, done = [], Decimal(0)
    for share in shares:
        done += share
        series.append(_round(total * done / whole, unit))
    series[-1] = _round(total, unit)
    return tuple(series)
