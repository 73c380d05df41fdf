import datetime as dt

import pytest
from django.utils import translation

from plans.periods import (
    Period,
    PeriodState,
    days_until_due,
    due_date,
    lock_date,
    month_just_closed,
    period_label,
    period_state,
    reporting_months,
)


def test_reports_are_due_on_the_due_day_of_the_following_month():
    assert due_date(Period(2026, 3), due_day=5) == dt.date(2026, 4, 5)
    assert due_date(Period(2026, 12), due_day=5) == dt.date(2027, 1, 5)


def test_a_period_locks_the_day_after_its_lock_days_run_out():
    assert lock_date(Period(2026, 3), due_day=5, lock_after_days=10) == dt.date(2026, 4, 16)
    state = lambda today: period_state(Period(2026, 3), today=today, due_day=5, lock_after_days=10)  # noqa: E731
    assert state(dt.date(2026, 2, 28)) is PeriodState.FUTURE
    assert state(dt.date(2026, 3, 1)) is PeriodState.OPEN
    assert state(dt.date(2026, 4, 15)) is PeriodState.OPEN
    assert state(dt.date(2026, 4, 16)) is PeriodState.LOCKED


def test_combined_january_february_and_quarterly_months():
    assert reporting_months(frequency="monthly", jan_feb_combined=True)[0] == 2
    assert len(reporting_months(frequency="monthly", jan_feb_combined=False)) == 12
    assert reporting_months(frequency="quarterly", jan_feb_combined=True) == [3, 6, 9, 12]


def test_days_until_due_goes_negative_after_the_due_day():
    assert days_until_due(Period(2026, 3), today=dt.date(2026, 4, 2), due_day=5) == 3
    assert days_until_due(Period(2026, 3), today=dt.date(2026, 4, 7), due_day=5) == -2


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026",
        "abc",
        "1999-01",
        "2026-00",
        "2026-99",
        "²⁰²⁶-03",
        "٢٠٢٦-٠٣",  # int() reads Arabic-Indic digits; a period is written in ASCII
        " 2026-03",
        "+2026-03",
        "2026--3",
        "2_026-03",
        "2026-003",
        "9" * 5000 + "-03",
        "2026-" + "9" * 5000,
    ],
)
def test_a_malformed_period_is_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


@pytest.mark.parametrize(("text", "period"), [("2026-03", Period(2026, 3)), ("2026-3", Period(2026, 3))])
def test_a_period_is_read(text, period):
    assert Period.parse(text) == period


def _closed(today, **plan):
    settings = {"start_year": 2026, "end_year": 2026, "frequency": "monthly", "jan_feb_combined": False, "due_day": 5}
    return month_just_closed(**{**settings, **plan}, today=today)


def test_the_month_just_closed_is_the_latest_whose_due_day_has_passed():
    assert _closed(dt.date(2026, 12, 6)) == Period(2026, 11)
    assert _closed(dt.date(2026, 12, 5)) == Period(2026, 10)  # November is due today, not closed yet
    assert _closed(dt.date(2026, 12, 3), due_day=2) == Period(2026, 11)


def test_before_the_first_due_day_it_is_the_first_period_and_after_the_plan_its_last():
    assert _closed(dt.date(2026, 1, 20)) == Period(2026, 1)
    assert _closed(dt.date(2026, 2, 20), jan_feb_combined=True) == Period(2026, 2)
    assert _closed(dt.date(2030, 6, 1)) == Period(2026, 12)


def test_a_quarterly_plan_closes_by_quarters():
    assert _closed(dt.date(2026, 11, 20), frequency="quarterly") == Period(2026, 9)


def test_a_locked_period_reads_closed_by_its_deadline_never_closed_out():
    """已截止, from one place; 销号 (closing a follow-up notice) is another word."""
    from django.utils import translation

    with translation.override("en"):
        assert str(PeriodState.LOCKED.label) == "Closed"
        assert str(PeriodState.OPEN.label) == "Open"
        assert str(PeriodState.FUTURE.label) == "Not begun"
        assert "late-report request" in str(PeriodState.LOCKED.refusal)
        assert str(PeriodState.FUTURE.refusal) == "This period has not begun yet."
    with translation.override("zh-hans"):
        assert str(PeriodState.LOCKED.label) != "已销号"


# --- the one period label ---------------------------------------------------------


def test_january_reads_as_one_month_never_1_1():
    with translation.override("zh-hans"):
        assert period_label(2014, 1) == "2014年1月"
        assert period_label(None, 1) == "1月"


def test_a_year_to_date_period_reads_as_its_range_of_months():
    with translation.override("zh-hans"):
        assert period_label(2014, 2) == "2014年1-2月"  # also a plan's first period when January is merged
        assert period_label(2014, 9) == "2014年1-9月"
        assert period_label(None, 12) == "1-12月"
    with translation.override("en"):
        assert period_label(2014, 9) == "2014, months 1–9"


def test_a_single_month_that_is_not_year_to_date_reads_as_that_month():
    with translation.override("zh-hans"):
        assert period_label(None, 8, cumulative=False) == "8月"
        assert period_label(2014, 8, cumulative=False) == "2014年8月"
        assert period_label(2014, 1, cumulative=False) == "2014年1月"


def test_the_template_filter_writes_a_period_through_the_same_function():
    from django.template import Context, Template

    template = Template("{% load periods %}{{ p|period_label }}|{{ p|period_label:False }}|{{ none|period_label }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"p": Period(2014, 1)})) == "2014年1月|1月|"
        assert template.render(Context({"p": Period(2014, 5)})) == "2014年1-5月|1-5月|"
