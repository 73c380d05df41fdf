"""The default period of one year of a plan: the rule of every page (the
month just closed) read within that year, for a region comparing its zones
in one year and an API call naming only a year."""

import datetime as dt
from types import SimpleNamespace

from plans.periods import Period, default_period


def test_the_default_period_of_one_year_of_a_plan_is_the_month_just_closed_within_that_year():
    plan = SimpleNamespace(start_year=2020, end_year=2022, frequency="monthly", jan_feb_combined=False, due_day=5)
    today = dt.date(2021, 9, 10)
    assert default_period(plan, today=today) == Period(2021, 8)
    assert default_period(plan, today=today, year=2020) == Period(2020, 12)  # a year that is over: its last month
    assert default_period(plan, today=today, year=2021) == Period(2021, 8)
    assert default_period(plan, today=today, year=2022) == Period(2022, 1)  # nothing closed yet: its first
