"""Assigning a plan's tasks, and adding what the importer missed, after the import.

Who leads each task, with whom, under which leader and by when (牵头单位, 配合单位, 责任领导,
完成时限) is set on the plan's assignment page; a section's assignment can be carried down to
its sub-tasks; a task or a target the document's reading missed can be added. Each function
writes in one transaction and keeps the ledger whole: the plan's leaf tasks keep their task items
(``targets.task_items``), and a plan out of draft whose judgement rests on what changed (a
deadline, who reports, a new target) is owed a recompute (``targets.owed``), which the engine's
catch-up sweep pays.

The units and leaders are the zone's own (``plans.assignable``); the forms offer no other, and
these functions refuse any other, whatever was posted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from plans.assignable import Assignable
from plans.choices import PlanStatus
from plans.models import Plan, Task
from targets import kinds
from targets.choices import Comparator
from targets.models import Target
from targets.owed import plans_mark
from targets.problems import TargetDraft, decimal_or_none, target_problems
from targets.task_items import task_items_ensure

NUMBER_LENGTH = Task._meta.get_field("number").max_length
PATH_LENGTH = Task._meta.get_field("path").max_length
HEADING_LENGTH = Task._meta.get_field("heading").max_length
PATH_JOIN = " > "


class AssignmentRefused(Exception):
    """A change refused as a whole, with the reason in words; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Assignment:
    """A task's assignment as a page leaves it: unit and leader ids (None: none)."""

    lead_unit_id: int | None
    co_unit_ids: frozenset[int] = field(default_factory=frozenset)
    leader_id: int | None = None
    deadline: dt.date | None = None


def plan_tasks(plan: Plan) -> list[Task]:
    """The plan's tasks in plan order, with their units and leaders (three queries)."""
    return list(
        Task.objects.filter(plan=plan)
        .select_related("lead_unit", "leader")
        .prefetch_related("co_units")
        .order_by("order", "pk")
    )


def assignment_of(task: Task) -> Assignment:
    """A task's assignment as stored (its co-units prefetched by ``plan_tasks``)."""
    return Assignment(
        lead_unit_id=task.lead_unit_id,
        co_unit_ids=frozenset(unit.pk for unit in task.co_units.all()),
        leader_id=task.leader_id,
        deadline=task.deadline,
    )


def deadline_problem(plan: Plan, deadline: dt.date | None) -> str | None:
    """A task's deadline falls within the plan's years (the span its periods cover)."""
    if deadline is None or plan.start_year <= deadline.year <= plan.end_year:
        return None
    if plan.start_year == plan.end_year:
        return _("The deadline must fall within the plan's year, %(year)s.") % {"year": plan.start_year}
    return _("The deadline must fall within the plan's years, %(start)s to %(end)s.") % {
        "start": plan.start_year,
        "end": plan.end_year,
    }


def lead_unit_kept(plan: Plan, task: Task, lead_unit_id: int | None) -> str | None:
    """A task of a plan out of draft that has a lead unit keeps one: its items are reported, and
    their reports are its unit's; it may pass to another unit, never to none."""
    if plan.status == PlanStatus.DRAFT or task.lead_unit_id is None or lead_unit_id is not None:
        return None
    return _("A task of a published plan keeps a lead unit: choose another unit instead of none.")


