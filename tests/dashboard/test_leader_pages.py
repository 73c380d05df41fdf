"""What a leader reads on the dashboard, the task tree, "my tasks" and a
target's page: two questions side by side (progress, reporting), figures
waiting for review marked and not counted, done staying done, whole lists,
the month just closed, and "computed at" the newest result shown."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import JobRun
from plans.periods import Period
from progress.engine.recompute import targets_recompute
from progress.models import Report
from targets.choices import ReportingStatus, Standing, Status
from targets.models import Target, TargetResult
from targets.task_items import task_items_ensure
from tests.dashboard.conftest import TODAY, approve, submit
from tests.factories import TargetFactory, TaskFactory

pytestmark = pytest.mark.django_db


def page_of(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def block(html: str, marker: str) -> str:
    """The element (a table row or a card) whose tag carries ``marker``."""
    start = html.rindex("<", 0, html.index(marker))
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    return html[start : html.index(f"</{tag}>", start)]


@pytest.fixture
def june_unreported(zone_plan):
    """The investment's June report never came: its May figure is carried."""
    plan, leader, investment, projects = zone_plan
    Report.objects.filter(target=investment, month=6).delete()
    targets_recompute(targets=[investment], plan=plan, as_of=TODAY)
    return plan, leader, investment, projects


def test_the_dashboard_counts_progress_and_reporting_apart(client, june_unreported):
    plan, leader, _investment, _projects = june_unreported
    client.force_login(leader)
    response = page_of(client, "dashboard:plan", plan.pk)
    tally = response.context["tally"]
    assert dict(tally.progress)[Status.LAGGING] == 1 and dict(tally.progress)[Status.SERIOUS] == 1
    assert dict(tally.reporting)[ReportingStatus.MISSING] == 1 and dict(tally.reporting)[ReportingStatus.LATE] == 1
    html = response.content.decode()
    progress_row = text_of(block(html, 'data-tally="progress"'))
    reporting_row = text_of(html[html.index('data-tally="reporting"') :].split("</p>")[0])
    assert progress_row.startswith("Progress") and "Lagging 1" in progress_row and "Overdue, not" not in progress_row
    assert "Overdue, not reported 1" in reporting_row and "Reported late 1" in reporting_row


def test_a_card_shows_both_statuses_and_the_age_of_a_carried_figure(client, june_unreported):
    plan, leader, investment, _projects = june_unreported
    client.force_login(leader)
    card = text_of(block(page_of(client, "dashboard:plan", plan.pk).content.decode(), f'data-target="{investment.pk}"'))
    assert "50亿元" in card and "Figure as of months 1–5" in card
    assert "Lagging" in card and "Overdue, not reported" in card


def test_a_figure_waiting_for_review_is_marked_beside_the_approved_one_and_not_counted(client, zone_plan):
    plan, leader, investment, _projects = zone_plan
    client.force_login(leader)
    before = page_of(client, "dashboard:plan", plan.pk).context["tally"]
    Report.objects.filter(target=investment, month=6).update(status="submitted", approved_at=None)
    Report.objects.get(target=investment, month=6).save()
    targets_recompute(targets=[investment], plan=plan, as_of=TODAY)
    response = page_of(client, "dashboard:plan", plan.pk)
    after = response.context["tally"]
    assert dict(after.reporting)[ReportingStatus.PENDING] == 1
    assert dict(after.progress)[Status.ON_TRACK] == dict(before.progress)[Status.ON_TRACK] - 1  # judged on May
    card = text_of(block(response.content.decode(), f'data-target="{investment.pk}"'))
    assert "50亿元" in card and "60亿元 Awaiting review" in card
    row = text_of(
        block(
            response.content.decode()[response.content.decode().index('id="lagging"') :],
            f'data-target="{investment.pk}"',
        )
    )
    assert "60亿元 Awaiting review" in row
    target_page = text_of(page_of(client, "progress:target", investment.pk).content.decode())
    assert "Figure waiting for review 60亿元 Awaiting review" in target_page
    assert "Approved figure 50亿元 Figure as of months 1–5" in target_page


def test_a_pending_figure_is_read_once_for_the_whole_dashboard(client, zone_plan, django_assert_max_num_queries):
    plan, leader, investment, _projects = zone_plan
    client.force_login(leader)
    url = reverse("dashboard:plan", args=[plan.pk])
    with django_assert_max_num_queries(40) as baseline:
        client.get(url)
    more = [TargetFactory(task=investment.task, indicator=f"指标{n}", value=D(10), order=10 + n) for n in range(8)]
    for target in more:
        approve(target, 5, 2)  # 20% in May: seriously lagging in June on the carried figure
        submit(target, 6, 4)
    targets_recompute(targets=more, plan=plan, as_of=TODAY)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert response.context["lagging"].paginator.count == 9
    assert html[html.index('id="lagging"') :].count("data-pending=") == 8


