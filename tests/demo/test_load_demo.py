"""load_demo builds the five seed zones, is deterministic and idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from demo.data import ZONES
from plans.models import Plan, Task
from progress.choices import ReportStatus
from progress.models import Report
from targets.choices import TargetKind
from targets.models import Target
from zones.choices import Role
from zones.models import Membership, Unit, Zone

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "zones": Zone.objects.count(),
        "units": Unit.objects.count(),
        "plans": Plan.objects.count(),
        "tasks": Task.objects.count(),
        "targets": Target.objects.count(),
        "reports": Report.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "values": sorted((r.target.indicator, r.month, str(r.value)) for r in Report.objects.select_related("target")),
        "last_change": max(Report.objects.values_list("updated_at", flat=True)),
    }


@pytest.fixture
def loaded():
    call_command("load_demo", stdout=StringIO())


def test_it_loads_the_five_seed_zones_with_regions_and_published_plans(loaded):
    assert set(Zone.objects.values_list("code", flat=True)) == {z["code"] for z in ZONES}
    assert Zone.objects.count() == 5
    assert Plan.objects.filter(status="published").count() == 5
    xinxiang = Zone.objects.get(code="xinxiang-hitech")
    assert str(xinxiang.region) == "河南省新乡市"
    zhengzhou = Plan.objects.get(zone__code="zhengzhou-hitech")
    assert (zhengzhou.start_year, zhengzhou.end_year) == (2020, 2022)


def test_seed_000_is_complete_with_all_30_items_and_69_targets(loaded):
    plan = Plan.objects.get(zone__code="xinxiang-hitech")
    numbered = Task.objects.filter(plan=plan, depth=1)
    assert numbered.count() == 30
    assert Task.objects.filter(plan=plan, depth=0).count() == 6
    assert Target.objects.filter(task__plan=plan).exclude(kind=TargetKind.MILESTONE).count() == 69
    projects = Target.objects.get(task__plan=plan, indicator__contains="亿元以上项目", value=18)
    assert projects.unit == "个"
    assert projects.task.path == "二 > 3"
    ceiling = Target.objects.get(task__plan=plan, kind=TargetKind.CEILING)
    assert (ceiling.value, ceiling.unit, ceiling.comparator) == (6, "‰", "<=")
    ranged = Target.objects.filter(task__plan=plan, comparator="range", value=10, value_high=15)
    assert ranged.exists()  # 新开工项目10-15个
    assert Target.objects.filter(task__plan=plan, stretch=15, value=10).exists()  # 同比增长10%,力争15%


def test_the_other_four_have_headline_targets_and_five_tasks_with_targets_and_milestones(loaded):
    for plan in Plan.objects.exclude(zone__code="xinxiang-hitech"):
        targets = Target.objects.filter(task__plan=plan)
        assert targets.filter(is_headline=True).count() >= 3, plan
        tasks_with_targets = Task.objects.filter(plan=plan).annotate(n=Count("targets")).filter(n__gt=0)
        assert tasks_with_targets.count() >= 5, plan
        assert targets.filter(kind=TargetKind.MILESTONE).exists(), plan


def test_every_target_sits_in_a_task_with_a_lead_unit(loaded):
    assert not Target.objects.filter(task__lead_unit__isnull=True).exists()


def test_demo_users_exist_for_every_role_in_every_zone(loaded):
    for zone in Zone.objects.all():
        roles = set(Membership.objects.filter(zone=zone).values_list("role", flat=True))
        assert roles == set(Role.values), zone
    admin = get_user_model().objects.get(username="xx_admin")
    assert admin.is_staff and not admin.is_superuser
    assert admin.check_password("demo123456")
    assert get_user_model().objects.get(username="admin").is_superuser


def test_demo_figures_are_marked_and_leave_a_mix_of_states(loaded):
    assert Report.objects.count() > 1000
    assert not Report.objects.filter(is_demo=False).exists()
    assert not Report.objects.exclude(progress__startswith="【演示数据】").exists()
    states = set(Report.objects.values_list("status", flat=True))
    assert {ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.DRAFT} <= states
    # Some targets carry no figure at all (unreported), most do.
    reported = Target.objects.filter(reports__isnull=False).distinct().count()
    assert 0.6 * Target.objects.count() < reported < Target.objects.count()


def test_amount_figures_never_fall_from_one_month_to_the_next(loaded):
    for target in Target.objects.filter(kind=TargetKind.AMOUNT).prefetch_related("reports")[:80]:
        values = [r.value for r in sorted(target.reports.all(), key=lambda r: r.month)]
        assert values == sorted(values), target


def test_combined_january_february_plans_report_no_january(loaded):
    combined = Plan.objects.filter(jan_feb_combined=True)
    assert combined.exists()
    assert not Report.objects.filter(target__task__plan__in=combined, month=1).exists()


def test_running_it_twice_changes_nothing(loaded):
    before = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert snapshot() == before
    assert "0" in out.getvalue()


def test_if_empty_leaves_a_database_with_zones_alone():
    from tests.factories import ZoneFactory

    ZoneFactory()
    call_command("load_demo", "--if-empty", stdout=StringIO())
    assert Zone.objects.count() == 1


def test_the_demo_follows_up_red_targets_with_notices_one_answered(loaded):
    from supervision.choices import NoticeState
    from supervision.models import Notice, NoticeItem

    assert Notice.objects.filter(requirement__startswith="【演示数据】").count() == Notice.objects.count() > 0
    for notice in Notice.objects.all():
        assert NoticeItem.objects.filter(notice=notice).exclude(status__in=["serious", "overdue"]).count() == 0
    answered = Notice.objects.filter(state=NoticeState.ANSWERED)
    assert answered.count() >= 1
    assert all(n.answer_reason.startswith("【演示数据】") for n in answered)
    before = Notice.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Notice.objects.count() == before  # a second load issues nothing
