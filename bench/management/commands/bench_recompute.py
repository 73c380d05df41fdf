"""Measure the bulk recompute on a synthetic dataset.

Builds ``--zones`` zones of ``--targets-per-zone`` targets, each with an
approved report for every month up to ``--months``, in a realistic mix: mostly
amounts, some growth rates, ratios, ceilings, decreases and milestones; ranges,
stretch values, start values, trajectories and early deadlines; quarterly
targets; plans that report January with February (1-2月合并), a three-year
action plan, plans with stricter thresholds; half the amounts with last
year's monthly figures (a seasonal shape, now and then a month missing), and
a third of the plans judging on seasonal time progress, so that the seasonal
share, the projection and its band are computed. It then recomputes every target
of every plan for every period (as of the end of the year, so all twelve
months count) and compares the time with the floor: one ``CREATE TEMP TABLE …
AS SELECT`` that reads the same report rows and writes one row per target and
period, i.e. what the hardware needs to move the data.

The data lives in the configured database in zones whose code starts with
``bench-``, apart from everything else; it is deleted at the end unless
``--keep`` is given, and before a run should an earlier one have left some.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F

from core import clock
from plans.choices import Frequency, PlanKind, PlanStatus, TimeBasis
from plans.models import Plan, Task
from progress.choices import ReportStatus
from progress.engine.bulk import last_period_index
from progress.engine.recompute import targets_recompute
from progress.models import Report
from targets import kinds
from targets.choices import Comparator, ReportedAs
from targets.metrics import period_end
from targets.models import Target, TargetFlag, TargetResult, TaskFlag, TaskResult
from zones.choices import RegionLevel, UnitKind
from zones.models import Region, Unit, Zone

PREFIX = "bench-"
YEAR = 2024
PROVINCE, CITY = "bench-省", "bench-市"
UNITS = ("发展改革局", "经济发展局", "招商局", "规划建设局", "生态环境局")
TARGETS_PER_TASK = 5
BATCH = 5000
CENT = Decimal("0.01")
FLOOR_RUNS = 3
BENCH_TABLES = (
    "zones_zone", "plans_plan", "plans_task", "targets_target", "progress_report", "targets_targetresult",
    "targets_targetflag", "targets_taskresult", "targets_taskflag",
)  # fmt: skip

REPORT_COLUMNS = (
    "target_id", "year", "month", "value", "status", "progress", "problems", "next_steps", "value_note",
    "return_reason", "is_demo", "version", "created_at", "updated_at", "submitted_at", "approved_at",
    "value_confirmed",
)  # fmt: skip

# One row per target and period of the bench plans with its counted figure:
# the same report rows as the recompute reads, as many rows as it writes, and
# nothing else. Portable SQL: a recursive CTE numbers the months.
FLOOR_SELECT = """
WITH RECURSIVE periods(n) AS (
    SELECT %(first_index)s
    UNION ALL
    SELECT n + 1 FROM periods WHERE n < %(last_index)s
)
SELECT t.id AS target_id, periods.n / 12 AS year, periods.n %% 12 + 1 AS month, r.value
FROM targets_target t
JOIN plans_task k ON k.id = t.task_id
JOIN plans_plan p ON p.id = k.plan_id
JOIN zones_zone z ON z.id = p.zone_id
JOIN periods ON periods.n BETWEEN p.start_year * 12 AND p.end_year * 12 + 11
LEFT JOIN progress_report r
    ON r.target_id = t.id AND r.year = periods.n / 12 AND r.month = periods.n %% 12 + 1
    AND r.status IN (%(submitted)s, %(approved)s) AND r.value IS NOT NULL
WHERE z.code LIKE %(pattern)s
    AND CASE WHEN t.frequency = %(quarterly)s THEN periods.n %% 3 = 2
        ELSE NOT (p.jan_feb_combined AND periods.n %% 12 = 0) END
