"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from zones.models import Membership


def roles(request: HttpRequest) -> dict:
    """The roles of the logged-in user, for the navigation (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset()}
    return {"my_roles": frozenset(Membership.objects.filter(user=user).values_list("role", flat=True))}
