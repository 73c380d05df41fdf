"""Looking ahead (targets.outlook): the pace still needed, the pace so far,
the year-end projection, its band from the plan's own history, and the
outlook, on hand-computed cases; and the band itself (``spread``).

``AHEAD`` is also run through both engine paths by
tests/progress/engine/test_bulk.py, which asserts the stored figures are these.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from targets.metrics import Basis, Observation, TargetFacts, judge
from targets.outlook import NOTHING, ahead, round2, spread

YEAR = dt.date(2014, 1, 1), dt.date(2014, 12, 31)
# Last year's shapes of the plan's other amounts: at June 50% and 30% of the
# year. With a target at 40% in June the three give, at June, a mean share of
# 0.4; the seasonal band |0.4/0.4 − 1|, |0.5/0.4 − 1|, |0.3/0.4 − 1| → mean
# 0.1667; the straight line's |0.4/0.5 − 1|, |0.5/0.5 − 1|, |0.3/0.5 − 1| →
# 0.2000 (without the target: 0.2000 too).
SIBLINGS = ({6: D(50), 12: D(100)}, {6: D(30), 12: D(100)})
FORTY_IN_JUNE = {6: D(40), 12: D(100)}


def facts(value="100", **extra) -> TargetFacts:
    start, end = extra.pop("span", YEAR)
    return TargetFacts(
        kind=extra.pop("kind", "amount"), value=None if value is None else D(value), span_start=start, span_end=end,
        **extra,
    )  # fmt: skip


AHEAD_COLUMNS = (
    "name", "kw", "shapes", "month", "actual", "data_month", "needed", "so_far", "projected", "low", "high", "outlook",
)  # fmt: skip
AHEAD = [
    # id, facts kwargs, plan's other shapes, month, figure, figure's month,
    # pace needed, pace so far, projected, low, high, outlook
    (
        "run-rate without history",  # 45 / (6/12) = 90
        {},
        (),
        6,
        "45",
        6,
        "9.17",  # 55 / 6
        "7.50",  # 45 / 6
        "90.00",
        None,
        None,
        "miss",
    ),
    (
        "seasonal projection",  # 42 / 0.4 = 105
        {"baseline_by_month": FORTY_IN_JUNE},
        (),
        6,
        "42",
        6,
        "9.67",  # 58 / 6
        "7.00",
        "105.00",
        None,
        None,
        "meet",
    ),
    (
        "seasonal share by interpolation",  # June: 15 + 85 × 3/9 of 100 = 0.433333; 40 / 0.433333 = 92.3077…
        {"baseline_by_month": {3: D(15), 12: D(100)}},
        (),
        6,
        "40",
        6,
        "10.00",
        "6.67",
        "92.31",
        None,
        None,
        "miss",
    ),
    (
        "projection on last year's shape whichever basis judges",  # the plan says seasonal: the same projection
        {"baseline_by_month": FORTY_IN_JUNE, "time_basis": "seasonal"},
        (),
        6,
        "42",
        6,
        "9.67",
        "7.00",
        "105.00",
        None,
        None,
        "meet",
    ),
    (
        "band: only its low end misses, at risk",  # 105 × (1 ∓ 0.1667)
        {"baseline_by_month": FORTY_IN_JUNE},
        SIBLINGS,
        6,
        "42",
        6,
        "9.67",
        "7.00",
        "105.00",
        "87.50",
        "122.50",
        "risk",
    ),
    (
        "band: even its low end meets",  # 125 × (1 ∓ 0.1667)
        {"baseline_by_month": FORTY_IN_JUNE},
        SIBLINGS,
        6,
        "50",
        6,
        "8.33",
        "8.33",
        "125.00",
        "104.16",
        "145.84",
        "meet",
    ),
    (
        "band: the projection misses",  # 90 × (1 ∓ 0.1667)
        {"baseline_by_month": FORTY_IN_JUNE},
        SIBLINGS,
        6,
        "36",
        6,
        "10.67",
        "6.00",
        "90.00",
        "75.00",
        "105.00",
        "miss",
    ),
    (
        "run-rate banded by the straight line's spread",  # 52 / 0.5 = 104, × (1 ∓ 0.2)
        {},
        SIBLINGS,
        6,
        "52",
        6,
        "8.00",
        "8.67",
        "104.00",
        "83.20",
        "124.80",
        "risk",
    ),
    (
        "from a start value",  # 60 + (70 − 60) / 0.5 = 80
        {"start_value": D(60)},
        (),
        6,
        "70",
        6,
        "5.00",  # (100 − 70) / 6
        "1.67",  # (70 − 60) / 6
        "80.00",
        None,
        None,
        "miss",
    ),
    (
        "target reached: no pace needed",  # 110 / 0.5
        {},
        (),
        6,
        "110",
        6,
        None,
        "18.33",
        "220.00",
        None,
        None,
        "meet",
    ),
    (
        "target reached with a band: met",  # 102 / 0.4 = 255, × (1 ∓ 0.1667)
        {"baseline_by_month": FORTY_IN_JUNE},
        SIBLINGS,
        6,
        "102",
        6,
        None,
        "17.00",
        "255.00",
        "212.49",
        "297.51",
        "meet",
    ),
    (
        "reached: met, not at risk; the band's low end never below the figure done",
        # 100 / 0.9 = 111.11, × (1 ∓ 0.3922): 67.53 is below the 100 done
        {"baseline_by_month": {6: D(90), 12: D(100)}},
        SIBLINGS,
        6,
        "100",
        6,
        None,
        "16.67",
        "111.11",
        "100",
        "154.69",
        "meet",
    ),
    (
        "carried figure: paced and projected from its own month",  # April's 40 in June: 40 / 0.333333
        {},
        (),
        6,
        "40",
        4,
        "10.00",  # (100 − 40) / the 6 months after June
        "10.00",  # 40 / 4
        "120.00",
        None,
        None,
        "meet",
    ),
    (
        "span ending at its deadline",  # June's deadline: 30 / (3/6) = 60; 70 / 3 months left
        {"span": (dt.date(2014, 1, 1), dt.date(2014, 6, 30))},
        (),
        3,
        "30",
        3,
        "23.33",
        "10.00",
        "60.00",
        None,
        None,
        "miss",
    ),
    (
        "last year's share of 0: a run-rate banded by the straight line",  # 45 / 0.5; June's shares 0, 0: h = 1
        {"baseline_by_month": {6: D(0), 12: D(100)}},
        ({6: D(0), 12: D(100)},),
        6,
        "45",
        6,
        "9.17",
        "7.50",
        "90.00",
        "45",  # 90 × (1 − 1) = 0, but 45 are done
        "180.00",
        "miss",
    ),
    (
        "nothing done yet: paced, but nothing projected",  # 0 of 100 by June
        {"baseline_by_month": FORTY_IN_JUNE},
        SIBLINGS,
        6,
        "0",
        6,
        "16.67",
        "0.00",
        None,
        None,
        None,
        "",
    ),
    (
        "below its start: nothing projected",
        {"start_value": D(60)},
        (),
        6,
        "55",
        6,
        "7.50",
        "-0.83",
        None,
        None,
        None,
        "",
    ),
    ("final month: nothing ahead", {}, SIBLINGS, 12, "90", 12, None, None, None, None, None, ""),
    ("no figure: nothing ahead", {}, SIBLINGS, 6, None, None, None, None, None, None, None, ""),
    (
        "a rate is not looked ahead",
        {"kind": "growth_rate", "value": "8"},
        (),
        6,
        "9",
        6,
        None,
        None,
        None,
        None,
        None,
        "",
    ),
    (
        "an absurd figure is projected within a figure",  # 99999999999.9999 / 0.5 is kept within two decimals
        {},
        (),
        6,
        "99999999999.9999",
        6,
        None,
        "16666666666.67",
        "99999999999.99",
        None,
        None,
        "meet",
    ),
]


def _figures(row):
    return tuple(None if figure is None else D(figure) for figure in row)


def plan_spread(target: TargetFacts, shapes) -> dict:
    others = [facts(baseline_by_month=shape) for shape in shapes]
    return spread([target, *others], year=2014)


@pytest.mark.parametrize(
    AHEAD_COLUMNS,
    AHEAD,
    ids=[case[0] for case in AHEAD],
)
def test_ahead_table(name, kw, shapes, month, actual, data_month, needed, so_far, projected, low, high, outlook):
    target = facts(**kw)
    figure = None if actual is None else D(actual)
    observation = Observation(
        year=2014, month=month, actual=figure, data_year=None if figure is None else 2014, data_month=data_month
    )
    way = ahead(target, judge(target, observation), year=2014, month=month, spread=plan_spread(target, shapes))
    got = (way.pace_needed, way.pace_so_far, way.projected, way.projected_low, way.projected_high)
    assert got == _figures((needed, so_far, projected, low, high)), name
    assert way.outlook == outlook, name


def test_nothing_ahead_is_all_none():
    target = facts()
    way = ahead(target, judge(target, Observation(year=2014, month=6, actual=None)), year=2014, month=6)
    assert way == NOTHING


# The band (outlook.spread): the plan's own history.


def test_spread_of_three_shapes_by_hand():
    shapes = [facts(baseline_by_month=shape) for shape in (FORTY_IN_JUNE, *SIBLINGS)]
    result = spread(shapes, year=2014)
    assert result[(Basis.SEASONAL, 6)] == D("0.1667")
    assert result[(Basis.LINEAR, 6)] == D("0.2000")
    # Every month before December is measured; December is every span's last.
    assert {month for _, month in result} == set(range(1, 12))


def test_spread_needs_two_targets_with_last_years_figures():
    assert spread([facts(baseline_by_month=FORTY_IN_JUNE)], year=2014) == {}
    # A target without figures, without a value, or of another kind is no shape.
    others = [facts(), facts(value=None, baseline_by_month=FORTY_IN_JUNE)]
    others.append(facts(kind="growth_rate", value="8", baseline_by_month=FORTY_IN_JUNE))
    assert spread([facts(baseline_by_month=FORTY_IN_JUNE), *others], year=2014) == {}


def test_spread_counts_a_target_only_before_its_spans_last_month():
    june = (dt.date(2014, 1, 1), dt.date(2014, 6, 30))
    shapes = [facts(baseline_by_month=shape, span=june) for shape in ({3: D(30), 6: D(60)}, {3: D(20), 6: D(60)})]
    result = spread([*shapes, facts(baseline_by_month=FORTY_IN_JUNE)], year=2014)
    # March: shares 0.5, 0.333333 (of June) and 0.2 (40/100 × 3/6 of the year): three targets;
    # the straight line's σ is 0.5 for the June spans and 0.25 for the year.
    assert result[(Basis.LINEAR, 3)] == D("0.1778")  # (0 + 0.333334 + 0.2) / 3
    # From June on only the year's target is left: no band.
    assert not any(month >= 6 for _, month in result)


def test_spread_of_a_three_year_plan_is_none():
    three_years = (dt.date(2020, 1, 1), dt.date(2022, 12, 31))
    shapes = [facts(baseline_by_month=shape, span=three_years) for shape in (FORTY_IN_JUNE, *SIBLINGS)]
    assert spread(shapes, year=2020) == {}


def test_seasonal_mean_of_zero_gives_only_the_straight_lines_band():
    zero_in_june = [facts(baseline_by_month={6: D(0), 12: D(100)}) for _ in range(2)]
    result = spread(zero_in_june, year=2014)
    assert result[(Basis.LINEAR, 6)] == D("1.0000")
    assert (Basis.SEASONAL, 6) not in result


def test_round2_keeps_a_figure_within_two_decimals():
    assert round2(D("99999999999.9999")) == D("99999999999.99")
    assert round2(D("-1e20")) == D("-99999999999.99")
    assert round2(D("2.345")) == D("2.35")
