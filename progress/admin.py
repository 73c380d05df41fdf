from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from progress.models import Report
from zones.scoping import ZoneScopedAdminMixin


@admin.register(Report)
class ReportAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "target__task__plan__zone"
    scoped_foreign_keys = {"target": "task__plan__zone"}
    list_display = ["target", "period", "value", "status", "is_demo", "updated_at"]
    list_filter = ["status", "is_demo", "year", "month", ("target__task__plan__zone", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["target__indicator", "progress", "problems"]
    list_select_related = ["target"]
    raw_id_fields = ["target"]
    readonly_fields = [
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "submitted_at",
        "submitted_by",
        "returned_at",
        "returned_by",
        "approved_at",
        "approved_by",
    ]

    @admin.display(description=_("period"), ordering="month")
    def period(self, report: Report) -> str:
        return report.period_label
