"""Publishing a plan with its checklist, and the month reporting starts from."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from plans.choices import PlanStatus
from plans.models import Plan
from plans.periods import Period, PeriodState, default_period, plan_period_state
from progress.engine.recompute import plan_recompute
from progress.publishing import publish_checklist
from targets import kinds
from targets.models import PendingPlanRecompute, TargetResult
from tests.factories import MembershipFactory, PlanFactory, TargetFactory, TaskFactory, UnitFactory, UserFactory
from zones.choices import Role

TODAY = dt.date(2026, 11, 12)


@pytest.fixture
def draft(db):
    """A draft 2026 plan: 经发局 leads two targets with staff and a reviewer,
    财政局 one target and nobody; one task without a leader, one without a
    unit, a milestone due in June."""
    plan = PlanFactory(start_year=2026, end_year=2026, status=PlanStatus.DRAFT, due_day=5)
    leader = MembershipFactory(unit=None, zone=plan.zone, role=Role.LEADER, user=UserFactory(username="lead")).user
    staffed = UnitFactory(zone=plan.zone, name="经发局")
    empty = UnitFactory(zone=plan.zone, name="财政局")
    MembershipFactory(unit=staffed, role=Role.STAFF)
    MembershipFactory(unit=staffed, role=Role.REVIEWER)
    led = TaskFactory(plan=plan, lead_unit=staffed, leader=leader, heading="招商引资")
    TargetFactory(task=led, indicator="引进项目", value=Decimal(18))
    milestone = TargetFactory(
        task=led, indicator="建成政务服务中心", kind=kinds.MILESTONE.key, value=None, deadline=dt.date(2026, 6, 30)
    )
    unled = TaskFactory(plan=plan, lead_unit=empty, heading="财政收入")
    TargetFactory(task=unled, indicator="一般公共预算收入")
    orphan = TaskFactory(plan=plan, lead_unit=None, leader=leader, heading="营商环境")
    orphan_target = TargetFactory(task=orphan, indicator="市场主体增长")
    admin = MembershipFactory(unit=None, zone=plan.zone, role=Role.ADMIN, user=UserFactory(username="zadmin")).user
    return plan, admin, staffed, empty, unled, milestone, orphan_target


def test_the_checklist_names_what_is_missing(draft):
    plan, _, _staffed, _empty, unled, milestone, orphan_target = draft
    checklist = publish_checklist(plan, today=TODAY)
    assert [u.name for u in checklist.units_without_staff] == ["财政局"]
    assert [u.name for u in checklist.units_without_reviewer] == ["财政局"]
    assert checklist.units_without_staff[0].target_count == 1
    assert checklist.tasks_without_leader == [unled]
    assert checklist.past_deadlines == [milestone]
    assert checklist.targets_without_unit == [orphan_target]
    assert checklist.missing == 5


def test_a_complete_plan_has_nothing_missing(draft):
    plan, _, staffed, empty, unled, milestone, orphan_target = draft
    MembershipFactory(unit=empty, role=Role.STAFF)
    MembershipFactory(unit=empty, role=Role.REVIEWER)
    unled.leader = orphan_target.task.leader
    unled.save()
    orphan_target.task.lead_unit = staffed
    orphan_target.task.save()
    milestone.deadline = dt.date(2026, 12, 31)
    milestone.save()
    assert publish_checklist(plan, today=TODAY).missing == 0


def test_the_publish_page_lists_the_gaps_in_chinese(client, draft):
    plan, admin, *_ = draft
    client.force_login(admin)
    with mock.patch("core.clock.today", return_value=TODAY):
        page = client.get(reverse("progress:publish", args=[plan.pk])).content.decode()
    assert "财政局" in page.split('data-check="units_without_staff"')[1].split("</ul>")[0]
    assert "市场主体增长" in page.split('data-check="targets_without_unit"')[1].split("</ul>")[0]
    assert 'value="2026-11"' in page  # the month of publishing by default
    assert "仍然发布" in page
    assert "plan_" not in page  # no constraint names


def test_publishing_anyway_records_who_and_when_and_computes_at_once(client, draft, django_capture_on_commit_callbacks):
    plan, admin, *_ = draft
    client.force_login(admin)
    with (
        mock.patch("core.clock.today", return_value=TODAY),
        mock.patch("progress.engine.tasks.recompute_plan.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("progress:publish", args=[plan.pk]), {"action": "publish", "reports_from": "2026-11"}
        )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.published_by == admin and plan.published_at is not None
    assert plan.reports_from == dt.date(2026, 11, 1)
    assert PendingPlanRecompute.objects.filter(plan=plan).exists()
    queued.assert_called_once_with(plan.pk, None, if_owed=True)
    # The recompute the message asks for: every target at once, in the month under way, not yet reported.
    plan_recompute(plan_id=plan.pk, as_of=TODAY)
    results = TargetResult.objects.filter(target__task__plan=plan)
    assert {(r.year, r.month) for r in results} == {(2026, 11)}
    assert results.count() == 4
    assert set(results.values_list("reporting", flat=True)) == {"not_yet"}


def test_the_dashboard_shows_every_target_right_after_publishing(client, draft):
    plan, admin, *_ = draft
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.PUBLISHED, reports_from=dt.date(2026, 11, 1))
    plan_recompute(plan_id=plan.pk, as_of=TODAY)
    client.force_login(admin)
    with mock.patch("core.clock.today", return_value=TODAY):
        page = client.get(reverse("dashboard:plan", args=[plan.pk])).content.decode()
    assert "尚未计算" not in page
    assert "2026年11月" in page or "1-11月" in page


def test_bad_months_are_refused_in_chinese_and_nothing_changes(client, draft):
    plan, admin, *_ = draft
    client.force_login(admin)
    url = reverse("progress:publish", args=[plan.pk])
    for typed in ("十一月", "2026-13", "2031-01"):
        response = client.post(url, {"action": "publish", "reports_from": typed})
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
        assert typed in response.content.decode()  # what was typed is kept
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.reports_from is None


def test_only_the_zone_administrator_may_publish(client, draft):
    plan, *_ = draft
    other_admin = MembershipFactory(unit=None, zone=UnitFactory().zone, role=Role.ADMIN).user
    staff = MembershipFactory(unit=UnitFactory(zone=plan.zone), role=Role.STAFF).user
    for user in (other_admin, staff):
        client.force_login(user)
        url = reverse("progress:publish", args=[plan.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "publish", "reports_from": "2026-11"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_published_plan_may_move_its_start_and_is_recomputed(client, draft):
    plan, admin, *_ = draft
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.PUBLISHED, reports_from=dt.date(2026, 11, 1))
    client.force_login(admin)
    with mock.patch("progress.engine.tasks.recompute_plan.delay"):
        response = client.post(
            reverse("progress:publish", args=[plan.pk]), {"action": "start", "reports_from": "2026-9"}
        )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.reports_from == dt.date(2026, 9, 1)
    assert PendingPlanRecompute.objects.filter(plan=plan).exists()


# The one rule of the reporting start (plans.periods).


def test_periods_before_the_start_are_not_open_for_entry(db):
    plan = PlanFactory(start_year=2026, end_year=2026, reports_from=dt.date(2026, 11, 1), due_day=5)
    assert plan_period_state(plan, Period(2026, 10), today=TODAY) is PeriodState.NOT_COUNTED
    assert plan_period_state(plan, Period(2026, 11), today=TODAY) is PeriodState.OPEN
    assert PeriodState.NOT_COUNTED.refusal


def test_the_default_month_is_never_before_the_start(db):
    plan = PlanFactory(start_year=2026, end_year=2026, reports_from=dt.date(2026, 11, 1), due_day=5)
    assert default_period(plan, today=TODAY) == Period(2026, 11)
    assert default_period(plan, today=dt.date(2026, 12, 10)) == Period(2026, 11)
    plain = PlanFactory(start_year=2026, end_year=2026, due_day=5)
    assert default_period(plain, today=TODAY) == Period(2026, 10)


def test_a_reporting_start_mid_month_is_refused_in_words_not_by_constraint_name(db):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from tests.factories import ZoneFactory

    plan = PlanFactory.build(zone=ZoneFactory(), reports_from=dt.date(2026, 6, 15))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert "plan_reports_from" not in str(refused.value) and "1日" in str(refused.value)
