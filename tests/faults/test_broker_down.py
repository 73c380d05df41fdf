"""Fault: the broker is down. A submission still succeeds and records that
its targets are owed a recompute (the outbox, in the report's transaction);
the catch-up sweep pays it once tasks run again."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from core import clock
from core.models import JobRun
from progress.choices import ReportStatus
from progress.engine.outbox import pending_mark, pending_recompute
from progress.engine.tasks import catch_up, recompute_owed
from progress.models import Report
from progress.services import RowInput, reports_approve, unit_period_save
from targets.models import PendingRecompute, TargetResult

LATER = dt.timedelta(minutes=2)


def submit(desk, amount="32.5", amount_version=None):
    rows = [
        RowInput(desk.amount.pk, amount, progress="完成投资32.5亿元", version=amount_version),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    return unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, by=desk.staff, submit=True, rows=rows, today=desk.today
    )


def owed(desk) -> set[int]:
    return set(PendingRecompute.objects.values_list("target_id", flat=True))


def in_two_minutes(monkeypatch):
    """Move the clock past the sweep's grace for the on-commit task."""
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + LATER)


def test_with_the_broker_down_the_submission_is_saved_and_the_sweep_computes_it_later(
    desk, dead_broker, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = submit(desk)
    assert len(callbacks) == 1  # the send was attempted after the commit ...
    assert "left to the catch-up" in caplog.text  # ... and refused by the dead broker
    assert result.ok and result.submitted == 3
    assert Report.objects.filter(status=ReportStatus.SUBMITTED, month=3).count() == 3
    assert owed(desk) == {desk.amount.pk, desk.growth.pk, desk.count.pk}
    assert not TargetResult.objects.filter(target__in=[desk.amount, desk.growth, desk.count]).exists()

    assert catch_up() == {}  # within the grace the sweep leaves marks to the on-commit task
    in_two_minutes(monkeypatch)
    counts = catch_up()

    assert counts["targets"] == 3 and counts["plans_requeued"] == 0
    # Judged: waiting for review, so not counted yet.
    march = TargetResult.objects.filter(target__in=[desk.amount, desk.growth, desk.count], year=2026, month=3)
    assert set(march.values_list("reporting", "status")) == {("pending", "no_data")}
    assert owed(desk) == set()
    assert JobRun.objects.get(kind="recompute_catch_up").outcome == "succeeded"
    assert catch_up() == {}  # paid: a second sweep finds nothing


def test_the_on_commit_task_pays_the_marks_it_was_queued_for(desk):
    submit(desk)
    reports_approve(reports=list(Report.objects.filter(target=desk.amount)), by=desk.reviewer)
    assert desk.amount.pk in owed(desk)
    recompute_owed(desk.plan.pk)
    assert owed(desk) == set()
    assert TargetResult.objects.get(target=desk.amount, year=2026, month=3).actual == Decimal("32.5")


def test_approving_and_a_draft_save_mark_only_what_changes_a_counted_figure(desk):
    unit_period_save(
        plan=desk.plan,
        unit=desk.unit,
        period=desk.period,
        by=desk.staff,
        rows=[RowInput(desk.amount.pk, "3", progress="x")],
        today=desk.today,
    )
    assert owed(desk) == set()  # a draft counts for nothing
    PendingRecompute.objects.all().delete()
    submit(desk, amount="40", amount_version=1)
    PendingRecompute.objects.all().delete()
    reports_approve(reports=list(Report.objects.filter(target=desk.amount)), by=desk.reviewer)
    assert owed(desk) == {desk.amount.pk}


def test_a_refused_submission_marks_nothing(desk):
    result = submit(desk, amount="很多")
    assert not result.ok
    assert owed(desk) == set() and not Report.objects.exists()


def test_marking_again_refreshes_the_mark(desk):
    pending_mark([desk.amount.pk])
    first = PendingRecompute.objects.get(target=desk.amount).marked_at
    pending_mark([desk.amount.pk, desk.amount.pk, desk.count.pk])
    assert PendingRecompute.objects.get(target=desk.amount).marked_at >= first
    assert owed(desk) == {desk.amount.pk, desk.count.pk}


@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_the_marks_another_worker_holds(desk, monkeypatch):
    """Two sweeps at once split the work: a mark locked by one is skipped by
    the other (SELECT … FOR UPDATE SKIP LOCKED), not paid twice."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole transactions")
    submit(desk)
    in_two_minutes(monkeypatch)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            list(PendingRecompute.objects.select_for_update().filter(target=desk.amount))
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=other_worker)
    holder.start()
    try:
        assert locked.wait(10)
        counts = pending_recompute()
    finally:
        release.set()
        holder.join()
    assert counts["targets"] == 2
    assert owed(desk) == {desk.amount.pk}
    assert not TargetResult.objects.filter(target=desk.amount).exists()
