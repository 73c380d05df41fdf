"""The policy's per-request memo of a user's memberships (``core.request_memo``)
changes no decision: every check answers what its queryset definition
answers, for every role on every unit and zone, inside a request's memo and
outside it; the memo never outlives its request, never mixes users, and a
change of memberships within a request is never read from a stale copy."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from core import request_memo
from tests.factories import MembershipFactory, UserFactory
from zones import policy
from zones.choices import Role
from zones.models import Membership, RegionAccess, Unit, Zone
from zones.people import roles_set


def _by_querysets(user, unit: Unit, zone: Zone) -> dict[str, bool]:
    """Each check as the policy's querysets define it (what the checks answered before the memo)."""
    own = policy.units_with_role(user, Role.STAFF, Role.REVIEWER)
    return {
        "can_enter": user.is_authenticated and policy.entry_units(user).filter(pk=unit.pk).exists(),
        "can_review": user.is_authenticated and policy.review_units(user).filter(pk=unit.pk).exists(),
        "can_sign_off": user.is_authenticated and policy.sign_off_units(user).filter(pk=unit.pk).exists(),
        "is_zone_admin": user.is_authenticated
        and (user.is_superuser or Membership.objects.filter(user=user, zone=zone, role=Role.ADMIN).exists()),
        "can_decide_late_reports": user.is_authenticated
        and policy.late_report_deciders(user).filter(pk=zone.pk).exists(),
        "can_read_zone": policy.zones_seen_whole(user).filter(pk=zone.pk).exists(),
        "can_read_unit_reports": user.is_authenticated
        and (
            own.filter(pk=unit.pk).exists()
            or policy.zones_seen_whole(user).filter(pk=unit.zone_id).exists()
            or Unit.objects.filter(pk=unit.pk, led_tasks__co_units__in=own).exists()
        ),
        "can_read_evidence": user.is_authenticated
        and (
            user.is_superuser
            or Membership.objects.filter(user=user)
            .filter(
                Q(unit=unit, role__in=(Role.STAFF, Role.REVIEWER))
                | Q(zone=unit.zone_id, role__in=policy.ZONE_WIDE_ROLES)
            )
            .exists()
        ),
        "can_instruct": user.is_authenticated and policy.instructing_zones(user).filter(pk=zone.pk).exists(),
        "can_answer_instruction": user.is_authenticated
        and policy.instruction_answer_units(user).filter(pk=unit.pk).exists(),
        "can_manage_people": policy.people_zones(user).filter(pk=zone.pk).exists(),
        "can_correct": bool(policy.review_units(user).filter(pk=unit.pk).exists() and user.is_authenticated)
        or (
            user.is_authenticated
            and (user.is_superuser or Membership.objects.filter(user=user, zone=zone, role=Role.ADMIN).exists())
        ),
    }


def _by_checks(user, unit: Unit, zone: Zone) -> dict[str, bool]:
    return {
        "can_enter": policy.can_enter(user, unit),
        "can_review": policy.can_review(user, unit),
        "can_sign_off": policy.can_sign_off(user, unit),
        "is_zone_admin": policy.is_zone_admin(user, zone),
        "can_decide_late_reports": policy.can_decide_late_reports(user, zone),
        "can_read_zone": policy.can_read_zone(user, zone),
        "can_read_unit_reports": policy.can_read_unit_reports(user, unit),
        "can_read_evidence": policy.can_read_evidence(user, unit),
        "can_instruct": policy.can_instruct(user, zone),
        "can_answer_instruction": policy.can_answer_instruction(user, unit),
        "can_manage_people": policy.can_manage_people(user, zone),
        "can_correct": policy.can_correct(user, unit=unit, zone=zone),
    }


@pytest.fixture
def everyone(world):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    # A reviewer of one unit who also leads another zone, and a province's viewer.
    mixed = MembershipFactory(user=UserFactory(username="mixed"), unit=world.zone.econ, role=Role.REVIEWER).user
    MembershipFactory(user=mixed, zone=world.zone.other_plan.zone, unit=None, role=Role.LEADER)
    province_viewer = UserFactory(username="province_viewer")
    RegionAccess.objects.create(user=province_viewer, region=world.zone.zone.region.parent or world.zone.zone.region)
    users = dict(world.users, superuser=superuser, mixed=mixed, province_viewer=province_viewer)
    users["anonymous"] = AnonymousUser()
    return users


@pytest.mark.parametrize("memo", [False, True], ids=["outside a request", "inside a request's memo"])
def test_every_check_answers_as_its_querysets_for_every_role_unit_and_zone(everyone, memo):
    units, zones = list(Unit.objects.all()), list(Zone.objects.all())
    assert len(units) > 2 and len(zones) > 1
    for (name, user), unit, zone in itertools.product(everyone.items(), units, zones):
        expected = _by_querysets(user, unit, zone)
        if memo:
            with request_memo.request_memo():
                got = _by_checks(user, unit, zone)
        else:
            got = _by_checks(user, unit, zone)
        assert got == expected, (name, unit, zone)


