"""load_demo: the seed zones imported as plans of the demo year, with a year in progress."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from core import clock
from demo.overlay import ZONES_DIR, DemoDataError, zone_file_read, zone_files
from demo.services import DEMO_TAG, demo_load, demo_year
from plans.models import Plan, Task
from plans.periods import Period, PeriodState, default_period, due_date
from progress.choices import ReportStatus
from progress.models import PeriodReopening, Report
from progress.selectors import effective_period_state
from supervision.choices import NoticeState
from supervision.models import Notice
from targets import kinds
from targets.choices import BAD, RED, Outlook, ReportingStatus, Standing, Status
from targets.models import Target, TargetResult
from targets.selectors import latest_results
from targets.task_items import leaf_tasks
from zones.choices import Role
from zones.models import Membership, Unit, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeds():
    if not Path(settings.DEMO_SEEDS_DIR).is_dir():
        pytest.skip(f"the seed documents are not at {settings.DEMO_SEEDS_DIR}")


def xinxiang():
    return [zone for zone in zone_files() if zone.code == "xinxiang-hitech"]


def snapshot() -> dict:
    return {
        "zones": sorted(Zone.objects.values_list("code", flat=True)),
        "plans": sorted(Plan.objects.values_list("pk", "title", "start_year", "end_year", "status")),
        "tasks": Task.objects.count(),
        "targets": sorted(Target.objects.values_list("pk", "indicator", "value", "start_value", "reported_as")),
        "reports": sorted(Report.objects.values_list("pk", "month", "value", "status", "version", "updated_at")),
        "users": sorted(get_user_model().objects.values_list("username", "password")),
        "memberships": Membership.objects.count(),
        "notices": sorted(Notice.objects.values_list("pk", "state")),
        "reopenings": PeriodReopening.objects.count(),
    }


def test_the_five_seed_zones_are_published_plans_of_the_demo_year_titled_as_demos():
    call_command("load_demo", stdout=StringIO())
    year = demo_year(today=clock.today())
    assert set(Zone.objects.values_list("code", flat=True)) == {zone.code for zone in zone_files()}
    for plan in Plan.objects.select_related("zone"):
        assert plan.status == "published"
        assert plan.start_year == year
        assert "演示" in plan.title and "据" in plan.title
    zhengzhou = Plan.objects.get(zone__code="zhengzhou-hitech")
    assert (zhengzhou.start_year, zhengzhou.end_year) == (year, year + 2)
    assert str(Zone.objects.get(code="xinxiang-hitech").region) == "河南省新乡市"
    # Every target sits in an item with a lead unit, and every zone has every role.
    assert not Target.objects.filter(task__lead_unit__isnull=True).exists()
    for zone in Zone.objects.all():
        assert set(Membership.objects.filter(zone=zone).values_list("role", flat=True)) == set(Role.values), zone
        assert Notice.objects.filter(zone=zone).values("state").distinct().count() >= 3, zone
    # Across the demo, notices in every state.
    assert set(Notice.objects.values_list("state", flat=True)) == set(NoticeState.values)
    admin = get_user_model().objects.get(username="xx_admin")
    assert admin.is_staff and not admin.is_superuser and admin.check_password("demo123456")
    assert get_user_model().objects.get(username="admin").is_superuser
    assert get_user_model().objects.get(username="henan_viewer").check_password("demo123456")


def test_seed_000_still_yields_its_30_items_and_69_targets():
    demo_load(zones=xinxiang())
    plan = Plan.objects.get(zone__code="xinxiang-hitech")
    numbered = Task.objects.filter(plan=plan, depth=1).exclude(number__endswith="是")
    assert numbered.count() == 30
    assert Task.objects.filter(plan=plan, depth=0).count() == 6
    assert Target.objects.filter(task__plan=plan).stated().exclude(kind=kinds.MILESTONE.key).count() == 69
    projects = Target.objects.get(task__plan=plan, indicator__contains="亿元以上项目", value=18)
    assert (projects.unit, projects.task.path, projects.task.lead_unit.name) == ("个", "二 > 3", "招商局")
    ceiling = Target.objects.get(task__plan=plan, kind=kinds.CEILING.key)
    assert (ceiling.value, ceiling.unit, ceiling.comparator) == (6, "‰", "<=")
    assert Target.objects.filter(task__plan=plan, comparator="range", value=10, value_high=15).exists()
    assert Target.objects.filter(task__plan=plan, stretch=15, value=10).exists()
    # Last year's monthly figures: the growth target is reported as the amount against them.
    investment = Target.objects.get(task__plan=plan, indicator="固定资产投资增速")
    assert investment.reported_as == "amount" and investment.baseline == Decimal("96")
    assert len(investment.baseline_by_month) == 12


def test_every_closed_month_has_approved_demo_figures_and_the_exceptions_of_a_real_month():
    today = clock.today()
    demo_load(zones=xinxiang())
    plan = Plan.objects.get(zone__code="xinxiang-hitech")
    period = default_period(plan, today=today)
    closed = [m for m in range(1, 13) if due_date(Period(plan.start_year, m), due_day=plan.due_day) < today]
    assert closed and closed[-1] == period.month
    reports = Report.objects.filter(target__task__plan=plan)
    assert set(reports.values_list("month", flat=True)) == set(closed)
    assert not reports.filter(is_demo=False).exists()
    assert not reports.exclude(progress__startswith=DEMO_TAG).exists()
    for month in closed[:-2]:
        assert not reports.filter(month=month).exclude(status=ReportStatus.APPROVED).exists(), month
    last = reports.filter(month=period.month)
    assert last.filter(status=ReportStatus.SUBMITTED).values("target__task__lead_unit").distinct().count() == 1
    returned = last.get(status=ReportStatus.RETURNED)
    assert returned.return_reason.startswith(DEMO_TAG)
    # A late report granted by the zone office: recorded reopening, sent after the due day, approved.
    reopening = PeriodReopening.objects.get(plan=plan)
    late = reports.filter(month=reopening.month, target__task__lead_unit=reopening.unit)
    due = due_date(Period(reopening.year, reopening.month), due_day=plan.due_day)
    assert late.exists() and all(r.status == ReportStatus.APPROVED and r.submitted_at.date() > due for r in late)
    assert late.first().events.filter(action="submitted").exists()
    # Year-to-date amounts never fall.
    for target in Target.objects.filter(task__plan=plan, kind=kinds.AMOUNT.key).prefetch_related("reports"):
        values = [r.value for r in sorted(target.reports.all(), key=lambda r: r.month)]
        assert values == sorted(values), target


def test_the_dashboard_month_shows_a_year_in_progress():
    today = clock.today()
    demo_load(zones=xinxiang())
    plan = Plan.objects.get(zone__code="xinxiang-hitech")
    results = list(
        latest_results(targets=Target.objects.filter(task__plan=plan), period=default_period(plan, today=today))
    )
    status = Counter(r.status for r in results)
    good = status[Status.ON_TRACK] + status[Status.COMPLETED]
    assert good > len(results) / 2, status
    assert status[Status.LAGGING] >= 3, status
    assert 1 <= status[Status.SERIOUS] + status[Status.OVERDUE] <= len(results) / 10, status
    assert sum(status[s] for s in BAD) < len(results) / 3, status
    reporting = Counter(r.reporting for r in results)
    assert reporting[ReportingStatus.REPORTED] > len(results) / 2, reporting
    assert reporting[ReportingStatus.PENDING] and reporting[ReportingStatus.MISSING], reporting
    # Red targets are followed up.
    red = {r.target_id for r in results if r.status in RED}
    assert red and red <= set(Notice.objects.filter(plan=plan).values_list("items__target", flat=True))


def test_the_current_month_is_open_for_entry_without_a_reopening():
    today = clock.today()
    demo_load(zones=xinxiang())
    plan = Plan.objects.get(zone__code="xinxiang-hitech")
    if plan.start_year != today.year:
        pytest.skip("in January the demo shows the year just ended (demo_year)")
    unit = Membership.objects.get(user__username="xx_staff").unit
    current = Period(today.year, today.month)
    assert effective_period_state(plan=plan, unit=unit, period=current, today=today) is PeriodState.OPEN
    assert not PeriodReopening.objects.filter(month=today.month, year=today.year).exists()


def test_running_it_again_changes_nothing_and_reset_rebuilds():
    call_command("load_demo", stdout=StringIO())
    before = snapshot()
    call_command("load_demo", stdout=StringIO())
    assert snapshot() == before
    call_command("load_demo", "--if-empty", stdout=StringIO())
    assert snapshot() == before
    user = get_user_model().objects.get(username="xx_staff")
    user.set_password("changed-by-someone")
    user.save()
    call_command("load_demo", "--reset", stdout=StringIO())
    after = snapshot()
    assert after["zones"] == before["zones"]
    assert len(after["targets"]) == len(before["targets"]) and after["targets"] != before["targets"]  # new rows
    assert len(after["reports"]) == len(before["reports"])
    assert Counter(s for _pk, s in after["notices"]) == Counter(s for _pk, s in before["notices"])
    assert get_user_model().objects.get(username="xx_staff").check_password("demo123456")


def test_if_empty_leaves_a_database_with_zones_alone():
    from tests.factories import ZoneFactory

    ZoneFactory()
    call_command("load_demo", "--if-empty", stdout=StringIO())
    assert Zone.objects.count() == 1


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2027, 1, 10), 2026),  # December is the month just closed: the year just ended
        (dt.date(2027, 2, 5), 2026),  # January's due day has not passed yet
        (dt.date(2027, 2, 6), 2027),
        (dt.date(2026, 12, 6), 2026),
    ],
)
def test_the_demo_year_is_the_year_of_the_month_just_closed(today, year):
    assert demo_year(today=today) == year


def test_zone_files_hold_no_key_set_to_its_default():
    for path in sorted(ZONES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("years") != 1 and data.get("jan_feb_combined") is not False, path.name

        def walk(value, where, name=path.name):
            assert value not in (None, "", [], {}, False), f"{name}: {where}"
            if isinstance(value, dict):
                for key, item in value.items():
                    walk(item, f"{where}.{key}", name)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, f"{where}[{index}]", name)

        walk(data, "")


def test_a_zone_file_naming_a_target_the_seed_does_not_propose_is_refused(tmp_path):
    source = (ZONES_DIR / "00_xinxiang.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "00_xinxiang.yaml"
    broken.write_text(source.replace("二 > 3 | 利用境外资金", "二 > 3 | 利用外星资金"), encoding="utf-8")
    with pytest.raises(DemoDataError, match="利用外星资金"):
        demo_load(zones=[zone_file_read(broken)])
    assert not Zone.objects.exists()  # nothing half-built


def test_a_missing_seed_document_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="TAIZHANG_SEEDS_DIR"):
        call_command("load_demo", "--seeds", str(tmp_path), stdout=StringIO())
    assert not Zone.objects.exists()
    assert Unit.objects.count() == 0


def test_every_leaf_task_of_the_demo_is_tracked_with_a_spread_of_standings():
    """Issue 18: every leaf task has its item, reported every closed month,
    most on schedule, some lagging with the reason under problems, some done."""
    demo_load(zones=xinxiang())
    plan = Plan.objects.get(zone__code="xinxiang-hitech")
    leaves = list(leaf_tasks(plan))
    items = Target.objects.filter(task__plan=plan).task_items()
    assert {item.task_id for item in items} == {task.pk for task in leaves}
    standings = Counter(
        Report.objects.filter(target__in=items, status=ReportStatus.APPROVED).values_list("value", flat=True)
    )
    assert standings[D(Standing.ON_SCHEDULE)] > standings[D(Standing.LAGGING)] > 0
    assert standings[D(Standing.DONE)] > 0
    lagging = Report.objects.filter(target__in=items, value=Standing.LAGGING, status=ReportStatus.APPROVED)
    assert not lagging.filter(problems="").exists()


def test_every_amount_with_figures_has_last_years_and_xinxiang_judges_them_seasonally():
    """Issue 22: each zone's amounts reported this year (counted from zero) have last year's
    twelve figures; 新乡 judges on the season, so its results show seasonal progress, the
    pace needed and projections with a band; a linear zone keeps the straight line."""
    from targets.last_year import grid_targets

    today = clock.today()
    chosen = [zone for zone in zone_files() if zone.code in ("xinxiang-hitech", "ningbo-hitech")]
    demo_load(zones=chosen)
    assert [zone.time_basis for zone in chosen] == ["seasonal", "linear"]
    for plan in Plan.objects.select_related("zone"):
        assert plan.time_basis == ("seasonal" if plan.zone.code == "xinxiang-hitech" else "linear")
        amounts = [
            target
            for target in grid_targets(plan)
            if target.start_value is None and target.reports.filter(status=ReportStatus.APPROVED).exists()
        ]
        assert len(amounts) >= 10, plan
        for target in amounts:
            figures = [Decimal(target.baseline_by_month[str(month)]) for month in range(1, 13)]
            assert figures == sorted(figures) and figures[-1] > 0, target
        period = default_period(plan, today=today)
        results = list(latest_results(targets=Target.objects.filter(pk__in=[t.pk for t in amounts]), period=period))
        seasonal = [r for r in results if r.expected_seasonal is not None]
        assert len(seasonal) >= len(results) / 2, plan
        projected = [r for r in results if r.projected is not None and r.projected_low is not None]
        if period.month < 12:
            assert len(projected) >= len(results) / 2, plan
            assert any(r.pace_needed is not None for r in results), plan
        if plan.time_basis == "seasonal":
            assert all(r.expected == r.expected_seasonal for r in seasonal), plan
        elif period.month < 12:
            assert any(r.expected != r.expected_seasonal for r in seasonal), plan


def test_a_linear_zone_shows_misses_ahead_before_they_turn_red():
    """Issue 22: on the straight line, an amount whose last year ran early looks on track at
    midyear while last year's shape projects a miss: the dashboard's box names it before its
    status turns."""
    demo_load(zones=[zone for zone in zone_files() if zone.code == "ningbo-hitech"])
    plan = Plan.objects.get()
    midyear = TargetResult.objects.filter(target__task__plan=plan, year=plan.start_year, month=6)
    early = midyear.filter(outlook=Outlook.MISS, status=Status.ON_TRACK).select_related("target")
    assert early.exists()
    for result in early:
        assert result.projected < result.target.value
        assert result.completion >= result.expected  # on track on the straight line


def test_a_zone_files_time_basis_is_linear_or_seasonal(tmp_path):
    source = (ZONES_DIR / "00_xinxiang.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "00_xinxiang.yaml"
    broken.write_text(source.replace("time_basis: seasonal", "time_basis: lunar"), encoding="utf-8")
    with pytest.raises(DemoDataError, match="time_basis"):
        zone_file_read(broken)


def test_a_leader_has_instructed_on_targets_heading_for_a_miss_and_one_unit_has_answered():
    """Issue 22: the demo's supervisors and units see leaders' instructions: on targets the
    projection says will miss (or may), one answered by the unit's staff, one waiting."""
    from supervision.choices import InstructionState
    from supervision.models import Instruction

    demo_load(zones=[zone for zone in zone_files() if zone.code == "ningbo-hitech"])
    plan = Plan.objects.get()
    instructions = list(Instruction.objects.select_related("target", "author", "answered_by").order_by("pk"))
    assert [i.state for i in instructions] == [InstructionState.ANSWERED, InstructionState.PENDING]
    leaders = set(Membership.objects.filter(zone=plan.zone, role=Role.LEADER).values_list("user", flat=True))
    for instruction in instructions:
        assert instruction.author_id in leaders and instruction.text.startswith(DEMO_TAG)
        assert instruction.unit_id == instruction.target.task.lead_unit_id
        period = default_period(plan, today=clock.today())
        judged = latest_results(targets=Target.objects.filter(pk=instruction.target_id), period=period)
        assert judged.get().outlook in (Outlook.MISS, Outlook.RISK)
    answered = instructions[0]
    assert Membership.objects.filter(user=answered.answered_by, unit=answered.unit, role=Role.STAFF).exists()
