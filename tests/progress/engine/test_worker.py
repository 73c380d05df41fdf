"""Integration: a submission and its approval queue their plan's recompute
after commit (one message per plan per coalescing window, due at its end); a
real worker on the configured broker takes each and stores the results:
waiting for review first, counted once approved."""

import threading
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from config.celery import app
from progress.engine.tasks import recompute_owed
from progress.models import Report
from progress.services import RowInput, reports_approve, unit_period_save
from targets.models import TargetResult


class _Recomputed:
    """Counts the worker's finished recomputes of the plan (its task_postrun signal).

    The test waits for the worker's signal instead of polling the results: on
    SQLite the test database is an in-memory database in shared-cache mode,
    whose table locks fail a reader at once ("database table is locked")
    rather than wait, so a poll racing the worker's writes failed now and then.
    """

    def __init__(self, plan_id):
        self.plan_id = plan_id
        self.done: list[int] = []
        self.changed = threading.Condition()

    def __call__(self, sender=None, state=None, args=None, **kwargs):
        mine = args and args[0] == self.plan_id  # not a message some earlier run left behind
        if sender is not None and sender.name == recompute_owed.name and state == "SUCCESS" and mine:
            with self.changed:
                self.done.append(args[0])
                self.changed.notify_all()

    def wait_for(self, count: int, seconds: float = 60) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.done) >= count, seconds)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("empty_broker")
def test_a_submitted_figure_waits_for_review_then_is_judged_by_the_worker(desk, settings):
    settings.RECOMPUTE_COALESCE_SECONDS = 1  # the message is due a second after the first change
    targets = [desk.amount, desk.growth, desk.count]
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元"),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    march = TargetResult.objects.filter(target__in=targets, year=2026, month=3)
    recomputed = _Recomputed(desk.plan.pk)
    task_postrun.connect(recomputed, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            unit_period_save(
                plan=desk.plan,
                unit=desk.unit,
                period=desk.period,
                by=desk.staff,
                submit=True,
                rows=rows,
                today=desk.today,
            )
            assert recomputed.wait_for(1), "the worker did not recompute the plan"
            assert set(march.values_list("reporting", "status")) == {("pending", "no_data")}  # not counted yet
            reports_approve(reports=list(Report.objects.filter(target__in=targets)), by=desk.reviewer)
            assert recomputed.wait_for(2), "the worker did not recompute the plan after the approval"
    finally:
        task_postrun.disconnect(recomputed)
    assert recomputed.done == [desk.plan.pk, desk.plan.pk]  # one run for three targets, each time
    amount = march.get(target=desk.amount)
    assert (amount.completion, amount.expected, amount.gap, amount.status) == (25, 25, 0, "on_track")
    growth = march.get(target=desk.growth)
    assert (growth.actual, growth.status, growth.data_month) == (Decimal("14.2"), "lagging", 3)
