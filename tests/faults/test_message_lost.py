"""Fault: a recompute message is lost after it was queued (the filesystem
broker's worker took it and was killed, or a plan task died before it took
its claim). Whatever asked for the recompute recorded it in the database
first (progress.engine.outbox), so the catch-up sweep of beat pays it: results
converge with nobody running anything by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core import clock
from core.models import JobRun
from plans.models import Plan
from progress.choices import ReportStatus
from progress.engine import outbox
from progress.engine.recompute import plan_recompute
from progress.engine.tasks import catch_up, recompute_plan, recompute_published_plans
from progress.services import RowInput, unit_period_save
from targets.models import PendingPlanRecompute, PendingRecompute, TargetResult
from tests.factories import PlanFactory, ReportFactory, TargetFactory, TaskFactory

AS_OF = "2014-07-20"


@pytest.fixture
def plan(db):
    plan = PlanFactory(start_year=2014, end_year=2014, status="published")
    target = TargetFactory(task=TaskFactory(plan=plan), indicator="固定资产投资", unit="亿元", value=Decimal(120))
    now = timezone.now()
    for month, value in ((1, 10), (2, 25), (3, 30)):
        ReportFactory(
            target=target,
            year=2014,
            month=month,
            value=Decimal(value),
            status=ReportStatus.APPROVED,
            submitted_at=now,
            approved_at=now,
        )
    return plan


def later(monkeypatch, delta: dt.timedelta) -> None:
    moment = clock.now() + delta
    monkeypatch.setattr(clock, "now", lambda: moment)


def owed_plans() -> set[int]:
    return set(PendingPlanRecompute.objects.values_list("plan_id", flat=True))


def results_of(plan) -> int:
    return TargetResult.objects.filter(target__task__plan=plan).count()


# --- targets --------------------------------------------------------------------------


def test_a_coalesced_recompute_taken_by_a_worker_that_died_is_paid_by_the_catch_up(
    desk, filesystem_broker, django_capture_on_commit_callbacks, monkeypatch
):
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元"),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        unit_period_save(
            plan=desk.plan, unit=desk.unit, period=desk.period, by=desk.staff, submit=True, rows=rows, today=desk.today
        )
    lost = filesystem_broker.take()  # the worker took the messages and was killed
    assert [(name, args) for name, args, _kwargs in lost] == [("progress.engine.tasks.recompute_owed", [desk.plan.pk])]
    assert not TargetResult.objects.filter(target__in=[desk.amount, desk.growth, desk.count]).exists()

    later(monkeypatch, dt.timedelta(minutes=1))
    assert catch_up()["targets"] == 3
    assert TargetResult.objects.get(target=desk.amount, year=2026, month=3).reporting == "pending"
    assert not PendingRecompute.objects.exists()


# --- plans ----------------------------------------------------------------------------


def test_the_nightly_sweep_records_every_published_plan_as_owed_before_queuing_it(plan, filesystem_broker):
    PlanFactory(status="draft")
    assert recompute_published_plans(AS_OF) == 1
    assert owed_plans() == {plan.pk}
    assert filesystem_broker.messages() == [(recompute_plan.name, [plan.pk, AS_OF], {"if_owed": True})]


def test_a_nightly_plan_recompute_whose_message_is_lost_is_paid_by_the_catch_up(plan, filesystem_broker, monkeypatch):
    recompute_published_plans(AS_OF)
    filesystem_broker.take()  # taken by a worker killed before it claimed the plan: lost
    assert catch_up() == {}  # the message may still be on its way: left to it for a while
    assert results_of(plan) == 0

    later(monkeypatch, outbox.PLAN_REQUEUE_AFTER)
    counts = catch_up()
    assert counts["plans_owed"] == 1 and counts["plans_requeued"] == 0
    assert filesystem_broker.work() == 1  # a worker runs what the sweep queued
    assert results_of(plan) == 12  # judged as of today: every month of 2014
    assert owed_plans() == set()
    assert JobRun.objects.get(kind="recompute_plan").outcome == "succeeded"

    later(monkeypatch, outbox.PLAN_REQUEUE_AFTER)
    assert catch_up() == {}  # paid: nothing more to do


def test_a_plan_owed_without_a_message_is_queued_after_the_grace(plan, filesystem_broker, monkeypatch):
    outbox.plans_mark([plan.pk])  # e.g. the sending failed after the commit
    assert catch_up() == {}
    later(monkeypatch, outbox.GRACE)
    assert catch_up()["plans_owed"] == 1
    assert filesystem_broker.messages() == [(recompute_plan.name, [plan.pk, None], {"if_owed": True})]


def test_a_message_for_a_plan_already_paid_does_nothing(plan):
    outbox.plans_mark([plan.pk])
    recompute_plan.apply(args=[plan.pk, AS_OF], kwargs={"if_owed": True})
    assert results_of(plan) == 6 and owed_plans() == set()
    assert recompute_plan.apply(args=[plan.pk, AS_OF], kwargs={"if_owed": True}).get() is None  # a duplicate
    assert JobRun.objects.filter(kind="recompute_plan").count() == 1


def test_the_recompute_clears_its_mark_with_its_results_but_not_a_mark_made_while_it_ran(plan, monkeypatch):
    outbox.plans_mark([plan.pk])

    def recompute_while_the_plan_changes(**kwargs):
        counts = plan_recompute(**kwargs)
        later(monkeypatch, dt.timedelta(seconds=1))
        outbox.plans_mark([plan.pk])  # a change after the recompute read its figures
        return counts

    monkeypatch.setattr("progress.engine.jobs.plan_recompute", recompute_while_the_plan_changes)
    recompute_plan.apply(args=[plan.pk, AS_OF], kwargs={"if_owed": True})
    assert results_of(plan) == 6
    assert owed_plans() == {plan.pk}  # still owed: paid by the next recompute


def test_a_failed_recompute_leaves_its_plan_owed(plan, monkeypatch):
    outbox.plans_mark([plan.pk])

    def broken(**kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr("progress.engine.jobs.plan_recompute", broken)
    with pytest.raises(ZeroDivisionError):
        recompute_plan.apply(args=[plan.pk, AS_OF], kwargs={"if_owed": True}).get()
    assert owed_plans() == {plan.pk} and Plan.objects.get(pk=plan.pk).recompute_claimed_at is None


def test_with_the_broker_down_the_nightly_sweep_leaves_every_plan_owed_for_the_catch_up(plan, dead_broker, monkeypatch):
    assert recompute_published_plans(AS_OF) == 1
    assert JobRun.objects.get(kind="recompute_sweep").counts == {"plans": 1, "queued": 0}
    assert PendingPlanRecompute.objects.get().queued_at is None  # not queued: due after the grace

    queued = []  # the broker is back: the sweep's messages go through
    monkeypatch.setattr(recompute_plan, "delay", lambda plan_id, *args, **kwargs: queued.append(plan_id))
    later(monkeypatch, outbox.GRACE)
    assert catch_up()["plans_owed"] == 1 and queued == [plan.pk]
