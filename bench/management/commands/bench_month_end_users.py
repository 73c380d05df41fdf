"""Build the month-end load dataset: reporting staff, each on a unit of its own
with the month that just ended open for entry, and leaders of their zones.

Zones ``monthend-NNNN`` hold ``--units-per-zone`` units each; every unit leads
``--targets-per-unit`` targets (mostly amounts, a growth rate, a ratio and a
milestone) of its zone's published plan, with approved figures for the
earlier months of the year and results computed, so that the leaders'
dashboards have something to show. The period to submit is the month before
today (by the app's clock): the plan's lock is set so that it stays open a
week from today, the way a zone gives its units a longer grace at year end.

User ``monthend_staff_N`` enters for unit N, ``monthend_leader_N`` leads zone
N; they share the password ``BENCH_PASSWORD``. The command writes
``<out>/manifest.json`` (what each staff user has to submit, with each
target's last figure and a plausible monthly step) and ``<out>/credentials.json``
(mode 0600: a session for every user, a token for every staff user), so that
the load test can start with users who logged in earlier in the day.

Every run first deletes the month-end zones of an earlier run, their reports
included, so a load run starts from nothing submitted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from decimal import Decimal
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from core import clock
from plans.choices import PlanKind, PlanStatus
from plans.models import Plan, Task
from plans.periods import Period, due_date
from progress.choices import ReportStatus
from progress.engine.recompute import plan_recompute
from progress.models import Report
from targets import kinds
from targets.choices import Comparator, ReportedAs
from targets.models import Target
from zones.choices import RegionLevel, Role, UnitKind
from zones.models import Membership, Region, Unit, Zone

PREFIX = "monthend-"
PROVINCE, CITY = "monthend-省", "monthend-市"
STAFF, LEADER = "monthend_staff_", "monthend_leader_"
TASKS_PER_UNIT = 2
CENT = Decimal("0.01")
GRACE_DAYS = 7  # the period stays open this many days from today


def month_just_ended(today: dt.date) -> Period:
    """The period staff submit at month end: the month before ``today``."""
    return Period(today.year, today.month).previous_month()


def lock_after_days_for(period: Period, *, due_day: int, today: dt.date, minimum: int = 10) -> int:
    """Days after the due day that keep ``period`` open until ``GRACE_DAYS`` from today."""
    return max(minimum, (today - due_date(period, due_day=due_day)).days + GRACE_DAYS)


def _cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT)


def target_mix(n: int) -> list[dict]:
    """The kinds of a unit's targets: a growth rate, a ratio and a milestone,
    the rest amounts (the common case of a work plan)."""
    mix = [kinds.GROWTH_RATE.key, kinds.RATIO.key, kinds.MILESTONE.key]
    return [{"kind": mix[i] if i < len(mix) and n > len(mix) else kinds.AMOUNT.key} for i in range(n)]


def figure(kind: str, value: Decimal | None, month: int, pace: float, rng: random.Random) -> Decimal:
    """A plausible year-to-date figure of month ``month``."""
    if kind == kinds.AMOUNT.key:
        return _cents(float(value) * month / 12 * pace)
    if kind == kinds.MILESTONE.key:
        return _cents(min(90.0, month / 12 * 100 * pace))
    if kind == kinds.RATIO.key:
        return _cents(rng.uniform(80, 98))
    return _cents(rng.uniform(4, 14))  # growth rate, in percent


class Command(BaseCommand):
    help = "Create the month-end load dataset: staff users each on their own unit with an open period, and leaders."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=200, help="Staff users, one unit each.")
        parser.add_argument("--units-per-zone", type=int, default=10)
        parser.add_argument("--targets-per-unit", type=int, default=8)
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "month_end"))
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, units: int, units_per_zone: int, targets_per_unit: int, out: str, seed: int, **options):
        if units < 1 or units_per_zone < 1 or targets_per_unit < 1:
            raise CommandError("--units, --units-per-zone and --targets-per-unit must be positive")
        rng = random.Random(seed)  # noqa: S311 -- synthetic figures, not secrets
        today = clock.today()
        period = month_just_ended(today)
        removed = self.cleanup()
        if removed:
            self.stdout.write(f"removed the month-end data of an earlier run ({removed} zones)")
        with transaction.atomic():
            staff_units, plans, leaders = self.build(
                units=units, per_zone=units_per_zone, per_unit=targets_per_unit, period=period, today=today, rng=rng
            )
        for plan in plans:  # the earlier months' results, as the nightly job would have left them
            plan_recompute(plan_id=plan.pk, as_of=today)
        manifest = {
            "period": str(period),
            "today": today.isoformat(),
            "built_at": clock.now().isoformat(),
            "staff": staff_units,
            "leaders": leaders,
        }
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        self.write_credentials(out_dir / "credentials.json", [s["username"] for s in staff_units], leaders)
        self.stdout.write(
            f"{len(staff_units)} staff on their own units, {len(leaders)} leaders, {len(plans)} plans; "
            f"period {period} open until {today + dt.timedelta(days=GRACE_DAYS)}; manifest in {out_dir}"
        )

    def build(
        self, *, units: int, per_zone: int, per_unit: int, period: Period, today: dt.date, rng: random.Random
    ) -> tuple[list[dict], list[Plan], list[str]]:
        province, _ = Region.objects.get_or_create(name=PROVINCE, parent=None, defaults={"level": RegionLevel.PROVINCE})
        city, _ = Region.objects.get_or_create(name=CITY, parent=province, defaults={"level": RegionLevel.CITY})
        zone_count = -(-units // per_zone)
        zones = Zone.objects.bulk_create(
            Zone(code=f"{PREFIX}{z:04d}", name=f"{PREFIX}开发区{z:04d}", short_name=f"月末区{z:04d}", region=city)
            for z in range(zone_count)
        )
        unit_rows = Unit.objects.bulk_create(
            Unit(zone=zones[n // per_zone], name=f"第{n % per_zone + 1}局", kind=UnitKind.BUREAU, order=n % per_zone)
            for n in range(units)
        )
        due_day = 5
        plans = Plan.objects.bulk_create(
            Plan(
                zone=zone,
                title=f"{period.year}年工作要点",
                kind=PlanKind.WORK_POINTS,
                start_year=period.year,
                end_year=period.year,
                status=PlanStatus.PUBLISHED,
                due_day=due_day,
                lock_after_days=lock_after_days_for(period, due_day=due_day, today=today),
            )
            for zone in zones
        )
        plan_of_zone = {plan.zone_id: plan for plan in plans}
        tasks = Task.objects.bulk_create(
            Task(
                plan=plan_of_zone[unit.zone_id],
                number=f"{unit.order * TASKS_PER_UNIT + t + 1}.",
                path=str(unit.order * TASKS_PER_UNIT + t + 1),
                order=unit.order * TASKS_PER_UNIT + t,
                heading=f"{unit.name}重点任务{t + 1}",
                lead_unit=unit,
            )
            for unit in unit_rows
            for t in range(TASKS_PER_UNIT)
        )
        targets, paces = [], []
        for u in range(len(unit_rows)):
            for i, spec in enumerate(target_mix(per_unit)):
                kind = spec["kind"]
                value = {
                    kinds.AMOUNT.key: _cents(rng.choice((5, 18, 50, 130)) * rng.uniform(0.5, 1.5)),
                    kinds.GROWTH_RATE.key: Decimal(8),
                    kinds.RATIO.key: Decimal(90),
                    kinds.MILESTONE.key: None,
                }[kind]
                targets.append(
                    Target(
                        task=tasks[u * TASKS_PER_UNIT + i * TASKS_PER_UNIT // per_unit],
                        order=i,
                        indicator=f"月末指标{i + 1}",
                        kind=kind,
                        unit={kinds.AMOUNT.key: "亿元", kinds.MILESTONE.key: ""}.get(kind, "%"),
                        comparator=Comparator.AT_LEAST,
                        value=value,
                        reported_as=ReportedAs.RATE,
                        deadline=dt.date(period.year, 12, 31) if kind == kinds.MILESTONE.key else None,
                    )
                )
                paces.append(rng.uniform(0.8, 1.1))
        Target.objects.bulk_create(targets)
        now = clock.now()
        reports, staff_units = [], []
        for u, unit in enumerate(unit_rows):
            rows = []
            for i in range(per_unit):
                target, pace = targets[u * per_unit + i], paces[u * per_unit + i]
                previous = None
                for month in range(1, period.month):
                    previous = figure(target.kind, target.value, month, pace, rng)
                    reports.append(
                        Report(
                            target=target,
                            year=period.year,
                            month=month,
                            value=previous,
                            status=ReportStatus.APPROVED,
                            progress="按计划推进",
                            submitted_at=now,
                            approved_at=now,
                        )
                    )
                step = figure(target.kind, target.value, 1, pace, rng) if target.kind in _CUMULATIVE else None
                rows.append(
                    {"target": target.pk, "kind": target.kind, "previous": _text(previous), "step": _text(step)}
                )
            staff_units.append(
                {
                    "username": f"{STAFF}{u}",
                    "unit": unit.pk,
                    "plan": plan_of_zone[unit.zone_id].pk,
                    "zone": unit.zone_id,
                    "targets": rows,
                }
            )
        Report.objects.bulk_create(reports, batch_size=5000)
        leaders = self.users(staff_units, zones)
        return staff_units, plans, leaders

    def users(self, staff_units: list[dict], zones: list[Zone]) -> list[str]:
        """Staff user N on unit N, leader N on zone N (created or reset)."""
        User = get_user_model()
        hashed = make_password(os.environ.get("BENCH_PASSWORD", "bench-password-not-secret"))
        leaders = []
        for entry in staff_units:
            user, _ = User.objects.update_or_create(
                username=entry["username"], defaults={"password": hashed, "first_name": entry["username"]}
            )
            Membership.objects.create(user=user, zone_id=entry["zone"], unit_id=entry["unit"], role=Role.STAFF)
        for z, zone in enumerate(zones):
            user, _ = User.objects.update_or_create(
                username=f"{LEADER}{z}", defaults={"password": hashed, "first_name": f"{LEADER}{z}"}
            )
            Membership.objects.create(user=user, zone=zone, role=Role.LEADER)
            leaders.append(user.username)
        return leaders

    def write_credentials(self, path: Path, staff: list[str], leaders: list[str]) -> None:
        """A fresh session for every user and a token for every staff user,
        readable by this account only."""
        User = get_user_model()
        store = import_module(settings.SESSION_ENGINE).SessionStore
        backend = next(
            (b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend")),
            settings.AUTHENTICATION_BACKENDS[0],
        )
        sessions, tokens = {}, {}
        for user in User.objects.filter(username__in=[*staff, *leaders]):
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = backend
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            sessions[user.username] = session.session_key
            if user.username in staff:
                Token.objects.filter(user=user).delete()
                tokens[user.username] = Token.objects.create(user=user).key
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions, "tokens": tokens}))

    def cleanup(self) -> int:
        """Delete the month-end zones of an earlier run and all that hangs off them."""
        zones = Zone.objects.filter(code__startswith=PREFIX)
        count = zones.count()
        with transaction.atomic():
            Report.objects.filter(target__task__plan__zone__in=zones).delete()
            Plan.objects.filter(zone__in=zones).delete()
            Membership.objects.filter(zone__in=zones).delete()
            Unit.objects.filter(zone__in=zones).delete()
            zones.delete()
        return count


_CUMULATIVE = (kinds.AMOUNT.key, kinds.MILESTONE.key)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
