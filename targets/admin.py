from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from plans import admin as plans_admin
from plans.models import Plan
from targets.choices import Status
from targets.models import Milestone, Target, TargetFlag, TargetResult
from targets.selectors import result_explanation
from targets.task_items import task_items_ensure
from zones.scoping import ZoneScopedAdminMixin


class TargetInline(admin.StackedInline):
    model = Target
    extra = 0
    show_change_link = True
    fields = [
        ("indicator", "kind", "is_headline"),
        ("comparator", "value", "value_high", "stretch", "unit"),
        ("baseline", "start_value", "reported_as"),
        ("deadline", "frequency", "weight"),
        "quote",
    ]




# The task's page lists its targets: the plans app registers the task's admin,
# this one adds the inline (plans sits below targets and cannot name them).
plans_admin.TaskAdmin.inlines = [*plans_admin.TaskAdmin.inlines, TargetInline]


def _items_ensured_after_saving(admin_class) -> None:
    """After the admin saves a plan or a task (and its inlines), the plan's
    leaf tasks get their task items and the items follow their tasks' names
    and deadlines (targets.task_items), as after an import."""
    save_related = admin_class.save_related

    def save_related_and_ensure(self, request, form, formsets, change):
        save_related(self, request, form, formsets, change)
        instance = form.instance
        task_items_ensure(instance if isinstance(instance, Plan) else instance.plan)

    admin_class.save_related = save_related_and_ensure


_items_ensured_after_saving(plans_admin.PlanAdmin)
_items_ensured_after_saving(plans_admin.TaskAdmin)


class TargetResultInline(admin.TabularInline):
    model = TargetResult
    extra = 0
    can_delete = False
    fields = ["year", "month", "status", "actual", "completion", "expected", "gap", "explanation"]
    readonly_fields = fields
    ordering = ["-year", "-month"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("explanation"))
    def explanation(self, result: TargetResult) -> str:
        return result_explanation(result, target=result.target)


@admin.register(Target)
class TargetAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "task__plan__zone"
    scoped_foreign_keys = {"task": "plan__zone"}
    list_display = ["indicator", "task", "kind", "target_text", "latest_status", "is_headline", "frequency"]
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

    inlines = [TargetResultInline]

    def get_queryset(self, request):
        latest = TargetResult.objects.filter(target=OuterRef("pk")).order_by("-year", "-month")
        return super().get_queryset(request).annotate(_latest_status=Subquery(latest.values("status")[:1]))

    @admin.display(description=_("target"))
    def target_text(self, target: Target) -> str:
        return target.target_label

    @admin.display(description=_("latest status"), ordering="_latest_status")
    def latest_status(self, target: Target) -> str:
        status = target._latest_status
        return Status(status).label if status else "—"


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


@admin.register(TargetResult)
class TargetResultAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "target__task__plan__zone"
    list_display = [
        "target", "period", "status", "reporting", "completion", "expected", "gap", "explanation", "computed_at",
    ]  # fmt: skip
    list_filter = ["status", "reporting", "year", "month", ("target__task__plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["target__indicator"]
    list_select_related = ["target__task__plan"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("period"), ordering="month")
    def period(self, result: TargetResult) -> str:
        return f"{result.year}-{result.month:02d}"

    @admin.display(description=_("explanation"))
    def explanation(self, result: TargetResult) -> str:
        return result_explanation(result)


@admin.register(TargetFlag)
class TargetFlagAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "target__task__plan__zone"
    list_display = ["target", "year", "month", "change", "from_status", "to_status", "at"]
    list_filter = ["change", "to_status", ("target__task__plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["target__indicator"]
    list_select_related = ["target"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
