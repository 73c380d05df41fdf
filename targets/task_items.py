"""Every task in the ledger: one task item per leaf task of a plan.

A task item is the target of kind ``task`` (``targets.kinds.TASK``) that
carries a leaf task's monthly progress: its lead unit reports where the task
stands (done, on schedule, lagging) with 进展情况, 存在问题 and 下步打算, and
the item goes through entry, review, lock, correction, judgement, the lists,
notices and the bulletin like every figure. A task with no number is tracked
by its item alone; a task with targets has its item beside them.

``task_items_ensure`` creates the items a plan lacks and keeps each item's
name and deadline those of its task. It is called when a plan is created
from a document and whenever a plan or a task is saved in the admin; the
migration that introduced items ran it for every plan.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef

from plans.models import Plan, Task
from targets import kinds
from targets.models import Target

# The indicator of an item is its task's heading, cut to the column.
INDICATOR_LENGTH = Target._meta.get_field("indicator").max_length


def item_indicator(task: Task) -> str:
    """An item's name: its task's heading (the text when there is no heading)."""
    name = (task.heading or task.text or task.number).strip()
    return name[:INDICATOR_LENGTH]


def leaf_tasks(plan: Plan):
    """The tasks of a plan that have no tasks under them, in plan order."""
    below = Task.objects.filter(parent=OuterRef("pk"))
    return plan.tasks.filter(~Exists(below)).order_by("order", "pk")


def task_items_ensure(plan: Plan) -> int:
    """Create the task items the plan's leaf tasks lack, and bring the
    existing ones' names and deadlines in line with their tasks; the number
    of items created. An item whose task gained tasks under it is kept (its
    reports stay), so nothing reported is ever lost."""
    with transaction.atomic():
        items = {item.task_id: item for item in Target.objects.filter(task__plan=plan, kind=kinds.TASK.key)}
        created, changed = [], []
        for task in leaf_tasks(plan):
            item = items.get(task.pk)
            indicator = item_indicator(task)
            if item is None:
                created.append(
                    Target(task=task, indicator=indicator, kind=kinds.TASK.key, deadline=task.deadline, order=0)
                )
            elif (item.indicator, item.deadline) != (indicator, task.deadline):
                item.indicator, item.deadline = indicator, task.deadline
                changed.append(item)
        # One statement each, however many tasks changed (the assignment page saves them all at once).
        Target.objects.bulk_update(changed, ["indicator", "deadline"])
        Target.objects.bulk_create(created)
        return len(created)
