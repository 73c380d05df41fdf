"""A job run names the object it is about by typed fields (subject_kind,
subject_id), which code filters on; the free-text subject is the label."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.models import JobRun
from core.services import job_run_record

pytestmark = pytest.mark.django_db


def recorded_before_the_fields(kind: str, subject: str) -> JobRun:
    """A run as the jobs wrote it before they named their subject by field."""
    return JobRun.objects.create(
        kind=kind, subject=subject, outcome="succeeded", started_at=timezone.now(), finished_at=timezone.now()
    )


def test_a_recorded_run_names_its_subject_by_field_beside_its_label():
    with job_run_record(kind="deliver_mail", subject="mail 42", subject_kind=JobRun.SubjectKind.MAIL, subject_id=42):
        pass
    run = JobRun.objects.get(kind="deliver_mail")
    assert (run.subject, run.subject_kind, run.subject_id, run.outcome) == ("mail 42", "mail", 42, "succeeded")


def test_a_run_about_nothing_in_particular_names_no_subject():
    with job_run_record(kind="reminders", subject="2026-04-02") as run:
        pass
    assert (run.subject_kind, run.subject_id) == ("", None)


@pytest.mark.parametrize(
    ("subject_kind", "subject_id"), [("plan", None), ("", 7)], ids=["a kind without an id", "an id without a kind"]
)
def test_a_subject_half_named_is_refused(subject_kind, subject_id):
    with pytest.raises(IntegrityError), transaction.atomic():
        JobRun.objects.create(kind="probe", subject_kind=subject_kind, subject_id=subject_id, started_at=timezone.now())


def test_the_migration_reads_the_subject_of_earlier_runs_from_their_labels():
    fill = import_module("core.migrations.0003_jobrun_subject_typed").name_the_subjects
    runs = {
        "plan": recorded_before_the_fields("recompute_plan", "plan 7 as of 2026-04-02"),
        "other plan": recorded_before_the_fields("recompute_plan", "plan 71 as of 2026-04-02"),
        "target": recorded_before_the_fields("recompute_target", "1234"),
        "mail": recorded_before_the_fields("deliver_mail", "mail 5"),
        "day": recorded_before_the_fields("reminders", "2026-04-02"),
        "sweep": recorded_before_the_fields("recompute_sweep", "2026-04-02"),
        "odd label": recorded_before_the_fields("recompute_plan", "plan seven"),
    }

    fill(apps, SimpleNamespace(connection=connection))

    named = {
        name: tuple(JobRun.objects.values_list("subject_kind", "subject_id").get(pk=run.pk))
        for name, run in runs.items()
    }
    assert named == {
        "plan": ("plan", 7),
        "other plan": ("plan", 71),
        "target": ("target", 1234),
        "mail": ("mail", 5),
        "day": ("", None),
        "sweep": ("", None),
        "odd label": ("", None),
    }
