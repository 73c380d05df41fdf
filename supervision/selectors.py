"""Reads of supervision: who may supervise or answer, the rows of the lists
with their narratives, notices, scores and rankings, and the ledger.

Aggregates run in the database; the number of queries does not grow with
the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext as _

from core import clock
from plans.models import Plan, Task
from plans.periods import Period, is_reporting_month, period_counts, period_label
from progress.attachments import evidence_by_target
from progress.choices import COUNTED, SENT
from progress.contributions import submitted_contributions
from progress.models import Attachment, Report, TaskContribution
from progress.selectors import pending_figures
from supervision.choices import (
    NOTICE_STEPS,
    OPEN_STATES,
    STEP_BY_SUPERVISION,
    STEP_BY_UNIT,
    STEP_BY_UNIT_HEAD,
    NoticeState,
    NoticeStep,
    ScoreMode,
    answer_kind_of,
)
from supervision.instructions import instructions_by_task
from supervision.models import Instruction, Notice, NoticeItem, SupervisionRule, SupervisionSetting
from targets import kinds
from targets.ahead_words import pace_words
from targets.choices import BAD, RED, SEVERITY, ReportingStatus, Status
from targets.facts import facts_of
from targets.models import Target, TargetResult
from targets.selectors import figure_age, latest_results, result_explanation
from targets.task_status import NO_STATUS, TaskStatus, task_statuses
from zones import policy
from zones.choices import Role
from zones.models import Membership, Unit, Zone

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
ANSWERING_ROLES = (Role.STAFF, Role.REVIEWER)
ONE_DECIMAL = Decimal("0.1")


# --- who may do what -----------------------------------------------------------


def supervised_zones(user) -> QuerySet[Zone]:
    """Zones whose supervision the user runs: the supervision team and zone
    administrators (and the system administrator everywhere)."""
    if not user.is_authenticated:
        return Zone.objects.none()
    if user.is_superuser:
        return Zone.objects.all()
    return Zone.objects.filter(pk__in=Membership.objects.filter(user=user, role__in=SUPERVISING_ROLES).values("zone"))


def can_supervise(user, zone: Zone) -> bool:
    return supervised_zones(user).filter(pk=zone.pk).exists()


def answering_units(user) -> QuerySet[Unit]:
    """Units whose notices the user answers: their reporting staff and reviewers."""
    return policy.units_with_role(user, *ANSWERING_ROLES)


def can_answer(user, notice: Notice) -> bool:
    return user.is_authenticated and answering_units(user).filter(pk=notice.unit_id).exists()


def can_sign_off(user, notice: Notice) -> bool:
    """May the user sign the unit's answer off (zones.policy decides who the unit head is)."""
    return policy.can_sign_off(user, notice.unit)


def _who_may(user, notice: Notice, by: str) -> bool:
    if by == STEP_BY_UNIT:
        return can_answer(user, notice)
    if by == STEP_BY_UNIT_HEAD:
        return can_sign_off(user, notice)
    return can_supervise(user, notice.zone)


def may_take_step(user, notice: Notice, step: str) -> bool:
    """Whether the user's role takes this step of the notice (whatever its state)."""
    by, _states = NOTICE_STEPS[step]
    return _who_may(user, notice, by)


def notice_steps(user, notice: Notice) -> list[str]:
    """The steps the user may take on the notice now: their role takes it and
    the notice is in a state the step starts from."""
    may = {by: _who_may(user, notice, by) for by in (STEP_BY_UNIT, STEP_BY_UNIT_HEAD, STEP_BY_SUPERVISION)}
    return [step for step, (by, states) in NOTICE_STEPS.items() if may[by] and notice.state in states]


def rule_for(plan: Plan) -> SupervisionRule:
    """The plan's rules, or the defaults (unsaved) when none were set."""
    return SupervisionRule.objects.filter(plan=plan).first() or SupervisionRule(plan=plan)


def setting_for(zone: Zone) -> SupervisionSetting:
    """The zone's supervision settings, or the defaults (unsaved) when none were set."""
    return SupervisionSetting.objects.filter(zone=zone).select_related("zone").first() or SupervisionSetting(zone=zone)


def notice_answer_kind(notice: Notice) -> str:
    """The answer the notice asks for (``supervision.choices.answer_kind_of``
    on its items' statuses at issue)."""
    return answer_kind_of(notice.items.values_list("status", flat=True))


