"""Exports: the list as XLSX (streamed, headers in the site's language, frozen
header row, widths, formulas neutralised) and CSV (UTF-8 with BOM), every row
of the filter with both questions; and the ledger."""

import csv
import datetime as dt
import io
import re
import tracemalloc
from decimal import Decimal as D

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from progress.models import Attachment, Report
from supervision.exports import (
    LEDGER_FIXED,
    LEDGER_MONTH,
    LEDGER_NARRATIVES,
    LEDGER_TASKS,
    LIST_COLUMNS,
    csv_chunks,
    ledger_workbook,
    list_csv_response,
    list_xlsx_response,
)
from supervision.filtersets import SupervisionFilterSet
from supervision.selectors import ledger
from supervision.xlsx import XlsxStream
from targets.choices import Standing
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.factories import TargetFactory, TaskFactory, UserFactory
from tests.supervision.conftest import AS_OF, approve

pytestmark = pytest.mark.django_db

HEADERS = [
    "No.", "Zone", "Task", "Indicator", "Kind", "Target", "Period of the figure", "Year-to-date actual",
    "Figure awaiting review", "Unit of measure", "Completion (%)", "Time progress (%)", "Gap (points)",
    "Progress status", "Explanation", "Lead unit", "Responsible leader", "Reporting status", "Latest progress",
    "Problems", "Next steps", "Evidence",
]  # fmt: skip


@pytest.fixture
def english():
    """The export in English: the words are the catalogue's, the columns and rows the code's."""
    with translation.override("en"):
        yield


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def workbook_of(response):
    return load_workbook(io.BytesIO(body(response)))


def test_the_xlsx_export_has_the_headers_a_frozen_header_row_widths_and_the_rows(zone, english):
    filterset = SupervisionFilterSet({"list": "flagged"}, user=zone.supervisor)
    response = list_xlsx_response(filterset.qs, period=filterset.chosen_period)
    assert isinstance(response, StreamingHttpResponse)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = workbook_of(response).active
    header = [cell.value for cell in sheet[3]]
    assert header == HEADERS
    assert sheet.freeze_panes == "A4"
    assert 6 <= sheet.column_dimensions["O"].width <= 44
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 5
    first = dict(zip(header, rows[[r[3] for r in rows].index("新开工项目")], strict=True))
    assert first["Year-to-date actual"] == 1.2 and first["Unit of measure"] == "个"
    assert first["Completion (%)"] == 12 and first["Time progress (%)"] == 50 and first["Gap (points)"] == -38
    assert first["Progress status"] == "Seriously lagging" and first["Period of the figure"] == "2014, months 1–6"
    assert first["Reporting status"] == "Reported"
    assert first["Explanation"].startswith("months 1–6: 1.2")
    assert first["Lead unit"] == "经济发展局" and first["Responsible leader"] == "李明"
    assert first["Problems"] == "'-土地指标不足"  # a leading minus would be read as a formula


def test_each_export_row_shows_both_questions_and_the_age_of_a_carried_figure(zone, english):
    filterset = SupervisionFilterSet({"list": "unsubmitted"}, user=zone.supervisor)
    sheet = workbook_of(list_xlsx_response(filterset.qs, period=filterset.chosen_period)).active
    rows = {row[3]: dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)}
    research = rows["研发投入占比"]
    assert (research["Progress status"], research["Reporting status"]) == ("Lagging", "Overdue, not reported")
    assert research["Period of the figure"] == "2014, months 1–5"  # May's approved figure, carried to June
    assert "(figure as of months 1–5" in research["Explanation"]
    returned = rows['\'=HYPERLINK("http://x")']
    assert (returned["Progress status"], returned["Reporting status"]) == (
        "On track",
        "Overdue, not reported (Returned)",
    )


