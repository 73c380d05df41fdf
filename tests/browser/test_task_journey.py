"""Issue 18 in Chromium, on the demo: a task without a number, from entry to a
督办 notice. The staff say the task lags (and must say why), the reviewer
returns it, the staff send it again, the reviewer approves; once the month
has ended the engine raises its lagging flag, and the supervision team find
it in the list as a task and follow it up with a notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from demo.services import DEMO_PASSWORD
from progress.engine.jobs import plan_recompute_job
from progress.models import Report
from supervision.models import Notice
from targets import kinds
from targets.choices import Standing
from targets.models import Target, TargetFlag, TargetResult
from tests.browser.conftest import demo_xinxiang, log_in, screenshot
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 12, 6)  # December 2026 is open for entry
AFTER = dt.date(2027, 1, 8)  # December is due (the 5th): the pages open on it


def pin(monkeypatch, day: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    monkeypatch.setattr("core.clock.now", lambda: moment)
    monkeypatch.setattr("core.clock.today", lambda: day)


@pytest.fixture
def journey(monkeypatch):
    pin(monkeypatch, TODAY)
    plan = demo_xinxiang()
    unit = Membership.objects.get(user__username="xx_staff", role="staff").unit
    november = TargetResult.objects.filter(
        target__task__plan=plan, target__task__lead_unit=unit, target__kind=kinds.TASK.key, year=2026, month=11
    )
    item = Target.objects.get(pk=november.filter(status="on_track").order_by("target_id")[0].target_id)
    return plan, unit, item


def item_row(page, item):
    return page.locator("table.entry tbody tr", has=page.locator(f"select[name='r{item.pk}-value']"))


def fill_every_row(page):
    """Every editable row: a figure, or a task item's standing; and the progress."""
    for row in page.locator("table.entry tbody tr").all():
        if row.locator("input[name$='-value']").count():
            row.locator("input[name$='-value']").fill("100")
            row.locator("textarea[name$='-progress']").fill("按计划推进")
        elif row.locator("select[name$='-value']").count():
            row.locator("select[name$='-value']").select_option(value=str(Standing.ON_SCHEDULE.value))
            row.locator("textarea[name$='-progress']").fill("按计划推进")


def open_december(page):
    page.click("text=我的填报")
    card = page.locator("section.card:has(h2:has-text('1-12月'))").first
    card.locator("text=进入本期填报").click()
    page.wait_for_selector("#period-form")


def submit_confirming(page):
    """Submit; figures the checks question (below last period, far above the
    target) get a note and a confirmation, and the month is submitted again."""
    page.click("button[value=submit]")
    if "未保存" in page.locator(".messages").inner_text():
        for box in page.locator("input[name$='-confirmed']").all():
            box.check()
        for note in page.locator("textarea[name$='-value_note']").all():
            if not note.input_value():
                note.fill("演示核实")
        page.click("button[value=submit]")


def test_a_task_without_a_number_goes_from_entry_to_a_notice(page, browser, journey, monkeypatch):
    plan, unit, item = journey

    # The staff: the task lags, and saying so needs the reason.
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_december(page)
    fill_every_row(page)
    row = item_row(page, item)
    row.locator("select[name$='-value']").select_option(value=str(Standing.LAGGING.value))
    row.locator("textarea[name$='-progress']").fill("方案已起草,待会审")
    page.click("button[value=submit]")
    row = item_row(page, item)
    assert row.locator(".error").count() >= 1
    assert row.locator("select[name$='-value']").input_value() == str(Standing.LAGGING.value)  # kept
    assert not Report.objects.filter(target=item, year=2026, month=12).exclude(status="draft").exists()
    screenshot(page, "task-lagging-needs-reason")
    row.locator("textarea[name$='-problems']").fill("涉及部门多,会审时间未定")
    submit_confirming(page)
    assert "已提交" in page.locator(".messages").inner_text()
    report = Report.objects.get(target=item, year=2026, month=12)
    assert (report.status, report.value) == ("submitted", Standing.LAGGING)

    # The reviewer returns the task alone.
    context = browser.new_context(locale="zh-CN")
    try:
        reviewer = context.new_page()
        reviewer.base_url = page.base_url
        log_in(reviewer, "xx_reviewer", DEMO_PASSWORD)
        reviewer.click("text=待审核")
        section = reviewer.locator("section.card", has_text="1-12月").first
        for box in section.locator("input[name=report]").all():
            if box.get_attribute("value") != str(report.pk):
                box.uncheck()
        section.locator(f"input[name=report][value='{report.pk}']").check()
        section.locator("summary", has_text="退回所选").click()
        section.locator("textarea[name^=reason]").fill("请写明会审的具体安排")
        section.locator("button[value^='return:']").click()
        assert "已退回1项" in reviewer.locator(".messages").inner_text()

        # The staff send it again, the reason written out.
        open_december(page)
        row = item_row(page, item)
        row.locator("select[name$='-value']").select_option(value=str(Standing.LAGGING.value))
        row.locator("textarea[name$='-progress']").fill("方案已起草,定于下月初会审")
        row.locator("textarea[name$='-problems']").fill("涉及部门多,会审定于1月5日")
        submit_confirming(page)
        assert "已提交" in page.locator(".messages").inner_text()

        # The reviewer approves the month.
        reviewer.click("text=待审核")
        section = reviewer.locator("section.card", has_text="1-12月").first
        section.locator("input[data-select-all]").check()
        section.locator("button[value^='approve:']").click()
        assert "审核通过" in reviewer.locator(".messages").inner_text()
    finally:
        context.close()
    report.refresh_from_db()
    assert (report.status, report.problems) == ("approved", "涉及部门多,会审定于1月5日")

    # December ends: the engine judges it, and the task's lagging flag is raised.
    pin(monkeypatch, AFTER)
    plan_recompute_job(plan_id=plan.pk, as_of=AFTER)
    result = TargetResult.objects.get(target=item, year=2026, month=12)
    assert (result.status, result.reason) == ("lagging", "standing")
    assert TargetFlag.objects.filter(target=item, year=2026, month=12, change="raised").exists()

    # The supervision team find it as a task in the list and follow it up.
    page.context.clear_cookies()
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.click("nav >> text=督查督办")
    page.wait_for_selector("#supervision-list")
    page.select_option("#id_unit", label=unit.name)
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#supervision-list")
    line = page.locator("#supervision-list tbody tr", has=page.locator(f"input[name=target][value='{item.pk}']"))
    assert "任务" in line.inner_text() and "滞后" in line.inner_text()
    screenshot(page, "task-in-supervision-list")
    before = set(Notice.objects.values_list("pk", flat=True))
    line.locator("input[name=target]").check()
    page.click("#issue-selected")
    page.wait_for_selector("#issue-form")
    page.fill("#id_requirement", "请说明会审安排,按期书面答复督查组。")
    page.click("#issue-form button[type=submit]")
    assert "已下发督办单1份" in page.locator(".messages").inner_text()
    notice = Notice.objects.exclude(pk__in=before).get()
    assert notice.unit == unit
    assert list(notice.items.values_list("target_id", flat=True)) == [item.pk]
    screenshot(page, "task-notice-issued")
