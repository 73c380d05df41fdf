"""Every export reads as a document (core.spreadsheets): a title and a
subtitle saying which list, the filters in words, the period, when and by
whom; a frozen header with filter buttons; widths fitted to the content;
number formats by unit; landscape A4 one page wide with the header repeated
and the pages numbered; a file name that says what it is. The CSV writes
figures as typed, and every download is recorded for the zone's administrator."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.downloads import export_filename
from core.export_records import record_export
from core.models import ExportRecord
from core.spreadsheets import PAGE_FOOTER, figure_format, fit_widths, text_width
from supervision.choices import ListKind

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def shown_name(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])


def assert_printed_as_exports_are(sheet, *, header_rows: str) -> None:
    first, last = header_rows.split(":")
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${first}:${last}"
    assert sheet.oddFooter.center.text == PAGE_FOOTER == "第 &P 页，共 &N 页"


def test_a_list_export_has_a_title_a_subtitle_a_filtered_frozen_header_and_prints_one_page_wide(client, zone):
    client.force_login(zone.supervisor)
    response = client.get(reverse("supervision:export_xlsx"), {"list": "serious", "unit": zone.econ.pk})
    sheet = load_workbook(io.BytesIO(body(response))).active
    zone_name = str(zone.zone)
    assert sheet["A1"].value == f"{zone_name}督查清单：严重滞后（2014年1-6月）"
    subtitle = sheet["A2"].value
    assert subtitle == (
        "清单：严重滞后；筛选条件：牵头单位：经济发展局；期间：2014年1-6月；导出：2014-07-10 09:00，督查组"
    )
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:V1", "A2:V2"}
    assert sheet["A3"].value == "序号" and sheet["A3"].font.b
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == f"A3:V{sheet.max_row}" and sheet.max_row == 4  # one row: 新开工项目
    assert_printed_as_exports_are(sheet, header_rows="3:3")


def test_list_cells_are_formatted_by_their_unit_and_columns_fit_their_content(client, zone):
    client.force_login(zone.supervisor)
    sheet = load_workbook(io.BytesIO(body(client.get(reverse("supervision:export_xlsx"), {"list": ""})))).active
    header = [cell.value for cell in sheet[3]]
    actual, completion = header.index("累计完成"), header.index("完成率（%）")
    formats = {row[3].value: (row[actual].number_format, row[actual].value) for row in sheet.iter_rows(min_row=4)}
    assert formats["引进亿元以上项目"] == ("#,##0", 6)  # a count: an integer
    assert formats["固定资产投资"] == ("#,##0.00", 60)  # an amount: two decimals
    assert formats["实际利用外资"] == ("#,##0.00", 45)
    assert formats["研发投入占比"] == ("0.0", 2.5)  # a percentage: one decimal
    assert formats["新开工项目"] == ("#,##0.00", 1.2)  # a count given with a fraction shows it
    assert sheet.cell(row=4, column=completion + 1).number_format == "0.0"
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[3]}
    assert widths["计量单位"] < widths["指标"] <= 26  # fitted to the content, within each column's widest
    assert widths["序号"] == 6


def test_text_width_counts_chinese_double_and_widths_fit_within_limits():
    assert text_width("经济发展局") == 10 and text_width("abc") == 3 and text_width("第一行\n长一些的第二行") == 14
    assert text_width(D("12345.5")) == len("12,345.5") + 1
    assert fit_widths(["序号", "指标"], [[1, "规模以上工业增加值增速"]], maxima=[10, 16]) == [6, 16]
    assert fit_widths(["Unit"], [["个"]]) == [6]


def test_figure_formats_follow_the_unit_unless_the_figure_says_more():
    assert figure_format(D(10), "个") == "#,##0"
    assert figure_format(D("1.5"), "个") == "#,##0.00"  # a fraction is shown, not hidden
    assert figure_format(D("12.5"), "亿元") == "#,##0.00"
    assert figure_format(D("0.0001"), "亿元") == "#,##0.0000"
    assert figure_format(D("15.75"), "%") == "0.00" and figure_format(D(3), "%") == "0.0"


def test_the_lagging_and_the_overdue_lists_have_names_that_say_what_they_are(client, zone):
    client.force_login(zone.supervisor)
    names = {
        kind: shown_name(client.get(reverse("supervision:export_xlsx"), {"list": kind, "plan": zone.plan.pk}))
        for kind in ("lagging", "overdue", "serious")
    }
    zone_name = str(zone.zone)
    assert names["lagging"] == f"滞后清单_{zone_name}_2014年1-6月_20140710.xlsx"
    assert names["overdue"] == f"{ListKind.OVERDUE.label}清单_{zone_name}_2014年1-6月_20140710.xlsx"
    assert names["overdue"].startswith("逾期")
    assert len(set(names.values())) == 3
    response = client.get(reverse("supervision:export_xlsx"), {"list": "lagging", "plan": zone.plan.pk})
    assert 'filename="supervision_lagging_' in response["Content-Disposition"]


def test_the_ledger_has_the_same_layout_on_both_sheets_and_a_name_that_says_whose_it_is(client, zone):
    client.force_login(zone.supervisor)
    response = client.get(reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.econ.pk]), {"period": "2014-06"})
    assert shown_name(response) == f"台账_经济发展局_{zone.zone}_2014年1-6月_20140710.xlsx"
    tasks, months = load_workbook(io.BytesIO(response.content)).worksheets
    for sheet, header_rows, freeze in ((tasks, "3:3", "C4"), (months, "3:4", "D5")):
        assert "经济发展局" in sheet["A1"].value
        assert sheet["A2"].value.startswith("经济发展局的台账") and sheet["A2"].value.endswith("督查组")
        assert sheet.freeze_panes == freeze
        assert sheet.auto_filter.ref.startswith(f"A{header_rows[-1]}:")
        assert_printed_as_exports_are(sheet, header_rows=header_rows)
    investment = next(row for row in months.iter_rows(min_row=5) if row[2].value == "固定资产投资")
    assert investment[6].value == 10 and investment[6].number_format == "#,##0.00"
    count = next(row for row in months.iter_rows(min_row=5) if row[2].value == "新开工项目")
    assert count[6].number_format == "#,##0.00"  # 0.2个: a fraction is shown as given


def test_the_csv_is_utf8_with_a_bom_and_writes_figures_as_typed(client, zone):
    client.force_login(zone.supervisor)
    data = body(client.get(reverse("supervision:export_csv"), {"list": ""}))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    by_indicator = {row[3]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    investment = by_indicator["固定资产投资"]
    assert investment["累计完成"] == "60" and investment["完成率（%）"] == "50"
    assert by_indicator["新开工项目"]["累计完成"] == "1.2"
    assert not any(cell.endswith(".0000") or cell.endswith(".0") for row in rows for cell in row)


def test_every_download_is_recorded_with_who_what_which_filter_and_when(client, zone):
    client.force_login(zone.supervisor)
    client.get(reverse("supervision:export_csv"), {"list": "lagging", "unit": zone.invest.pk})
    client.get(reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.econ.pk]), {"period": "2014-06"})
    lists, ledgers = (ExportRecord.objects.filter(kind=kind) for kind in ("list", "ledger"))
    (listed,) = lists
    assert (listed.user, listed.user_name, listed.zone_id, listed.rows) == (zone.supervisor, "督查组", zone.zone.pk, 1)
    assert listed.title.endswith("督查清单：滞后（2014年1-6月）") and "牵头单位：招商局" in listed.filters
    assert listed.file_name.startswith("滞后清单_") and listed.file_name.endswith(".csv")
    assert listed.at.date().isoformat() == "2014-07-10"
    (kept,) = ledgers
    assert kept.file_name.startswith("台账_经济发展局_") and kept.zone_id == zone.zone.pk


def test_the_record_page_shows_the_administrators_zone_only_filtered_and_paged(client, zone):
    for n in range(55):
        record_export(
            user=zone.supervisor, kind="list", title=f"清单{n}", file_name=f"a{n}.xlsx", zone_ids=[zone.zone.pk]
        )
    record_export(user=zone.supervisor, kind="ledger", title="本区台账", file_name="b.xlsx", zone_ids=[zone.zone.pk])
    record_export(user=None, kind="ledger", title="他区台账", file_name="c.xlsx", zone_ids=[zone.other_plan.zone.pk])
    url = reverse("supervision:export_records")
    client.force_login(zone.supervisor)
    assert client.get(url).status_code == 403  # supervision takes files out; the zone office reads the record
    client.force_login(zone.admin)
    page = client.get(url)
    assert page.status_code == 200 and page.context["page"].paginator.count == 56
    assert len(page.context["rows"]) == 50 and "他区台账" not in page.content.decode()
    ledgers = client.get(url, {"kind": "ledger"})
    assert [record.title for record, _zone in ledgers.context["rows"]] == ["本区台账"]
    assert client.get(url, {"zone": zone.other_plan.zone.pk}).status_code == 400  # not a zone of theirs
    refused = client.get(url, {"start": "2014-13-40"})
    assert refused.status_code == 400 and refused.context["page"].paginator.count == 0
    assert client.get(url, {"page": 2}).context["rows"][-1][0].title == "清单0"


def test_an_export_spanning_zones_is_recorded_for_each_zone():
    records = record_export(user=None, kind="list", title="t\x00", file_name="x" * 300, zone_ids=[3, 1, 3])
    assert [record.zone_id for record in records] == [1, 3]
    assert records[0].title == "t" and len(records[0].file_name) == 255 and records[0].user_name == "—"


def test_export_file_names_drop_what_a_file_system_refuses():
    assert export_filename(["滞后 清单", "a/b:c", ""], extension="csv", fallback=["x y", "区"]) == (
        "滞后清单_abc.csv",
        "xy.csv",
    )
