"""The two recompute paths never write one plan at once (progress.engine.locks)."""

import datetime as dt
from decimal import Decimal as D

import psycopg
import pytest
from django.db import OperationalError, connection

from progress.engine.bulk import plan_recompute_sql
from progress.engine.locks import PLAN_LOCK_SPACE
from progress.engine.recompute import targets_recompute
from targets.models import TargetResult
from tests.factories import PlanFactory, TargetFactory, TaskFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"),
]

AS_OF = dt.date(2014, 3, 10)


@pytest.fixture
def plan_and_target():
    plan = PlanFactory(start_year=2014, end_year=2014)
    return plan, TargetFactory(task=TaskFactory(plan=plan), kind="amount", value=D(100))


@pytest.fixture
def other_session(database_dsn):
    """A second session holding advisory locks, and this one giving up on a
    lock after 300 ms."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    with psycopg.connect(database_dsn) as other:
        yield other
        other.rollback()
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def test_a_single_target_recompute_waits_while_a_bulk_recompute_holds_its_plan(plan_and_target, other_session):
    plan, target = plan_and_target
    other_session.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PLAN_LOCK_SPACE, plan.pk])
    with pytest.raises(OperationalError, match="lock timeout"):
        targets_recompute(targets=[target], plan=plan, as_of=AS_OF)
    assert not TargetResult.objects.filter(target=target).exists()
    other_session.rollback()  # the bulk recompute commits
    targets_recompute(targets=[target], plan=plan, as_of=AS_OF)
    assert TargetResult.objects.filter(target=target).count() == 2  # January and February


def test_a_bulk_recompute_waits_while_a_single_target_recompute_holds_its_plan(plan_and_target, other_session):
    plan, target = plan_and_target
    other_session.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [PLAN_LOCK_SPACE, plan.pk])
    with pytest.raises(OperationalError, match="lock timeout"):
        plan_recompute_sql(plan=plan, as_of=AS_OF)
    assert not TargetResult.objects.filter(target=target).exists()


def test_single_target_recomputes_of_one_plan_run_side_by_side(plan_and_target, other_session):
    plan, target = plan_and_target
    other_session.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [PLAN_LOCK_SPACE, plan.pk])
    targets_recompute(targets=[target], plan=plan, as_of=AS_OF)
    assert TargetResult.objects.filter(target=target).count() == 2


def test_a_lock_on_another_plan_is_no_obstacle(plan_and_target, other_session):
    plan, _target = plan_and_target
    elsewhere = PlanFactory(start_year=2014, end_year=2014)
    other_session.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PLAN_LOCK_SPACE, elsewhere.pk])
    assert plan_recompute_sql(plan=plan, as_of=AS_OF)["results_written"] == 2
