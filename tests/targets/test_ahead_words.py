"""The way ahead in words (targets.ahead_words), from a stored result, and
the explanation naming the time progress it judged on
(metrics.progress_basis)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from targets.ahead_words import ahead_view, last_year_words, pace_words, projection_words
from targets.explanations import explain
from targets.metrics import Observation, TargetFacts, judge
from targets.models import TargetResult

LAST_YEAR = {m: D(v) for m, v in enumerate([5, 12, 25, 40, 58, 80, 100, 122, 148, 170, 190, 220], start=1)}


def facts(**extra) -> TargetFacts:
    fields = {
        "kind": "amount",
        "value": D(240),
        "span_start": dt.date(2014, 1, 1),
        "span_end": dt.date(2014, 12, 31),
        "unit": "亿元",
        "baseline_by_month": LAST_YEAR,
    }
    fields.update(extra)
    return TargetFacts(**fields)


def result(**fields) -> TargetResult:
    values = {
        "year": 2014,
        "month": 9,
        "data_year": 2014,
        "data_month": 9,
        "actual": D(158),
        "status": "lagging",
        "reason": "against_time",
    }
    values.update(fields)
    return TargetResult(**values)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def sentence(basis: str, actual: str, month: int = 9) -> str:
    seen = facts(time_basis=basis)
    judgement = judge(seen, Observation(year=2014, month=month, actual=D(actual)))
    return explain(seen, judgement, year=2014, month=month)


def test_the_explanation_names_seasonal_time_progress_where_it_judged():
    assert sentence("seasonal", "158") == "1-9月完成158亿元，占全年目标的65.8%，低于季节性序时进度1.5个百分点"
    assert sentence("seasonal", "170") == "1-9月完成170亿元，占全年目标的70.8%，超季节性序时进度3.5个百分点"
    assert sentence("linear", "158") == "1-9月完成158亿元，占全年目标的65.8%，低于序时进度9.2个百分点"


def test_without_last_years_figures_a_seasonal_plan_judges_and_says_the_straight_line():
    seen = facts(time_basis="seasonal", baseline_by_month=None)
    judgement = judge(seen, Observation(year=2014, month=9, actual=D(158)))
    assert explain(seen, judgement, year=2014, month=9).endswith("低于序时进度9.2个百分点")


def test_the_pace_reads_as_much_as_is_stored():
    assert pace_words(result(pace_needed=D("27.33"), pace_so_far=D("17.56")), facts()) == (
        "需月均完成27.33亿元，前9月月均17.56亿元"
    )
    assert pace_words(result(pace_needed=None, pace_so_far=D("20")), facts()) == "前9月月均20亿元"
    assert pace_words(result(pace_needed=D("12345.6"), pace_so_far=None), facts()) == "需月均完成12,345.6亿元"
    assert pace_words(result(), facts()) == ""
    assert pace_words(None, facts()) == ""


def test_a_carried_figure_counts_the_months_to_its_own():
    carried = result(month=10, data_month=8, pace_needed=D("41"), pace_so_far=D("16"))
    assert pace_words(carried, facts()) == "需月均完成41亿元，前8月月均16亿元"


def test_the_projection_reads_its_band_only_where_stored():
    assert projection_words(result(projected=D("234.86")), facts()) == "预计全年完成234.86亿元"
    banded = result(projected=D("234.86"), projected_low=D("210.81"), projected_high=D("258.91"))
    assert projection_words(banded, facts()) == "预计全年完成234.86亿元（区间210.81–258.91亿元）"
    assert projection_words(result(), facts()) == ""


def test_last_year_and_growth():
    assert last_year_words(result(), facts()) == "上年同期148亿元，同比+6.8%"
    assert last_year_words(result(actual=D(140)), facts()) == "上年同期148亿元，同比-5.4%"
    assert last_year_words(result(), facts(baseline_by_month=None)) == ""


def test_only_an_amount_looks_ahead():
    assert ahead_view(result(), facts(kind="growth_rate", unit="%")) is None
    view = ahead_view(
        result(expected_seasonal=D("67.3"), outlook="miss", projected=D("234.86")), facts(time_basis="seasonal")
    )
    assert (view.basis, view.linear, view.seasonal, view.outlook_label) == (
        "seasonal",
        D("75.0"),
        D("67.3"),
        "预计未完成",
    )
    assert view.basis_words == "判定依据：季节性序时进度"
    assert view.projection_basis == "按上年季节规律推算"
