"""Loading the demo: the five seed zones, their plans, demo users and demo figures.

The zone data (demo/data) holds facts and figures of the public seed documents;
the users and monthly figures are invented and marked as demo.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core import clock
from demo.figures import Profile, demo_series, profile_for
from plans.choices import Frequency, PlanStatus
from plans.models import Plan, Task
from progress.choices import ReportStatus
from progress.models import PeriodReopening, Report
from targets.choices import TargetKind
from targets.models import Target
from zones.choices import RegionLevel, Role
from zones.models import Membership, Region, RegionAccess, Unit, Zone
from zones.services import zone_admin_group_ensure

DEMO_PASSWORD = "demo123456"
# Months of demo figures: January to August of the plan's first year.
DEMO_LAST_MONTH = 8
# Username prefixes per zone code.
USER_PREFIX = {
    "xinxiang-hitech": "xx",
    "ningbo-hitech": "nb",
    "jiaozuo-demo": "jz",
    "haimen-dev": "hm",
    "zhengzhou-hitech": "zz",
}
DEMO_TAG = "【演示数据】"


@dataclass
class DemoResult:
    zones_created: int
    zones_skipped: int
    counts: Counter
    plan_ids: list[int]


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: str | None) -> dt.date | None:
    return None if not value else dt.date.fromisoformat(value)


def demo_load(*, zones: list[dict], password: str = DEMO_PASSWORD) -> DemoResult:
    """Create every zone in ``zones`` that does not exist yet, in one transaction.

    A zone that already exists is left as it is, so running the load twice
    changes nothing.
    """
    counts: Counter = Counter()
    created = skipped = 0
    plan_ids: list[int] = []
    with transaction.atomic():
        group = zone_admin_group_ensure()
        password_hash = make_password(password)
        _superuser_ensure(password_hash)
        for data in zones:
            _region_viewer_ensure(data["region"][0], password_hash)
            if Zone.objects.filter(code=data["code"]).exists():
                skipped += 1
                continue
            plan_ids.append(_zone_create(data, password_hash=password_hash, admin_group=group, counts=counts))
            created += 1
    return DemoResult(zones_created=created, zones_skipped=skipped, counts=counts, plan_ids=plan_ids)


# A province office that compares its zones (河南省: 新乡, 焦作, 郑州).
REGION_VIEWERS = {"河南省": "henan_viewer"}


def _region_viewer_ensure(province: str, password_hash: str) -> None:
    username = REGION_VIEWERS.get(province)
    if username is None:
        return
    viewer = _user(username, f"{province}开发区办公室(示例)", password_hash)
    region, _ = Region.objects.get_or_create(name=province, parent=None, defaults={"level": RegionLevel.PROVINCE})
    RegionAccess.objects.get_or_create(user=viewer, region=region)


def _superuser_ensure(password_hash: str) -> None:
    get_user_model().objects.get_or_create(
        username="admin",
        defaults={
            "email": "admin@example.com",
            "first_name": "系统管理员",
            "is_staff": True,
            "is_superuser": True,
            "password": password_hash,
        },
    )


def _user(username: str, name: str, password_hash: str, *, staff: bool = False):
    """A demo user; ``password_hash`` is hashed once for all of them (hashing is slow by design)."""
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": name, "is_staff": staff, "email": f"{username}@example.com", "password": password_hash},
    )
    return user


def _region(names: list[str]) -> Region:
    province, _ = Region.objects.get_or_create(name=names[0], parent=None, defaults={"level": RegionLevel.PROVINCE})
    city, _ = Region.objects.get_or_create(name=names[1], parent=province, defaults={"level": RegionLevel.CITY})
    return city


def _zone_create(data: dict, *, password_hash: str, admin_group, counts: Counter) -> int:
    """Create one zone with its plan; returns the plan's id."""
    zone = Zone.objects.create(
        code=data["code"],
        name=data["name"],
        short_name=data["short_name"],
        kind=data["kind"],
        region=_region(data["region"]),
    )
    counts["zones"] += 1
    units = {
        item["key"]: Unit.objects.create(zone=zone, name=item["name"], kind=item["kind"], order=index)
        for index, item in enumerate(data["units"])
    }
    counts["units"] += len(units)
    prefix = USER_PREFIX.get(zone.code, zone.code[:2])
    leaders = {}
    for index, item in enumerate(data["leaders"], start=1):
        leader = _user(f"{prefix}_leader{index}", item["name"], password_hash)
        Membership.objects.create(user=leader, zone=zone, role=Role.LEADER)
        leaders[item["key"]] = leader
    admin = _user(f"{prefix}_admin", f"{zone.short_name}管理员(示例)", password_hash, staff=True)
    admin.groups.add(admin_group)
    Membership.objects.create(user=admin, zone=zone, role=Role.ADMIN)
    supervisor = _user(f"{prefix}_supervisor", f"{zone.short_name}督查组(示例)", password_hash)
    Membership.objects.create(user=supervisor, zone=zone, role=Role.SUPERVISOR)

    plan_data = data["plan"]
    plan = Plan.objects.create(
        zone=zone,
        title=plan_data["title"],
        kind=plan_data["kind"],
        start_year=plan_data["start_year"],
        end_year=plan_data["end_year"],
        status=PlanStatus.PUBLISHED,
        jan_feb_combined=plan_data["jan_feb_combined"],
    )
    counts["plans"] += 1
    targets: list[Target] = []
    lead_counter: Counter = Counter()
    _tasks_create(
        plan,
        plan_data["tasks"],
        parent=None,
        parent_path="",
        units=units,
        leaders=leaders,
        targets=targets,
        lead_counter=lead_counter,
        counts=counts,
    )

    # Staff and reviewers for the two units that lead the most targets.
    busiest = [key for key, _n in lead_counter.most_common(2)]
    reviewers: dict[int, Any] = {}
    for index, key in enumerate(busiest, start=1):
        unit = units[key]
        suffix = "" if index == 1 else str(index)
        staff = _user(f"{prefix}_staff{suffix}", f"{unit.name}填报员(示例)", password_hash)
        Membership.objects.create(user=staff, zone=zone, unit=unit, role=Role.STAFF)
        reviewer = _user(f"{prefix}_reviewer{suffix}", f"{unit.name}审核人(示例)", password_hash)
        Membership.objects.create(user=reviewer, zone=zone, unit=unit, role=Role.REVIEWER)
        reviewers[unit.pk] = reviewer
    _figures_create(plan, targets, zone_code=zone.code, reviewers=reviewers, fallback=admin, counts=counts)
    _demo_periods_reopen(plan, {units[key] for key in lead_counter}, by=admin, counts=counts)
    return plan.pk


