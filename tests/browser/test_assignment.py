"""The plan's assignment page in a browser, at a desktop's and a phone's width: the zone
administrator picks a section's lead unit and leader, carries them down to the tasks under it,
and adds a target the import missed; the page stays within the phone's width."""

import pytest

from plans.models import Task
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.browser.conftest import log_in, screenshot
from tests.factories import MembershipFactory, PlanFactory, TaskFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "分配-Secret-2026"


def zone_with_plan():
    zone = ZoneFactory(code="assign-browser", short_name="示范区")
    units = [UnitFactory(zone=zone, name=name) for name in ("区招商局", "区发改局", "区科技局")]
    leader = UserFactory(username="wangqiang", first_name="王强", last_name="")
    MembershipFactory(user=leader, zone=zone, unit=None, role=Role.LEADER)
    admin = UserFactory(username="zone-office")
    admin.set_password(PASSWORD)
    admin.save()
    MembershipFactory(user=admin, zone=zone, unit=None, role=Role.ADMIN)
    plan = PlanFactory(zone=zone, title="2026年重点工作计划", start_year=2026, end_year=2026)
    top = TaskFactory(plan=plan, number="一、", path="一", depth=0, order=1, heading="项目建设", lead_unit=None)
    for n, heading in enumerate(["招商引资", "项目推进", "要素保障"], start=1):
        TaskFactory(
            plan=plan,
            parent=top,
            number=f"{n}.",
            path=f"一 > {n}",
            depth=1,
            order=1 + n,
            heading=heading,
            lead_unit=None,
        )
    task_items_ensure(plan)
    return plan, top, units, leader


@pytest.mark.parametrize("width", [1366, 390])
def test_a_section_is_assigned_and_a_target_added(browser, live_server, width):
    plan, top, units, leader = zone_with_plan()
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        log_in(page, "zone-office", PASSWORD)
        page.goto(f"{live_server.url}/imports/plans/{plan.pk}/")
        page.click("text=分配责任单位和领导")
        assert "任务分配" in page.locator("h1").inner_text()
        page.select_option(f"[name=t{top.pk}-lead_unit]", str(units[0].pk))
        page.select_option(f"[name=t{top.pk}-leader]", str(leader.pk))
        page.fill(f"[name=t{top.pk}-deadline]", "2026-12-31")
        page.click(f"button[name=apply][value='{top.pk}']")
        assert "已保存" in page.locator(".messages").inner_text()
        assert set(Task.objects.filter(parent=top).values_list("lead_unit", "leader")) == {(units[0].pk, leader.pk)}
        page.select_option("[name=add-target-task]", str(Task.objects.get(plan=plan, heading="招商引资").pk))
        page.fill("[name=add-target-indicator]", "引进亿元以上项目")
        page.select_option("[name=add-target-kind]", "amount")
        page.fill("[name=add-target-value]", "十个")  # a text in a number: refused, the rest kept
        page.fill("[name=add-target-unit]", "个")
        page.click("#add-target button[type=submit]")
        assert "不是数字" in page.locator("#add-target").inner_text()
        assert page.input_value("[name=add-target-indicator]") == "引进亿元以上项目"
        page.fill("[name=add-target-value]", "10")
        page.click("#add-target button[type=submit]")
        assert "已添加目标" in page.locator(".messages").inner_text()
        assert Target.objects.filter(indicator="引进亿元以上项目", unit="个").exists()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"assignment-{width}")
    finally:
        context.close()


def test_enter_in_a_date_saves_rather_than_applying_a_section(page):
    plan, top, units, _leader = zone_with_plan()
    log_in(page, "zone-office", PASSWORD)
    page.goto(f"{page.base_url}/plans/{plan.pk}/assignment/")
    first = Task.objects.get(plan=plan, heading="招商引资")
    page.select_option(f"[name=t{top.pk}-lead_unit]", str(units[1].pk))
    page.select_option(f"[name=t{first.pk}-lead_unit]", str(units[2].pk))
    page.press(f"[name=t{first.pk}-deadline]", "Enter")
    assert "已保存" in page.locator(".messages").inner_text()
    first.refresh_from_db()
    assert first.lead_unit == units[2]  # saved as chosen, not overwritten by its section
    assert Task.objects.filter(plan=plan, lead_unit__isnull=True).count() == 2  # nothing carried down
