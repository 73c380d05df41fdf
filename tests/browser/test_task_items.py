"""A task item on the period form at a phone's size: the staff choose where the
task stands from a list, a lagging task without its reason comes back with the
error beside 存在问题 and the choice kept, then goes through with the reason."""

import pytest

from demo.services import DEMO_PASSWORD
from progress.models import Report
from targets.choices import Standing
from tests.browser.conftest import demo_xinxiang, log_in, open_month, screenshot
from tests.browser.test_entry_review import fill_all_rows, open_current

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def test_a_lagging_task_needs_its_reason_on_a_phone(phone):
    month = open_month(demo_xinxiang())
    log_in(phone, "xx_staff", DEMO_PASSWORD)
    open_current(phone, month)
    items = phone.locator("table.entry tbody tr:has(select[name$='-value'])")
    assert items.count() > 0
    assert phone.locator("table.entry tbody tr:has(select[name$='-value']) input[name$='-value']").count() == 0
    # The page itself does not scroll sideways: the table scrolls in its frame.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    fill_all_rows(phone, value="100", progress="推进中")
    first = items.first
    first.locator("select[name$='-value']").select_option(value=str(Standing.LAGGING.value))
    first.locator("textarea[name$='-problems']").fill("")
    first.locator("select[name$='-value']").scroll_into_view_if_needed()
    assert first.locator("select[name$='-value']").is_visible()
    phone.click("button[value=submit]")
    first = phone.locator("table.entry tbody tr.has-error:has(select[name$='-value'])").first
    assert first.locator("select[name$='-value']").input_value() == str(Standing.LAGGING.value)
    assert first.locator("textarea[name$='-problems'] + .error").count() == 1
    assert first.locator("textarea[name$='-progress']").input_value() == "推进中"
    screenshot(phone, "task-item-lagging-phone")
    item_id = int(first.get_attribute("id").removeprefix("row-"))
    assert not Report.objects.filter(target_id=item_id, year=month.year, month=month.month, status="submitted").exists()
    first.locator("textarea[name$='-problems']").fill("征地拆迁未完成")
    phone.click("button[value=submit]")
    if "未保存" in phone.locator(".messages").inner_text():  # unusual figures ask for a confirmation
        for box in phone.locator("input[name$='-confirmed']").all():
            box.check()
        for note in phone.locator("textarea[name$='-value_note']").all():
            note.fill("演示核实")
        phone.click("button[value=submit]")
    assert "已提交" in phone.locator(".messages").inner_text()
    report = Report.objects.get(target_id=item_id, year=month.year, month=month.month)
    assert (report.value, report.problems, report.status) == (Standing.LAGGING, "征地拆迁未完成", "submitted")
