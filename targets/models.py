"""Measurable commitments inside a plan's tasks."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.figures import figure_field, figure_problem, figure_text, read_plain
from core.models import CleanTextModel
from plans.choices import Frequency
from plans.models import Plan, Task
from targets import kinds
from targets.choices import (
    BAD,
    Comparator,
    FlagChange,
    Outlook,
    ReportedAs,
    ReportingStatus,
    Status,
)


class TargetQuerySet(models.QuerySet):
    def milestones(self) -> TargetQuerySet:
        return self.filter(kind=kinds.MILESTONE.key)

    def task_items(self) -> TargetQuerySet:
        """The task items: one per leaf task, its monthly progress (targets.task_items)."""
        return self.filter(kind=kinds.TASK.key)

    def stated(self) -> TargetQuerySet:
        """The targets and milestones the plan states, without the task items."""
        return self.exclude(kind=kinds.TASK.key)

    def visible_to(self, user) -> TargetQuerySet:
        """Targets the user may read: the start of every view, API call and export."""
        from zones.policy import target_visibility

        return self.filter(target_visibility(user)).distinct()


class Target(CleanTextModel):
    """A target (目标/指标) of a task.

    Milestones (节点) are targets of kind ``milestone`` whose ``deadline`` is
    their due date: they are reported, judged and listed like every other
    target, so one table serves the whole pipeline. ``Milestone`` below is a
    proxy that presents them as (task, title, due date).
    """

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=200)
    # The kinds registered when the models load (targets.kinds): their keys
    # and names, and below the constraints their entries call for.
    kind = models.CharField(_("kind"), max_length=kinds.KEY_LENGTH, choices=kinds.choices())
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    comparator = models.CharField(
        _("comparator"), max_length=8, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    # Figures (core.figures): DECIMAL(15, 4), read back exactly on SQLite and PostgreSQL.
    value = figure_field(_("target value"))
    value_high = figure_field(_("high end of range"))
    stretch = figure_field(_("stretch value"))
    baseline = figure_field(_("baseline"), help_text=_("The prior year's figure, for growth targets."))
    baseline_by_month = models.JSONField(
        _("baseline by month"),
        null=True,
        blank=True,
        help_text=_('The prior year\'s year-to-date figure per month, e.g. {"3": "12.5"}.'),
    )
    start_value = figure_field(
        _("starting level"),
        help_text=_("For a level reached from a known start (总数达到118家 from 69): the start."),
    )
    reported_as = models.CharField(
        _("reported as"),
        max_length=8,
        choices=ReportedAs.choices,
        default=ReportedAs.RATE,
    )
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("When it differs from the plan's end; a milestone's due date."),
    )
    frequency = models.CharField(
        _("reporting frequency"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    trajectory = models.JSONField(
        _("monthly trajectory"),
        null=True,
        blank=True,
        help_text=_('Planned year-to-date value per month, e.g. {"6": "250", "12": "500"}.'),
    )
    is_headline = models.BooleanField(_("headline indicator"), default=False)
    quote = models.CharField(_("source clause"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["task__plan", "task__order", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~kinds.q(lambda kind: kind.needs_value) | Q(value__isnull=False),
                name="target_quantitative_needs_value",
            ),
            models.CheckConstraint(
                condition=~kinds.q(lambda kind: kind.needs_deadline) | Q(deadline__isnull=False),
                name="target_milestone_needs_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(comparator=Comparator.RANGE) | Q(value_high__isnull=False),
                name="target_range_needs_high_end",
            ),
            # A leaf task has one task item (targets.task_items).
            models.UniqueConstraint(fields=["task"], condition=Q(kind=kinds.TASK.key), name="target_one_item_per_task"),
            models.CheckConstraint(
                condition=Q(value_high__isnull=True)
                | Q(comparator=Comparator.RANGE, value__isnull=False, value_high__gt=F("value")),
                name="target_range_high_above_low",
            ),
            models.CheckConstraint(
                condition=~kinds.q(lambda kind: kind.at_most) | Q(comparator=Comparator.AT_MOST),
                name="target_ceiling_is_at_most",
            ),
            models.CheckConstraint(
                condition=Q(stretch__isnull=True)
                | (~Q(comparator=Comparator.AT_MOST) & Q(value__isnull=False, stretch__gt=F("value"))),
                name="target_stretch_above_value",
            ),
            models.CheckConstraint(
                condition=Q(reported_as=ReportedAs.RATE)
                | Q(baseline__isnull=False, **kinds.lookup(lambda kind: kind.year_on_year)),
                name="target_amount_reporting_needs_baseline",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="target_weight_positive"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0) | kinds.q(lambda kind: kind.negative_value),
                name="target_value_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["kind"], name="target_kind_idx")]

    def __str__(self) -> str:
        return self.indicator

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("trajectory", "baseline_by_month"):
            value = getattr(self, field)
            if value in (None, ""):
                continue
            try:
                month_map(value)
            except ValueError as error:
                errors[field] = str(error)
        if errors:
            raise ValidationError(errors)

    def get_kind_display(self) -> str:
        return kinds.label(self.kind)

    @property
    def kind_entry(self) -> kinds.Kind:
        """What the registry says of the target's kind (targets.kinds)."""
        return kinds.get(self.kind)

    @property
    def actual_unit(self) -> str:
        """The unit of a result's actual: the target's own for an amount or a
        ceiling (a level), % for a rate, a ratio and a milestone's share done."""
        return self.kind_entry.actual_unit(self.unit or "")

    def written(self, value, *, unit: bool = True) -> str:
        """A figure of this target as people read it (``kinds.Kind.written``):
        a reported figure in its unit, or a task item's standing in words."""
        return self.kind_entry.written(value, unit=self.figure_unit if unit else "")

    @property
    def reports_amount(self) -> bool:
        """A growth (or decrease) target reported by its year-to-date amount, its rate computed
        against the baseline's same period: the figure typed is that amount, not a rate."""
        return bool(self.kind_entry.year_on_year and self.reported_as == ReportedAs.AMOUNT)

    @property
    def figure_unit(self) -> str:
        """The unit a reported figure is typed in: % for a milestone's share done; none for a
        rate reported by its amount (the plan names the rate's unit, %, not the amount's)."""
        if self.reports_amount:
            return ""
        return self.kind_entry.figure_unit(self.unit or "")

    @property
    def target_label(self) -> str:
        """The target as a person reads it: 15%, 10–15个, 10%（力争15%）; a
        kind without a value (a milestone) by its due date."""
        if not self.kind_entry.needs_value:
            if self.deadline is None and self.kind_entry.figures.standing:
                return str(_("within the plan's span"))
            return str(_("due %(date)s") % {"date": self.deadline.isoformat() if self.deadline else "—"})
        unit = self.unit or ""
        text = f"{figure_text(self.value)}{unit}"
        if self.value_high is not None:
            text = f"{figure_text(self.value)}–{figure_text(self.value_high)}{unit}"
        if self.comparator == Comparator.AT_MOST:
            text = f"≤ {text}"
        if self.stretch is not None:
            text += str(_(" (stretch %(value)s)") % {"value": f"{figure_text(self.stretch)}{unit}"})
        return text


class MilestoneManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=kinds.MILESTONE.key)


class Milestone(Target):
    """A task's dated milestone (节点): a target of kind milestone, shown as
    task, title and due date."""

    objects = MilestoneManager()

    class Meta:
        proxy = True
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["deadline", "id"]

    def save(self, *args, **kwargs) -> None:
        self.kind = kinds.MILESTONE.key
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return self.indicator

    @property
    def due_date(self):
        return self.deadline


def month_map(value: object) -> dict[int, Decimal]:
    """A {month: figure} map (a trajectory, a baseline by month) read and
    checked: keys 1–12 (as the JSON object's digits), values figures
    (core.figures) as decimal strings or JSON numbers. ``clean`` refuses what
    it refuses (ValueError); the engine reads stored maps through it."""
    if not isinstance(value, dict):
        raise ValueError(_("Expected an object of month → value."))
    result: dict[int, Decimal] = {}
    for key, number in value.items():
        month = _month_key(key)
        amount = _map_figure(number)
        if month is None or amount is None:
            raise ValueError(_("“%(key)s: %(value)s” is not a month and a number.") % {"key": key, "value": number})
        if not 1 <= month <= 12:
            raise ValueError(_("Months run from 1 to 12."))
        problem = figure_problem(amount)
        if problem:
            raise ValueError(_("Month %(month)d: %(problem)s") % {"month": month, "problem": problem})
        result[month] = amount
    return result


