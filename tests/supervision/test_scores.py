"""Monthly and annual assessment: a unit's score from capped, weighted
completion, on-time reporting and deductions, under the plan's rules."""

import datetime as dt
from decimal import Decimal as D

import pytest

from progress.periods import Period
from supervision.choices import ScoreMode
from supervision.models import SupervisionRule
from supervision.selectors import score_of, unit_scores
from supervision.services import notices_escalate
from targets.models import Target

pytestmark = pytest.mark.django_db


def by_name(scores):
    return {s.name: s for s in scores}


def test_the_monthly_score_adds_completion_and_on_time_reporting_and_deducts_red_targets(zone):
    scores = unit_scores(plan=zone.plan, period=zone.period, today=zone.today)
    econ, invest = by_name(scores)["经济发展局"], by_name(scores)["招商局"]
    # 经济发展局: completion (50 + 12 + 0 + 0) / 4, two of four June reports on time, three red targets.
    assert (econ.completion, econ.due_reports, econ.on_time, econ.red) == (D("15.5"), 4, 2, 3)
    assert (econ.completion_score, econ.on_time_score, econ.deductions, econ.score) == (
        D("9.3"),
        D("20.0"),
        D("6.0"),
        D("23.3"),
    )
    # 招商局: (33.3 + 45 + 0) / 3, one of three on time (one late), two red.
    assert (invest.completion, invest.on_time, invest.red, invest.score) == (D("26.1"), 1, 2, D("25.0"))
    assert [s.name for s in scores] == ["招商局", "经济发展局"]
    assert [s.rank for s in scores] == [1, 2]
    assert econ.on_time_rate == D("50.0")


def test_the_annual_score_counts_on_time_reporting_over_the_year_to_the_month(zone):
    scores = by_name(unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.YEAR, today=zone.today))
    econ, invest = scores["经济发展局"], scores["招商局"]
    assert (econ.due_reports, econ.on_time, econ.score) == (24, 22, D("40.0"))
    assert (invest.due_reports, invest.on_time, invest.score) == (18, 7, D("27.2"))


def test_target_weights_weigh_the_completion(zone):
    Target.objects.filter(pk=zone.serious.pk).update(weight=D(3))
    econ = by_name(unit_scores(plan=zone.plan, period=zone.period, today=zone.today))["经济发展局"]
    assert econ.completion == D("14.3")  # (50 + 3 × 12) / 6


def test_the_plans_rules_replace_the_defaults(zone):
    SupervisionRule.objects.create(
        plan=zone.plan,
        completion_points=D(80),
        on_time_points=D(20),
        red_flag_deduction=D(0),
        overdue_notice_deduction=D(10),
    )
    econ = by_name(unit_scores(plan=zone.plan, period=zone.period, today=zone.today))["经济发展局"]
    assert econ.score == D("22.4")  # 80 × 15.5% + 20 × 50%


def test_a_notice_answered_late_or_not_at_all_is_deducted_in_its_period(zone, issue, clock_at):
    issue(zone.serious, reply_by=dt.date(2014, 7, 17))
    before = by_name(unit_scores(plan=zone.plan, period=zone.period, today=dt.date(2014, 7, 17)))["经济发展局"]
    assert before.overdue_notices == 0
    after = by_name(unit_scores(plan=zone.plan, period=zone.period, today=dt.date(2014, 7, 18)))["经济发展局"]
    assert after.overdue_notices == 1 and after.score == before.score - 5
    clock_at(dt.date(2014, 7, 18))
    notices_escalate(today=dt.date(2014, 7, 18))  # marks it overdue for good
    may = by_name(unit_scores(plan=zone.plan, period=Period(2014, 5), today=dt.date(2014, 7, 18)))["经济发展局"]
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
    from targets.services import targets_recompute
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
    scores = unit_scores(plan=plan, period=Period(2014, 6), today=dt.date(2014, 7, 10))
    assert [(s.name, s.rank) for s in scores] == [("乙局", 1), ("甲局", 1), ("丙局", 3)]


def test_scores_take_five_queries_whatever_the_number_of_units(zone, django_assert_num_queries):
    with django_assert_num_queries(5):
        unit_scores(plan=zone.plan, period=zone.period, today=zone.today)
