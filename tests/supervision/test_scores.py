"""Monthly and annual assessment: a unit's score from capped, weighted
completion, on-time reporting and deductions, under the plan's rules."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from supervision.choices import ScoreMode
from supervision.models import SupervisionRule
from supervision.selectors import ranking_title, score_of, unit_scores
from supervision.services import notices_escalate
from targets.choices import Standing
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.factories import TaskFactory
from tests.supervision.conftest import AS_OF, approve

pytestmark = pytest.mark.django_db


def by_name(scores):
    return {s.name: s for s in scores}


def test_the_monthly_score_adds_completion_and_on_time_reporting_and_deducts_red_targets(zone):
    scores = unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today)
    econ, invest = by_name(scores)["经济发展局"], by_name(scores)["招商局"]
    # 经济发展局: completion (50 + 12 + 83.3 + 50) / 4 on approved figures (two carried from May),
    # two of four June reports approved and sent on time, one red target.
    assert (econ.completion, econ.due_reports, econ.on_time, econ.red) == (D("48.8"), 4, 2, 1)
    assert (econ.completion_score, econ.on_time_score, econ.deductions, econ.score) == (
        D("29.3"),
        D("20.0"),
        D("2.0"),
        D("47.3"),
    )
    # 招商局: (33.3 + 45 + 40) / 3, one of three on time (one late, one missing), two red.
    assert (invest.completion, invest.on_time, invest.red, invest.score) == (D("39.4"), 1, 2, D("33.0"))
    assert [s.name for s in scores] == ["经济发展局", "招商局"]
    assert [s.rank for s in scores] == [1, 2]
    assert econ.on_time_rate == D("50.0")


def test_the_annual_score_counts_on_time_reporting_over_the_year_to_the_month(zone):
    scores = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.YEAR, today=zone.today))
    econ, invest = scores["经济发展局"], scores["招商局"]
    assert (econ.due_reports, econ.on_time, econ.score) == (24, 22, D("63.9"))
    assert (invest.due_reports, invest.on_time, invest.score) == (18, 7, D("35.2"))


def test_a_figure_waiting_for_review_counts_neither_as_completion_nor_as_on_time(zone):
    before = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))
    june = zone.returned.reports.get(year=2014, month=6)
    june.status, june.value = ReportStatus.SUBMITTED, D(20)  # 100% if it counted, and sent on time
    june.save()
    targets_recompute(targets=[zone.returned], plan=zone.plan, as_of=AS_OF)
    after = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))
    assert vars(after["经济发展局"]) == vars(before["经济发展局"])
    june.status, june.approved_at = ReportStatus.APPROVED, june.submitted_at
    june.save()
    targets_recompute(targets=[zone.returned], plan=zone.plan, as_of=AS_OF)
    approved = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))
    assert approved["经济发展局"].on_time == 3 and approved["经济发展局"].completion > before["经济发展局"].completion


def test_the_basis_is_named_in_words(zone):
    with translation.override("en"):
        assert (
            ranking_title(mode=ScoreMode.YEAR, period=Period(2014, 8)) == "Ranking of units (Year to date, months 1–8)"
        )
        assert ranking_title(mode=ScoreMode.MONTH, period=Period(2014, 8)) == "Ranking of units (Monthly, Month 8)"


def test_target_weights_weigh_the_completion(zone):
    Target.objects.filter(pk=zone.serious.pk).update(weight=D(3))
    econ = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))[
        "经济发展局"
    ]
    assert econ.completion == D("36.6")  # (50 + 3 × 12 + 83.3 + 50) / 6


def test_the_plans_rules_replace_the_defaults(zone):
    SupervisionRule.objects.create(
        plan=zone.plan,
        completion_points=D(80),
        on_time_points=D(20),
        red_flag_deduction=D(0),
        overdue_notice_deduction=D(10),
    )
    econ = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))[
        "经济发展局"
    ]
    assert econ.score == D("49.0")  # 80 × 48.8% + 20 × 50%


def test_a_notice_answered_late_or_not_at_all_is_deducted_in_its_period(zone, issue, clock_at):
    def econ(period, today):
        return by_name(unit_scores(plan=zone.plan, period=period, mode=ScoreMode.MONTH, today=today))["经济发展局"]

    issue(zone.serious, reply_by=dt.date(2014, 7, 17))
    before = econ(zone.period, dt.date(2014, 7, 17))
    assert before.overdue_notices == 0
    after = econ(zone.period, dt.date(2014, 7, 18))
    assert after.overdue_notices == 1 and after.score == before.score - 5
    clock_at(dt.date(2014, 7, 18))
    notices_escalate(today=dt.date(2014, 7, 18))  # marks it overdue for good
    may = econ(Period(2014, 5), dt.date(2014, 7, 18))
    assert may.overdue_notices == 0  # the notice is about June


def test_the_score_caps_completion_and_never_falls_below_zero():
    rule = SupervisionRule()
    assert score_of(rule=rule, completion=D(150), due_reports=2, on_time=2, red=0, overdue_notices=0)[3] == D(100)
    rule.completion_cap = D(120)
    assert score_of(rule=rule, completion=D(150), due_reports=2, on_time=2, red=0, overdue_notices=0)[3] == D(112)
    assert score_of(rule=rule, completion=D(10), due_reports=2, on_time=0, red=9, overdue_notices=2)[3] == D(0)
    # Nothing due: on-time reporting is not held against the unit.
    assert score_of(rule=rule, completion=None, due_reports=0, on_time=0, red=0, overdue_notices=0)[3] == D(40)


def test_equal_scores_share_a_rank(db):
    from progress.engine.recompute import targets_recompute
    from tests.factories import PlanFactory, TargetFactory, TaskFactory, UnitFactory
    from tests.supervision.conftest import approve

    plan = PlanFactory(status="published")
    targets = []
    for name in ("甲局", "乙局", "丙局"):
        task = TaskFactory(plan=plan, lead_unit=UnitFactory(zone=plan.zone, name=name))
        target = TargetFactory(task=task, value=D(12))
        approve(target, 6, 3 if name == "丙局" else 6)
        targets.append(target)
    targets_recompute(targets=targets, plan=plan, as_of=dt.date(2014, 7, 31))
    scores = unit_scores(plan=plan, period=Period(2014, 6), mode=ScoreMode.MONTH, today=dt.date(2014, 7, 10))
    assert [(s.name, s.rank) for s in scores] == [("乙局", 1), ("甲局", 1), ("丙局", 3)]


def test_scores_take_five_queries_whatever_the_number_of_units(zone, django_assert_num_queries):
    for mode in ScoreMode:
        with django_assert_num_queries(5):
            unit_scores(plan=zone.plan, period=zone.period, mode=mode, today=zone.today)


def test_a_task_item_counts_as_one_item_of_its_task_and_its_unit_loses_when_it_lags(zone):
    """The task item of 经济发展局's third task: done counts 100, on schedule its
    time progress (50% in June), lagging 0, beside the four targets' 48.8
    average; its report counts in on-time reporting like any target's."""
    task = TaskFactory(plan=zone.plan, lead_unit=zone.econ, number="3.", path="3", order=3, heading="深化审批改革")
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    report = approve(item, 6, Standing.ON_SCHEDULE, problems="")

    def econ_with(standing):
        report.value = D(standing)
        report.save()
        targets_recompute(targets=[item], plan=zone.plan, as_of=AS_OF)
        return by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))[
            "经济发展局"
        ]

    on_schedule, lagging, done = (econ_with(s) for s in (Standing.ON_SCHEDULE, Standing.LAGGING, Standing.DONE))
    # (50 + 12 + 83.3 + 50 + the item) / 5
    assert (on_schedule.completion, lagging.completion, done.completion) == (D("49.1"), D("39.1"), D("59.1"))
    assert lagging.score < on_schedule.score < done.score
    assert lagging.score == on_schedule.score - D("6.0")  # 60 completion points × the 10-point drop
    # Two task items are due in June (the first task's and this one), and this one came on time.
    assert (on_schedule.due_reports, on_schedule.on_time, on_schedule.targets, on_schedule.tasks) == (6, 3, 4, 2)
    assert lagging.on_time == on_schedule.on_time and lagging.red == on_schedule.red


