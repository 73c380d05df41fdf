"""Writes of the core app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core import clock
from core.models import JobRun


@contextmanager
def job_run_record(
    *,
    kind: str,
    subject: str = "",
    subject_kind: JobRun.SubjectKind = JobRun.SubjectKind.NONE,
    subject_id: int | None = None,
) -> Iterator[JobRun]:
    """Record a job run around a block; the block may fill ``run.counts``.

    ``subject`` is the label for people; ``subject_kind`` and ``subject_id``
    name the object the run is about, for the code that looks its runs up.

    The run row is committed on its own before the block starts, so a failure
    inside the block still leaves a visible, finished, failed run.
    """
    run = JobRun.objects.create(
        kind=kind, subject=subject, subject_kind=subject_kind, subject_id=subject_id, started_at=clock.now()
    )
    try:
        yield run
    except Exception as error:
        run.outcome = JobRun.Outcome.FAILED
        run.error = f"{type(error).__name__}: {error}"[:4000]
        run.finished_at = clock.now()
        run.save(update_fields=["outcome", "error", "finished_at"])
        raise
    run.outcome = JobRun.Outcome.SUCCEEDED
    run.finished_at = clock.now()
    run.save(update_fields=["outcome", "finished_at", "counts"])
