"""Reads behind the leadership dashboard. Every aggregate runs in the
database; the number of queries does not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from core import clock
from core.models import JobRun
from plans.models import Plan, Task
from progress import periods
from progress.periods import Period
from targets.choices import SEVERITY, Status
from targets.models import Target, TargetResult

BAD = (Status.SERIOUS, Status.OVERDUE, Status.LAGGING)


def latest_results(*, targets: QuerySet[Target], period: Period) -> QuerySet[TargetResult]:
    """Each target's latest result at or before ``period`` (a quarterly target
    shows its last quarter)."""
    latest = (
        TargetResult.objects.filter(target_id=OuterRef("pk"))
        .filter(Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month))
        .order_by("-year", "-month")
        .values("pk")[:1]
    )
    return TargetResult.objects.filter(pk__in=targets.annotate(latest_id=Subquery(latest)).values("latest_id"))


def default_period(plan: Plan, *, today: dt.date | None = None, year: int | None = None) -> Period:
    """The month just closed (progress.periods.default_period) as of today;
    with ``year``, the month just closed within that year of the plan."""
    return periods.default_period(plan, today=today or clock.today(), year=year)


def status_counts(results: QuerySet[TargetResult]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for row in results.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def computed_at(plan: Plan) -> dt.datetime | None:
    """When the plan's results were last computed (the last recompute run,
    else the newest result)."""
    run = (
        JobRun.objects.filter(kind="recompute_plan", subject__startswith=f"plan {plan.pk} ", outcome="succeeded")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if run:
        return run
    return TargetResult.objects.filter(target__task__plan=plan).aggregate(at=Max("computed_at"))["at"]


@dataclass
class TaskNode:
    task: Task
    status: str | None
    targets: list[tuple[Target, TargetResult | None]] = field(default_factory=list)
    children: list[TaskNode] = field(default_factory=list)


def task_tree(*, plan: Plan, period: Period) -> list[TaskNode]:
    """The plan's tasks as a tree with status lights (three queries).

    A task takes the worst status of its targets, counting only its
    heaviest-weighted targets (so a plan's weights can keep a minor target
    from turning a task red), and the worst of its sub-tasks.
    """
    tasks = list(Task.objects.filter(plan=plan).select_related("lead_unit", "leader").order_by("order"))
    targets = list(Target.objects.filter(task__plan=plan).order_by("task__order", "order", "id"))
    results = {r.target_id: r for r in latest_results(targets=Target.objects.filter(task__plan=plan), period=period)}
    by_task: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_task[target.task_id].append(target)
    nodes = {task.pk: TaskNode(task=task, status=None) for task in tasks}
    roots = []
    for task in tasks:
        node = nodes[task.pk]
        node.targets = [(target, results.get(target.pk)) for target in by_task[task.pk]]
        if task.parent_id and task.parent_id in nodes:
            nodes[task.parent_id].children.append(node)
        else:
            roots.append(node)
    for root in roots:
        _roll_up(root)
    return roots


def _roll_up(node: TaskNode) -> str | None:
    heaviest = max((target.weight for target, _ in node.targets), default=None)
    statuses = [result.status for target, result in node.targets if result is not None and target.weight == heaviest]
    statuses += [status for child in node.children if (status := _roll_up(child)) is not None]
    node.status = max(statuses, key=lambda s: SEVERITY[Status(s)]) if statuses else None
    return node.status
