"""Reads of zones and memberships, scoped to a user."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from zones import policy
from zones.choices import RegionLevel
from zones.models import Membership, Region, RegionAccess, Zone

# Widest first: a province before a city, then by name. The order of a
# region viewer's regions on the home page, and the one the nav links to.
_WIDEST_FIRST = (Case(When(region__level=RegionLevel.PROVINCE, then=Value(0)), default=Value(1)), "region__name")


def zones_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Zone]:
    """Zones a user has anything to do with: those seen whole (zone-wide
    roles, region access) and those of the user's units."""
    if not user.is_authenticated:
        return Zone.objects.none()
    return Zone.objects.filter(
        Q(pk__in=policy.zones_seen_whole(user).values("pk")) | Q(memberships__user=user)
    ).distinct()


def memberships_of(user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("zone", "unit").order_by("zone__code", "role")


@dataclass(frozen=True)
class RegionEntry:
    """A region whose zones a region viewer may compare, with how many zones
    they see in it; ``within`` names the accessed province a city is listed under."""

    region: Region
    zone_count: int
    within: Region | None = None


def regions_of(user: AbstractBaseUser | AnonymousUser) -> list[RegionEntry]:
    """The regions a user may compare through their region access: each
    accessed region, widest first, a province followed by its cities (three
    queries, whatever the number of regions). A city is listed once, under
    its province when the user reaches both."""
    if not user.is_authenticated:
        return []
    accessed = [
        access.region
        for access in RegionAccess.objects.filter(user=user).select_related("region__parent").order_by(*_WIDEST_FIRST)
    ]
    if not accessed:
        return []
    provinces = {region.pk for region in accessed if region.level == RegionLevel.PROVINCE}
    cities: dict[int, list[Region]] = {}
    for city in Region.objects.filter(parent__in=provinces).select_related("parent").order_by("name"):
        cities.setdefault(city.parent_id, []).append(city)
    counts: Counter[int] = Counter()
    for region_id, parent_id in policy.zones_seen_whole(user).values_list("region_id", "region__parent_id"):
        counts[region_id] += 1
        if parent_id is not None:
            counts[parent_id] += 1
    entries = []
    for region in accessed:
        if region.parent_id in provinces:
            continue  # listed under its province
        entries.append(RegionEntry(region=region, zone_count=counts[region.pk]))
        entries += [
            RegionEntry(region=city, zone_count=counts[city.pk], within=region)
            for city in cities.get(region.pk, [])
            if counts[city.pk]
        ]
    return entries


def widest_region_id(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The widest region the user may compare (the first of ``regions_of``),
    for the navigation's comparison link (one query); none without region access."""
    if not user.is_authenticated:
        return None
    return RegionAccess.objects.filter(user=user).order_by(*_WIDEST_FIRST).values_list("region_id", flat=True).first()


def comparison_region_id(region: Region, *, user: AbstractBaseUser | AnonymousUser, accessed: set[int]) -> int:
    """The region to compare a zone of ``region`` (a city) in: its province
    when the user may view the whole province (``accessed``: the ids of the
    user's accessed regions, read once for a page), else the city itself."""
    if region.parent_id and (user.is_superuser or region.parent_id in accessed):
        return region.parent_id
    return region.pk


def accessed_region_ids(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(RegionAccess.objects.filter(user=user).values_list("region_id", flat=True))


def member_ids(*, roles: tuple[str, ...], units: Iterable[int] = (), zones: Iterable[int] = ()) -> list[int]:
    """The active people holding one of ``roles`` in the given units or zones
    (ids): whom a notification about a unit's reports or a zone's notices
    reaches. One query."""
    units, zones = list(units), list(zones)
    if not units and not zones:
        return []
    where = Q(unit__in=units) if units else Q()
    if zones:
        where = (where | Q(zone__in=zones)) if units else Q(zone__in=zones)
    return list(
        Membership.objects.filter(where, role__in=roles, user__is_active=True)
        .order_by()  # not the model's ordering: its columns would join the DISTINCT
        .values_list("user_id", flat=True)
        .distinct()
    )


def has_active_member(role: str) -> Exists:
    """For a queryset of units: whether the unit has an active person in
    ``role`` (the publish checklist's and the setup checklist's test)."""
    return Exists(Membership.objects.filter(unit=OuterRef("pk"), role=role, user__is_active=True))
