"""A task's status for a period, by one rule read by every page and document.

A task stands as the worst (``targets.choices.SEVERITY``) of its task item's
status (its reported standing, judged against its deadline) and its stated
targets' statuses, counting among the stated targets only the heaviest
weighted (so a plan's weights keep a minor target from turning a task red);
the item always counts. The target that decides it is named: "滞后(规上工业
增加值增速)". A task with no targets is judged by its item alone; a task with
no result yet has no status.

The engine stores each task's own status per period (``TaskResult``, with a
``TaskFlag`` for each change, as for targets) right after its targets'
results: ``task_history`` is the rule over a task's stored results (the
Python path), ``task_results_sql`` its twin in SQL (the set-based path), and
``tests/progress/engine/test_bulk.py`` holds the two to the same rows. Pages
read the stored statuses (``task_statuses``) and roll them up to parent
tasks at read time (``worst_status``).

A task's periods are those at which a target that counts (its item, or a
stated target of the heaviest weight) has a result; at each, every target
stands by its latest result at or before it (a quarterly target's result
stands through the months after its quarter), so the latest stored status
at or before any period is the status the rule gives there.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from plans.models import Plan, Task
from plans.periods import Period
from targets import kinds
from targets.choices import SEVERITY, Status, sql_case
from targets.metrics import transition_sql
from targets.models import Target, TargetResult, TaskResult


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
    task id: its latest stored result at or before the period, in one query
    whatever the number of tasks. ``targets`` narrows the read to the tasks
    of those targets (a unit's or a leader's); a task with no result is
    absent."""
    tasks = Task.objects.filter(plan=plan)
    if targets is not None:
        tasks = tasks.filter(pk__in=targets.values("task_id"))
    latest = (
        TaskResult.objects.filter(task_id=OuterRef("pk"))
        .filter(Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month))
        .order_by("-year", "-month")
        .values("pk")[:1]
    )
    results = (
        TaskResult.objects.filter(pk__in=tasks.annotate(latest_id=Subquery(latest)).values("latest_id"))
        .select_related("decided_by")
        .only("task_id", "status", "decided_by", "decided_by__kind", "decided_by__indicator", "decided_by__task_id")
    )
    return {result.task_id: TaskStatus(status=result.status, decided_by=result.decided_by) for result in results}


def task_history(rows: Iterable[tuple[Target, Sequence[TargetResult]]]) -> list[tuple[Period, TaskStatus]]:
    """The rule over a task's stored results (no query): its own status at
    each of its periods, given each of its targets with its results in period
    order. The engine's Python path stores what this returns."""
    rows = sorted(rows, key=lambda row: (row[0].kind_entry.figures.standing, row[0].order, row[0].pk))
    heaviest = max((t.weight for t, _results in rows if not t.kind_entry.figures.standing), default=None)
    counting = [results for t, results in rows if t.kind_entry.figures.standing or t.weight == heaviest]
    periods = sorted({(r.year, r.month) for results in counting for r in results})
    keys = [[(r.year, r.month) for r in results] for _t, results in rows]
    history = []
    for period in periods:
        standing = []
        for (target, results), at in zip(rows, keys, strict=True):
            index = bisect.bisect_right(at, period)
            standing.append((target, results[index - 1] if index else None))
        history.append((Period(*period), task_status_of(standing)))
    return history


# More than the targets a task could have: a judgement's standing is its
# severity times this, plus the room left above its rank in its task.
RANKS = 2**31


def task_counting_sql(target: str) -> str:
    """Two columns of a select over the plans' targets (``target`` the
    targets_target alias): ``task_rank``, a target's rank in its task (stated
    targets first in plan order, then the item: stated_first, so the first of
    equals decides) and ``counts``, whether it counts for its task's status
    (its item, or a stated target of the heaviest weight among its stated
    targets: task_status_of; a target without any result still weighs). The
    set-based recompute reads them with its facts and carries them through
    its judging to ``task_results_sql``."""
    item = kinds.sql_in(f"{target}.kind", lambda kind: kind.figures.standing)
    return f"""row_number() OVER (PARTITION BY {target}.task_id ORDER BY {item}, {target}."order", {target}.id)
            AS task_rank,
        {item} OR {target}.weight = max({target}.weight) FILTER (WHERE NOT {item})
            OVER (PARTITION BY {target}.task_id) AS counts"""


