"""Writes of the zones app."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from zones.choices import RegionLevel, Role
from zones.models import Region, Zone
from zones.people import PersonFields, person_create

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


@transaction.atomic
def zone_with_admin_create(
    *,
    name: str,
    short_name: str,
    code: str,
    kind: str,
    city: Region | None,
    new_city: str = "",
    province: Region | None = None,
    new_province: str = "",
    admin: PersonFields,
) -> Zone:
    """A new zone in its region (a new city created in its province, a new province created
    alongside when needed) and its first administrator, invited by e-mail. All or nothing:
    ``ValidationError`` (by field) when the administrator cannot be added."""
    if city is None:
        if province is None:
            province, _created = Region.objects.get_or_create(
                name=new_province.strip(), parent=None, defaults={"level": RegionLevel.PROVINCE}
            )
            if province.level != RegionLevel.PROVINCE:
                raise ValidationError({"new_province": gettext("A region of this name exists and is not a province.")})
        city, _created = Region.objects.get_or_create(
            name=new_city.strip(), parent=province, defaults={"level": RegionLevel.CITY}
        )
    zone = Zone.objects.create(name=name, short_name=short_name, code=code, kind=kind, region=city)
    try:
        person_create(zone=zone, fields=admin, grants={(None, Role.ADMIN)})
    except ValidationError as error:
        raise ValidationError({f"admin_{key}": value for key, value in error.message_dict.items()}) from None
    return zone