def tasks_assign(plan: Plan, assignments: Mapping[int, Assignment], *, tasks: list[Task] | None = None) -> int:
    """Give the plan's tasks the assignments given by task id; the number of tasks changed.

    Refuses (``AssignmentRefused``, nothing written) a task of another plan, or a unit or leader
    not of the plan's zone. Queries do not grow with the number of tasks.
    """
    tasks = plan_tasks(plan) if tasks is None else tasks
    by_id = {task.pk: task for task in tasks}
    if set(assignments) - set(by_id):
        raise AssignmentRefused(_("A task named is not of this plan."))
    allowed = Assignable.of(plan.zone)
    units = {unit.pk for unit in allowed.units}
    leaders = {user.pk for user in allowed.leaders}
    for assignment in assignments.values():
        named = {assignment.lead_unit_id, *assignment.co_unit_ids} - {None}
        if named - units:
            raise AssignmentRefused(_("Only the units of the plan's zone can be chosen."))
        if assignment.leader_id is not None and assignment.leader_id not in leaders:
            raise AssignmentRefused(_("Only the leaders of the plan's zone can be chosen."))
    for pk, assignment in assignments.items():
        problem = lead_unit_kept(plan, by_id[pk], assignment.lead_unit_id)
        if problem:
            raise AssignmentRefused(problem, field="lead_unit")
    changed: list[Task] = []
    co_changes: dict[int, frozenset[int]] = {}
    owed = False
    for pk, new in assignments.items():
        task = by_id[pk]
        old = assignment_of(task)
        co = frozenset(new.co_unit_ids - {new.lead_unit_id})
        if (old.lead_unit_id, old.leader_id, old.deadline) != (new.lead_unit_id, new.leader_id, new.deadline):
            owed = owed or (old.lead_unit_id, old.deadline) != (new.lead_unit_id, new.deadline)
            task.lead_unit_id, task.leader_id, task.deadline = new.lead_unit_id, new.leader_id, new.deadline
            changed.append(task)
        if co != old.co_unit_ids:
            co_changes[pk] = co
    with transaction.atomic():
        if changed:
            Task.objects.bulk_update(changed, ["lead_unit", "leader", "deadline"])
        if co_changes:
            through = Task.co_units.through
            through.objects.filter(task_id__in=list(co_changes)).delete()
            through.objects.bulk_create(
                [through(task_id=pk, unit_id=unit) for pk, units_ in co_changes.items() for unit in sorted(units_)]
            )
        _ledger_kept(plan, owed=owed)
    return len({task.pk for task in changed} | set(co_changes))


def section_apply(plan: Plan, section_id: int, *, only_empty: bool) -> int:
    """Carry a section's lead unit, co-operating units, leader and deadline down to every task
    under it: to the blank ones only (``only_empty``: each of the four where it is blank), or to
    all; the number of tasks changed."""
    tasks = plan_tasks(plan)
    section = next((task for task in tasks if task.pk == section_id), None)
    if section is None:
        raise AssignmentRefused(_("A task named is not of this plan."))
    source = assignment_of(section)
    assignments = {}
    for task in descendants(tasks, section):
        old = assignment_of(task)
        if only_empty:
            lead = old.lead_unit_id or source.lead_unit_id
            new = Assignment(
                lead_unit_id=lead,
                co_unit_ids=(old.co_unit_ids or source.co_unit_ids) - {lead},
                leader_id=old.leader_id or source.leader_id,
                deadline=old.deadline or source.deadline,
            )
        else:
            new = source
        assignments[task.pk] = new
    return tasks_assign(plan, assignments, tasks=tasks)


def descendants(tasks: list[Task], section: Task) -> list[Task]:
    """The tasks under ``section`` at any depth, in plan order (from a loaded list: no query)."""
    below: set[int] = {section.pk}
    found = []
    for task in tasks:  # plan order puts every task after its parent
        if task.parent_id in below:
            below.add(task.pk)
            found.append(task)
    return found


