"""The small trend lines of the dashboard's cards: this year's approved
year-to-date figures month by month beside last year's (the target's
``baseline_by_month``), drawn as inline SVG so that a card needs no script.

The figures are the engine's stored results of each month's own approved
figure, read for every card in one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from plans.periods import Period
from targets.models import TargetResult

WIDTH, HEIGHT = 120, 32
PAD = 2


@dataclass(frozen=True)
class Spark:
    """Two polylines in a WIDTH × HEIGHT box: ``points`` (this year, to the
    period viewed) and ``last_points`` (last year, the whole year)."""

    points: str
    last_points: str
    width: int = WIDTH
    height: int = HEIGHT


def own_figures(targets: Iterable[int], *, period: Period) -> dict[int, dict[int, Decimal]]:
    """Each target's approved year-to-date figure by month of the period's
    year up to the period: its results judging a figure of their own month
    (one query, whatever the targets)."""
    ids = list(targets)
    found: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if not ids:
        return found
    rows = TargetResult.objects.filter(
        target_id__in=ids,
        year=period.year,
        month__lte=period.month,
        data_year=period.year,
        data_month=F("month"),
        actual__isnull=False,
    ).values_list("target_id", "month", "actual")
    for target_id, month, actual in rows:
        found[target_id][month] = actual
    return found


def spark_of(figures: dict[int, Decimal], last: dict[int, Decimal] | None) -> Spark | None:
    """The card's trend line: this year's figures beside last year's
    (``TargetFacts.baseline_by_month``), on one scale; None where fewer than
    two points of this year, or no figure of last year, would make a line."""
    if len(figures) < 2 or not last:
        return None
    values = [*figures.values(), *last.values()]
    low, high = min(min(values), Decimal(0)), max(values)
    if high <= low:
        return None
    return Spark(points=_points(figures, low, high), last_points=_points(last, low, high))


def _points(series: dict[int, Decimal], low: Decimal, high: Decimal) -> str:
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    points = []
    for month in sorted(series):
        x = PAD + inner_w * (month - 1) / 11
        y = PAD + inner_h * float((high - series[month]) / (high - low))
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)