"""
FLOOR = "CREATE TEMP TABLE bench_floor AS" + FLOOR_SELECT

# For comparison, not for the ratio: the same rows written as results are, to
# a logged table with the unique key (target, year, month), in key order, and
# committed. What storing one durable row per target and period costs before
# any judging, index of status, or flag.
DURABLE_FLOOR_TABLE = (
    "CREATE TABLE bench_floor_logged (target_id bigint, year int, month int, value numeric, "
    "UNIQUE (target_id, year, month))"
)
DURABLE_FLOOR = "INSERT INTO bench_floor_logged SELECT * FROM (" + FLOOR_SELECT + ") f ORDER BY 1, 2, 3"  # noqa: S608 -- constant SQL

# Also for comparison: the same rows widened to a result's shape (its columns,
# check constraints and indexes, copied from the results table, the half of the
# rows a status index holds marked lagging), written and committed: what
# storing the results costs before any judging or flag.
SHAPED_FLOOR_TABLE = (
    "CREATE TABLE bench_floor_shaped "
    "(LIKE targets_targetresult INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
)
SHAPED_FLOOR = (
    "INSERT INTO bench_floor_shaped (target_id, year, month, status, reason, reporting, actual, completion, "  # noqa: S608
    "expected, gap, data_year, data_month, expected_seasonal, pace_needed, pace_so_far, projected, projected_low, "
    "projected_high, outlook, computed_at) "
    "SELECT target_id, year, month, "
    "CASE WHEN value IS NULL THEN 'no_data' WHEN month %% 2 = 0 THEN 'lagging' ELSE 'on_track' END, "
    "'against_time', 'reported', value, 50.0, 50.0, 0.0, year, month, 50.0, value, value, value, value, value, "
    "'meet', now() FROM (" + FLOOR_SELECT + ") f "
    "ORDER BY 1, 2, 3"
)

# The bulky rows of the bench zones, deleted by plain SQL before the ORM
# deletes the plans and zones (and whatever else hangs off them).
_BENCH_TARGETS = """
    SELECT t.id FROM targets_target t
    JOIN plans_task k ON k.id = t.task_id
    JOIN plans_plan p ON p.id = k.plan_id
    JOIN zones_zone z ON z.id = p.zone_id
    WHERE z.code LIKE %s
"""
_BENCH_TASKS = """
    SELECT k.id FROM plans_task k
    JOIN plans_plan p ON p.id = k.plan_id
    JOIN zones_zone z ON z.id = p.zone_id
    WHERE z.code LIKE %s
"""
CLEANUP = [
    *(
        f"DELETE FROM {table} WHERE task_id IN ({_BENCH_TASKS})"  # noqa: S608 -- constant SQL
        for table in ("targets_taskresult", "targets_taskflag")
    ),
    "DELETE FROM progress_reportevent WHERE report_id IN "  # noqa: S608 -- constant SQL, the pattern is bound
    f"(SELECT id FROM progress_report WHERE target_id IN ({_BENCH_TARGETS}))",
    *(
        f"DELETE FROM {table} WHERE {column} IN ({_BENCH_TARGETS})"  # noqa: S608 -- constant SQL
        for table, column in (
            ("progress_report", "target_id"),
            ("targets_targetresult", "target_id"),
            ("targets_targetflag", "target_id"),
            ("targets_target", "id"),
        )
    ),
]


@dataclass
class Spec:
    """A synthetic target, and how fast its figures move (``pace``)."""

    kind: str
    value: Decimal | None
    unit: str = ""
    comparator: str = Comparator.AT_LEAST
    value_high: Decimal | None = None
    stretch: Decimal | None = None
    start_value: Decimal | None = None
    reported_as: str = ReportedAs.RATE
    baseline_by_month: dict[str, str] | None = None
    trajectory: dict[str, str] | None = None
    deadline: dt.date | None = None
    frequency: str = Frequency.MONTHLY
    span_months: int = 12
    pace: float = 1.0

    def fields(self) -> dict:
        """The Target's fields."""
        return {
            "indicator": f"bench {self.kind}",
            "kind": self.kind,
            "unit": self.unit,
            "comparator": self.comparator,
            "value": self.value,
            "value_high": self.value_high,
            "stretch": self.stretch,
            "start_value": self.start_value,
            "reported_as": self.reported_as,
            "baseline": Decimal(self.baseline_by_month["12"]) if self.baseline_by_month else None,
            "baseline_by_month": self.baseline_by_month,
            "trajectory": self.trajectory,
            "deadline": self.deadline,
            "frequency": self.frequency,
            "weight": Decimal(1),
            "is_headline": False,
            "quote": "",
        }


def _cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT)


# Last year's monthly shares of the year (before noise): slow in the first
# months, a rush at the year's end.
SEASON = (0.5, 0.6, 1.0, 1.0, 1.0, 1.1, 0.9, 0.9, 1.0, 1.1, 1.2, 1.6)


