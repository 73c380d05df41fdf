from django.contrib import admin

from zones.models import Membership, Region, RegionAccess, Unit, Zone
from zones.scoping import ZoneScopedAdminMixin, users_managed_by
from zones.user_admin import ScopedUserAdmin  # noqa: F401  (registers the scoped User admin)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name"]

    # Regions are shared by every zone: only system administrators edit them.
    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "kind", "order"]


@admin.register(Zone)
class ZoneAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = ""
    list_display = ["short_name", "name", "code", "kind", "region"]
    list_filter = ["kind", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "short_name", "code"]
    inlines = [UnitInline]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Unit)
class UnitAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    scoped_foreign_keys = {"zone": ""}
    list_display = ["name", "zone", "kind", "order"]
    list_filter = [("zone", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["name", "zone__name"]
    list_select_related = ["zone"]


@admin.register(Membership)
class MembershipAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    scoped_foreign_keys = {"zone": "", "unit": "zone"}
    list_display = ["user", "zone", "unit", "role"]
    list_filter = ["role", ("zone", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "zone", "unit"]
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A zone administrator gives memberships only to the people they manage: never to a
        # superuser, another administrator or someone of another zone.
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = users_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A membership is not moved to another person; it is deleted and another one added.
        if obj is not None and not request.user.is_superuser:
            return ["user"]
        return super().get_readonly_fields(request, obj)


@admin.register(RegionAccess)
class RegionAccessAdmin(admin.ModelAdmin):
    """Only system administrators grant a region's view."""

    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "region__name"]
    autocomplete_fields = ["user", "region"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
