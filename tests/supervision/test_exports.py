"""Exports: the list as XLSX (streamed, Chinese headers, frozen header row,
widths, formulas neutralised) and CSV (UTF-8 with BOM), and the ledger."""

import csv
import io
import re
import tracemalloc
from decimal import Decimal as D

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from supervision.exports import LIST_COLUMNS, csv_chunks, list_csv_response, list_xlsx_response
from supervision.filtersets import SupervisionFilterSet
from supervision.xlsx import XlsxStream

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号", "园区", "任务", "指标", "类型", "目标", "数据期", "累计完成", "计量单位", "完成率(%)", "序时进度(%)",
    "差距(百分点)", "状态", "情况说明", "牵头单位", "责任领导", "本期填报", "最新进展", "存在问题", "下步措施",
]  # fmt: skip


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def workbook_of(response):
    return load_workbook(io.BytesIO(body(response)))


def test_the_xlsx_export_has_chinese_headers_a_frozen_header_row_widths_and_the_rows(zone):
    filterset = SupervisionFilterSet({"list": "flagged"}, user=zone.supervisor)
    response = list_xlsx_response(filterset.qs, period=filterset.chosen_period)
    assert isinstance(response, StreamingHttpResponse)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = workbook_of(response).active
    header = [cell.value for cell in sheet[1]]
    assert header == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["N"].width == 44
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    first = dict(zip(header, rows[[r[3] for r in rows].index("新开工项目")], strict=True))
    assert first["累计完成"] == 1.2 and first["计量单位"] == "个"
    assert first["完成率(%)"] == 12 and first["序时进度(%)"] == 50 and first["差距(百分点)"] == -38
    assert first["状态"] == "严重滞后" and first["数据期"] == "2014年1-6月"
    assert first["情况说明"].startswith("1-6月完成1.2个")
    assert first["牵头单位"] == "经济发展局" and first["责任领导"] == "李明"
    assert first["存在问题"] == "'-土地指标不足"  # a leading minus would be read as a formula


def test_text_that_would_run_as_a_formula_is_written_as_text(zone):
    filterset = SupervisionFilterSet({"list": "returned"}, user=zone.supervisor)
    sheet = workbook_of(list_xlsx_response(filterset.qs, period=filterset.chosen_period)).active
    cell = sheet.cell(row=2, column=4)
    assert cell.value == '\'=HYPERLINK("http://x")' and cell.data_type == "s"


def test_the_csv_export_is_utf8_with_a_bom_and_neutralised(zone):
    filterset = SupervisionFilterSet({"list": "flagged"}, user=zone.supervisor)
    response = list_csv_response(filterset.qs, period=filterset.chosen_period)
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "园区", "任务", "指标"]
    assert len(rows) == 7
    assert '\'=HYPERLINK("http://x")' in [row[3] for row in rows]
    texts = [value for row in rows for value in row if not re.fullmatch(r"-?[0-9.]+", value)]
    assert not any(value.startswith(("=", "+", "-", "@")) for value in texts)
    assert "'-土地指标不足" in texts