def last_year(shapes: random.Random, value: Decimal) -> dict[str, str]:
    """Last year's year-to-date figures of an amount, month by month, of a
    total near its target; now and then a month is missing (interpolated)."""
    weights = [weight * shapes.uniform(0.8, 1.2) for weight in SEASON]
    total = float(value) * shapes.uniform(0.8, 1.1)
    figures, running = {}, 0.0
    for month, weight in enumerate(weights, start=1):
        running += weight
        if month == 12 or shapes.random() > 0.05:
            figures[str(month)] = str(_cents(total * running / sum(weights)))
    return figures


def target_spec(rng: random.Random, *, span_months: int, shapes: random.Random | None = None) -> Spec:
    """A target drawn from a realistic mix of kinds and modifiers; with
    ``shapes``, half the amounts get last year's figures drawn from it (a
    stream of its own, so the rest of the mix is the same with or without)."""
    draw = rng.random()
    pace = rng.uniform(0.7, 1.25)
    frequency = Frequency.QUARTERLY if rng.random() < 0.1 else Frequency.MONTHLY
    if draw < 0.55:
        value = _cents(rng.choice((5, 18, 50, 130, 500)) * rng.uniform(0.5, 1.5))
        unit = rng.choice(("亿元", "个", "万平方米"))
        spec = Spec(kinds.AMOUNT.key, value, unit, frequency=frequency, span_months=span_months, pace=pace)
        modifier = rng.random()
        if modifier < 0.15:
            spec.comparator, spec.value_high = Comparator.RANGE, _cents(float(value) * 1.5)
        elif modifier < 0.25:
            spec.stretch = _cents(float(value) * 1.2)
        elif modifier < 0.35:
            spec.start_value = _cents(float(value) * 0.6)
        elif modifier < 0.45:
            spec.trajectory = {str(m): str(_cents(float(value) * share)) for m, share in ((3, 0.15), (6, 0.4), (12, 1))}
        elif modifier < 0.55 and span_months == 12:
            spec.deadline = period_end(YEAR, rng.choice((6, 9)))
            spec.span_months = spec.deadline.month
        if shapes is not None and shapes.random() < 0.5:
            spec.baseline_by_month = last_year(shapes, value)
        return spec
    if draw < 0.67 or 0.83 <= draw < 0.9:
        kind = kinds.GROWTH_RATE.key if draw < 0.67 else kinds.DECREASE.key
        spec = Spec(kind, Decimal(rng.choice((3, 5, 8, 10, 12, 15))), "%", frequency=frequency, pace=pace)
        if rng.random() < 0.3:
            base = rng.uniform(100, 1000)
            months = [m for m in range(1, 13) if rng.random() > 0.03]  # now and then a month without a baseline
            spec.reported_as = ReportedAs.AMOUNT
            spec.baseline_by_month = {str(m): str(_cents(base * m / 12)) for m in [*months, 12]}
        return spec
    if draw < 0.75:
        value = Decimal(rng.choice((50, 60, 80, 90, 95)))
        return Spec(kinds.RATIO.key, value, "%", frequency=frequency, pace=pace)
    if draw < 0.83:
        value = Decimal(0) if rng.random() < 0.03 else Decimal(rng.choice((3, 4, 6, 10)))
        return Spec(kinds.CEILING.key, value, "‰", Comparator.AT_MOST, frequency=frequency, pace=pace)
    deadline = period_end(YEAR, rng.choice((3, 5, 8, 9, 10, 12)))
    return Spec(kinds.MILESTONE.key, None, deadline=deadline, span_months=deadline.month, pace=pace)


