from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from supervision.models import Bulletin, Notice, NoticeEvent, NoticeItem, SupervisionRule, SupervisionSetting
from zones.scoping import ZoneScopedAdminMixin


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "plan__zone"
    scoped_foreign_keys = {"plan": "zone"}
    list_display = [
        "plan",
        "completion_points",
        "completion_cap",
        "on_time_points",
        "red_flag_deduction",
        "overdue_notice_deduction",
        "reply_days",
        "bulletin_day",
    ]
    list_select_related = ["plan"]
    fieldsets = [
        (None, {"fields": ["plan"]}),
        (
            _("Score"),
            {
                "fields": [
                    "completion_points",
                    "completion_cap",
                    "on_time_points",
                    "red_flag_deduction",
                    "overdue_notice_deduction",
                ]
            },
        ),
        (_("Notices and bulletin"), {"fields": ["reply_days", "red_after_days", "bulletin_day"]}),
    ]


@admin.register(SupervisionSetting)
class SupervisionSettingAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    """A zone's bulletin number prefix, issuing office and answer sign-off."""

    scoped_foreign_keys = {"zone": ""}
    list_display = ["zone", "document_prefix", "issuing_office", "answer_sign_off"]
    list_select_related = ["zone"]


class NoticeItemInline(admin.TabularInline):
    model = NoticeItem
    extra = 0
    can_delete = False
    fields = ["target", "status", "explanation", "is_open"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NoticeEventInline(admin.TabularInline):
    model = NoticeEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "by", "text"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    """Read-only: notices change only through their steps, which are logged."""

    list_display = ["number_text", "title", "unit", "reply_by", "state", "level", "issued_at"]
    list_filter = [
        "state",
        "level",
        ("zone", admin.RelatedOnlyFieldListFilter),
        ("unit", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "requirement", "unit__name"]
    list_select_related = ["unit", "zone"]
    inlines = [NoticeItemInline, NoticeEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("number"), ordering="number_seq")
    def number_text(self, notice: Notice) -> str:
        return notice.number


@admin.register(Bulletin)
class BulletinAdmin(ZoneScopedAdminMixin, admin.ModelAdmin):
    zone_lookup = "plan__zone"
    list_display = ["title", "plan", "number", "document_number", "generated_at", "generated_by"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan", "generated_by"]
    readonly_fields = [
        "plan",
        "year",
        "month",
        "number",
        "document_year",
        "document_seq",
        "document_number",
        "title",
        "file",
        "pdf",
        "size",
        "generated_at",
        "generated_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False