def test_the_export_pages_use_the_same_filters_as_the_list(client, zone):
    client.force_login(zone.supervisor)
    response = client.get(reverse("supervision:export_xlsx"), {"list": "serious"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sorted(row[3] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["引进亿元以上项目", "新开工项目"]
    csv_response = client.get(reverse("supervision:export_csv"), {"list": "lagging", "unit": zone.invest.pk})
    assert b"\xe5\xae\x9e\xe9\x99\x85\xe5\x88\xa9\xe7\x94\xa8\xe5\xa4\x96\xe8\xb5\x84" in b"".join(
        csv_response.streaming_content
    )  # 实际利用外资


def test_an_invalid_filter_exports_nothing_and_says_why(client, zone):
    client.force_login(zone.supervisor)
    response = client.get(reverse("supervision:export_xlsx"), {"period": "1999-01"})
    assert response.status_code == 302


def test_the_writer_streams_in_chunks_and_its_memory_does_not_grow_with_rows():
    row = ["=1+1", "经济发展局", D("12.5"), 3, None, "x" * 200]

    def peak(n: int) -> tuple[int, int]:
        stream = XlsxStream(title="t", headers=["a", "b", "c", "d", "e", "f"], widths=[8] * 6)
        tracemalloc.start()
        chunks = sum(1 for _chunk in stream.stream(row for _ in range(n)))
        peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak_bytes, chunks

    small, small_chunks = peak(1_000)
    large, large_chunks = peak(10_000)
    assert large_chunks > small_chunks > 2
    assert large < small * 2  # ten times the rows, not ten times the memory


def test_the_writer_drops_characters_xml_cannot_carry_and_keeps_dates_and_numbers():
    import datetime as dt

    stream = XlsxStream(title="a/b:c", headers=["text", "date", "number"], widths=[10, 10, 10])
    data = b"".join(stream.stream([["bell\x07 & <tag>", dt.date(2014, 7, 31), D("1E+2")]]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "a b c"
    assert sheet["A2"].value == "bell & <tag>"
    assert sheet["B2"].value.date() == dt.date(2014, 7, 31)
    assert sheet["C2"].value == 100


def test_the_writer_drops_nul_and_lone_surrogates_and_guards_a_formula_behind_them():
    stream = XlsxStream(title="t", headers=["a\x00", "b", "c"], widths=[10, 10, 10])
    data = b"".join(stream.stream([["\x00=1+1", "a\ud800b\ufffe", "\x0b＝SUM(A1)"]]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == ["a", "b", "c"]
    assert [cell.value for cell in sheet[2]] == ["'=1+1", "ab", "'\n＝SUM(A1)"]


def test_the_csv_writer_drops_what_xml_cannot_carry_and_guards_full_width_formulas():
    data = b"".join(csv_chunks(["h\x00"], iter([["\x00=1", "a\ud800b\x0c", "＝1+1", "＠A1", D("-3.5")]])))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["h"], ["'=1", "ab\n", "'＝1+1", "'＠A1", "-3.5"]]


def test_the_export_columns_are_the_documented_components():
    assert len(LIST_COLUMNS) == 20


# --- the ledger --------------------------------------------------------------------------


def test_the_unit_ledger_has_each_month_figure_and_status_and_the_narratives(client, zone):
    client.force_login(zone.supervisor)
    url = reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.econ.pk])
    response = client.get(url, {"period": "2014-06"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "经济发展局" in sheet["A1"].value and "2014年1-6月" in sheet["A1"].value
    assert [sheet.cell(row=2, column=c).value for c in (1, 2, 3)] == ["序号", "任务", "指标"]
    assert sheet.cell(row=2, column=7).value == "1月" and sheet.cell(row=3, column=7).value == "累计"
    assert sheet.freeze_panes == "D4"
    rows = {row[2]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"固定资产投资", "新开工项目", "研发投入占比", '\'=HYPERLINK("http://x")'}
    investment = rows["固定资产投资"]
    assert investment[6] == 10 and investment[7] == "正常推进"  # January
    assert investment[6 + 2 * 5] == 60 and investment[-3:] == ("按计划推进", "无", "继续推进")


def test_the_leader_ledger_holds_the_leaders_targets(client, zone):
    client.force_login(zone.leader)
    response = client.get(reverse("supervision:ledger_leader", args=[zone.plan.pk, zone.leader.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "李明" in sheet["A1"].value
    assert sheet.max_row == 3 + 4


def test_unit_staff_download_their_own_units_ledger_only(client, zone):
    client.force_login(zone.staff)
    own = client.get(reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.econ.pk]))
    other = client.get(reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.invest.pk]))
    leader = client.get(reverse("supervision:ledger_leader", args=[zone.plan.pk, zone.leader.pk]))
    assert (own.status_code, other.status_code, leader.status_code) == (200, 403, 403)


def test_a_leader_ledger_of_another_zones_plan_is_not_found(client, zone):
    """Not an empty ledger with the other zone's plan title: the plan has no such leader."""
    client.force_login(zone.leader)
    response = client.get(reverse("supervision:ledger_leader", args=[zone.other_plan.pk, zone.leader.pk]))
    assert response.status_code == 404
    assert "他区要点" not in response.content.decode()


def test_a_ledger_of_someone_who_leads_nothing_in_the_plan_is_not_found(client, zone):
    client.force_login(zone.supervisor)
    response = client.get(reverse("supervision:ledger_leader", args=[zone.plan.pk, zone.staff.pk]))
    assert response.status_code == 404
