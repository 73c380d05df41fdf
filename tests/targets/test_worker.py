"""Integration: a submission and its approval queue their recompute after
commit; a real worker on the configured broker takes each and stores the
results: waiting for review first, counted once approved."""

import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from progress.models import Report
from progress.services import RowInput, reports_approve, unit_period_save
from targets.models import TargetResult


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_submitted_figure_waits_for_review_then_is_judged_by_the_worker(desk):
    targets = [desk.amount, desk.growth, desk.count]
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元"),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    march = TargetResult.objects.filter(target__in=targets, year=2026, month=3)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        unit_period_save(
            plan=desk.plan, unit=desk.unit, period=desk.period, by=desk.staff, submit=True, rows=rows, today=desk.today
        )
        assert _wait_for(lambda: march.filter(reporting="pending").count() == 3)
        assert set(march.values_list("status", flat=True)) == {"no_data"}  # not counted before review
        reports_approve(reports=list(Report.objects.filter(target__in=targets)), by=desk.reviewer)
        assert _wait_for(lambda: not march.filter(status="no_data").exists())
    amount = march.get(target=desk.amount)
    assert (amount.completion, amount.expected, amount.gap, amount.status) == (25, 25, 0, "on_track")
    growth = march.get(target=desk.growth)
    assert (growth.actual, growth.status, growth.data_month) == (Decimal("14.2"), "lagging", 3)
