"""Journey: a leader opens the dashboard, changes the month, drills into a red
target and sees why it is red."""

import pytest

from demo.services import DEMO_PASSWORD, demo_load
from targets.services import targets_recompute
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xinxiang(monkeypatch):
    import datetime as dt

    from demo.data import z000_xinxiang
    from plans.models import Plan
    from targets.models import Target

    today = dt.date(2014, 9, 20)  # August closed on 9-05
    monkeypatch.setattr("core.clock.today", lambda: today)
    result = demo_load(zones=[z000_xinxiang.ZONE])
    plan = Plan.objects.get(pk=result.plan_ids[0])
    targets_recompute(targets=list(Target.objects.filter(task__plan=plan)), plan=plan, as_of=today)
    return plan


def test_a_leader_finds_what_lags_and_why(page, xinxiang):
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    page.click("nav >> text=领导驾驶舱")
    page.wait_for_selector("h1:has-text('新乡高新区2014年工作要点')")
    assert page.locator("#period").input_value() == "2014-08"  # the month just closed
    assert page.locator(".kpi").count() >= 5
    screenshot(page, "dashboard-august")

    page.select_option("#period", "2014-06")
    page.wait_for_url("**period=2014-06")
    assert page.locator("#period").input_value() == "2014-06"
    assert "1-6月" in page.locator("section.card", has_text="滞后事项").inner_text()

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
