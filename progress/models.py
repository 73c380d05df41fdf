"""Monthly progress reports: one unit's figure and narrative for one target and period."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.figures import figure_field
from core.models import CleanTextModel
from plans.periods import Period, period_label
from progress.choices import SENT, ContributionStatus, LateRequestStatus, ReportStatus
from targets.models import Target


def _user_fk(verbose_name: str, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Report(CleanTextModel):
    """A target's year-to-date figure (1–N月累计) and narrative for one period.

    ``version`` increases on every save and is compared on write, so a save
    made on a stale copy is refused instead of silently overwriting (optimistic
    locking). For a milestone the value is the share done, in percent.
    """

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    value = figure_field(_("year-to-date value"))  # DECIMAL(15, 4): see core.figures
    progress = models.TextField(_("progress"), blank=True, help_text=_("What was done in the period."))
    problems = models.TextField(_("problems"), blank=True, help_text=_("What stands in the way."))
    next_steps = models.TextField(_("next steps"), blank=True, help_text=_("What will be done next."))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    value_note = models.TextField(
        _("note on the value"),
        blank=True,
        help_text=_("Why a year-to-date figure fell, or why an unusual jump is right."),
    )
    # The user confirmed the figure is right where a check asked (more than
    # twice the target, an unusual jump: progress.validation.check_figure), on
    # the page, in the sheet or through the API; kept so that the sheet shows
    # it ticked and the same figure saved again needs no new confirmation.
    value_confirmed = models.BooleanField(_("value confirmed"), default=False)
    return_reason = models.TextField(_("reason for return"), blank=True)
    is_demo = models.BooleanField(_("demo figure"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = _user_fk(_("created by"), "+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = _user_fk(_("updated by"), "+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = _user_fk(_("submitted by"), "+")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = _user_fk(_("returned by"), "+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = _user_fk(_("approved by"), "+")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["target", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "month"], name="report_one_per_target_period"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="report_month_in_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="report_year_plausible"),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_positive"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(value__isnull=False),
                name="report_sent_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=SENT) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.APPROVED) | Q(approved_at__isnull=False),
                name="report_approved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.RETURNED) | (Q(returned_at__isnull=False) & ~Q(return_reason="")),
                name="report_returned_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "month", "status"], name="report_period_status_idx"),
            # The menu's counts on every page (progress.selectors.review_counts) read the
            # figures returned or waiting for review: a few among years of approved ones.
            models.Index(
                fields=["status", "target"],
                name="report_open_status_idx",
                condition=Q(status__in=[ReportStatus.SUBMITTED, ReportStatus.RETURNED]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.month)


class ReportEvent(CleanTextModel):
    """One change to a report: who, when, what (old and new per field), and why."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Saved as draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn before review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        CORRECTED = "corrected", _("Corrected")
        IMPORTED = "imported", _("Imported from a sheet")
        ATTACHED = "attached", _("Evidence attached")
        DETACHED = "detached", _("Evidence removed")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = _user_fk(_("by"), "+")
    at = models.DateTimeField(_("at"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("report history entry")
        verbose_name_plural = _("report history")
        ordering = ["report", "at", "id"]
        indexes = [models.Index(fields=["report", "at"], name="reportevent_report_at_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class PeriodReopening(CleanTextModel):
    """A zone administrator's recorded exception: one unit's locked period of
    one plan accepts changes again until ``until``."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("zones.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    until = models.DateField(_("open until"))
    reason = models.TextField(_("reason"))
    by = _user_fk(_("reopened by"), "+")
    at = models.DateTimeField(_("reopened at"))

    class Meta:
        verbose_name = _("period reopening")
        verbose_name_plural = _("period reopenings")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="reopening_month_in_year"),
            models.CheckConstraint(condition=~Q(reason=""), name="reopening_has_reason"),
        ]
        indexes = [models.Index(fields=["plan", "unit", "year", "month"], name="reopening_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {period_label(self.year, self.month)}"


class LateReportRequest(CleanTextModel):
    """A unit's request to report a closed month late (补报申请), and the zone
    office's decision: who asked, when and why; who granted or refused it,
    when and why.

    A grant opens the period for the unit until ``until`` through a
    PeriodReopening (the one mechanism that opens a locked period), linked
    here. What the unit then submits is approved after its due day, so the
    engine calls the month 补报 (``targets.choices.ReportingStatus.LATE``).
    """

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "zones.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="late_requests"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    reason = models.TextField(_("reason for reporting late"))
    status = models.CharField(
        _("status"), max_length=16, choices=LateRequestStatus.choices, default=LateRequestStatus.PENDING
    )
    requested_by = _user_fk(_("requested by"), "+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = _user_fk(_("decided by"), "+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    until = models.DateField(_("may report until"), null=True, blank=True)
    reopening = models.OneToOneField(
        PeriodReopening,
        verbose_name=_("reopening"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="late_request",
    )

    class Meta:
        verbose_name = _("late-report request")
        verbose_name_plural = _("late-report requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="late_request_month_in_year"),
            models.CheckConstraint(condition=~Q(reason=""), name="late_request_has_reason"),
            models.CheckConstraint(
                condition=Q(status=LateRequestStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=LateRequestStatus.PENDING) & Q(decided_at__isnull=False)),
                name="late_request_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=LateRequestStatus.GRANTED) | Q(until__isnull=False, reopening__isnull=False),
                name="late_request_granted_opens_the_period",
            ),
            models.CheckConstraint(
                condition=~Q(status=LateRequestStatus.REFUSED) | ~Q(decision_note=""),
                name="late_request_refused_has_reason",
            ),
            # One open question per unit and month: asking twice waits for the first answer.
            models.UniqueConstraint(
                fields=["plan", "unit", "year", "month"],
                condition=Q(status=LateRequestStatus.PENDING),
                name="late_request_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "plan"], name="late_request_status_idx"),
            models.Index(fields=["unit", "year", "month"], name="late_request_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {period_label(self.year, self.month)} {self.get_status_display()}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.month)


class TaskContribution(CleanTextModel):
    """A co-operating unit's part (配合单位的进展) of a task's monthly progress:
    what it did, what stands in its way and what it will do next, written on
    its own period form for the task's item (the target of kind ``task``).

    One per item, period and unit. The lead unit's report stays the task's
    report (its standing is reviewed and judged); a submitted part is shown
    beside it to the lead unit and the reviewer and follows it in the ledger.
    ``version`` increases on every save and is compared on write, as a
    report's is, so a save made on a stale copy is refused.
    """

    target = models.ForeignKey(
        Target, verbose_name=_("task item"), on_delete=models.CASCADE, related_name="contributions"
    )
    unit = models.ForeignKey(
        "zones.Unit", verbose_name=_("co-operating unit"), on_delete=models.PROTECT, related_name="contributions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    progress = models.TextField(_("progress"), blank=True, help_text=_("What the unit did in the period."))
    problems = models.TextField(_("problems"), blank=True, help_text=_("What stands in the way."))
    next_steps = models.TextField(_("next steps"), blank=True, help_text=_("What will be done next."))
    status = models.CharField(
        _("status"), max_length=16, choices=ContributionStatus.choices, default=ContributionStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = _user_fk(_("created by"), "+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = _user_fk(_("updated by"), "+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = _user_fk(_("submitted by"), "+")

    class Meta:
        verbose_name = _("co-operating unit's progress")
        verbose_name_plural = _("co-operating units' progress")
        ordering = ["target", "year", "month", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year", "month", "unit"], name="contribution_one_per_item_period_unit"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="contribution_month_in_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="contribution_year_plausible"),
            models.CheckConstraint(condition=Q(version__gte=1), name="contribution_version_positive"),
            models.CheckConstraint(
                condition=~Q(status=ContributionStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="contribution_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["unit", "year", "month"], name="contribution_unit_period_idx")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.target} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.month)


class ContributionEvent(CleanTextModel):
    """One change to a co-operating unit's part: who, when, what (old and new
    per field). A submission records what changed since the unit's previous
    submission, so that the history read by others never shows a draft."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Saved as draft")
        SUBMITTED = "submitted", _("Submitted")

    contribution = models.ForeignKey(
        TaskContribution,
        verbose_name=_("co-operating unit's progress"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = _user_fk(_("by"), "+")
    at = models.DateTimeField(_("at"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("co-operating unit's progress history entry")
        verbose_name_plural = _("co-operating units' progress history")
        ordering = ["contribution", "at", "id"]
        indexes = [models.Index(fields=["contribution", "at"], name="contributionevent_at_idx")]

    def __str__(self) -> str:
        return f"{self.contribution_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


def attachment_upload_to(attachment: Attachment, filename: str) -> str:
    """Where a file is stored: under its year and target, by a random name, never the name it came with
    (the original name is kept in the row, made safe, and given back on download)."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else "bin"
    return f"evidence/{attachment.report.year}/{attachment.report.target_id}/{uuid.uuid4().hex}.{extension}"


class Attachment(CleanTextModel):
    """A file of evidence (佐证材料) a unit attached to one report: a PDF, a photo, a Word or
    Excel file, checked by its content when it came in (``core.uploads.check_evidence``).

    Added and removed only while the report is the unit's to change (a draft or a returned
    report of an open period); removing keeps the row and the stored file (``removed_at``), so
    the report's history can still say what was attached and by whom.
    """

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = _user_fk(_("uploaded by"), "+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    removed_by = _user_fk(_("removed by"), "+")
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="attachment_has_name"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False),
                name="attachment_removed_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["report", "removed_at"], name="attachment_report_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def removed(self) -> bool:
        return self.removed_at is not None
