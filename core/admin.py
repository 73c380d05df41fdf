from django.contrib import admin

from core.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "outcome", "started_at", "finished_at"]
    list_filter = ["kind", "outcome"]
    readonly_fields = ["kind", "subject", "outcome", "started_at", "finished_at", "counts", "error"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