def _tasks_create(
    plan, items, *, parent, parent_path, units, leaders, targets, lead_counter, counts, inherited_lead=None
) -> None:
    """Create tasks depth-first; a sub-task without a lead unit takes its parent's."""
    for item in items:
        counts["tasks"] += 1
        number = item["number"]
        # Paths as the importer and the evaluation labels write them: 二 > (三) > 1.
        label = number.strip().rstrip("、.．,，").replace("（", "(").replace("）", ")")
        path = f"{parent_path} > {label}" if parent_path else label
        lead_key = item.get("lead_unit") or inherited_lead
        task = Task.objects.create(
            plan=plan,
            parent=parent,
            number=number,
            path=path,
            depth=0 if parent is None else parent.depth + 1,
            order=counts["tasks"],
            heading=item["heading"][:300],
            text=item.get("text") or "",
            lead_unit=units.get(lead_key) if lead_key else None,
            leader=leaders.get(item.get("leader")) if item.get("leader") else None,
            deadline=_date(item.get("deadline")),
        )
        co = [units[key] for key in item.get("co_units", []) if key in units and key != lead_key]
        if co:
            task.co_units.set(co)
        order = 0
        for spec in item.get("targets", []):
            order += 1
            targets.append(
                Target.objects.create(
                    task=task,
                    indicator=spec["indicator"][:200],
                    kind=spec["kind"],
                    unit=spec.get("unit") or "",
                    comparator=spec["comparator"],
                    value=_dec(spec["value"]),
                    value_high=_dec(spec.get("value_high")),
                    stretch=_dec(spec.get("stretch")),
                    baseline=_dec(spec.get("baseline")),
                    start_value=_dec(spec.get("start_value")),
                    deadline=_date(spec.get("deadline")),
                    is_headline=bool(spec.get("is_headline")),
                    frequency=spec.get("frequency", Frequency.MONTHLY),
                    quote=(spec.get("quote") or "")[:500],
                    order=order,
                )
            )
            if lead_key:
                lead_counter[lead_key] += 1
        for spec in item.get("milestones", []):
            order += 1
            targets.append(
                Target.objects.create(
                    task=task,
                    indicator=spec["title"][:200],
                    kind=TargetKind.MILESTONE,
                    unit="%",
                    deadline=_date(spec["due"]),
                    value=Decimal(100),
                    order=order,
                )
            )
            counts["milestones"] += 1
        counts["targets"] += len(item.get("targets", []))
        _tasks_create(
            plan,
            item.get("children", []),
            parent=task,
            parent_path=path,
            units=units,
            leaders=leaders,
            targets=targets,
            lead_counter=lead_counter,
            counts=counts,
            inherited_lead=lead_key,
        )


def _months_between(plan: Plan, deadline: dt.date | None) -> int:
    end = deadline or dt.date(plan.end_year, 12, 31)
    return max(1, (end.year - plan.start_year) * 12 + end.month)


