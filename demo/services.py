"""Loading the demo: the five seed zones as plans of the current year, in progress.

Each plan comes from its seed document through the importer (``plan_parse``) and its
confirmation service (``plan_import_create``), reviewed as a zone administrator would: the zone
file (demo/zones) names who leads what, starting levels and what the administrator drops; the
plan is then published. Its figures are invented, marked 【演示数据】 and approved for every
month already closed, with the exceptions of a real month (a report waiting for review, one
returned, a unit that has not reported, a late report granted by the zone office) and follow-up
notices in every state, made through the product's services.

The demo year is the year of the month just closed (``demo_year``): the plans are of the current
year from February's due day on; before it (January and the first days of February) they are of
the previous year, whose December is then the month just closed or about to close.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core import clock
from core.figures import figure_text
from core.models import Notification
from demo.figures import SeriesInput, demo_series, front_loaded, item_run, last_year_series
from demo.overlay import Assignment, DemoDataError, Run, ZoneFile, target_name, zone_files
from imports.reading import text_from_path
from imports.services import OVERALL_PATH, ParsedPlan, plan_import_create, plan_parse
from plans.choices import Frequency, PlanStatus, TimeBasis
from plans.models import Plan
from plans.periods import Period, due_date, month_just_closed, reporting_months
from progress.choices import ReportStatus
from progress.engine.jobs import plan_recompute_job
from progress.models import Report
from progress.selectors import period_rows
from progress.services import RowInput, period_reopen, reports_approve, unit_period_save
from supervision.models import Instruction, Notice
from supervision.services import (
    notice_answer,
    notice_close,
    notice_extension_request,
    notice_sign_off,
    notices_issue,
)
from targets.choices import RED, ReportedAs, Standing
from targets.models import Target, month_map
from targets.selectors import latest_results
from zones.choices import RegionLevel, Role
from zones.models import Membership, Region, RegionAccess, Unit, Zone
from zones.services import zone_admin_group_ensure

DEMO_PASSWORD = "demo123456"
DEMO_TAG = "【演示数据】"
# A province office that compares its zones (河南省: 新乡, 焦作, 郑州).
REGION_VIEWERS = {"河南省": "henan_viewer"}
RETURN_REASON = f"{DEMO_TAG}数值与统计部门口径不一致,请核实后重新报送。"
LATE_REASON = f"{DEMO_TAG}统计数据延迟到位,申请补报。"
NOTICE_TEXT = f"{DEMO_TAG}请说明滞后原因,提出整改措施和预计达到序时进度的时间。"
ANSWER_REASON = f"{DEMO_TAG}受市场需求放缓影响,部分项目开工推迟。"
ANSWER_MEASURES = f"{DEMO_TAG}实行周调度,由分管领导带队逐个项目协调解决用地和资金问题。"
EXTENSION_REASON = f"{DEMO_TAG}相关数据需待季度统计结果出来后核实,申请延期答复。"
CLOSE_NOTE = f"{DEMO_TAG}已说明原因并落实整改措施,予以销号。"
INSTRUCTION_TEXT = f"{DEMO_TAG}按目前进度年底难以完成,请对照全年目标倒排工期,每月报送推进情况。"
INSTRUCTION_ANSWER = f"{DEMO_TAG}已制定倒排计划,下月起每月5日前报送推进情况,力争四季度补齐缺口。"


@dataclass
class DemoResult:
    zones_created: int = 0
    zones_skipped: int = 0
    counts: Counter = field(default_factory=Counter)
    plan_ids: list[int] = field(default_factory=list)


def demo_year(*, today: dt.date) -> int:
    """The year of the month just closed, for a monthly plan with the default due day."""
    due_day = Plan._meta.get_field("due_day").default
    return month_just_closed(
        start_year=today.year - 1,
        end_year=today.year,
        frequency=Frequency.MONTHLY,
        jan_feb_combined=False,
        due_day=due_day,
        today=today,
    ).year


def demo_load(
    *, zones: list[ZoneFile] | None = None, seeds_dir: Path | None = None, today: dt.date | None = None
) -> DemoResult:
    """Create every demo zone that does not exist yet, with its plan, people and figures.

    A zone that exists is left as it is, so a second run changes nothing. Everything is written
    in one transaction: a seed that cannot be read leaves no half-built demo.
    """
    zones = zone_files() if zones is None else zones
    seeds_dir = Path(settings.DEMO_SEEDS_DIR) if seeds_dir is None else seeds_dir
    today = today or clock.today()
    year = demo_year(today=today)
    result = DemoResult()
    with transaction.atomic():
        group = zone_admin_group_ensure()
        password_hash = make_password(DEMO_PASSWORD)
        _superuser_ensure(password_hash)
        built: list[_Built] = []
        for zone_file in zones:
            _region_viewer_ensure(zone_file.region[0], password_hash)
            if Zone.objects.filter(code=zone_file.code).exists():
                result.zones_skipped += 1
                continue
            built.append(
                _zone_build(
                    zone_file,
                    seeds_dir=seeds_dir,
                    year=year,
                    today=today,
                    password_hash=password_hash,
                    admin_group=group,
                    counts=result.counts,
                )
            )
            result.zones_created += 1
    # The results, then the notices that follow up what they call red: each in its own
    # transaction, as the recompute job and the supervision team do.
    for item in built:
        plan_recompute_job(plan_id=item.plan.pk, as_of=today)
        result.counts["notices"] += _notices_issue(item, today=today)
        result.counts["instructions"] += _instructions_write(item, today=today)
        result.plan_ids.append(item.plan.pk)
    return result


def demo_reset(*, zones: list[ZoneFile] | None = None) -> int:
    """Delete the demo zones (their plans, figures, notices, instructions and memberships); the demo users stay,
    with the demo password again and no notifications. Returns the number of zones deleted."""
    zones = zone_files() if zones is None else zones
    codes = [zone.code for zone in zones]
    with transaction.atomic():
        Instruction.objects.filter(zone__code__in=codes).delete()
        Notice.objects.filter(zone__code__in=codes).delete()
        Plan.objects.filter(zone__code__in=codes).delete()
        deleted = Zone.objects.filter(code__in=codes).count()
        Zone.objects.filter(code__in=codes).delete()
        users = get_user_model().objects.filter(username__in=_demo_usernames(zones))
        users.update(password=make_password(DEMO_PASSWORD))
        # What the app told them was about the zones just deleted: its links lead nowhere now.
        Notification.objects.filter(recipient__in=users).delete()
    return deleted


def _demo_usernames(zones: list[ZoneFile]) -> list[str]:
    names = {"admin", *REGION_VIEWERS.values()}
    for zone in zones:
        names.update(
            get_user_model().objects.filter(username__startswith=f"{zone.prefix}_").values_list("username", flat=True)
        )
    return sorted(names)


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


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


def _region_viewer_ensure(province: str, password_hash: str) -> None:
    username = REGION_VIEWERS.get(province)
    if username is None:
        return
    viewer = _user(username, f"{province}开发区办公室(示例)", password_hash)
    region, _ = Region.objects.get_or_create(name=province, parent=None, defaults={"level": RegionLevel.PROVINCE})
    RegionAccess.objects.get_or_create(user=viewer, region=region)


def _region(province: str, city: str) -> Region:
    parent, _ = Region.objects.get_or_create(name=province, parent=None, defaults={"level": RegionLevel.PROVINCE})
    region, _ = Region.objects.get_or_create(name=city, parent=parent, defaults={"level": RegionLevel.CITY})
    return region


@dataclass
class _Built:
    """A zone just built, with the people the later steps act as."""

    zone_file: ZoneFile
    plan: Plan
    admin: object
    supervisor: object
    staff: dict[int, object]  # unit id → its demo reporting staff
    reviewers: dict[int, object]  # unit id → its demo reviewer
    ranked: list[Unit]  # the units leading targets, the most targets first
    leader: object | None = None  # the zone's first leader, who writes the demo's instructions


def _zone_build(
    zone_file: ZoneFile, *, seeds_dir: Path, year: int, today: dt.date, password_hash: str, admin_group, counts: Counter
) -> _Built:
    zone = Zone.objects.create(
        code=zone_file.code,
        name=zone_file.name,
        short_name=zone_file.short_name,
        kind=zone_file.kind,
        region=_region(*zone_file.region),
    )
    for order, (name, kind) in enumerate(zone_file.units.items()):
        Unit.objects.create(zone=zone, name=name, kind=kind, order=order)
    prefix = zone_file.prefix
    for index, name in enumerate(zone_file.leaders, start=1):
        Membership.objects.create(
            user=_user(f"{prefix}_leader{index}", name, password_hash), zone=zone, role=Role.LEADER
        )
    admin = _user(f"{prefix}_admin", f"{zone.short_name}管理员(示例)", password_hash, staff=True)
    admin.groups.add(admin_group)
    Membership.objects.create(user=admin, zone=zone, role=Role.ADMIN)
    supervisor = _user(f"{prefix}_supervisor", f"{zone.short_name}督查组(示例)", password_hash)
    Membership.objects.create(user=supervisor, zone=zone, role=Role.SUPERVISOR)
    counts["zones"] += 1
    counts["units"] += len(zone_file.units)

    plan = _plan_import(zone_file, zone=zone, admin=admin, seeds_dir=seeds_dir, year=year)
    targets = list(Target.objects.filter(task__plan=plan).select_related("task").order_by("task__order", "order"))
    _targets_complete(zone_file, targets)
    counts["plans"] += 1
    counts["tasks"] += plan.tasks.count()
    counts["targets"] += len(targets)

    # Reporting staff and reviewers for the two units that lead the most targets.
    led = Counter(target.task.lead_unit_id for target in targets)
    units = {unit.pk: unit for unit in Unit.objects.filter(zone=zone)}
    ranked = [units[pk] for pk, _n in sorted(led.items(), key=lambda item: (-item[1], units[item[0]].order))]
    staff, reviewers = {}, {}
    leader = Membership.objects.filter(zone=zone, role=Role.LEADER).order_by("pk").first()
    for index, unit in enumerate(ranked[:2], start=1):
        suffix = "" if index == 1 else str(index)
        staff[unit.pk] = _user(f"{prefix}_staff{suffix}", f"{unit.name}填报员(示例)", password_hash)
        Membership.objects.create(user=staff[unit.pk], zone=zone, unit=unit, role=Role.STAFF)
        reviewers[unit.pk] = _user(f"{prefix}_reviewer{suffix}", f"{unit.name}审核人(示例)", password_hash)
        Membership.objects.create(user=reviewers[unit.pk], zone=zone, unit=unit, role=Role.REVIEWER)
    built = _Built(zone_file, plan, admin, supervisor, staff, reviewers, ranked, leader.user if leader else None)
    _figures_create(built, targets, today=today, counts=counts)
    return built


# --------------------------------------------------------------------------------------------
# The plan, through the importer
# --------------------------------------------------------------------------------------------


def _plan_import(zone_file: ZoneFile, *, zone: Zone, admin, seeds_dir: Path, year: int) -> Plan:
    """Import the seed as a zone administrator does: parse, review, confirm, publish."""
    source = seeds_dir / zone_file.seed
    if not source.exists():
        raise DemoDataError(
            f"The seed document {source} is missing: the demo is imported from shared/seeds beside the project "
            "(set TAIZHANG_SEEDS_DIR to read it elsewhere)."
        )
    parsed = plan_parse(text=text_from_path(source), year=zone_file.year)
    _review(parsed, zone_file, year=year)
    plan = plan_import_create(
        parsed=parsed, zone=zone, by=admin, title=zone_file.title, end_year=year + zone_file.years - 1
    )
    plan.status = PlanStatus.PUBLISHED
    plan.jan_feb_combined = zone_file.jan_feb_combined
    plan.time_basis = zone_file.time_basis
    plan.save(update_fields=["status", "jan_feb_combined", "time_basis", "updated_at"])
    return plan


def _shifted(date: dt.date | None, years: int) -> dt.date | None:
    if date is None:
        return None
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _review(parsed: ParsedPlan, zone_file: ZoneFile, *, year: int) -> None:
    """What the administrator does on the review page: move the plan to the demo year, name who
    leads each item (an item not named takes its parent's), set starting levels, untick
    ``drop``. Every name of the zone file must meet a proposed item or target."""
    shift = year - zone_file.year
    parsed.year = year
    assignments: dict[str, Assignment] = {}
    for task in parsed.tasks:
        path = task.path or OVERALL_PATH
        own = zone_file.tasks.get(path)
        assignment = own or assignments.get(task.parent_path or "")
        if assignment is not None:
            assignments[task.path] = assignment
            task.lead_unit, task.co_units, task.leader = assignment.lead, list(assignment.co), assignment.leader
        task.deadline_date = _shifted(task.deadline_date, shift)
        for milestone in task.milestones:
            milestone.deadline_date = _shifted(milestone.deadline_date, shift)
            milestone.accepted = target_name(path, milestone.quote.strip()[:200]) not in zone_file.drop
    known_paths = {task.path or OVERALL_PATH for task in parsed.tasks}
    unknown = set(zone_file.tasks) - known_paths
    names = {
        target_name(task.path or OVERALL_PATH, m.quote.strip()[:200]) for task in parsed.tasks for m in task.milestones
    }
    for target in parsed.targets:
        name = target_name(target.inline_path or target.task_path or OVERALL_PATH, target.indicator.strip()[:200])
        names.add(name)
        target.deadline_date = _shifted(target.deadline_date, shift)
        target.accepted = name not in zone_file.drop
        if name in zone_file.starts:
            target.start_value = zone_file.starts[name]
    named = {*zone_file.runs, *zone_file.starts, *zone_file.last_year, *zone_file.drop, *zone_file.headline}
    unknown |= named - names
    if unknown:
        raise DemoDataError(f"{zone_file.key}: the seed proposes no item or target named {sorted(unknown)}")


def _targets_complete(zone_file: ZoneFile, targets: list[Target]) -> None:
    """The headline targets, and last year's monthly figures, which no plan document gives: a
    growth target with them is reported as the year-to-date amount, and every target with them
    has a seasonal shape. An amount the zone file gives no figures for gets invented ones
    (``last_year_series``), so that every amount of the demo has last year beside it, its
    seasonal time progress and a projection with a band; but one reached from a starting level,
    whose figures are levels rather than the year's running total."""
    for target in targets:
        name = target_name(target.task.path, target.indicator)
        if target.task.lead_unit_id is None:
            raise DemoDataError(f"{zone_file.key}: {name} has no lead unit")
        if name in zone_file.headline:
            target.is_headline = True
            target.save(update_fields=["is_headline"])
        figures = zone_file.last_year.get(name)
        if figures is None and _invents_last_year(target):
            key = f"{zone_file.key}:{name}"
            # A plan judged on the straight line gets some amounts whose last year ran early;
            # a seasonal plan's figures follow last year's shape, so it keeps the usual season.
            early = zone_file.time_basis != TimeBasis.SEASONAL and front_loaded(key)
            figures = last_year_series(key, value=target.value, unit=target.unit, early=early)
        if figures is None:
            continue
        target.baseline_by_month = {str(month): figure_text(value) for month, value in enumerate(figures, start=1)}
        if target.kind_entry.year_on_year:
            target.reported_as, target.baseline = ReportedAs.AMOUNT, figures[11]
        target.save(update_fields=["baseline_by_month", "reported_as", "baseline"])


def _invents_last_year(target: Target) -> bool:
    """An amount with a value, counted from zero: the figures of one reached from a starting
    level are levels, not last year's running total."""
    return target.kind_entry.judging.trajectory and target.value is not None and target.start_value is None


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def _closed_months(plan: Plan, target: Target, *, year: int, today: dt.date) -> list[int]:
    """The target's reporting months of ``year`` whose due day has passed."""
    months = reporting_months(frequency=target.frequency, jan_feb_combined=plan.jan_feb_combined)
    return [m for m in months if due_date(Period(year, m), due_day=plan.due_day) < today]


def _series(zone_file: ZoneFile, plan: Plan, target: Target, months: list[int]) -> dict[int, Decimal]:
    name = target_name(target.task.path, target.indicator)
    due = target.deadline
    span = (due.year - plan.start_year) * 12 + due.month if due else (plan.end_year - plan.start_year + 1) * 12
    spec = SeriesInput(
        key=f"{zone_file.key}:{name}",
        kind=target.kind,
        unit=target.unit,
        value=target.value,
        start=target.start_value,
        run=_run(zone_file, target),
        span=span,
        last_year=_shape(zone_file, plan, target, name),
        as_amount=target.reported_as == ReportedAs.AMOUNT,
    )
    return demo_series(spec, months)


def _shape(zone_file: ZoneFile, plan: Plan, target: Target, name: str) -> tuple[Decimal, ...] | None:
    """Last year's figures this year's run after: the zone file's own; the invented ones where
    the plan judges seasonally (elsewhere this year's figures keep to the straight line, as the
    plan judges them, and last year's stand beside them for the projection and the growth)."""
    given = zone_file.last_year.get(name)
    if given is not None or plan.time_basis != TimeBasis.SEASONAL or not target.baseline_by_month:
        return given
    months = month_map(target.baseline_by_month)
    return tuple(months[month] for month in range(1, 13)) if len(months) == 12 else None


def _run(zone_file: ZoneFile, target: Target) -> Run:
    """How the target's figures run: as its zone file says, else on track (a
    task item by its name: item_run)."""
    name = target_name(target.task.path, target.indicator)
    if name in zone_file.runs:
        return zone_file.runs[name]
    return item_run(f"{zone_file.key}:{name}") if target.kind_entry.figures.standing else Run.ON_TRACK


def _narrative(target: Target, month: int, value: Decimal, run: Run) -> dict[str, str]:
    if target.kind_entry.figures.standing:
        lagging = value == Standing.LAGGING
        return {
            "progress": f"{DEMO_TAG}1-{month}月{target.indicator}工作{target.written(value)}。",
            "problems": f"{DEMO_TAG}协调事项较多,前期手续办理偏慢。" if lagging else "",
            "next_steps": f"{DEMO_TAG}倒排工期,加强协调,确保按期完成。",
        }
    lagging = run in (Run.BEHIND, Run.FAR_BEHIND, Run.STALLED)
    return {
        "progress": f"{DEMO_TAG}1-{month}月累计{figure_text(value)}{target.unit},按计划推进。",
        "problems": f"{DEMO_TAG}进度偏慢,要素保障不足。" if lagging else "",
        "next_steps": f"{DEMO_TAG}加强调度,确保完成年度目标。",
    }


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _figures_create(built: _Built, targets: list[Target], *, today: dt.date, counts: Counter) -> None:
    """Approved year-to-date figures for every closed month, sent two days before each due day,
    but for the month just closed (P) and the one before it:

    - the busiest unit's P waits for review (submitted on time);
    - the second unit's P is approved but for one figure, returned with a reason; its P-1 was
      missing and is sent late after the zone office granted it (``demo_late_report_grant``);
    - the smallest other unit with two targets or more has not reported P (逾期未报).
    """
    plan, zone_file = built.plan, built.zone_file
    year = plan.start_year
    closed = _closed_months(plan, Target(frequency=Frequency.MONTHLY), year=year, today=today)
    last = closed[-1] if closed else None
    previous = closed[-2] if len(closed) > 1 else None
    first, second = [*built.ranked, None, None][:2]
    silent = [unit for unit in built.ranked[2:] if sum(t.task.lead_unit_id == unit.pk for t in targets) >= 2]
    third = silent[-1] if silent else None
    returned = next((t.pk for t in targets if second is not None and t.task.lead_unit_id == second.pk), None)
    reports: list[Report] = []
    late: dict[int, Decimal] = {}
    for target in targets:
        months = _closed_months(plan, target, year=year, today=today)
        run = _run(zone_file, target)
        unit_id = target.task.lead_unit_id
        staff, reviewer = built.staff.get(unit_id), built.reviewers.get(unit_id)
        for month, value in _series(zone_file, plan, target, months).items():
            due = due_date(Period(year, month), due_day=plan.due_day)
            report = Report(
                target=target,
                year=year,
                month=month,
                value=value,
                is_demo=True,
                created_by=staff,
                updated_by=staff,
                submitted_by=staff,
                submitted_at=_at(due - dt.timedelta(days=2), 10),
                **_narrative(target, month, value, run),
            )
            if month == last and target.pk == returned:
                report.status, report.returned_by, report.return_reason = ReportStatus.RETURNED, reviewer, RETURN_REASON
                report.returned_at = _at(due - dt.timedelta(days=1), 15)
            elif month == last and first is not None and unit_id == first.pk:
                report.status = ReportStatus.SUBMITTED
            elif month == last and third is not None and unit_id == third.pk:
                continue
            elif month == previous and second is not None and unit_id == second.pk:
                late[target.pk] = value
                continue
            else:
                report.status, report.approved_by = ReportStatus.APPROVED, reviewer
                report.approved_at = _at(due - dt.timedelta(days=1), 16)
            reports.append(report)
    Report.objects.bulk_create(reports, batch_size=500)
    counts["reports"] += len(reports)
    if late and second is not None and second.pk in built.staff:
        counts["late_reports"] += demo_late_report_grant(
            plan=plan,
            unit=second,
            period=Period(year, previous),
            values=late,
            admin=built.admin,
            staff=built.staff[second.pk],
            reviewer=built.reviewers[second.pk],
            today=today,
        )


def demo_late_report_grant(
    *, plan: Plan, unit: Unit, period: Period, values: dict[int, Decimal], admin, staff, reviewer, today: dt.date
) -> int:
    """A closed month reported late with the zone office's leave: the one place of the demo for
    it. Today the office reopens the month for the unit (``period_reopen``, recorded); when the
    late-report request (补报申请) lands, the unit asks and the office grants it here instead.
    The staff then send the month's figures after its due day and the reviewer approves them.
    Returns the number of reports sent late."""
    period_reopen(plan=plan, unit=unit, period=period, by=admin, reason=LATE_REASON, until=today + dt.timedelta(days=7))
    rows = [row for row in period_rows(plan=plan, unit=unit, period=period) if row.editable]
    inputs = [
        RowInput(
            target_id=row.target.pk,
            raw_value=figure_text(values[row.target.pk]),
            progress=f"{DEMO_TAG}补报:1-{period.month}月{row.target.indicator}:{row.target.written(values[row.target.pk])}。",
            problems=f"{DEMO_TAG}协调事项较多。" if row.target.kind_entry.figures.standing else "",
            value_note=LATE_REASON,
            confirmed=True,
        )
        for row in rows
        if row.target.pk in values
    ]
    saved = unit_period_save(plan=plan, unit=unit, period=period, rows=inputs, by=staff, submit=True, today=today)
    if not saved.ok:
        raise DemoDataError(f"the late report of {unit} for {period} was refused: {saved.errors}")
    sent = list(
        Report.objects.filter(target_id__in=[row.target_id for row in inputs], year=period.year, month=period.month)
    )
    Report.objects.filter(pk__in=[report.pk for report in sent]).update(is_demo=True)  # invented like the rest
    return reports_approve(reports=sent, by=reviewer)


# --------------------------------------------------------------------------------------------
# Follow-up notices
# --------------------------------------------------------------------------------------------


# The demo zones (by username prefix) whose answered notice still waits for the unit head's
# sign-off; elsewhere the head has signed it off, so the demo shows both states.
ANSWERS_AWAITING_SIGN_OFF = frozenset({"nb", "hm"})


def _notices_issue(built: _Built, *, today: dt.date) -> int:
    """Follow up every red target of the month just closed as the supervision team would, one
    notice per lead unit, and leave them in every state: a unit with demo staff answers (its
    head signs the answer off, or not yet: ``ANSWERS_AWAITING_SIGN_OFF``), the next asks for
    more time; of the others, the first is closed (销号), the rest wait."""
    from plans.periods import default_period

    plan = built.plan
    period = default_period(plan, today=today)
    red = list(
        latest_results(targets=Target.objects.filter(task__plan=plan), period=period)
        .filter(status__in=RED)
        .order_by("target__task__order", "target__order")
        .values_list("target_id", flat=True)
    )
    if not red:
        return 0
    notices = notices_issue(
        target_ids=red,
        period=period,
        reply_by=today + dt.timedelta(days=7),
        requirement=NOTICE_TEXT,
        by=built.supervisor,
        today=today,
    ).notices
    with_staff = [n for n in notices if n.unit_id in built.staff]
    others = [n for n in notices if n.unit_id not in built.staff]
    for step, notice in enumerate(with_staff):
        staff = built.staff[notice.unit_id]
        if step == 0:
            notice_answer(
                notice=notice,
                by=staff,
                reason=ANSWER_REASON,
                measures=ANSWER_MEASURES,
                expected=today + dt.timedelta(days=60),
                today=today,
            )
            if built.zone_file.prefix not in ANSWERS_AWAITING_SIGN_OFF:
                notice_sign_off(notice=notice, by=built.reviewers[notice.unit_id])  # the unit head signs it off
        elif step == 1:
            notice_extension_request(
                notice=notice,
                by=staff,
                until=notice.reply_by + dt.timedelta(days=14),
                reason=EXTENSION_REASON,
                today=today,
            )
    if others:
        # Closed although its items still lag: the supervisor confirmed it (销号 with the warning seen).
        notice_close(notice=others[0], by=built.supervisor, note=CLOSE_NOTE, confirm=True)
    return len(notices)


# --------------------------------------------------------------------------------------------
# Leaders' instructions (领导批示)
# --------------------------------------------------------------------------------------------


def _instructions_write(built: _Built, *, today: dt.date) -> int:
    """The zone's first leader instructs, for each unit with demo staff, on its first target
    that the projection says will miss the year's target (or, failing one, is at risk): the
    dashboard's box. The first unit's staff has answered, the second's instruction waits."""
    from plans.periods import default_period
    from supervision.instruction_services import instruction_answer, instruction_create
    from supervision.instructions import subject_of
    from targets.choices import Outlook

    if built.leader is None:
        return 0
    period = default_period(built.plan, today=today)
    written = 0
    for step, unit_id in enumerate(built.staff):
        led = latest_results(
            targets=Target.objects.filter(task__plan=built.plan, task__lead_unit_id=unit_id), period=period
        ).order_by("target__task__order", "target__order")
        result = led.filter(outlook=Outlook.MISS).first() or led.filter(outlook=Outlook.RISK).first()
        if result is None:
            continue
        instruction = instruction_create(
            subject=subject_of(target=result.target), by=built.leader, text=INSTRUCTION_TEXT
        )
        written += 1
        if step == 0:
            instruction_answer(instruction=instruction, by=built.staff[unit_id], answer=INSTRUCTION_ANSWER)
    return written