def items_behind(notice: Notice, *, period: Period) -> list[tuple[str, str]]:
    """The notice's items still lagging or overdue in ``period`` on approved
    figures: (indicator, status in words), worst first. Closing (销号) a notice
    with such items asks for a confirmation naming them."""
    results = (
        latest_results(targets=Target.objects.filter(notice_items__notice=notice), period=period)
        .filter(status__in=BAD)
        .select_related("target")
    )
    rows = sorted(results, key=lambda r: (-SEVERITY[r.status], r.target.order, r.target_id))
    return [(r.target.indicator, r.get_status_display()) for r in rows]


# --- list rows -----------------------------------------------------------------


def with_narratives(results: QuerySet[TargetResult], *, period: Period) -> QuerySet[TargetResult]:
    """Annotate each result with its target's latest sent narrative at or
    before ``period`` (progress, problems, next steps) and that report's
    status (``narrative_status``): a narrative waiting for review is shown,
    marked by ``narrative_mark``, as a pending figure is."""
    latest = (
        Report.objects.filter(target=OuterRef("target"), status__in=SENT)
        .filter(Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month))
        .order_by("-year", "-month")
    )
    return results.annotate(
        narrative_progress=Subquery(latest.values("progress")[:1]),
        narrative_problems=Subquery(latest.values("problems")[:1]),
        narrative_next_steps=Subquery(latest.values("next_steps")[:1]),
        narrative_status=Subquery(latest.values("status")[:1]),
    )


def narrative_mark(status: str | None) -> str:
    """The mark of a narrative not yet approved (待审核), "" for an approved one."""
    return "" if status is None or status in COUNTED else str(ReportingStatus.PENDING.label)


def explanation_of(result: TargetResult) -> str:
    """The one-line explanation; needs ``target__task__plan`` selected."""
    return result_explanation(result, target=result.target, plan=result.target.task.plan)


def pace_of(result: TargetResult) -> str:
    """An amount's monthly pace still needed beside its pace so far, as stored
    ("需月均完成21.3亿元，前9月月均14.2亿元", ``targets.ahead_words``); "" for
    none. Needs ``target__task__plan`` selected."""
    return pace_words(result, facts_of(result.target, result.target.task.plan))


# --- notices -------------------------------------------------------------------


def notices_visible_to(user) -> QuerySet[Notice]:
    """Notices of the zones the user supervises or reads whole, and notices
    addressed to the user's units."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(
        Q(zone__in=policy.zones_seen_whole(user))
        | Q(zone__in=supervised_zones(user))
        | Q(unit__in=answering_units(user))
    )


def notices_to_answer(user) -> QuerySet[Notice]:
    """Notices waiting for the user's answer: addressed to a unit they answer
    for, in a state the answer starts from (``NOTICE_STEPS``), or, for the
    unit's head, an answer waiting for their sign-off."""
    if not user.is_authenticated:
        return Notice.objects.none()
    _by, states = NOTICE_STEPS[NoticeStep.ANSWER]
    _head, sign_off_states = NOTICE_STEPS[NoticeStep.SIGN_OFF]
    return Notice.objects.filter(
        Q(unit__in=answering_units(user), state__in=states)
        | Q(unit__in=policy.sign_off_units(user), state__in=sign_off_states)
    )


def overdue_notices_count(plan: Plan, *, today: dt.date | None = None) -> int:
    """Open notices of the plan whose reply date has passed without an
    answer (for the dashboard's red count)."""
    today = today or clock.today()
    return Notice.objects.filter(plan=plan, state=NoticeState.ISSUED, reply_by__lt=today).count()


@dataclass
class NoticeSummary:
    issued: int = 0
    answered: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    red: int = 0
    extension: int = 0


def notice_summary(*, plan: Plan, today: dt.date | None = None) -> NoticeSummary:
    """The state of a plan's notices (one query)."""
    today = today or clock.today()
    row = Notice.objects.filter(plan=plan).aggregate(
        issued=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False) & ~Q(state=NoticeState.SIGN_OFF)),
        closed=Count("pk", filter=Q(state=NoticeState.CLOSED)),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(state=NoticeState.ISSUED, reply_by__lt=today)),
        red=Count("pk", filter=Q(state__in=OPEN_STATES, level=2)),
        extension=Count("pk", filter=Q(state=NoticeState.EXTENSION_REQUESTED)),
    )
    return NoticeSummary(**row)


