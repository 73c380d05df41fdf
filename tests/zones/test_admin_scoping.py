"""The admin keeps a zone administrator inside their own zone."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.factories import PlanFactory, TargetFactory, TaskFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role
from zones.models import Membership
from zones.services import zone_admin_group_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_zones():
    own, other = ZoneFactory(short_name="本区"), ZoneFactory(short_name="他区")
    admin = UserFactory(username="zone-admin", is_staff=True)
    admin.groups.add(zone_admin_group_ensure())
    Membership.objects.create(user=admin, zone=own, role=Role.ADMIN)
    own_target = TargetFactory(task=TaskFactory(plan=PlanFactory(zone=own)), indicator="本区指标")
    other_target = TargetFactory(task=TaskFactory(plan=PlanFactory(zone=other)), indicator="他区指标")
    return SimpleNamespace(admin=admin, own=own, other=other, own_target=own_target, other_target=other_target)


def test_a_zone_admin_lists_only_their_zone_plans_and_targets(client, two_zones):
    z = two_zones
    client.force_login(z.admin)
    zones_page = client.get(reverse("admin:zones_zone_changelist")).content.decode()
    assert "本区" in zones_page and "他区" not in zones_page
    targets_page = client.get(reverse("admin:targets_target_changelist")).content.decode()
    assert "本区指标" in targets_page and "他区指标" not in targets_page


def test_a_zone_admin_cannot_open_another_zones_target_by_url(client, two_zones):
    z = two_zones
    client.force_login(z.admin)
    assert client.get(reverse("admin:targets_target_change", args=[z.own_target.pk])).status_code == 200
    response = client.get(reverse("admin:targets_target_change", args=[z.other_target.pk]))
    assert response.status_code == 302  # the admin redirects "does not exist" to its index
    assert client.get(reverse("admin:plans_plan_change", args=[z.other_target.task.plan.pk])).status_code == 302


def test_a_zone_admin_can_only_pick_units_of_their_zone(client, two_zones):
    z = two_zones
    UnitFactory(zone=z.other, name="他区财政局")
    client.force_login(z.admin)
    page = client.get(reverse("admin:plans_task_change", args=[z.own_target.task.pk])).content.decode()
    assert "他区财政局" not in page


def test_a_user_without_staff_status_is_sent_to_the_admin_login(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_home_page_needs_a_login_and_shows_only_visible_plans(client, two_zones):
    z = two_zones
    assert client.get(reverse("home")).status_code == 302
    client.force_login(z.admin)
    page = client.get(reverse("home")).content.decode()
    assert z.own_target.task.plan.title in page
    assert z.other_target.task.plan.title not in page


def test_list_filters_offer_a_zone_admin_only_their_own_zone(client, two_zones):
    z = two_zones
    client.force_login(z.admin)
    page = client.get(reverse("admin:targets_target_changelist")).content.decode()
    assert "他区" not in page
    assert z.other_target.task.plan.title not in page
