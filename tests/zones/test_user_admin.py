"""The admin's user pages keep a zone administrator to the people of their own zones and out of
every account power: superuser, staff, groups, permissions and other people's passwords."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from core.mail_delivery import mail_deliver
from core.models import OutgoingMail
from tests.factories import MembershipFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role
from zones.models import Membership, RegionAccess
from zones.services import zone_admin_group_ensure

pytestmark = pytest.mark.django_db
User = get_user_model()


def zone_admin(username: str, zone):
    """A zone administrator as the demo sets one up: staff flag, the group, an ADMIN membership."""
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(zone_admin_group_ensure())
    Membership.objects.create(user=user, zone=zone, role=Role.ADMIN)
    return user


@pytest.fixture
def people():
    own, other = ZoneFactory(short_name="本区"), ZoneFactory(short_name="他区")
    own_unit, other_unit = UnitFactory(zone=own, name="本区经发局"), UnitFactory(zone=other, name="他区经发局")
    admin = zone_admin("own_admin", own)
    staff = MembershipFactory(
        user=UserFactory(username="own_staff", email="own_staff@example.com"), unit=own_unit, role=Role.STAFF
    ).user
    stranger = MembershipFactory(user=UserFactory(username="other_staff"), unit=other_unit, role=Role.STAFF).user
    both = MembershipFactory(user=UserFactory(username="both_zones"), unit=own_unit, role=Role.REVIEWER).user
    MembershipFactory(user=both, unit=other_unit, role=Role.REVIEWER)
    fellow = zone_admin("fellow_admin", own)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    return SimpleNamespace(
        own=own,
        other=other,
        own_unit=own_unit,
        other_unit=other_unit,
        admin=admin,
        staff=staff,
        stranger=stranger,
        both=both,
        fellow=fellow,
        root=root,
    )


def change_url(user) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def change_data(user, memberships: list[Membership], **extra) -> dict:
    """What the zone administrator's change form posts: the account's fields and its memberships."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, membership in enumerate(memberships):
        data.update(
            {
                f"memberships-{i}-id": str(membership.pk),
                f"memberships-{i}-user": str(user.pk),
                f"memberships-{i}-zone": str(membership.zone_id),
                f"memberships-{i}-unit": str(membership.unit_id or ""),
                f"memberships-{i}-role": membership.role,
            }
        )
    data.update(extra)
    return data


