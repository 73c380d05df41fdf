"""Rules every way of entering a figure meets: counts are whole numbers (the
period form, the sheet upload, the API), 上期 is the last approved figure, and a
confirmation, once given, stays with the figure it confirmed."""

import datetime as dt
import io
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.spreadsheets import workbook_bytes
from progress.choices import ReportStatus
from progress.models import Report, ReportEvent
from progress.selectors import period_rows
from progress.services import RowInput, unit_period_save
from progress.sheets import FIRST_ROW, SHEET_NAME, period_sheet_build, period_sheet_preview, period_sheet_read
from tests.factories import ReportFactory

PREVIOUS, VALUE = 6, 7  # 1-based columns of the sheet

WHOLE = "10.5个：以“个”计的数只能是整数，请填写整数。"


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


def save(desk, rows, *, submit=False):
    return unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, submit=submit, today=desk.today
    )


def sheet_of(desk) -> bytes:
    rows = period_rows(plan=desk.plan, unit=desk.unit, period=desk.period)
    return period_sheet_build(plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows)


def typed_into(data: bytes, cells: dict[tuple[int, int], object]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    for (row, column), value in cells.items():
        workbook[SHEET_NAME].cell(row=row, column=column, value=value)
    return workbook_bytes(workbook)


def february(desk, target, value: str, status: str) -> Report:
    """A February report of ``target`` in ``status``, with the times its status needs."""
    at = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    returned = status == ReportStatus.RETURNED
    return ReportFactory(
        target=target,
        year=2026,
        month=2,
        value=Decimal(value),
        status=status,
        submitted_at=at if status != ReportStatus.DRAFT else None,
        approved_at=at if status == ReportStatus.APPROVED else None,
        returned_at=at if returned else None,
        return_reason="请核对" if returned else "",
    )


# --- counts are whole numbers ------------------------------------------------------------------


def test_the_period_form_refuses_a_fraction_of_a_count_beside_the_field(client, desk):
    client.force_login(desk.staff)
    url = reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"})
    prefix = f"r{desk.count.pk}-"
    response = client.post(
        url, {"action": "save", f"{prefix}present": "1", f"{prefix}value": "10.5", f"{prefix}progress": "竣工"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert WHOLE in page and 'value="10.5"' in page
    assert not Report.objects.filter(target=desk.count).exists()


def test_the_sheet_upload_refuses_a_fraction_of_a_count(desk):
    typed = typed_into(sheet_of(desk), {(FIRST_ROW + 2, VALUE): 10.5})
    rows = period_sheet_read(data=typed, plan=desk.plan, unit=desk.unit, period=desk.period)
    preview = period_sheet_preview(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, today=desk.today
    )
    assert preview.error_count == 1 and not preview.can_confirm
    assert preview.rows[2].errors[0][1] == WHOLE
    assert not Report.objects.exists()


def test_the_api_refuses_a_fraction_of_a_count(desk):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=desk.staff).key}")
    response = client.post(
        "/api/v1/reports/", {"target": desk.count.pk, "year": 2026, "month": 3, "value": "10.5"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"value": WHOLE}
    assert not Report.objects.exists()
    accepted = client.post(
        "/api/v1/reports/", {"target": desk.count.pk, "year": 2026, "month": 3, "value": "10"}, format="json"
    )
    assert accepted.status_code == 201, accepted.json()


# --- 上期 is the last approved figure -----------------------------------------------------------


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED])
def test_a_figure_not_approved_is_no_previous_figure(desk, status):
    february(desk, desk.amount, "27.45", status)
    row = period_rows(plan=desk.plan, unit=desk.unit, period=desk.period)[0]
    assert row.previous is None and row.previous_value is None
    # so a March figure below it needs no reason: nothing approved stands above it
    assert save(desk, [RowInput(desk.amount.pk, "20")]).ok


def test_the_previous_figure_is_the_last_approved_one(desk):
    january = ReportFactory(
        target=desk.amount,
        year=2026,
        month=1,
        value=Decimal(12),
        status=ReportStatus.APPROVED,
        submitted_at=dt.datetime(2026, 2, 3, tzinfo=dt.UTC),
        approved_at=dt.datetime(2026, 2, 4, tzinfo=dt.UTC),
    )
    february(desk, desk.amount, "27.45", ReportStatus.SUBMITTED)  # waits for review: not 上期
    row = period_rows(plan=desk.plan, unit=desk.unit, period=desk.period)[0]
    assert row.previous == january and row.previous_value == Decimal(12)


def test_falling_below_the_approved_figure_needs_a_reason(desk):
    february(desk, desk.amount, "27.45", ReportStatus.APPROVED)
    held = save(desk, [RowInput(desk.amount.pk, "20")])
    assert "27.45" in held.errors[desk.amount.pk]["value_note"]
    assert save(desk, [RowInput(desk.amount.pk, "20", value_note="统计口径调整")]).ok


def test_the_sheet_shows_the_approved_figure_as_last_periods(desk):
    february(desk, desk.amount, "27.45", ReportStatus.DRAFT)
    february(desk, desk.growth, "13", ReportStatus.APPROVED)
    sheet = load_workbook(io.BytesIO(sheet_of(desk)))[SHEET_NAME]
    assert sheet.cell(row=FIRST_ROW, column=PREVIOUS).value is None
    assert sheet.cell(row=FIRST_ROW + 1, column=PREVIOUS).value == 13


# --- a confirmation stays with its figure -------------------------------------------------------


def test_a_confirmed_figure_is_kept_confirmed_and_saved_again_without_a_new_tick(desk):
    assert save(desk, [RowInput(desk.count.pk, "40")]).errors[desk.count.pk].keys() == {"confirmed"}
    assert save(desk, [RowInput(desk.count.pk, "40", confirmed=True)]).ok
    report = Report.objects.get(target=desk.count)
    assert report.value_confirmed
    event = ReportEvent.objects.get(report=report)
    assert event.changes["value_confirmed"] == ["False", "True"]
    # the progress is written later, the box left unticked: the same figure stands confirmed
    assert save(desk, [RowInput(desk.count.pk, "40", progress="新开工40个", version=report.version)]).ok
    report.refresh_from_db()
    assert report.value_confirmed and report.progress == "新开工40个"
    # a new figure is judged afresh
    assert save(desk, [RowInput(desk.count.pk, "41", version=report.version)]).errors[desk.count.pk].keys() == {
        "confirmed"
    }


def test_submitting_a_confirmed_draft_needs_no_new_tick(desk):
    assert save(desk, [RowInput(desk.count.pk, "40", confirmed=True)]).ok
    versions = dict(Report.objects.values_list("target_id", "version"))
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="a"),
        RowInput(desk.growth.pk, "14.2", progress="b"),
        RowInput(desk.count.pk, "40", progress="c", version=versions[desk.count.pk]),
    ]
    assert save(desk, rows, submit=True).ok
    assert Report.objects.get(target=desk.count).status == ReportStatus.SUBMITTED


def test_a_new_report_records_no_confirmation_it_does_not_have(desk):
    assert save(desk, [RowInput(desk.amount.pk, "32.5")]).ok
    event = ReportEvent.objects.get()
    assert "value_confirmed" not in event.changes


def test_the_period_form_shows_a_stored_confirmation_ticked(client, desk):
    assert save(desk, [RowInput(desk.count.pk, "40", confirmed=True)]).ok
    client.force_login(desk.staff)
    url = reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"})
    page = client.get(url).content.decode()
    box = re.search(rf'<input type="checkbox" name="r{desk.count.pk}-confirmed"[^>]*>', page)
    assert box is not None and "checked" in box.group(0)
