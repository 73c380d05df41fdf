"""Reporting periods: which months are reported, when they fall due and lock.

Pure functions over a plan's settings and an explicit ``today``. A period is
named by the year and the last month it covers (reports are year-to-date);
with 1-2月合并 the first period of a year is February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import clock
from core.params import parse_int
from plans.choices import Frequency

YEARS = (2000, 2100)
"""The years a period may name."""


class PeriodState(StrEnum):
    FUTURE = "future"  # its month has not begun: nothing to report yet
    OPEN = "open"  # figures may be entered and submitted
    LOCKED = "locked"  # past its lock day: changes only through a granted late-report request or a correction
    NOT_COUNTED = "not_counted"  # before the plan's reporting start: nothing is owed for it

    @property
    def label(self) -> Promise:
        """The state's one word on every page: a locked month reads 已截止
        (销号 is the closing of a follow-up notice, and nothing else)."""
        return _STATE_LABELS[self]

    @property
    def refusal(self) -> Promise | None:
        """Why figures cannot be entered in this state (None when they can)."""
        return _STATE_REFUSALS.get(self)


_STATE_LABELS = {
    PeriodState.FUTURE: _("Not begun"),
    PeriodState.OPEN: _("Open"),
    PeriodState.LOCKED: pgettext_lazy("reporting period", "Closed"),
    PeriodState.NOT_COUNTED: _("Before reporting starts"),
}
_STATE_REFUSALS = {
    PeriodState.FUTURE: _("This period has not begun yet."),
    PeriodState.LOCKED: _(
        "The deadline of this period has passed. To report it late, send a late-report request to the zone office."
    ),
    PeriodState.NOT_COUNTED: _("Reporting of this plan starts later: nothing is owed for this period."),
}


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``YYYY-MM`` (or ``YYYY-M``) in ASCII digits, the year within
        YEARS; raises ValueError on anything else (core.params says why
        ``int()`` alone reads too much)."""
        year_text, _, month_text = text.partition("-")
        year = parse_int(year_text, low=YEARS[0], high=YEARS[1])
        month = parse_int(month_text, low=1, high=12)
        if year is None or month is None:
            raise ValueError(text)
        return cls(year, month)

    def previous_month(self) -> Period:
        return Period(self.year, self.month - 1) if self.month > 1 else Period(self.year - 1, 12)


def reporting_start(plan) -> Period | None:
    """The first period whose reports a plan owes (``Plan.reports_from``), or
    None when it owes them from its first month. The one rule of the reporting
    start: the engine (both paths, the SQL through ``REPORTING_START_INDEX_SQL``),
    the period form, the reminders, the ranking and the default month read it."""
    start = getattr(plan, "reports_from", None)
    return Period(start.year, start.month) if start else None


def period_counts(plan, period: Period) -> bool:
    """Whether ``period`` is owed at all: not before the plan's reporting start
    (earlier months are neither overdue nor unreported, nor in the on-time rate)."""
    start = reporting_start(plan)
    return start is None or (period.year, period.month) >= (start.year, start.month)


def period_judged(plan, period: Period, *, ended: bool, begun: bool) -> bool:
    """Whether the engine judges ``period`` (``ended``/``begun``: its month has
    ended / begun by the day judged): a period that counts, once it has ended;
    and the month of a set reporting start as soon as it begins, so that a plan
    just published shows every target (未报, 无数据) at once rather than nothing
    until the month ends."""
    if not period_counts(plan, period):
        return False
    return ended or (begun and period == reporting_start(plan))


# The same rules for the set-based recompute, read from the plans row aliased
# ``p``: the period index (year * 12 + month - 1) of the reporting start (NULL
# without one), the first period index judged (0 without one: every period)
# and the last index judged given the last month ended (the start's month once
# it has begun, whichever is later).
REPORTS_FROM_INDEX_SQL = "(extract(year FROM p.reports_from)::int * 12 + extract(month FROM p.reports_from)::int - 1)"
REPORTING_START_INDEX_SQL = f"coalesce({REPORTS_FROM_INDEX_SQL}, 0)"


def last_judged_index_sql(last_ended: str, as_of_index: str) -> str:
    """SQL: the last period index judged for the plan ``p``: ``last_ended`` or
    the reporting start's month when it has begun by ``as_of_index``."""
    return (
        f"greatest({last_ended}, CASE WHEN {REPORTS_FROM_INDEX_SQL} <= {as_of_index} THEN {REPORTS_FROM_INDEX_SQL} END)"
    )


