"""Journey: a leader opens the dashboard, changes the month, drills into a red
target and sees why it is red."""

import pytest

from demo.services import DEMO_PASSWORD
from tests.browser.conftest import demo_xinxiang, just_closed, log_in, screenshot, ytd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xinxiang():
    return demo_xinxiang()


def test_a_leader_finds_what_lags_and_why(page, xinxiang):
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    page.click("nav >> text=领导驾驶舱")
    page.wait_for_selector(f"h1:has-text('{xinxiang.title}')")
    period, _label = just_closed(xinxiang)
    assert page.locator("#period").input_value() == str(period)  # the month just closed
    assert page.locator(".kpi").count() >= 5
    screenshot(page, "dashboard-month-just-closed")

    earlier = period.previous_month().previous_month()
    page.select_option("#period", str(earlier))
    page.wait_for_url(f"**period={earlier}")
    assert page.locator("#period").input_value() == str(earlier)
    assert ytd(earlier.month) in page.locator("section.card", has_text="滞后事项").inner_text()

    red = page.locator("section.card", has_text="滞后事项").locator("tr", has=page.locator(".light.serious")).first
    indicator = red.locator("td a").first.inner_text()
    red.locator("td a").first.click()
    page.wait_for_selector("h1")
    assert indicator in page.locator("h1").inner_text()
    assert page.locator(".chart svg").count() == 1  # ECharts drew the chart
    rows = page.locator("table.compact tbody tr", has=page.locator(".light.serious"))
    assert rows.count() >= 1
    why = rows.first.locator("td.text").inner_text()
    assert "低于" in why or "逾期" in why or "下降" in why or "超出" in why or "落后" in why
    screenshot(page, "dashboard-red-target")
