"""A growth target reported by its year-to-date amount: the figure typed is an amount, so it is
never written as a rate (85.53 read as "85.53%" beside a 20% target misled the reviewer)."""

from decimal import Decimal

import pytest

from progress.review import Approved, ReviewRow
from targets.choices import ReportedAs
from tests.factories import ReportFactory, TargetFactory

pytestmark = pytest.mark.django_db


def amount_target():
    return TargetFactory(
        kind="growth_rate", unit="%", value=Decimal(20), reported_as=ReportedAs.AMOUNT, baseline=Decimal(96)
    )


def test_its_figure_is_written_without_the_rates_unit():
    target = amount_target()
    assert target.reports_amount and target.figure_unit == ""
    assert target.written(Decimal("85.53")) == "85.53"


def test_a_rate_reported_as_a_rate_keeps_its_percent():
    target = TargetFactory(kind="growth_rate", unit="%", value=Decimal(20))
    assert not target.reports_amount and target.written(Decimal("13.7")) == "13.7%"


def test_the_reviewer_sees_a_fall_of_its_year_to_date_amount():
    target = amount_target()
    report = ReportFactory(target=target, year=2026, month=11, value=Decimal(21))
    row = ReviewRow(report=report, previous=Approved(month=10, value=Decimal("85.53")), judgement=None)
    assert row.change == Decimal("-64.53") and row.drops
