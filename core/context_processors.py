"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from zones.models import Membership, RegionAccess


def roles(request: HttpRequest) -> dict:
    """The roles of the logged-in user, for the navigation (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset()}
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if RegionAccess.objects.filter(user=user).exists():
        roles.add("region")
    return {"my_roles": frozenset(roles)}
