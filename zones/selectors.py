"""Reads of zones and memberships, scoped to a user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from zones.models import Membership, Zone


def zones_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Zone]:
    """Zones a user may look at: every zone for a superuser, otherwise the
    zones of the user's memberships."""
    if not user.is_authenticated:
        return Zone.objects.none()
    if user.is_superuser:
        return Zone.objects.all()
    return Zone.objects.filter(memberships__user=user).distinct()


def memberships_of(user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("zone", "unit").order_by("zone__code", "role")