def test_a_figure_waiting_for_review_has_its_own_column_and_its_narrative_is_marked(zone, english):
    june = zone.returned.reports.get(year=2014, month=6)
    june.status, june.value, june.progress = ReportStatus.SUBMITTED, D(20), "已补齐台账"
    june.save()
    targets_recompute(targets=[zone.returned], plan=zone.plan, as_of=AS_OF)
    filterset = SupervisionFilterSet({"list": "pending"}, user=zone.supervisor)
    sheet = workbook_of(list_xlsx_response(filterset.qs, period=filterset.chosen_period)).active
    (row,) = [dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert (row["Year-to-date actual"], row["Figure awaiting review"]) == (10, 20)  # May's counts; June's waits
    assert row["Completion (%)"] == 50 and row["Reporting status"] == "Awaiting review"
    assert row["Latest progress"] == "已补齐台账 (Awaiting review)"


def test_the_export_holds_every_row_the_list_counts(client, zone):
    more = [
        TargetFactory(task=TaskFactory(plan=zone.plan, lead_unit=zone.invest), indicator=f"追加{n}", value=D(100))
        for n in range(105)
    ]
    for target in more:
        approve(target, 6, 1)  # 1%: seriously lagging
    targets_recompute(targets=more, plan=zone.plan, as_of=AS_OF)
    client.force_login(zone.supervisor)
    page = client.get(reverse("supervision:index"), {"list": "serious"})
    count = page.context["page"].paginator.count
    assert count == 107 and len(page.context["rows"]) == 100  # one page of 100, and a second
    assert f'data-count="{count}"' in page.content.decode()
    xlsx = client.get(reverse("supervision:export_xlsx"), {"list": "serious"})
    assert load_workbook(io.BytesIO(body(xlsx))).active.max_row - 3 == count  # under the title, subtitle and header
    text = body(client.get(reverse("supervision:export_csv"), {"list": "serious"})).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) - 1 == count


def test_text_that_would_run_as_a_formula_is_written_as_text(zone):
    filterset = SupervisionFilterSet({"list": "returned"}, user=zone.supervisor)
    sheet = workbook_of(list_xlsx_response(filterset.qs, period=filterset.chosen_period)).active
    cell = sheet.cell(row=4, column=4)
    assert cell.value == '\'=HYPERLINK("http://x")' and cell.data_type == "s"


def test_the_csv_export_is_utf8_with_a_bom_and_neutralised(zone, english):
    filterset = SupervisionFilterSet({"list": ""}, user=zone.supervisor)
    response = list_csv_response(filterset.qs, period=filterset.chosen_period)
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert len(rows) == 8
    assert '\'=HYPERLINK("http://x")' in [row[3] for row in rows]
    texts = [value for row in rows for value in row if not re.fullmatch(r"-?[0-9.]+", value)]
    assert not any(value.startswith(("=", "+", "-", "@")) for value in texts)
    assert "'-土地指标不足" in texts


