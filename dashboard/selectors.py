"""Reads behind the leadership dashboard. Every aggregate runs in the
database or over rows already read; the number of queries does not grow with
the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from plans.models import Plan, Task
from plans.periods import Period
from progress.models import Report
from progress.selectors import pending_figures, with_approved_problems
from targets.choices import STATUS_ORDER, ReportingStatus
from targets.models import Target, TargetResult
from targets.selectors import latest_results
from targets.task_status import NO_STATUS, TaskStatus, task_statuses, worst_status


@dataclass(frozen=True)
class Tally:
    """The two questions counted side by side, never folded into one: the
    targets by progress status and, apart, by their unit's reporting status;
    with when the newest of the counted results was computed (计算于). The
    total is split into the stated targets and the task items (指标 N · 任务 M)."""

    progress: list[tuple[str, int]]
    reporting: list[tuple[str, int]]
    total: int
    computed_at: dt.datetime | None
    targets: int = 0
    tasks: int = 0


def tally(results: Iterable[TargetResult]) -> Tally:
    """Count results already read (no query): each status in STATUS_ORDER,
    each reporting status in its declared order, and the newest computed_at
    among them, so "计算于" is the time of the newest figure shown."""
    results = list(results)
    progress = Counter(r.status for r in results)
    reporting = Counter(r.reporting for r in results)
    tasks = sum(1 for r in results if r.target.kind_entry.figures.standing)
    return Tally(
        progress=[(status, progress[status]) for status in STATUS_ORDER],
        reporting=[(status, reporting[status]) for status in ReportingStatus.values],
        total=len(results),
        computed_at=max((r.computed_at for r in results), default=None),
        targets=len(results) - tasks,
        tasks=tasks,
    )


@dataclass
class TargetRow:
    """A target as a leader's lists show it: its result for the period viewed
    (progress and reporting status) and its figure waiting for review."""

    target: Target
    result: TargetResult | None
    pending: Report | None = None


@dataclass
class TaskNode:
    task: Task
    status: str | None
    # The status with the target (or the task's own item) that decides it (targets.task_status).
    standing: TaskStatus = NO_STATUS
    targets: list[TargetRow] = field(default_factory=list)
    children: list[TaskNode] = field(default_factory=list)
    # The subtree's targets by reporting status, without the plain 已报.
    reporting: list[tuple[str, int]] = field(default_factory=list)
    # 存在问题 of the approved report the task item's standing comes from
    # (``task_item_problems`` fills it where a page shows it: "my tasks").
    problems: str = ""

    @property
    def item(self) -> TargetRow | None:
        """The task's own item (its monthly standing) among its rows, if it has one."""
        return next((row for row in self.targets if row.target.kind_entry.figures.standing), None)

    @property
    def stated(self) -> list[TargetRow]:
        """The task's stated targets, without its item."""
        return [row for row in self.targets if not row.target.kind_entry.figures.standing]


def task_tree(*, plan: Plan, period: Period) -> list[TaskNode]:
    """The plan's tasks as a tree with status lights (five queries).

    A task takes its own status as the engine stored it (``targets.task_status``:
    the worst of its item and its heaviest-weighted stated targets, the
    deciding one named), rolled up here with the worst of its sub-tasks. Beside it, the reporting statuses of all
    the targets below it, counted.
    """
    tasks = list(Task.objects.filter(plan=plan).select_related("lead_unit", "leader").order_by("order"))
    plan_targets = Target.objects.filter(task__plan=plan)
    targets = list(plan_targets.order_by("task__order", "order", "id"))
    results = {r.target_id: r for r in latest_results(targets=plan_targets, period=period)}
    pending = pending_figures(targets=plan_targets, period=period)
    statuses = task_statuses(plan=plan, period=period)
    by_task: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_task[target.task_id].append(target)
        if target.pk in results:
            results[target.pk].target = target  # read already: the tally asks each result's kind
    nodes = {task.pk: TaskNode(task=task, status=None) for task in tasks}
    roots = []
    for task in tasks:
        node = nodes[task.pk]
        node.targets = [TargetRow(t, results.get(t.pk), pending.get(t.pk)) for t in by_task[task.pk]]
        if task.parent_id and task.parent_id in nodes:
            nodes[task.parent_id].children.append(node)
        else:
            roots.append(node)
    for root in roots:
        _roll_up(root, statuses)
    return roots


def task_item_problems(nodes: Iterable[TaskNode]) -> None:
    """Give each of these nodes 存在问题 of the approved report its item's
    standing comes from (``progress.selectors.with_approved_problems``, the
    rule the bulletin follows too): one query for all of them."""
    nodes = [node for node in nodes if node.item is not None and node.item.result is not None]
    results = TargetResult.objects.filter(pk__in=[node.item.result.pk for node in nodes])
    problems = dict(with_approved_problems(results).values_list("pk", "approved_problems")) if nodes else {}
    for node in nodes:
        node.problems = problems.get(node.item.result.pk) or ""


def tree_results(nodes: Iterable[TaskNode]) -> Iterator[TargetResult]:
    """The results of every target in the given subtrees."""
    for node in nodes:
        yield from (row.result for row in node.targets if row.result is not None)
        yield from tree_results(node.children)


def _roll_up(node: TaskNode, own: dict[int, TaskStatus]) -> tuple[TaskStatus, Counter]:
    statuses = [own.get(node.task.pk, NO_STATUS)]
    reporting = Counter(row.result.reporting for row in node.targets if row.result is not None)
    for child in node.children:
        status, below = _roll_up(child, own)
        statuses.append(status)
        reporting += below
    node.standing = worst_status(statuses)
    node.status = node.standing.status
    node.reporting = [
        (status, reporting[status])
        for status in ReportingStatus.values
        if status != ReportingStatus.REPORTED and reporting[status]
    ]
    return node.standing, reporting


# The task statuses whose rows the tree shows unfolded (below the top level,
# every other task starts folded; base.js opens it).
OPEN_STATUSES = frozenset({"lagging", "serious", "overdue"})


@dataclass(frozen=True)
class TreeLine:
    """One task of the tree table as it is drawn: its node, its depth, whether
    an ancestor is folded (``hidden``) or it is folded itself (``folded``: its
    rows below are hidden), its parent task's id, and the rows under it: its
    item (on "my tasks") and the targets listed."""

    node: TaskNode
    depth: int
    hidden: bool
    folded: bool
    parent: int | str
    item: TargetRow | None
    rows: list[TargetRow]

    @property
    def rows_hidden(self) -> bool:
        return self.hidden or self.folded


def tree_lines(roots: Iterable[TaskNode], *, mine: bool = False) -> list[TreeLine]:
    """The tree in table order (each task, then its subtasks), flat, so the
    table is drawn in one loop: no template included per task or row. On
    "my tasks" (``mine``) a task's item is a row of its own and its stated
    targets follow; elsewhere every target is listed."""
    lines: list[TreeLine] = []

    def walk(node: TaskNode, depth: int, hidden: bool, parent: int | str) -> None:
        folded = not (node.status in OPEN_STATUSES or depth < 1)
        item = node.item if mine else None
        rows = node.stated if mine else node.targets
        lines.append(TreeLine(node, depth, hidden, folded, parent, item, rows))
        for child in node.children:
            walk(child, depth + 1, hidden or folded, node.task.pk)

    for root in roots:
        walk(root, 0, False, "")
    return lines
