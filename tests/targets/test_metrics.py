"""The judgement of one target for one period: golden cases, a table of every
kind and modifier, and properties that hold for any input."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.figures import figure_problem
from targets.choices import ReportingStatus, Status
from targets.explanations import explain
from targets.metrics import (
    MAX_SHARE,
    Observation,
    Reason,
    TargetFacts,
    Thresholds,
    judge,
    reporting_status,
    time_progress,
    transition,
    worst,
)

YEAR = dt.date(2014, 1, 1), dt.date(2014, 12, 31)


def facts(kind="amount", value="100", **extra) -> TargetFacts:
    start, end = extra.pop("span", YEAR)
    return TargetFacts(
        kind=kind, value=D(value) if value is not None else None, span_start=start, span_end=end, **extra
    )


def observe(month, actual, year=2014, data_month=None):
    figure = None if actual is None else D(str(actual))
    if figure is None or data_month is None:
        return Observation(year=year, month=month, actual=figure)
    return Observation(year=year, month=month, actual=figure, data_year=year, data_month=data_month)


def run(f, month, actual, **kw):
    return judge(f, observe(month, actual, **kw))


@pytest.fixture
def chinese():
    with translation.override("zh-hans"):
        yield


def test_golden_investment_1_to_4_is_9_9_points_ahead(chinese):
    f = facts(value="100", unit="亿元")
    j = run(f, 4, "43.2")
    assert (j.completion, j.expected, j.gap, j.status) == (D("43.2"), D("33.3"), D("9.9"), Status.ON_TRACK)
    assert explain(f, j, year=2014, month=4) == "1-4月完成43.2亿元，占全年目标的43.2%，超序时进度9.9个百分点"


def test_golden_new_output_282_8_of_500_by_june_is_6_6_points_ahead(chinese):
    f = facts(value="500", unit="亿元")
    j = run(f, 6, "282.8")
    assert (j.completion, j.expected, j.gap) == (D("56.6"), D("50.0"), D("6.6"))
    assert explain(f, j, year=2014, month=6) == "1-6月完成282.8亿元，占全年目标的56.6%，超序时进度6.6个百分点"


def test_domain_example_sentence_behind_time_progress(chinese):
    f = facts(value="47.2", unit="亿元")  # 32.1 / 47.2 = 68.0%; 9/12 = 75.0%
    j = run(f, 9, "32.1")
    assert (j.completion, j.gap, j.status) == (D("68.0"), D("-7.0"), Status.LAGGING)
    assert explain(f, j, year=2014, month=9) == "1-9月完成32.1亿元，占全年目标的68.0%，低于序时进度7.0个百分点"


CASES = [
    # id, facts kwargs, month, actual, status, completion, expected, gap, reason
    ("amount on track", {}, 6, "50", Status.ON_TRACK, "50.0", "50.0", "0.0", Reason.AGAINST_TIME),
    ("amount lagging", {}, 6, "45", Status.LAGGING, "45.0", "50.0", "-5.0", Reason.AGAINST_TIME),
    (
        "amount seriously lagging at exactly 10",
        {},
        6,
        "40",
        Status.SERIOUS,
        "40.0",
        "50.0",
        "-10.0",
        Reason.AGAINST_TIME,
    ),
    ("amount completed", {}, 10, "100", Status.COMPLETED, "100.0", "83.3", "16.7", Reason.REACHED),
    ("amount negative actual", {}, 6, "-5", Status.SERIOUS, "0.0", "50.0", "-50.0", Reason.AGAINST_TIME),
    (
        "amount from a start",
        {"value": "118", "start_value": D(69)},
        6,
        "93",
        Status.LAGGING,
        "49.0",
        "50.0",
        "-1.0",
        Reason.AGAINST_TIME,
    ),
    (
        "absurd figure capped",
        {"value": "0.0001"},
        6,
        "99999999999.9999",
        Status.COMPLETED,
        "999999.0",
        "50.0",
        "999949.0",
        Reason.REACHED,
    ),
    (
        "growth as an amount against a tiny baseline is kept within a figure",
        {"kind": "growth_rate", "value": "15", "reported_as": "amount", "baseline_by_month": {6: D("0.0001")}},
        6,
        "99999999999.9999",
        Status.ON_TRACK,
        "999999.0",
        None,
        "99999999984.9",
        Reason.AGAINST_TARGET,
    ),
    (
        "decrease as an amount rising past a figure is kept within one",
        {"kind": "decrease", "value": "10", "reported_as": "amount", "baseline_by_month": {6: D("0.0001")}},
        6,
        "99999999999.9999",
        Status.SERIOUS,
        "0.0",
        None,
        "-100000000009.9",
        Reason.FALL,
    ),
    (
        "growth typed at the top of a figure's range rounds within it",
        {"kind": "growth_rate", "value": "15"},
        6,
        "99999999999.9999",
        Status.ON_TRACK,
        "999999.0",
        None,
        "99999999984.9",
        Reason.AGAINST_TARGET,
    ),
    (
        "trajectory beyond the target",
        {"trajectory": {6: D(150)}},
        6,
        "95",
        Status.LAGGING,
        "95.0",
        "100.0",
        "-5.0",
        Reason.AGAINST_TIME,
    ),
    ("amount zero target", {"value": "0"}, 3, "0", Status.COMPLETED, "100.0", "25.0", "75.0", Reason.REACHED),
    (
        "range judged on its floor",
        {"value": "10", "value_high": D(15), "comparator": "range"},
        12,
        "11",
        Status.COMPLETED,
        "110.0",
        "100.0",
        "10.0",
        Reason.REACHED,
    ),
    (
        "stretch does not change the floor",
        {"value": "10", "stretch": D(15)},
        6,
        "5",
        Status.ON_TRACK,
        "50.0",
        "50.0",
        "0.0",
        Reason.AGAINST_TIME,
    ),
    (
        "amount due in two years",
        {"span": (dt.date(2014, 1, 1), dt.date(2015, 12, 31))},
        12,
        "50",
        Status.ON_TRACK,
        "50.0",
        "50.0",
        "0.0",
        Reason.AGAINST_TIME,
    ),
    (
        "amount past its deadline unmet",
        {"span": (dt.date(2014, 1, 1), dt.date(2014, 6, 30))},
        7,
        "80",
        Status.OVERDUE,
        "80.0",
        "100.0",
        "-20.0",
        Reason.PAST_DEADLINE,
    ),
    (
        "amount with a trajectory",
        {"trajectory": {6: D(30), 12: D(100)}},
        6,
        "30",
        Status.ON_TRACK,
        "30.0",
        "30.0",
        "0.0",
        Reason.AGAINST_TIME,
    ),
    (
        "trajectory interpolated",
        {"trajectory": {6: D(30), 12: D(100)}},
        3,
        "14",
        Status.LAGGING,
        "14.0",
        "15.0",
        "-1.0",
        Reason.AGAINST_TIME,
    ),
    (
        "growth on target",
        {"kind": "growth_rate", "value": "15"},
        6,
        "15",
        Status.ON_TRACK,
        "100.0",
        None,
        "0.0",
        Reason.AGAINST_TARGET,
    ),
    (
        "growth up to 3 below",
        {"kind": "growth_rate", "value": "15"},
        6,
        "12",
        Status.LAGGING,
        "80.0",
        None,
        "-3.0",
        Reason.AGAINST_TARGET,
    ),
    (
        "growth more than 3 below",
        {"kind": "growth_rate", "value": "15"},
        6,
        "11.9",
        Status.SERIOUS,
        "79.3",
        None,
        "-3.1",
        Reason.AGAINST_TARGET,
    ),
    (
        "growth a fall",
        {"kind": "growth_rate", "value": "2"},
        6,
        "-0.5",
        Status.SERIOUS,
        "0.0",
        None,
        "-2.5",
        Reason.FALL,
    ),
    (
        "growth completed at year end",
        {"kind": "growth_rate", "value": "15"},
        12,
        "16",
        Status.COMPLETED,
        "106.7",
        None,
        "1.0",
        Reason.AGAINST_TARGET,
    ),
    (
        "growth reported as an amount",
        {"kind": "growth_rate", "value": "10", "reported_as": "amount", "baseline_by_month": {6: D(200)}},
        6,
        "224",
        Status.ON_TRACK,
        "120.0",
        None,
        "2.0",
        Reason.AGAINST_TARGET,
    ),
    (
        "growth as amount without baseline",
        {"kind": "growth_rate", "value": "10", "reported_as": "amount"},
        6,
        "224",
        Status.NO_DATA,
        None,
        None,
        None,
        Reason.NO_BASELINE,
    ),
    (
        "zero growth target kept",
        {"kind": "growth_rate", "value": "0"},
        6,
        "0.5",
        Status.ON_TRACK,
        "100.0",
        None,
        "0.5",
        Reason.AGAINST_TARGET,
    ),
    (
        "ratio below",
        {"kind": "ratio", "value": "50", "unit": "%"},
        6,
        "48",
        Status.LAGGING,
        "96.0",
        None,
        "-2.0",
        Reason.AGAINST_TARGET,
    ),
    (
        "ratio negative is not a fall",
        {"kind": "ratio", "value": "50"},
        6,
        "-1",
        Status.SERIOUS,
        "0.0",
        None,
        "-51.0",
        Reason.AGAINST_TARGET,
    ),
    (
        "ceiling kept",
        {"kind": "ceiling", "value": "6", "comparator": "<="},
        6,
        "5.2",
        Status.ON_TRACK,
        "100.0",
        None,
        "13.3",
        Reason.WITHIN,
    ),
    (
        "ceiling above a little",
        {"kind": "ceiling", "value": "6", "comparator": "<="},
        6,
        "6.3",
        Status.LAGGING,
        "95.2",
        None,
        "-5.0",
        Reason.ABOVE,
    ),
    (
        "ceiling above by more",
        {"kind": "ceiling", "value": "6", "comparator": "<="},
        6,
        "6.7",
        Status.SERIOUS,
        "89.6",
        None,
        "-11.7",
        Reason.ABOVE,
    ),
    (
        "ceiling kept at year end",
        {"kind": "ceiling", "value": "4", "comparator": "<="},
        12,
        "3.9",
        Status.COMPLETED,
        "100.0",
        None,
        "2.5",
        Reason.WITHIN,
    ),
    (
        "zero ceiling broken",
        {"kind": "ceiling", "value": "0", "comparator": "<="},
        6,
        "1",
        Status.SERIOUS,
        "0",
        None,
        None,
        Reason.ABOVE,
    ),
    (
        "zero ceiling kept",
        {"kind": "ceiling", "value": "0", "comparator": "<="},
        6,
        "0",
        Status.ON_TRACK,
        "100",
        None,
        "0",
        Reason.WITHIN,
    ),
    (
        "decrease met",
        {"kind": "decrease", "value": "10"},
        6,
        "10.5",
        Status.ON_TRACK,
        "105.0",
        None,
        "0.5",
        Reason.AGAINST_TARGET,
    ),
    (
        "decrease short",
        {"kind": "decrease", "value": "10"},
        6,
        "8",
        Status.LAGGING,
        "80.0",
        None,
        "-2.0",
        Reason.AGAINST_TARGET,
    ),
    (
        "decrease a rise",
        {"kind": "decrease", "value": "10"},
        6,
        "-1",
        Status.SERIOUS,
        "0.0",
        None,
        "-11.0",
        Reason.FALL,
    ),
    (
        "milestone on time",
        {"kind": "milestone", "value": "100", "span": (dt.date(2014, 1, 1), dt.date(2014, 6, 30))},
        3,
        "50",
        Status.ON_TRACK,
        "50.0",
        "50.0",
        "0.0",
        Reason.AGAINST_TIME,
    ),
    (
        "milestone behind",
        {"kind": "milestone", "value": "100", "span": (dt.date(2014, 1, 1), dt.date(2014, 6, 30))},
        3,
        "30",
        Status.LAGGING,
        "30.0",
        "50.0",
        "-20.0",
        Reason.AGAINST_TIME,
    ),
    (
        "milestone far behind",
        {"kind": "milestone", "value": "100", "span": (dt.date(2014, 1, 1), dt.date(2014, 6, 30))},
        3,
        "20",
        Status.SERIOUS,
        "20.0",
        "50.0",
        "-30.0",
        Reason.AGAINST_TIME,
    ),
    (
        "milestone done",
        {"kind": "milestone", "value": "100"},
        3,
        "100",
        Status.COMPLETED,
        "100.0",
        "25.0",
        "75.0",
        Reason.REACHED,
    ),
    (
        "milestone past its date",
        {"kind": "milestone", "value": "100", "span": (dt.date(2014, 1, 1), dt.date(2014, 6, 30))},
        8,
        "90",
        Status.OVERDUE,
        "90.0",
        "100.0",
        "-10.0",
        Reason.PAST_DEADLINE,
    ),
    ("combined January-February", {}, 2, "16.7", Status.ON_TRACK, "16.7", "16.7", "0.0", Reason.AGAINST_TIME),
    ("quarterly target", {}, 3, "20", Status.LAGGING, "20.0", "25.0", "-5.0", Reason.AGAINST_TIME),
    # Seasonal time progress (metrics.seasonal_share): last year's share of the
    # year by the month judges where the plan says seasonal; the trajectory
    # still comes first.
    (
        "amount judged on seasonal time progress",
        {"baseline_by_month": {6: D(40), 12: D(100)}, "time_basis": "seasonal"},
        6,
        "42",
        Status.ON_TRACK,
        "42.0",
        "40.0",
        "2.0",
        Reason.AGAINST_TIME,
    ),
    (
        "seasonal share interpolated between last year's months",
        # 15 + (100 - 15) * 3/9 = 43.333… of 100: 0.433333
        {"baseline_by_month": {3: D(15), 12: D(100)}, "time_basis": "seasonal"},
        6,
        "40",
        Status.LAGGING,
        "40.0",
        "43.3",
        "-3.3",
        Reason.AGAINST_TIME,
    ),
    (
        "seasonal share interpolated from 0 before last year's first month",
        # 2/3 of the way to March's 30: 20 of 120
        {"baseline_by_month": {3: D(30), 12: D(120)}, "time_basis": "seasonal"},
        2,
        "10",
        Status.LAGGING,
        "10.0",
        "16.7",
        "-6.7",
        Reason.AGAINST_TIME,
    ),
    (
        "seasonal share of a span ending at its deadline",
        # last year's June (60) is the whole of a span ending in June: 45 of 60
        {
            "baseline_by_month": {3: D(45), 6: D(60), 12: D(100)},
            "time_basis": "seasonal",
            "span": (dt.date(2014, 1, 1), dt.date(2014, 6, 30)),
        },
        3,
        "70",
        Status.LAGGING,
        "70.0",
        "75.0",
        "-5.0",
        Reason.AGAINST_TIME,
    ),
    (
        "seasonal plan whose last year's figures stop short is judged on the straight line",
        {"baseline_by_month": {3: D(15), 6: D(40)}, "time_basis": "seasonal"},
        6,
        "50",
        Status.ON_TRACK,
        "50.0",
        "50.0",
        "0.0",
        Reason.AGAINST_TIME,
    ),
    (
        "seasonal plan with last year's total at 0 is judged on the straight line",
        {"baseline_by_month": {6: D(5), 12: D(0)}, "time_basis": "seasonal"},
        6,
        "50",
        Status.ON_TRACK,
        "50.0",
        "50.0",
        "0.0",
        Reason.AGAINST_TIME,
    ),
    (
        "seasonal plan without last year's figures is judged on the straight line",
        {"time_basis": "seasonal"},
        6,
        "45",
        Status.LAGGING,
        "45.0",
        "50.0",
        "-5.0",
        Reason.AGAINST_TIME,
    ),
    (
        "straight-line plan with last year's figures keeps the straight line",
        {"baseline_by_month": {6: D(40), 12: D(100)}},
        6,
        "45",
        Status.LAGGING,
        "45.0",
        "50.0",
        "-5.0",
        Reason.AGAINST_TIME,
    ),
    (
        "trajectory comes before seasonal time progress",
        {"trajectory": {6: D(30)}, "baseline_by_month": {6: D(40), 12: D(100)}, "time_basis": "seasonal"},
        6,
        "30",
        Status.ON_TRACK,
        "30.0",
        "30.0",
        "0.0",
        Reason.AGAINST_TIME,
    ),
    (
        "seasonal share of a three-year plan is none: the straight line",
        {
            "baseline_by_month": {6: D(40), 12: D(100)},
            "time_basis": "seasonal",
            "span": (dt.date(2020, 1, 1), dt.date(2022, 12, 31)),
        },
        12,
        "30",
        Status.LAGGING,
        "30.0",
        "33.3",
        "-3.3",
        Reason.AGAINST_TIME,
    ),
    (
        "three-year plan year one",
        {"span": (dt.date(2020, 1, 1), dt.date(2022, 12, 31))},
        12,
        "30",
        Status.LAGGING,
        "30.0",
        "33.3",
        "-3.3",
        Reason.AGAINST_TIME,
    ),
]


@pytest.mark.parametrize(
    ("name", "kw", "month", "actual", "status", "completion", "expected", "gap", "reason"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_judgement_table(name, kw, month, actual, status, completion, expected, gap, reason):
    f = facts(**kw)
    year = f.span_start.year
    j = run(f, month, actual, year=year)
    assert j.status is status
    assert j.reason is reason
    assert j.completion == (None if completion is None else D(completion))
    assert j.expected == (None if expected is None else D(expected))
    assert j.gap == (None if gap is None else D(gap))


@pytest.mark.parametrize(
    ("kw", "actual", "rate"),
    [
        (
            {"kind": "growth_rate", "reported_as": "amount", "baseline_by_month": {6: D("0.0001")}},
            "99999999999.9999",
            "99999999999.9",
        ),
        (
            {"kind": "decrease", "reported_as": "amount", "baseline_by_month": {6: D("0.0001")}},
            "99999999999.9999",
            "-99999999999.9",
        ),
        (
            {"kind": "growth_rate", "reported_as": "amount", "baseline_by_month": {6: D("0.0001")}},
            "-99999999999.9999",
            "-99999999999.9",
        ),
        ({"kind": "ratio"}, "99999999999.9999", "99999999999.9"),
        ({"kind": "growth_rate"}, "-99999999999.96", "-99999999999.9"),
    ],
)
def test_a_rate_is_kept_within_a_figure_so_that_its_result_can_be_stored(kw, actual, rate):
    judged = run(facts(value="15", **kw), 6, actual)
    assert judged.actual == D(rate) and figure_problem(judged.actual) is None


def test_no_approved_figure_is_no_data_however_late_the_report():
    j = run(facts(), 6, None)
    assert (j.status, j.reason, j.expected) == (Status.NO_DATA, Reason.NOT_REPORTED, D("50.0"))
    assert (j.data_year, j.data_month) == (None, None)


def test_an_amount_without_any_figure_past_its_deadline_is_overdue():
    j = run(facts(span=(dt.date(2014, 1, 1), dt.date(2014, 6, 30))), 7, None)
    assert (j.status, j.reason) == (Status.OVERDUE, Reason.PAST_DEADLINE)


def test_an_unreported_milestone_past_its_date_is_overdue(chinese):
    f = facts(kind="milestone", span=(dt.date(2014, 1, 1), dt.date(2014, 6, 30)))
    j = run(f, 8, None)
    assert j.status is Status.OVERDUE
    assert explain(f, j, year=2014, month=8) == "已过完成时限（2014-06-30）仍未完成，且无审核通过的进展"


def test_a_carried_figure_is_judged_against_the_time_progress_of_the_month_viewed():
    # 60 of 100 approved for 1-8月 is 60% against 66.7%; viewed at 1-9月, against 75.0%.
    f = facts()
    assert run(f, 8, "60").status is Status.LAGGING
    j = run(f, 9, "60", data_month=8)
    assert (j.status, j.completion, j.expected, j.gap) == (Status.SERIOUS, D("60.0"), D("75.0"), D("-15.0"))
    assert (j.data_year, j.data_month) == (2014, 8)


def test_a_milestone_done_stays_done_past_its_date():
    f = facts(kind="milestone", span=(dt.date(2014, 1, 1), dt.date(2014, 3, 31)))
    j = run(f, 9, "100", data_month=3)
    assert (j.status, j.reason, j.data_month) == (Status.COMPLETED, Reason.REACHED, 3)


def test_an_amount_that_reached_its_target_stays_completed():
    j = run(facts(span=(dt.date(2014, 1, 1), dt.date(2014, 6, 30))), 10, "101", data_month=5)
    assert (j.status, j.reason) == (Status.COMPLETED, Reason.REACHED)


def test_a_carried_rate_reported_as_an_amount_keeps_its_own_months_baseline():
    f = facts(kind="growth_rate", value="10", reported_as="amount", baseline_by_month={6: D(200), 7: D(300)})
    j = run(f, 7, "224", data_month=6)  # against June's 200: +12%, not against July's 300
    assert (j.status, j.actual) == (Status.ON_TRACK, D("12.0"))


def test_the_explanation_names_the_age_of_a_carried_figure(chinese):
    f = facts(value="47.2", unit="亿元")
    j = run(f, 9, "32.1", data_month=8)
    assert explain(f, j, year=2014, month=9) == (
        "1-8月完成32.1亿元，占全年目标的68.0%，低于序时进度7.0个百分点（数据截至1-8月，对照1-9月序时进度）"
    )
    rate = facts(kind="growth_rate", value="15", unit="%")
    assert explain(rate, run(rate, 9, "16", data_month=8), year=2014, month=9).endswith("（数据截至1-8月）")


DUE = dt.date(2014, 7, 5)
REPORTING_CASES = [
    # id, approved, pending, submitted on, as of, reporting status
    ("approved by the due day", True, False, dt.date(2014, 7, 5), dt.date(2014, 7, 20), ReportingStatus.REPORTED),
    ("approved, submitted late", True, False, dt.date(2014, 7, 6), dt.date(2014, 7, 20), ReportingStatus.LATE),
    ("waiting for review", False, True, dt.date(2014, 7, 3), dt.date(2014, 7, 20), ReportingStatus.PENDING),
    ("waiting for review, late", False, True, dt.date(2014, 7, 9), dt.date(2014, 7, 20), ReportingStatus.PENDING),
    ("nothing on the due day", False, False, None, dt.date(2014, 7, 5), ReportingStatus.NOT_YET),
    ("nothing after the due day", False, False, None, dt.date(2014, 7, 6), ReportingStatus.MISSING),
]


@pytest.mark.parametrize(
    ("name", "approved", "pending", "submitted_on", "as_of", "expected"),
    REPORTING_CASES,
    ids=[case[0] for case in REPORTING_CASES],
)
def test_reporting_status_table(name, approved, pending, submitted_on, as_of, expected):
    assert (
        reporting_status(approved=approved, pending=pending, submitted_on=submitted_on, due=DUE, as_of=as_of)
        is expected
    )


def test_flags_are_transitions_into_out_of_and_between_bad_statuses():
    assert transition(None, "on_track") is None
    assert transition(None, "lagging") == "raised"
    assert transition("lagging", "serious") == "escalated"
    assert transition("overdue", "lagging") == "eased"
    assert transition("serious", "completed") == "recovered"
    assert transition("no_data", "on_track") is None


def test_thresholds_come_from_the_plan():
    strict = facts(thresholds=Thresholds(amount_points=D(5)))
    assert run(strict, 6, "45").status is Status.SERIOUS
    assert run(facts(), 6, "45").status is Status.LAGGING


def test_time_progress_of_multi_year_spans_and_deadlines():
    assert time_progress(facts(), 2014, 4) == D(100) * 4 / 12
    three_years = facts(span=(dt.date(2020, 1, 1), dt.date(2022, 12, 31)))
    assert time_progress(three_years, 2021, 6) == D(100) * 18 / 36


def test_worst_status_rolls_up():
    assert worst(["on_track", "lagging", "completed"]) is Status.LAGGING
    assert worst(["serious", "overdue"]) is Status.OVERDUE
    assert worst([]) is None


def test_every_case_has_an_explanation_in_chinese_and_english():
    for name, kw, month, actual, *_ in CASES:
        f = facts(**kw)
        j = run(f, month, actual, year=f.span_start.year)
        with translation.override("zh-hans"):
            zh = explain(f, j, year=f.span_start.year, month=month)
        with translation.override("en"):
            en = explain(f, j, year=f.span_start.year, month=month)
        assert zh and en and zh != en, name
        assert "%(" not in zh and "%(" not in en, name


finite = st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=2)
kinds = st.sampled_from(["amount", "growth_rate", "ratio", "ceiling", "decrease", "milestone"])


@given(
    kind=kinds,
    value=st.decimals(min_value=0, max_value=10**6, places=2),
    actual=finite,
    month=st.integers(1, 12),
    start=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**5, places=2)),
)
def test_no_finite_input_raises_and_completion_is_never_negative(kind, value, actual, month, start):
    f = facts(kind=kind, value=str(value), start_value=start if kind == "amount" else None)
    j = run(f, month, actual)
    with translation.override("zh-hans"):
        assert explain(f, j, year=2014, month=month)
    assert j.completion is None or j.completion >= 0


@given(
    kind=kinds,
    value=st.decimals(min_value=0, max_value=10**5, places=2),
    actual=finite,
    better=st.decimals(min_value=0, max_value=10**5, places=2),
    month=st.integers(1, 12),
)
def test_completion_never_falls_when_the_actual_improves(kind, value, actual, better, month):
    f = facts(kind=kind, value=str(value))
    improved = actual - better if kind == "ceiling" else actual + better
    before, after = run(f, month, actual), run(f, month, improved)
    if before.completion is not None and after.completion is not None:
        assert after.completion >= before.completion


def test_an_absurd_figure_is_capped_not_overflowing():
    j = run(facts(value="0.0001"), 6, "9999999999999999")
    assert j.completion == MAX_SHARE and j.status is Status.COMPLETED


def test_a_trajectory_beyond_the_target_expects_at_most_100():
    f = facts(value="100", trajectory={6: D(150)})
    assert time_progress(f, 2014, 6) == D(100)
