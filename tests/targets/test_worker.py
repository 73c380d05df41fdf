"""Integration: a submission queues its recompute after commit; a real worker
on the configured broker takes it and stores the results."""

import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from progress.services import RowInput, unit_period_save
from targets.models import TargetResult


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_submitted_figure_is_judged_by_the_worker(desk):
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元"),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        unit_period_save(
            plan=desk.plan, unit=desk.unit, period=desk.period, by=desk.staff, submit=True, rows=rows, today=desk.today
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if TargetResult.objects.filter(target__in=[desk.amount, desk.growth, desk.count], month=3).count() == 3:
                break
            time.sleep(0.2)
    amount = TargetResult.objects.get(target=desk.amount, year=2026, month=3)
    assert (amount.completion, amount.expected, amount.gap, amount.status) == (25, 25, 0, "on_track")
    growth = TargetResult.objects.get(target=desk.growth, year=2026, month=3)
    assert (growth.actual, growth.status) == (Decimal("14.2"), "lagging")
