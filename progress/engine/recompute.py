"""Recomputing targets' results and flags (the engine's writes).

The rules live in targets.metrics. This module gathers each target's facts
and submitted figures, judges every period that has ended by ``as_of``, and
writes only what changed, so a second run changes no rows. Then it stores
the statuses of the targets' tasks from their stored results
(targets.task_status), the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core import clock
from plans.models import Plan, Task
from plans.periods import Period, due_date, is_reporting_month, period_judged
from progress.choices import COUNTED, SENT, ReportStatus
from progress.engine.locks import plan_lock_shared
from targets import outlook
from targets.choices import ReportingStatus
from targets.facts import facts_of
from targets.metrics import (
    Judgement,
    Observation,
    judge,
    period_end,
    reporting_status,
    seasonal_progress,
    transition,
)
from targets.models import Target, TargetFlag, TargetResult, TaskFlag, TaskResult
from targets.task_status import task_history

RESULT_FIELDS = (
    "status",
    "reason",
    "reporting",
    "actual",
    "completion",
    "expected",
    "gap",
    "data_year",
    "data_month",
    "expected_seasonal",
    "pace_needed",
    "pace_so_far",
    "projected",
    "projected_low",
    "projected_high",
    "outlook",
)
log = logging.getLogger(__name__)


def periods_to_judge(target: Target, plan: Plan, *, as_of: dt.date) -> list[Period]:
    """The target's reporting periods that have ended by ``as_of``, from the
    plan's reporting start (``plans.periods.period_judged``: earlier ones are
    not judged, so they are neither overdue nor in the on-time rate; the
    start's own month is judged from its first day)."""
    return [
        Period(year, month)
        for year in range(plan.start_year, plan.end_year + 1)
        for month in range(1, 13)
        if is_reporting_month(month, frequency=target.frequency, jan_feb_combined=plan.jan_feb_combined)
        and period_judged(
            plan, Period(year, month), ended=period_end(year, month) <= as_of, begun=dt.date(year, month, 1) <= as_of
        )
    ]


@dataclass(frozen=True)
class PeriodReport:
    """What the engine reads of a target's report for one period."""

    value: Decimal | None
    status: str
    submitted_at: dt.datetime | None


def period_reporting(report, *, due: dt.date, as_of: dt.date) -> ReportingStatus:
    """The reporting status of one target and period from its report (anything
    with ``status`` and ``submitted_at``, or None): what the engine stores, and
    what the entry pages show before the engine has run. A draft or a
    returned report was not reported; the submission day is the zone's."""
    return reporting_status(
        approved=report is not None and report.status == ReportStatus.APPROVED,
        pending=report is not None and report.status == ReportStatus.SUBMITTED,
        submitted_on=timezone.localdate(report.submitted_at) if report and report.submitted_at else None,
        due=due,
        as_of=as_of,
    )


def judge_target(target: Target, plan: Plan, reports: dict[tuple[int, int], PeriodReport], *, as_of: dt.date):
    """Judge every period of one target: [(period, judgement, reporting status)].

    Each period is judged on the latest approved figure at or before it
    (carried forward through the periods that have none), and beside it the
    period's own report says whether the unit reported on time.
    """
    facts = facts_of(target, plan)
    judged = []
    carried: tuple[Decimal, int, int] | None = None
    for period in periods_to_judge(target, plan, as_of=as_of):
        report = reports.get((period.year, period.month))
        if report is not None and report.status in COUNTED and report.value is not None:
            carried = (report.value, period.year, period.month)
        actual, data_year, data_month = carried or (None, None, None)
        observation = Observation(
            year=period.year, month=period.month, actual=actual, data_year=data_year, data_month=data_month
        )
        reporting = period_reporting(report, due=due_date(period, due_day=plan.due_day), as_of=as_of)
        judged.append((period, judge(facts, observation), reporting))
    return judged


def _reports(target_ids: Iterable[int]) -> dict[int, dict[tuple[int, int], PeriodReport]]:
    """Every report of the targets that was ever submitted (drafts never
    count and say nothing of the reporting status, but a returned report does:
    it was not reported)."""
    from progress.models import Report

    reports: dict[int, dict[tuple[int, int], PeriodReport]] = {}
    rows = Report.objects.filter(target_id__in=target_ids, status__in=SENT).values_list(
        "target_id", "year", "month", "value", "status", "submitted_at"
    )
    for target_id, year, month, value, status, submitted_at in rows:
        reports.setdefault(target_id, {})[(year, month)] = PeriodReport(value, status, submitted_at)
    return reports


