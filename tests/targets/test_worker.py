"""Integration: a submission queues its recompute after commit; a real worker
on the configured broker takes it and stores the results."""

import threading
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from config.celery import app
from progress.services import RowInput, unit_period_save
from targets.models import TargetResult
from targets.tasks import recompute_target


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_submitted_figure_is_judged_by_the_worker(desk):
    """The test waits for the worker's signal instead of polling the results:
    on SQLite the test database is an in-memory database in shared-cache
    mode, whose table locks fail a reader at once ("database table is
    locked") rather than wait, so a poll racing the worker's writes failed
    the test now and then."""
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元"),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    succeeded, all_done = [], threading.Event()

    def on_task_finished(sender=None, state=None, args=None, **kwargs):
        if sender is not None and sender.name == recompute_target.name and state == "SUCCESS":
            succeeded.append(args[0])
            if len(succeeded) == len(rows):
                all_done.set()

    task_postrun.connect(on_task_finished, weak=False)
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
            assert all_done.wait(60), f"the worker recomputed only {succeeded}"
    finally:
        task_postrun.disconnect(on_task_finished)
    assert sorted(succeeded) == sorted([desk.amount.pk, desk.growth.pk, desk.count.pk])
    amount = TargetResult.objects.get(target=desk.amount, year=2026, month=3)
    assert (amount.completion, amount.expected, amount.gap, amount.status) == (25, 25, 0, "on_track")
    growth = TargetResult.objects.get(target=desk.growth, year=2026, month=3)
    assert (growth.actual, growth.status) == (Decimal("14.2"), "lagging")
