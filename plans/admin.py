from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from plans.models import Plan, Task
from zones.scoping import ZoneScopedAdminMixin


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["number", "heading", "lead_unit", "leader", "deadline", "order"]
    show_change_link = True
    fk_name = "plan"
    raw_id_fields = ["lead_unit", "leader"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_unit", "leader")


@admin.register(Plan)
class PlanAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    scoped_foreign_keys = {"zone": ""}
    list_display = ["title", "zone", "span_label", "status", "task_count", "target_count"]
    list_filter = ["status", "kind", ("zone", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "zone__name"]
    list_select_related = ["zone"]
    inlines = [TaskInline]
    fieldsets = [
        (None, {"fields": ["zone", "title", "kind", "start_year", "end_year", "status"]}),
        (
            _("Reporting"),
            {"fields": ["frequency", "due_day", "jan_feb_combined", "lock_after_days", "reports_from"]},
        ),
        (
            _("Status thresholds"),
            {"fields": ["amount_lag_points", "rate_lag_points", "ceiling_lag_percent", "milestone_lag_points"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_tasks=Count("tasks", distinct=True), _targets=Count("tasks__targets", distinct=True))
        )

    @admin.display(description=_("span"), ordering="start_year")
    def span_label(self, plan: Plan) -> str:
        return plan.span_label

    @admin.display(description=_("tasks"), ordering="_tasks")
    def task_count(self, plan: Plan) -> int:
        return plan._tasks

    @admin.display(description=_("targets"), ordering="_targets")
    def target_count(self, plan: Plan) -> int:
        return plan._targets


class ChildTaskInline(admin.TabularInline):
    model = Task
    fk_name = "parent"
    extra = 0
    fields = ["number", "heading", "lead_unit", "order"]
    raw_id_fields = ["lead_unit"]
    show_change_link = True
    verbose_name = _("sub-task")
    verbose_name_plural = _("sub-tasks")


@admin.register(Task)
class TaskAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "plan__zone"
    scoped_foreign_keys = {"plan": "zone", "parent": "plan__zone", "lead_unit": "zone", "co_units": "zone"}
    list_display = ["path", "heading", "plan", "lead_unit", "leader", "deadline"]
    list_display_links = ["path", "heading"]
    list_filter = [
        ("plan__zone", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("lead_unit", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["heading", "text", "path"]
    list_select_related = ["plan", "lead_unit", "leader"]
    filter_horizontal = ["co_units"]
    raw_id_fields = ["parent", "leader"]
    # targets.admin adds the task's targets (plans knows nothing of targets).
    inlines = [ChildTaskInline]
