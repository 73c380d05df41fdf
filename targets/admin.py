from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets.models import Milestone, Target
from zones.scoping import ZoneScopedAdminMixin


@admin.register(Target)
class TargetAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "task__plan__zone"
    scoped_foreign_keys = {"task": "plan__zone"}
    list_display = ["indicator", "task", "kind", "target_text", "is_headline", "frequency", "deadline"]
    list_filter = [
        "kind",
        "is_headline",
        "frequency",
        ("task__plan__zone", admin.RelatedOnlyFieldListFilter),
        ("task__plan", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["indicator", "quote", "task__heading"]
    list_select_related = ["task"]
    raw_id_fields = ["task"]
    fieldsets = [
        (None, {"fields": ["task", "indicator", "kind", "is_headline", "quote", "order"]}),
        (_("Value"), {"fields": ["comparator", "value", "value_high", "stretch", "unit"]}),
        (_("Reference"), {"fields": ["baseline", "baseline_by_month", "start_value", "reported_as", "trajectory"]}),
        (_("Reporting"), {"fields": ["deadline", "frequency", "weight"]}),
    ]

    @admin.display(description=_("target"))
    def target_text(self, target: Target) -> str:
        return target.target_label


@admin.register(Milestone)
class MilestoneAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "task__plan__zone"
    scoped_foreign_keys = {"task": "plan__zone"}
    list_display = ["indicator", "task", "deadline"]
    list_filter = [
        ("task__plan__zone", admin.RelatedOnlyFieldListFilter),
        ("task__plan", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["indicator", "task__heading"]
    list_select_related = ["task"]
    raw_id_fields = ["task"]
    fields = ["task", "indicator", "deadline", "frequency", "weight", "quote"]