def test_done_stays_done_on_the_tree_and_the_target_page(client, zone_plan):
    plan, leader, investment, _projects = zone_plan
    milestone = TargetFactory(
        task=investment.task,
        indicator="制定实施方案",
        kind="milestone",
        unit="%",
        value=D(100),
        deadline=dt.date(2014, 3, 31),
        order=5,
    )
    approve(milestone, 2, 60)
    approve(milestone, 3, 100)
    targets_recompute(targets=[milestone], plan=plan, as_of=TODAY)
    client.force_login(leader)
    tree = page_of(client, "dashboard:tree", plan.pk).content.decode()
    row = block(tree, f'data-target="{milestone.pk}"')
    assert 'data-status="completed"' in row and 'data-reporting="missing"' in row
    target_page = page_of(client, "progress:target", milestone.pk)
    assert target_page.context["shown"].status == Status.COMPLETED
    assert (target_page.context["shown"].year, target_page.context["shown"].month) == (2014, 6)


def test_the_lagging_list_shows_its_full_count_and_pages_through_all_of_it(client, zone_plan):
    plan, leader, investment, _projects = zone_plan
    more = [
        TargetFactory(task=investment.task, indicator=f"滞后{n:02d}", value=D(100), order=10 + n) for n in range(30)
    ]
    for target in more:
        approve(target, 6, 30)  # 30% against 50% of the year: seriously lagging
    targets_recompute(targets=more, plan=plan, as_of=TODAY)
    client.force_login(leader)
    first = page_of(client, "dashboard:plan", plan.pk)
    bad = sum(n for status, n in first.context["tally"].progress if status in ("lagging", "serious", "overdue"))
    assert bad == first.context["lagging"].paginator.count == 31
    html = first.content.decode()
    assert 'data-count="31"' in html and 'rel="next"' in html
    shown = set(re.findall(r"滞后\d\d", html[html.index('id="lagging"') :]))
    second = page_of(client, "dashboard:plan", plan.pk, period="2014-06", page=2).content.decode()
    shown |= set(re.findall(r"滞后\d\d", second[second.index('id="lagging"') :]))
    assert len(shown) == 30
    assert page_of(client, "dashboard:plan", plan.pk, page="x").context["lagging"].number == 1


def test_computed_at_is_the_newest_result_shown_not_the_last_plan_run(client, zone_plan, clock):
    plan, leader, investment, _projects = zone_plan
    run_at = timezone.make_aware(dt.datetime(2014, 7, 20, 9, 30))  # after the fixture's results
    JobRun.objects.create(
        kind="recompute_plan", subject=f"plan {plan.pk} ", outcome="succeeded", started_at=run_at, finished_at=run_at
    )
    clock(TODAY, hour=10)
    Report.objects.filter(target=investment, month=6).update(value=D(70))
    targets_recompute(targets=[investment], plan=plan, as_of=TODAY)
    newest = TargetResult.objects.get(target=investment, year=2014, month=6).computed_at
    assert newest > run_at
    client.force_login(leader)
    assert page_of(client, "dashboard:plan", plan.pk).context["computed_at"] == newest
    assert page_of(client, "dashboard:tree", plan.pk).context["computed_at"] == newest
    assert page_of(client, "progress:target", investment.pk).context["shown"].computed_at == newest


def test_a_target_page_opened_for_a_month_shows_that_month_and_says_so(client, zone_plan):
    plan, leader, investment, _projects = zone_plan
    client.force_login(leader)
    dashboard = page_of(client, "dashboard:plan", plan.pk, period="2014-03").content.decode()
    assert f"/progress/targets/{investment.pk}/?period=2014-03" in dashboard
    response = client.get(reverse("progress:target", args=[investment.pk]), {"period": "2014-03"})
    shown = response.context["shown"]
    assert (shown.year, shown.month) == (2014, 3)
    html = response.content.decode()
    viewed = text_of(block(html, 'id="viewed"'))
    assert viewed.startswith("2014年1-3月") and "1-3月完成30亿元" in viewed
    assert 'class="viewed" data-period="2014-03"' in html
    assert client.get(reverse("progress:target", args=[investment.pk])).context["period"] == Period(2014, 6)
    for bad in ("2019-03", "三月", "2014-13"):
        assert client.get(reverse("progress:target", args=[investment.pk]), {"period": bad}).status_code == 404


