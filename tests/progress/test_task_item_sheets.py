"""A task item in the period sheet: its standing written in words in the
value column, offered as a list, and read back from words."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from progress.choices import ReportStatus
from progress.models import Report
from progress.services import unit_period_save
from progress.sheets import SHEET_NAME
from targets.choices import Standing
from targets.task_items import task_items_ensure
from tests.progress.test_sheets import PROBLEMS, PROGRESS, VALUE, build, edit, preview, read, row_of


@pytest.fixture
def item(desk):
    task_items_ensure(desk.plan)
    return desk.task.targets.task_items().get()


def value_cells(data: bytes) -> list:
    sheet = load_workbook(io.BytesIO(data))[SHEET_NAME]
    return [sheet.cell(row=row_of(index), column=VALUE).value for index in range(4)]


def test_the_items_row_comes_first_with_its_standing_in_words_and_a_list_to_choose_from(desk, item):
    Report.objects.create(
        target=item,
        year=2026,
        month=2,
        value=Decimal(int(Standing.LAGGING)),
        status=ReportStatus.APPROVED,
        submitted_at="2026-03-03T10:00:00+08:00",
        approved_at="2026-03-04T10:00:00+08:00",
    )
    Report.objects.create(target=item, year=2026, month=3, value=Decimal(int(Standing.ON_SCHEDULE)))
    data = build(desk)
    sheet = load_workbook(io.BytesIO(data))[SHEET_NAME]
    line = [cell.value for cell in sheet[row_of(0)]]
    assert line[2] == item.indicator
    assert line[3] in (None, "")  # no unit
    assert (line[5], line[6]) == (str(Standing.LAGGING.label), str(Standing.ON_SCHEDULE.label))
    choices = [v for v in sheet.data_validations.dataValidation if f"G{row_of(0)}" in str(v.sqref)]
    assert len(choices) == 1
    assert choices[0].formula1 == '"' + ",".join(str(s.label) for s in reversed(Standing)) + '"'


def test_the_sheet_round_trips_on_schedule(desk, item):
    data = edit(build(desk), {(row_of(0), VALUE): "按计划推进", (row_of(0), PROGRESS): "完成方案"})
    rows = read(desk, data)
    result = preview(desk, rows)
    assert result.can_confirm
    first = result.rows[0]
    assert first.target == item and first.new_text == str(Standing.ON_SCHEDULE.label)
    saved = unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=result.to_save, by=desk.staff, today=desk.today
    )
    assert saved.ok
    assert Report.objects.get(target=item).value == Decimal(int(Standing.ON_SCHEDULE))
    again = build(desk)
    assert value_cells(again)[0] == str(Standing.ON_SCHEDULE.label)
    # Read back as downloaded, nothing has changed.
    unchanged = preview(desk, read(desk, again))
    assert unchanged.changed_count == 0 and not unchanged.to_save


def test_a_word_that_is_no_standing_is_refused_in_the_preview(desk, item):
    rows = read(desk, edit(build(desk), {(row_of(0), VALUE): "差不多", (row_of(0), PROBLEMS): ""}))
    result = preview(desk, rows)
    assert result.has_errors and not result.can_confirm
    assert result.rows[0].errors


def test_a_conflict_on_a_task_item_shows_its_standing_in_words(client, desk, item):
    client.force_login(desk.staff)
    kwargs = {"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"}
    with mock.patch("core.clock.today", return_value=desk.today):
        sheet = edit(build(desk), {(row_of(0), VALUE): "按计划推进", (row_of(0), PROGRESS): "完成方案"})
        upload = client.post(
            reverse("progress:sheet_upload", kwargs=kwargs), {"file": SimpleUploadedFile("填报.xlsx", sheet)}
        )
        Report.objects.create(target=item, year=2026, month=3, value=Decimal(int(Standing.LAGGING)), problems="x")
        response = client.post(reverse("progress:sheet_confirm", kwargs=kwargs), {"rows": upload.context["token"]})

    assert response.status_code == 409
    page = response.content.decode()
    assert f'<td class="num">{Standing.LAGGING.label}</td>' in page  # 滞后, not the code 1
