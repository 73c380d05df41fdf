"""Point 7 of issue 15 in Chromium, on the demo: a closed month reads 已截止; the
staff ask to report it late (补报申请) with a reason; the zone office grants it;
the staff submit, the reviewer approves, and the month reads 补报. A refused
request shows its reason to the staff. At a desktop's and a phone's size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from demo.services import DEMO_PASSWORD
from plans.periods import PeriodState
from progress.choices import LateRequestStatus
from progress.engine.jobs import plan_recompute_job
from progress.engine.tasks import recompute_target
from progress.models import LateReportRequest, Report
from targets.choices import ReportingStatus, Standing
from targets.models import TargetResult
from tests.browser.conftest import demo_xinxiang, log_in
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("var/screens/late")
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def zh(text) -> str:
    """A word as the Chinese pages say it (from the catalogue the pages use)."""
    with translation.override("zh-hans"):
        return str(text)


TODAY = dt.date(2026, 12, 6)  # the demo's year is 2026; January to October are locked


@pytest.fixture
def xinxiang(monkeypatch):
    """The demo's 新乡 zone on a pinned day, with the staff's unit's September
    and October left unreported: two closed months to ask about."""
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9)))
    monkeypatch.setattr("core.clock.now", lambda: moment)
    monkeypatch.setattr("core.clock.today", lambda: TODAY)
    plan = demo_xinxiang()
    unit = Membership.objects.get(user__username="xx_staff", role="staff").unit
    Report.objects.filter(target__task__plan=plan, target__task__lead_unit=unit, year=2026, month__in=(9, 10)).delete()
    plan_recompute_job(plan_id=plan.pk, as_of=TODAY)
    return plan.pk


@pytest.fixture(params=list(VIEWPORTS))
def people(request, browser, live_server, xinxiang):
    """A signed-in page for each person of the journey, at one viewport size."""
    size = request.param
    contexts, pages = [], {}
    for username in ("xx_staff", "xx_admin", "xx_reviewer"):
        context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS[size])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        log_in(page, username, DEMO_PASSWORD)
        pages[username.removeprefix("xx_")] = page
    shots = iter(range(1, 100))

    def shot(page, name: str) -> None:
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"{size}-{next(shots):02d}-{name}.png"), full_page=True)

    pages["shot"] = shot
    pages["plan"] = xinxiang
    yield pages
    for context in contexts:
        context.close()


def go(page, url: str) -> None:
    page.goto(page.base_url + url)


def ask(page, period: str, reason: str) -> None:
    """From the closed month's row on 我的填报, ask to report it late."""
    page.click("nav >> text=我的填报")
    row = page.locator(f"#closed-months tr[data-period='{period}']")
    row.locator("a.button.late").click()
    page.fill("#late-request textarea[name=reason]", reason)
    page.click("#late-request button[type=submit]")
    page.wait_for_selector("[data-late-state=pending]")


def open_request(admin) -> None:
    """The zone office goes from its home page to the oldest request waiting."""
    go(admin, "/")
    admin.locator("#late-waiting a.button").click()
    admin.locator("#late-requests tbody a").first.click()
    admin.wait_for_selector("#decide")


def submit_every_row(page) -> int:
    """Fill and submit every row of the open period form; the number of rows."""
    rows = page.locator("table.entry tbody tr:has(input[name$='-value'])")
    for row in rows.all():
        row.locator("input[name$='-value']").fill("100")
        row.locator("textarea[name$='-progress']").fill("补报:十月已完成阶段任务")
        row.locator("textarea[name$='-value_note']").fill("补报,已核实")
    items = page.locator("table.entry tbody tr:has(select[name$='-value'])")  # a task's standing, chosen
    for row in items.all():
        row.locator("select[name$='-value']").select_option(value=str(Standing.ON_SCHEDULE.value))
        row.locator("textarea[name$='-progress']").fill("补报:十月按计划推进")
    count = rows.count() + items.count()
    page.click("button[value=submit]")
    if page.locator("input[name$='-confirmed']").count():  # unusual figures ask for a confirmation
        for box in page.locator("input[name$='-confirmed']").all():
            box.check()
        page.click("button[value=submit]")
    return count


