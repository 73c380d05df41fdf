"""The dashboard tests' zone: one plan, two units, an amount on track and a
count seriously lagging and late; the app's clock stands on 2014-07-20, so the
month just closed is June."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from zones.choices import Role

TODAY = dt.date(2014, 7, 20)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Pin the app's clock (core.clock): ``clock(day)`` moves it to that day, 09:00."""

    def set_to(day: dt.date, hour: int = 9) -> None:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        monkeypatch.setattr("core.clock.now", lambda: moment)
        monkeypatch.setattr("core.clock.today", lambda: day)

    set_to(TODAY)
    return set_to


def submit(target, month, value):
    """A figure sent for review and not yet approved (待审核)."""
    sent = timezone.make_aware(dt.datetime(2014, month + 1, 3))
    return ReportFactory(
        target=target, year=2014, month=month, value=D(str(value)), status=ReportStatus.SUBMITTED, submitted_at=sent
    )


def approve(target, month, value, submitted=None):
    submitted = submitted or timezone.make_aware(dt.datetime(2014, month + 1 if month < 12 else 12, 3))
    return ReportFactory(
        target=target,
        year=2014,
        month=month,
        value=D(str(value)),
        status=ReportStatus.APPROVED,
        submitted_at=submitted,
        approved_at=submitted,
    )


@pytest.fixture
def zone_plan():
    plan = PlanFactory(start_year=2014, end_year=2014, status="published")
    fast = UnitFactory(zone=plan.zone, name="经济发展局")
    slow = UnitFactory(zone=plan.zone, name="招商局")
    leader = MembershipFactory(unit=None, zone=plan.zone, role=Role.LEADER, user=UserFactory(first_name="李明")).user
    task_a = TaskFactory(
        plan=plan, lead_unit=fast, leader=leader, heading="推进重点项目建设", number="1.", path="1", order=1
    )
    task_b = TaskFactory(plan=plan, lead_unit=slow, heading="强化招商引资", number="2.", path="2", order=2)
    investment = TargetFactory(task=task_a, indicator="固定资产投资", unit="亿元", value=D(120), is_headline=True)
    projects = TargetFactory(task=task_b, indicator="引进亿元以上项目", unit="个", value=D(18))
    for month in range(1, 7):
        approve(investment, month, 10 * month)  # on track: 50% by June
        late = timezone.make_aware(dt.datetime(2014, month + 1, 20))
        approve(projects, month, month, submitted=late)  # 33% by June: seriously lagging, and late
    targets_recompute(targets=[investment, projects], plan=plan, as_of=dt.date(2014, 7, 31))
    return plan, leader, investment, projects
