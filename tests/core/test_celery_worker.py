"""A round trip through a real Celery worker on the configured broker
(the filesystem transport by default, Redis in CI)."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from core.models import JobRun
from core.tasks import heartbeat


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("empty_broker")
def test_a_task_sent_to_the_broker_is_run_by_a_worker_and_records_its_run():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = heartbeat.delay()
        run_id = result.get(timeout=30)
    run = JobRun.objects.get(pk=run_id)
    assert run.kind == "heartbeat"
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert run.finished_at is not None and run.finished_at >= run.started_at


@pytest.mark.django_db
def test_a_failing_job_leaves_a_finished_failed_run():
    from core.services import job_run_record

    with pytest.raises(ZeroDivisionError), job_run_record(kind="probe") as run:
        1 / 0  # noqa: B018
    run.refresh_from_db()
    assert run.outcome == JobRun.Outcome.FAILED
    assert "ZeroDivisionError" in run.error
    assert run.finished_at is not None
