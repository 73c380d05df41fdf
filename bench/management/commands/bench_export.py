"""Measure the supervision list export on synthetic rows.

Builds one zone (code ``bench-export``) with a 2024 plan of ``--rows``
targets, each with a judged result and an approved report with narratives
for June 2024, then exports the full list through the same FilterSet and
export functions the page uses, consuming the streamed response as a browser
would. Prints the time, the size and the peak memory of each format; the
data is deleted at the end unless ``--keep`` is given.

    python manage.py bench_export --rows 50000

Time is measured without tracing; the peak memory comes from a second,
traced run (tracemalloc slows Python down several times), and the process's
peak resident size is printed as well.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import time
import tracemalloc
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from plans.choices import PlanStatus
from plans.models import Plan, Task
from progress.choices import ReportStatus
from progress.models import Report
from supervision.exports import list_csv_response, list_xlsx_response
from supervision.filtersets import SupervisionFilterSet
from targets.choices import ReportingStatus, Status
from targets.metrics import Reason
from targets.models import Target, TargetResult
from zones.choices import RegionLevel
from zones.models import Region, Unit, Zone

CODE = "bench-export"
YEAR, MONTH = 2024, 6
BATCH = 5000
TARGETS_PER_TASK = 10
UNITS = ("发展改革局", "经济发展局", "招商局", "规划建设局", "生态环境局", "财政局", "科技局", "人社局")
# (progress status, reason, completion, gap, reporting status) of the rows, in turn.
STATUSES = (
    (Status.ON_TRACK, Reason.AGAINST_TIME, Decimal("52.0"), Decimal("2.0"), ReportingStatus.REPORTED),
    (Status.LAGGING, Reason.AGAINST_TIME, Decimal("45.0"), Decimal("-5.0"), ReportingStatus.LATE),
    (Status.SERIOUS, Reason.AGAINST_TIME, Decimal("21.3"), Decimal("-28.7"), ReportingStatus.PENDING),
    (Status.COMPLETED, Reason.REACHED, Decimal("100.0"), Decimal("50.0"), ReportingStatus.REPORTED),
    (Status.OVERDUE, Reason.PAST_DEADLINE, Decimal("40.0"), None, ReportingStatus.MISSING),
)


class Command(BaseCommand):
    help = "Time the supervision list export (XLSX and CSV) on synthetic rows."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=50_000)
        parser.add_argument("--format", choices=["xlsx", "csv", "both"], default="both")
        parser.add_argument("--keep", action="store_true", help="Keep the synthetic data afterwards.")
        parser.add_argument("--no-memory", action="store_true", help="Skip the traced run.")

    def handle(self, *args, rows: int, format: str, keep: bool, no_memory: bool, **options) -> None:
        if rows < 1:
            raise CommandError("--rows must be positive")
        self._delete()
        started = time.perf_counter()
        plan, user = self._build(rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
                cursor.execute("ANALYZE")
        self.stdout.write(f"built {rows:,} rows in {time.perf_counter() - started:.1f} s")
        try:
            for fmt in ("xlsx", "csv") if format == "both" else (format,):
                seconds, size, count = self._export(plan, user, fmt)
                line = f"{fmt}: {count:,} rows, {size / 1e6:.1f} MB in {seconds:.2f} s"
                if not no_memory:
                    tracemalloc.start()
                    self._export(plan, user, fmt)
                    peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
                    line += f", peak Python memory {peak / 1e6:.1f} MB"
                self.stdout.write(line)
            scale = 1024 if sys.platform != "darwin" else 1024 * 1024
            self.stdout.write(
                f"process peak resident size {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale:.0f} MB"
            )
        finally:
            if not keep:
                self._delete()

    def _export(self, plan: Plan, user, fmt: str) -> tuple[float, int, int]:
        started = time.perf_counter()
        filterset = SupervisionFilterSet({"plan": plan.pk, "period": f"{YEAR}-{MONTH:02d}"}, user=user)
        respond = list_xlsx_response if fmt == "xlsx" else list_csv_response
        response = respond(filterset.qs, period=filterset.chosen_period)
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        seconds = time.perf_counter() - started
        count = filterset.qs.count()
        return seconds, size, count

    @transaction.atomic
    def _build(self, rows: int) -> tuple[Plan, object]:
        province = Region.objects.create(name=f"{CODE}-省", level=RegionLevel.PROVINCE)
        city = Region.objects.create(name=f"{CODE}-市", level=RegionLevel.CITY, parent=province)
        zone = Zone.objects.create(code=CODE, name="基准测试开发区", short_name="基准区", region=city)
        units = [Unit.objects.create(zone=zone, name=name, order=index) for index, name in enumerate(UNITS)]
        plan = Plan.objects.create(
            zone=zone, title="基准测试计划", start_year=YEAR, end_year=YEAR, status=PlanStatus.PUBLISHED
        )
        user = get_user_model().objects.create(username=CODE, is_superuser=True, first_name="基准")
        task_count = (rows + TARGETS_PER_TASK - 1) // TARGETS_PER_TASK
        Task.objects.bulk_create(
            (
                Task(
                    plan=plan,
                    number=f"{n + 1}.",
                    path=str(n + 1),
                    order=n,
                    heading=f"推进第{n + 1}项重点工作",
                    lead_unit=units[n % len(units)],
                    leader=user if n % 3 == 0 else None,
                )
                for n in range(task_count)
            ),
            batch_size=BATCH,
        )
        tasks = list(Task.objects.filter(plan=plan).order_by("order").values_list("pk", flat=True))
        Target.objects.bulk_create(
            (
                Target(
                    task_id=tasks[n // TARGETS_PER_TASK],
                    indicator=f"=指标{n}" if n % 97 == 0 else f"固定资产投资{n}",
                    kind="amount",
                    unit="亿元",
                    value=Decimal(130),
                    order=n % TARGETS_PER_TASK,
                )
                for n in range(rows)
            ),
            batch_size=BATCH,
        )
        targets = list(Target.objects.filter(task__plan=plan).order_by("pk").values_list("pk", flat=True))
        now = timezone.now()
        submitted = timezone.make_aware(dt.datetime(YEAR, MONTH + 1, 3, 10))
        TargetResult.objects.bulk_create(
            (
                TargetResult(
                    target_id=target_id,
                    year=YEAR,
                    month=MONTH,
                    status=status,
                    reason=reason,
                    reporting=reporting,
                    actual=Decimal("67.6"),
                    completion=completion,
                    expected=Decimal("50.0"),
                    gap=gap,
                    # A row whose June report is missing or waits for review is judged on May's figure.
                    data_year=YEAR,
                    data_month=MONTH if reporting in (ReportingStatus.REPORTED, ReportingStatus.LATE) else MONTH - 1,
                    computed_at=now,
                )
                for (status, reason, completion, gap, reporting), target_id in zip(
                    (STATUSES[n % len(STATUSES)] for n in range(len(targets))), targets, strict=True
                )
            ),
            batch_size=BATCH,
        )
        Report.objects.bulk_create(
            (
                Report(
                    target_id=target_id,
                    year=YEAR,
                    month=MONTH,
                    value=Decimal("67.6"),
                    # Every fifth report waits for review: its figure is shown marked, not counted.
                    status=ReportStatus.SUBMITTED
                    if STATUSES[n % len(STATUSES)][4] == ReportingStatus.PENDING
                    else ReportStatus.APPROVED,
                    progress=f"1-{MONTH}月累计完成67.6亿元,重点项目{n % 40}个开工,按计划推进。",
                    problems="-要素保障不足,土地指标紧张。" if n % 2 else "资金到位偏慢。",
                    next_steps="加强调度,确保完成年度目标。",
                    submitted_at=submitted,
                    approved_at=None if STATUSES[n % len(STATUSES)][4] == ReportingStatus.PENDING else submitted,
                )
                for n, target_id in enumerate(targets)
            ),
            batch_size=BATCH,
        )
        return plan, user

    def _delete(self) -> None:
        with transaction.atomic():
            for plan in Plan.objects.filter(zone__code=CODE):
                plan.delete()
            Zone.objects.filter(code=CODE).delete()
            Region.objects.filter(name=f"{CODE}-市").delete()
            Region.objects.filter(name=f"{CODE}-省").delete()
            get_user_model().objects.filter(username=CODE).delete()
