"""The results endpoint answers the two questions side by side (progress,
reporting), counts approved figures only, and reads the month just closed
by default, as the pages do."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from progress.engine.recompute import targets_recompute
from tests.api.test_api import client_for
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):  # 2026-04-02: March is due on the 5th
        yield


def _report(target, month, value, *, status="approved", day=3):
    sent = f"2026-{month + 1:02d}-{day:02d}T09:00+08:00"
    return ReportFactory(
        target=target,
        year=2026,
        month=month,
        value=Decimal(value),
        status=status,
        submitted_at=sent,
        approved_at=sent if status == "approved" else None,
    )


def _recompute(desk):
    targets = [desk.amount, desk.growth, desk.count]
    targets_recompute(targets=targets, plan=desk.plan, as_of=desk.today)


def _rows(desk, **params):
    response = client_for(desk.staff).get("/api/v1/results/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_a_result_carries_both_statuses_with_their_labels_and_the_figures_period(desk):
    _report(desk.amount, 1, "10")
    _recompute(desk)
    (row,) = _rows(desk, target=desk.amount.pk, period="2026-03")
    assert (row["year"], row["month"]) == (2026, 3)
    assert (row["data_year"], row["data_month"]) == (2026, 1)  # January's figure, carried
    assert row["status"] == "serious" and row["status_label"] == "Seriously lagging"
    assert row["reporting"] == "not_yet" and row["reporting_label"] == "Not yet reported"
    assert row["actual"] == "10.0000"
    assert "(figure as of January, against the time progress of months 1–3)" in row["explanation"]


def test_a_figure_waiting_for_review_counts_nowhere_and_is_marked_where_it_is_shown(desk):
    _report(desk.amount, 1, "10")
    _report(desk.amount, 2, "20")
    _report(desk.amount, 3, "60", status="submitted", day=1)
    _recompute(desk)
    (row,) = _rows(desk, target=desk.amount.pk, period="2026-03")
    assert row["actual"] == "20.0000" and row["data_month"] == 2  # February's approved figure
    assert row["reporting"] == "pending" and row["reporting_label"] == "Awaiting review"
    reports = client_for(desk.staff).get("/api/v1/reports/", {"target": desk.amount.pk}).json()["results"]
    by_month = {report["month"]: report for report in reports}
    assert by_month[3]["status"] == "submitted" and by_month[3]["counted"] is False
    assert by_month[2]["status"] == "approved" and by_month[2]["counted"] is True


def test_the_results_filter_on_the_reporting_status_apart_from_the_progress_status(desk):
    _report(desk.amount, 2, "20")
    _report(desk.amount, 3, "60", status="submitted", day=1)
    _report(desk.growth, 2, "16")
    _recompute(desk)
    pending = _rows(desk, period="2026-03", reporting="pending")
    assert [row["target"] for row in pending] == [desk.amount.pk]
    waiting = _rows(desk, period="2026-03", reporting=["not_yet", "pending"])
    assert {row["target"] for row in waiting} == {desk.amount.pk, desk.growth.pk, desk.count.pk}
    february = _rows(desk, period="2026-02", reporting="reported")
    assert {row["target"] for row in february} == {desk.amount.pk, desk.growth.pk}
    assert _rows(desk, period="2026-02", reporting="missing", status="no_data") == [
        row for row in _rows(desk, period="2026-02") if row["target"] == desk.count.pk
    ]
    refused = client_for(desk.staff).get("/api/v1/results/", {"reporting": "late-ish"})
    assert refused.status_code == 400 and "reporting" in refused.json()


def test_without_a_period_the_results_read_the_month_just_closed(desk):
    _report(desk.amount, 2, "20")
    _report(desk.amount, 3, "30", day=1)  # March approved before its due day
    _recompute(desk)
    assert {(row["year"], row["month"]) for row in _rows(desk)} == {(2026, 2)}


def test_a_year_alone_reads_the_month_just_closed_within_that_year(desk):
    _report(desk.amount, 2, "20")
    _report(desk.amount, 3, "30", day=1)
    _recompute(desk)
    assert {(row["year"], row["month"]) for row in _rows(desk, year=2026)} == {(2026, 2)}
    assert {(row["year"], row["month"]) for row in _rows(desk, year=2026, month=3)} == {(2026, 3)}
    assert {(row["year"], row["month"]) for row in _rows(desk, month=1)} == {(2026, 1)}


def test_after_its_year_a_year_alone_reads_its_december(desk):
    _report(desk.amount, 2, "20")
    with mock.patch("core.clock.today", return_value=dt.date(2027, 3, 1)):
        targets_recompute(targets=[desk.amount], plan=desk.plan, as_of=dt.date(2027, 3, 1))
        assert {row["month"] for row in _rows(desk, year=2026, target=desk.amount.pk)} == {12}


def test_the_schema_documents_both_statuses_the_figures_period_and_the_reporting_filter(desk):
    schema = client_for(desk.staff).get("/api/schema/", {"format": "json"}).json()
    result = schema["components"]["schemas"]["Result"]["properties"]
    assert {"status", "status_label", "reporting", "reporting_label", "data_year", "data_month"} <= set(result)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/results/"]["get"]["parameters"]}
    assert parameters["reporting"]["schema"]["items"]["enum"] == ["reported", "pending", "not_yet", "missing", "late"]
    assert "month just closed" in parameters["period"]["description"]
    assert "counted" in schema["components"]["schemas"]["Report"]["properties"]
