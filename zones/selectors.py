"""Reads of zones and memberships, scoped to a user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from zones import policy
from zones.models import Membership, Zone


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
