"""Supervision (督查督办): the rules of a plan's assessment, follow-up notices
(督办单) with their log, and the stored monthly bulletins (月通报).

Leaders' instructions (领导批示) live here too: one may be written on a
notice, and supervision is the layer that knows targets, tasks and notices.

Scores and rankings are not stored: they are computed in the database on
request (supervision.selectors.unit_scores). Only the bulletin, a document
that was published, is kept.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import CleanTextModel
from plans.models import Plan, Task
from supervision.choices import (
    ANSWER_STATES,
    INSTRUCTION_ANSWERED_STATES,
    OPEN_STATES,
    AnswerKind,
    InstructionState,
    InstructionSubject,
    NoticeAction,
    NoticeLevel,
    NoticeState,
)
from targets.models import Target
from zones.models import Unit, Zone

POINTS = {"max_digits": 6, "decimal_places": 2}


def _user_fk(verbose_name, related_name: str = "+", *, null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class SupervisionRule(CleanTextModel):
    """A plan's supervision rules: how a unit's score is made, how long a unit
    has to answer a notice, and on which day the monthly bulletin goes out.
    A plan without a row uses the defaults below."""

    plan = models.OneToOneField(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="supervision_rule")
    completion_points = models.DecimalField(
        _("points for completion"),
        default=Decimal("60"),
        help_text=_("Awarded in full at the capped completion, weighted by the targets' weights."),
        **POINTS,
    )
    completion_cap = models.DecimalField(
        _("completion counted up to (%)"),
        default=Decimal("100"),
        help_text=_("Completion above this counts as this much."),
        **POINTS,
    )
    on_time_points = models.DecimalField(
        _("points for on-time reporting"),
        default=Decimal("40"),
        help_text=_("Awarded in full when every report due was submitted by its due day."),
        **POINTS,
    )
    red_flag_deduction = models.DecimalField(
        _("deduction per red target"),
        default=Decimal("2"),
        help_text=_("Per target seriously lagging or overdue in the period."),
        **POINTS,
    )
    overdue_notice_deduction = models.DecimalField(
        _("deduction per overdue notice"),
        default=Decimal("5"),
        help_text=_("Per follow-up notice answered late (or not at all) with its reply date in the period."),
        **POINTS,
    )
    reply_days = models.PositiveSmallIntegerField(
        _("days to answer a notice"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    red_after_days = models.PositiveSmallIntegerField(
        _("days from reminder to red"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("An unanswered notice turns red this many days after its reminder."),
    )
    bulletin_day = models.PositiveSmallIntegerField(
        _("bulletin published on day"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the month on which the previous month's bulletin is generated."),
    )

    class Meta:
        verbose_name = _("supervision rule")
        verbose_name_plural = _("supervision rules")
        ordering = ["plan"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    completion_points__gte=0,
                    on_time_points__gte=0,
                    red_flag_deduction__gte=0,
                    overdue_notice_deduction__gte=0,
                ),
                name="supervisionrule_points_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(completion_points__gt=0) | Q(on_time_points__gt=0),
                name="supervisionrule_something_to_score",
            ),
            models.CheckConstraint(
                condition=Q(completion_cap__gte=100, completion_cap__lte=200),
                name="supervisionrule_cap_100_to_200",
            ),
            models.CheckConstraint(condition=Q(bulletin_day__gte=1, bulletin_day__lte=28), name="supervisionrule_day"),
            models.CheckConstraint(condition=Q(reply_days__gte=1, red_after_days__gte=1), name="supervisionrule_days"),
        ]

    def __str__(self) -> str:
        return str(_("Supervision rules of %(plan)s") % {"plan": self.plan})


class SupervisionSetting(CleanTextModel):
    """A zone's supervision settings: how its bulletins are numbered and signed
    (文号 "X管督〔2026〕3号", 落款) and whether a unit head signs a notice's
    answer off before it reaches supervision. A zone without a row uses the
    defaults (``supervision.selectors.setting_for``)."""

    zone = models.OneToOneField(
        Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="supervision_setting"
    )
    document_prefix = models.CharField(
        _("document number prefix"),
        max_length=20,
        blank=True,
        help_text=_("Written before the year in the bulletin's number, e.g. 高新管督; empty: the zone's short name."),
    )
    issuing_office = models.CharField(
        _("issuing office"),
        max_length=100,
        blank=True,
        help_text=_("Signed at the end of the bulletin. Empty: the zone's name and 督查室."),
    )
    answer_sign_off = models.BooleanField(
        _("unit head signs answers off"),
        default=True,
        help_text=_("A notice's answer reaches supervision only after a reviewer of the unit has signed it off."),
    )

    class Meta:
        verbose_name = _("supervision setting")
        verbose_name_plural = _("supervision settings")
        ordering = ["zone"]

    def __str__(self) -> str:
        return str(_("Supervision settings of %(zone)s") % {"zone": self.zone})

    @property
    def prefix(self) -> str:
        """The 文号's prefix as written: the one set, or "<short name>管督"."""
        return self.document_prefix or f"{self.zone.short_name or self.zone.name}管督"

    @property
    def office(self) -> str:
        """The issuing office signed at the end (落款)."""
        return self.issuing_office or f"{self.zone.name}督查室"


