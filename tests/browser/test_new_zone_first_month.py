"""Journey (issue 20): a new zone from the superuser's first click to its first approved month,
without the Django admin and without typing an address (but the login page and the invitation
links read from the mail outbox).

The superuser creates the zone with its region and administrator; the administrator sets a
password through the invitation, adds the units, imports a sheet of 20 people (three rows
refused, each with its reason), imports a short plan, assigns lead units and leaders and
publishes it; one imported staff member reports January and one imported reviewer approves
it; the administrator's dashboard then counts the approved figures, and the leader (invited by
the sheet too) sees them under the tasks assigned to them.

It counts the people's clicks and fields, times the journey and prints both (``-s``), and keeps
pictures of the key steps at a desktop's and a phone's width under var/screens/new-zone/."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from core.models import OutgoingMail
from plans.models import Plan
from progress.models import Report
from targets.choices import Standing
from targets.models import Target, TargetResult
from tests.browser.conftest import Counted, invitation_path
from zones.models import Zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2027, 1, 20)  # January 2027, the plan's first month, is open for entry
SCREENS = Path("var/screens/new-zone")
WIDTHS = (1366, 390)
UNITS = ("经济发展局", "财政局", "建设局", "招商局")
PLAN = """旅程开发区2027年重点工作计划

一、扩大有效投资
1.精准招商。全年引进亿元以上项目10个。
2.项目建设。全年完成固定资产投资150亿元。
"""
TITLE = "旅程开发区2027年重点工作计划"


@pytest.fixture(autouse=True)
def january(monkeypatch):
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9)))
    monkeypatch.setattr("core.clock.now", lambda: moment)
    monkeypatch.setattr("core.clock.today", lambda: TODAY)


@pytest.fixture(autouse=True)
def worker():
    """The Celery worker, in the server's own thread: what a publication or an approval queues
    runs as soon as it commits (the tests have no broker)."""
    from config.celery import app

    before = {key: app.conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(before)


def shots(page, name: str) -> None:
    """The page as the user sees it, at a desktop's width and at a phone's."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def people_sheet(path: Path) -> None:
    """Twenty rows: twelve staff, four reviewers, a leader, and three rows the import refuses."""
    book = Workbook()
    book.active.append(["姓名", "手机", "邮箱", "单位", "角色"])
    for n in range(12):
        book.active.append([f"员工{n}", f"1390000{n:04d}", f"s{n}@example.cn", UNITS[n % 4], "填报员"])
    for n, unit in enumerate(UNITS):
        book.active.append([f"审核{n}", f"1390000{100 + n:04d}", f"r{n}@example.cn", unit, "审核人"])
    book.active.append(["领导乙", "13900001001", "l1@example.cn", "", "领导"])
    book.active.append(["写错了", "13900001002", "not-mail", "财政局", "填报员"])  # refused: the address
    book.active.append(["无此局", "13900001003", "x@example.cn", "不存在局", "填报员"])  # refused: the unit
    book.active.append(["无角色", "13900001004", "y@example.cn", "建设局", "门卫"])  # refused: the role
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def log_in(user: Counted, username: str, password: str) -> None:
    """The login page, the one address a person types (after signing the last person out)."""
    page = user.page
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    user.fill("#id_username", username)
    user.fill("#id_password", password)
    user.click("button[type=submit]")


def accept_invitation(user: Counted, to: str, password: str) -> None:
    """The invitation's link from the outbox, and a password chosen on the page it opens."""
    page = user.page
    page.context.clear_cookies()
    page.goto(page.base_url + invitation_path(to))
    user.fill("#id_new_password1", password)
    user.fill("#id_new_password2", password)
    user.click("button[type=submit]")
    page.wait_for_selector("text=密码已保存")


