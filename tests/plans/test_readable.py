"""Plans the user may read: one rule (zones.policy.plan_visibility) applied by
Plan.objects.readable_by to the plans out of draft."""

import pytest

from plans.choices import PlanStatus
from plans.models import Plan
from tests.factories import MembershipFactory, PlanFactory, TargetFactory, TaskFactory, UnitFactory, UserFactory
from zones import policy
from zones.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A zone with a published plan whose one task is led by ``lead`` with
    ``co`` co-operating, a draft plan and an archived one of the same zone,
    and a plan of another zone."""
    published = PlanFactory(status=PlanStatus.PUBLISHED)
    zone = published.zone
    lead, co = UnitFactory(zone=zone), UnitFactory(zone=zone)
    task = TaskFactory(plan=published, lead_unit=lead)
    task.co_units.add(co)
    TargetFactory(task=task)
    draft = PlanFactory(zone=zone, status=PlanStatus.DRAFT)
    TargetFactory(task=TaskFactory(plan=draft, lead_unit=lead))
    archived = PlanFactory(zone=zone, status=PlanStatus.ARCHIVED)
    elsewhere = PlanFactory(status=PlanStatus.PUBLISHED)
    TargetFactory(task=TaskFactory(plan=elsewhere))
    return {"zone": zone, "lead": lead, "co": co, "published": published, "archived": archived, "draft": draft}


def _read(user, **keywords) -> set[int]:
    return set(Plan.objects.readable_by(user, **keywords).values_list("pk", flat=True))


def test_a_zone_leader_reads_every_plan_of_the_zone_but_the_draft(world):
    leader = MembershipFactory(unit=None, zone=world["zone"], role=Role.LEADER).user
    expected = {world["published"].pk, world["archived"].pk}
    assert _read(leader) == _read(leader, whole_zones_only=True) == expected


def test_unit_staff_read_the_plans_their_unit_leads_or_co_operates_on_a_target_in(world):
    lead_staff = MembershipFactory(unit=world["lead"]).user
    co_staff = MembershipFactory(unit=world["co"], role=Role.REVIEWER).user
    assert _read(lead_staff) == _read(co_staff) == {world["published"].pk}


def test_without_co_operation_only_the_lead_units_staff_read_the_plan(world):
    lead_staff = MembershipFactory(unit=world["lead"]).user
    co_staff = MembershipFactory(unit=world["co"]).user
    assert _read(lead_staff, co_operation=False) == {world["published"].pk}
    assert _read(co_staff, co_operation=False) == set()


def test_pages_for_zone_wide_roles_offer_unit_staff_no_plan(world):
    lead_staff = MembershipFactory(unit=world["lead"]).user
    assert _read(lead_staff, whole_zones_only=True) == set()


def test_a_unit_leading_a_task_without_targets_reads_nothing_of_the_plan(world):
    unit = UnitFactory(zone=world["zone"])
    TaskFactory(plan=world["published"], lead_unit=unit)
    assert _read(MembershipFactory(unit=unit).user) == set()


def test_a_stranger_reads_no_plan_and_the_rule_itself_keeps_drafts(world):
    assert _read(UserFactory()) == set()
    lead_staff = MembershipFactory(unit=world["lead"]).user
    with_drafts = set(Plan.objects.filter(policy.plan_visibility(lead_staff)).values_list("pk", flat=True))
    assert with_drafts == {world["published"].pk, world["draft"].pk}
