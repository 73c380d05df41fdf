"""Journey: the home page's to-do and the bell, in Chromium. Staff submit; the
reviewer sees the bell and the to-do count what waits, and returns a figure;
the staff see why on their home page and land on the form's row."""

from decimal import Decimal

import pytest

from core import clock
from plans.periods import Period
from progress.models import Report
from progress.services import RowInput, reports_return, unit_period_save
from tests.browser.conftest import log_in, screenshot
from tests.factories import MembershipFactory, PlanFactory, TargetFactory, TaskFactory, UnitFactory, UserFactory
from zones.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-only"


@pytest.fixture
def month_open():
    """A plan of this year whose current month is open, one unit with two
    targets, its staff and reviewer; the staff have submitted this month."""
    today = clock.today()
    plan = PlanFactory(start_year=today.year, end_year=today.year, status="published", due_day=28, lock_after_days=10)
    unit = UnitFactory(zone=plan.zone, name="经济发展局")
    task = TaskFactory(plan=plan, lead_unit=unit, heading="推进重点项目建设")
    amount = TargetFactory(task=task, indicator="固定资产投资", unit="亿元", value=Decimal(130))
    firms = TargetFactory(task=task, indicator="新增企业", unit="家", value=Decimal(20), order=2)
    staff = MembershipFactory(unit=unit, role=Role.STAFF, user=UserFactory(username="todo_staff")).user
    reviewer = MembershipFactory(unit=unit, role=Role.REVIEWER, user=UserFactory(username="todo_reviewer")).user
    period = Period(today.year, today.month)
    result = unit_period_save(
        plan=plan,
        unit=unit,
        period=period,
        rows=[RowInput(amount.pk, "32.5", progress="完成投资"), RowInput(firms.pk, "5", progress="新增5家")],
        by=staff,
        submit=True,
    )
    assert result.ok
    return plan, unit, amount, staff, reviewer, period


def test_the_reviewer_sees_what_waits_and_the_staff_see_what_came_back(page, month_open):
    plan, _unit, amount, _staff, reviewer, period = month_open
    log_in(page, "todo_reviewer", PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    assert page.locator("#bell [data-badge=unread]").inner_text() == "1"
    assert page.locator("#nav-review [data-badge=waiting]").inner_text() == "2"
    assert "2" in page.locator("#todo-review").inner_text()
    screenshot(page, "todo-reviewer")
    page.click("#bell")
    page.locator("#notifications a").first.click()
    page.wait_for_url("**/progress/review/")
    assert page.locator("#bell [data-badge=unread]").count() == 0

    reports_return(reports=list(Report.objects.filter(target=amount)), by=reviewer, reason="请核对统计口径")
    page.context.clear_cookies()
    log_in(page, "todo_staff", PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    returned = page.locator("#todo-returned")
    assert "请核对统计口径" in returned.inner_text()
    assert page.locator("#nav-mine [data-badge=returned]").inner_text() == "1"
    due = page.locator("#todo-due").inner_text()
    assert plan.title in due and "1 / 2" in due
    screenshot(page, "todo-staff")
    returned.locator("a", has_text="固定资产投资").click()
    page.wait_for_selector("#period-form")
    assert page.url.endswith(f"/{period}/#row-{amount.pk}")
