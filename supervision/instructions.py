"""Leaders' instructions (领导批示): what one is written on, and the reads.

A leader of the zone (``zones.policy.can_instruct``) writes an instruction on
a target, a task or a follow-up notice; it goes to the unit that answers for
it (``subject_of``), whose staff see it on their to-do and are told; one
of the unit's staff or its reviewer answers (``zones.policy.
can_answer_instruction``), and the author is told; the author marks the
answer read (已阅), which closes it. The target page, the task's page (its
task item's target page), the notice page, the list, the API, the ledger and
the bulletin all read ``instructions_visible_to`` and the rows made here.

This module reads; ``supervision.instruction_services`` writes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from plans.models import Task
from plans.periods import Period
from supervision.choices import InstructionState
from supervision.models import Instruction, Notice
from targets.models import Target
from zones import policy
from zones.models import Unit, Zone


@dataclass(frozen=True)
class Subject:
    """What an instruction is written on, and the unit that answers it."""

    zone: Zone
    unit: Unit | None
    target: Target | None = None
    task: Task | None = None
    notice: Notice | None = None


def subject_of(*, target: Target | None = None, task: Task | None = None, notice: Notice | None = None) -> Subject:
    """The subject of an instruction: a task's item stands for its task (an
    instruction on it is on the task); the answering unit is the lead unit
    of the target's task or of the task, or the notice's unit."""
    if sum(thing is not None for thing in (target, task, notice)) != 1:
        raise ValueError("an instruction is written on exactly one target, task or notice")
    if target is not None and target.kind_entry.figures.standing:
        task, target = target.task, None
    if target is not None:
        return Subject(zone=target.task.plan.zone, unit=target.task.lead_unit, target=target)
    if task is not None:
        return Subject(zone=task.plan.zone, unit=task.lead_unit, task=task)
    return Subject(zone=notice.zone, unit=notice.unit, notice=notice)


def instructions_visible_to(user) -> QuerySet[Instruction]:
    """The instructions the user reads (``zones.policy.instruction_visibility``)."""
    return Instruction.objects.filter(policy.instruction_visibility(user))


def instructions_to_answer(user) -> QuerySet[Instruction]:
    """Instructions waiting for the answer of a unit the user answers for."""
    if not user.is_authenticated:
        return Instruction.objects.none()
    return Instruction.objects.filter(
        unit__in=policy.instruction_answer_units(user).values("pk"), state=InstructionState.PENDING
    )


def with_people(instructions: QuerySet[Instruction]) -> QuerySet[Instruction]:
    """What a page or an export shows of each instruction, read with it."""
    return instructions.select_related("author", "answered_by", "unit", "target", "task", "notice")


def instructions_on_target(target: Target, *, user) -> QuerySet[Instruction]:
    """The instructions a target page shows: on the target and, for a task's
    item, on its task (written there from the same page), oldest first."""
    return with_people(
        instructions_visible_to(user).filter(Q(target=target) | Q(task=target.task_id)).order_by("created_at", "pk")
    )


def instructions_on_notice(notice: Notice, *, user) -> QuerySet[Instruction]:
    return with_people(instructions_visible_to(user).filter(notice=notice).order_by("created_at", "pk"))


def _month_days(period: Period) -> tuple[dt.date, dt.date]:
    return dt.date(period.year, period.month, 1), dt.date(
        period.year, period.month, calendar.monthrange(period.year, period.month)[1]
    )


def instructions_of_period(*, plan, period: Period) -> QuerySet[Instruction]:
    """The instructions on the plan's targets, tasks and notices written in
    the month of ``period`` (the bulletin's section), oldest first."""
    first, last = _month_days(period)
    return with_people(
        Instruction.objects.filter(
            Q(target__task__plan=plan) | Q(task__plan=plan) | Q(notice__plan=plan),
            created_at__date__gte=first,
            created_at__date__lte=last,
        ).order_by("created_at", "pk")
    )


def instructions_by_task(*, tasks: QuerySet[Task]) -> dict[int, list[Instruction]]:
    """The instructions on each task, on its targets and on the notices
    following its targets up, oldest first (the ledger's 领导批示 column).
    All of them to date, whatever month the ledger is of: the instruction on
    June's figures is written in July, when June's ledger is read. Three
    queries, however many tasks."""
    found: dict[int, dict[int, Instruction]] = defaultdict(dict)
    for instruction in with_people(Instruction.objects.filter(Q(task__in=tasks) | Q(target__task__in=tasks))):
        found[instruction.task_id or instruction.target.task_id][instruction.pk] = instruction
    pairs = list(
        Instruction.objects.filter(notice__items__target__task__in=tasks)
        .values_list("pk", "notice__items__target__task")
        .distinct()
    )
    if pairs:
        on_notices = with_people(Instruction.objects.filter(pk__in={pk for pk, _task in pairs})).in_bulk()
        for pk, task_id in pairs:
            found[task_id][pk] = on_notices[pk]
    return {
        task_id: sorted(rows.values(), key=lambda instruction: (instruction.created_at, instruction.pk))
        for task_id, rows in found.items()
    }