def _month_key(key: object) -> int | None:
    """A month key: ASCII digits ("3", "03"), as the bulk recompute casts it."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 2:
        return int(key)
    return None


def _map_figure(number: object) -> Decimal | None:
    """A month map's value as the decimal it writes: a string as typed, a JSON
    number by its shortest repr (what the JSON said); None for anything else."""
    if isinstance(number, bool):
        return None
    if isinstance(number, int):
        return Decimal(number)
    if isinstance(number, float):
        return Decimal(repr(number))
    if isinstance(number, str):
        return read_plain(number.strip())
    return None


class TargetResult(CleanTextModel):
    """A target's judgement for one period, as computed by the engine
    (targets.metrics): its progress status on the latest approved figure and,
    beside it, its lead unit's reporting status. Upserted under (target,
    year, month)."""

    # The unique (target, year, month) constraint's index serves lookups by
    # target. No per-row foreign key on PostgreSQL: statement-level triggers
    # (targets.integrity) keep every row's target in existence, for a tenth
    # of the cost of a whole-plan recompute's 300,000 row-by-row checks.
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(_("progress status"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=20)
    # The second question, apart from the first: did the lead unit report this
    # period on time (targets.metrics.reporting_status)?
    reporting = models.CharField(_("reporting status"), max_length=16, choices=ReportingStatus.choices)
    # The period of the approved figure judged: this one, or an earlier one
    # whose figure was carried ("数据截至1-8月"); none without a figure.
    data_year = models.PositiveSmallIntegerField(_("figure's year"), null=True, blank=True)
    data_month = models.PositiveSmallIntegerField(_("figure's month"), null=True, blank=True)
    # A reported figure, or a rate the engine computed and kept within a figure's range.
    actual = figure_field(_("actual"))
    completion = models.DecimalField(_("completion (%)"), max_digits=12, decimal_places=1, null=True, blank=True)
    expected = models.DecimalField(_("time progress (%)"), max_digits=6, decimal_places=1, null=True, blank=True)
    # A rate's gap is the reported rate minus the target: as wide as a figure.
    gap = models.DecimalField(_("gap (points)"), max_digits=20, decimal_places=1, null=True, blank=True)
    # Looking ahead (targets.outlook), for an amount: the seasonal time
    # progress beside the straight line, the monthly pace still needed and the
    # pace so far, and the year-end projection with its band and verdict.
    expected_seasonal = models.DecimalField(
        _("seasonal time progress (%)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    pace_needed = figure_field(_("monthly pace still needed"))
    pace_so_far = figure_field(_("monthly pace so far"))
    projected = figure_field(_("projected at year end"))
    projected_low = figure_field(_("projection: low end"))
    projected_high = figure_field(_("projection: high end"))
    outlook = models.CharField(_("year-end outlook"), max_length=8, choices=Outlook.choices, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("target result")
        verbose_name_plural = _("target results")
        ordering = ["target", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "month"], name="result_one_per_target_period"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="result_month_in_year"),
        ]
        # What lags in a period, across plans (region-wide lists, the API's results by
        # status). Only the bad rows: the index costs each recompute one insert per
        # row it holds, and nobody looks up the good ones by period and status.
        indexes = [
            models.Index(fields=["year", "month", "status"], name="result_period_bad_idx", condition=Q(status__in=BAD))
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}-{self.month:02d} {self.status}"


class TargetFlag(CleanTextModel):
    """A change of a target's status between consecutive periods, so history
    can say "red in March, recovered in May"."""

    # Kept in existence like TargetResult.target (targets.integrity).
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.CASCADE,
        related_name="flags",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    change = models.CharField(_("change"), max_length=16, choices=FlagChange.choices)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["target", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "month"], name="flag_one_per_target_period"),
        ]
        indexes = [models.Index(fields=["year", "month", "change"], name="flag_period_change_idx")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}-{self.month:02d} {self.change}"


class PendingRecompute(CleanTextModel):
    """A target owed a recompute: the outbox of the engine.

    Written in the same transaction as the report change that calls for it
    (submit, approve, return, correct), and deleted by the recompute that
    pays the debt, so a recompute cannot be lost between the commit and the
    broker: the on-commit task is the fast path, ``progress.engine.tasks.catch_up``
    (every minute) recomputes what it missed (a broker that was down, a
    message lost with a worker).
    """

    target = models.OneToOneField(
        Target,
        verbose_name=_("target"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pending_recompute",
    )
    marked_at = models.DateTimeField(_("marked at"), db_index=True)

    class Meta:
        verbose_name = _("pending recompute")
        verbose_name_plural = _("pending recomputes")

    def __str__(self) -> str:
        return f"{self.target_id} since {self.marked_at:%Y-%m-%d %H:%M:%S}"


class PendingPlanRecompute(models.Model):
    """A plan owed a full recompute: the outbox of plan recomputes.

    Recorded before the recompute is queued (the nightly sweep, a plan whose
    recompute died), so a message lost on its way or with its worker loses
    nothing: ``progress.engine.tasks.catch_up`` (every minute) queues the plan again.
    The recompute deletes the mark in the transaction that writes its
    results, and only the mark it saw when it started: one made meanwhile
    stays for the next recompute.
    """

    plan = models.OneToOneField(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pending_recompute",
    )
    marked_at = models.DateTimeField(_("marked at"), db_index=True)
    # When a recompute message was last sent for it; the sweep sends another
    # only if none was, or if that one is long overdue (lost).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pending plan recompute")
        verbose_name_plural = _("pending plan recomputes")

    def __str__(self) -> str:
        return f"plan {self.plan_id} since {self.marked_at:%Y-%m-%d %H:%M:%S}"


class TaskResult(CleanTextModel):
    """A task's own status for one period, as the engine stores it beside its
    targets' results (targets.task_status): the worst of its task item and its
    heaviest-weighted stated targets, with the target that decides it. Not
    rolled up: a parent task's status is the worst of its own and its
    sub-tasks', read at read time (``task_status.worst_status``). A task
    with no result of any target that counts has none."""

    # The unique (task, year, month) constraint's index serves lookups by task.
    # No foreign keys in the database, as for a result's target
    # (targets.integrity): a whole-plan recompute writes tens of thousands of
    # rows, and a key checks each at commit. The ORM deletes a task's rows with
    # it; a deciding target deleted leaves an id that reads as none (a left
    # join) until its task's next recompute.
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(_("progress status"), max_length=16, choices=Status.choices)
    # The target (a stated one, or the task's own item) whose result decides the status.
    decided_by = models.ForeignKey(
        Target,
        verbose_name=_("deciding target"),
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("task result")
        verbose_name_plural = _("task results")
        ordering = ["task", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["task", "year", "month"], name="task_result_one_per_task_period"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="task_result_month_in_year"),
        ]

    def __str__(self) -> str:
        return f"task {self.task_id} {self.year}-{self.month:02d} {self.status}"


class TaskFlag(CleanTextModel):
    """A change of a task's own status between its consecutive results
    (targets.metrics.transition), as TargetFlag is for a target."""

    # Kept like TaskResult.task.
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="flags",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    change = models.CharField(_("change"), max_length=16, choices=FlagChange.choices)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("task flag")
        verbose_name_plural = _("task flags")
        ordering = ["task", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["task", "year", "month"], name="task_flag_one_per_task_period"),
        ]
        indexes = [models.Index(fields=["year", "month", "change"], name="task_flag_period_change_idx")]

    def __str__(self) -> str:
        return f"task {self.task_id} {self.year}-{self.month:02d} {self.change}"
