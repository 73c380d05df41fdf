"""Fault: the worker dies in the middle of a plan recompute. Its claim on the
plan is renewed only while it lives, so it goes stale: the task's redelivery
takes it over, or the catch-up sweep expires it and queues the plan again.
The end-to-end run with a real worker killed by SIGKILL is
scripts/faults/kill_worker.sh."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import JobRun
from plans.models import Plan
from progress.choices import ReportStatus
from progress.engine.jobs import (
    CLAIM_TTL,
    PlanBusy,
    _ClaimKeeper,
    plan_claim,
    plan_claim_renew,
    plan_claims_expire,
    plan_recompute_job,
    plan_release,
)
from progress.engine.tasks import catch_up, recompute_plan
from targets.models import PendingPlanRecompute, TargetResult
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


def died_while_recomputing(plan, *, ago: dt.timedelta) -> JobRun:
    """What a worker killed mid-run leaves: its claim and a run still 'running'."""
    started = timezone.now() - ago
    Plan.objects.filter(pk=plan.pk).update(recompute_claimed_at=started)
    return JobRun.objects.create(
        kind="recompute_plan",
        subject=f"plan {plan.pk} as of {AS_OF}",
        subject_kind=JobRun.SubjectKind.PLAN,
        subject_id=plan.pk,
        started_at=started,
    )


def claim_of(plan):
    return Plan.objects.values_list("recompute_claimed_at", flat=True).get(pk=plan.pk)


def test_the_redelivered_task_takes_over_a_dead_workers_claim_and_closes_its_run(plan):
    dead = died_while_recomputing(plan, ago=CLAIM_TTL + dt.timedelta(seconds=1))
    counts = recompute_plan.apply(args=[plan.pk, AS_OF]).get()
    assert counts["targets"] == 1
    assert TargetResult.objects.filter(target__task__plan=plan).count() == 6  # January to June
    dead.refresh_from_db()
    assert dead.outcome == "failed" and "Interrupted" in dead.error and dead.finished_at
    assert JobRun.objects.filter(kind="recompute_plan", outcome="succeeded").count() == 1
    assert claim_of(plan) is None


def test_a_live_claim_makes_a_second_recompute_wait_its_turn(plan):
    alive = died_while_recomputing(plan, ago=CLAIM_TTL - dt.timedelta(seconds=10))
    with pytest.raises(PlanBusy):  # the task retries in CLAIM_TTL / 2
        plan_recompute_job(plan_id=plan.pk, as_of=dt.date(2014, 7, 20))
    assert not TargetResult.objects.exists()
    alive.refresh_from_db()
    assert alive.outcome == "running"


def test_the_sweep_expires_a_dead_claim_once_and_queues_the_plan_again(plan, monkeypatch):
    fresh = PlanFactory(status="published")
    died_while_recomputing(fresh, ago=dt.timedelta(seconds=5))
    dead = died_while_recomputing(plan, ago=CLAIM_TTL * 3)
    queued = []
    monkeypatch.setattr(recompute_plan, "delay", lambda plan_id, *args, **kwargs: queued.append(plan_id))

    counts = catch_up()

    assert queued == [plan.pk] and counts["plans_requeued"] == 1
    assert set(PendingPlanRecompute.objects.values_list("plan_id", flat=True)) == {plan.pk}  # owed until paid
    assert claim_of(plan) is None and claim_of(fresh) is not None
    dead.refresh_from_db()
    assert dead.outcome == "failed"
    assert plan_claims_expire() == []  # cleared once: a second sweep queues nothing more


def test_an_expired_claim_closes_the_runs_its_plan_is_named_in_by_field_whatever_their_label(plan):
    other = PlanFactory(status="published")
    dead = died_while_recomputing(plan, ago=CLAIM_TTL * 3)
    relabelled = JobRun.objects.create(
        kind="recompute_plan", subject="整体重算", subject_kind="plan", subject_id=plan.pk, started_at=dead.started_at
    )
    # A label that reads like this plan's, on a run about another plan.
    elsewhere = JobRun.objects.create(
        kind="recompute_plan",
        subject=dead.subject,
        subject_kind="plan",
        subject_id=other.pk,
        started_at=dead.started_at,
    )

    assert plan_claims_expire() == [plan.pk]

    outcomes = dict(JobRun.objects.values_list("pk", "outcome"))
    assert (outcomes[dead.pk], outcomes[relabelled.pk], outcomes[elsewhere.pk]) == ("failed", "failed", "running")


def test_a_claim_is_renewed_only_by_its_holder(plan):
    stamp = plan_claim(plan_id=plan.pk)
    assert stamp is not None and plan_claim(plan_id=plan.pk) is None
    renewed = plan_claim_renew(plan_id=plan.pk, claimed_at=stamp)
    assert renewed is not None and claim_of(plan) == renewed
    assert plan_claim_renew(plan_id=plan.pk, claimed_at=stamp) is None  # an old stamp is not the claim
    plan_release(plan_id=plan.pk, claimed_at=stamp)
    assert claim_of(plan) == renewed  # nor may it release the claim
    plan_release(plan_id=plan.pk, claimed_at=renewed)
    assert claim_of(plan) is None


@pytest.mark.django_db(transaction=True)
def test_the_keeper_renews_the_claim_while_the_recompute_runs(plan):
    stamp = plan_claim(plan_id=plan.pk)
    keeper = _ClaimKeeper(plan_id=plan.pk, claimed_at=stamp, every=dt.timedelta(milliseconds=50))
    keeper.start()
    deadline = time.monotonic() + 10
    while claim_of(plan) == stamp and time.monotonic() < deadline:
        time.sleep(0.05)
    last = keeper.stop()
    assert last > stamp and claim_of(plan) == last
    assert not keeper.is_alive()
