"""The migrations that narrow the figure columns to DECIMAL(15, 4) (core.figures): they stop at a
stored figure the narrower column would not keep, and bound the rates of derived results as the
engine now does. PostgreSQL refuses such a row outright; SQLite stores it, so the checks matter
there."""

from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import DataError, connection, transaction
from django.utils import timezone

from targets.models import TargetResult
from tests.factories import ReportFactory, TargetFactory

pytestmark = pytest.mark.django_db

EDITOR = SimpleNamespace(connection=connection)


def store_raw(table: str, column: str, row_id: int, value: str) -> None:
    """Write past the ORM, as an older version of the code could have written."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [Decimal(value), row_id])  # noqa: S608


def test_the_report_migration_stops_at_a_figure_the_column_would_not_keep():
    check = import_module("progress.migrations.0003_figure_precision").refuse_figures_that_do_not_fit
    report = ReportFactory(value=Decimal("99999999999.9999"))
    check(None, EDITOR)  # every stored figure fits: nothing to correct
    if connection.vendor == "postgresql":
        with pytest.raises(DataError), transaction.atomic():
            store_raw("progress_report", "value", report.pk, "9999999999999999")
        return
    store_raw("progress_report", "value", report.pk, "9999999999999999")
    with pytest.raises(RuntimeError, match=f"progress_report.value of id {report.pk}"):
        check(None, EDITOR)


def test_the_target_migration_names_each_column_to_correct():
    check = import_module("targets.migrations.0007_figure_precision").refuse_figures_that_do_not_fit
    target = TargetFactory(value=Decimal(10), stretch=Decimal(12))
    check(None, EDITOR)
    if connection.vendor == "postgresql":
        with pytest.raises(DataError), transaction.atomic():
            store_raw("targets_target", "start_value", target.pk, "-100000000000")
        return
    store_raw("targets_target", "start_value", target.pk, "-100000000000")
    with pytest.raises(RuntimeError, match=f"targets_target.start_value of id {target.pk}"):
        check(None, EDITOR)


def test_the_target_migration_bounds_the_rates_of_results_as_the_engine_does():
    bound = import_module("targets.migrations.0007_figure_precision").bound_computed_rates
    target = TargetFactory(kind="growth_rate", unit="%", value=Decimal(15))
    results = [
        TargetResult.objects.create(
            target=target,
            year=2014,
            month=month,
            status="on_track",
            reason="against_target",
            computed_at=timezone.now(),
        )
        for month in (1, 2, 3)
    ]
    rates = ["14.2", "99999999999999900.0", "-99999999999999900.0"]
    if connection.vendor == "postgresql":
        with pytest.raises(DataError), transaction.atomic():
            store_raw("targets_targetresult", "actual", results[1].pk, rates[1])
        rates = ["14.2", "99999999999.9", "-99999999999.9"]
    for result, rate in zip(results, rates, strict=True):
        store_raw("targets_targetresult", "actual", result.pk, rate)
    bound(None, EDITOR)
    assert [result.actual for result in TargetResult.objects.order_by("month")] == [
        Decimal("14.2"),
        Decimal("99999999999.9"),
        Decimal("-99999999999.9"),
    ]
