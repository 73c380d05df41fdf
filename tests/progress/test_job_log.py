"""The job log (core.JobRun in the administration) shows a zone administrator
only the runs about their own zones' plans and targets."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from core.job_scopes import jobs_visible_to
from core.models import JobRun
from tests.factories import MembershipFactory, PlanFactory, TargetFactory, TaskFactory, UserFactory
from zones.choices import Role

pytestmark = pytest.mark.django_db


def run(kind: str, subject_kind: str = "", subject_id: int | None = None) -> JobRun:
    now = timezone.now()
    return JobRun.objects.create(
        kind=kind,
        subject=f"{kind} {subject_id}",
        subject_kind=subject_kind,
        subject_id=subject_id,
        outcome="succeeded",
        started_at=now,
        finished_at=now,
    )


@pytest.fixture
def runs():
    mine, theirs = PlanFactory(), PlanFactory()
    my_target = TargetFactory(task=TaskFactory(plan=mine))
    their_target = TargetFactory(task=TaskFactory(plan=theirs))
    admin = MembershipFactory(unit=None, zone=mine.zone, role=Role.ADMIN, user=UserFactory(username="zadmin")).user
    return admin, {
        "my_plan": run("recompute_plan", "plan", mine.pk),
        "my_target": run("recompute_target", "target", my_target.pk),
        "their_plan": run("recompute_plan", "plan", theirs.pk),
        "their_target": run("recompute_target", "target", their_target.pk),
        "sweep": run("recompute_sweep"),
    }


def test_a_zone_administrator_reads_only_their_zones_runs(runs):
    admin, made = runs
    assert set(jobs_visible_to(admin)) == {made["my_plan"], made["my_target"]}


def test_a_superuser_reads_every_run_and_a_stranger_none(runs):
    _, made = runs
    assert set(jobs_visible_to(UserFactory(is_superuser=True))) == set(made.values())
    assert not jobs_visible_to(UserFactory()).exists()


def test_the_job_log_page_lists_only_their_zones_runs(client, runs):
    admin, made = runs
    admin.is_staff = True
    admin.save()
    admin.user_permissions.add(Permission.objects.get(codename="view_jobrun"))
    client.force_login(admin)
    page = client.get(reverse("admin:core_jobrun_changelist")).content.decode()
    assert made["my_plan"].subject in page and made["my_target"].subject in page
    assert made["their_plan"].subject not in page and made["sweep"].subject not in page
    other = client.get(reverse("admin:core_jobrun_change", args=[made["their_plan"].pk]))
    assert other.status_code == 302  # not found in their log: sent back to the list
