"""Who may see and do what: the one policy that pages, the API and exports share.

Zone-wide roles (leadership, supervision, zone administration) see every plan
of their zones. Reporting staff and unit reviewers see the targets their units
lead or co-operate on; they enter or review only for the units they belong to.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Q, QuerySet, Value, When

from core.request_memo import memoised, watch_tables
from zones.choices import RegionLevel, Role
from zones.models import Membership, RegionAccess, Unit, Zone

ZONE_WIDE_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
# Each role set below is read by a unit's (or zone's) queryset and by its yes/no
# check alike, so that the two can never disagree on who holds it.
ENTRY_ROLES = (Role.STAFF,)
REVIEW_ROLES = (Role.REVIEWER,)
UNIT_PEOPLE_ROLES = (Role.STAFF, Role.REVIEWER)  # who acts for a unit: its staff and reviewers
ADMIN_ROLES = (Role.ADMIN,)
AnyUser = AbstractBaseUser | AnonymousUser

Grant = tuple[int, int | None, str]
"""One membership: (zone id, unit id or None, role)."""

_MEMBERSHIP_TABLES = watch_tables(Membership._meta.db_table)
_REGION_TABLES = watch_tables(RegionAccess._meta.db_table)
_WIDEST_FIRST = (Case(When(region__level=RegionLevel.PROVINCE, then=Value(0)), default=Value(1)), "region__name")


def _memberships(user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user)


def grants(user: AnyUser) -> tuple[Grant, ...]:
    """The user's memberships as (zone id, unit id, role), read once per request
    (``core.request_memo``: every badge of the menu and every check of a page
    share one query; outside a request, or after a request changed memberships,
    each call reads the database)."""
    if not user.is_authenticated or user.pk is None:
        return ()
    return memoised(
        ("policy.grants", user.pk),
        _MEMBERSHIP_TABLES,
        lambda: tuple(_memberships(user).order_by().values_list("zone_id", "unit_id", "role")),
    )


def role_names(user: AnyUser) -> frozenset[str]:
    """The roles the user holds in any zone."""
    return frozenset(role for _zone, _unit, role in grants(user))


def unit_ids_with_role(user: AnyUser, *roles: str) -> set[int]:
    """The ids of the units for which the user holds one of ``roles`` (what ``units_with_role`` selects)."""
    return {unit for _zone, unit, role in grants(user) if unit is not None and role in roles}


def _holds(user: AnyUser, *, roles: tuple[str, ...], unit: int | None = None, zone: int | None = None) -> bool:
    """Does the user hold one of ``roles`` for the unit (or in the zone) of this id."""
    if unit is None and zone is None:
        return False
    return any(
        role in roles and (unit is None or unit == u) and (zone is None or zone == z) for z, u, role in grants(user)
    )


def region_ids_widest_first(user: AnyUser) -> tuple[int, ...]:
    """The regions the user may view (region access), the widest first (a
    province before a city, then by name: ``zones.selectors.widest_region_id``'s
    order), read once per request like ``grants``."""
    if not user.is_authenticated or user.pk is None:
        return ()
    return memoised(
        ("policy.regions", user.pk),
        _REGION_TABLES,
        lambda: tuple(
            RegionAccess.objects.filter(user=user).order_by(*_WIDEST_FIRST).values_list("region_id", flat=True)
        ),
    )


def _pk(obj) -> int | None:
    return obj if obj is None or isinstance(obj, int) else obj.pk


def zones_seen_whole(user: AnyUser) -> QuerySet[Zone]:
    """Zones whose every plan and target the user may read: those of the
    user's zone-wide roles, and every zone of a region the user may view."""
    if user.is_authenticated and user.is_superuser:
        return Zone.objects.all()
    if not user.is_authenticated:
        return Zone.objects.none()
    regions = RegionAccess.objects.filter(user=user).values("region")
    return Zone.objects.filter(
        Q(pk__in=_memberships(user).filter(role__in=ZONE_WIDE_ROLES).values("zone"))
        | Q(region__in=regions)
        | Q(region__parent__in=regions)
    )


def units_with_role(user: AnyUser, *roles: str) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=_memberships(user).filter(role__in=roles, unit__isnull=False).values("unit"))


def entry_units(user: AnyUser) -> QuerySet[Unit]:
    """Units the user enters figures for."""
    return units_with_role(user, *ENTRY_ROLES)


