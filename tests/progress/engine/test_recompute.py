"""Recomputing stored results and flags: the Python path, the tasks, the
hooks after a report changes, the command, and a real worker."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import JobRun
from progress.choices import ReportStatus
from progress.engine.jobs import plan_claim, plan_release
from progress.engine.outbox import plans_mark
from progress.engine.recompute import target_recompute, targets_recompute
from progress.engine.tasks import recompute_plan, recompute_published_plans, recompute_target
from targets import kinds
from targets.metrics import transition
from targets.models import PendingPlanRecompute, TargetFlag, TargetResult
from tests.factories import PlanFactory, ReportFactory, TargetFactory, TaskFactory

AS_OF = dt.date(2014, 7, 20)


def approved(target, month, value):
    now = timezone.now()
    return ReportFactory(
        target=target,
        year=2014,
        month=month,
        value=D(str(value)),
        status=ReportStatus.APPROVED,
        submitted_at=now,
        approved_at=now,
    )


@pytest.fixture
def target(db):
    plan = PlanFactory(start_year=2014, end_year=2014, status="published")
    return TargetFactory(task=TaskFactory(plan=plan), indicator="固定资产投资", unit="亿元", value=D(120))


def statuses(target):
    return dict(TargetResult.objects.filter(target=target).values_list("month", "status"))


def test_it_judges_every_ended_period_and_stores_the_numbers(target):
    approved(target, 1, 10)
    approved(target, 2, 5)  # 4.2% against 16.7%: seriously lagging
    approved(target, 3, 30)
    target_recompute(target_id=target.pk, as_of=AS_OF)
    result = TargetResult.objects.get(target=target, month=3)
    assert (result.completion, result.expected, result.gap, result.status) == (
        D("25.0"),
        D("25.0"),
        D("0.0"),
        "on_track",
    )
    by_month = statuses(target)
    assert sorted(by_month) == [1, 2, 3, 4, 5, 6]  # July has not ended on 20 July
    assert by_month[2] == "serious"
    # No April figure: March's 25.0% is judged against April's 33.3% (lagging),
    # and the missing report is the reporting status, not the progress status.
    april = TargetResult.objects.get(target=target, month=4)
    assert (april.status, april.completion, april.expected, april.reporting) == (
        "lagging",
        D("25.0"),
        D("33.3"),
        "missing",
    )
    assert (april.data_year, april.data_month) == (2014, 3)


def test_drafts_do_not_count(target):
    ReportFactory(target=target, year=2014, month=1, value=D(100), status=ReportStatus.DRAFT)
    target_recompute(target_id=target.pk, as_of=dt.date(2014, 2, 3))
    assert statuses(target) == {1: "no_data"}
    assert TargetResult.objects.get(target=target).reporting == "not_yet"


# Sequences of reports judged at one period: the rules that need more than one
# period (carried figures, done stays done, pending figures, the reporting
# status). tests/progress/engine/test_bulk.py runs each through the SQL path too.
ON_TIME, LATE = "on time", "late"
SEQUENCES = [
    # id, target kwargs, reports [(month, value, status, when)], month judged, as of,
    # (status, reason, completion, expected, gap, reporting, figure's month)
    # A task item (kinds.TASK): its figure is the task's standing (0 lagging,
    # 1 on schedule, 2 done), judged against the task's deadline.
    (
        "a task reported on schedule is on track",
        {"kind": "task", "value": None},
        [(8, "1", ReportStatus.APPROVED, ON_TIME)],
        8,
        dt.date(2014, 10, 20),
        ("on_track", "standing", None, "66.7", None, "reported", 8),
    ),
    (
        "a task reported lagging is lagging, carried to the next month",
        {"kind": "task", "value": None},
        [(8, "0", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("lagging", "standing", None, "75.0", None, "missing", 8),
    ),
    (
        "a task done stays done past its deadline",
        {"kind": "task", "value": None, "deadline": dt.date(2014, 6, 30)},
        [(5, "2", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("completed", "reached", "100.0", "100.0", None, "missing", 5),
    ),
    (
        "a task on schedule but not done by its deadline is overdue",
        {"kind": "task", "value": None, "deadline": dt.date(2014, 6, 30)},
        [(6, "1", ReportStatus.APPROVED, ON_TIME)],
        7,
        dt.date(2014, 10, 20),
        ("overdue", "past_deadline", None, "100.0", None, "missing", 6),
    ),
    (
        "a task whose standing waits for review is judged without it",
        {"kind": "task", "value": None, "deadline": dt.date(2014, 3, 31)},
        [(4, "2", ReportStatus.SUBMITTED, ON_TIME)],
        4,
        dt.date(2014, 10, 20),
        ("overdue", "past_deadline", None, "100.0", None, "pending", None),
    ),
    (
        "a milestone done in March stays done in September",
        {"kind": "milestone", "value": D(100), "deadline": dt.date(2014, 3, 31)},
        [(3, "100", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("completed", "reached", "100.0", "100.0", "0.0", "missing", 3),
    ),
    (
        "an amount that reached its target stays completed",
        {},
        [(5, "100", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("completed", "reached", "100.0", "75.0", "25.0", "missing", 5),
    ),
    (
        "a later approved figure takes a completed amount back",
        {},
        [(5, "100", ReportStatus.APPROVED, ON_TIME), (6, "90", ReportStatus.APPROVED, ON_TIME)],
        6,
        dt.date(2014, 10, 20),
        ("on_track", "against_time", "90.0", "50.0", "40.0", "reported", 6),
    ),
    (
        "a carried figure falls behind as time passes",
        {},
        [(8, "60", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("serious", "against_time", "60.0", "75.0", "-15.0", "missing", 8),
    ),
    (
        "a figure waiting for review is not counted",
        {},
        [(8, "60", ReportStatus.APPROVED, ON_TIME), (9, "90", ReportStatus.SUBMITTED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("serious", "against_time", "60.0", "75.0", "-15.0", "pending", 8),
    ),
    (
        "nothing approved yet, one waiting for review",
        {},
        [(9, "90", ReportStatus.SUBMITTED, LATE)],
        9,
        dt.date(2014, 10, 20),
        ("no_data", "not_reported", None, "75.0", None, "pending", None),
    ),
    (
        "a report approved after the due day is late",
        {},
        [(9, "75", ReportStatus.APPROVED, LATE)],
        9,
        dt.date(2014, 10, 20),
        ("on_track", "against_time", "75.0", "75.0", "0.0", "late", 9),
    ),
    (
        "a returned report was not reported",
        {},
        [(9, "75", ReportStatus.RETURNED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("no_data", "not_reported", None, "75.0", None, "missing", None),
    ),
    (
        "nothing before the due day is not yet reported",
        {},
        [],
        9,
        dt.date(2014, 10, 3),
        ("no_data", "not_reported", None, "75.0", None, "not_yet", None),
    ),
    (
        "a carried rate reported as an amount keeps its own month's baseline",
        {"kind": "growth_rate", "value": D(10), "reported_as": "amount", "baseline": D(1),
         "baseline_by_month": {"8": "200", "9": "300"}},
        [(8, "224", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("on_track", "against_target", "120.0", None, "2.0", "missing", 8),
    ),
    (
        "an amount never reported past its deadline is overdue",
        {"deadline": dt.date(2014, 6, 30)},
        [],
        7,
        dt.date(2014, 10, 20),
        ("overdue", "past_deadline", None, "100.0", None, "missing", None),
    ),
    # A plan whose reporting starts in September (plans.periods.period_counts):
    # nothing before it is judged; from it on, as any other month.
    (
        "from the reporting start, an unreported month is overdue as any other",
        {"reports_from": dt.date(2014, 9, 1)},
        [],
        9,
        dt.date(2014, 10, 20),
        ("no_data", "not_reported", None, "75.0", None, "missing", None),
    ),
    (
        "a figure approved before the reporting start is not carried into it",
        {"reports_from": dt.date(2014, 9, 1)},
        [(8, "70", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("no_data", "not_reported", None, "75.0", None, "missing", None),
    ),
    (
        "a milestone due before the reporting start is overdue in its first month",
        {"kind": "milestone", "value": None, "deadline": dt.date(2014, 6, 30), "reports_from": dt.date(2014, 11, 1)},
        [],
        11,
        dt.date(2014, 12, 20),
        ("overdue", "past_deadline", None, "100.0", None, "missing", None),
    ),
    (
        "the month of the reporting start is judged, not yet reported, from its first day",
        {"reports_from": dt.date(2014, 9, 1)},
        [],
        9,
        dt.date(2014, 9, 1),
        ("no_data", "not_reported", None, "75.0", None, "not_yet", None),
    ),
    (
        "the month of the reporting start is reported on time like any other",
        {"reports_from": dt.date(2014, 9, 1)},
        [(9, "80", ReportStatus.APPROVED, ON_TIME)],
        9,
        dt.date(2014, 10, 20),
        ("on_track", "against_time", "80.0", "75.0", "5.0", "reported", 9),
    ),
]  # fmt: skip


def sequence_report(target, month, value, status, when):
    """A report of 2014 sent on time (the day before its due day) or late (two days after)."""
    due = dt.date(2014, month + 1, 5) if month < 12 else dt.date(2015, 1, 5)
    sent_on = due - dt.timedelta(days=1) if when == ON_TIME else due + dt.timedelta(days=2)
    sent_at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(12)))
    extra = {}
    if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        extra["submitted_at"] = sent_at
    if status == ReportStatus.APPROVED:
        extra["approved_at"] = sent_at
    if status == ReportStatus.RETURNED:
        extra.update(submitted_at=sent_at, returned_at=sent_at, return_reason="数字有误")
    return ReportFactory(target=target, year=2014, month=month, value=D(value), status=status, **extra)


def sequence_target(kw):
    kw = dict(kw)
    plan = PlanFactory(
        start_year=2014, end_year=2014, status="published", due_day=5, reports_from=kw.pop("reports_from", None)
    )
    fields = {"kind": kinds.AMOUNT.key, "value": D(100), **kw}
    return TargetFactory(task=TaskFactory(plan=plan), **fields)


def as_row(result):
    figures = (result.completion, result.expected, result.gap)
    return (result.status, result.reason, *(None if f is None else str(f) for f in figures), result.reporting,
            result.data_month)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "kw", "reports", "month", "as_of", "expected"), SEQUENCES, ids=[case[0] for case in SEQUENCES]
)
def test_every_sequence_is_judged_as_the_table_says(db, name, kw, reports, month, as_of, expected):
    target = sequence_target(kw)
    for report in reports:
        sequence_report(target, *report)
    target_recompute(target_id=target.pk, as_of=as_of)
    assert as_row(TargetResult.objects.get(target=target, month=month)) == expected


def test_flags_say_red_in_march_and_recovered_in_may(target):
    for month, value in [(1, 10), (2, 20), (3, 20), (4, 25), (5, 50), (6, 60)]:
        approved(target, month, value)
    target_recompute(target_id=target.pk, as_of=AS_OF)
    flags = list(TargetFlag.objects.filter(target=target).values_list("month", "change"))
    assert flags == [(3, "raised"), (4, "escalated"), (5, "recovered")]


def test_a_second_run_changes_no_rows(target):
    approved(target, 1, 10)
    first = target_recompute(target_id=target.pk, as_of=AS_OF)
    assert first["results_written"] == 6
    stamps = list(TargetResult.objects.values_list("computed_at", flat=True))
    again = target_recompute(target_id=target.pk, as_of=AS_OF)
    assert again["results_written"] == 0 and again["flags_written"] == 0
    assert list(TargetResult.objects.values_list("computed_at", flat=True)) == stamps


def test_a_changed_figure_rewrites_only_what_changed(target):
    approved(target, 1, 10)
    target_recompute(target_id=target.pk, as_of=dt.date(2014, 3, 1))
    report = approved(target, 2, 5)
    counts = target_recompute(target_id=target.pk, as_of=dt.date(2014, 3, 1))
    assert counts["results_written"] == 1
    report.value = D(40)
    report.save()
    assert target_recompute(target_id=target.pk, as_of=dt.date(2014, 3, 1))["results_written"] == 1


def test_a_missing_target_is_logged_and_returns_nothing(db):
    assert target_recompute(target_id=987654) is None
    assert recompute_target(987654) is None
    assert JobRun.objects.get(kind="recompute_target").counts == {"missing": 1}


def test_transitions():
    assert transition(None, "lagging") == "raised"
    assert transition("on_track", "overdue") == "raised"
    assert transition("lagging", "serious") == "escalated"
    assert transition("serious", "lagging") == "eased"
    assert transition("serious", "on_track") == "recovered"
    assert transition("on_track", "completed") is None
    assert transition(None, "no_data") is None


def test_the_plan_task_records_its_run_and_refuses_to_run_twice_at_once(target, settings):
    approved(target, 1, 10)
    counts = recompute_plan.apply(args=[target.task.plan_id, AS_OF.isoformat()]).get()
    assert counts["targets"] == 1
    run = JobRun.objects.get(kind="recompute_plan")
    assert run.outcome == "succeeded" and run.counts["targets"] == 1
    assert plan_claim(plan_id=target.task.plan_id)
    assert not plan_claim(plan_id=target.task.plan_id)  # a second claim loses
    plan_release(plan_id=target.task.plan_id)
    assert plan_claim(plan_id=target.task.plan_id)


def test_the_runs_of_the_plan_and_target_tasks_name_their_subject_by_field(target):
    approved(target, 1, 10)
    recompute_plan.apply(args=[target.task.plan_id, AS_OF.isoformat()]).get()
    recompute_target.apply(args=[target.pk, AS_OF.isoformat()]).get()
    named = {run.kind: (run.subject_kind, run.subject_id) for run in JobRun.objects.all()}
    assert named == {"recompute_plan": ("plan", target.task.plan_id), "recompute_target": ("target", target.pk)}
    assert JobRun.objects.get(kind="recompute_plan").subject == f"plan {target.task.plan_id} as of {AS_OF}"


def test_the_nightly_sweep_queues_every_published_plan(target, monkeypatch):
    PlanFactory(status="draft")
    queued = []
    monkeypatch.setattr(recompute_plan, "delay", lambda *args, **kwargs: queued.append((args, kwargs)))
    assert recompute_published_plans("2014-07-20") == 1
    assert queued == [((target.task.plan_id, "2014-07-20"), {"if_owed": True})]


def test_the_command_recomputes_with_progress_and_pays_what_the_plan_owed(target):
    approved(target, 1, 10)
    plans_mark([target.task.plan_id])
    out = StringIO()
    call_command("recompute", "--plan", str(target.task.plan_id), "--as-of", "2014-06", stdout=out)
    assert "[1/1]" in out.getvalue() and "2014-06-30" in out.getvalue()
    assert sorted(statuses(target)) == [1, 2, 3, 4, 5, 6]
    assert not PendingPlanRecompute.objects.exists()


@pytest.mark.django_db(transaction=True)  # its jobs read committed data on connections of their own
def test_the_command_recomputes_plans_side_by_side_with_jobs():
    targets = []
    for _ in range(3):
        plan = PlanFactory(start_year=2014, end_year=2014, status="published")
        target = TargetFactory(task=TaskFactory(plan=plan), kind=kinds.AMOUNT.key, value=D(100))
        approved(target, 1, 10)
        targets.append(target)
    out = StringIO()
    call_command("recompute", "--as-of", "2014-06", "--jobs", "2", stdout=out)
    assert [line[:5] for line in out.getvalue().splitlines()[:3]] == ["[1/3]", "[2/3]", "[3/3]"]
    for target in targets:
        assert sorted(statuses(target)) == [1, 2, 3, 4, 5, 6]
    assert JobRun.objects.filter(finished_at__isnull=False).count() == 3


def test_the_command_refuses_no_jobs(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--jobs"):
        call_command("recompute", "--jobs", "0")


def test_the_command_refuses_a_malformed_month(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("recompute", "--as-of", "June")


def test_milestones_and_quarterly_targets_only_judge_their_periods(db):
    plan = PlanFactory(start_year=2014, end_year=2014, status="published", jan_feb_combined=True)
    task = TaskFactory(plan=plan)
    quarterly = TargetFactory(task=task, frequency="quarterly")
    milestone = TargetFactory(
        task=task, kind=kinds.MILESTONE.key, value=D(100), deadline=dt.date(2014, 6, 30), unit="%"
    )
    targets_recompute(targets=[quarterly, milestone], plan=plan, as_of=dt.date(2014, 8, 1))
    assert sorted(statuses(quarterly)) == [3, 6]
    assert sorted(statuses(milestone)) == [2, 3, 4, 5, 6, 7]
    assert statuses(milestone)[7] == "overdue"  # its date passed, never reported


def test_months_before_the_reporting_start_are_not_judged(db):
    target = sequence_target({"reports_from": dt.date(2014, 9, 1)})
    sequence_report(target, 3, "20", ReportStatus.APPROVED, ON_TIME)
    target_recompute(target_id=target.pk, as_of=dt.date(2014, 11, 20))
    assert sorted(TargetResult.objects.filter(target=target).values_list("month", flat=True)) == [9, 10]


def test_a_month_under_way_is_judged_only_when_it_is_the_reporting_start(db):
    started = sequence_target({"reports_from": dt.date(2014, 9, 1)})
    plain = sequence_target({})
    for target in (started, plain):
        target_recompute(target_id=target.pk, as_of=dt.date(2014, 10, 15))
    assert sorted(TargetResult.objects.filter(target=started).values_list("month", flat=True)) == [9]
    assert sorted(TargetResult.objects.filter(target=plain).values_list("month", flat=True)) == list(range(1, 10))
