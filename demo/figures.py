"""Deterministic demo figures: a plausible year-to-date series for a target.

Nothing here is real data. The series depends only on its inputs, so the
demo is identical on every machine and every run.
"""

from __future__ import annotations

import zlib
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

COUNT_UNITS = frozenset({"个", "家", "件", "项", "名", "套", "户", "条", "所", "座", "人", "批", "次", "只", "台"})


class Profile(Enum):
    """How a target's demo figures behave against where it should be."""

    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    FAR_BEHIND = "far_behind"
    UNREPORTED = "unreported"


# Ten buckets: 3 ahead, 3 on track, 2 behind, 1 far behind, 1 unreported.
_BUCKETS = (
    [Profile.AHEAD] * 3 + [Profile.ON_TRACK] * 3 + [Profile.BEHIND] * 2 + [Profile.FAR_BEHIND, Profile.UNREPORTED]
)
_PACE = {
    Profile.AHEAD: Decimal("1.15"),
    Profile.ON_TRACK: Decimal("1.02"),
    Profile.BEHIND: Decimal("0.94"),
    Profile.FAR_BEHIND: Decimal("0.70"),
}
_RATE_OFFSET = {
    Profile.AHEAD: Decimal("2.5"),
    Profile.ON_TRACK: Decimal("0.4"),
    Profile.BEHIND: Decimal("-1.6"),
    Profile.FAR_BEHIND: Decimal("-6"),
}
_CEILING_SHARE = {
    Profile.AHEAD: Decimal("0.7"),
    Profile.ON_TRACK: Decimal("0.9"),
    Profile.BEHIND: Decimal("1.05"),
    Profile.FAR_BEHIND: Decimal("1.2"),
}


def profile_for(key: str) -> Profile:
    return _BUCKETS[zlib.crc32(key.encode()) % len(_BUCKETS)]


def _wobble(key: str, month: int) -> Decimal:
    """A small deterministic wobble in [-0.03, 0.03]."""
    return Decimal(zlib.crc32(f"{key}:{month}".encode()) % 61 - 30) / Decimal(1000)


def _round(value: Decimal, unit: str) -> Decimal:
    places = Decimal("1") if unit in COUNT_UNITS else Decimal("0.01")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def demo_series(
    *,
    key: str,
    kind: str,
    unit: str,
    value: Decimal | None,
    start: Decimal | None,
    months: list[int],
    span_months: int,
    profile: Profile,
) -> dict[int, Decimal]:
    """Year-to-date figures for the given months (1-12 of the first year).

    ``span_months`` is the number of months from the plan's start to the
    target's deadline, so a target due in two years grows at half the pace.
    """
    if profile is Profile.UNREPORTED:
        return {}
    series: dict[int, Decimal] = {}
    previous = Decimal("0")
    for month in months:
        share = Decimal(month) / Decimal(max(span_months, 1))
        if kind == "milestone":
            done = min(Decimal(100), share * Decimal(100) * _PACE[profile])
            figure = done.quantize(Decimal("1"))
        elif kind == "amount":
            base = start or Decimal(0)
            figure = _round(
                base + ((value or Decimal(0)) - base) * share * (_PACE[profile] + _wobble(key, month)), unit
            )
            figure = max(figure, previous)  # year-to-date figures do not fall
        elif kind == "ceiling":
            figure = _round((value or Decimal(0)) * (_CEILING_SHARE[profile] + _wobble(key, month)), "%")
        elif kind == "decrease":
            offset = Decimal("-13") if profile is Profile.FAR_BEHIND else _RATE_OFFSET[profile]
            figure = _round((value or Decimal(0)) + offset + _wobble(key, month) * 10, "%")
        else:  # growth_rate, ratio: a level that moves around the target
            figure = _round((value or Decimal(0)) + _RATE_OFFSET[profile] + _wobble(key, month) * 20, "%")
        series[month] = figure
        previous = figure
    return series
