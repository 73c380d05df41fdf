"""Cross-cutting records: the log of background job runs; and the base of the
project's models."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text import validate_text


class CleanTextModel(models.Model):
    """A model whose text fields refuse what no file format can carry (``core.text``)
    when the model is validated: in the admin and any ModelForm, beside each field.

    A check in ``clean_fields`` rather than a validator on each field: one
    place for every text field, present and future, and no migration.
    Fields with choices are left to their own, stricter check.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        excluded = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.name in excluded or field.choices or not isinstance(field, models.CharField | models.TextField):
                continue
            try:
                validate_text(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


class JobRun(CleanTextModel):
    """One run of a background job, so pages can say "computed at …" and
    failures are visible.

    ``subject`` is the label a person reads ("plan 7 as of 2026-04-02"); the
    object a run is about is named by ``subject_kind`` and ``subject_id``,
    which code filters on. An id rather than a foreign key: the core app is
    the bottom layer and knows no plan, target or mail model, and a run's
    record outlives the object it was about.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class SubjectKind(models.TextChoices):
        NONE = "", _("none")
        PLAN = "plan", _("plan")
        TARGET = "target", _("target")
        MAIL = "mail", _("outgoing mail")

    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    subject_kind = models.CharField(
        _("kind of subject"), max_length=16, choices=SubjectKind.choices, default=SubjectKind.NONE, blank=True
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="running") | Q(finished_at__isnull=False), name="jobrun_finished_has_time"
            ),
            models.CheckConstraint(
                condition=Q(subject_kind="", subject_id__isnull=True)
                | (~Q(subject_kind="") & Q(subject_id__isnull=False)),
                name="jobrun_subject_kind_with_id",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "-started_at"], name="jobrun_kind_started_idx"),
            models.Index(fields=["subject_kind", "subject_id"], name="jobrun_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class OutgoingMail(CleanTextModel):
    """One email the app owes someone: the mail outbox (``core.mail``).

    Written in the transaction of the change it tells about (a notice issued
    or escalated, the day's reminders), so it exists exactly when that change
    committed. A worker sends it (``core.tasks.deliver_mail``), never a web
    request; the row stays as the record of when it was sent, or of why it
    was given up.
    """

    kind = models.CharField(_("kind"), max_length=64)
    # What the mail is about and to whom, unique: queuing the same mail twice
    # (a job run again after a crash) sends it once.
    key = models.CharField(_("key"), max_length=400, unique=True)
    to = models.CharField(_("to"), max_length=254)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"))
    # From this moment the catch-up sweep queues it again if it is still owed.
    due_at = models.DateTimeField(_("due at"))
    # Set while a worker sends it, so that two workers never send it at once.
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True), name="outgoingmail_sent_or_failed"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outgoingmail_owed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"


class Notification(CleanTextModel):
    """One thing the app tells one person in the app (the bell in the header):
    a report returned or approved, a submission waiting for review, a
    follow-up notice issued or answered. Written by ``core.notifications.notify``
    in the transaction of the change it tells about; read when the person
    opens it or marks all read. Its text is written once, in the site's
    language, and its link is a path of this site.

    In core, the bottom layer: every app above tells people things, and the
    notification knows nothing of what it is about beyond its kind and link.
    """

    class Kind(models.TextChoices):
        RETURNED = "returned", _("Report returned")
        APPROVED = "approved", _("Report approved")
        AWAITING_REVIEW = "awaiting_review", _("Waiting for review")
        NOTICE_ISSUED = "notice_issued", _("Follow-up notice issued")
        NOTICE_ANSWERED = "notice_answered", _("Follow-up notice answered")
        INSTRUCTED = "instructed", _("Leader's instruction")
        INSTRUCTION_ANSWERED = "instruction_answered", _("Instruction answered")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """Which channels a person wants besides the bell: in the app is always on
    (it is where the to-do lives); e-mail is on unless the person turned it
    off. No row means the defaults, so that a new user needs none.

    In core beside ``Notification``: ``core.notifications.notify`` reads it
    when it decides who is also told by e-mail.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} email={self.email}"


class ExportRecord(CleanTextModel):
    """One file a person took out of the app: a list export, a ledger, a
    bulletin, a period sheet. These are government working papers, so the
    zone's administrator can see who took what, with which filter, and when
    (``core.export_records.record_export`` writes it; the page is
    supervision's export record).

    The zone is an id, as ``JobRun`` names its subject: core is the bottom
    layer and knows no zone, and the record outlives what it was about. An
    export that spans zones leaves one record per zone, so that each zone's
    administrator sees every file holding the zone's figures.
    """

    class Kind(models.TextChoices):
        LIST = "list", _("Supervision list")
        LEDGER = "ledger", _("Ledger")
        BULLETIN = "bulletin", _("Bulletin")
        PERIOD_SHEET = "period_sheet", _("Period sheet")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_records",
    )
    # The name as it was at the time, kept when the account is renamed or deleted.
    user_name = models.CharField(_("user name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("what"), max_length=300)
    filters = models.TextField(_("filters"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    zone_id = models.PositiveBigIntegerField(_("zone id"), null=True, blank=True)
    at = models.DateTimeField(_("exported at"))

    class Meta:
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["zone_id", "-at"], name="exportrecord_zone_at_idx")]

    def __str__(self) -> str:
        return f"{self.user_name} {self.get_kind_display()} {self.file_name}"