def add_data(**extra) -> dict:
    data = {
        "username": "new_staff",
        "first_name": "新",
        "last_name": "",
        "email": "new_staff@example.com",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_a_zone_admin_lists_only_the_people_of_their_own_zones(client, people):
    client.force_login(people.admin)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "own_staff" in page
    for hidden in ("other_staff", "both_zones", "root", "fellow_admin"):
        assert hidden not in page, hidden


def test_a_zone_admin_cannot_open_a_user_of_another_zone_or_a_superuser_by_url(client, people):
    client.force_login(people.admin)
    assert client.get(change_url(people.staff)).status_code == 200
    for user in (people.stranger, people.both, people.root, people.fellow):
        response = client.get(change_url(user))
        assert response.status_code == 302 and response["Location"] == reverse("admin:index"), user.username


def test_a_zone_admin_does_not_see_the_account_power_fields(client, people):
    client.force_login(people.admin)
    form = client.get(change_url(people.staff)).context["adminform"].form
    assert {"username", "first_name", "last_name", "email", "is_active"} <= set(form.fields)
    assert not {"is_superuser", "is_staff", "groups", "user_permissions", "password"} & set(form.fields)


def test_a_zone_admin_cannot_grant_superuser_staff_groups_or_permissions(client, people):
    client.force_login(people.admin)
    membership = people.staff.memberships.get()
    group = Group.objects.create(name="all powers")
    permission = Permission.objects.get(codename="change_user")
    response = client.post(
        change_url(people.staff),
        change_data(
            people.staff,
            [membership],
            first_name="改名",
            is_superuser="on",
            is_staff="on",
            groups=[group.pk],
            user_permissions=[permission.pk],
        ),
    )
    assert response.status_code == 302
    people.staff.refresh_from_db()
    assert people.staff.first_name == "改名"  # the form was saved, without the power fields
    assert not people.staff.is_superuser and not people.staff.is_staff
    assert not people.staff.groups.exists() and not people.staff.user_permissions.exists()


def test_a_zone_admin_cannot_change_a_user_of_another_zone(client, people):
    client.force_login(people.admin)
    membership = people.stranger.memberships.get()
    response = client.post(
        change_url(people.stranger), change_data(people.stranger, [membership], email="me@evil.example")
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    people.stranger.refresh_from_db()
    assert people.stranger.email != "me@evil.example"


def test_a_zone_admin_cannot_set_anyones_password(client, people):
    client.force_login(people.admin)
    before = User.objects.get(pk=people.staff.pk).password
    for user in (people.staff, people.stranger, people.root):
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        assert client.get(url).status_code in (403, 404), user.username
        response = client.post(url, {"password1": "Taken-over-2024", "password2": "Taken-over-2024"})
        assert response.status_code in (403, 404), user.username
    assert User.objects.get(pk=people.staff.pk).password == before
    assert not User.objects.get(pk=people.root.pk).check_password("Taken-over-2024")


def test_a_superuser_still_sets_a_password(client, people):
    client.force_login(people.root)
    url = reverse("admin:auth_user_password_change", args=[people.staff.pk])
    response = client.post(
        url, {"password1": "Chosen-by-root-2024", "password2": "Chosen-by-root-2024", "set_usable_password": "true"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=people.staff.pk).check_password("Chosen-by-root-2024")


def test_a_zone_admin_sends_a_password_link_that_lets_the_user_choose_a_password(client, people, settings):
    settings.SITE_URL = "https://taizhang.example.org"
    client.force_login(people.admin)
    response = client.post(reverse("admin:auth_user_password_email", args=[people.staff.pk]))
    assert response.status_code == 302
    assert mail.outbox == []  # never sent in the request: owed, for a worker to send
    (owed,) = OutgoingMail.objects.filter(kind="password_link")
    assert mail_deliver(mail_id=owed.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["own_staff@example.com"]
    link = next(word for word in message.body.split() if word.startswith("https://taizhang.example.org/"))
    path = link.removeprefix("https://taizhang.example.org")

    user_client = type(client)()
    form_page = user_client.get(path, follow=True)
    assert form_page.status_code == 200
    done = user_client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Mine-alone-2024", "new_password2": "Mine-alone-2024"}
    )
    assert done.status_code == 302
    assert User.objects.get(pk=people.staff.pk).check_password("Mine-alone-2024")


def test_a_zone_admin_cannot_send_a_password_link_for_a_user_of_another_zone(client, people):
    client.force_login(people.admin)
    for user in (people.stranger, people.root):
        response = client.post(reverse("admin:auth_user_password_email", args=[user.pk]))
        assert response.status_code in (302, 403, 404)
    assert mail.outbox == []


def test_the_password_link_needs_an_email_address(client, people):
    people.staff.email = ""
    people.staff.save()
    client.force_login(people.admin)
    response = client.post(reverse("admin:auth_user_password_email", args=[people.staff.pk]), follow=True)
    assert response.status_code == 200
    assert mail.outbox == []
    assert any(message.level_tag == "error" for message in response.context["messages"])


def test_a_zone_admin_adds_a_user_with_a_membership_of_their_zone_and_no_password(client, people):
    client.force_login(people.admin)
    response = client.post(
        reverse("admin:auth_user_add"),
        add_data(
            **{
                "memberships-0-zone": str(people.own.pk),
                "memberships-0-unit": str(people.own_unit.pk),
                "memberships-0-role": Role.STAFF,
            },
            is_staff="on",
            is_superuser="on",
            password1="Chosen-by-admin-2024",
            password2="Chosen-by-admin-2024",
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_staff")
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()  # the user sets it through the e-mailed link
    assert list(user.memberships.values_list("zone", "role")) == [(people.own.pk, Role.STAFF)]


def test_a_zone_admin_cannot_add_a_user_without_a_membership_of_their_zone(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("admin:auth_user_add"), add_data())
    assert response.status_code == 200  # the form again, with its error
    assert not User.objects.filter(username="new_staff").exists()


def test_a_zone_admin_cannot_give_a_membership_of_another_zone(client, people):
    client.force_login(people.admin)
    admin_of_other_zone = {
        "memberships-0-zone": str(people.other.pk),
        "memberships-0-unit": "",
        "memberships-0-role": Role.ADMIN,
    }
    response = client.post(reverse("admin:auth_user_add"), add_data(**admin_of_other_zone))
    assert response.status_code == 200
    assert not User.objects.filter(username="new_staff").exists()

    membership = people.staff.memberships.get()
    data = change_data(people.staff, [membership], **{"memberships-TOTAL_FORMS": "2"})
    data.update({k.replace("-0-", "-1-"): v for k, v in admin_of_other_zone.items()})
    client.post(change_url(people.staff), data)
    assert not people.staff.memberships.filter(zone=people.other).exists()

    client.post(
        reverse("admin:zones_membership_add"),
        {"user": people.staff.pk, "zone": people.other.pk, "role": Role.ADMIN},
    )
    assert not people.staff.memberships.filter(zone=people.other).exists()


def test_a_zone_admin_cannot_remove_a_users_last_membership_of_their_zone(client, people):
    client.force_login(people.admin)
    membership = people.staff.memberships.get()
    response = client.post(
        change_url(people.staff), change_data(people.staff, [membership], **{"memberships-0-DELETE": "on"})
    )
    assert response.status_code == 200
    assert people.staff.memberships.exists()


def test_a_zone_admin_cannot_attach_a_membership_to_someone_outside_their_zones(client, people):
    client.force_login(people.admin)
    for user in (people.root, people.stranger, people.fellow):
        client.post(
            reverse("admin:zones_membership_add"),
            {"user": user.pk, "zone": people.own.pk, "unit": people.own_unit.pk, "role": Role.STAFF},
        )
        assert not user.memberships.filter(unit=people.own_unit, role=Role.STAFF).exists(), user.username


def test_a_zone_admin_does_not_manage_accounts_that_hold_more_than_memberships(client, people):
    """A region's viewer or a holder of a group or permission has powers a superuser gave: a zone
    administrator who could change their e-mail and send a password link would take them over."""
    viewer = MembershipFactory(user=UserFactory(username="region_viewer"), unit=people.own_unit).user
    RegionAccess.objects.create(user=viewer, region=people.own.region)
    grouped = MembershipFactory(user=UserFactory(username="grouped"), unit=people.own_unit).user
    grouped.groups.add(Group.objects.create(name="auditors"))
    client.force_login(people.admin)
    for user in (viewer, grouped):
        assert client.get(change_url(user)).status_code == 302, user.username


def test_only_a_superuser_deletes_a_user(client, people):
    client.force_login(people.admin)
    url = reverse("admin:auth_user_delete", args=[people.staff.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=people.staff.pk).exists()
    client.force_login(people.root)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=people.staff.pk).exists()


def test_a_superuser_manages_superusers_and_every_field(client, people):
    client.force_login(people.root)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "root" in page and "other_staff" in page and "fellow_admin" in page
    form = client.get(change_url(people.staff)).context["adminform"].form
    assert {"is_superuser", "is_staff", "groups", "user_permissions"} <= set(form.fields)


def test_the_membership_forms_user_search_offers_only_the_people_a_zone_admin_manages(client, people):
    client.force_login(people.admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "zones", "model_name": "membership", "field_name": "user", "term": ""},
    )
    assert response.status_code == 200
    offered = {row["text"] for row in response.json()["results"]}
    assert offered == {"own_staff"}
