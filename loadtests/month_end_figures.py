"""What the month-end users type, and which of them do what: plain functions
shared by the locust scenario (loadtests/month_end.py) and its tests, kept
apart from locust, whose import patches the standard library for gevent."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def every_nth(index: int, share: float) -> bool:
    """True for exactly ``share`` of the indexes 0, 1, 2, … spread evenly."""
    return int((index + 1) * share) > int(index * share)


def month_figure(row: dict, rng: random.Random) -> str:
    """A plausible figure for the month that just ended: a cumulative figure
    grows by about one monthly step (never more than three), a rate or ratio
    moves around its level."""
    kind = row["kind"]
    previous = Decimal(row["previous"]) if row["previous"] else Decimal(0)
    if kind == "amount":
        value = previous + Decimal(row["step"]) * Decimal(str(rng.uniform(0.8, 1.6)))
    elif kind == "milestone":
        value = min(Decimal(100), previous + Decimal(row["step"]) * Decimal(str(rng.uniform(0.5, 1.5))))
    elif kind == "ratio":
        value = Decimal(str(rng.uniform(80, 99)))
    else:
        value = Decimal(str(rng.uniform(3, 15)))
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))