def task_results_sql(judged: str, targets: str) -> str:
    """``task_history`` as the CTEs of the set-based recompute: from
    ``judged`` (the plans' targets' judgements, each row with ``target_id``,
    ``period_index`` (year * 12 + month - 1), ``next_index`` (its target's
    next judged period, NULL for its last), ``status``, and its target's
    ``task_id``, ``task_rank`` and ``counts`` (``task_counting_sql``)) to
    ``task_flagged``: each task's status at each of its periods with the
    target that decides it and the flag its change raises. ``targets``: the
    plans' targets with ``target_id``, ``task_id``, ``task_rank`` and
    ``counts``. A % is written %% (the statement's style)."""
    status_of = " ".join(f"WHEN {severity} THEN '{status}'" for status, severity in SEVERITY.items())
    return f"""
-- task_sources: the judgements of the targets that count for their task
-- (task_counting_sql), each with its standing, one number that orders them
-- as the rule does: SEVERITY first, then the lower rank (the worst judgement
-- has the highest standing).
task_sources AS MATERIALIZED (
    SELECT
        j.task_id, j.period_index, j.next_index,
        {sql_case("j.status", SEVERITY)}::bigint * {RANKS} + ({RANKS} - 1 - j.task_rank) AS standing
    FROM {judged} j
    WHERE j.counts
),
-- task_periods: a task's periods, those at which a counting target was
-- judged.
task_periods AS (
    SELECT task_id, period_index FROM task_sources GROUP BY task_id, period_index
),
-- task_standing: each judgement at every period of its task that it stands
-- for: its own, and those after it before its target's next judged period
-- (all those after it for its last): a quarterly target's result through
-- the months after its quarter. Only the judgements followed by a gap (or
-- by none) are looked up among their task's periods.
task_standing AS (
    SELECT s.task_id, s.period_index, s.standing
    FROM task_sources s
    UNION ALL
    SELECT s.task_id, p.period_index, s.standing
    FROM task_sources s
    JOIN task_periods p ON p.task_id = s.task_id
        AND p.period_index > s.period_index AND (s.next_index IS NULL OR p.period_index < s.next_index)
    WHERE s.next_index IS NULL OR s.next_index > s.period_index + 1
),
-- task_judged: per task and period, the highest standing: the worst
-- judgement by SEVERITY, on a tie the first of the stated targets in plan
-- order, then the item (task_status_of), read back as its status and its
-- target.
task_judged AS (
    SELECT
        w.task_id, w.period_index, w.period_index / 12 AS year, w.period_index %% 12 + 1 AS month,
        CASE w.worst / {RANKS} {status_of} END AS status,
        c.target_id AS decided_by_id
    FROM (
        SELECT task_id, period_index, max(standing) AS worst FROM task_standing GROUP BY task_id, period_index
    ) w
    JOIN {targets} c ON c.task_id = w.task_id AND c.task_rank = {RANKS} - 1 - w.worst %% {RANKS}
),
-- task_flagged: each task's status beside its previous period's, with the
-- flag the change raises (metrics.transition_sql). Read by both writes.
task_flagged AS MATERIALIZED (
    SELECT
        q.task_id, q.year, q.month, q.status, q.decided_by_id,
        coalesce(q.previous_status, '') AS from_status,
        {transition_sql("q.previous_status", "q.status")} AS change
    FROM (
        SELECT j.*, lag(j.status) OVER (PARTITION BY j.task_id ORDER BY j.period_index) AS previous_status
        FROM task_judged j
    ) q
),"""  # noqa: S608 -- constants only (kinds' keys, status words); values are bound parameters


def stated_first(rows: Iterable[tuple[Target, TargetResult | None]]) -> list[tuple[Target, TargetResult | None]]:
    """A task's rows with the stated targets before the item, each in plan
    order, so that a tie names an indicator."""
    return sorted(rows, key=lambda row: (row[0].kind_entry.figures.standing, row[0].order, row[0].pk))
