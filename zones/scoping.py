"""Which zones a user administers, whose accounts they manage, and an admin
mixin that keeps zone administrators inside their own zones."""

from __future__ import annotations

from django.db.models import Model, QuerySet

# The rules live in the policy; they are named here too for the admin modules that import them.
from zones.policy import users_managed_by, zones_administered_by

__all__ = ["ZoneScopedAdminMixin", "users_managed_by", "zones_administered_by"]


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
