from django.contrib import admin

from core.job_scopes import jobs_visible_to
from core.models import JobRun, OutgoingMail


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the app's jobs: shown, never edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject", "outcome", "started_at", "finished_at"]
    list_filter = ["kind", "outcome", "subject_kind"]
    readonly_fields = [
        "kind",
        "subject",
        "subject_kind",
        "subject_id",
        "outcome",
        "started_at",
        "finished_at",
        "counts",
        "error",
    ]

    def get_queryset(self, request):
        """A zone administrator reads only the runs about their own zones'
        plans and targets (``core.job_scopes``); a superuser every run."""
        return super().get_queryset(request) & jobs_visible_to(request.user)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """The mail outbox: what was sent, what is still owed and what was given up, and why."""

    list_display = ["kind", "to", "subject", "created_at", "sent_at", "failed_at", "attempts"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), ("failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [
        "kind",
        "key",
        "to",
        "subject",
        "body",
        "created_at",
        "due_at",
        "claimed_at",
        "attempts",
        "sent_at",
        "failed_at",
        "last_error",
    ]
