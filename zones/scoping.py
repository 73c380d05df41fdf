"""Which zones a user administers, whose accounts they manage, and an admin
mixin that keeps zone administrators inside their own zones."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model, QuerySet

from zones.choices import Role
from zones.models import Membership, RegionAccess, Zone


def zones_administered_by(user: AbstractBaseUser) -> QuerySet[Zone]:
    if user.is_superuser:
        return Zone.objects.all()
    return Zone.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).distinct()


def users_managed_by(user: AbstractBaseUser) -> QuerySet:
    """The accounts a user may open and edit in the admin: every account for a
    superuser; for a zone administrator the people of their zones whose only
    powers are memberships there.

    Left out are superusers, staff accounts (other administrators), anyone
    with a membership in a zone the administrator does not run, a region's
    viewers and holders of a group or a permission: a zone administrator
    edits e-mail addresses and sends password links, so managing such an
    account would hand over powers that only a superuser grants.
    """
    users = get_user_model()._default_manager.all()
    if user.is_superuser:
        return users
    zones = zones_administered_by(user)
    return (
        users.filter(pk__in=Membership.objects.filter(zone__in=zones).values("user"))
        .exclude(pk__in=Membership.objects.exclude(zone__in=zones).values("user"))
        .exclude(pk__in=RegionAccess.objects.values("user"))
        .filter(is_superuser=False, is_staff=False, groups=None, user_permissions=None)
    )


class ZoneScopedAdminMixin:
    """Limit an admin's rows, and its foreign-key choices, to the zones the
    user administers. ``zone_lookup`` is the ORM path from the model to Zone."""

    zone_lookup: str = "zone"
    # Foreign-key fields whose choices are narrowed, and the path from that model to Zone.
    scoped_foreign_keys: dict[str, str] = {}

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if self.zone_lookup == "":
            return queryset.filter(pk__in=zones_administered_by(request.user))
        return queryset.filter(**{f"{self.zone_lookup}__in": zones_administered_by(request.user)})

    def _narrow(self, request, db_field, kwargs) -> None:
        path = self.scoped_foreign_keys.get(db_field.name)
        if path is None or request.user.is_superuser:
            return
        model: type[Model] = db_field.related_model
        zones = zones_administered_by(request.user)
        kwargs["queryset"] = model._default_manager.filter(
            **({"pk__in": zones} if path == "" else {f"{path}__in": zones})
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._narrow(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._narrow(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
