"""Kill the Celery worker in the middle of a plan recompute and start it again:
the stored results and flags must end identical to an undisturbed run.

Run by kill_worker.sh (which sets the environment and builds the bench plan).
Three runs of the recompute of the biggest bench plan, each from no stored
results:

1. undisturbed: the reference checksum and duration;
2. the pool process is SIGKILLed mid-run: the worker notices, rejects the
   message back to the queue (acks_late + reject_on_worker_lost), and the
   redelivered task takes over the claim once it is stale;
3. the whole worker (main process and pool) is SIGKILLed mid-run and started
   again: the message stays unacknowledged in Redis (until the visibility
   timeout, an hour), so the catch-up sweep of beat expires the dead claim
   and queues the plan again.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

from common import beat, plan_checksum, say, wait_for, worker
from django.utils import timezone

from config.celery import app
from core.models import JobRun
from plans.models import Plan
from progress.engine.jobs import CLAIM_TTL
from progress.engine.tasks import recompute_plan
from progress.models import Report
from targets.models import PendingPlanRecompute, Target, TargetFlag, TargetResult

RUN_TIMEOUT = 600
KILL_AT = 0.4  # of the undisturbed duration


def bench_plan() -> Plan:
    plans = Plan.objects.filter(zone__code__startswith="bench-")
    plan = max(plans, key=lambda p: p.tasks.count(), default=None)
    if plan is None:
        say("FAIL: no bench plan; run bench_recompute --keep first (kill_worker.sh does)")
        raise SystemExit(1)
    return plan


def forget(plan: Plan) -> None:
    """No stored results, no claim, no owed recompute, no queued message:
    every run starts equal."""
    TargetResult.objects.filter(target__task__plan=plan).delete()
    TargetFlag.objects.filter(target__task__plan=plan).delete()
    Plan.objects.filter(pk=plan.pk).update(recompute_claimed_at=None)
    PendingPlanRecompute.objects.filter(plan=plan).delete()
    forget_queue()


def forget_queue() -> None:
    """Drop the messages left in this script's Redis database (the one the
    killed worker never acknowledged would come back in an hour)."""
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()


def runs(plan: Plan, since: dt.datetime, outcome: str | None = None):
    found = JobRun.objects.filter(
        kind="recompute_plan", subject_kind=JobRun.SubjectKind.PLAN, subject_id=plan.pk, started_at__gte=since
    )
    return found.filter(outcome=outcome) if outcome else found


def succeeded_after(plan: Plan, since: dt.datetime) -> JobRun | None:
    return runs(plan, since, "succeeded").order_by("finished_at").first()


def claim(plan: Plan):
    return Plan.objects.values_list("recompute_claimed_at", flat=True).get(pk=plan.pk)


def undisturbed(plan: Plan) -> tuple[tuple, float]:
    forget(plan)
    process = worker("faults-reference").start()
    try:
        since = timezone.now()
        recompute_plan.delay(plan.pk)
        run = wait_for("the undisturbed recompute", lambda: succeeded_after(plan, since), timeout=RUN_TIMEOUT)
    finally:
        process.stop()
    seconds = (run.finished_at - run.started_at).total_seconds()
    return plan_checksum(plan.pk), seconds


def disturbed(plan: Plan, *, whole_worker: bool, kill_after: float) -> dict:
    """Queue the recompute, SIGKILL mid-run, recover; the figures."""
    forget(plan)
    label = "worker" if whole_worker else "pool"
    sweeper = beat(f"faults-beat-{label}").start()
    process = worker(f"faults-{label}-1").start()
    try:
        since = timezone.now()
        recompute_plan.delay(plan.pk)
        started = wait_for(
            "the recompute to start", lambda: runs(plan, since, "running").first(), timeout=120, every=0.1
        )
        time.sleep(kill_after)
        killed_at = timezone.now()
        if whole_worker:
            process.kill()
        else:
            children = process.children()
            assert children, "the prefork worker has no pool process"
            os.kill(children[0], signal.SIGKILL)
        right_after = TargetResult.objects.filter(target__task__plan=plan).count()
        held = claim(plan)
        if whole_worker:
            time.sleep(3)
            process = worker(f"faults-{label}-2").start()
        done = wait_for(
            "the recompute to finish after the kill",
            lambda: runs(plan, killed_at, "succeeded").order_by("finished_at").first(),
            timeout=RUN_TIMEOUT,
        )
        # The redelivered task's retry and the sweep may both have queued the
        # plan: let such a duplicate finish too (it finds nothing to change).
        time.sleep(2)
        wait_for("the runs to finish", lambda: not runs(plan, killed_at, "running").exists(), timeout=RUN_TIMEOUT)
        figures = {
            "killed_after_s": (killed_at - started.started_at).total_seconds(),
            "rows_right_after_kill": right_after,
            "claim_held_after_kill": held is not None,
            "recovered_after_s": (done.finished_at - killed_at).total_seconds(),
            "recompute_s": (done.finished_at - done.started_at).total_seconds(),
            "killed_run": JobRun.objects.get(pk=started.pk),
            "runs_after": [
                f"{outcome}, {counts.get('results_written')} results written"
                for outcome, counts in runs(plan, killed_at).order_by("started_at").values_list("outcome", "counts")
            ],
        }
    finally:
        process.stop()
        sweeper.stop()
    figures["checksum"] = plan_checksum(plan.pk)
    figures["claim_at_end"] = claim(plan)
    return figures


def main() -> int:
    plan = bench_plan()
    targets = Target.objects.filter(task__plan=plan).count()
    reports = Report.objects.filter(target__task__plan=plan).count()
    say(f"plan {plan.pk} ({plan.title}, zone {plan.zone.code}): {targets} targets, {reports} reports")
    say(f"claim expiry {CLAIM_TTL.total_seconds():.0f} s; broker {app.conf.broker_url}")

    reference, seconds = undisturbed(plan)
    say(f"undisturbed: {seconds:.1f} s, checksum {reference[0]}, {reference[1]} results, {reference[2]} flags")
    kill_after = max(1.0, seconds * KILL_AT)

    ok = True
    for whole_worker, title in ((False, "pool process SIGKILLed"), (True, "whole worker SIGKILLed, restarted")):
        f = disturbed(plan, whole_worker=whole_worker, kill_after=kill_after)
        same = f["checksum"] == reference
        closed = f["killed_run"].outcome == "failed" and "Interrupted" in f["killed_run"].error
        passed = same and f["rows_right_after_kill"] == 0 and f["claim_at_end"] is None and closed
        ok &= passed
        say(f"{title}: {'PASS' if passed else 'FAIL'}")
        say(f"  killed {f['killed_after_s']:.1f} s into the run; rows stored right after: {f['rows_right_after_kill']}")
        say(f"  claim held after the kill: {f['claim_held_after_kill']}; released at the end: "
            f"{f['claim_at_end'] is None}")  # fmt: skip
        say(f"  finished {f['recovered_after_s']:.1f} s after the kill (the recompute itself {f['recompute_s']:.1f} s)")
        say(f"  the killed run is recorded as {f['killed_run'].outcome}: {f['killed_run'].error[:100]}")
        say(f"  runs since the kill: {f['runs_after']}")
        say(f"  checksum {f['checksum'][0]}, {f['checksum'][1]} results, {f['checksum'][2]} flags: "
            f"{'identical to' if same else 'DIFFERENT from'} the undisturbed run")  # fmt: skip
    forget_queue()
    say("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
