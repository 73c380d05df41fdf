"""The set-based recompute (progress.engine.bulk) against the one definition.

Every case of the metrics table, and a few dozen random multi-period targets,
go through both the Python path (services.targets_recompute) and the SQL path
(bulk.plans_recompute_sql); their stored results and flags must be identical.
"""

import datetime as dt
import random
import re
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from plans.choices import Frequency
from progress.choices import ReportStatus
from progress.engine.bulk import plan_groups, plan_recompute_sql, plans_recompute_parallel, plans_recompute_sql
from progress.engine.recompute import targets_recompute
from targets.choices import Standing
from targets.models import Target, TargetFlag, TargetResult, TaskFlag, TaskResult
from targets.task_items import task_items_ensure
from tests.factories import PlanFactory, ReportFactory, TargetFactory, TaskFactory
from tests.progress.engine.test_recompute import SEQUENCES, as_row, sequence_report, sequence_target
from tests.targets.test_metrics import CASES
from tests.targets.test_outlook import AHEAD, AHEAD_COLUMNS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the set-based path is PostgreSQL SQL (CI runs PostgreSQL); elsewhere the Python path runs",
    ),
]

RESULT_COLUMNS = (
    "status", "reason", "reporting", "actual", "completion", "expected", "gap", "data_year", "data_month",
    "expected_seasonal", "pace_needed", "pace_so_far", "projected", "projected_low", "projected_high", "outlook",
)  # fmt: skip
FLAG_COLUMNS = ("change", "from_status", "to_status")
TASK_COLUMNS = ("status", "decided_by_id")


def report(target, year, month, value, status=ReportStatus.APPROVED, sent_at=None):
    now = sent_at or timezone.now()
    extra = {}
    if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        extra["submitted_at"] = now
    if status == ReportStatus.APPROVED:
        extra["approved_at"] = now
    if status == ReportStatus.RETURNED:
        extra.update(returned_at=now, return_reason="数字有误")
    return ReportFactory(
        target=target, year=year, month=month, value=None if value is None else D(str(value)), status=status, **extra
    )


def stored(plans) -> tuple[dict, dict]:
    """The results and flags of the plans' targets, keyed by (target, year,
    month), and beside them their tasks' (keyed ("task", task, year, month)):
    every agreement of the two paths is an agreement on the tasks too."""
    results = {
        (row["target_id"], row["year"], row["month"]): tuple(row[name] for name in RESULT_COLUMNS)
        for row in TargetResult.objects.filter(target__task__plan__in=plans).values(
            "target_id", "year", "month", *RESULT_COLUMNS
        )
    }
    flags = {
        (row["target_id"], row["year"], row["month"]): tuple(row[name] for name in FLAG_COLUMNS)
        for row in TargetFlag.objects.filter(target__task__plan__in=plans).values(
            "target_id", "year", "month", *FLAG_COLUMNS
        )
    }
    for row in TaskResult.objects.filter(task__plan__in=plans).values("task_id", "year", "month", *TASK_COLUMNS):
        results["task", row["task_id"], row["year"], row["month"]] = tuple(row[name] for name in TASK_COLUMNS)
    for row in TaskFlag.objects.filter(task__plan__in=plans).values("task_id", "year", "month", *FLAG_COLUMNS):
        flags["task", row["task_id"], row["year"], row["month"]] = tuple(row[name] for name in FLAG_COLUMNS)
    return results, flags


def python_path(plans, as_of):
    for plan in plans:
        targets = list(Target.objects.filter(task__plan=plan).order_by("pk"))
        targets_recompute(targets=targets, plan=plan, as_of=as_of)


def sql_path(plans, as_of):
    return plans_recompute_sql(plan_ids=[plan.pk for plan in plans], as_of=as_of)


def clear(plans):
    TargetResult.objects.filter(target__task__plan__in=plans).delete()
    TargetFlag.objects.filter(target__task__plan__in=plans).delete()
    TaskResult.objects.filter(task__plan__in=plans).delete()
    TaskFlag.objects.filter(task__plan__in=plans).delete()


