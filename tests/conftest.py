import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from progress.periods import Period
from targets.choices import TargetKind
from tests.factories import MembershipFactory, PlanFactory, TargetFactory, TaskFactory, UnitFactory, UserFactory
from zones.choices import Role


@pytest.fixture
def desk(db):
    """A 2026 plan with one unit leading three targets, its staff and reviewer,
    another unit, and a 'today' inside the March period."""
    plan = PlanFactory(start_year=2026, end_year=2026, status="published", due_day=5, lock_after_days=10)
    unit = UnitFactory(zone=plan.zone, name="经济发展局")
    other_unit = UnitFactory(zone=plan.zone, name="财政局")
    task = TaskFactory(plan=plan, lead_unit=unit, heading="推进重点项目建设")
    amount = TargetFactory(task=task, indicator="固定资产投资", kind=TargetKind.AMOUNT, unit="亿元", value=Decimal(130))
    growth = TargetFactory(
        task=task, indicator="规上工业增加值增速", kind=TargetKind.GROWTH_RATE, unit="%", value=Decimal(15), order=2
    )
    count = TargetFactory(
        task=task, indicator="新开工项目", kind=TargetKind.AMOUNT, unit="个", value=Decimal(18), order=3
    )
    other_task = TaskFactory(plan=plan, lead_unit=other_unit, heading="财政收入")
    other_target = TargetFactory(task=other_task, indicator="一般公共预算收入", unit="亿元", value=Decimal(10))
    staff = MembershipFactory(unit=unit, role=Role.STAFF, user=UserFactory(username="staff")).user
    reviewer = MembershipFactory(unit=unit, role=Role.REVIEWER, user=UserFactory(username="reviewer")).user
    other_staff = MembershipFactory(unit=other_unit, role=Role.STAFF, user=UserFactory(username="other")).user
    return SimpleNamespace(
        plan=plan,
        unit=unit,
        other_unit=other_unit,
        task=task,
        amount=amount,
        growth=growth,
        count=count,
        other_target=other_target,
        staff=staff,
        reviewer=reviewer,
        other_staff=other_staff,
        period=Period(2026, 3),
        today=dt.date(2026, 4, 2),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set passwords for every user; PBKDF2 at full strength would
    dominate the suite's time without testing anything."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a cached dashboard of an earlier
    test must not answer for a later one that reuses its ids."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