def _figures_create(plan: Plan, targets: list[Target], *, zone_code: str, reviewers, fallback, counts) -> None:
    """Year-to-date demo figures for January–August, approved but for the
    last month, which is left in a realistic mix of states."""
    year = plan.start_year
    tz = timezone.get_current_timezone()
    reports: list[Report] = []
    task_units = dict(Task.objects.filter(plan=plan).values_list("pk", "lead_unit_id"))
    for target in targets:
        key = f"{zone_code}:{target.task_id}:{target.order}"
        profile = profile_for(key)
        counts[f"profile_{profile.value}"] += 1
        if profile is Profile.UNREPORTED:
            continue
        if target.frequency == Frequency.QUARTERLY:
            months = [3, 6]
        else:
            months = list(range(2 if plan.jan_feb_combined else 1, DEMO_LAST_MONTH + 1))
        series = demo_series(
            key=key,
            kind=target.kind,
            unit=target.unit,
            value=target.value,
            start=target.start_value,
            months=months,
            span_months=_months_between(plan, target.deadline),
            profile=profile,
        )
        reviewer = reviewers.get(task_units.get(target.task_id), fallback)
        for month, value in series.items():
            last = month == months[-1]
            state = _last_month_state(key) if last and month == DEMO_LAST_MONTH else ReportStatus.APPROVED
            submitted = dt.datetime(year + (month == 12), month % 12 + 1, 3, 10, 0, tzinfo=tz)
            reports.append(
                Report(
                    target=target,
                    year=year,
                    month=month,
                    value=value,
                    status=state,
                    is_demo=True,
                    progress=f"{DEMO_TAG}1-{month}月累计{value}{target.unit},按计划推进。",
                    problems=""
                    if profile in (Profile.AHEAD, Profile.ON_TRACK)
                    else f"{DEMO_TAG}进度偏慢,要素保障不足。",
                    next_steps=f"{DEMO_TAG}加强调度,确保完成年度目标。",
                    submitted_at=submitted if state != ReportStatus.DRAFT else None,
                    approved_at=submitted + dt.timedelta(days=1) if state == ReportStatus.APPROVED else None,
                    approved_by=reviewer if state == ReportStatus.APPROVED else None,
                )
            )
    Report.objects.bulk_create(reports, batch_size=500)
    counts["reports"] += len(reports)


def _demo_periods_reopen(plan: Plan, units: set[Unit], *, by, counts: Counter) -> None:
    """The seed plans lie in the past, so their periods are long closed. The
    demo reopens August (where the last demo reports wait) and September (to
    enter new figures) for every unit that leads targets, through the same
    recorded exception a zone administrator uses."""
    until = clock.today() + dt.timedelta(days=365)
    now = clock.now()
    PeriodReopening.objects.bulk_create(
        PeriodReopening(
            plan=plan,
            unit=unit,
            year=plan.start_year,
            month=month,
            until=until,
            by=by,
            at=now,
            reason="演示:开放报告期,供体验填报与审核",
        )
        for unit in sorted(units, key=lambda u: u.pk)
        for month in (DEMO_LAST_MONTH, DEMO_LAST_MONTH + 1)
    )
    counts["reopenings"] += 2 * len(units)


def _last_month_state(key: str) -> str:
    """The newest month: most approved, some submitted and waiting, some drafts."""
    bucket = zlib.crc32(f"state:{key}".encode()) % 10
    if bucket < 6:
        return ReportStatus.APPROVED
    if bucket < 9:
        return ReportStatus.SUBMITTED
    return ReportStatus.DRAFT


DEMO_NOTICE_TEXT = "【演示数据】请说明滞后原因,提出整改措施和预计达到序时进度的时间。"
DEMO_ANSWER_REASON = "【演示数据】受市场需求放缓影响,部分项目开工推迟。"
DEMO_ANSWER_MEASURES = "【演示数据】实行周调度,由分管领导带队逐个项目协调解决用地和资金问题。"
DEMO_NOTICE_ITEMS = 3


def demo_notices_issue(*, plan_id: int, today: dt.date | None = None) -> int:
    """Follow up the plan's seriously lagging or overdue targets as the zone's
    supervision team would: a notice per lead unit for up to three targets,
    the first unit's answered by its staff. Run after the statuses exist;
    returns the number of notices issued."""
    from dashboard.selectors import default_period, latest_results
    from supervision.services import notice_answer, notices_issue
    from targets.choices import Status

    today = today or clock.today()
    plan = Plan.objects.select_related("zone").get(pk=plan_id)
    supervisor = Membership.objects.filter(zone=plan.zone, role=Role.SUPERVISOR).select_related("user").first()
    if supervisor is None:
        return 0
    period = default_period(plan)
    red = list(
        latest_results(targets=Target.objects.filter(task__plan=plan, task__lead_unit__isnull=False), period=period)
        .filter(status__in=[Status.SERIOUS, Status.OVERDUE])
        .order_by("target__task__order", "target__order")
        .values_list("target_id", flat=True)[:DEMO_NOTICE_ITEMS]
    )
    if not red:
        return 0
    issued = notices_issue(
        target_ids=red,
        period=period,
        reply_by=today + dt.timedelta(days=7),
        requirement=DEMO_NOTICE_TEXT,
        by=supervisor.user,
        today=today,
    ).notices
    for notice in issued:
        staff = Membership.objects.filter(unit=notice.unit, role=Role.STAFF).select_related("user").first()
        if staff is not None:  # the first unit with demo staff answers
            notice_answer(
                notice=notice,
                by=staff.user,
                reason=DEMO_ANSWER_REASON,
                measures=DEMO_ANSWER_MEASURES,
                expected=today + dt.timedelta(days=60),
                today=today,
            )
            break
    return len(issued)