@dataclass
class NoticeLine:
    """A target (or task item) a notice follows up, with its latest result at
    the period viewed (a task item's standing is that result's figure)."""

    target: Target
    result: TargetResult | None = None


@dataclass
class OpenNoticeRow:
    notice: Notice
    lines: list[NoticeLine] = field(default_factory=list)


def open_notices_with_items(*, plan: Plan, period: Period, limit: int) -> list[OpenNoticeRow]:
    """The plan's open notices, escalated and nearest reply date first (at
    most ``limit``), each with the items it follows up and their latest
    results at ``period``: three queries whatever the number of notices or
    items."""
    notices = list(
        Notice.objects.filter(plan=plan, state__in=OPEN_STATES)
        .select_related("unit")
        .order_by(F("level").desc(), "reply_by", "pk")[:limit]
    )
    rows = {notice.pk: OpenNoticeRow(notice=notice) for notice in notices}
    if not rows:
        return []
    items = list(
        NoticeItem.objects.filter(notice__in=list(rows))
        .select_related("target__task")
        .order_by("notice", "target__task__order", "target__order", "pk")
    )
    targets = Target.objects.filter(pk__in={item.target_id for item in items})
    results = {result.target_id: result for result in latest_results(targets=targets, period=period)}
    for item in items:
        rows[item.notice_id].lines.append(NoticeLine(target=item.target, result=results.get(item.target_id)))
    return list(rows.values())


# --- scores and ranking ----------------------------------------------------------


@dataclass
class UnitScore:
    """A lead unit's assessment for a period: the parts and the total."""

    unit_id: int
    name: str
    # The items scored: the stated targets, and apart the task items (指标 N · 任务 M).
    targets: int = 0
    tasks: int = 0
    completion: Decimal | None = None  # weighted average of capped completion, %
    due_reports: int = 0
    on_time: int = 0
    red: int = 0
    overdue_notices: int = 0
    completion_score: Decimal = Decimal(0)
    on_time_score: Decimal = Decimal(0)
    deductions: Decimal = Decimal(0)
    score: Decimal = Decimal(0)
    rank: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        if not self.due_reports:
            return None
        return (Decimal(self.on_time) * 100 / Decimal(self.due_reports)).quantize(ONE_DECIMAL)