def task_add(plan: Plan, *, parent: Task | None, number: str, heading: str) -> Task:
    """Add a task the importer missed under ``parent`` (None: at the top), numbered as the
    document numbers it, after the parent's last task; its task item comes with it."""
    number, heading = number.strip(), heading.strip()
    if parent is not None and parent.plan_id != plan.pk:
        raise AssignmentRefused(_("A task named is not of this plan."), field="parent")
    if not number:
        raise AssignmentRefused(_("Give the task's number as the plan writes it."), field="number")
    if len(number) > NUMBER_LENGTH:
        raise AssignmentRefused(_("A number has at most %(n)s characters.") % {"n": NUMBER_LENGTH}, field="number")
    if not heading:
        raise AssignmentRefused(_("Give the task's heading."), field="heading")
    if len(heading) > HEADING_LENGTH:
        raise AssignmentRefused(_("A heading has at most %(n)s characters.") % {"n": HEADING_LENGTH}, field="heading")
    path = f"{parent.path}{PATH_JOIN}{number}" if parent else number
    if len(path) > PATH_LENGTH:
        raise AssignmentRefused(_("This task sits too deep in the plan to be added."), field="number")
    with transaction.atomic():
        if Task.objects.filter(plan=plan, path=path).exists():
            raise AssignmentRefused(
                _("There is already a task numbered %(number)s there.") % {"number": number}, field="number"
            )
        tasks = list(Task.objects.filter(plan=plan).order_by("order", "pk").only("pk", "parent_id", "order"))
        if parent is None:
            after = max((task.order for task in tasks), default=0)
        else:
            last = descendants(tasks, parent)
            after = (last[-1] if last else parent).order
        Task.objects.filter(plan=plan, order__gt=after).update(order=F("order") + 1)
        task = Task.objects.create(
            plan=plan,
            parent=parent,
            number=number,
            path=path,
            depth=parent.depth + 1 if parent else 0,
            order=after + 1,
            heading=heading,
            lead_unit_id=parent.lead_unit_id if parent else None,
            leader_id=parent.leader_id if parent else None,
            deadline=parent.deadline if parent else None,
        )
        _ledger_kept(plan, owed=True)
    return task


@dataclass
class TargetInput:
    """A target typed on a page, in the shape ``target_problems`` checks."""

    indicator: str
    kind: str
    value: object
    unit: str
    deadline_date: dt.date | None
    comparator: str = ""
    value_high: object = None
    stretch: object = None
    start_value: object = None
    quote: str = ""

    def __post_init__(self) -> None:
        kind = kinds.find(self.kind)
        if not self.comparator:
            # What a target's kind implies: a ceiling is "at most", everything else "at least".
            self.comparator = Comparator.AT_MOST if kind is not None and kind.at_most else Comparator.AT_LEAST


def addable_kinds() -> list[tuple[str, str]]:
    """The kinds a target added by hand may be (a task item is the task's own, never added)."""
    return [(key, label) for key, label in kinds.choices() if key != kinds.TASK.key]


def target_add(task: Task, draft: TargetDraft) -> Target:
    """Add a target the importer missed to ``task``, through the checks an imported one passes
    (``target_problems``); refused with the first problem, tied to its field."""
    if draft.kind not in {key for key, _label in addable_kinds()}:
        raise AssignmentRefused(_("Choose the kind of target."), field="kind")
    problems = target_problems(draft)
    if problems:
        first = problems[0]
        raise AssignmentRefused(first.message[:1].upper() + first.message[1:], field=first.field)
    plan = task.plan
    problem = deadline_problem(plan, draft.deadline_date)
    if problem:
        raise AssignmentRefused(problem, field="deadline_date")
    with transaction.atomic():
        order = (Target.objects.filter(task=task).order_by("-order").values_list("order", flat=True).first() or 0) + 1
        target = Target.objects.create(
            task=task,
            indicator=draft.indicator.strip(),
            kind=draft.kind,
            unit=(draft.unit or "").strip(),
            comparator=draft.comparator,
            value=decimal_or_none(draft.value),
            value_high=decimal_or_none(draft.value_high),
            stretch=decimal_or_none(draft.stretch),
            deadline=draft.deadline_date or task.deadline,
            order=order,
        )
        _ledger_kept(plan, owed=True)
    return target


def _ledger_kept(plan: Plan, *, owed: bool) -> None:
    """Every leaf task keeps its item, each item its task's name and deadline; a plan out of
    draft is owed a recompute when what it is judged on changed."""
    task_items_ensure(plan)
    if owed and plan.status != PlanStatus.DRAFT:
        plans_mark([plan.pk])


def assignments_from(rows: Iterable[tuple[int, dict]]) -> dict[int, Assignment]:
    """Assignments from a page's cleaned rows (task id, {lead_unit, co_units, leader, deadline})."""
    return {
        pk: Assignment(
            lead_unit_id=int(data["lead_unit"]) if data.get("lead_unit") else None,
            co_unit_ids=frozenset(int(unit) for unit in data.get("co_units") or ()),
            leader_id=int(data["leader"]) if data.get("leader") else None,
            deadline=data.get("deadline"),
        )
        for pk, data in rows
    }
