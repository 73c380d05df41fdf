"""A plan whose results look ahead (targets.outlook), for the pages that
show the way ahead: the target page, the dashboard, supervision's lists. Its
figures are recomputed by the Python engine path, so the pages read what the
engine stored. 2014; the month viewed is September (the clock stands on
20 October).

- 固定资产投资 (headline), 240亿元, last year back-loaded (220 by December,
  148 by September: 67.3%); 158 by September: 65.8% done, 27.33亿元 a
  month still needed against 17.56 so far, projected 234.86 (210.81–258.91):
  heading for a miss, and lagging on either time basis.
- 规上工业总产值 (headline), 500亿元, last year 40 a month; 380 by
  September, 76% done: on track on either basis, projected 506.67 with a
  band reaching below 500: at risk.
- 实际利用外资, 12亿美元, last year front-loaded (9.6 of 10.8 by September:
  88.9%); 9.6 by September, 80% done: ahead of the straight line (75%), so
  on track in a plan judged on it, yet projected 10.8: heading for a miss
  before it turns red; behind seasonal progress in a seasonal plan.
- 新开工项目, 18个, without last year's figures: 18 by September, reached.
"""

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

from django.utils import timezone

from plans.choices import TimeBasis
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from zones.choices import Role

TODAY = dt.date(2014, 10, 20)
INVESTMENT_LAST_YEAR = [5, 12, 25, 40, 58, 80, 100, 122, 148, 170, 190, 220]
INVESTMENT_THIS_YEAR = [6, 13, 27, 42, 61, 84, 106, 130, 158]
OUTPUT_LAST_YEAR = [40 * m for m in range(1, 13)]
OUTPUT_THIS_YEAR = [42 * m for m in range(1, 9)] + [380]
FOREIGN_LAST_YEAR = ["2", "3.5", "5", "6", "7", "8", "8.6", "9.2", "9.6", "10", "10.4", "10.8"]
FOREIGN_THIS_YEAR = ["1.8", "3.2", "4.6", "5.5", "6.4", "7.3", "8", "8.8", "9.6"]


def approve(target, month, value):
    sent = timezone.make_aware(dt.datetime(2014, month + 1, 3))
    return ReportFactory(
        target=target,
        year=2014,
        month=month,
        value=D(str(value)),
        status=ReportStatus.APPROVED,
        submitted_at=sent,
        approved_at=sent,
    )


def by_month(figures):
    return {str(month): str(value) for month, value in enumerate(figures, start=1)}


def seasonal_plan(time_basis=TimeBasis.SEASONAL):
    plan = PlanFactory(start_year=2014, end_year=2014, status="published", time_basis=time_basis)
    unit = UnitFactory(zone=plan.zone, name="经济发展局")
    leader = MembershipFactory(unit=None, zone=plan.zone, role=Role.LEADER, user=UserFactory(first_name="李明")).user
    task = TaskFactory(plan=plan, lead_unit=unit, leader=leader, heading="推进重点项目建设", number="1.", order=1)
    investment = TargetFactory(
        task=task,
        indicator="固定资产投资",
        unit="亿元",
        value=D(240),
        is_headline=True,
        baseline_by_month=by_month(INVESTMENT_LAST_YEAR),
        order=1,
    )
    output = TargetFactory(
        task=task,
        indicator="规上工业总产值",
        unit="亿元",
        value=D(500),
        is_headline=True,
        baseline_by_month=by_month(OUTPUT_LAST_YEAR),
        order=2,
    )
    foreign = TargetFactory(
        task=task,
        indicator="实际利用外资",
        unit="亿美元",
        value=D(12),
        baseline_by_month=by_month(FOREIGN_LAST_YEAR),
        order=3,
    )
    projects = TargetFactory(task=task, indicator="新开工项目", unit="个", value=D(18), order=4)
    for month in range(1, 10):
        approve(investment, month, INVESTMENT_THIS_YEAR[month - 1])
        approve(output, month, OUTPUT_THIS_YEAR[month - 1])
        approve(foreign, month, FOREIGN_THIS_YEAR[month - 1])
        approve(projects, month, 2 * month)
    targets_recompute(targets=[investment, output, foreign, projects], plan=plan, as_of=TODAY)
    return SimpleNamespace(
        plan=plan,
        leader=leader,
        unit=unit,
        task=task,
        investment=investment,
        output=output,
        foreign=foreign,
        projects=projects,
    )