def score_of(
    *,
    rule: SupervisionRule,
    completion: Decimal | None,
    due_reports: int,
    on_time: int,
    red: int,
    overdue_notices: int,
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(completion part, on-time part, deductions, total) of a unit's score.

    completion part = points for completion × capped completion ÷ 100;
    on-time part = points for on-time reporting × on-time share (full when
    nothing was due); deductions per red target and per overdue notice; the
    total is never below zero.
    """
    completion_part = rule.completion_points * min(completion or Decimal(0), rule.completion_cap) / 100
    share = Decimal(1) if not due_reports else Decimal(min(on_time, due_reports)) / Decimal(due_reports)
    on_time_part = rule.on_time_points * share
    deductions = rule.red_flag_deduction * red + rule.overdue_notice_deduction * overdue_notices
    total = max(Decimal(0), completion_part + on_time_part - deductions)
    return (
        completion_part.quantize(ONE_DECIMAL),
        on_time_part.quantize(ONE_DECIMAL),
        deductions.quantize(ONE_DECIMAL),
        total.quantize(ONE_DECIMAL),
    )


def scored_completion(rule: SupervisionRule) -> Least:
    """What one latest result adds to its unit's completion before the
    weighting, capped at the rule's cap: the one rule of how a task item
    (a task's monthly standing, ``targets.kinds.TASK``) counts in the score.

    A stated target counts its completion on approved figures (none counts
    0). A task item counts as one item of its task: 100 when done, its time
    progress (序时进度, the result's ``expected``) when its unit reports it
    on schedule, 0 when lagging, overdue or without an approved standing, as
    a target without a figure counts 0. (Its report counts in on-time
    reporting, and an overdue item as a red one, exactly as a target's.)"""
    cap = Value(rule.completion_cap)
    zero = Value(Decimal(0))
    item = Case(
        When(status=Status.COMPLETED, then=Value(Decimal(100))),
        When(status=Status.ON_TRACK, then=Coalesce(F("expected"), zero)),
        default=zero,
        output_field=DecimalField(),
    )
    stated = Coalesce(F("completion"), zero, output_field=DecimalField())
    standing = Q(**{f"target__{name}": value for name, value in kinds.lookup(_is_standing).items()})
    return Least(Case(When(standing, then=item), default=stated, output_field=DecimalField()), cap)


def _is_standing(kind: kinds.Kind) -> bool:
    return kind.figures.standing


def assessment_months(period: Period, mode: str) -> list[int]:
    """The months of ``period.year`` an assessment covers."""
    return [period.month] if mode == ScoreMode.MONTH else list(range(1, period.month + 1))


def ranking_basis(*, mode: str, period: Period) -> str:
    """The basis of a ranking in words: "年度累计,1-8月" or "月度,8月"; every
    page and document that shows a ranking names it with these words."""
    months = period_label(None, period.month, cumulative=mode != ScoreMode.MONTH)
    return _("%(basis)s, %(months)s") % {"basis": ScoreMode(mode).label, "months": months}


def ranking_title(*, mode: str, period: Period) -> str:
    """The heading of a ranking with its basis: "考核排名(年度累计,1-8月)"."""
    return _("Ranking of units (%(basis)s)") % {"basis": ranking_basis(mode=mode, period=period)}


def unit_scores(*, plan: Plan, period: Period, mode: str, today: dt.date | None = None) -> list[UnitScore]:
    """Every lead unit of the plan scored for ``period`` on the basis ``mode``
    (ScoreMode: the month alone, or the year to the month) and ranked (ties
    share a rank). The one scoring definition: the ranking page, the
    dashboard's ranking box and the bulletin call it, each naming its basis.
    Five queries whatever the number of units, targets or reports.

    - completion: the latest result of each target at the period (judged on
      approved figures), capped and weighted by the targets' weights (a
      target without a figure counts 0; a task item as ``scored_completion``
      says, one item of its task);
    - on-time reporting: the results of the month (annual: of the year to
      the month) whose reporting status is 已报 (approved, sent by the due
      day), against the reports due (none before the plan's reporting start,
      ``plans.periods.period_counts``);
    - red targets: seriously lagging or overdue at the period;
    - overdue notices: notices about the month (annual: the year to the
      month) that went unanswered past their reply date.
    """
    today = today or clock.today()
    rule = rule_for(plan)
    months = assessment_months(period, mode)
    targets = Target.objects.filter(task__plan=plan, task__lead_unit__isnull=False)
    scores: dict[int, UnitScore] = {}
    due_by_unit: dict[int, int] = defaultdict(int)
    for row in targets.values("task__lead_unit", "task__lead_unit__name", "frequency", "kind").annotate(n=Count("pk")):
        unit_id = row["task__lead_unit"]
        score = scores.setdefault(unit_id, UnitScore(unit_id=unit_id, name=row["task__lead_unit__name"]))
        if kinds.get(row["kind"]).figures.standing:
            score.tasks += row["n"]
        else:
            score.targets += row["n"]
        reporting = sum(
            1
            for month in months
            if is_reporting_month(month, frequency=row["frequency"], jan_feb_combined=plan.jan_feb_combined)
            and period_counts(plan, Period(period.year, month))  # none due before the reporting start
        )
        due_by_unit[unit_id] += row["n"] * reporting

    weighted = ExpressionWrapper(scored_completion(rule) * F("target__weight"), output_field=DecimalField())
    for row in (
        latest_results(targets=targets, period=period)
        .values("target__task__lead_unit")
        .annotate(
            weighted=Sum(weighted),
            weight=Sum("target__weight"),
            red=Count("pk", filter=Q(status__in=RED)),
        )
    ):
        score = scores.get(row["target__task__lead_unit"])
        if score is None:
            continue
        if row["weight"]:
            score.completion = (Decimal(row["weighted"] or 0) / Decimal(row["weight"])).quantize(ONE_DECIMAL)
        score.red = row["red"]

    for row in (
        TargetResult.objects.filter(
            target__in=targets, year=period.year, month__in=months, reporting=ReportingStatus.REPORTED
        )
        .values("target__task__lead_unit")
        .annotate(on_time=Count("pk"))
    ):
        if row["target__task__lead_unit"] in scores:
            scores[row["target__task__lead_unit"]].on_time = row["on_time"]

    late = Q(overdue=True) | Q(state=NoticeState.ISSUED, reply_by__lt=today)
    for row in (
        Notice.objects.filter(plan=plan, year=period.year, month__in=months)
        .filter(late)
        .values("unit")
        .annotate(n=Count("pk"))
    ):
        if row["unit"] in scores:
            scores[row["unit"]].overdue_notices = row["n"]

    for unit_id, score in scores.items():
        score.due_reports = due_by_unit[unit_id]
        score.completion_score, score.on_time_score, score.deductions, score.score = score_of(
            rule=rule,
            completion=score.completion,
            due_reports=score.due_reports,
            on_time=score.on_time,
            red=score.red,
            overdue_notices=score.overdue_notices,
        )
    ranked = sorted(scores.values(), key=lambda s: (-s.score, -(s.completion or 0), s.name))
    for index, score in enumerate(ranked, start=1):
        previous = ranked[index - 2] if index > 1 else None
        score.rank = previous.rank if previous and previous.score == score.score else index
    return ranked


# --- the ledger (台账) --------------------------------------------------------------


@dataclass
class LedgerLine:
    """One target of the ledger, month by month: the approved figure (the one
    that counts), a figure waiting for review (shown marked 待审核), the
    progress status with the age of a carried figure, and the reporting
    status; and the latest narrative sent, marked when not yet approved."""

    target: Target
    figures: dict[int, Decimal | None] = field(default_factory=dict)
    pending: dict[int, Decimal | None] = field(default_factory=dict)
    statuses: dict[int, str] = field(default_factory=dict)
    ages: dict[int, str] = field(default_factory=dict)
    reporting: dict[int, str] = field(default_factory=dict)
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    narrative_status: str | None = None
    # The files attached to the target's sent report of the period (progress.attachments).
    evidence: list[Attachment] = field(default_factory=list)


@dataclass
class LedgerTask:
    """One task of the ledger (台账), as a zone office keeps it: the task with
    its leader, units and deadline, its stated targets, its task item's
    report of the period (else the latest sent before it in the year, marked
    when not yet approved) and its status for the period
    (targets.task_status, the deciding target named)."""

    task: Task
    targets: list[Target] = field(default_factory=list)
    item: Target | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    narrative_status: str | None = None
    status: TaskStatus = NO_STATUS
    # The co-operating units' submitted parts of the item's progress, each unit's latest
    # of the year as of the period (progress.contributions), in the order of their names.
    contributions: list[TaskContribution] = field(default_factory=list)
    # The files attached to the period's sent reports of the task's item and targets.
    evidence: list[Attachment] = field(default_factory=list)
    # The leaders' instructions on the task, its targets and their notices, to date.
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Ledger:
    plan: Plan
    period: Period
    months: list[int]
    # The stated targets month by month (task items are in ``tasks``).
    lines: list[LedgerLine]
    # Every task with an item or a target, in plan order.
    tasks: list[LedgerTask] = field(default_factory=list)


def ledger_leaders(plan: Plan) -> QuerySet:
    """The people with a ledger in the plan: those leading a task with a target or
    a task item (every leaf task has one). The ledger page lists them and the
    download answers only for them (another plan's leader is a 404, not an empty
    ledger under this plan's title)."""
    return get_user_model().objects.filter(led_tasks__plan=plan, led_tasks__targets__isnull=False)


def ledger(*, plan: Plan, period: Period, unit: Unit | None = None, leader=None) -> Ledger:
    """The classic ledger of a unit's or a leader's tasks and targets for the
    year of ``period``: one row per task (its item's narrative and its status
    as the engine stored it), and its stated targets month by month up to the
    period, with the co-operating units' submitted parts of each task's
    progress, the files of evidence of the period's sent reports and the
    leaders' instructions (领导批示). Ten queries (eleven where instructions
    were written on the tasks' notices), and one per month for the figures
    waiting for review (progress.selectors.pending_figures)."""
    targets = Target.objects.filter(task__plan=plan)
    tasks = Task.objects.filter(plan=plan).filter(Exists(Target.objects.filter(task=OuterRef("pk"))))
    if unit is not None:
        targets = targets.filter(task__lead_unit=unit)
        tasks = tasks.filter(lead_unit=unit)
    if leader is not None:
        targets = targets.filter(task__leader=leader)
        tasks = tasks.filter(leader=leader)
    months = list(range(1, period.month + 1))
    rows = {
        task.pk: LedgerTask(task=task)
        for task in tasks.select_related("lead_unit", "leader").prefetch_related("co_units").order_by("order", "pk")
    }
    lines: dict[int, LedgerLine] = {}
    items: dict[int, LedgerTask] = {}
    for target in targets.select_related("task", "task__lead_unit", "task__leader").order_by(
        "task__order", "order", "pk"
    ):
        row = rows[target.task_id]
        if target.kind_entry.figures.standing:
            row.item = target
            items[target.pk] = row
        else:
            row.targets.append(target)
            lines[target.pk] = LedgerLine(target=target)
    reports = (
        Report.objects.filter(target__in=targets, year=period.year, month__lte=period.month, status__in=SENT)
        .order_by("month")
        .values_list("target_id", "month", "value", "status", "progress", "problems", "next_steps")
    )
    for target_id, month, value, status, progress, problems, next_steps in reports:
        if target_id in items:  # a task's own report: the latest sent in the year, as of the period
            row = items[target_id]
            row.progress, row.problems, row.next_steps, row.narrative_status = progress, problems, next_steps, status
            continue
        line = lines[target_id]
        if status in COUNTED:
            line.figures[month] = value
        if progress or problems or next_steps:
            line.progress, line.problems, line.next_steps = progress, problems, next_steps
            line.narrative_status = status
    for month in months:
        for target_id, report in pending_figures(targets=targets, period=Period(period.year, month)).items():
            if target_id in lines:
                lines[target_id].pending[month] = report.value
    results = TargetResult.objects.filter(target__in=targets.stated(), year=period.year, month__lte=period.month).only(
        "target_id", "year", "month", "status", "reporting", "data_year", "data_month"
    )
    for result in results:
        line = lines[result.target_id]
        line.statuses[result.month] = result.status
        line.reporting[result.month] = result.reporting
        line.ages[result.month] = figure_age(result, year=result.year, month=result.month)
    for task_id, status in task_statuses(plan=plan, period=period, targets=targets).items():
        rows[task_id].status = status
    for item_id, parts in submitted_contributions(targets=targets.task_items(), period=period, carried=True).items():
        items[item_id].contributions = parts
    for target_id, files in evidence_by_target(targets=targets, period=period).items():
        if target_id in lines:
            lines[target_id].evidence = files
            rows[lines[target_id].target.task_id].evidence.extend(files)
        elif target_id in items:
            items[target_id].evidence[:0] = files  # the item's own files first
    for task_id, instructions in instructions_by_task(tasks=tasks).items():
        if task_id in rows:
            rows[task_id].instructions = instructions
    return Ledger(plan=plan, period=period, months=months, lines=list(lines.values()), tasks=list(rows.values()))


def notices_on_tasks_of(leader) -> QuerySet[Notice]:
    """Open notices following up a target of a task the leader is responsible for."""
    if not leader.is_authenticated:
        return Notice.objects.none()
    on_tasks = NoticeItem.objects.filter(target__task__leader=leader).values("notice")
    return Notice.objects.filter(pk__in=on_tasks, state__in=OPEN_STATES)


def supervision_todo_counts(user, *, today: dt.date) -> dict[str, int]:
    """What waits for the supervision team in the zones the user supervises,
    in one aggregate query: ``overdue``, notices whose answer date passed
    unanswered (as ``overdue_notices_count`` and the notices page count
    them); ``unanswered``, notices still waiting for an answer (the overdue
    among them); ``to_close``, answered notices waiting to be closed."""
    _by, answer_states = NOTICE_STEPS[NoticeStep.ANSWER]
    return Notice.objects.filter(zone__in=supervised_zones(user)).aggregate(
        overdue=Count("pk", filter=Q(state=NoticeState.ISSUED, reply_by__lt=today)),
        unanswered=Count("pk", filter=Q(state__in=answer_states)),
        to_close=Count("pk", filter=Q(state=NoticeState.ANSWERED)),
    )
