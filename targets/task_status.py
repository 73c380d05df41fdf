"""A task's status for a period, by one rule read by every page and document.

A task stands as the worst (``targets.choices.SEVERITY``) of its task item's
status (its reported standing, judged against its deadline) and its stated
targets' statuses, counting among the stated targets only the heaviest
weighted (so a plan's weights keep a minor target from turning a task red);
the item always counts. The target that decides it is named: "滞后(规上工业
增加值增速)". A task with no targets is judged by its item alone; a task with
no result yet has no status.

``task_status_of`` is the rule over rows already read (the dashboard's task
tree calls it per node); ``task_statuses`` reads a plan's latest results in
one query and applies it to every task.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from plans.models import Plan
from plans.periods import Period
from targets.choices import SEVERITY, Status
from targets.models import Target, TargetResult
from targets.selectors import latest_results


@dataclass(frozen=True)
class TaskStatus:
    """Where a task stands for a period, and the target (or task item) whose
    result decides it; ``status`` None when nothing of the task was judged."""

    status: str | None
    decided_by: Target | None = None

    @property
    def by_item(self) -> bool:
        """Whether the task's own reported standing decides it."""
        return self.decided_by is not None and self.decided_by.kind_entry.figures.standing

    @property
    def reason(self) -> str:
        """The stated target that decides the status, by its indicator; "" when
        the task's own standing decides it (its 存在问题 says why)."""
        if self.decided_by is None or self.by_item:
            return ""
        return self.decided_by.indicator

    @property
    def label(self) -> str:
        """The status in words with its reason: "滞后（规上工业增加值增速）"."""
        if self.status is None:
            return ""
        text = str(Status(self.status).label)
        if self.reason:
            # The words every export marks a text with: "滞后（规上工业增加值增速）".
            return _("%(text)s (%(mark)s)") % {"text": text, "mark": self.reason}
        return text


NO_STATUS = TaskStatus(status=None)


def task_status_of(rows: Iterable[tuple[Target, TargetResult | None]]) -> TaskStatus:
    """The rule, over a task's own targets with their results (no query): the
    worst of its item and its heaviest-weighted stated targets. On a tie the
    first row in the order given decides (a stated target before the item
    names the indicator)."""
    rows = list(rows)
    stated = [target.weight for target, _result in rows if not target.kind_entry.figures.standing]
    heaviest = max(stated, default=None)
    worst: TaskStatus = NO_STATUS
    for target, result in rows:
        if result is None:
            continue
        if not target.kind_entry.figures.standing and target.weight != heaviest:
            continue
        if worst.status is None or SEVERITY[Status(result.status)] > SEVERITY[Status(worst.status)]:
            worst = TaskStatus(status=result.status, decided_by=target)
    return worst


def worst_status(statuses: Iterable[TaskStatus]) -> TaskStatus:
    """The worst of several tasks' statuses (a parent task's, from its own and
    its sub-tasks'), the first of equals."""
    worst = NO_STATUS
    for status in statuses:
        if status.status is None:
            continue
        if worst.status is None or SEVERITY[Status(status.status)] > SEVERITY[Status(worst.status)]:
            worst = status
    return worst


def task_statuses(*, plan: Plan, period: Period, targets: QuerySet[Target] | None = None) -> dict[int, TaskStatus]:
    """Each task's own status at ``period`` (not rolled up to its parents), by
    task id, from the latest results of its targets: two queries (the targets,
    whose weights count even without a result, and their latest results)
    whatever the number of tasks. ``targets`` narrows the read (a unit's or a
    leader's); a task with no result is absent."""
    targets = targets if targets is not None else Target.objects.filter(task__plan=plan)
    results = {result.target_id: result for result in latest_results(targets=targets, period=period)}
    rows: dict[int, list[tuple[Target, TargetResult | None]]] = defaultdict(list)
    for target in targets.only("pk", "task_id", "kind", "indicator", "weight", "order").order_by("order", "pk"):
        rows[target.task_id].append((target, results.get(target.pk)))
    statuses = {task_id: task_status_of(stated_first(task_rows)) for task_id, task_rows in rows.items()}
    return {task_id: status for task_id, status in statuses.items() if status.status is not None}


def stated_first(rows: Iterable[tuple[Target, TargetResult | None]]) -> list[tuple[Target, TargetResult | None]]:
    """A task's rows with the stated targets before the item, each in plan
    order, so that a tie names an indicator."""
    return sorted(rows, key=lambda row: (row[0].kind_entry.figures.standing, row[0].order, row[0].pk))