def test_the_roles_and_regions_read_are_those_of_the_database(everyone):
    for user in everyone.values():
        if not user.is_authenticated:
            assert policy.role_names(user) == frozenset() and policy.region_ids_widest_first(user) == ()
            continue
        assert policy.role_names(user) == set(Membership.objects.filter(user=user).values_list("role", flat=True))
        assert set(policy.region_ids_widest_first(user)) == set(
            RegionAccess.objects.filter(user=user).values_list("region_id", flat=True)
        )


def test_a_request_reads_the_memberships_once_whatever_the_checks(world, django_assert_num_queries):
    zone, user = world.zone, world.zone.staff
    with request_memo.request_memo(), django_assert_num_queries(1):
        for _ in range(5):
            policy.can_enter(user, zone.econ)
            policy.can_review(user, zone.econ)
            policy.can_read_evidence(user, zone.econ)
            policy.is_zone_admin(user, zone.zone)
            policy.can_instruct(user, zone.zone)


def test_outside_a_request_nothing_is_kept(world, django_assert_num_queries):
    zone, user = world.zone, world.zone.staff
    assert request_memo._current.get() is None
    with django_assert_num_queries(2):
        policy.can_enter(user, zone.econ)
        policy.can_enter(user, zone.econ)


def test_the_memo_never_mixes_users(world):
    zone = world.zone
    with request_memo.request_memo():
        assert policy.can_enter(zone.staff, zone.econ)
        assert not policy.can_enter(zone.reviewer, zone.econ)
        assert policy.can_review(zone.reviewer, zone.econ)
        assert not policy.can_review(zone.staff, zone.econ)


@pytest.mark.parametrize(
    "change",
    ["create", "bulk_create", "delete", "queryset delete", "update", "roles_set", "region access"],
)
def test_a_change_of_memberships_in_the_request_is_read_at_once(world, change):
    zone = world.zone
    user = UserFactory(username="newcomer")
    with request_memo.request_memo() as memo:
        assert not policy.can_enter(user, zone.econ) and not policy.can_read_zone(user, zone.zone)
        assert memo.values  # the memberships were kept
        if change == "create":
            Membership.objects.create(user=user, zone=zone.zone, unit=zone.econ, role=Role.STAFF)
        elif change == "bulk_create":
            Membership.objects.bulk_create([Membership(user=user, zone=zone.zone, unit=zone.econ, role=Role.STAFF)])
        elif change == "roles_set":
            roles_set(person=user, zone=zone.zone, grants={(zone.econ.pk, Role.STAFF)})
        elif change == "region access":
            RegionAccess.objects.create(user=user, region=zone.zone.region)
            assert policy.can_read_zone(user, zone.zone)
            return
        else:
            membership = Membership.objects.create(user=user, zone=zone.zone, unit=zone.econ, role=Role.REVIEWER)
            assert policy.can_review(user, zone.econ)
            if change == "delete":
                membership.delete()
            elif change == "queryset delete":
                Membership.objects.filter(user=user).delete()
            else:
                Membership.objects.filter(pk=membership.pk).update(role=Role.STAFF)
                assert policy.can_enter(user, zone.econ)
            assert not policy.can_review(user, zone.econ)
            return
        assert policy.can_enter(user, zone.econ)
        assert policy.role_names(user) == {Role.STAFF}


def test_a_change_rolled_back_leaves_no_stale_copy(world):
    zone = world.zone
    user = UserFactory(username="newcomer")
    with request_memo.request_memo():
        with pytest.raises(RuntimeError), transaction.atomic():
            Membership.objects.create(user=user, zone=zone.zone, unit=zone.econ, role=Role.STAFF)
            assert policy.can_enter(user, zone.econ)
            raise RuntimeError
        assert not policy.can_enter(user, zone.econ)


def test_each_request_has_its_own_memo(client, world):
    """A role granted between two requests shows on the second; no memo is left once a response is sent."""
    zone = world.zone
    user = UserFactory(username="newcomer")
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert 'id="nav-mine"' not in page
    assert request_memo._current.get() is None
    Membership.objects.create(user=user, zone=zone.zone, unit=zone.econ, role=Role.STAFF)
    page = client.get(reverse("account")).content.decode()
    assert 'id="nav-mine"' in page
    assert request_memo._current.get() is None


def test_the_people_page_grants_roles_and_the_same_request_reads_them(client, world):
    """An administrator's role edit on the people page is read afresh by the rest of the request."""
    zone = world.zone
    with request_memo.request_memo():
        assert not policy.can_enter(zone.invest_staff, zone.econ)
        roles_set(
            person=zone.invest_staff,
            zone=zone.zone,
            grants=set(Membership.objects.filter(user=zone.invest_staff).values_list("unit_id", "role"))
            | {(zone.econ.pk, Role.STAFF)},
        )
        assert policy.can_enter(zone.invest_staff, zone.econ)