def plan_period_state(plan, period: Period, *, today: dt.date) -> PeriodState:
    """A period's state under the plan's settings, before its reporting start
    NOT_COUNTED (not open for entry), else ``period_state``."""
    if not period_counts(plan, period):
        return PeriodState.NOT_COUNTED
    return period_state(period, today=today, due_day=plan.due_day, lock_after_days=plan.lock_after_days)


def period_label(year: int | None, month: int, *, cumulative: bool = True) -> str:
    """The one way a period is written on every page, export, sheet, message
    and document: a plan reports year to date, so its period reads 1月 in
    January and 1-N月 after it (1-2月 for a plan that merges January into
    February), prefixed with the year (2014年1-9月) unless ``year`` is None.
    A single month that is not a year-to-date period (a ranking on the month
    alone, a month's columns of the ledger) reads N月 with ``cumulative=False``.
    Never 1-1月."""
    if month == 1:
        months = gettext("January")
    elif cumulative:
        months = gettext("months 1–%(month)s") % {"month": month}
    else:
        months = gettext("Month %(month)s") % {"month": month}
    if year is None:
        return months
    return gettext("%(year)s, %(period)s") % {"year": year, "period": months}


def reporting_months(*, frequency: str, jan_feb_combined: bool) -> list[int]:
    """The months that close a reporting period within a year."""
    if frequency == Frequency.QUARTERLY:
        return [3, 6, 9, 12]
    return [month for month in range(1, 13) if not (jan_feb_combined and month == 1)]


def is_reporting_month(month: int, *, frequency: str, jan_feb_combined: bool) -> bool:
    return month in reporting_months(frequency=frequency, jan_feb_combined=jan_feb_combined)


def due_date(period: Period, *, due_day: int) -> dt.date:
    """Reports for a month are due on ``due_day`` of the following month."""
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    return dt.date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


def lock_date(period: Period, *, due_day: int, lock_after_days: int) -> dt.date:
    """The first day on which the period no longer accepts changes."""
    return due_date(period, due_day=due_day) + dt.timedelta(days=lock_after_days + 1)


def period_state(period: Period, *, today: dt.date, due_day: int, lock_after_days: int) -> PeriodState:
    if today < dt.date(period.year, period.month, 1):
        return PeriodState.FUTURE
    if today >= lock_date(period, due_day=due_day, lock_after_days=lock_after_days):
        return PeriodState.LOCKED
    return PeriodState.OPEN


def days_until_due(period: Period, *, today: dt.date, due_day: int) -> int:
    """Negative once the due day has passed."""
    return (due_date(period, due_day=due_day) - today).days


def periods_of_plan(*, start_year: int, end_year: int, frequency: str, jan_feb_combined: bool) -> list[Period]:
    return [
        Period(year, month)
        for year in range(start_year, end_year + 1)
        for month in reporting_months(frequency=frequency, jan_feb_combined=jan_feb_combined)
    ]


def month_just_closed(
    *, start_year: int, end_year: int, frequency: str, jan_feb_combined: bool, due_day: int, today: dt.date
) -> Period:
    """The default period of every page, export, bulletin and API call: the
    latest reporting period of the plan whose due day has passed (the month
    just closed), never "the newest month anyone reported". Before the first
    due day, the plan's first period; after the plan, its last."""
    periods = periods_of_plan(
        start_year=start_year, end_year=end_year, frequency=frequency, jan_feb_combined=jan_feb_combined
    )
    closed = [period for period in periods if due_date(period, due_day=due_day) < today]
    return closed[-1] if closed else periods[0]


def default_period(plan, *, today: dt.date | None = None, year: int | None = None) -> Period:
    """``month_just_closed`` for a plan (anything with the plan's reporting
    settings), as of ``today`` (the clock's, by default): the one default
    month of every page, export, the bulletin and the API. With ``year`` (one
    of the plan's), the month just closed within that year: its last period
    once the year is over, so that the zones of a region, or an API call
    naming only a year, read one year by the same rule."""
    today = today or clock.today()
    period = month_just_closed(
        start_year=plan.start_year if year is None else year,
        end_year=plan.end_year if year is None else year,
        frequency=plan.frequency,
        jan_feb_combined=plan.jan_feb_combined,
        due_day=plan.due_day,
        today=today,
    )
    start = reporting_start(plan)
    if start is not None and not period_counts(plan, period) and (year is None or start.year == year):
        # Nothing before the reporting start is owed: open on its first period.
        first = [
            p
            for p in periods_of_plan(
                start_year=start.year,
                end_year=start.year,
                frequency=plan.frequency,
                jan_feb_combined=plan.jan_feb_combined,
            )
            if period_counts(plan, p)
        ]
        return first[0] if first else period
    return period
