"""Writes of the zones app."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ZONE_ADMIN_GROUP = "zone administrators"

# What a zone administrator may do in the admin; rows are further limited to
# their own zones by ZoneScopedAdminMixin.
_ZONE_ADMIN_PERMISSIONS = (
    Q(content_type__app_label__in=["plans", "targets", "progress"])
    | Q(content_type__app_label="zones", content_type__model__in=["unit", "membership"])
    | Q(content_type__app_label="zones", codename__in=["view_zone", "change_zone", "view_region"])
    | Q(content_type__app_label="auth", codename__in=["view_user", "add_user", "change_user"])
    | Q(content_type__app_label="core", codename="view_jobrun")
)


def zone_admin_group_ensure() -> Group:
    """Create or refresh the group that carries zone administrators' admin permissions."""
    group, _created = Group.objects.get_or_create(name=ZONE_ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(_ZONE_ADMIN_PERMISSIONS))
    return group
