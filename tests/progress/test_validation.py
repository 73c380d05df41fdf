"""Every rule for a typed figure, with the user's message."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.figures import figure_problem
from progress.validation import FigureError, check_figure, parse_figure


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("32000", "万元", Decimal(32000)),
        ("3.2亿", "万元", Decimal(32000)),
        ("3.2亿元", "万元", Decimal(32000)),
        ("12345万元", "亿元", Decimal("1.2345")),
        ("１２３", "个", Decimal(123)),
        ("1,234.5", "万元", Decimal("1234.5")),
        ("三百", "亩", Decimal(300)),
        ("十二", "个", Decimal(12)),
        ("18个", "个", Decimal(18)),
        ("6‰", "%", Decimal("0.6")),
        ("3.5万平方米", "平方米", Decimal(35000)),
        ("2千米", "米", Decimal(2000)),
        ("-3", "%", Decimal(-3)),
        ("１２３．５", "个", Decimal("123.5")),
        ("\u3000１２\u3000", "个", Decimal(12)),
        ("1,234,567.5", "万元", Decimal("1234567.5")),
        ("1,234", "个", Decimal(1234)),
        ("三点五", "%", Decimal("3.5")),
        ("负三点五", "%", Decimal("-3.5")),
        ("三百点", "个", Decimal(300)),
        ("壹佰", "个", Decimal(100)),
        ("12万3", "个", Decimal(123000)),
        ("1.23456千", "个", Decimal("1234.56")),  # cn2an alone would make it 1234
        ("0.00001万", "个", Decimal("0.1")),  # and this 0
        ("3千万", "元", Decimal(30000000)),
        ("1万元", "亿元", Decimal("0.0001")),
        ("1万", "亿元", Decimal("0.0001")),
        ("3 亿元", "万元", Decimal(30000)),
        ("99999999999.9999", "个", Decimal("99999999999.9999")),
        ("0.5‰", "%", Decimal("0.05")),
    ],
)
def test_it_reads_numbers_numerals_and_compatible_units(raw, unit, expected):
    assert parse_figure(raw, field_unit=unit) == expected


@pytest.mark.parametrize(
    ("raw", "unit", "message"),
    [
        ("abc", "万元", "不是数字"),
        ("", "万元", "请输入数字"),
        ("5家", "个", "无法换算"),
        ("3.2亿美元", "万元", "无法换算"),
        ("1.23456", "万元", "小数"),
        ("12345678901234567", "万元", "11"),
    ],
)
def test_it_refuses_what_it_cannot_read_with_a_chinese_message(raw, unit, message):
    with pytest.raises(FigureError, match=message):
        parse_figure(raw, field_unit=unit)


@pytest.mark.parametrize(
    ("raw", "unit", "message"),
    [
        ("1,5", "个", "thousands separator"),  # read as 15 before
        ("12,34", "万元", "thousands separator"),
        ("1,2345", "万元", "thousands separator"),
        (",123", "个", "thousands separator"),
        ("1²", "个", "not a number"),  # read as 12 before
        ("⑫", "个", "not a number"),
        ("½", "%", "not a number"),
        ("٣", "个", "not a number"),
        ("1 234", "个", "not a number"),
        ("1_000", "个", "not a number"),
        ("1e5", "个", "not a number"),
        ("1e400", "个", "not a number"),
        ("nan", "%", "not a number"),
        ("inf", "%", "not a number"),
        ("Infinity", "%", "not a number"),
        ("3.2亿", "%", "does not apply to a figure in %"),  # 320000000 before
        ("3万", "‰", "does not apply to a figure in ‰"),
        ("三亿", "%", "does not apply"),
        ("1234567890123.4567", "个", "at most 11 digits before the point"),  # stored rounded before
        ("9999999999999999.9999", "个", "at most 11 digits before the point"),
        ("10000000万", "元", "at most 11 digits before the point"),
        ("0.000001", "个", "at most 4 decimal places"),
        ("二十三点四五六七八", "%", "at most 4 decimal places"),
        ("1元", "亿元", "0.00000001 亿元, with more than 4 decimal places"),  # 0 before
        ("0.000005%", "‰", "more than 4 decimal places"),
        ("1" * 61, "个", "not a number"),
    ],
)
def test_it_refuses_a_figure_it_would_have_to_guess_or_change(raw, unit, message):
    with translation.override("en"), pytest.raises(FigureError, match=re.escape(message)):
        parse_figure(raw, field_unit=unit)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[+-]?[0-9]{1,16}(\.[0-9]{0,6})?\Z"), st.sampled_from(["个", "%", "万元", ""]))
def test_a_plain_number_is_read_as_written_or_refused(typed, unit):
    try:
        value = parse_figure(typed, field_unit=unit)
    except FigureError:
        assert figure_problem(Decimal(typed)) is not None
    else:
        assert value == Decimal(typed) and figure_problem(value) is None


NUMBER_LIKE = st.text(
    alphabet=st.sampled_from(list("0123456789.,+- 　１２．，－点负零一二两三十百千万亿元个%‰²½٣eEnaif_")),
    max_size=70,
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(NUMBER_LIKE, st.text(max_size=70)), st.sampled_from(["个", "%", "‰", "万元", "亿元", "", "吨标煤"]))
def test_any_text_is_read_as_a_figure_or_refused_with_a_message(typed, unit):
    try:
        value = parse_figure(typed, field_unit=unit)
    except FigureError as error:
        assert str(error)
    else:
        assert figure_problem(value) is None


def check(raw, **kwargs):
    defaults = {"kind": "amount", "unit": "亿元", "target_value": Decimal(130), "previous": None, "month": 3}
    return check_figure(raw, **(defaults | kwargs))


def test_a_negative_amount_is_refused_but_a_negative_growth_rate_is_accepted():
    assert "不能为负" in check("-1").error
    assert check("-2.5", kind="growth_rate", unit="%").value == Decimal("-2.5")
    assert not check("-2.5", kind="growth_rate", unit="%").blocking


def test_a_fall_below_last_period_needs_a_written_reason():
    held = check("20", previous=Decimal(25), previous_month=2)
    assert held.needs_note and "25" in held.needs_note
    assert not check("20", previous=Decimal(25), previous_month=2, note="统计口径调整,核减5亿元").blocking


def test_a_level_target_may_fall_without_a_reason():
    assert not check("12", kind="ratio", unit="%", previous=Decimal(14), previous_month=2).blocking


def test_a_jump_over_three_times_the_previous_monthly_increment_needs_confirmation():
    held = check("60", previous=Decimal(20), before_previous=Decimal(10), previous_month=2)
    assert held.needs_confirmation
    assert not check("60", previous=Decimal(20), before_previous=Decimal(10), previous_month=2, confirmed=True).blocking
    assert not check("40", previous=Decimal(20), before_previous=Decimal(10), previous_month=2).blocking


def test_a_value_above_twice_the_annual_target_needs_confirmation():
    held = check("261")
    assert held.needs_confirmation and "130" in held.needs_confirmation
    assert not check("261", confirmed=True).blocking


def test_a_milestone_share_runs_from_0_to_100():
    assert check("120", kind="milestone", unit="%", target_value=Decimal(100)).error
    assert check("60", kind="milestone", unit="%", target_value=Decimal(100)).value == 60


@pytest.mark.parametrize("unit", ["个", "家", "项", "件", "名", "套", "户", "座", "宗", "次", "人"])
def test_a_count_takes_whole_numbers_only(unit):
    refused = check("10.5", unit=unit, target_value=Decimal(18))
    assert refused.error == f"10.5{unit}：以“{unit}”计的数只能是整数，请填写整数。"
    assert refused.blocking
    assert check("10", unit=unit, target_value=Decimal(18)).value == 10
    assert check("10.0", unit=unit, target_value=Decimal(18)).value == 10  # a whole number, however written
    assert check("1.2万", unit=unit, target_value=Decimal(20000)).value == 12000  # a magnitude may make it whole


@pytest.mark.parametrize(("raw", "unit"), [("10.5", "亿元"), ("2.5", "万个"), ("0.5", "个百分点"), ("3.5", "亩")])
def test_a_measure_or_a_scaled_count_may_carry_decimals(raw, unit):
    assert check(raw, unit=unit, target_value=Decimal(100)).value == Decimal(raw)


def test_a_milestones_share_done_is_a_percentage_whatever_its_unit():
    """A milestone's figure is typed in %, not in the target's unit: no whole-number rule."""
    assert check("12.5", kind="milestone", unit="个", target_value=Decimal(100)).value == Decimal("12.5")


def test_a_figure_confirmed_before_needs_no_new_confirmation_until_it_changes():
    assert not check("261", confirmed_value=Decimal(261)).blocking
    assert check("262", confirmed_value=Decimal(261)).needs_confirmation
