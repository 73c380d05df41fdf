"""Who may see and do what: the one policy that pages, the API and exports share.

Zone-wide roles (leadership, supervision, zone administration) see every plan
of their zones. Reporting staff and unit reviewers see the targets their units
lead or co-operate on; they enter or review only for the units they belong to.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from zones.choices import Role
from zones.models import Membership, RegionAccess, Unit, Zone

ZONE_WIDE_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
AnyUser = AbstractBaseUser | AnonymousUser


def _memberships(user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user)


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
    return units_with_role(user, Role.STAFF)


def review_units(user: AnyUser) -> QuerySet[Unit]:
    """Units whose submissions the user reviews."""
    return units_with_role(user, Role.REVIEWER)


def target_visibility(user: AnyUser, *, prefix: str = "") -> Q:
    """A filter on Target (or, with ``prefix``, on a model that reaches
    Target through it) selecting what the user may read."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    own_units = units_with_role(user, Role.STAFF, Role.REVIEWER)
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
    own_units = units_with_role(user, Role.STAFF, Role.REVIEWER)
    leading = own_units.filter(led_tasks__targets__isnull=False).values("led_tasks__plan")
    if not co_operation:
        return whole | Q(pk__in=leading)
    co_operating = own_units.filter(co_tasks__targets__isnull=False).values("co_tasks__plan")
    return whole | Q(pk__in=leading) | Q(pk__in=co_operating)


def can_enter(user: AnyUser, unit: Unit) -> bool:
    return user.is_authenticated and entry_units(user).filter(pk=unit.pk).exists()


def can_withdraw(user: AnyUser, unit: Unit) -> bool:
    """May the user take back a submission of ``unit`` that nobody reviewed yet
    (撤回): the unit's reporting staff, who share its period form and so its
    submissions (not only the colleague who pressed submit)."""
    return can_enter(user, unit)


def can_review(user: AnyUser, unit: Unit) -> bool:
    return user.is_authenticated and review_units(user).filter(pk=unit.pk).exists()


def sign_off_units(user: AnyUser) -> QuerySet[Unit]:
    """Units whose answers to follow-up notices the user signs off (or
    returns) before they reach supervision: the units they head, which are
    the units they review (the one role that answers for a unit as a whole)."""
    return review_units(user)


def can_sign_off(user: AnyUser, unit: Unit) -> bool:
    return user.is_authenticated and sign_off_units(user).filter(pk=unit.pk).exists()


def is_zone_admin(user: AnyUser, zone: Zone) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or _memberships(user).filter(zone=zone, role=Role.ADMIN).exists()


def late_report_deciders(user: AnyUser) -> QuerySet[Zone]:
    """Zones whose units' late-report requests (补报申请) the user grants or
    refuses: the zone office. Here that is the zone's administration, the one
    role that reopens a closed period (and a grant reopens it)."""
    if user.is_authenticated and user.is_superuser:
        return Zone.objects.all()
    return Zone.objects.filter(pk__in=_memberships(user).filter(role=Role.ADMIN).values("zone"))


def can_decide_late_reports(user: AnyUser, zone: Zone) -> bool:
    return user.is_authenticated and late_report_deciders(user).filter(pk=zone.pk).exists()


def can_correct(user: AnyUser, *, unit: Unit | None, zone: Zone) -> bool:
    """May the user correct an approved figure of a target led by ``unit`` in ``zone``: the
    unit's reviewer or the zone's administrator."""
    return bool(unit and can_review(user, unit)) or is_zone_admin(user, zone)


def can_read_zone(user: AnyUser, zone: Zone) -> bool:
    return zones_seen_whole(user).filter(pk=zone.pk).exists()


def can_read_unit_reports(user: AnyUser, unit: Unit) -> bool:
    """May the user read a unit's reports: its own staff and reviewers, the
    zone's readers, and units that co-operate on the tasks it leads."""
    if not user.is_authenticated:
        return False
    if units_with_role(user, Role.STAFF, Role.REVIEWER).filter(pk=unit.pk).exists():
        return True
    if can_read_zone(user, unit.zone):
        return True
    # A unit the user acts for co-operates on a task this unit leads (the
    # relation's name, so that the policy knows no layer above the zones).
    own_units = units_with_role(user, Role.STAFF, Role.REVIEWER)
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
    return (
        _memberships(user)
        .filter(Q(unit=unit, role__in=(Role.STAFF, Role.REVIEWER)) | Q(zone=unit.zone_id, role__in=ZONE_WIDE_ROLES))
        .exists()
    )
