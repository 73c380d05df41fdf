"""Helpers of the fault scripts: Django set-up, Celery processes, waiting,
and a checksum of a plan's stored results and flags."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.db import close_old_connections, connection, transaction  # noqa: E402

from plans.periods import Period  # noqa: E402

CELERY = str(BASE / ".venv" / "bin" / "celery")
LOG_DIR = Path(os.environ.get("FAULTS_LOG_DIR", BASE / "var" / "faults"))
LOG_DIR.mkdir(parents=True, exist_ok=True)


def say(line: str) -> None:
    print(line, flush=True)


def wait_for(what: str, check: Callable[[], object], *, timeout: float, every: float = 0.5):
    """Poll ``check`` until it returns something truthy; that value. Exits
    the script with FAIL after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not connection.in_atomic_block:  # it would close the connection under a transaction
            close_old_connections()
        value = check()
        if value:
            return value
        time.sleep(every)
    say(f"FAIL: gave up waiting for {what} after {timeout:.0f} s")
    raise SystemExit(1)


class Celery:
    """A Celery worker or beat in its own process group, logging under var/faults/."""

    def __init__(self, name: str, *args: str):
        self.name, self.args = name, args
        self.process: subprocess.Popen | None = None

    def start(self) -> Celery:
        log = open(LOG_DIR / f"{self.name}.log", "a")  # noqa: SIM115 -- the child owns it
        self.process = subprocess.Popen(  # noqa: S603 -- our own celery with fixed arguments
            [CELERY, "-A", "config", *self.args],
            cwd=BASE,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def children(self) -> list[int]:
        """The pool processes (Linux: /proc)."""
        threads = Path(f"/proc/{self.pid}/task").glob("*/children")
        return [int(pid) for thread in threads for pid in thread.read_text().split()]

    def kill(self) -> None:
        """SIGKILL the whole process group: what the OOM killer or a lost machine does."""
        os.killpg(self.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()


def worker(name: str) -> Celery:
    """The production worker: prefork pool (so reject_on_worker_lost applies), one process."""
    return Celery(
        name, "worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--without-gossip",
        "--without-mingle", "--hostname", f"{name}@%h",
    )  # fmt: skip


def beat(name: str) -> Celery:
    return Celery(name, "beat", "--loglevel=INFO", "--schedule", str(LOG_DIR / f"{name}-schedule"))


def plan_checksum(plan_id: int) -> tuple[str, int, int]:
    """A digest of a plan's results and flags without their timestamps:
    (sha256, results, flags). Equal digests mean identical statuses, figures
    and flag transitions."""
    from targets.models import TargetFlag, TargetResult

    digest = hashlib.sha256()
    results = TargetResult.objects.filter(target__task__plan_id=plan_id).order_by("target_id", "year", "month")
    n_results = 0
    for row in results.values_list(
        "target_id", "year", "month", "status", "reason", "actual", "completion", "expected", "gap"
    ).iterator(chunk_size=20000):
        digest.update(repr(row).encode())
        n_results += 1
    digest.update(b"flags")
    flags = TargetFlag.objects.filter(target__task__plan_id=plan_id).order_by("target_id", "year", "month")
    n_flags = 0
    for row in flags.values_list("target_id", "year", "month", "change", "from_status", "to_status").iterator(
        chunk_size=20000
    ):
        digest.update(repr(row).encode())
        n_flags += 1
    return digest.hexdigest()[:16], n_results, n_flags


FIGURES = {"固定资产投资": "130", "规上工业增加值": "60", "新开工项目": "18"}


def fault_zone(code: str, units: tuple[str, ...]) -> tuple[Period, dict[str, list], dict[str, str]]:
    """A zone of its own (made afresh) with one unit per name, each leading
    three targets, for last month (open until the 28th of this month and ten
    days more): (period, targets by unit, API token by unit)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from core import clock
    from plans.models import Plan, Task
    from targets.models import Target
    from zones.choices import RegionLevel, Role
    from zones.models import Membership, Region, Unit, Zone

    period = Period(clock.today().year, clock.today().month).previous_month()
    with transaction.atomic():
        Plan.objects.filter(zone__code=code).delete()
        Zone.objects.filter(code=code).delete()
        get_user_model().objects.filter(username__startswith=f"{code}-").delete()
        province, _ = Region.objects.get_or_create(name="faults-省", level=RegionLevel.PROVINCE, parent=None)
        region, _ = Region.objects.get_or_create(name="faults-市", level=RegionLevel.CITY, parent=province)
        zone = Zone.objects.create(code=code, name=f"故障演练开发区 {code}", short_name="故障演练区", region=region)
        plan = Plan.objects.create(
            zone=zone, title=f"{period.year}年工作要点(故障演练)", start_year=period.year, end_year=period.year,
            status="published", due_day=28, lock_after_days=10,
        )  # fmt: skip
        targets, tokens = {}, {}
        for n, name in enumerate(units):
            unit = Unit.objects.create(zone=zone, name=f"单位{name}")
            task = Task.objects.create(
                plan=plan, number=f"{n + 1}.", path=str(n + 1), order=n, heading="重点工作", lead_unit=unit
            )
            targets[name] = [
                Target.objects.create(
                    task=task, indicator=indicator, kind="amount", unit="亿元", value=Decimal(value), order=i
                )
                for i, (indicator, value) in enumerate(FIGURES.items())
            ]
            user = get_user_model().objects.create_user(f"{code}-{name.lower()}", password=None)
            Membership.objects.create(user=user, zone=zone, unit=unit, role=Role.STAFF)
            tokens[name] = Token.objects.create(user=user).key
    return period, targets, tokens


@dataclass
class Response:
    status_code: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)


def http(method: str, url: str, *, token: str, body: dict | None = None) -> Response:
    """One HTTP request with an API token (the standard library: no client to install)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 -- our own server's http:// address
        url, data=data, method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return Response(answer.status, answer.read().decode(), dict(answer.headers))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read().decode(), dict(error.headers))


def api_submit(web: str, period: Period, targets: list, token: str) -> tuple[Response, float]:
    """Submit 80% of each target's value for the period through the API:
    (the response, seconds)."""
    rows = [{"target": t.pk, "value": str(t.value * Decimal("0.8")), "progress": "按计划推进"} for t in targets]
    body = {
        "plan": targets[0].task.plan_id,
        "unit": targets[0].task.lead_unit_id,
        "period": str(period),
        "submit": True,
        "rows": rows,
    }
    started = time.perf_counter()
    response = http("POST", f"{web}/api/v1/period-submissions/", token=token, body=body)
    return response, time.perf_counter() - started
