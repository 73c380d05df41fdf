"""The zone administrator's setup checklist on the home page: 单位 → 人员 →
导入 → 分配 → 发布, each done as the data says."""

import pytest
from django.urls import reverse

from home.setup import setup_of
from plans.choices import PlanStatus
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


def steps(user) -> dict[str, bool]:
    (setup,) = setup_of(user)
    return {step.key: step.done for step in setup.steps}


def test_each_step_is_done_as_the_data_says():
    zone = ZoneFactory()
    admin = MembershipFactory(unit=None, zone=zone, role=Role.ADMIN).user
    assert steps(admin) == {"units": False, "people": False, "import": False, "assign": False, "publish": False}
    unit = UnitFactory(zone=zone)
    assert steps(admin)["units"] and not steps(admin)["people"]
    MembershipFactory(unit=unit, role=Role.STAFF)
    assert not steps(admin)["people"]  # no reviewer yet
    MembershipFactory(unit=unit, role=Role.REVIEWER)
    assert steps(admin)["people"]
    plan = PlanFactory(zone=zone, status=PlanStatus.DRAFT)
    task = TaskFactory(plan=plan, lead_unit=unit, leader=None)
    TargetFactory(task=task)
    assert steps(admin)["import"] and not steps(admin)["assign"]
    task.leader = UserFactory()
    task.save()
    assert steps(admin)["assign"] and not steps(admin)["publish"]
    plan.status = PlanStatus.PUBLISHED
    plan.save()
    assert all(steps(admin).values())


def test_only_the_zones_one_administers_are_listed_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    admin = UserFactory()
    for _ in range(3):
        zone = ZoneFactory()
        MembershipFactory(unit=None, zone=zone, role=Role.ADMIN, user=admin)
        UnitFactory(zone=zone)
        TargetFactory(task=TaskFactory(plan=PlanFactory(zone=zone)))
    ZoneFactory()  # another zone's office
    with django_assert_max_num_queries(6):
        setups = setup_of(admin)
    assert len(setups) == 3
    staff = MembershipFactory(role=Role.STAFF).user
    assert setup_of(staff) == []


def test_the_home_page_shows_the_checklist_with_its_links(client):
    zone = ZoneFactory()
    admin = MembershipFactory(unit=None, zone=zone, role=Role.ADMIN).user
    plan = PlanFactory(zone=zone, status=PlanStatus.DRAFT)
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert f'id="setup-{zone.pk}"' in page
    assert 'data-step="import" data-done="yes"' in page
    assert 'data-step="publish" data-done="no"' in page
    assert reverse("progress:publish", args=[plan.pk]) in page
    staff = MembershipFactory(unit=UnitFactory(zone=zone), role=Role.STAFF).user
    client.force_login(staff)
    assert "setup-" not in client.get(reverse("home")).content.decode()