def test_the_tree_and_my_tasks_show_both_statuses_and_counts(client, june_unreported):
    plan, leader, investment, _projects = june_unreported
    client.force_login(leader)
    for response in (page_of(client, "dashboard:tree", plan.pk), page_of(client, "dashboard:mine")):
        html = response.content.decode()
        row = block(html, f'data-target="{investment.pk}"')
        assert 'data-status="lagging"' in row and 'data-reporting="missing"' in row
        assert "Figure as of months 1–5" in text_of(row)
        assert 'data-tally="progress"' in html and 'data-tally="reporting"' in html
    mine = page_of(client, "dashboard:mine").context["sections"][0]["tally"]
    assert mine.total == 1 and dict(mine.reporting)[ReportingStatus.MISSING] == 1


def test_the_ranking_names_its_basis(client, zone_plan):
    plan, leader, *_ = zone_plan
    client.force_login(leader)
    html = page_of(client, "dashboard:plan", plan.pk).content.decode()
    assert "basis: Year to date" in text_of(html[html.index("data-basis") - 30 :])[:80]


def test_my_tasks_show_each_tasks_status_its_standing_and_the_approved_problems_beside_its_targets(client, zone_plan):
    plan, leader, investment, projects = zone_plan
    task_items_ensure(plan)
    item = Target.objects.get(task=investment.task, kind="task")
    other_item = Target.objects.get(task=projects.task, kind="task")
    approve(item, 5, Standing.LAGGING)
    Report.objects.filter(target=item, month=5).update(problems="用地审批未完成")
    pending = submit(item, 6, Standing.ON_SCHEDULE)
    pending.problems = "尚未审核的说法"
    pending.save()
    approve(other_item, 6, Standing.LAGGING)
    targets_recompute(targets=[item, other_item], plan=plan, as_of=TODAY)
    client.force_login(leader)
    response = page_of(client, "dashboard:mine")
    section = response.context["sections"][0]
    (node,) = section["roots"]
    assert (node.status, node.standing.decided_by, node.problems) == (Status.LAGGING, item, "用地审批未完成")
    assert (section["tally"].targets, section["tally"].tasks) == (1, 1)
    html = response.content.decode()
    with translation.override("en"):
        lagging = item.written(D(Standing.LAGGING))
    shown = text_of(block(html, f'data-item="{item.pk}"'))
    # May's approved standing and reason; June's standing waiting for review marked beside it.
    with translation.override("en"):
        on_schedule = item.written(D(Standing.ON_SCHEDULE))
    waiting = "Awaiting review"
    # The tree table's columns: the item and its figures, then its progress and reporting status.
    assert shown == (
        f"Task {lagging} Figure as of months 1–5 {on_schedule} {waiting} Problems 用地审批未完成 Lagging {waiting}"
    )
    assert "尚未审核的说法" not in html and f'data-item="{other_item.pk}"' not in html
    assert f'data-target="{investment.pk}"' in html  # beside its targets
    assert f'<tr data-target="{item.pk}"' not in html  # the item once, on its own line
    assert text_of(block(html, 'data-tally="kinds"')) == "Targets 1 · tasks 1"


def test_my_tasks_take_as_many_queries_for_many_tasks_with_items_as_for_one(
    client, zone_plan, django_assert_max_num_queries
):
    plan, leader, investment, _projects = zone_plan
    task_items_ensure(plan)
    client.force_login(leader)

    def report_items():
        items = list(Target.objects.filter(task__plan=plan, task__leader=leader).task_items())
        for item in items:
            if not item.reports.exists():
                approve(item, 6, Standing.LAGGING)
                Report.objects.filter(target=item, month=6).update(problems=f"问题{item.pk}")
        targets_recompute(targets=items, plan=plan, as_of=TODAY)

    report_items()
    with django_assert_max_num_queries(40) as baseline:
        page_of(client, "dashboard:mine")
    for n in range(12):
        TaskFactory(plan=plan, lead_unit=investment.task.lead_unit, leader=leader, heading=f"任务{n}",
                    number=f"{n + 3}.", path=str(n + 3), order=n + 3)  # fmt: skip
    task_items_ensure(plan)
    report_items()
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = page_of(client, "dashboard:mine")
    assert response.content.decode().count("data-problems") == 13
