"""A zone's plan for a year or a span of years, and its numbered tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import CleanTextModel
from plans.choices import (
    DEFAULT_AMOUNT_LAG_POINTS,
    DEFAULT_CEILING_LAG_PERCENT,
    DEFAULT_MILESTONE_LAG_POINTS,
    DEFAULT_RATE_LAG_POINTS,
    READABLE,
    Frequency,
    PlanKind,
    PlanStatus,
    TimeBasis,
)
from zones import policy
from zones.models import Unit, Zone

POINTS = {"max_digits": 6, "decimal_places": 2}


class PlanQuerySet(models.QuerySet):
    def readable_by(self, user, *, whole_zones_only: bool = False, co_operation: bool = True) -> PlanQuerySet:
        """Plans out of draft with something the user may read (the rule is
        ``zones.policy.plan_visibility``; its keywords are passed on): the start
        of every page, list and export that offers a choice of plans."""
        return self.filter(
            policy.plan_visibility(user, whole_zones_only=whole_zones_only, co_operation=co_operation),
            status__in=READABLE,
        )


class Plan(CleanTextModel):
    """A zone's work plan (工作要点/工作计划/行动计划) with its reporting rules
    and the thresholds that turn a gap into a status (defaults per DOMAIN.md)."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices, default=PlanKind.WORK_POINTS)
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # Reporting settings.
    frequency = models.CharField(
        _("reporting frequency"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    due_day = models.PositiveSmallIntegerField(
        _("reports due on day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the following month by which a period's reports are due."),
    )
    jan_feb_combined = models.BooleanField(
        _("January reported with February"),
        default=False,
        help_text=_("January and February are reported together as one period (1-2月合并)."),
    )
    lock_after_days = models.PositiveSmallIntegerField(
        _("period locks after (days)"),
        default=10,
        help_text=_("Days after the due day after which a period accepts no more changes."),
    )
    reports_from = models.DateField(
        _("reporting starts in"),
        null=True,
        blank=True,
        help_text=_(
            "The first month whose reports are owed (its first day). Earlier months count neither as "
            "overdue nor against the on-time rate; empty: from the plan's first month."
        ),
    )
    time_basis = models.CharField(
        _("time progress judged against"),
        max_length=8,
        choices=TimeBasis.choices,
        default=TimeBasis.LINEAR,
        help_text=_(
            "Seasonal: an amount with last year's monthly year-to-date figures is judged against last "
            "year's share of the year by each month; without them, against the straight line."
        ),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Status thresholds, in percentage points (ceiling: percent of the ceiling).
    amount_lag_points = models.DecimalField(
        _("amount: seriously lagging at (points behind)"), default=DEFAULT_AMOUNT_LAG_POINTS, **POINTS
    )
    rate_lag_points = models.DecimalField(
        _("rate and ratio: seriously lagging at (points below)"), default=DEFAULT_RATE_LAG_POINTS, **POINTS
    )
    ceiling_lag_percent = models.DecimalField(
        _("ceiling: seriously lagging above (percent of the ceiling)"), default=DEFAULT_CEILING_LAG_PERCENT, **POINTS
    )
    milestone_lag_points = models.DecimalField(
        _("milestone: seriously lagging at (points behind)"), default=DEFAULT_MILESTONE_LAG_POINTS, **POINTS
    )
    recompute_claimed_at = models.DateTimeField(
        _("recompute running since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set while a recompute of the plan runs, so that two never run at once."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["zone", "-start_year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="plan_end_not_before_start"),
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="plan_due_day_in_month"),
            models.CheckConstraint(
                condition=Q(
                    amount_lag_points__gt=0,
                    rate_lag_points__gt=0,
                    ceiling_lag_percent__gt=0,
                    milestone_lag_points__gt=0,
                ),
                name="plan_thresholds_positive",
            ),
            models.UniqueConstraint(fields=["zone", "title"], name="plan_unique_title_in_zone"),
            models.CheckConstraint(
                condition=Q(reports_from__day=1),
                name="plan_reports_from_first_of_month",
                violation_error_message=_("Reporting starts on the first day of a month."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def span_label(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"


class Task(CleanTextModel):
    """A numbered item of a plan, numbered as the document writes it.

    ``path`` joins the numbers from the top (e.g. ``二 > (三) > 1``) and is
    unique within the plan; ``order`` keeps siblings in document order.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("number"), max_length=16, help_text=_("As written: 一、 (一) 1. (1) 一是"))
    path = models.CharField(_("path"), max_length=200)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    order = models.PositiveIntegerField(_("order"), default=0)
    heading = models.CharField(_("heading"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-operating units"), blank=True, related_name="co_tasks")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_tasks",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "path"], name="task_unique_path_in_plan"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="task_not_own_parent"),
        ]
        indexes = [models.Index(fields=["plan", "lead_unit"], name="task_plan_lead_unit_idx")]

    def __str__(self) -> str:
        return f"{self.number}{self.heading}"