def review_units(user: AnyUser) -> QuerySet[Unit]:
    """Units whose submissions the user reviews."""
    return units_with_role(user, *REVIEW_ROLES)


def target_visibility(user: AnyUser, *, prefix: str = "") -> Q:
    """A filter on Target (or, with ``prefix``, on a model that reaches
    Target through it) selecting what the user may read."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    own_units = units_with_role(user, *UNIT_PEOPLE_ROLES)
    return (
        Q(**{f"{prefix}task__plan__zone__in": zones_seen_whole(user)})
        | Q(**{f"{prefix}task__lead_unit__in": own_units})
        | Q(**{f"{prefix}task__co_units__in": own_units})
    )


def plan_visibility(user: AnyUser, *, whole_zones_only: bool = False, co_operation: bool = True) -> Q:
    """A filter on Plan selecting the plans with something the user may read:
    every plan of a zone seen whole and, unless ``whole_zones_only`` (the
    pages for zone-wide roles), each plan in which a unit the user acts for
    leads a task with targets or, with ``co_operation``, co-operates on one
    (what ``target_visibility`` lets them read; the ledger, a lead unit's
    download, leaves co-operation out). It names the relations, not the
    models, so that the policy knows no layer above the zones;
    ``Plan.objects.readable_by`` applies it to the plans out of draft."""
    whole = Q(zone__in=zones_seen_whole(user).values("pk"))
    if whole_zones_only:
        return whole
    own_units = units_with_role(user, *UNIT_PEOPLE_ROLES)
    leading = own_units.filter(led_tasks__targets__isnull=False).values("led_tasks__plan")
    if not co_operation:
        return whole | Q(pk__in=leading)
    co_operating = own_units.filter(co_tasks__targets__isnull=False).values("co_tasks__plan")
    return whole | Q(pk__in=leading) | Q(pk__in=co_operating)


def can_enter(user: AnyUser, unit: Unit) -> bool:
    # entry_units(user) holds the unit: a staff membership for it.
    return user.is_authenticated and _holds(user, roles=ENTRY_ROLES, unit=unit.pk)


def can_withdraw(user: AnyUser, unit: Unit) -> bool:
    """May the user take back a submission of ``unit`` that nobody reviewed yet
    (撤回): the unit's reporting staff, who share its period form and so its
    submissions (not only the colleague who pressed submit)."""
    return can_enter(user, unit)


def can_review(user: AnyUser, unit: Unit) -> bool:
    # review_units(user) holds the unit: a reviewer's membership for it.
    return user.is_authenticated and _holds(user, roles=REVIEW_ROLES, unit=unit.pk)


def sign_off_units(user: AnyUser) -> QuerySet[Unit]:
    """Units whose answers to follow-up notices the user signs off (or
    returns) before they reach supervision: the units they head, which are
    the units they review (the one role that answers for a unit as a whole)."""
    return review_units(user)


def can_sign_off(user: AnyUser, unit: Unit) -> bool:
    # sign_off_units(user) (the units reviewed) holds the unit.
    return can_review(user, unit)


def is_zone_admin(user: AnyUser, zone: Zone) -> bool:
    if not user.is_authenticated:
        return False
    # zones_administered_by(user) holds the zone.
    return user.is_superuser or _holds(user, roles=ADMIN_ROLES, zone=_pk(zone))


def webhook_zones(user: AnyUser) -> QuerySet[Zone]:
    """Zones whose work-group robots the user keeps: those they administer."""
    return zones_administered_by(user)


def can_manage_webhooks(user: AnyUser, zone: Zone) -> bool:
    """May the user see and change the zone's group robots: its administrator."""
    return is_zone_admin(user, zone)


def late_report_deciders(user: AnyUser) -> QuerySet[Zone]:
    """Zones whose units' late-report requests (补报申请) the user grants or
    refuses: the zone office. Here that is the zone's administration, the one
    role that reopens a closed period (and a grant reopens it)."""
    return zones_administered_by(user)


def export_record_zones(user: AnyUser) -> QuerySet[Zone]:
    """Zones whose record of exports (who took which list, ledger or bulletin
    out of the app, and when) the user reads: the zone's administration, who
    answers for the zone's working papers."""
    return zones_administered_by(user)


def can_decide_late_reports(user: AnyUser, zone: Zone) -> bool:
    # late_report_deciders(user) holds the zone: its administrators.
    return is_zone_admin(user, zone)