def test_a_closed_month_is_reported_late_through_a_granted_request_and_a_refused_one_says_why(people):
    staff, admin, reviewer, shot = people["staff"], people["admin"], people["reviewer"], people["shot"]
    unit = Membership.objects.select_related("unit").get(user__username="xx_staff", role="staff").unit
    closed, late = zh(PeriodState.LOCKED.label), zh(ReportingStatus.LATE.label)
    assert closed != "已销号"

    # The staff meet October 2026 closed (已截止) on 我的填报 and on all periods, with a button to ask.
    staff.click("nav >> text=我的填报")
    october = staff.locator("#closed-months tr[data-period='2026-10']")
    assert october.locator("[data-period-state=locked]").inner_text() == closed
    shot(staff, "my-reports-closed-months")
    go(staff, reverse("progress:plan_periods", args=[people["plan"], unit.pk]))
    row = staff.locator("#periods tr[data-period='2026-10']")
    assert row.locator("[data-period-state]").inner_text() == closed
    assert "已销号" not in staff.content()
    assert row.locator("a.button.late").count() == 1
    shot(staff, "all-periods")

    # Asking without a reason is refused and changes nothing; with a reason it is sent.
    staff.click("nav >> text=我的填报")
    october.locator("a.button.late").click()
    staff.click("#late-request button[type=submit]")
    assert staff.locator("#late-request .error").count() == 1
    assert not LateReportRequest.objects.exists()
    staff.fill("#late-request textarea[name=reason]", "统计局十月数据延至11月20日才核定,需补报")
    shot(staff, "ask-form")
    staff.click("#late-request button[type=submit]")
    staff.wait_for_selector("[data-late-state=pending]")
    shot(staff, "asked")

    # The zone office sees it waiting (badge and home page) and grants it for a week.
    admin.reload()
    assert admin.locator("#nav-late-requests .badge.count").inner_text() == "1"
    shot(admin, "office-home")
    open_request(admin)
    assert "统计局十月数据延至11月20日才核定" in admin.locator("#record").inner_text()
    until = dt.date.today() + dt.timedelta(days=7)
    admin.fill("#grant input[name=until]", until.isoformat())
    admin.fill("#grant textarea[name=note]", "同意补报,请按期完成")
    shot(admin, "office-decides")
    admin.click("#grant button[value=grant]")
    admin.wait_for_selector("[data-late-state=granted]")
    shot(admin, "granted")
    assert admin.locator("#nav-late-requests .badge.count").count() == 0

    # The staff are told on their home page (and by mail), and the month opens for them.
    go(staff, "/")
    assert staff.locator("#late-decisions [data-late-state=granted]").count() == 1
    shot(staff, "home-granted")
    staff.locator("#late-decisions li", has_text="1-10月").locator("a").first.click()
    staff.wait_for_selector("#period-form")
    assert staff.locator("[data-period-state=open]").count() == 1
    rows = submit_every_row(staff)
    october = Report.objects.filter(year=2026, month=10, target__task__lead_unit=unit)
    assert rows > 0 and october.filter(status="submitted").count() == rows
    shot(staff, "late-submitted")

    # The reviewer approves; the engine (as the worker runs it) calls the month 补报.
    go(reviewer, reverse("progress:review"))
    october_section = reviewer.locator("section.card", has_text="1-10月").first
    october_section.locator("input[data-select-all]").check()
    october_section.locator("button[value^='approve:']").click()
    assert "审核通过" in reviewer.locator(".messages").inner_text()
    october_reports = list(Report.objects.filter(year=2026, month=10, status="approved", target__task__lead_unit=unit))
    assert len(october_reports) == rows
    for report in october_reports:
        recompute_target(report.target_id)
    reporting = TargetResult.objects.filter(target__in=[r.target_id for r in october_reports], year=2026, month=10)
    assert set(reporting.values_list("reporting", flat=True)) == {ReportingStatus.LATE}
    go(staff, reverse("progress:period", args=[people["plan"], unit.pk, "2026-10"]))
    shown = staff.locator("[data-reporting-status=late]")
    assert shown.count() == 1 and shown.inner_text() == f"{late} {rows}"
    shot(staff, "reported-late")

    # September: asked, refused with a reason the staff read where they meet the month.
    ask(staff, "2026-09", "九月部分指标漏报")
    open_request(admin)
    admin.fill("#refuse textarea[name=reason]", "九月数据已由统计局直报,无需补报")
    admin.click("#refuse button[value=refuse]")
    admin.wait_for_selector("[data-late-state=refused]")
    assert LateReportRequest.objects.get(month=9).status == LateRequestStatus.REFUSED
    go(staff, "/")
    assert "无需补报" in staff.locator("#late-decisions [data-refusal]").inner_text()
    shot(staff, "home-refused")
    staff.click("nav >> text=我的填报")
    september = staff.locator("#closed-months tr[data-period='2026-09']")
    assert "无需补报" in september.locator("[data-refusal]").inner_text()
    shot(staff, "my-reports-refused")
    go(staff, reverse("progress:period", args=[people["plan"], unit.pk, "2026-09"]))
    assert "无需补报" in staff.locator("#late [data-refusal]").inner_text()
    assert staff.locator("[data-period-state=locked]").inner_text() == closed
    shot(staff, "period-refused")