def both_paths(plans, as_of):
    """Run each path from empty tables; return what each stored."""
    clear(plans)
    python_path(plans, as_of)
    by_python = stored(plans)
    clear(plans)
    sql_path(plans, as_of)
    by_sql = stored(plans)
    return by_python, by_sql


def assert_agree(by_python, by_sql, label=""):
    (python_results, python_flags), (sql_results, sql_flags) = by_python, by_sql
    assert python_results, f"{label}: nothing was judged"
    assert sql_results.keys() == python_results.keys(), label
    for key, expected in python_results.items():
        assert sql_results[key] == expected, f"{label} {key}: SQL {sql_results[key]} != Python {expected}"
    assert sql_flags == python_flags, label


# The metrics table, as targets in the database.


def _plan_and_target_for(name, kw):
    start, end = kw.get("span", (dt.date(2014, 1, 1), dt.date(2014, 12, 31)))
    kind = kw.get("kind", "amount")
    plan_end_year = end.year if (end.month, end.day) == (12, 31) else start.year
    deadline = end if kind == "milestone" or end != dt.date(plan_end_year, 12, 31) else None
    plan = PlanFactory(
        start_year=start.year,
        end_year=plan_end_year,
        jan_feb_combined="January-February" in name,
        time_basis=kw.get("time_basis", "linear"),
    )
    value = kw.get("value", "100")
    target = TargetFactory(
        task=TaskFactory(plan=plan),
        kind=kind,
        value=None if value is None else D(value),
        comparator=kw.get("comparator", ">="),
        value_high=kw.get("value_high"),
        stretch=kw.get("stretch"),
        start_value=kw.get("start_value"),
        reported_as=kw.get("reported_as", "rate"),
        baseline=D(1) if kw.get("reported_as") == "amount" else None,
        baseline_by_month=_json_months(kw.get("baseline_by_month")),
        trajectory=_json_months(kw.get("trajectory")),
        deadline=deadline,
        frequency=Frequency.QUARTERLY if "quarterly" in name else Frequency.MONTHLY,
        unit=kw.get("unit", ""),
    )
    return plan, target


def _json_months(months):
    return None if months is None else {str(month): str(value) for month, value in months.items()}


