"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from zones import policy


def roles(request: HttpRequest) -> dict:
    """The roles of the logged-in user, for the navigation, and for a region
    viewer the widest region they compare (the nav's link). Both are the
    policy's per-request reads (``policy.grants``, ``policy.region_ids_widest_first``),
    which the page's own permission checks and the menu's badges share."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset(), "my_region_id": None}
    roles = set(policy.role_names(user))
    regions = policy.region_ids_widest_first(user)
    region_id = regions[0] if regions else None
    if region_id is not None:
        roles.add("region")
    return {"my_roles": frozenset(roles), "my_region_id": region_id}