def can_correct(user: AnyUser, *, unit: Unit | None, zone: Zone) -> bool:
    """May the user correct an approved figure of a target led by ``unit`` in ``zone``: the
    unit's reviewer or the zone's administrator."""
    return bool(unit and can_review(user, unit)) or is_zone_admin(user, zone)


def can_read_zone(user: AnyUser, zone: Zone) -> bool:
    # zones_seen_whole(user) holds the zone: read from the memoised grants and
    # region access, the query asked only for a superuser or a region's viewer.
    if not user.is_authenticated:
        return False
    if not user.is_superuser:
        if _holds(user, roles=ZONE_WIDE_ROLES, zone=zone.pk):
            return True
        if not region_ids_widest_first(user):
            return False
    return zones_seen_whole(user).filter(pk=zone.pk).exists()


def can_read_unit_reports(user: AnyUser, unit: Unit) -> bool:
    """May the user read a unit's reports: its own staff and reviewers, the
    zone's readers, and units that co-operate on the tasks it leads."""
    if not user.is_authenticated:
        return False
    if _holds(user, roles=UNIT_PEOPLE_ROLES, unit=unit.pk):
        return True
    if can_read_zone(user, unit.zone):
        return True
    # A unit the user acts for co-operates on a task this unit leads (the
    # relation's name, so that the policy knows no layer above the zones).
    if not unit_ids_with_role(user, *UNIT_PEOPLE_ROLES):
        return False
    own_units = units_with_role(user, *UNIT_PEOPLE_ROLES)
    return Unit.objects.filter(pk=unit.pk, led_tasks__co_units__in=own_units).exists()


def co_operation_filter(unit: Unit) -> Q:
    """A filter on Target selecting the targets of the tasks on which ``unit``
    co-operates: tasks of its own zone that name it a co-operating unit
    (配合单位) and that it does not lead. The one definition of where a unit's
    reporting staff (``can_enter``) may write its part of a task's progress,
    never another unit's; it names the relations, not the models, so that the
    policy knows no layer above the zones."""
    return Q(task__co_units=unit, task__plan__zone=unit.zone_id) & ~Q(task__lead_unit=unit)


def can_attach_evidence(user: AnyUser, unit: Unit) -> bool:
    """May the user add or remove evidence (佐证材料) on a unit's reports: its reporting staff
    alone (whether the report still accepts changes is the report's state, not a right)."""
    return can_enter(user, unit)


def can_read_evidence(user: AnyUser, unit: Unit) -> bool:
    """May the user open the evidence attached to a unit's reports: the unit's own staff and
    reviewers, and the leaders, supervision team and administrators of the unit's own zone.
    Narrower than reading the reports: a co-operating unit or a region's viewer reads the
    figures and the narrative, not the documents behind them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _holds(user, roles=UNIT_PEOPLE_ROLES, unit=unit.pk) or _holds(
        user, roles=ZONE_WIDE_ROLES, zone=unit.zone_id
    )


# Leaders' instructions (领导批示). Rights only: the instruction itself is supervision's.

INSTRUCTING_ROLES = (Role.LEADER,)
"""Who writes an instruction: the zone's leadership alone. An instruction
carries its author's name and authority (the ledger and the bulletin print
it as the leader's word), so the supervision team, who issue follow-up
notices of their own, and the zone administrators, who run the system, do
not write one, and neither does a superuser who holds no leader's role."""


def instructing_zones(user: AnyUser) -> QuerySet[Zone]:
    """The zones in which the user writes instructions (``INSTRUCTING_ROLES``)."""
    return Zone.objects.filter(pk__in=_memberships(user).filter(role__in=INSTRUCTING_ROLES).values("zone"))


def can_instruct(user: AnyUser, zone: Zone) -> bool:
    # instructing_zones(user) holds the zone.
    return user.is_authenticated and _holds(user, roles=INSTRUCTING_ROLES, zone=zone.pk)


def instruction_answer_units(user: AnyUser) -> QuerySet[Unit]:
    """Units whose instructions the user answers: their reporting staff and reviewers."""
    return units_with_role(user, *UNIT_PEOPLE_ROLES)


def can_answer_instruction(user: AnyUser, unit: Unit) -> bool:
    # instruction_answer_units(user) holds the unit.
    return user.is_authenticated and _holds(user, roles=UNIT_PEOPLE_ROLES, unit=unit.pk)