def test_a_new_zone_reaches_its_first_approved_month_without_the_admin(page, tmp_path):
    get_user_model().objects.create_superuser("root", "root@example.cn", "Root-pass-2026")
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url) if frame == page.main_frame else None)
    user = Counted(page)
    started = time.monotonic()

    # 1. The superuser: 新建园区 from the menu, one form with the region and the administrator.
    log_in(user, "root", "Root-pass-2026")
    user.click("#nav-zone-new")
    user.fill("#id_name", "旅程开发区管理委员会")
    user.fill("#id_short_name", "旅程区")
    user.fill("#id_code", "journey-month")
    user.fill("#id_new_city", "旅程市")
    user.fill("#id_new_province", "旅程省")
    user.fill("#id_admin_name", "管理员丙")
    user.fill("#id_admin_phone", "13900009999")
    user.fill("#id_admin_email", "admin@example.cn")
    user.click("#zone-form button[type=submit]")
    page.wait_for_selector("#people")
    shots(page, "01-zone-created")
    zone = Zone.objects.get(code="journey-month")
    assert str(zone.region) == "旅程省旅程市"

    # 2. The administrator: the invitation, the units, the people's sheet.
    accept_invitation(user, "admin@example.cn", "Admin-pass-2026")
    log_in(user, "13900009999", "Admin-pass-2026")
    user.click("#nav-people")
    user.click("#units-link")
    for name in UNITS:
        user.fill("#id_name", name)
        user.click("#unit-form button[type=submit]")
        page.wait_for_selector(f"#units >> text={name}")
    user.click("a:has-text('旅程区人员')")
    user.click("#people-import")
    sheet = tmp_path / "人员.xlsx"
    people_sheet(sheet)
    user.upload("input[name=file]", sheet)
    user.click("button:has-text('读取表格')")
    page.wait_for_selector("#preview")
    assert page.locator("#preview tr[data-valid='1']").count() == 17
    refused = page.locator("#preview tr[data-valid='0']")
    assert refused.count() == 3
    for row, name in zip(refused.all(), ("写错了", "无此局", "无角色"), strict=True):
        assert name in row.inner_text() and row.locator(".error").count() >= 1
    shots(page, "02-people-preview")
    user.click("#import-confirm")
    page.wait_for_selector("#people")
    assert page.locator("#people-count").get_attribute("data-count") == "18"  # seventeen and the administrator
    assert OutgoingMail.objects.filter(kind="invitation").count() == 18

    # 3. The plan: pasted, reviewed, confirmed; assigned; published through its checklist.
    user.click("header nav >> text=首页")
    user.click("a.button:has-text('导入计划')")
    user.fill("input[name=year]", "2027")
    user.fill("textarea[name=text]", PLAN)
    user.click("button:has-text('识别计划')")
    page.wait_for_selector("fieldset.target-row")
    assert page.locator("fieldset.target-row").count() == 2
    shots(page, "03-plan-review")
    user.click("button[value=confirm]")
    page.wait_for_selector(f"h1:has-text('{TITLE}')")
    plan = Plan.objects.get(title=TITLE)
    user.click("text=分配责任单位和领导")
    section = plan.tasks.get(depth=0)
    leader = get_user_model().objects.get(username="13900001001")
    unit = zone.units.get(name="经济发展局")
    user.select(f"[name=t{section.pk}-lead_unit]", label="经济发展局")
    user.select(f"[name=t{section.pk}-leader]", value=str(leader.pk))
    user.click(f"button[name=apply][value='{section.pk}']")
    assert "已保存" in page.locator(".messages").inner_text()
    assert set(plan.tasks.values_list("lead_unit", "leader")) == {(unit.pk, leader.pk)}
    shots(page, "04-assignment")
    user.click("text=返回计划")
    user.click("[data-action=publish]")
    page.wait_for_selector("#checklist")
    assert page.locator("[data-checklist=complete]").count() == 1  # units, staff, reviewers, leaders: all there
    shots(page, "05-publish-checklist")
    user.click("#publish button[value=publish]")
    page.wait_for_selector(".messages >> text=已发布")
    plan.refresh_from_db()
    assert plan.status == "published" and plan.reports_from == dt.date(2027, 1, 1)
    targets = Target.objects.filter(task__plan=plan).stated()
    assert targets.count() == 2
    # Computed at once: the dashboard the administrator lands on shows every target, none reported.
    assert TargetResult.objects.filter(target__task__plan=plan, year=2027, month=1).count() == 4
    assert page.locator("[data-tally=reporting] [data-reporting=not_yet] strong").inner_text() == "4"
    shots(page, "05b-published-dashboard")

    # 4. The unit's staff report January; its reviewer approves it.
    accept_invitation(user, "s0@example.cn", "Staff-pass-2027")
    log_in(user, "13900000000", "Staff-pass-2027")
    user.click("text=我的填报")
    card = page.locator("section.card:has(h2:has-text('1月'))").first
    user.click(card.locator("text=进入本期填报"))
    page.wait_for_selector("#period-form")
    figures = page.locator("table.entry tbody tr:has(input[name$='-value'])").all()
    for row, value in zip(figures, ("2", "20"), strict=True):  # the two targets, in the plan's order
        user.fill(row.locator("input[name$='-value']"), value)
        user.fill(row.locator("textarea[name$='-progress']"), "按计划推进")
    for row in page.locator("table.entry tbody tr:has(select[name$='-value'])").all():  # the two tasks
        user.select(row.locator("select[name$='-value']"), value=str(Standing.ON_SCHEDULE.value))
        user.fill(row.locator("textarea[name$='-progress']"), "按计划推进")
    shots(page, "06-period-form")
    user.click("button[value=submit]")
    assert "已提交" in page.locator(".messages").inner_text()
    assert Report.objects.filter(target__task__plan=plan, year=2027, month=1, status="submitted").count() == 4

    accept_invitation(user, "r0@example.cn", "Review-pass-2027")
    log_in(user, "13900000100", "Review-pass-2027")
    user.click("text=待审核")
    page.wait_for_load_state()  # the page's script ticks a unit's reports with its box
    group = page.locator("section.card", has_text="1月").first
    user.check(group.locator("input[data-select-all]"))
    expect(group.locator("input[name=report]:checked")).to_have_count(4)
    shots(page, "07-review")
    user.click(group.locator("button[value^='approve:']"))
    assert "审核通过" in page.locator(".messages").inner_text()
    assert Report.objects.filter(target__task__plan=plan, year=2027, month=1, status="approved").count() == 4

    # 5. The administrator's dashboard counts the approved figure.
    log_in(user, "13900009999", "Admin-pass-2026")
    user.click("header nav >> text=领导驾驶舱")
    page.wait_for_selector("[data-tally=progress]")
    shots(page, "08-dashboard")
    assert TITLE in page.locator("main h1").inner_text()
    tally = page.locator("[data-tally=progress]")
    assert tally.locator("[data-status=on_track] strong").inner_text() == "4"  # two figures, two tasks
    assert page.locator("[data-tally=reporting] [data-reporting=reported] strong").inner_text() == "4"
    assert "4/4" in page.locator("tr", has_text="经济发展局").last.inner_text()  # the unit's on-time rate
    investment = TargetResult.objects.get(target__in=targets, target__indicator="固定资产投资", year=2027, month=1)
    assert (investment.status, investment.reporting, str(investment.completion)) == ("on_track", "reported", "13.3")

    # The leader, invited by the sheet: the tasks assigned to them, with the approved figure.
    accept_invitation(user, "l1@example.cn", "Leader-pass-2027")
    log_in(user, "13900001001", "Leader-pass-2027")
    user.click("header nav >> text=我的分管任务")
    mine = page.locator(f"section.card[data-plan='{plan.pk}']")
    mine.wait_for()
    page.wait_for_load_state()  # the page's script folds and unfolds a task's rows
    building = plan.tasks.get(heading="项目建设")
    user.click(mine.locator(f"button[data-fold='{building.pk}']"))
    elapsed = time.monotonic() - started
    shots(page, "09-leader-tasks")
    assert mine.locator("[data-tally=reporting] [data-reporting=reported] strong").inner_text() == "4"
    row = mine.locator("tr:visible", has_text="固定资产投资").last.inner_text()
    assert "20亿元" in row and "13.3%" in row and "已报" in row  # the approved figure, counted

    assert len(visited) > 20 and not [url for url in visited if "/admin/" in url]
    print(f"\njourney: {user.clicks} clicks, {user.fields} fields, {elapsed:.0f} s")