def targets_recompute(*, targets: list[Target], plan: Plan, as_of: dt.date) -> dict[str, int]:
    """Recompute the given targets of one plan in Python, writing only what changed.

    The single-target path (after a report is submitted, approved or
    corrected) and the fallback of the bulk path on databases other than
    PostgreSQL.
    """
    with transaction.atomic():
        plan_lock_shared(plan.pk)  # no bulk recompute of the plan writes meanwhile
        now = clock.now()
        reports = _reports(t.pk for t in targets)
        existing = {(r.target_id, r.year, r.month): r for r in TargetResult.objects.filter(target__in=targets)}
        existing_flags = {(f.target_id, f.year, f.month): f for f in TargetFlag.objects.filter(target__in=targets)}
        spread = plan_spread(plan)
        to_create, to_update, flags_create, flags_update = [], [], [], []
        keep_results, keep_flags = set(), set()
        for target in targets:
            previous_status = None
            facts = facts_of(target, plan)
            for period, judgement, reporting in judge_target(target, plan, reports.get(target.pk, {}), as_of=as_of):
                key = (target.pk, period.year, period.month)
                keep_results.add(key)
                values = _result_values(judgement, reporting)
                values.update(_ahead_values(facts, judgement, period, spread))
                current = existing.get(key)
                if current is None:
                    to_create.append(
                        TargetResult(target=target, year=period.year, month=period.month, computed_at=now, **values)
                    )
                elif any(getattr(current, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(current, name, value)
                    current.computed_at = now
                    to_update.append(current)
                change = transition(previous_status, judgement.status)
                if change:
                    keep_flags.add(key)
                    flag = existing_flags.get(key)
                    fields = {"change": change, "from_status": previous_status or "", "to_status": judgement.status}
                    if flag is None:
                        flags_create.append(
                            TargetFlag(target=target, year=period.year, month=period.month, at=now, **fields)
                        )
                    elif any(getattr(flag, name) != value for name, value in fields.items()):
                        for name, value in fields.items():
                            setattr(flag, name, value)
                        flag.at = now
                        flags_update.append(flag)
                previous_status = judgement.status
        stale_results = [pk for key, pk in ((k, r.pk) for k, r in existing.items()) if key not in keep_results]
        stale_flags = [f.pk for key, f in existing_flags.items() if key not in keep_flags]
        TargetResult.objects.bulk_create(to_create, batch_size=1000)
        TargetResult.objects.bulk_update(to_update, [*RESULT_FIELDS, "computed_at"], batch_size=1000)
        TargetResult.objects.filter(pk__in=stale_results).delete()
        TargetFlag.objects.bulk_create(flags_create, batch_size=1000)
        TargetFlag.objects.bulk_update(flags_update, ["change", "from_status", "to_status", "at"], batch_size=1000)
        TargetFlag.objects.filter(pk__in=stale_flags).delete()
        tasks_recompute(task_ids={target.task_id for target in targets}, now=now)
    return {
        "targets": len(targets),
        "results_written": len(to_create) + len(to_update),
        "results_deleted": len(stale_results),
        "flags_written": len(flags_create) + len(flags_update),
    }


def tasks_recompute(*, task_ids: Iterable[int], now: dt.datetime) -> dict[str, int]:
    """Store the tasks' own statuses and their flags from their targets'
    stored results (``targets.task_status.task_history``), writing only what
    changed; called in the transaction that wrote the targets' results.

    The tasks' rows are locked first (in id order), so two recomputes of
    targets of one task (which hold the plan's lock shared) store its
    statuses one after the other, the second reading the first's results.
    The lock is FOR NO KEY UPDATE: rows that refer to a task (a new target)
    are not held up by it."""
    task_ids = sorted(set(task_ids))
    locked = Task.objects.select_for_update(no_key=True).filter(pk__in=task_ids).order_by("pk")
    list(locked.values_list("pk", flat=True))
    targets = list(
        Target.objects.filter(task_id__in=task_ids).only("pk", "task_id", "kind", "indicator", "weight", "order")
    )
    results: dict[int, list[TargetResult]] = {}
    for result in (
        TargetResult.objects.filter(target__task_id__in=task_ids)
        .only("target_id", "year", "month", "status")
        .order_by("target_id", "year", "month")
    ):
        results.setdefault(result.target_id, []).append(result)
    rows: dict[int, list] = {}
    for target in targets:
        rows.setdefault(target.task_id, []).append((target, results.get(target.pk, [])))
    existing = {(r.task_id, r.year, r.month): r for r in TaskResult.objects.filter(task_id__in=task_ids)}
    existing_flags = {(f.task_id, f.year, f.month): f for f in TaskFlag.objects.filter(task_id__in=task_ids)}
    to_create, to_update, flags_create, flags_update = [], [], [], []
    keep_results, keep_flags = set(), set()
    for task_id, task_rows in rows.items():
        previous_status = None
        for period, status in task_history(task_rows):
            key = (task_id, period.year, period.month)
            keep_results.add(key)
            decided_by_id = status.decided_by.pk if status.decided_by else None
            values = {"status": status.status, "decided_by_id": decided_by_id}
            current = existing.get(key)
            if current is None:
                to_create.append(
                    TaskResult(task_id=task_id, year=period.year, month=period.month, computed_at=now, **values)
                )
            elif (current.status, current.decided_by_id) != (status.status, decided_by_id):
                current.status, current.decided_by_id, current.computed_at = status.status, decided_by_id, now
                to_update.append(current)
            change = transition(previous_status, status.status)
            if change:
                keep_flags.add(key)
                flag = existing_flags.get(key)
                fields = {"change": change, "from_status": previous_status or "", "to_status": status.status}
                if flag is None:
                    flags_create.append(
                        TaskFlag(task_id=task_id, year=period.year, month=period.month, at=now, **fields)
                    )
                elif any(getattr(flag, name) != value for name, value in fields.items()):
                    for name, value in fields.items():
                        setattr(flag, name, value)
                    flag.at = now
                    flags_update.append(flag)
            previous_status = status.status
    stale_results = [r.pk for key, r in existing.items() if key not in keep_results]
    stale_flags = [f.pk for key, f in existing_flags.items() if key not in keep_flags]
    TaskResult.objects.bulk_create(to_create, batch_size=1000)
    TaskResult.objects.bulk_update(to_update, ["status", "decided_by", "computed_at"], batch_size=1000)
    TaskResult.objects.filter(pk__in=stale_results).delete()
    TaskFlag.objects.bulk_create(flags_create, batch_size=1000)
    TaskFlag.objects.bulk_update(flags_update, ["change", "from_status", "to_status", "at"], batch_size=1000)
    TaskFlag.objects.filter(pk__in=stale_flags).delete()
    return {
        "task_results_written": len(to_create) + len(to_update),
        "task_results_deleted": len(stale_results),
        "task_flags_written": len(flags_create) + len(flags_update),
    }


def _result_values(judgement: Judgement, reporting: str) -> dict:
    return {
        "status": str(judgement.status),
        "reason": str(judgement.reason),
        "reporting": str(reporting),
        "data_year": judgement.data_year,
        "data_month": judgement.data_month,
        "actual": judgement.actual,
        "completion": judgement.completion,
        "expected": judgement.expected,
        "gap": judgement.gap,
    }


def _ahead_values(facts, judgement: Judgement, period: Period, spread) -> dict:
    """The way ahead of a judged period (targets.outlook), as stored."""
    way = outlook.ahead(facts, judgement, year=period.year, month=period.month, spread=spread)
    return {
        "expected_seasonal": seasonal_progress(facts, period.year, period.month),
        "pace_needed": way.pace_needed,
        "pace_so_far": way.pace_so_far,
        "projected": way.projected,
        "projected_low": way.projected_low,
        "projected_high": way.projected_high,
        "outlook": way.outlook,
    }


def plan_spread(plan: Plan) -> dict:
    """The plan's band half-widths (targets.outlook.spread), from every
    amount of the plan with last year's figures: one query, however few
    targets are recomputed."""
    amounts = Target.objects.filter(task__plan=plan, baseline_by_month__isnull=False, value__isnull=False).only(
        "kind", "value", "deadline", "baseline_by_month", "start_value", "trajectory", "comparator", "unit"
    )
    return outlook.spread((facts_of(target, plan) for target in amounts), year=plan.start_year)


def target_recompute(*, target_id: int, as_of: dt.date | None = None) -> dict[str, int] | None:
    """Recompute one target; None when it no longer exists."""
    target = Target.objects.select_related("task__plan").filter(pk=target_id).first()
    if target is None:
        return None
    return targets_recompute(targets=[target], plan=target.task.plan, as_of=as_of or clock.today())


def plan_recompute(*, plan_id: int, as_of: dt.date | None = None) -> dict[str, int] | None:
    """Recompute every target of a plan: set-based SQL on PostgreSQL, the
    Python path elsewhere. None when the plan is gone."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return None
    as_of = as_of or clock.today()
    if connection.vendor == "postgresql":
        from progress.engine import bulk

        return bulk.plan_recompute_sql(plan=plan, as_of=as_of)
    targets = list(Target.objects.filter(task__plan=plan).order_by("pk"))
    return targets_recompute(targets=targets, plan=plan, as_of=as_of)