def can_mark_instruction_read(user: AnyUser, *, author_id: int) -> bool:
    """May the user mark an instruction's answer read (已阅): its author alone."""
    return user.is_authenticated and user.pk == author_id


def instruction_visibility(user: AnyUser) -> Q:
    """A filter on instructions (by the relations' names, so that the policy
    knows no layer above the zones): those of the zones the user reads whole
    and those addressed to the units the user answers for."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(zone__in=zones_seen_whole(user).values("pk")) | Q(unit__in=instruction_answer_units(user).values("pk"))


def can_publish_plan(user: AnyUser, zone: Zone) -> bool:
    """May the user publish a plan of ``zone``, see what it still lacks and
    set the month its reporting starts: the zone's administration."""
    return is_zone_admin(user, zone)


# People: who manages whose account. The admin's user pages and the zone's people page
# (zones.views) both read these, so the two never disagree.


def zones_administered_by(user: AnyUser) -> QuerySet[Zone]:
    """The zones whose people, units and plans the user administers (every zone for a superuser)."""
    if not user.is_authenticated:
        return Zone.objects.none()
    if user.is_superuser:
        return Zone.objects.all()
    return Zone.objects.filter(pk__in=_memberships(user).filter(role__in=ADMIN_ROLES).values("zone"))


def users_managed_by(user: AnyUser) -> QuerySet:
    """The accounts a user may open and edit (the admin's user pages and the people page): every account for a
    superuser; for a zone administrator the people of their zones whose only
    powers are memberships there.

    Left out are superusers, staff accounts (other administrators), anyone
    with a membership in a zone the administrator does not run, a region's
    viewers and holders of a group or a permission: a zone administrator
    edits e-mail addresses and sends password links, so managing such an
    account would hand over powers that only a superuser grants.
    """
    users = get_user_model()._default_manager.all()
    if not user.is_authenticated:
        return users.none()
    if user.is_superuser:
        return users
    zones = zones_administered_by(user)
    return (
        users.filter(pk__in=Membership.objects.filter(zone__in=zones).values("user"))
        .exclude(pk__in=Membership.objects.exclude(zone__in=zones).values("user"))
        .exclude(pk__in=RegionAccess.objects.values("user"))
        .filter(is_superuser=False, is_staff=False, groups=None, user_permissions=None)
    )


def people_zones(user: AnyUser) -> QuerySet[Zone]:
    """Zones whose people page the user may open: the zones they administer. The zone
    administrator role alone grants it: no staff flag or group is read."""
    return zones_administered_by(user)


def can_manage_people(user: AnyUser, zone: Zone) -> bool:
    # people_zones(user) holds the zone: its administrators.
    return is_zone_admin(user, zone)


def can_manage_person(user: AnyUser, person: AbstractBaseUser, zone: Zone) -> bool:
    """May the user change ``person``'s roles, name, e-mail, active state or send them a
    password link, on ``zone``'s people page: someone else who is one of the accounts the user
    manages (never a superuser, a staff account, someone of another zone or a holder of
    powers only a superuser grants) and belongs to ``zone``."""
    return managed_people(user, zone).filter(pk=person.pk).exists()


def managed_people(user: AnyUser, zone: Zone) -> QuerySet:
    """The people of ``zone`` whose page the user may change (``can_manage_person``): none
    unless the user administers the zone; never the user (one's own roles and state are another
    administrator's or a superuser's to change) nor a superuser."""
    if not can_manage_people(user, zone):
        return get_user_model()._default_manager.none()
    return (
        users_managed_by(user)
        .filter(pk__in=Membership.objects.filter(zone=zone).values("user"))
        .exclude(pk=user.pk)
        .exclude(is_superuser=True)
    )


def can_create_zone(user: AnyUser) -> bool:
    """Setting up a new zone (with its region and first administrator) is a superuser's."""
    return bool(user.is_authenticated and user.is_superuser)


def job_plan_filter(user: AnyUser, *, plan_prefix: str) -> Q | None:
    """A filter on Plan (through ``plan_prefix``) selecting the plans whose
    jobs the user may read in the job log: all for a superuser (None: no
    filter), else those of the zones the user administers. Jobs about no plan
    (the nightly sweep, the mail) are the superuser's."""
    if user.is_authenticated and user.is_superuser:
        return None
    return Q(**{f"{plan_prefix}zone__in": zones_administered_by(user)})
