"""Journeys of a zone leader (xx_leader1) on the Xinxiang demo, in Chromium, on
a desktop and a phone: the two questions side by side, done staying done,
figures waiting for review marked, the month just closed, whole lists, and
"计算于" the newest result shown. Each journey keeps its screenshots."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import Max
from django.utils import timezone

from demo.services import DEMO_PASSWORD
from plans.models import Plan
from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.jobs import plan_recompute_job
from progress.engine.recompute import targets_recompute
from progress.models import Report
from progress.services import reports_approve
from targets.models import Target
from targets.selectors import latest_results
from tests.browser.conftest import demo_xinxiang, log_in, screenshot, ytd
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
MILESTONE = "制定教育实践活动实施方案"


@pytest.fixture(params=list(VIEWPORTS))
def leader_page(request, browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    page.viewport_name = request.param
    yield page
    context.close()


@pytest.fixture
def clock(monkeypatch):
    """The app's clock (the live server runs in this process): ``clock(day, hour, minute)``."""

    def set_to(day: dt.date, hour: int = 9, minute: int = 0) -> None:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        monkeypatch.setattr("core.clock.now", lambda: moment)
        monkeypatch.setattr("core.clock.today", lambda: day)

    return set_to


@pytest.fixture
def xinxiang(clock):
    """The demo's 新乡 zone as load_demo loads it on the day the clock is set
    to (the demo year follows the clock), its results computed that day."""

    def on(day: dt.date) -> Plan:
        clock(day)
        plan = demo_xinxiang()
        plan_recompute_job(plan_id=plan.pk, as_of=day)
        return plan

    return on


def shot(page, name: str) -> None:
    screenshot(page, f"{name}-{page.viewport_name}")


def numbers(row) -> dict[str, int]:
    """A tally row's counts by status word (data attribute)."""
    found = {}
    for item in row.locator(".tally-item").all():
        key = item.get_attribute("data-status") or item.get_attribute("data-reporting")
        found[key] = int(item.locator("strong").inner_text())
    return found


def open_dashboard(page) -> None:
    page.click("nav >> text=领导驾驶舱")
    page.wait_for_selector("#tally")


def test_a_leader_reads_both_questions_on_the_month_just_closed_and_pages_through_what_lags(leader_page, xinxiang):
    """Points 1, 4 and 5."""
    page = leader_page
    plan = xinxiang(dt.date(2014, 9, 20))  # August closed on 9-05; September is not yet due
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    open_dashboard(page)
    assert page.locator("#period").input_value() == "2014-08"  # the month just closed

    # Two rows, never folded: each counts every target once.
    progress = numbers(page.locator("[data-tally=progress]"))
    reporting = numbers(page.locator("[data-tally=reporting]"))
    total = Target.objects.filter(task__plan=plan).count()
    assert sum(progress.values()) == sum(reporting.values()) == total
    assert reporting["pending"] > 0 and reporting["missing"] > 0  # the demo's August: some waiting, some never sent
    shot(page, "dash-1-two-questions")

    # Every card answers both questions.
    for card in page.locator(".kpi[data-target]").all():
        assert card.locator(".light").count() == 1
        assert card.locator("span[data-reporting]").count() == 1 or card.locator(".light.no_data").count() == 1

    # The lagging list counts what the status bar counts, and pages through all of it.
    lagging = progress["lagging"] + progress["serious"] + progress["overdue"]
    assert int(page.locator("#lagging [data-count]").get_attribute("data-count")) == lagging
    seen: list[str] = []
    while True:
        rows = page.locator("#lagging tbody tr[data-target]")
        seen += [row.get_attribute("data-target") for row in rows.all()]
        for row in rows.all():  # each row answers both questions
            assert row.locator(".light").count() == 1 and row.locator("span[data-reporting]").count() == 1
        more = page.locator("#lagging a[rel=next]")
        if not more.count():
            break
        if len(seen) <= 25:
            shot(page, "dash-5-lagging-page-1")
        more.click()
        page.wait_for_load_state()
    assert len(seen) == len(set(seen)) == lagging
    shot(page, "dash-5-lagging-last-page")

    # The task tree asks the same two questions, for the same month.
    page.goto(f"{page.base_url}/dashboard/plans/{plan.pk}/tree/")
    assert page.locator("#period").input_value() == "2014-08"
    assert numbers(page.locator("[data-tally=reporting]")) == reporting
    assert page.locator("tr[data-target] span[data-reporting]").count() == total
    shot(page, "dash-1-tree")


