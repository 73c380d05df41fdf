"""The leadership dashboard: what it shows, who may see it, and query counts
that do not grow with rows."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dashboard.regions import canonical
from dashboard.selectors import task_tree
from plans.periods import Period, default_period
from progress.engine.recompute import targets_recompute
from progress.models import Report, ReportEvent
from targets.choices import Standing
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.dashboard.conftest import approve, submit
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
    ZoneFactory,
)
from zones.choices import Role

pytestmark = pytest.mark.django_db


def test_the_default_period_is_the_month_just_closed_not_the_newest_month_reported(client, zone_plan, clock):
    plan, leader, investment, _projects = zone_plan
    approve(investment, 7, 75, submitted=timezone.make_aware(dt.datetime(2014, 8, 1)))  # July, early
    clock(dt.date(2014, 8, 4))  # July's reports are due on 8-05
    assert default_period(plan) == Period(2014, 6)
    client.force_login(leader)
    assert client.get(reverse("dashboard:plan", args=[plan.pk])).context["period"] == Period(2014, 6)
    assert client.get(reverse("dashboard:tree", args=[plan.pk])).context["period"] == Period(2014, 6)
    assert client.get(reverse("progress:target", args=[investment.pk])).context["period"] == Period(2014, 6)
    clock(dt.date(2014, 9, 6))  # nothing reported for August, yet August has closed
    assert default_period(plan) == Period(2014, 8)
    assert client.get(reverse("dashboard:plan", args=[plan.pk])).context["period"] == Period(2014, 8)
    assert client.get(reverse("dashboard:mine")).context["sections"][0]["period"] == Period(2014, 8)


def test_a_leader_sees_headline_cards_the_lagging_list_with_explanations_and_the_ranking(client, zone_plan):
    plan, leader, _investment, _projects = zone_plan
    client.force_login(leader)
    page = client.get(reverse("dashboard:plan", args=[plan.pk])).content.decode()
    assert "固定资产投资" in page and "1-6月完成60亿元，占全年目标的50.0%，与序时进度持平" in page
    assert "引进亿元以上项目" in page and "严重滞后" in page
    assert page.index("经济发展局") < page.index("招商局", page.index("单位排名"))  # ranking order
    assert "计算于" in page


def test_changing_the_month_changes_the_figures(client, zone_plan):
    plan, leader, *_ = zone_plan
    client.force_login(leader)
    page = client.get(reverse("dashboard:plan", args=[plan.pk]), {"period": "2014-03"}).content.decode()
    assert "1-3月完成30亿元" in page
    assert client.get(reverse("dashboard:plan", args=[plan.pk]), {"period": "2019-03"}).status_code == 404
    assert client.get(reverse("dashboard:plan", args=[plan.pk]), {"period": "三月"}).status_code == 404


def test_the_ranking_counts_every_due_report_for_on_time_reporting(client, zone_plan):
    """An unreported month lowers the on-time rate: the same scores as supervision's."""
    plan, leader, _investment, projects = zone_plan
    Report.objects.filter(target=projects, month=6).delete()
    client.force_login(leader)
    ranking = client.get(reverse("dashboard:plan", args=[plan.pk])).context["ranking"]
    first, second = ranking
    assert (first.name, first.completion, first.on_time_rate) == ("经济发展局", D("50.0"), D("100.0"))
    assert (second.name, second.due_reports, second.on_time, second.red) == ("招商局", 6, 0, 1)


def test_a_task_takes_its_worst_heaviest_target(zone_plan):
    plan, _leader, investment, _projects = zone_plan
    minor = TargetFactory(task=investment.task, indicator="次要指标", value=D(10), weight=D("0.5"), order=2)
    targets_recompute(targets=[minor], plan=plan, as_of=dt.date(2014, 7, 31))  # never reported: overdue
    tree = task_tree(plan=plan, period=Period(2014, 6))
    statuses = {node.task.heading: node.status for node in tree}
    assert statuses == {"推进重点项目建设": "on_track", "强化招商引资": "serious"}
    reasons = {node.task.heading: node.standing.reason for node in tree}
    assert reasons == {"推进重点项目建设": "固定资产投资", "强化招商引资": "引进亿元以上项目"}


def test_the_tree_counts_tasks_apart_from_targets_and_a_lagging_item_decides_its_task(client, zone_plan):
    plan, leader, investment, _projects = zone_plan
    task_items_ensure(plan)
    item = Target.objects.get(task=investment.task, kind="task")
    approve(item, 6, Standing.LAGGING)
    targets_recompute(targets=list(Target.objects.filter(task__plan=plan).task_items()), plan=plan,
                      as_of=dt.date(2014, 7, 31))  # fmt: skip
    client.force_login(leader)
    response = client.get(reverse("dashboard:tree", args=[plan.pk]), {"period": "2014-06"})
    tally = response.context["tally"]
    assert (tally.targets, tally.tasks, tally.total) == (2, 2, 4)
    statuses = {node.task.heading: (node.status, node.standing.decided_by) for node in response.context["roots"]}
    assert statuses["推进重点项目建设"] == ("lagging", item)
    page = response.content.decode()
    row = page.split(f'data-target="{item.pk}"')[1].split("</tr>")[0]
    with translation.override("zh-hans"):
        assert f'<span class="fig">{item.written(D(Standing.LAGGING))}' in row  # in words, never its code
    board = client.get(reverse("dashboard:plan", args=[plan.pk]), {"period": "2014-06"}).content.decode()
    link = f'href="{reverse("progress:target", args=[item.pk])}?period=2014-06"'
    lagging_row = board.split(link)[0].rsplit("<tr", 1)[1]
    assert 'data-kind="task"' in lagging_row  # the lagging list names it a task


