"""Journeys of issue 19: the staff withdraw a submission before review, and the reviewer works
through the review screen (select some, return one with a reason, approve the clean rows)."""

import pytest
from django.contrib.auth import get_user_model

from demo.services import DEMO_PASSWORD
from progress.models import Report, ReportEvent
from progress.review import review_groups
from tests.browser.conftest import demo_xinxiang, log_in, open_month, screenshot
from tests.browser.test_entry_review import fill_all_rows, open_current
from zones import policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xinxiang():
    return open_month(demo_xinxiang())


def submit_all(page, month):
    """The staff fill every row of the current month and submit it, confirming what the checks ask."""
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, month)
    fill_all_rows(page, value="100", progress="已完成阶段任务")
    page.click("button[value=submit]")
    if "未保存" in page.locator(".messages").inner_text():  # over-target checks ask for confirmation
        for box in page.locator("input[name$='-confirmed']").all():
            box.check()
        for note in page.locator("textarea[name$='-value_note']").all():
            note.fill("演示核实")
        page.click("button[value=submit]")
    assert "已提交" in page.locator(".messages").inner_text()


def test_the_staff_withdraw_a_submission_before_review_and_keep_what_they_typed(page, xinxiang, browser):
    submit_all(page, xinxiang)
    ids = set(
        Report.objects.filter(year=xinxiang.year, month=xinxiang.month, status="submitted").values_list("pk", flat=True)
    )
    sent = len(ids)
    assert sent > 1

    # From 我的填报: one row's 撤回.
    page.click("text=我的填报")
    card = page.locator(f"section.card:has(h2:has-text('1-{xinxiang.month}月'))").first
    first_row = card.locator("tr:has(form.withdraw)").first
    indicator = first_row.locator("td a").first.inner_text()
    first_row.locator("form.withdraw button").click()
    assert "已撤回1项" in page.locator(".messages").inner_text()
    screenshot(page, "withdraw-from-my-reports")
    withdrawn = Report.objects.get(pk__in=ids, status="draft")
    assert withdrawn.target.indicator == indicator and withdrawn.progress == "已完成阶段任务"

    # From the period form: the box under the form lists what still waits for review.
    open_current(page, xinxiang)
    box = page.locator("#withdraw")
    assert box.locator("input[name=report]").count() == sent - 1
    box.locator("input[name=report]").first.check()
    box.locator("button", has_text="撤回所选").click()
    assert "已撤回1项" in page.locator(".messages").inner_text()
    assert Report.objects.filter(pk__in=ids, status="draft").count() == 2
    # The withdrawn rows are editable again with what was typed.
    row = page.locator(f"#row-{withdrawn.target_id}")
    assert row.locator("textarea[name$='-progress']").input_value() == "已完成阶段任务"
    screenshot(page, "withdraw-from-the-period-form")

    # The reviewer no longer sees them; the history says what happened.
    reviewer_context = browser.new_context(locale="zh-CN")
    reviewer = reviewer_context.new_page()
    reviewer.base_url = page.base_url
    log_in(reviewer, "xx_reviewer", DEMO_PASSWORD)
    reviewer.click("text=待审核")
    assert reviewer.locator(f"tr[data-report='{withdrawn.pk}']").count() == 0
    shown = {int(box.get_attribute("value")) for box in reviewer.locator("input[name=report]").all()}
    assert len(shown & ids) == sent - 2
    reviewer_context.close()
    assert ReportEvent.objects.filter(action="withdrawn").count() == 2
    page.goto(f"{page.base_url}/progress/targets/{withdrawn.target_id}/")
    assert page.locator("text=审核前撤回").count() >= 1


def test_the_reviewer_selects_returns_one_with_a_reason_and_approves_the_clean_rows(page, xinxiang, browser):
    submit_all(page, xinxiang)
    reviewer_user = get_user_model().objects.get(username="xx_reviewer")
    (group,) = [g for g in review_groups(units=policy.review_units(reviewer_user)) if g.period.month == xinxiang.month]
    clean = {row.report.pk for row in group.rows if row.clean}
    assert clean and len(group.rows) > 2

    reviewer_context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    reviewer = reviewer_context.new_page()
    reviewer.base_url = page.base_url
    log_in(reviewer, "xx_reviewer", DEMO_PASSWORD)
    reviewer.click("text=待审核")
    section = reviewer.locator(f"section#group-{group.key}")
    boxes = section.locator("input[name=report]")
    assert boxes.count() == len(group.rows)
    assert not any(box.is_checked() for box in boxes.all())
    screenshot(reviewer, "review-screen")
    reviewer.set_viewport_size({"width": 390, "height": 844})  # on a phone, for the record
    screenshot(reviewer, "review-screen-390")
    reviewer.set_viewport_size({"width": 1366, "height": 900})

    # The header box ticks and clears the whole group.
    everything = section.locator("input[data-select-all]")
    everything.check()
    assert all(box.is_checked() for box in boxes.all())
    everything.uncheck()
    assert not any(box.is_checked() for box in boxes.all())

    # Select some; a return without a reason is refused and keeps the ticks and the box open.
    boxes.nth(0).check()
    boxes.nth(1).check()
    section.locator("summary", has_text="退回所选").click()
    section.locator("button[value^='return:']").click()
    assert "退回原因" in reviewer.locator(".messages").inner_text()
    section = reviewer.locator(f"section#group-{group.key}")
    boxes = section.locator("input[name=report]")
    assert boxes.nth(0).is_checked() and boxes.nth(1).is_checked()
    assert section.locator("details.return-box[open]").count() == 1
    ids = [row.report.pk for row in group.rows]
    assert not Report.objects.filter(pk__in=ids, status="returned").exists()

    # Return one, with the reason.
    boxes.nth(1).uncheck()
    returned_id = int(boxes.nth(0).get_attribute("value"))
    section.locator("textarea[name^=reason]").fill("与统计局口径不一致，请核实")
    section.locator("button[value^='return:']").click()
    assert "已退回1项" in reviewer.locator(".messages").inner_text()

    # Approve the clean rows in one step; the rows with a fall or a warning still wait.
    section = reviewer.locator(f"section#group-{group.key}")
    section.locator("button[value^='approve_clean:']").click()
    assert "审核通过" in reviewer.locator(".messages").inner_text()
    screenshot(reviewer, "review-clean-approved")
    approved = set(Report.objects.filter(pk__in=ids, status="approved").values_list("pk", flat=True))
    assert approved == clean - {returned_id}
    waiting = set(Report.objects.filter(pk__in=ids, status="submitted").values_list("pk", flat=True))
    assert waiting == set(ids) - clean - {returned_id}
    for pk in waiting:  # each still marked for the reviewer's attention, with its reason shown
        row = reviewer.locator(f"tr[data-report='{pk}'].attention")
        assert row.count() == 1 and row.locator(".bad").count() >= 1
    reviewer_context.close()

    # The staff's link on the returned item opens its row on the period form.
    page.click("text=我的填报")
    page.locator(f"tr[data-returned='{returned_id}'] a").first.click()
    page.wait_for_selector("#period-form")
    returned = Report.objects.get(pk=returned_id)
    assert page.url.endswith(f"#row-{returned.target_id}")
    assert page.locator(f"#row-{returned.target_id}").is_visible()