@pytest.mark.parametrize(
    ("name", "kw", "month", "actual", "status", "completion", "expected", "gap", "reason"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_every_case_of_the_table_is_judged_alike_by_both_paths(
    name, kw, month, actual, status, completion, expected, gap, reason
):
    plan, target = _plan_and_target_for(name, kw)
    year = plan.start_year
    report(target, year, month, actual)
    by_python, by_sql = both_paths([plan], dt.date(plan.end_year, 12, 31))
    assert_agree(by_python, by_sql, name)
    # The rows are the table's case, so the agreement covers what the table pins.
    as_stored = dict(zip(RESULT_COLUMNS, by_sql[0][(target.pk, year, month)], strict=True))
    as_table = tuple(None if figure is None else D(figure) for figure in (completion, expected, gap))
    judged = tuple(as_stored[name] for name in ("status", "reason", "completion", "expected", "gap"))
    assert judged == (status, reason, *as_table), name


@pytest.mark.parametrize(
    AHEAD_COLUMNS,
    AHEAD,
    ids=[case[0] for case in AHEAD],
)
def test_every_case_of_the_ahead_table_is_stored_alike_by_both_paths(
    name, kw, shapes, month, actual, data_month, needed, so_far, projected, low, high, outlook
):
    """The way ahead (targets.outlook) as both paths store it: the figures of
    the table, the band from the plan's other amounts with last year's
    figures."""
    kw = dict(kw)
    _, end = kw.pop("span", (dt.date(2014, 1, 1), dt.date(2014, 12, 31)))
    plan = PlanFactory(start_year=2014, end_year=2014, time_basis=kw.pop("time_basis", "linear"))
    task = TaskFactory(plan=plan)
    value = kw.pop("value", "100")
    target = TargetFactory(
        task=task,
        kind=kw.pop("kind", "amount"),
        value=D(value),
        start_value=kw.pop("start_value", None),
        baseline_by_month=_json_months(kw.pop("baseline_by_month", None)),
        deadline=end if end != dt.date(2014, 12, 31) else None,
    )
    assert not kw, kw
    for shape in shapes:
        TargetFactory(task=task, kind="amount", value=D(100), baseline_by_month=_json_months(shape))
    if actual is not None:
        report(target, 2014, data_month, actual)
    by_python, by_sql = both_paths([plan], dt.date(2014, 12, 31))
    assert_agree(by_python, by_sql, name)
    as_stored = dict(zip(RESULT_COLUMNS, by_sql[0][(target.pk, 2014, month)], strict=True))
    figures = ("pace_needed", "pace_so_far", "projected", "projected_low", "projected_high")
    as_table = tuple(None if figure is None else D(figure) for figure in (needed, so_far, projected, low, high))
    assert (*(as_stored[name] for name in figures), as_stored["outlook"]) == (*as_table, outlook), name


@pytest.mark.parametrize(
    ("name", "kw", "reports", "month", "as_of", "expected"), SEQUENCES, ids=[case[0] for case in SEQUENCES]
)
def test_every_sequence_is_judged_alike_by_both_paths(name, kw, reports, month, as_of, expected):
    target = sequence_target(kw)
    for report_ in reports:
        sequence_report(target, *report_)
    plan = target.task.plan
    assert_agree(*both_paths([plan], as_of), name)
    assert as_row(TargetResult.objects.get(target=target, month=month)) == expected, name


# Random targets over several periods.


def _random_target(rng: random.Random, task, plan):
    kind = rng.choice(["amount"] * 4 + ["growth_rate", "decrease", "ratio", "ceiling", "milestone"])
    value = D(rng.choice(["0", "4", "10", "15", "18", "50", "118", "130"]))
    fields = {"kind": kind, "value": value, "frequency": Frequency.MONTHLY}
    if rng.random() < 0.25 and kind != "milestone":
        fields["frequency"] = Frequency.QUARTERLY
    if kind == "amount":
        roll = rng.random()
        if roll < 0.2 and value > 0:
            fields.update(comparator="range", value_high=value * 2)
        elif roll < 0.35 and value > 0:
            fields["stretch"] = value + 5
        elif roll < 0.55:
            fields["start_value"] = D(rng.choice(["0", "3", "69", "130", "200"]))
        elif roll < 0.75:
            months = sorted(rng.sample(range(1, 13), rng.randint(1, 4)))
            fields["trajectory"] = {str(m): str(round(value * m / 12 + rng.randint(-3, 3), 2)) for m in months}
            if rng.random() < 0.2 and months[0] < 10:  # the same month twice: the later key wins in both paths
                fields["trajectory"][f"0{months[0]}"] = str(round(value / 3, 2))
        if rng.random() < 0.3:
            fields["deadline"] = dt.date(plan.start_year, rng.choice([3, 6, 9]), rng.choice([15, 28]))
        if rng.random() < 0.6:
            fields["baseline_by_month"] = _random_last_year(rng, value)
    elif kind in ("growth_rate", "decrease"):
        if kind == "growth_rate" and rng.random() < 0.2:
            fields["value"] = -value
        if rng.random() < 0.5:
            fields.update(reported_as="amount", baseline=D(100))
            fields["baseline_by_month"] = {
                str(m): rng.choice(["0", "-5", "80", "100", "123.45"]) for m in range(1, 13) if rng.random() < 0.8
            }
    elif kind == "ceiling":
        fields["comparator"] = "<="
    elif kind == "milestone":
        fields["value"] = None if rng.random() < 0.5 else D(100)
        fields["deadline"] = dt.date(rng.choice([plan.start_year, plan.end_year]), rng.randint(1, 12), 28)
    return TargetFactory(task=task, **fields)


def _random_last_year(rng: random.Random, value: D) -> dict[str, str]:
    """Last year's year-to-date figures of an amount: rising, now and then
    falling or negative, months missing (interpolated), sometimes no December
    (no share) or a total of 0."""
    months = sorted(rng.sample(range(1, 13), rng.randint(1, 12)))
    if rng.random() < 0.7 and 12 not in months:
        months.append(12)
    scale = value or D(10)
    figures = {str(m): str((scale * D(m * rng.randint(60, 140)) / 1200).quantize(D("0.01"))) for m in months}
    roll = rng.random()
    if roll < 0.1:
        figures[str(months[0])] = rng.choice(["-5", "0"])
    elif roll < 0.15:
        figures[str(months[-1])] = "0"
    return figures


def _random_figure(rng: random.Random, target) -> D:
    if target.kind == "milestone":
        return D(rng.choice(["0", "12.5", "33.3", "50", "99.95", "100", "120"]))
    if target.kind in ("growth_rate", "decrease", "ratio"):
        if target.reported_as == "amount":
            return D(rng.choice(["0", "50", "98", "100", "108.05", "115", "130"]))
        return D(rng.choice(["-3", "-0.04", "0", "0.05", "2.95", "9.95", "12", "15", "16.75", "60"]))
    scale = target.value or D(10)
    return (scale * D(rng.randint(-5, 130)) / 100).quantize(D("0.0001"))


@pytest.mark.parametrize("seed", range(8))
def test_random_targets_over_many_periods_agree(seed):
    rng = random.Random(seed)
    plans = [
        PlanFactory(start_year=2014, end_year=2014, time_basis="seasonal"),
        PlanFactory(start_year=2014, end_year=2014, jan_feb_combined=True, due_day=10),
        PlanFactory(start_year=2020, end_year=2022, amount_lag_points=D(5), rate_lag_points=D("1.5")),
        PlanFactory(
            start_year=2014, end_year=2015, ceiling_lag_percent=D(20), milestone_lag_points=D(10), time_basis="seasonal"
        ),
    ]
    for plan in plans:
        task = TaskFactory(plan=plan)
        for _ in range(12):
            target = _random_target(rng, task, plan)
            for year in range(plan.start_year, plan.end_year + 1):
                for month in range(1, 13):
                    roll = rng.random()
                    if roll < 0.15:
                        continue  # not reported
                    status = ReportStatus.APPROVED
                    if roll < 0.22:
                        status = ReportStatus.DRAFT  # drafts and returned reports do not count
                    elif roll < 0.26:
                        status = ReportStatus.RETURNED
                    elif roll < 0.5:
                        status = ReportStatus.SUBMITTED
                    due = dt.date(year + month // 12, month % 12 + 1, plan.due_day)
                    sent_on = due + dt.timedelta(days=rng.choice([-3, 0, 1, 9]))  # on time or late
                    sent_at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(rng.choice([0, 12, 23]))))
                    report(target, year, month, _random_figure(rng, target), status, sent_at=sent_at)
    for as_of in (dt.date(2014, 7, 3), dt.date(2014, 8, 20), dt.date(2015, 1, 31), dt.date(2022, 12, 31)):
        assert_agree(*both_paths(plans, as_of), f"seed {seed}, as of {as_of}")
        # From empty tables the SQL path inserts without comparing (its fresh writes); with
        # anything stored it writes the difference: the two store the same rows.
        fresh = stored(plans)
        clear(plans)
        first = Target.objects.filter(task__plan=plans[0]).order_by("pk").first()
        targets_recompute(targets=[first], plan=plans[0], as_of=as_of)
        sql_path(plans, as_of)
        assert stored(plans) == fresh, f"seed {seed}, as of {as_of}: the difference path"
    # The seeds reach the way ahead: seasonal shares, projections met and missed.
    looked = TargetResult.objects.filter(target__task__plan__in=plans)
    assert looked.filter(expected_seasonal__isnull=False).exists(), seed
    assert {"meet", "miss"} <= set(looked.values_list("outlook", flat=True)), seed


# Tasks: each task's own status per period (targets.task_status), stored by both paths alike.


@pytest.mark.parametrize("seed", range(4))
def test_random_tasks_agree(seed):
    """Tasks with their items and stated targets of mixed weights, kinds and
    frequencies: the statuses stored per task and period, the deciding target
    and the flags agree, from empty tables and when only some targets were
    recomputed before (the difference path)."""
    rng = random.Random(1000 + seed)
    plans = [PlanFactory(start_year=2014, end_year=2014), PlanFactory(start_year=2014, end_year=2015, due_day=10)]
    for plan in plans:
        for number in range(1, 6):
            task = TaskFactory(plan=plan, number=f"{number}.", path=str(number), order=number)
            for order in range(rng.choice([0, 1, 2, 3, 4])):
                target = _random_target(rng, task, plan)
                target.weight, target.order = D(rng.choice(["0.5", "1", "1", "2"])), order + 1
                target.save()
        task_items_ensure(plan)
        for target in Target.objects.filter(task__plan=plan):
            for year in range(plan.start_year, plan.end_year + 1):
                for month in range(1, 13):
                    if rng.random() < 0.25:
                        continue  # not reported: the latest figure is carried, or there is none
                    status = ReportStatus.APPROVED if rng.random() < 0.85 else ReportStatus.SUBMITTED
                    if target.kind == "task":
                        value = D(
                            rng.choice([Standing.LAGGING, Standing.ON_SCHEDULE, Standing.ON_SCHEDULE, Standing.DONE])
                        )
                    else:
                        value = _random_figure(rng, target)
                    report(target, year, month, value, status)
    for as_of in (dt.date(2014, 2, 28), dt.date(2014, 8, 20), dt.date(2015, 12, 31)):
        by_python, by_sql = both_paths(plans, as_of)
        assert_agree(by_python, by_sql, f"seed {seed}, as of {as_of}")
        assert any(key[0] == "task" for key in by_sql[0]), "no task was judged"
        fresh = stored(plans)
        clear(plans)
        some = list(Target.objects.filter(task__plan=plans[0]).order_by("pk")[:3])
        targets_recompute(targets=some, plan=plans[0], as_of=as_of)
        sql_path(plans, as_of)
        assert stored(plans) == fresh, f"seed {seed}, as of {as_of}: the difference path"


def test_a_quarterly_target_stands_for_its_task_through_the_months_after_its_quarter(db):
    """A task with a monthly item and a quarterly target: the target's March
    result (seriously lagging) decides April and May too, flagged once, and
    June's result (on track) hands the task back to its item."""
    plan = PlanFactory(start_year=2014, end_year=2014)
    task = TaskFactory(plan=plan, number="1.", path="1")
    output = TargetFactory(task=task, indicator="产值", kind="amount", value=D(100), frequency=Frequency.QUARTERLY)
    task_items_ensure(plan)
    item = Target.objects.get(task=task, kind="task")
    for month in range(1, 7):
        report(item, 2014, month, D(Standing.ON_SCHEDULE))
    report(output, 2014, 3, D(5))
    report(output, 2014, 6, D(60))
    by_python, by_sql = both_paths([plan], dt.date(2014, 6, 30))
    assert_agree(by_python, by_sql, "quarterly")
    rows = {key[-1]: row for key, row in by_sql[0].items() if key[0] == "task"}
    assert rows == {
        1: ("on_track", item.pk),
        2: ("on_track", item.pk),
        3: ("serious", output.pk),
        4: ("serious", output.pk),
        5: ("serious", output.pk),
        6: ("on_track", output.pk),  # a tie names the stated target
    }
    flags = sorted((key[-1], *flag) for key, flag in by_sql[1].items() if key[0] == "task")
    assert flags == [(3, "raised", "on_track", "serious"), (6, "recovered", "serious", "on_track")]


# Writing only what changed.


@pytest.fixture
def plan_with_targets(db):
    plan = PlanFactory(start_year=2014, end_year=2014)
    task = TaskFactory(plan=plan)
    investment = TargetFactory(task=task, kind="amount", value=D(100))
    growth = TargetFactory(task=task, kind="growth_rate", value=D(10))
    for month in range(1, 7):
        report(investment, 2014, month, D(100) * month / 12)
        report(growth, 2014, month, D(11))
    return plan, investment, growth


def test_a_second_run_writes_nothing_and_keeps_the_stamps(plan_with_targets):
    plan, *_ = plan_with_targets
    as_of = dt.date(2014, 8, 10)
    first = plan_recompute_sql(plan=plan, as_of=as_of)
    # One flag: the investment's July carries June's 50% against 58.3% (lagging);
    # the growth's July carries June's 11% against its 10% target (on track).
    assert first == {"targets": 2, "results_written": 14, "results_deleted": 0, "flags_written": 1}
    stamps = dict(TargetResult.objects.values_list("pk", "computed_at"))
    flag_stamps = dict(TargetFlag.objects.values_list("pk", "at"))
    second = plan_recompute_sql(plan=plan, as_of=as_of)
    assert second == {"targets": 2, "results_written": 0, "results_deleted": 0, "flags_written": 0}
    assert dict(TargetResult.objects.values_list("pk", "computed_at")) == stamps
    assert dict(TargetFlag.objects.values_list("pk", "at")) == flag_stamps


def test_each_path_finds_nothing_to_change_after_the_other(plan_with_targets):
    plan, investment, growth = plan_with_targets
    as_of = dt.date(2014, 8, 10)
    targets = [investment, growth]
    targets_recompute(targets=targets, plan=plan, as_of=as_of)
    assert plan_recompute_sql(plan=plan, as_of=as_of)["results_written"] == 0
    clear([plan])
    plan_recompute_sql(plan=plan, as_of=as_of)
    assert targets_recompute(targets=targets, plan=plan, as_of=as_of)["results_written"] == 0


def test_periods_no_longer_judged_are_deleted(plan_with_targets):
    plan, _, growth = plan_with_targets
    plan_recompute_sql(plan=plan, as_of=dt.date(2014, 8, 10))
    Target.objects.filter(pk=growth.pk).update(frequency=Frequency.QUARTERLY)
    counts = plan_recompute_sql(plan=plan, as_of=dt.date(2014, 8, 10))
    assert counts["results_deleted"] == 5  # growth keeps June only of Jan–Jul
    assert sorted(TargetResult.objects.filter(target=growth).values_list("month", flat=True)) == [3, 6]


def test_a_changed_report_rewrites_only_its_targets_rows(plan_with_targets):
    plan, investment, _ = plan_with_targets
    as_of = dt.date(2014, 8, 10)
    plan_recompute_sql(plan=plan, as_of=as_of)
    before = {(r.target_id, r.month): (r.status, r.computed_at) for r in TargetResult.objects.all()}
    investment.reports.filter(month=4).update(value=D(5))  # seriously behind in April only
    counts = plan_recompute_sql(plan=plan, as_of=as_of)
    after = {(r.target_id, r.month): (r.status, r.computed_at) for r in TargetResult.objects.all()}
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {(investment.pk, 4)}
    assert after[(investment.pk, 4)][0] == "serious"
    assert counts["results_written"] == 1
    assert counts["flags_written"] == 2  # raised in April, recovered in May


# Flags.


def test_red_in_march_and_recovered_in_may_is_flagged_alike_by_both_paths(db):
    plan = PlanFactory(start_year=2014, end_year=2014)
    target = TargetFactory(task=TaskFactory(plan=plan), kind="amount", value=D(100))
    for month, value in [(1, "8.3"), (2, "16.7"), (3, "5"), (4, "20"), (5, "45")]:
        report(target, 2014, month, value)
    by_python, by_sql = both_paths([plan], dt.date(2014, 5, 31))
    assert_agree(by_python, by_sql, "flags")
    expected = [(3, "raised", "on_track", "serious"), (5, "recovered", "serious", "on_track")]
    assert sorted((key[-1], *flag) for key, flag in by_sql[1].items() if key[0] != "task") == expected
    # Its task, decided by it alone, changes with it.
    assert sorted((key[-1], *flag) for key, flag in by_sql[1].items() if key[0] == "task") == expected


# The benchmark command.


@pytest.mark.django_db(transaction=True)  # its two jobs read committed data on connections of their own
def test_the_bench_command_runs_small_and_ends_with_its_figures():
    out = StringIO()
    call_command("bench_recompute", zones=3, targets_per_zone=10, months=3, jobs=2, stdout=out)
    lines = out.getvalue().strip().splitlines()
    line = {text.split(":")[0]: text for text in lines}
    written = re.search(r"'results_written': (\d+)", line["recompute, every row new"])
    assert written and int(written[1]) > 0 and line["stored"].startswith(f"stored: {written[1]} results"), lines
    assert "'results_written': 0," in line["recompute, nothing changed"], lines
    assert any(text.startswith("for comparison, the floor's rows into a logged table") for text in lines), lines
    summary, ratios = lines[-2:]
    assert re.fullmatch(
        r"recompute: 30 targets, 90 reports in \d+\.\d+ s \(\d+ reports/s\); floor \d+\.\d+ s; ratio \d+\.\d+", summary
    ), summary
    assert re.fullmatch(r"ratio to the durable floor: \d+\.\d+; to the result-shaped one: \d+\.\d+", ratios), ratios
    assert not Target.objects.filter(task__plan__zone__code__startswith="bench-").exists()


# Recomputing groups of plans at once.


def test_plans_are_grouped_by_their_targets_without_splitting_one(db):
    sizes = [40, 5, 5, 30, 10, 10]
    plans = []
    for size in sizes:
        plan = PlanFactory(start_year=2014, end_year=2014)
        task = TaskFactory(plan=plan)
        TargetFactory.create_batch(size, task=task, kind="amount", value=D(1))
        plans.append(plan.pk)
    groups = plan_groups(list(reversed(plans)), groups=2)
    assert [pk for group in groups for pk in group] == sorted(plans)
    assert [sum(sizes[plans.index(pk)] for pk in group) for group in groups] == [50, 50]
    assert plan_groups(plans, groups=1) == [sorted(plans)]
    assert len(plan_groups(plans, groups=10)) == len(plans)


@pytest.mark.django_db(transaction=True)  # the groups run on connections of their own
def test_plans_recomputed_in_parallel_store_what_one_statement_stores():
    rng = random.Random(7)
    plans = []
    for _ in range(4):
        plan = PlanFactory(start_year=2014, end_year=2014)
        task = TaskFactory(plan=plan)
        for kind in ("amount", "growth_rate", "ceiling", "ratio"):
            target = TargetFactory(
                task=task, kind=kind, value=D(rng.choice((5, 10, 80))), comparator=">=" if kind != "ceiling" else "<="
            )
            for month in range(1, 7):
                report(target, 2014, month, D(rng.randint(0, 120)))
        plans.append(plan)
    as_of = dt.date(2014, 8, 20)
    sql_path(plans, as_of)
    one_statement = stored(plans)
    clear(plans)
    counts = plans_recompute_parallel(plan_ids=[plan.pk for plan in plans], as_of=as_of, jobs=2)
    assert stored(plans) == one_statement
    assert counts["targets"] == 16
    target_results = [key for key in one_statement[0] if key[0] != "task"]
    assert counts["results_written"] == len(target_results) == 16 * 7  # January to July
    assert len(one_statement[0]) - len(target_results) == 4 * 7  # and each plan's task
    again = plans_recompute_parallel(plan_ids=[plan.pk for plan in plans], as_of=as_of, jobs=2)
    assert again == {"targets": 16, "results_written": 0, "results_deleted": 0, "flags_written": 0}


# The reporting start (plans.periods.period_judged).


def test_plans_with_and_without_a_reporting_start_agree_in_one_statement(db):
    started = PlanFactory(start_year=2014, end_year=2014, reports_from=dt.date(2014, 10, 1))
    plain = PlanFactory(start_year=2014, end_year=2014)
    for plan in (started, plain):
        target = TargetFactory(task=TaskFactory(plan=plan), kind="amount", value=D(100))
        for month in (3, 6, 9):
            report(target, 2014, month, D(20) * month / 3)
    by_python, by_sql = both_paths([started, plain], dt.date(2014, 10, 20))
    assert_agree(by_python, by_sql, "reporting start")
    months = sorted({key[-1] for key in by_sql[0] if key[0] != "task" and key[0] in started_targets(started)})
    assert months == [10]  # October under way is judged: the start's month, from its first day


def started_targets(plan) -> set[int]:
    return set(Target.objects.filter(task__plan=plan).values_list("pk", flat=True))
