"""The ledger's 进展情况 cell: the lead unit's progress, then each co-operating
unit's submitted part as "【单位】…"; never a draft."""

import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from progress.choices import ContributionStatus
from progress.models import TaskContribution
from supervision.exports import LEDGER_TASKS, ledger_workbook
from supervision.selectors import ledger
from targets.choices import Standing
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.factories import TaskFactory, UnitFactory
from tests.supervision.conftest import approve


@pytest.fixture
def english():
    """The export in English, so the headers read as the code names them."""
    with translation.override("en"):
        yield


@pytest.fixture
def reform(zone):
    """深化行政审批制度改革, led by 经济发展局 with 招商局 and 财政局, reported in June."""
    task = TaskFactory(
        plan=zone.plan, lead_unit=zone.econ, number="3.", path="3", order=3, heading="深化行政审批制度改革",
        deadline=dt.date(2014, 12, 31),
    )  # fmt: skip
    finance = UnitFactory(zone=zone.plan.zone, name="财政局", order=3)
    task.co_units.add(zone.invest, finance)
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    approve(item, 6, Standing.ON_SCHEDULE, progress="方案待审定")
    return item, finance


def part(item, unit, month, progress, status=ContributionStatus.SUBMITTED):
    return TaskContribution.objects.create(
        target=item, unit=unit, year=2014, month=month, progress=progress, status=status,
        submitted_at=timezone.now() if status == ContributionStatus.SUBMITTED else None,
    )  # fmt: skip


def progress_cell(zone) -> str:
    book = ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    sheet = load_workbook(io.BytesIO(ledger_workbook(book, subject="经济发展局"))).worksheets[0]
    headers = [cell.value for cell in sheet[3]]
    rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)]
    row = next(row for row in rows if row["Work task"] == "3.深化行政审批制度改革")
    return row["Progress this period"]


def test_submitted_parts_follow_the_lead_units_progress_in_the_ledger(zone, reform, english):
    item, finance = reform
    part(item, zone.invest, 6, "对接客商3家")
    part(item, finance, 6, "拨付资金")
    assert [str(column.header) for column in LEDGER_TASKS].index("Progress this period") == 7
    assert progress_cell(zone) == "方案待审定\n【招商局】对接客商3家\n【财政局】拨付资金"


def test_a_draft_part_is_not_in_the_ledger(zone, reform, english):
    item, finance = reform
    part(item, zone.invest, 6, "对接客商3家")
    part(item, finance, 6, "尚未定稿的草稿", status=ContributionStatus.DRAFT)
    assert progress_cell(zone) == "方案待审定\n【招商局】对接客商3家"


def test_a_units_latest_submitted_part_of_the_year_is_carried_as_the_lead_units_text_is(zone, reform, english):
    item, _finance = reform
    part(item, zone.invest, 4, "四月的")
    part(item, zone.invest, 5, "五月的")
    part(item, zone.invest, 6, "六月草稿", status=ContributionStatus.DRAFT)
    assert progress_cell(zone) == "方案待审定\n【招商局】五月的"