def report_value(spec: Spec, month: int, rng: random.Random) -> Decimal:
    """A plausible year-to-date figure of ``spec`` for ``month``."""
    pace = spec.pace + rng.uniform(-0.05, 0.05)
    if spec.kind == kinds.AMOUNT.key:
        start = float(spec.start_value or 0)
        return _cents(start + (float(spec.value) - start) * min(1.2, month / spec.span_months * pace))
    if spec.kind == kinds.MILESTONE.key:
        return _cents(max(0.0, min(100.0, month / spec.span_months * 100 * pace)))
    if spec.kind == kinds.RATIO.key:
        return _cents(float(spec.value) * min(1.1, 0.8 + 0.2 * pace))
    if spec.kind == kinds.CEILING.key:
        return _cents(float(spec.value) * (0.7 + 0.3 * pace) if spec.value else max(0.0, pace - 1.1))
    rate = float(spec.value) * pace + rng.uniform(-2, 2)
    if spec.reported_as == ReportedAs.AMOUNT:
        base = float(spec.baseline_by_month.get(str(month), spec.baseline_by_month["12"]))
        return _cents(base * (1 + (rate if spec.kind == kinds.GROWTH_RATE.key else -rate) / 100))
    return _cents(rate)


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class Command(BaseCommand):
    help = "Build a synthetic dataset and time the bulk recompute of every target and period against a floor."

    def add_arguments(self, parser):
        parser.add_argument("--zones", type=int, default=200)
        parser.add_argument("--targets-per-zone", type=int, default=150)
        parser.add_argument("--months", type=int, default=12, help="Months with reports (1-12).")
        parser.add_argument("--keep", action="store_true", help="Keep the bench data afterwards.")
        parser.add_argument("--seed", type=int, default=YEAR)
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Recompute the plans in this many groups at once, one connection each (default: the cores).",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=1,
            help="Time the full recompute this many times (from empty results), keep the best.",
        )

    def handle(
        self,
        *args,
        zones: int,
        targets_per_zone: int,
        months: int,
        keep: bool,
        seed: int,
        repeat: int,
        jobs: int,
        **options,
    ):
        if not 1 <= months <= 12:
            raise CommandError("--months runs from 1 to 12")
        if zones < 1 or targets_per_zone < 1 or repeat < 1 or jobs < 1:
            raise CommandError("--zones, --targets-per-zone, --repeat and --jobs must be positive")
        self.jobs = jobs
        self.postgres = connection.vendor == "postgresql"
        self.out(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; {jobs} job(s)")
        if removed := self.cleanup():
            self.out(f"removed the bench data of an earlier run ({removed} zones)")
        started = time.perf_counter()
        plan_ids, reports = self.build(zones=zones, per_zone=targets_per_zone, months=months, seed=seed)
        self.out(f"built {zones} zones, {reports} reports in {time.perf_counter() - started:.1f} s")
        as_of = dt.date(YEAR, 12, 31)

        floor = min(self.floor(as_of=as_of) for _ in range(max(FLOOR_RUNS, repeat)))
        durable = shaped = None
        self.out(f"floor: {floor:.3f} s (best of {max(FLOOR_RUNS, repeat)})")
        if self.postgres and not connection.in_atomic_block:
            durable = min(self.durable_floor(as_of=as_of) for _ in range(max(FLOOR_RUNS, repeat)))
            self.out(
                f"for comparison, the floor's rows into a logged table with a unique key, committed: {durable:.3f} s "
                f"({durable / floor:.1f}x the floor)"
            )
            shaped = min(self.durable_floor(as_of=as_of, shaped=True) for _ in range(max(FLOOR_RUNS, repeat)))
            self.out(
                f"for comparison, those rows in a result's shape (its columns and indexes), committed: "
                f"{shaped:.3f} s ({shaped / floor:.1f}x the floor)"
            )
        runs = []
        for run in range(repeat):
            if run:
                self.forget(plan_ids)
            seconds, counts = self.timed(plan_ids=plan_ids, as_of=as_of)
            self.out(f"recompute, every row new: {seconds:.3f} s {counts}")
            runs.append(seconds)
        seconds = min(runs)
        again, unchanged = self.timed(plan_ids=plan_ids, as_of=as_of)
        self.out(f"recompute, nothing changed: {again:.3f} s {unchanged}")
        Report.objects.filter(target__task__plan__in=plan_ids, month=months).update(value=F("value") * Decimal("0.9"))
        revised, changed = self.timed(plan_ids=plan_ids, as_of=as_of)
        self.out(f"recompute, month {months} revised down 10%: {revised:.3f} s {changed}")
        results = TargetResult.objects.filter(target__task__plan__in=plan_ids).count()
        flags = TargetFlag.objects.filter(target__task__plan__in=plan_ids).count()
        task_results = TaskResult.objects.filter(task__plan__in=plan_ids).count()
        task_flags = TaskFlag.objects.filter(task__plan__in=plan_ids).count()
        self.out(f"stored: {results} results, {flags} flags; {task_results} task results, {task_flags} task flags")

        if keep:
            self.out(f"kept the bench data (zones {PREFIX}*)")
        else:
            self.cleanup()
            self.out("removed the bench data")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
        self.out(f"peak memory: {peak / (1024 * 1024 if sys.platform == 'darwin' else 1024):.0f} MB")
        self.out(
            f"recompute: {counts['targets']} targets, {reports} reports in {seconds:.3f} s "
            f"({reports / seconds:.0f} reports/s); floor {floor:.3f} s; ratio {seconds / floor:.2f}"
        )
        if durable is not None:
            self.out(
                f"ratio to the durable floor: {seconds / durable:.2f}; to the result-shaped one: {seconds / shaped:.2f}"
            )

    def out(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    # Timing.

    def timed(self, *, plan_ids: list[int], as_of: dt.date) -> tuple[float, dict[str, int]]:
        """Recompute every bench plan, commit included: the SQL path on
        PostgreSQL, the Python path elsewhere."""
        started = time.perf_counter()
        if self.postgres:
            from progress.engine.bulk import plans_recompute_parallel

            counts = plans_recompute_parallel(plan_ids=plan_ids, as_of=as_of, jobs=self.jobs)
        else:
            counts = {"targets": 0, "results_written": 0, "results_deleted": 0, "flags_written": 0}
            for plan in Plan.objects.filter(pk__in=plan_ids):
                targets = list(Target.objects.filter(task__plan=plan).order_by("pk"))
                for key, value in targets_recompute(targets=targets, plan=plan, as_of=as_of).items():
                    counts[key] += value
        return time.perf_counter() - started, counts

    def forget(self, plan_ids: list[int]) -> None:
        """Delete the bench plans' results and flags (their targets' and their
        tasks'), so the next run writes every row again."""
        TaskResult.objects.filter(task__plan__in=plan_ids).delete()
        TaskFlag.objects.filter(task__plan__in=plan_ids).delete()
        TargetResult.objects.filter(target__task__plan__in=plan_ids).delete()
        TargetFlag.objects.filter(target__task__plan__in=plan_ids).delete()
        if self.postgres and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM targets_targetresult, targets_targetflag, targets_taskresult, targets_taskflag")

    def floor(self, *, as_of: dt.date) -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_floor")
            started = time.perf_counter()
            cursor.execute(FLOOR, self.floor_params(as_of))
            seconds = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_floor")
        return seconds

    def durable_floor(self, *, as_of: dt.date, shaped: bool = False) -> float:
        table, create, insert = (
            ("bench_floor_shaped", SHAPED_FLOOR_TABLE, SHAPED_FLOOR)
            if shaped
            else ("bench_floor_logged", DURABLE_FLOOR_TABLE, DURABLE_FLOOR)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            try:
                started = time.perf_counter()
                with transaction.atomic():
                    cursor.execute(create)
                    cursor.execute(insert, self.floor_params(as_of))
                return time.perf_counter() - started
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def floor_params(self, as_of: dt.date) -> dict:
        return {
            "first_index": YEAR * 12,
            "last_index": last_period_index(as_of),
            "submitted": ReportStatus.SUBMITTED.value,
            "approved": ReportStatus.APPROVED.value,
            "quarterly": Frequency.QUARTERLY.value,
            "pattern": f"{PREFIX}%",
        }

    # The data.

    def build(self, *, zones: int, per_zone: int, months: int, seed: int) -> tuple[list[int], int]:
        rng = random.Random(seed)  # noqa: S311 -- synthetic figures, not secrets
        shapes = random.Random(seed + 1)  # noqa: S311 -- last year's figures, a stream of their own
        now = clock.now()
        with transaction.atomic():
            province = Region.objects.create(name=PROVINCE, level=RegionLevel.PROVINCE)
            city = Region.objects.create(name=CITY, level=RegionLevel.CITY, parent=province)
            zone_rows = Zone.objects.bulk_create(
                Zone(code=f"{PREFIX}{i:04d}", name=f"{PREFIX}开发区{i:04d}", short_name=f"基准区{i:04d}", region=city)
                for i in range(zones)
            )
            units = Unit.objects.bulk_create(
                Unit(zone=zone, name=name, kind=UnitKind.BUREAU, order=n)
                for zone in zone_rows
                for n, name in enumerate(UNITS)
            )
            plans = Plan.objects.bulk_create(self.plan(i, zone) for i, zone in enumerate(zone_rows))
            tasks_per_plan = -(-per_zone // TARGETS_PER_TASK)
            tasks = Task.objects.bulk_create(
                (
                    Task(
                        plan=plan,
                        number=f"{n + 1}.",
                        path=str(n + 1),
                        order=n,
                        heading=f"bench 任务{n + 1}",
                        lead_unit=units[i * len(UNITS) + n % len(UNITS)],
                    )
                    for i, plan in enumerate(plans)
                    for n in range(tasks_per_plan)
                ),
                batch_size=BATCH,
            )
            specs: dict[tuple[int, int], Spec] = {}  # (task, order) → spec
            for i, plan in enumerate(plans):
                span_months = (plan.end_year - plan.start_year + 1) * 12
                for n in range(per_zone):
                    task = tasks[i * tasks_per_plan + n // TARGETS_PER_TASK]
                    specs[task.pk, n] = target_spec(rng, span_months=span_months, shapes=shapes)
            ids = self.insert_targets(specs)
            rows = (
                _report_row(ids[key], month, report_value(spec, month, rng), now)
                for key, spec in specs.items()
                for month in range(1, months + 1)
            )
            reports = self.insert_reports(rows)
        if self.postgres:  # fresh statistics, and no dead rows of an earlier run in the way
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(f"{command} {', '.join(BENCH_TABLES)}")
        return [plan.pk for plan in plans], reports

    def plan(self, i: int, zone: Zone) -> Plan:
        """Most plans are a year's work points; every tenth reports January with
        February, every tenth is a three-year action plan, some are stricter,
        every third judges on seasonal time progress."""
        three_years = i % 10 == 7
        return Plan(
            zone=zone,
            title=f"{YEAR}–{YEAR + 2}年行动计划" if three_years else f"{YEAR}年工作要点",
            kind=PlanKind.ACTION_PLAN if three_years else PlanKind.WORK_POINTS,
            start_year=YEAR,
            end_year=YEAR + 2 if three_years else YEAR,
            status=PlanStatus.PUBLISHED,
            due_day=10 if i % 4 == 1 else 5,
            jan_feb_combined=i % 10 == 3,
            amount_lag_points=Decimal(5) if i % 10 == 5 else Decimal(10),
            time_basis=TimeBasis.SEASONAL if i % 3 == 0 else TimeBasis.LINEAR,
        )

    def insert_targets(self, specs: dict[tuple[int, int], Spec]) -> dict[tuple[int, int], int]:
        """Insert the targets (COPY on PostgreSQL); their ids by (task, order)."""
        targets = (Target(task_id=task_id, order=order, **spec.fields()) for (task_id, order), spec in specs.items())
        if self.postgres:
            columns = [field.column for field in Target._meta.concrete_fields if not field.primary_key]
            self.copy(
                "targets_target",
                columns,
                ([_copyable(getattr(target, column)) for column in columns] for target in targets),
            )
        else:
            for batch in _batches(targets, BATCH):
                Target.objects.bulk_create(batch)
        rows = Target.objects.filter(task_id__in={task_id for task_id, _ in specs}).values_list(
            "task_id", "order", "pk"
        )
        return {(task_id, order): pk for task_id, order, pk in rows.iterator(chunk_size=BATCH)}

    def insert_reports(self, rows: Iterable[tuple]) -> int:
        if self.postgres:
            return self.copy("progress_report", REPORT_COLUMNS, rows)
        count = 0
        for batch in _batches(rows, BATCH):
            Report.objects.bulk_create(Report(**dict(zip(REPORT_COLUMNS, row, strict=True))) for row in batch)
            count += len(batch)
        return count

    def copy(self, table: str, columns: Iterable[str], rows: Iterable) -> int:
        """COPY rows into a table, streaming (PostgreSQL)."""
        names = ", ".join(connection.ops.quote_name(name) for name in columns)
        count = 0
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def cleanup(self) -> int:
        """Delete the bench zones and everything in them; the number of zones."""
        zones = Zone.objects.filter(code__startswith=PREFIX).count()
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in CLEANUP:
                cursor.execute(statement, [f"{PREFIX}%"])
            Plan.objects.filter(zone__code__startswith=PREFIX).delete()
            Zone.objects.filter(code__startswith=PREFIX).delete()
            Region.objects.filter(name=CITY, level=RegionLevel.CITY, zones__isnull=True).delete()
            Region.objects.filter(name=PROVINCE, parent__isnull=True, children__isnull=True).delete()
        return zones


def _report_row(target_id: int, month: int, value: Decimal, now: dt.datetime) -> tuple:
    """An approved report of ``YEAR`` in the order of REPORT_COLUMNS."""
    approved = ReportStatus.APPROVED.value
    return (target_id, YEAR, month, value, approved, "", "", "", "", "", False, 1, now, now, now, now, False)


def _copyable(value):
    """A field value as COPY takes it (JSON as text)."""
    return json.dumps(value) if isinstance(value, dict) else value
