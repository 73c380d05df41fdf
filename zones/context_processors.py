"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from zones.models import Membership
from zones.selectors import widest_region_id


def roles(request: HttpRequest) -> dict:
    """The roles of the logged-in user, for the navigation (two queries), and
    for a region viewer the widest region they compare (the nav's link)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset(), "my_region_id": None}
    roles = set(Membership.objects.filter(user=user).order_by().values_list("role", flat=True))
    region_id = widest_region_id(user)
    if region_id is not None:
        roles.add("region")
    return {"my_roles": frozenset(roles), "my_region_id": region_id}
