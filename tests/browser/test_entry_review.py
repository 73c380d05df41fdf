"""Journeys of reporting staff and unit reviewers on the demo, in Chromium."""

import pytest

from demo.services import DEMO_PASSWORD
from progress.models import Report, ReportEvent
from targets.choices import Standing
from tests.browser.conftest import demo_xinxiang, log_in, open_month, screenshot, ytd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xinxiang():
    return open_month(demo_xinxiang())


def open_current(page, month):
    """The staff's card of the current month, open for entry without any reopening."""
    page.click("text=我的填报")
    card = page.locator(f"section.card:has(h2:has-text('{ytd(month.month)}'))").first
    card.locator("text=进入本期填报").click()
    page.wait_for_selector("#period-form")


def fill_all_rows(page, value="1", progress="按计划推进", standing=Standing.ON_SCHEDULE):
    """Every editable row: a figure in a number input, a task item's standing from its list."""
    for row in page.locator("table.entry tbody tr").all():
        if row.locator("input[name$='-value']").count():
            row.locator("input[name$='-value']").fill(value)
            row.locator("textarea[name$='-progress']").fill(progress)
        elif row.locator("select[name$='-value']").count():
            row.locator("select[name$='-value']").select_option(value=str(standing.value))
            row.locator("textarea[name$='-progress']").fill(progress)


def test_staff_fill_and_submit_the_reviewer_returns_staff_resubmit_and_the_reviewer_approves(page, xinxiang, browser):
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, xinxiang)
    rows = page.locator("table.entry tbody tr [name$='-value']").count()
    assert rows > 0
    # Enter in a figure field does not submit the form.
    first = page.locator("input[name$='-value']").first
    first.fill("5")
    first.press("Enter")
    assert page.locator(".messages").count() == 0
    # A refused figure keeps what was typed.
    first.fill("很多")
    page.click("button[value=save]")
    assert page.locator(".error", has_text="不是数字").count() == 1
    assert page.locator("input[name$='-value']").first.input_value() == "很多"
    screenshot(page, "entry-refused")
    fill_all_rows(page, value="100", progress="已完成阶段任务")
    page.click("button[value=submit]")
    messages = page.locator(".messages").inner_text()
    if "确认" in page.content() and "未保存" in messages:  # over-target checks ask for confirmation
        for box in page.locator("input[name$='-confirmed']").all():
            box.check()
        for note in page.locator("textarea[name$='-value_note']").all():
            note.fill("演示核实")
        page.click("button[value=submit]")
    assert "已提交" in page.locator(".messages").inner_text()
    screenshot(page, "entry-submitted")
    submitted = Report.objects.filter(month=xinxiang.month, status="submitted").count()
    assert submitted == rows

    reviewer_context = browser.new_context(locale="zh-CN")
    reviewer = reviewer_context.new_page()
    reviewer.base_url = page.base_url
    log_in(reviewer, "xx_reviewer", DEMO_PASSWORD)
    reviewer.click("text=待审核")
    section = reviewer.locator("section.card", has_text=ytd(xinxiang.month)).first
    boxes = section.locator("input[name=report]")
    assert not any(box.is_checked() for box in boxes.all())  # nothing is ticked for the reviewer
    boxes.first.check()
    section.locator("summary", has_text="退回所选").click()
    section.locator("textarea[name^=reason]").fill("数值与统计局口径不一致,请核实")
    section.locator("button[value^='return:']").click()
    assert "已退回1项" in reviewer.locator(".messages").inner_text()
    screenshot(reviewer, "review-returned")

    page.click("text=我的填报")
    assert page.locator("section.alert", has_text="数值与统计局口径不一致").count() == 1
    open_current(page, xinxiang)
    returned_row = page.locator("tr", has_text="退回原因").first
    if returned_row.locator("select[name$='-value']").count():  # a task item: its standing again
        returned_row.locator("select[name$='-value']").select_option(value=str(Standing.DONE.value))
        returned_row.locator("textarea[name$='-progress']").fill("已按统计局口径核实")
    else:
        returned_row.locator("input[name$='-value']").fill("90")
        returned_row.locator("textarea[name$='-value_note']").fill("已按统计局口径核实")
    page.click("button[value=submit]")
    assert "已提交" in page.locator(".messages").inner_text()

    reviewer.click("text=待审核")
    section = reviewer.locator("section.card", has_text=ytd(xinxiang.month)).first
    section.locator("input[data-select-all]").check()
    section.locator("button[value^='approve:']").click()
    assert "审核通过" in reviewer.locator(".messages").inner_text()
    assert Report.objects.filter(month=xinxiang.month, status="approved").count() == rows
    assert ReportEvent.objects.filter(action="returned", comment__contains="统计局").exists()
    reviewer_context.close()


def test_a_stale_save_is_refused_without_losing_input(page, xinxiang, browser):
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, xinxiang)
    colleague_context = browser.new_context(locale="zh-CN")
    colleague = colleague_context.new_page()
    colleague.base_url = page.base_url
    log_in(colleague, "xx_staff", DEMO_PASSWORD)
    open_current(colleague, xinxiang)
    colleague.locator("input[name$='-value']").first.fill("7")
    colleague.click("button[value=save]")
    assert "草稿已保存" in colleague.locator(".messages").inner_text()

    page.locator("input[name$='-value']").first.fill("8")
    page.locator("textarea[name$='-progress']").first.fill("我这边的进展说明")
    page.click("button[value=save]")
    assert "其他人修改了本期填报" in page.locator(".messages").inner_text()
    assert page.locator("section.alert", has_text="期间他人所做的修改").count() == 1
    assert page.locator("input[name$='-value']").first.input_value() == "8"
    assert page.locator("textarea[name$='-progress']").first.input_value() == "我这边的进展说明"
    screenshot(page, "entry-stale")
    # The colleague's figure stands. The row typed in without a conflict (the first row's
    # progress) went through on its own merits; no other row left a draft.
    figure_id = int(page.locator("input[name$='-value']").first.get_attribute("name")[1:].split("-")[0])
    progress_id = int(page.locator("textarea[name$='-progress']").first.get_attribute("name")[1:].split("-")[0])
    saved = Report.objects.filter(month=xinxiang.month, year=xinxiang.year)
    assert saved.get(target_id=figure_id).value == 7
    assert set(saved.values_list("target_id", flat=True)) == {figure_id, progress_id}
    colleague_context.close()