class Notice(CleanTextModel):
    """A follow-up notice (督办单) to one lead unit about one or more flagged
    targets, numbered per zone and year (督办〔2026〕3号)."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="notices")
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="notices")
    unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="notices")
    number_year = models.PositiveSmallIntegerField(_("year of the number"))
    number_seq = models.PositiveIntegerField(_("sequence number"))
    year = models.PositiveSmallIntegerField(_("period year"))
    month = models.PositiveSmallIntegerField(_("period month"))
    title = models.CharField(_("title"), max_length=300)
    requirement = models.TextField(_("requirement"))
    reply_by = models.DateField(_("answer by"))
    state = models.CharField(_("state"), max_length=16, choices=NoticeState.choices, default=NoticeState.ISSUED)
    level = models.PositiveSmallIntegerField(_("escalation"), choices=NoticeLevel.choices, default=NoticeLevel.NORMAL)
    overdue = models.BooleanField(
        _("answered late"), default=False, help_text=_("The reply date passed without an answer.")
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = _user_fk(_("issued by"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("turned red at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = _user_fk(_("answered by"))
    answer_reason = models.TextField(_("reason for the delay"), blank=True)
    answer_measures = models.TextField(_("measures"), blank=True)
    answer_expected = models.DateField(_("expected to be on track by"), null=True, blank=True)
    answer_kind = models.CharField(_("kind of answer"), max_length=16, choices=AnswerKind.choices, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = _user_fk(_("signed off by"))
    extension_until = models.DateField(_("extension asked until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = _user_fk(_("closed by"))
    close_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("follow-up notice")
        verbose_name_plural = _("follow-up notices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "number_year", "number_seq"], name="notice_unique_number"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="notice_month_in_year"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=2), name="notice_level_known"),
            models.CheckConstraint(condition=~Q(requirement=""), name="notice_has_requirement"),
            models.CheckConstraint(
                condition=~Q(state__in=ANSWER_STATES) | (Q(answered_at__isnull=False) & ~Q(answer_reason="")),
                name="notice_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(state=NoticeState.EXTENSION_REQUESTED)
                | (Q(extension_until__isnull=False) & ~Q(extension_reason="")),
                name="notice_extension_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=NoticeState.CLOSED) | (Q(closed_at__isnull=False) & ~Q(close_note="")),
                name="notice_closed_has_note",
            ),
            models.CheckConstraint(
                condition=Q(level=NoticeLevel.NORMAL) | Q(reminded_at__isnull=False),
                name="notice_escalated_was_reminded",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "state", "reply_by"], name="notice_plan_state_idx"),
            models.Index(fields=["unit", "state"], name="notice_unit_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The document number as written: 督办〔2026〕3号."""
        return str(_("Notice [%(year)s] No. %(seq)s") % {"year": self.number_year, "seq": self.number_seq})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class NoticeItem(CleanTextModel):
    """A target a notice follows up, with what it looked like when the notice
    was issued. ``is_open`` mirrors the notice's state so that the database
    keeps a target in at most one open notice."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="items")
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="notice_items")
    status = models.CharField(_("status when issued"), max_length=16)
    explanation = models.CharField(_("situation when issued"), max_length=500, blank=True)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("notice item")
        verbose_name_plural = _("notice items")
        ordering = ["notice", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "target"], name="noticeitem_unique_target"),
            models.UniqueConstraint(
                fields=["target"], condition=Q(is_open=True), name="noticeitem_one_open_notice_per_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.target_id}"


class NoticeEvent(CleanTextModel):
    """One step of a notice: who, when, what and the words they wrote."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=NoticeAction.choices)
    by = _user_fk(_("by"))
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("notice log entry")
        verbose_name_plural = _("notice log")
        ordering = ["notice", "at", "id"]
        indexes = [models.Index(fields=["notice", "at"], name="noticeevent_notice_at_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


def bulletin_upload_to(bulletin: Bulletin, filename: str) -> str:
    return f"bulletins/{bulletin.plan_id}/{bulletin.year}-{bulletin.month:02d}-{filename}"


class Bulletin(CleanTextModel):
    """A generated monthly bulletin (月通报) of a plan, kept as the Word file
    that was published. One per plan and period; generating again replaces it."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="bulletins")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    number = models.PositiveIntegerField(_("number"))
    # The 文号: its year and its number among the zone's bulletins of that year.
    document_year = models.PositiveSmallIntegerField(_("year of the document number"), null=True, blank=True)
    document_seq = models.PositiveIntegerField(_("document sequence number"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=bulletin_upload_to, max_length=300)
    pdf = models.FileField(_("PDF"), upload_to=bulletin_upload_to, max_length=300, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = _user_fk(_("generated by"))

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["plan", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "month"], name="bulletin_one_per_plan_period"),
            models.UniqueConstraint(fields=["plan", "number"], name="bulletin_unique_number_in_plan"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="bulletin_month_in_year"),
        ]

    def __str__(self) -> str:
        return self.title


# The longest instruction a leader writes: a 批示 is a few lines, not a report.
INSTRUCTION_LIMIT = 1000


class Instruction(CleanTextModel):
    """A leader's instruction (领导批示) on exactly one target, task or
    follow-up notice, for the unit that answers it: the target's or the
    task's lead unit, the notice's unit (fixed when it is written, so a later
    change of lead unit does not move an instruction already answered). The
    unit's staff or reviewer answers; the author marks the answer read.

    Each step keeps who and when (written, answered, read): that is its
    history, and nothing is changed after it is read."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="instructions")
    target = models.ForeignKey(
        Target, verbose_name=_("target"), null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("follow-up notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("answering unit"), on_delete=models.PROTECT, related_name="instructions"
    )
    text = models.TextField(_("instruction"))
    author = _user_fk(_("written by"), null=False)
    created_at = models.DateTimeField(_("written at"))
    state = models.CharField(
        _("state"), max_length=16, choices=InstructionState.choices, default=InstructionState.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = _user_fk(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("marked read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=False, task__isnull=True, notice__isnull=True)
                | Q(target__isnull=True, task__isnull=False, notice__isnull=True)
                | Q(target__isnull=True, task__isnull=True, notice__isnull=False),
                name="instruction_on_exactly_one_subject",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="instruction_has_text"),
            models.CheckConstraint(condition=Q(state__in=InstructionState.values), name="instruction_state_known"),
            models.CheckConstraint(
                condition=~Q(state__in=INSTRUCTION_ANSWERED_STATES) | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="instruction_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(state=InstructionState.READ) | Q(read_at__isnull=False),
                name="instruction_read_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="instruction_unit_state_idx"),
            models.Index(fields=["zone", "created_at"], name="instruction_zone_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} · {self.created_at:%Y-%m-%d} · {self.text[:30]}"

    @property
    def subject_kind(self) -> str:
        if self.target_id:
            return InstructionSubject.TARGET
        if self.task_id:
            return InstructionSubject.TASK
        return InstructionSubject.NOTICE

    @property
    def is_pending(self) -> bool:
        return self.state == InstructionState.PENDING
