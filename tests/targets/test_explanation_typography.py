"""The sentences that explain a judgement, as a zone office would print them:
full-width punctuation in Chinese (，（）：；), no space before %, and never a
unit glued to the dash that stands for a missing figure ("—亿元")."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.utils import translation

from core.figures import figure_with_unit
from core.templatetags.taizhang import figure_in
from targets.explanations import explain
from targets.metrics import Observation, TargetFacts, judge
from targets.wording import unglued

YEAR = dt.date(2014, 1, 1), dt.date(2014, 12, 31)
ASCII_IN_CHINESE = re.compile(r"[,:;()?!]")
SPACE_BEFORE_PERCENT = re.compile(r"\d\s+%")
DASH_GLUED = re.compile(r"—(?:%|亿元|万元|个|家|项)")

# (kind, target value, unit, extra facts, year-to-date figures to judge)
CASES = [
    ("amount", "100", "亿元", {}, ["10", "50", "100", "120"]),
    ("amount", "100", "亿元", {"value_high": D("120"), "stretch": D("130")}, ["60"]),
    ("amount", "30", "家", {"span": (YEAR[0], dt.date(2014, 6, 30))}, ["12"]),
    ("growth_rate", "15", "%", {}, ["-0.5", "12", "15", "18.7"]),
    ("growth_rate", "10", "%", {"reported_as": "amount"}, ["224"]),  # no baseline
    ("ratio", "3.5", "%", {}, ["2.1", "3.5", "4"]),
    ("ceiling", "4", "%", {"comparator": "<="}, ["3.2", "4.5"]),
    ("decrease", "5", "%", {}, ["-1", "3", "5", "6.2"]),
    ("milestone", "100", "%", {"span": (YEAR[0], dt.date(2014, 6, 30))}, ["20", "60", "100"]),
]


def sentences(month: int) -> list[str]:
    """Every case's sentence for ``month``, its figure reported that month and
    one carried from two months before."""
    found = []
    for kind, value, unit, extra, figures in CASES:
        extra = dict(extra)
        start, end = extra.pop("span", YEAR)
        facts = TargetFacts(kind=kind, value=D(value), span_start=start, span_end=end, unit=unit, **extra)
        nothing = judge(facts, Observation(year=2014, month=month, actual=None))
        found.append(explain(facts, nothing, year=2014, month=month))
        for figure in figures:
            now = Observation(year=2014, month=month, actual=D(figure))
            carried = Observation(year=2014, month=month, actual=D(figure), data_year=2014, data_month=month - 2)
            for observation in (now, carried):
                found.append(explain(facts, judge(facts, observation), year=2014, month=month))
    return found


@pytest.mark.parametrize("month", [3, 9, 12])
def test_every_chinese_sentence_uses_full_width_punctuation_and_keeps_figures_tidy(month):
    with translation.override("zh-hans"):
        written = sentences(month)
    assert len(written) > 50
    for sentence in written:
        assert not ASCII_IN_CHINESE.search(sentence), sentence
        assert not SPACE_BEFORE_PERCENT.search(sentence), sentence
        assert not DASH_GLUED.search(sentence), sentence
        assert "  " not in sentence and sentence == sentence.strip(), sentence


def test_the_sentences_read_as_published():
    facts = TargetFacts(kind="growth_rate", value=D("12"), span_start=YEAR[0], span_end=YEAR[1], unit="%")
    ahead = judge(facts, Observation(year=2014, month=9, actual=D("15.7")))
    carried = judge(facts, Observation(year=2014, month=9, actual=D("10"), data_year=2014, data_month=8))
    ranged = TargetFacts(
        kind="amount", value=D("100"), value_high=D("120"), span_start=YEAR[0], span_end=YEAR[1], unit="亿元"
    )
    with translation.override("zh-hans"):
        assert explain(facts, ahead, year=2014, month=9) == "1-9月同比增长15.7%，高于12%的目标3.7个百分点"
        assert explain(facts, carried, year=2014, month=9) == (
            "1-8月同比增长10%，低于12%的目标2.0个百分点（数据截至1-8月）"
        )
        sentence = explain(ranged, judge(ranged, Observation(year=2014, month=6, actual=D("60"))), year=2014, month=6)
        assert sentence == "1-6月完成60亿元，占全年目标的60.0%，超序时进度10.0个百分点（区间100-120亿元）"


def test_a_missing_figure_is_a_dash_without_its_unit():
    assert unglued("1-6月完成—亿元，占全年目标的—%", "亿元") == "1-6月完成—，占全年目标的—"
    assert unglued("区间100–120亿元", "亿元") == "区间100–120亿元"  # a range's en dash is no missing figure
    assert figure_with_unit(None, "亿元") == "—" and figure_with_unit(D("43.20"), "亿元") == "43.2亿元"
    assert figure_in(None, "亿元") == "—" and figure_in(D("12345.6000"), "万元") == "12,345.6万元"
    assert figure_in(D("15.7"), "%") == "15.7%"  # no space before %
