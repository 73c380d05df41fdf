"""A zone in July 2014: two lead units, a leader, and targets in every state
the supervision lists care about, judged as of 2014-07-31."""

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils import timezone

from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from targets import kinds
from targets.choices import Comparator
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
    ZoneFactory,
)
from zones.choices import Role

AS_OF = dt.date(2014, 7, 31)
JUNE = Period(2014, 6)


def at(month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2014, month, day, 10, 0))


def approve(target, month, value, *, late=False, **fields):
    submitted = at(month + 1, 20 if late else 3)
    return ReportFactory(
        target=target,
        year=2014,
        month=month,
        value=D(str(value)),
        status=ReportStatus.APPROVED,
        submitted_at=submitted,
        approved_at=submitted,
        progress=fields.pop("progress", f"1-{month}月推进"),
        **fields,
    )


def member(zone, role, username, *, unit=None, first_name=""):
    user = UserFactory(username=username, first_name=first_name, email=f"{username}@example.com")
    MembershipFactory(user=user, zone=zone, unit=unit, role=role)
    return user


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The fixture creates many users; a fast hasher keeps setup quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_office_pdf(settings):
    """No PDF conversion (seconds each) unless a test asks for it
    (tests/supervision/test_bulletin_document.py does)."""
    settings.OFFICE_PDF = False


@pytest.fixture
def zone(db, clock_at):
    """The zone on 2014-07-10: June is the month just closed (due 07-05), July
    is still open."""
    clock_at(dt.date(2014, 7, 10))
    plan = PlanFactory(start_year=2014, end_year=2014, status="published", title="2014年工作要点")
    zone = plan.zone
    econ = UnitFactory(zone=zone, name="经济发展局", order=1)
    invest = UnitFactory(zone=zone, name="招商局", order=2)
    leader = member(zone, Role.LEADER, "leader", first_name="李明")
    supervisor = member(zone, Role.SUPERVISOR, "supervisor", first_name="督查组")
    admin = member(zone, Role.ADMIN, "zone_admin")
    staff = member(zone, Role.STAFF, "econ_staff", unit=econ)
    reviewer = member(zone, Role.REVIEWER, "econ_reviewer", unit=econ)
    invest_staff = member(zone, Role.STAFF, "invest_staff", unit=invest)

    build = TaskFactory(
        plan=plan, lead_unit=econ, leader=leader, number="1.", path="1", order=1, heading="推进项目建设"
    )
    attract = TaskFactory(plan=plan, lead_unit=invest, number="2.", path="2", order=2, heading="强化招商引资")
    on_track = TargetFactory(task=build, indicator="固定资产投资", unit="亿元", value=D(120), order=1)
    serious = TargetFactory(task=build, indicator="新开工项目", unit="个", value=D(10), order=2)
    unsubmitted = TargetFactory(
        task=build, indicator="研发投入占比", kind=kinds.RATIO.key, unit="%", value=D(3), order=3
    )
    returned = TargetFactory(task=build, indicator='=HYPERLINK("http://x")', unit="家", value=D(20), order=4)
    projects = TargetFactory(task=attract, indicator="引进亿元以上项目", unit="个", value=D(18), order=1)
    lagging = TargetFactory(task=attract, indicator="实际利用外资", unit="万美元", value=D(100), order=2)
    milestone = TargetFactory(
        task=attract,
        indicator="完成招商中心建设",
        kind=kinds.MILESTONE.key,
        unit="%",
        value=D(100),
        comparator=Comparator.AT_LEAST,
        deadline=dt.date(2014, 3, 31),
        order=3,
    )
    for month in range(1, 7):
        approve(on_track, month, 10 * month, progress="按计划推进", problems="无", next_steps="继续推进")
        approve(serious, month, D("0.2") * month, problems="-土地指标不足")  # 12% by June: seriously lagging
        approve(projects, month, month, late=True)  # 33% by June: seriously lagging, reported late
        approve(lagging, month, D("7.5") * month)  # 45% by June: lagging
        if month < 6:
            approve(returned, month, month * 2)
            approve(unsubmitted, month, D("2.5"))
    approve(milestone, 2, 40)
    ReportFactory(
        target=returned,
        year=2014,
        month=6,
        value=D(12),
        status=ReportStatus.RETURNED,
        submitted_at=at(7, 3),
        returned_at=at(7, 4),
        return_reason="口径不一致",
    )
    targets = [on_track, serious, unsubmitted, returned, projects, lagging, milestone]
    targets_recompute(targets=targets, plan=plan, as_of=AS_OF)

    other_plan = PlanFactory(zone=ZoneFactory(short_name="他区"), status="published", title="他区要点")
    other_unit = UnitFactory(zone=other_plan.zone, name="他区经发局")
    other_target = TargetFactory(
        task=TaskFactory(plan=other_plan, lead_unit=other_unit), indicator="他区指标", value=D(10)
    )
    approve(other_target, 6, 1)
    targets_recompute(targets=[other_target], plan=other_plan, as_of=AS_OF)
    other_supervisor = member(other_plan.zone, Role.SUPERVISOR, "other_supervisor")
    return SimpleNamespace(
        plan=plan,
        zone=zone,
        econ=econ,
        invest=invest,
        leader=leader,
        supervisor=supervisor,
        admin=admin,
        staff=staff,
        reviewer=reviewer,
        invest_staff=invest_staff,
        on_track=on_track,
        serious=serious,
        unsubmitted=unsubmitted,
        returned=returned,
        projects=projects,
        lagging=lagging,
        milestone=milestone,
        other_plan=other_plan,
        other_target=other_target,
        other_supervisor=other_supervisor,
        period=JUNE,
        today=dt.date(2014, 7, 10),
    )


@pytest.fixture
def clock_at(monkeypatch):
    """Set the app's clock: ``clock_at(date)`` makes it that day, 09:00."""

    def set_to(day: dt.date, hour: int = 9) -> None:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        monkeypatch.setattr("core.clock.now", lambda: moment)
        monkeypatch.setattr("core.clock.today", lambda: day)

    return set_to


@pytest.fixture
def issue(zone, clock_at):
    """Issue a notice as the supervisor on zone.today (2014-07-10)."""
    from supervision.services import notices_issue

    clock_at(zone.today)

    def issue_for(*targets, reply_by=dt.date(2014, 7, 17), by=None):
        return notices_issue(
            target_ids=[t.pk for t in targets],
            period=zone.period,
            reply_by=reply_by,
            requirement="请分析滞后原因,提出整改措施,按期书面答复。",
            by=by or zone.supervisor,
        )

    return issue_for