def test_the_export_pages_use_the_same_filters_as_the_list(client, zone):
    client.force_login(zone.supervisor)
    response = client.get(reverse("supervision:export_xlsx"), {"list": "serious"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sorted(row[3] for row in sheet.iter_rows(min_row=4, values_only=True)) == ["引进亿元以上项目", "新开工项目"]
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
    assert sheet["A4"].value == "bell & <tag>"
    assert sheet["B4"].value.date() == dt.date(2014, 7, 31)
    assert sheet["C4"].value == 100


def test_the_writer_drops_nul_and_lone_surrogates_and_guards_a_formula_behind_them():
    stream = XlsxStream(title="t", headers=["a\x00", "b", "c"], widths=[10, 10, 10])
    data = b"".join(stream.stream([["\x00=1+1", "a\ud800b\ufffe", "\x0b＝SUM(A1)"]]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[3]] == ["a", "b", "c"]
    assert [cell.value for cell in sheet[4]] == ["'=1+1", "ab", "'\n＝SUM(A1)"]


def test_the_csv_writer_drops_what_xml_cannot_carry_and_guards_full_width_formulas():
    data = b"".join(csv_chunks(["h\x00"], iter([["\x00=1", "a\ud800b\x0c", "＝1+1", "＠A1", D("-3.5")]])))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["h"], ["'=1", "ab\n", "'＝1+1", "'＠A1", "-3.5"]]


def test_the_export_columns_are_the_documented_components(english):
    assert [str(column.header) for column in LIST_COLUMNS] == HEADERS


# --- the ledger --------------------------------------------------------------------------


def test_the_unit_ledger_has_each_month_figure_and_both_statuses_and_the_narratives(client, zone):
    client.force_login(zone.supervisor)
    url = reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.econ.pk])
    response = client.get(url, {"period": "2014-06"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]  # the targets month by month
    assert "经济发展局" in sheet["A1"].value and "2014年1-6月" in sheet["A1"].value
    assert [sheet.cell(row=3, column=c).value for c in (1, 2, 3)] == ["序号", "任务", "指标"]
    assert sheet.cell(row=3, column=7).value == "1月" and sheet.cell(row=4, column=7).value == "累计"
    assert sheet.cell(row=3, column=10).value == "2月"  # three columns a month
    assert sheet.freeze_panes == "D5"
    rows = {row[2]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"固定资产投资", "新开工项目", "研发投入占比", '\'=HYPERLINK("http://x")'}
    investment = rows["固定资产投资"]
    assert investment[6:9] == (10, "正常推进", "已报")  # January
    assert investment[6 + 3 * 5] == 60 and investment[-4:] == ("按计划推进", "无", "继续推进", None)
    june = 6 + 3 * 5
    research = rows["研发投入占比"]
    assert research[june] is None and research[june + 2] == "逾期未报"  # June: nothing approved, not reported
    assert research[june + 1].startswith("滞后")


def test_the_ledger_marks_a_figure_waiting_for_review_and_the_age_of_a_carried_one(client, zone, english):
    june = zone.returned.reports.get(year=2014, month=6)
    june.status, june.value, june.progress = ReportStatus.SUBMITTED, D(20), "已补齐"
    june.save()
    targets_recompute(targets=[zone.returned], plan=zone.plan, as_of=AS_OF)
    book = ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    sheet = load_workbook(io.BytesIO(ledger_workbook(book, subject="经济发展局"))).worksheets[1]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    june_cells = rows['\'=HYPERLINK("http://x")'][6 + 3 * 5 : 6 + 3 * 6]
    assert june_cells == ("20 (Awaiting review)", "On track (Figure as of months 1–5)", "Awaiting review")
    assert rows['\'=HYPERLINK("http://x")'][-4] == "已补齐 (Awaiting review)"
    research_june = rows["研发投入占比"][6 + 3 * 5 : 6 + 3 * 6]
    assert research_june == (None, "Lagging (Figure as of months 1–5)", "Overdue, not reported")


def test_the_ledger_takes_the_same_queries_whatever_the_number_of_targets(zone, django_assert_num_queries):
    # tasks, their co-operating units, targets, reports, results, the stored task statuses,
    # the co-operating units' parts; the evidence; the leaders' instructions on the tasks and
    # their targets, and those on their notices; one pending read per month
    with django_assert_num_queries(10 + 6):
        ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    for n in range(10):
        target = TargetFactory(task=TaskFactory(plan=zone.plan, lead_unit=zone.econ), indicator=f"追加{n}")
        approve(target, 6, 1)
    task_items_ensure(zone.plan)
    with django_assert_num_queries(10 + 6):
        ledger(plan=zone.plan, period=zone.period, unit=zone.econ)


def test_the_leader_ledger_holds_the_leaders_targets(client, zone):
    client.force_login(zone.leader)
    response = client.get(reverse("supervision:ledger_leader", args=[zone.plan.pk, zone.leader.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    assert "李明" in sheet["A1"].value
    assert sheet.max_row == 4 + 4  # title, subtitle, two header rows


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


# --- every column record: its header over its value --------------------------------------


@pytest.fixture
def distinct(zone, settings):
    """The returned target with a figure of June waiting for review and a
    narrative in every field, against a target of 40: each column of its row
    holds a value no other column holds."""
    target = zone.returned
    target.value = D(40)
    target.save()
    june = target.reports.get(year=2014, month=6)
    june.status, june.value = ReportStatus.SUBMITTED, D(20)
    june.progress, june.problems, june.next_steps = "已补齐", "缺少用地", "月底补齐"
    june.save()
    settings.SITE_URL = zone.site = "https://taizhang.example.gov.cn"  # links are absolute, on the site's address
    zone.evidence = attached(june, "验收照片.jpg")
    attached(june, "已删除.pdf", removed=True)  # a removed file is listed nowhere
    targets_recompute(targets=[target], plan=zone.plan, as_of=AS_OF)
    return target


def attached(report, name, *, removed=False):
    """A file of evidence on ``report`` (the export lists it; no stored bytes are read)."""
    at = dt.datetime(2014, 7, 3, 9, 0, tzinfo=dt.UTC)
    return Attachment.objects.create(
        report=report, file=f"evidence/{name}", name=name, content_type="image/jpeg", size=2048, sha256="0" * 64,
        uploaded_at=at, uploaded_by=report.created_by or None, removed_at=at if removed else None,
        removed_by=UserFactory() if removed else None,
    )  # fmt: skip


LIST_EXPECTED = {
    "Zone": lambda zone: zone.zone.short_name,
    "Task": "1.推进项目建设",
    "Indicator": '\'=HYPERLINK("http://x")',
    "Kind": "Amount",
    "Target": "40家",
    "Period of the figure": "2014, months 1–5",
    "Year-to-date actual": D(10),
    "Figure awaiting review": D(20),
    "Unit of measure": "家",
    "Completion (%)": D(25),
    "Time progress (%)": D(50),
    "Gap (points)": D(-25),
    "Progress status": "Seriously lagging",
    "Explanation": "months 1–5: 10家 done, 25.0% of the annual target, 25.0 points behind time progress. "
    "(figure as of months 1–5, against the time progress of months 1–6)",
    "Lead unit": "经济发展局",
    "Responsible leader": "李明",
    "Reporting status": "Awaiting review",
    "Latest progress": "已补齐 (Awaiting review)",
    "Problems": "缺少用地 (Awaiting review)",
    "Next steps": "月底补齐 (Awaiting review)",
    "Evidence": lambda zone: f"验收照片.jpg {zone.site}/progress/attachments/{zone.evidence.pk}/",
}


def _expected(zone, header):
    value = LIST_EXPECTED[header]
    return value(zone) if callable(value) else value


def test_every_list_column_writes_its_own_value_under_its_own_header_in_xlsx_and_csv(zone, distinct, english):
    assert set(LIST_EXPECTED) | {"No."} == {str(column.header) for column in LIST_COLUMNS}
    filterset = SupervisionFilterSet({"list": ""}, user=zone.supervisor)
    sheet = workbook_of(list_xlsx_response(filterset.qs, period=filterset.chosen_period)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    (number, row) = next((n, r) for n, r in enumerate(rows) if r[3] == LIST_EXPECTED["Indicator"])
    cells = dict(zip(rows[0], row, strict=True))
    assert cells.pop("No.") == number
    assert {header: D(str(v)) if isinstance(v, int | float) else v for header, v in cells.items()} == {
        header: _expected(zone, header) for header in LIST_EXPECTED
    }
    text = body(list_csv_response(filterset.qs, period=filterset.chosen_period)).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    fields = dict(zip(lines[0], lines[number], strict=True))
    assert fields.pop("No.") == str(number)
    assert {header: D(v) if isinstance(_expected(zone, header), D) else v for header, v in fields.items()} == {
        header: _expected(zone, header) for header in LIST_EXPECTED
    }
    assert "已删除.pdf" not in text


def test_every_ledger_column_writes_its_own_value_under_its_own_header(zone, distinct, english):
    book = ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    sheet = load_workbook(io.BytesIO(ledger_workbook(book, subject="经济发展局"))).worksheets[1]
    top = [cell.value for cell in sheet[3]]
    below = [cell.value for cell in sheet[4]]
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[2] == LIST_EXPECTED["Indicator"])
    fixed = {top[i]: row[i] for i in range(len(LEDGER_FIXED))}
    assert fixed == {
        "No.": fixed["No."],
        "Task": "1.推进项目建设",
        "Indicator": LIST_EXPECTED["Indicator"],
        "Target": "40家",
        "Lead unit": "经济发展局",
        "Responsible leader": "李明",
    }
    june = top.index("Month 6")
    assert dict(zip(below[june : june + len(LEDGER_MONTH)], row[june : june + len(LEDGER_MONTH)], strict=True)) == {
        "Year to date": "20 (Awaiting review)",
        "Progress status": "Seriously lagging (Figure as of months 1–5)",
        "Reporting status": "Awaiting review",
    }
    assert sheet.cell(row=5 + fixed["No."] - 1, column=june + 2).fill.fgColor.rgb.endswith("FED7D7")
    narratives = dict(zip(top[-len(LEDGER_NARRATIVES) :], row[-len(LEDGER_NARRATIVES) :], strict=True))
    assert narratives == {
        "Latest progress": "已补齐 (Awaiting review)",
        "Problems": "缺少用地 (Awaiting review)",
        "Next steps": "月底补齐 (Awaiting review)",
        "Evidence": _expected(zone, "Evidence"),
    }
    assert [str(c.header) for c in (*LEDGER_FIXED, *LEDGER_NARRATIVES)] == [*fixed, *narratives]
    assert [str(c.header) for c in LEDGER_MONTH] == below[june : june + len(LEDGER_MONTH)]


# --- the ledger's tasks: one row per task ------------------------------------------------


@pytest.fixture
def reform(zone):
    """A task with no number, led by 经济发展局 with 招商局, reported lagging in June."""
    task = TaskFactory(
        plan=zone.plan, lead_unit=zone.econ, leader=zone.leader, number="3.", path="3", order=3,
        heading="深化行政审批制度改革", deadline=dt.date(2014, 12, 31),
    )  # fmt: skip
    task.co_units.add(zone.invest)
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    approve(item, 5, Standing.ON_SCHEDULE, progress="方案起草", problems="", next_steps="报审")
    approve(item, 6, Standing.LAGGING, progress="方案待审定", problems="上级审批未完成", next_steps="月底前报批")
    targets_recompute(targets=list(Target.objects.filter(task__plan=zone.plan)), plan=zone.plan, as_of=AS_OF)
    return task


def test_the_ledger_has_a_row_for_each_task_with_its_standing_and_problems(zone, reform, english):
    book = ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    workbook = load_workbook(io.BytesIO(ledger_workbook(book, subject="经济发展局")))
    sheet = workbook.worksheets[0]
    assert workbook.sheetnames == ["Ledger", "Targets by month"]
    assert [cell.value for cell in sheet[3]] == [str(column.header) for column in LEDGER_TASKS] == [
        "No.", "Work task", "Responsible leader", "Lead unit", "Co-operating units", "Deadline", "Targets",
        "Progress this period", "Problems", "Next steps", "Evidence", "Leaders' instructions", "Status",
    ]  # fmt: skip
    rows = [
        dict(zip([c.value for c in sheet[3]], row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)
    ]
    assert [row["Work task"] for row in rows] == ["1.推进项目建设", "3.深化行政审批制度改革"]  # plan order, this unit's
    assert rows[1] == {
        "No.": 2,
        "Work task": "3.深化行政审批制度改革",
        "Responsible leader": "李明",
        "Lead unit": "经济发展局",
        "Co-operating units": "招商局",
        "Deadline": "2014-12-31",
        "Targets": None,
        "Progress this period": "方案待审定",
        "Problems": "上级审批未完成",
        "Next steps": "月底前报批",
        "Evidence": None,
        "Leaders' instructions": None,
        "Status": "Lagging",
    }
    assert sheet.cell(row=5, column=len(LEDGER_TASKS)).fill.fgColor.rgb.endswith("FEFCBF")
    build = rows[0]
    assert build["Targets"].split("\n")[:2] == ["固定资产投资 120亿元", "新开工项目 10个"]
    assert build["Status"] == "Seriously lagging (新开工项目)"  # the worst target, named


def test_the_ledger_falls_back_to_the_latest_report_sent_in_the_year(zone, reform, english):
    Report.objects.filter(target__task=reform, month=6).delete()
    book = ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    row = next(task for task in book.tasks if task.task == reform)
    assert (row.progress, row.next_steps) == ("方案起草", "报审")


def test_a_waiting_task_report_is_marked(zone, reform, english):
    Report.objects.filter(target__task=reform, month=6).update(status=ReportStatus.SUBMITTED)
    book = ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    sheet = load_workbook(io.BytesIO(ledger_workbook(book, subject="经济发展局"))).worksheets[0]
    assert sheet.cell(row=5, column=9).value == "上级审批未完成 (Awaiting review)"


def test_the_leader_of_a_task_without_targets_has_a_ledger(client, zone):
    lone = TaskFactory(plan=zone.plan, lead_unit=zone.invest, leader=zone.supervisor, number="4.", path="4",
                       order=4, heading="优化营商环境")  # fmt: skip
    task_items_ensure(zone.plan)
    client.force_login(zone.admin)
    response = client.get(reverse("supervision:ledger_leader", args=[zone.plan.pk, zone.supervisor.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)] == [f"4.{lone.heading}"]


def test_a_lagging_task_item_is_listed_as_a_task_with_its_standing_in_words(client, zone, reform, english):
    filterset = SupervisionFilterSet({"list": ""}, user=zone.supervisor)
    sheet = workbook_of(list_xlsx_response(filterset.qs, period=filterset.chosen_period)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    row = dict(zip(rows[0], next(r for r in rows if r[3] == "深化行政审批制度改革"), strict=True))
    assert (row["Year-to-date actual"], row["Progress status"], row["Problems"]) == (
        "Lagging behind plan",
        "Lagging",
        "上级审批未完成",
    )
    client.force_login(zone.supervisor)
    html = client.get(reverse("supervision:index")).content.decode()
    item = Target.objects.get(task=reform, kind="task")
    cell = html.split(f'data-target="{item.pk}"')[1].split("</tr>")[0]
    assert 'data-kind="task"' in cell and "完成时限 2014-12-31" in cell