def test_done_stays_done_months_after_it_was_done(leader_page, xinxiang):
    """Point 2: the milestone reported 100% from March is 已完成 in September,
    on "my tasks", the tree and its page, while its unit's missing September
    report is shown apart."""
    page = leader_page
    day = dt.date(2014, 10, 20)  # September closed; the demo's figures stop in August
    plan = xinxiang(day)
    # The milestone, on a task the leader owns, due at the end of March:
    # 100% and approved from March to August; nothing for September.
    task = plan.tasks.filter(leader__username="xx_leader1", lead_unit__isnull=False).order_by("order").first()
    milestone = Target.objects.create(
        task=task, indicator=MILESTONE, kind="milestone", unit="%", deadline=dt.date(2014, 3, 31), order=99
    )
    for month in range(3, 9):
        sent = timezone.make_aware(dt.datetime(2014, month + 1, 3, 10))
        Report.objects.create(
            target=milestone,
            year=2014,
            month=month,
            value=100,
            status=ReportStatus.APPROVED,
            submitted_at=sent,
            approved_at=sent,
            progress="方案已印发",
        )
    targets_recompute(targets=[milestone], plan=plan, as_of=day)
    last = 8
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    page.click("nav >> text=我的分管任务")
    row = page.locator(f"tr[data-target='{milestone.pk}']")
    row.scroll_into_view_if_needed()
    assert row.locator(".light").inner_text() == "已完成"
    assert row.locator("span[data-reporting]").inner_text() == "逾期未报"  # September's report: the other question
    assert ytd(last) in row.locator(".age").inner_text()  # its figure is its last approved one
    shot(page, "dash-2-mine-milestone")

    row.locator("a").click()
    page.wait_for_selector("#viewed")
    assert page.locator("#viewed").get_attribute("data-period") == "2014-09"
    assert page.locator("#viewed span[data-status]").get_attribute("data-status") == "completed"
    assert page.locator("#viewed .light").first.inner_text() == "已完成"
    assert page.locator("#viewed span[data-reporting]").inner_text() == "逾期未报"
    shot(page, "dash-2-milestone-page")

    page.goto(f"{page.base_url}/dashboard/plans/{plan.pk}/")
    assert page.locator("#period").input_value() == "2014-09"
    assert page.locator(f"#lagging tr[data-target='{milestone.pk}']").count() == 0
    page.goto(f"{page.base_url}/dashboard/plans/{plan.pk}/tree/")
    page.click(f"tr[data-task='{milestone.task.pk}'] button[data-fold]")  # a task on track stays folded until opened
    row = page.locator(f"tr[data-target='{milestone.pk}']")
    assert row.locator(".light").inner_text() == "已完成"
    row.scroll_into_view_if_needed()
    shot(page, "dash-2-tree-milestone")


def test_a_figure_waiting_for_review_is_marked_and_counts_once_approved_at_the_time_shown(leader_page, xinxiang, clock):
    """Points 3 and 8: a pending figure is shown marked 待审核 beside the
    approved one and not counted; once approved it counts, and "计算于" moves
    to the time of that result, not of the last whole-plan run; a target
    opened from the 1-8月 dashboard shows 1-8月; its history speaks words."""
    page = leader_page
    day = dt.date(2014, 9, 20)
    plan = xinxiang(day)
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    open_dashboard(page)
    shown = latest_results(targets=Target.objects.filter(task__plan=plan), period=Period(2014, 8))
    newest = timezone.localtime(shown.aggregate(at=Max("computed_at"))["at"])
    assert newest.strftime("%Y-%m-%d %H:%M") in page.locator(".computed").first.inner_text()

    # Figures waiting for review are marked where they are shown.
    pending = page.locator(".pending-figure")
    assert pending.count() > 0 and "待审核" in pending.first.inner_text()
    shot(page, "dash-3-pending-on-dashboard")

    # One of them (a figure, drawn on its chart; a task item's standing has none), of a unit with a
    # reviewer: marked on the tree beside the approved July figure.
    reviewers = {m.unit_id: m.user for m in Membership.objects.filter(zone=plan.zone, role="reviewer")}
    waiting = (
        Report.objects.filter(
            target__in=Target.objects.stated(),
            target__task__plan=plan,
            year=2014,
            month=8,
            status=ReportStatus.SUBMITTED,
            target__task__lead_unit__in=list(reviewers),
        )
        .select_related("target__task")
        .order_by("target__task__order", "target__order")
        .first()
    )
    target_id = waiting.target_id
    page.goto(f"{page.base_url}/dashboard/plans/{plan.pk}/tree/")
    row = page.locator(f"tr[data-target='{target_id}']")
    assert row.locator(".pending-figure").count() == 1 and "待审核" in row.locator(".pending-figure").inner_text()
    assert "1-7月" in row.locator(".age").inner_text()  # the approved figure beside it is July's
    row.scroll_into_view_if_needed()
    shot(page, "dash-3-pending-on-tree")

    # Its page, opened from the 1-8月 dashboard, is about 1-8月.
    page.goto(f"{page.base_url}/progress/targets/{target_id}/?period=2014-08")
    viewed = page.locator("#viewed")
    assert viewed.get_attribute("data-period") == "2014-08"
    assert "1-8月" in viewed.locator("h2").inner_text()
    assert viewed.locator(".pending-figure").count() == 1
    assert viewed.locator("span[data-reporting]").get_attribute("data-reporting") == "pending"
    page.wait_for_selector(".chart svg")
    assert "待审核" in page.locator(".chart").inner_text()  # the chart's own series, apart from the approved line
    shot(page, "dash-3-pending-target-page")

    # The reviewer approves it at 09:13; the engine recomputes that target.
    clock(day, hour=9, minute=13)
    reports_approve(reports=[waiting], by=reviewers[waiting.target.task.lead_unit_id])
    targets_recompute(targets=[waiting.target], plan=plan, as_of=day)

    page.goto(f"{page.base_url}/dashboard/plans/{plan.pk}/")
    assert "09:13" in page.locator(".computed").first.inner_text()  # the newest result, not the 09:00 plan run
    assert page.locator(f".pending-figure[data-pending='{target_id}']").count() == 0
    shot(page, "dash-8-computed-after-approval")

    page.goto(f"{page.base_url}/progress/targets/{target_id}/?period=2014-08")
    assert page.locator("#viewed .pending-figure").count() == 0
    assert page.locator("#viewed span[data-reporting]").get_attribute("data-reporting") in ("reported", "late")
    history = page.locator("#history").inner_text()
    assert re.search(r"状态\s*：\s*已提交 → 已通过", history), history
    assert "status" not in history and "submitted" not in history
    page.locator("#history").scroll_into_view_if_needed()
    shot(page, "dash-8-history-in-words")
