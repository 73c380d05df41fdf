"""The zone administrator's people pages: the zone administrator role alone opens them, they
list and change only the zone's own people, and never grant what the administrator lacks."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import OutgoingMail
from tests.factories import MembershipFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role
from zones.models import Membership

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def zone():
    own, other = ZoneFactory(short_name="本区"), ZoneFactory(short_name="他区")
    econ, finance = UnitFactory(zone=own, name="经济发展局"), UnitFactory(zone=own, name="财政局")
    foreign_unit = UnitFactory(zone=other, name="他区经发局")
    # The role alone: no staff flag, no group.
    admin = UserFactory(username="own_admin")
    Membership.objects.create(user=admin, zone=own, role=Role.ADMIN)
    other_admin = UserFactory(username="other_admin")
    Membership.objects.create(user=other_admin, zone=other, role=Role.ADMIN)
    staff = MembershipFactory(user=UserFactory(username="13900000001", first_name="王五"), unit=econ).user
    stranger = MembershipFactory(user=UserFactory(username="stranger"), unit=foreign_unit).user
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    Membership.objects.create(user=root, zone=own, role=Role.LEADER)
    return SimpleNamespace(
        own=own,
        other=other,
        econ=econ,
        finance=finance,
        foreign_unit=foreign_unit,
        admin=admin,
        other_admin=other_admin,
        staff=staff,
        stranger=stranger,
        root=root,
    )


def test_the_zone_administrator_role_alone_opens_the_people_page_of_its_own_zone(client, zone):
    assert not zone.admin.is_staff and not zone.admin.groups.exists()
    client.force_login(zone.admin)
    assert client.get(reverse("zones:people_home")).url == reverse("zones:people", args=[zone.own.pk])
    page = client.get(reverse("zones:people", args=[zone.own.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "王五" in text and "经济发展局" in text and "stranger" not in text
    assert client.get(reverse("zones:people", args=[zone.other.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.STAFF, Role.REVIEWER])
def test_unit_roles_do_not_open_the_people_pages(client, zone, role):
    user = MembershipFactory(unit=zone.econ, role=role).user
    client.force_login(user)
    assert client.get(reverse("zones:people_home")).status_code == 403
    assert client.get(reverse("zones:people", args=[zone.own.pk])).status_code == 403
    assert client.get(reverse("zones:zone_new")).status_code == 403


def test_the_list_filters_by_unit_role_and_state_and_pages(client, zone):
    for n in range(30):
        MembershipFactory(user=UserFactory(username=f"1380000{n:04d}", first_name=f"人{n}"), unit=zone.finance)
    client.force_login(zone.admin)
    url = reverse("zones:people", args=[zone.own.pk])
    assert client.get(url, {"unit": zone.finance.pk}).context["page"].paginator.count == 30
    assert client.get(url, {"unit": zone.finance.pk}).context["page"].object_list.__len__() == 25
    assert client.get(url, {"role": Role.ADMIN}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "王五"}).context["page"].paginator.count == 1
    assert client.get(url, {"active": "0"}).context["page"].paginator.count == 0
    assert client.get(url, {"unit": "nonsense", "page": "99x"}).status_code == 200


def test_adding_a_person_with_two_ticks_makes_one_person_with_two_roles_and_invites_them(client, zone):
    client.force_login(zone.admin)
    response = client.post(
        reverse("zones:person_new", args=[zone.own.pk]),
        {
            "name": "李四",
            "phone": "13800000002",
            "email": "lisi@example.cn",
            "grant": [f"unit:{zone.econ.pk}:reviewer", f"unit:{zone.finance.pk}:reviewer"],
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="13800000002")
    assert person.first_name == "李四" and not person.has_usable_password()
    assert not person.is_staff and not person.is_superuser
    assert set(Membership.objects.filter(user=person).values_list("unit", "role")) == {
        (zone.econ.pk, Role.REVIEWER),
        (zone.finance.pk, Role.REVIEWER),
    }
    (invitation,) = OutgoingMail.objects.filter(kind="invitation")
    assert invitation.to == "lisi@example.cn" and "/accounts/password/" in invitation.body


def test_a_unit_of_another_zone_or_a_bad_field_is_refused_with_nothing_created(client, zone):
    client.force_login(zone.admin)
    url = reverse("zones:person_new", args=[zone.own.pk])
    foreign = client.post(
        url,
        {
            "name": "李四",
            "phone": "13800000002",
            "email": "l@example.cn",
            "grant": [f"unit:{zone.foreign_unit.pk}:staff"],
        },
    )
    assert foreign.status_code == 400 and foreign.context["roles_error"]
    bad = client.post(
        url, {"name": "李\x0b四", "phone": "123", "email": "nope", "grant": [f"unit:{zone.econ.pk}:staff"]}
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"name", "phone", "email"}
    assert bad.context["form"]["phone"].value() == "123"  # the form keeps what was typed
    assert not User.objects.filter(username__in=["13800000002", "123"]).exists()
    assert not OutgoingMail.objects.exists()


def test_the_roles_grid_replaces_the_zones_roles_and_leaves_other_zones_alone(client, zone):
    client.force_login(zone.admin)
    url = reverse("zones:person_edit", args=[zone.own.pk, zone.staff.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "王五", "email": "ww@example.cn", "grant": [f"unit:{zone.finance.pk}:staff", "zone:leader"]}
    )
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=zone.staff).values_list("unit", "role")) == {
        (zone.finance.pk, Role.STAFF),
        (None, Role.LEADER),
    }
    # No role at all would take the person out of the zone: refused.
    assert client.post(url, {"name": "王五", "email": "ww@example.cn"}).status_code == 400


def test_never_another_zones_person_a_superuser_or_oneself(client, zone):
    client.force_login(zone.admin)
    for person in (zone.stranger, zone.root, zone.admin):
        assert client.get(reverse("zones:person_edit", args=[zone.own.pk, person.pk])).status_code == 403
        response = client.post(reverse("zones:person_active", args=[zone.own.pk, person.pk]), {"active": "0"})
        assert response.status_code == 403
    # Another zone's administrator cannot reach this zone's people through their own zone's address.
    client.force_login(zone.other_admin)
    assert client.get(reverse("zones:person_edit", args=[zone.other.pk, zone.staff.pk])).status_code == 403
    assert User.objects.filter(is_active=True).count() == User.objects.count()


def test_deactivate_reactivate_and_resend_the_invitation(client, zone):
    zone.staff.email = "ww@example.cn"
    zone.staff.save()
    client.force_login(zone.admin)
    client.post(reverse("zones:person_active", args=[zone.own.pk, zone.staff.pk]), {"active": "0"})
    zone.staff.refresh_from_db()
    assert not zone.staff.is_active
    client.post(reverse("zones:person_active", args=[zone.own.pk, zone.staff.pk]), {"active": "1"})
    zone.staff.refresh_from_db()
    assert zone.staff.is_active
    assert client.post(reverse("zones:person_invite", args=[zone.own.pk, zone.staff.pk])).status_code == 302
    assert OutgoingMail.objects.filter(kind="invitation", to="ww@example.cn").count() == 1


def test_a_superuser_manages_a_zones_people_but_not_another_superuser(client, zone):
    client.force_login(zone.root)
    assert client.get(reverse("zones:person_edit", args=[zone.own.pk, zone.staff.pk])).status_code == 200
    other_root = UserFactory(username="root2", is_superuser=True)
    Membership.objects.create(user=other_root, zone=zone.own, role=Role.LEADER)
    assert client.get(reverse("zones:person_edit", args=[zone.own.pk, other_root.pk])).status_code == 403
    # A person of another zone, reached through this zone's address, is refused too.
    assert client.get(reverse("zones:person_edit", args=[zone.own.pk, zone.stranger.pk])).status_code == 403


def test_the_people_pages_query_count_does_not_grow_with_its_rows(client, zone, django_assert_max_num_queries):
    client.force_login(zone.admin)
    url = reverse("zones:people", args=[zone.own.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        person = MembershipFactory(user=UserFactory(username=f"1380000{n:04d}"), unit=zone.finance).user
        MembershipFactory(user=person, unit=zone.econ, role=Role.REVIEWER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).context["page"]) == 23


def test_the_zone_administrator_adds_and_renames_units_of_their_own_zone_only(client, zone):
    client.force_login(zone.admin)
    url = reverse("zones:units", args=[zone.own.pk])
    assert client.post(url, {"name": "招商局", "kind": "bureau", "order": "3"}).status_code == 302
    assert zone.own.units.filter(name="招商局").exists()
    duplicate = client.post(url, {"name": "财政局", "kind": "bureau", "order": "0"})
    assert duplicate.status_code == 400 and "已有同名单位" in duplicate.content.decode()
    edit = reverse("zones:unit_edit", args=[zone.own.pk, zone.finance.pk])
    assert client.post(edit, {"name": "财政金融局", "kind": "bureau", "order": "1"}).status_code == 302
    zone.finance.refresh_from_db()
    assert zone.finance.name == "财政金融局"
    # Another zone's unit, through this zone's address, and another zone's units page.
    assert client.get(reverse("zones:unit_edit", args=[zone.own.pk, zone.foreign_unit.pk])).status_code == 404
    assert (
        client.post(
            reverse("zones:units", args=[zone.other.pk]), {"name": "x", "kind": "bureau", "order": "0"}
        ).status_code
        == 403
    )
    assert not zone.other.units.filter(name="x").exists()
