from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from progress.models import Attachment, LateReportRequest, Report, TaskContribution
from zones.scoping import ZoneScopedAdminMixin


@admin.register(Report)
class ReportAdmin(ZoneScopedAdminMixin, ReadOnlyAdmin):
    """Read-only: a report changes only through the period form, the review and the recorded
    correction (progress.services), each of which checks the version, writes a history event and
    queues the recompute. A save here would do none of that."""

    zone_lookup = "target__task__plan__zone"
    list_display = ["target", "period", "value", "status", "is_demo", "updated_at"]
    list_filter = ["status", "is_demo", "year", "month", ("target__task__plan__zone", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["target__indicator", "progress", "problems"]
    list_select_related = ["target"]
    fields = [
        "target",
        "target_page",
        ("year", "month"),
        ("value", "status", "is_demo"),
        "value_note",
        "progress",
        "problems",
        "next_steps",
        "return_reason",
        "version",
        ("created_at", "created_by"),
        ("updated_at", "updated_by"),
        ("submitted_at", "submitted_by"),
        ("returned_at", "returned_by"),
        ("approved_at", "approved_by"),
    ]
    readonly_fields = [name for row in fields for name in ((row,) if isinstance(row, str) else row)]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # reports and requests keep their history: never deleted by hand

    @admin.display(description=_("period"), ordering="month")
    def period(self, report: Report) -> str:
        return report.period_label

    @admin.display(description=_("target page"))
    def target_page(self, report: Report) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("progress:target", args=[report.target_id]),
            _("Corrections of an approved figure are recorded on the target's page."),
        )


@admin.register(LateReportRequest)
class LateReportRequestAdmin(ZoneScopedAdminMixin, ReadOnlyAdmin):
    """Read-only: a late-report request is asked, granted or refused only on its
    pages or through the API (progress.services), which check who acts, open the
    month through a recorded reopening and tell the unit. A save here would do
    none of that."""

    zone_lookup = "plan__zone"
    list_display = ["unit", "period", "status", "requested_by", "requested_at", "decided_by", "decided_at", "until"]
    list_filter = ["status", "year", "month", ("plan__zone", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["unit__name", "reason", "decision_note"]
    list_select_related = ["unit", "requested_by", "decided_by"]
    fields = [
        "plan",
        "unit",
        ("year", "month"),
        "status",
        "reason",
        ("requested_at", "requested_by"),
        ("decided_at", "decided_by"),
        "decision_note",
        "until",
        "reopening",
        "request_page",
    ]
    readonly_fields = [name for row in fields for name in ((row,) if isinstance(row, str) else row)]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # reports and requests keep their history: never deleted by hand

    @admin.display(description=_("period"), ordering="month")
    def period(self, late: LateReportRequest) -> str:
        return late.period_label

    @admin.display(description=_("request page"))
    def request_page(self, late: LateReportRequest) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("progress:late_request", args=[late.pk]),
            _("The zone office grants or refuses the request on its page."),
        )


@admin.register(TaskContribution)
class TaskContributionAdmin(ZoneScopedAdminMixin, ReadOnlyAdmin):
    """Read-only: a co-operating unit writes its part on its period form
    (progress.contributions), which checks its version and the period."""

    zone_lookup = "target__task__plan__zone"
    list_display = ["target", "unit", "period", "status", "updated_at"]
    list_filter = ["status", "year", "month", ("target__task__plan__zone", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["target__indicator", "unit__name", "progress", "problems"]
    list_select_related = ["target", "unit"]
    fields = [
        "target",
        "unit",
        ("year", "month"),
        "status",
        "progress",
        "problems",
        "next_steps",
        "version",
        ("created_at", "created_by"),
        ("updated_at", "updated_by"),
        ("submitted_at", "submitted_by"),
    ]
    readonly_fields = [name for row in fields for name in ((row,) if isinstance(row, str) else row)]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a unit's part stays as it was written

    @admin.display(description=_("period"), ordering="month")
    def period(self, part: TaskContribution) -> str:
        return part.period_label


@admin.register(Attachment)
class AttachmentAdmin(ZoneScopedAdminMixin, ReadOnlyAdmin):
    """Read-only: evidence is added and removed on the period form (progress.attachments), which
    checks the file's content and the report's state and records both in the report's history.
    The file opens through the app's download, after its permission check."""

    zone_lookup = "report__target__task__plan__zone"
    list_display = ["name", "report", "size", "uploaded_by", "uploaded_at", "removed_at"]
    list_filter = [("report__target__task__plan__zone", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "report__target__indicator", "sha256"]
    list_select_related = ["report__target", "uploaded_by"]
    fields = [
        "report",
        "name",
        "download",
        ("content_type", "size"),
        "sha256",
        ("uploaded_at", "uploaded_by"),
        ("removed_at", "removed_by"),
    ]
    readonly_fields = [name for row in fields for name in ((row,) if isinstance(row, str) else row)]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the report's history names the file: never deleted by hand

    @admin.display(description=_("file"))
    def download(self, attachment: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', reverse("progress:attachment", args=[attachment.pk]), attachment.name)