@pytest.mark.parametrize("role", [Role.STAFF, Role.REVIEWER])
def test_unit_staff_cannot_open_the_dashboard(client, zone_plan, role):
    plan, *_ = zone_plan
    user = MembershipFactory(unit=UnitFactory(zone=plan.zone), role=role).user
    client.force_login(user)
    assert client.get(reverse("dashboard:plan", args=[plan.pk])).status_code == 403


def test_a_leader_of_another_zone_cannot_open_it(client, zone_plan):
    plan, *_ = zone_plan
    outsider = MembershipFactory(unit=None, zone=ZoneFactory(), role=Role.LEADER).user
    client.force_login(outsider)
    assert client.get(reverse("dashboard:plan", args=[plan.pk])).status_code == 403
    assert client.get(reverse("dashboard:tree", args=[plan.pk])).status_code == 403


def test_the_leaders_view_lists_only_their_tasks(client, zone_plan):
    _plan, leader, *_ = zone_plan
    client.force_login(leader)
    page = client.get(reverse("dashboard:mine")).content.decode()
    assert "推进重点项目建设" in page and "强化招商引资" not in page


def test_the_region_view_matches_synonyms_and_ranks_zones(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    rows = []
    for name, indicator, value in [("甲区", "规上工业总产值", 60), ("乙区", "规模以上工业总产值", 80)]:
        plan = PlanFactory(zone=ZoneFactory(short_name=name), start_year=2014, end_year=2014, status="published")
        target = TargetFactory(task=TaskFactory(plan=plan), indicator=indicator, unit="亿元", value=D(100))
        approve(target, 6, value)
        targets_recompute(targets=[target], plan=plan, as_of=dt.date(2014, 7, 31))
        rows.append(plan)
    rows[1].zone.region = rows[0].zone.region
    rows[1].zone.save()
    assert canonical("规上工业总产值") == canonical("规模以上工业总产值") == "规模以上工业总产值"
    assert canonical("固定资产投资增速") == "固定资产投资"
    client.force_login(admin)
    url = reverse("dashboard:region", args=[rows[0].zone.region_id])
    page = client.get(url, {"indicator": "规模以上工业总产值|amount"}).content.decode()
    assert page.index("乙区") < page.index("甲区")  # 80% ranks above 60%


def test_leader_page_query_counts_do_not_grow_with_targets_figures_or_history(
    client, zone_plan, django_assert_max_num_queries
):
    plan, leader, investment, _ = zone_plan
    client.force_login(leader)
    urls = [
        reverse("dashboard:plan", args=[plan.pk]),
        reverse("dashboard:plan", args=[plan.pk]) + "?page=2",
        reverse("dashboard:tree", args=[plan.pk]),
        reverse("dashboard:mine"),
        reverse("progress:target", args=[investment.pk]),
    ]
    baselines = {}
    for url in urls:
        with django_assert_max_num_queries(40) as baseline:
            assert client.get(url).status_code == 200
        baselines[url] = len(baseline.captured_queries)
    more = []
    for n in range(40):  # headline cards, a lagging list of two pages, figures waiting for review
        target = TargetFactory(
            task=investment.task, indicator=f"指标{n}", value=D(10), order=10 + n, is_headline=n % 2 == 0
        )
        approve(target, 5, n % 3)
        submit(target, 6, n % 7)
        more.append(target)
    for month in range(1, 7):  # the target page's history grows
        report = Report.objects.get(target=investment, month=month)
        for action in ("submitted", "approved"):
            ReportEvent.objects.create(
                report=report, action=action, at=report.submitted_at, changes={"status": ["draft", action]}
            )
    targets_recompute(targets=more, plan=plan, as_of=dt.date(2014, 7, 31))
    for url in urls:
        with django_assert_max_num_queries(baselines[url]):
            assert client.get(url).status_code == 200


def test_a_province_office_compares_its_zones_and_sees_no_other(client):
    from zones.choices import RegionLevel
    from zones.models import Region, RegionAccess

    henan = Region.objects.create(name="河南省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(name="新乡市", level=RegionLevel.CITY, parent=henan)
    inside = PlanFactory(zone=ZoneFactory(short_name="区内", region=city), status="published")
    outside = PlanFactory(zone=ZoneFactory(short_name="区外"), status="published")
    viewer = UserFactory()
    RegionAccess.objects.create(user=viewer, region=henan)
    client.force_login(viewer)
    assert client.get(reverse("dashboard:plan", args=[inside.pk])).status_code == 200
    assert client.get(reverse("dashboard:plan", args=[outside.pk])).status_code == 403
    assert client.get(reverse("dashboard:region", args=[henan.pk])).status_code == 200
    assert client.get(reverse("dashboard:region", args=[outside.zone.region_id])).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert inside.title in home and outside.title not in home