def test_an_overdue_task_item_is_a_red_item(zone):
    task = TaskFactory(plan=zone.plan, lead_unit=zone.econ, number="3.", path="3", order=3,
                       heading="深化审批改革", deadline=dt.date(2014, 5, 31))  # fmt: skip
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    before = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))
    approve(item, 6, Standing.ON_SCHEDULE)
    targets_recompute(targets=[item], plan=zone.plan, as_of=AS_OF)
    after = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))
    assert after["经济发展局"].red == before["经济发展局"].red + 1
    assert after["经济发展局"].score < before["经济发展局"].score


def test_months_before_the_reporting_start_count_neither_as_due_nor_on_time(zone):
    from plans.models import Plan

    Plan.objects.filter(pk=zone.plan.pk).update(reports_from=dt.date(2014, 6, 1))
    plan = Plan.objects.get(pk=zone.plan.pk)
    targets_recompute(targets=list(Target.objects.filter(task__plan=plan)), plan=plan, as_of=AS_OF)
    year = by_name(unit_scores(plan=plan, period=zone.period, mode=ScoreMode.YEAR, today=zone.today))
    month = by_name(unit_scores(plan=plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today))
    # Only June is owed: the year to June counts as the month alone (24 due, 22 on time without a start).
    assert (year["经济发展局"].due_reports, year["经济发展局"].on_time) == (4, 2)
    assert (year["经济发展局"].due_reports, year["经济发展局"].on_time) == (
        month["经济发展局"].due_reports,
        month["经济发展局"].on_time,
    )
