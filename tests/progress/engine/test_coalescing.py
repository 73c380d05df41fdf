"""A burst of changes to one plan is recomputed once (progress.engine.queue):
the first change of the window sends one message due at its end, the others
send nothing, and that message pays every mark of the plan in one pass."""

from unittest import mock

import pytest
from django.core.cache import cache

from core.models import JobRun
from progress.engine.queue import _window_key
from progress.engine.tasks import recompute_owed
from progress.services import RowInput, reports_approve, unit_period_save
from targets.models import PendingRecompute, TargetResult
from tests.factories import MembershipFactory, PlanFactory, TargetFactory, TaskFactory, UnitFactory
from zones.choices import Role


@pytest.fixture
def sent(monkeypatch):
    """The recompute messages sent: (plan id, countdown)."""
    messages = []
    monkeypatch.setattr(
        recompute_owed, "apply_async", lambda args, countdown=None: messages.append((args[0], countdown))
    )
    return messages


def submit(desk, target, value, *, by=None, unit=None, capture, version=None):
    with capture(execute=True):
        return unit_period_save(
            plan=target.task.plan,
            unit=unit or desk.unit,
            period=desk.period,
            by=by or desk.staff,
            submit=True,
            rows=[RowInput(target.pk, value, progress="推进中", version=version)],
            today=desk.today,
            whole_period=False,
        )


def test_a_draft_sends_nothing_and_a_burst_of_submissions_sends_one_message_per_plan(
    desk, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        unit_period_save(
            plan=desk.plan, unit=desk.unit, period=desk.period, by=desk.staff,
            rows=[RowInput(desk.amount.pk, "30", progress="x")], today=desk.today,
        )  # fmt: skip
    assert sent == []  # a draft changes no counted figure

    submit(desk, desk.amount, "30", version=1, capture=django_capture_on_commit_callbacks)
    submit(desk, desk.count, "5", capture=django_capture_on_commit_callbacks)
    other_staff = MembershipFactory(unit=desk.other_unit, role=Role.STAFF).user
    submit(
        desk, desk.other_target, "2", by=other_staff, unit=desk.other_unit, capture=django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        reports_approve(reports=list(desk.amount.reports.all()), by=desk.reviewer)

    assert sent == [(desk.plan.pk, 3)]  # four changes, one message, due when the window closes
    owed = set(PendingRecompute.objects.values_list("target_id", flat=True))
    assert owed == {desk.amount.pk, desk.count.pk, desk.other_target.pk}


def test_the_message_pays_every_mark_of_its_plan_in_one_run_and_a_second_finds_nothing(
    desk, sent, django_capture_on_commit_callbacks
):
    submit(desk, desk.amount, "30", capture=django_capture_on_commit_callbacks)
    submit(desk, desk.count, "5", capture=django_capture_on_commit_callbacks)
    elsewhere = TargetFactory(task=TaskFactory(plan=PlanFactory(status="published")))
    PendingRecompute.objects.create(target=elsewhere, marked_at=PendingRecompute.objects.first().marked_at)

    counts = recompute_owed(desk.plan.pk, desk.today.isoformat())

    assert counts["targets"] == 2
    march = TargetResult.objects.filter(target__in=[desk.amount, desk.count], year=2026, month=3)
    assert set(march.values_list("reporting", flat=True)) == {"pending"}  # submitted, waiting for review
    assert list(PendingRecompute.objects.values_list("target_id", flat=True)) == [elsewhere.pk]  # not its plan
    assert recompute_owed(desk.plan.pk, desk.today.isoformat()) == {}
    assert JobRun.objects.filter(kind="recompute_owed", subject_id=desk.plan.pk).count() == 1


def test_a_change_after_the_window_closed_sends_a_new_message(desk, sent, django_capture_on_commit_callbacks):
    submit(desk, desk.amount, "30", capture=django_capture_on_commit_callbacks)
    cache.delete(_window_key(desk.plan.pk))  # the window closed (its message ran)
    submit(desk, desk.count, "5", capture=django_capture_on_commit_callbacks)
    assert sent == [(desk.plan.pk, 3), (desk.plan.pk, 3)]


def test_changes_to_two_plans_send_one_message_each(desk, sent, django_capture_on_commit_callbacks):
    plan = PlanFactory(start_year=2026, end_year=2026, status="published", due_day=5, lock_after_days=10)
    unit = UnitFactory(zone=plan.zone)
    target = TargetFactory(task=TaskFactory(plan=plan, lead_unit=unit))
    staff = MembershipFactory(unit=unit, role=Role.STAFF).user
    submit(desk, desk.amount, "30", capture=django_capture_on_commit_callbacks)
    submit(desk, target, "4", by=staff, unit=unit, capture=django_capture_on_commit_callbacks)
    assert sorted(sent) == sorted([(desk.plan.pk, 3), (plan.pk, 3)])


def test_without_a_window_each_change_sends_at_once(desk, sent, settings, django_capture_on_commit_callbacks):
    settings.RECOMPUTE_COALESCE_SECONDS = 0
    submit(desk, desk.amount, "30", capture=django_capture_on_commit_callbacks)
    submit(desk, desk.count, "5", capture=django_capture_on_commit_callbacks)
    assert sent == [(desk.plan.pk, None), (desk.plan.pk, None)]


def test_a_refused_message_leaves_the_marks_and_reopens_the_window(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(recompute_owed, "apply_async", refused)
    result = submit(desk, desk.amount, "30", capture=django_capture_on_commit_callbacks)
    assert result.submitted == 1  # the user's submission stands
    assert PendingRecompute.objects.filter(target=desk.amount).exists()  # the catch-up pays it
    assert cache.get(_window_key(desk.plan.pk)) is None  # the next change tries again


def test_a_message_run_at_once_is_never_coalesced(desk, sent, django_capture_on_commit_callbacks):
    """Eager (tests, a first look without a worker): the message runs before the next change
    commits, so a window would leave that change unpaid until the catch-up."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        submit(desk, desk.amount, "30", capture=django_capture_on_commit_callbacks)
        submit(desk, desk.count, "5", capture=django_capture_on_commit_callbacks)
    finally:
        app.conf.task_always_eager = before
    assert sent == [(desk.plan.pk, None), (desk.plan.pk, None)]


def test_with_the_cache_down_each_change_sends_its_own_message(desk, sent, django_capture_on_commit_callbacks):
    from core import shared_cache
    from tests.core.test_shared_cache import Down

    with mock.patch.object(shared_cache, "cache", Down()):
        submit(desk, desk.amount, "30", capture=django_capture_on_commit_callbacks)
        submit(desk, desk.count, "5", capture=django_capture_on_commit_callbacks)
    assert sent == [(desk.plan.pk, 3), (desk.plan.pk, 3)]  # nothing unpaid, only less coalesced
