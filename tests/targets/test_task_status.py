"""A task's status in one place (targets.task_status): the worst of its task
item and its heaviest-weighted stated targets, with the deciding one named."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone, translation

from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute, tasks_recompute
from targets.choices import Standing
from targets.models import Target, TargetResult, TaskFlag, TaskResult
from targets.task_items import task_items_ensure
from targets.task_status import task_statuses
from tests.factories import PlanFactory, ReportFactory, TargetFactory, TaskFactory

JUNE = Period(2014, 6)
AS_OF = dt.date(2014, 7, 31)


def approve(target, month, value, **fields):
    sent = timezone.make_aware(dt.datetime(2014, month + 1, 3))
    return ReportFactory(
        target=target, year=2014, month=month, value=D(str(value)), status=ReportStatus.APPROVED,
        submitted_at=sent, approved_at=sent, **fields,
    )  # fmt: skip


@pytest.fixture
def plan(db):
    plan = PlanFactory(start_year=2014, end_year=2014, status="published")
    reform = TaskFactory(plan=plan, number="1.", path="1", heading="深化行政审批制度改革", order=1)
    industry = TaskFactory(plan=plan, number="2.", path="2", heading="壮大工业经济", order=2)
    growth = TargetFactory(task=industry, indicator="规上工业增加值", unit="亿元", value=D(120), order=1)
    minor = TargetFactory(task=industry, indicator="次要指标", unit="个", value=D(10), weight=D("0.5"), order=2)
    task_items_ensure(plan)
    items = {item.task_id: item for item in Target.objects.filter(task__plan=plan).task_items()}
    for month in range(1, 7):
        approve(items[reform.pk], month, Standing.LAGGING, progress="方案待审定", problems="上级审批未完成")
        approve(items[industry.pk], month, Standing.ON_SCHEDULE, progress="按计划推进")
        approve(growth, month, 2 * month)  # 12 of 120 by June: seriously lagging
    targets_recompute(targets=list(Target.objects.filter(task__plan=plan)), plan=plan, as_of=AS_OF)
    plan.reform, plan.industry, plan.growth, plan.minor = reform, industry, growth, minor
    return plan


def test_a_task_without_targets_is_judged_by_its_own_standing(plan):
    status = task_statuses(plan=plan, period=JUNE)[plan.reform.pk]
    assert (status.status, status.by_item, status.reason) == ("lagging", True, "")
    with translation.override("zh-hans"):
        assert status.label == "滞后"


def test_the_task_status_names_the_worst_target(plan):
    status = task_statuses(plan=plan, period=JUNE)[plan.industry.pk]
    assert (status.status, status.decided_by, status.by_item) == ("serious", plan.growth, False)
    with translation.override("zh-hans"):
        assert status.label == "严重滞后（规上工业增加值）"


def test_a_lighter_target_never_decides(plan):
    """The minor target has no figure (无数据, worse than on track) yet weighs less than the heaviest."""
    for report in plan.growth.reports.all():
        report.value = D(10 * report.month)  # 60 of 120 by June: on track
        report.save()
    targets_recompute(targets=[plan.growth, plan.minor], plan=plan, as_of=AS_OF)
    assert plan.minor.results.get(year=2014, month=6).status == "no_data"
    status = task_statuses(plan=plan, period=JUNE)[plan.industry.pk]
    assert (status.status, status.decided_by) == ("on_track", plan.growth)


def test_the_item_decides_when_it_is_the_worst(plan):
    item = Target.objects.get(task=plan.industry, kind="task")
    item.reports.filter(month=6).update(value=D(Standing.LAGGING), problems="资金未到位")
    plan.growth.reports.update(value=D(100))  # done
    targets_recompute(targets=[plan.growth, item], plan=plan, as_of=AS_OF)
    status = task_statuses(plan=plan, period=JUNE)[plan.industry.pk]
    assert (status.status, status.decided_by, status.reason) == ("lagging", item, "")


def test_the_statuses_take_one_query_whatever_the_number_of_tasks(plan, django_assert_num_queries):
    with django_assert_num_queries(1):
        task_statuses(plan=plan, period=JUNE)
    for n in range(5):
        task = TaskFactory(plan=plan, number=f"{n + 3}.", path=f"{n + 3}", heading=f"追加{n}", order=n + 3)
        TargetFactory(task=task, indicator=f"追加{n}", value=D(10))
    task_items_ensure(plan)
    targets_recompute(targets=list(Target.objects.filter(task__plan=plan)), plan=plan, as_of=AS_OF)
    with django_assert_num_queries(1):
        statuses = task_statuses(plan=plan, period=JUNE)
    assert len(statuses) == 7
    assert statuses[plan.industry.pk].decided_by.indicator == "规上工业增加值"  # read with it


# What the engine stores: each task's own status per period, and its changes.


def stored(task) -> dict[int, tuple[str, int | None]]:
    return {r.month: (r.status, r.decided_by_id) for r in TaskResult.objects.filter(task=task, year=2014)}


def flags(task) -> list[tuple[int, str, str, str]]:
    return [(f.month, f.change, f.from_status, f.to_status) for f in TaskFlag.objects.filter(task=task)]


def test_the_engine_stores_each_period_of_a_task_with_its_flags(plan):
    item = Target.objects.get(task=plan.reform, kind="task")
    assert stored(plan.reform) == dict.fromkeys(range(1, 8), ("lagging", item.pk))  # July carries June
    assert flags(plan.reform) == [(1, "raised", "", "lagging")]
    growth = stored(plan.industry)
    assert growth[6] == ("serious", plan.growth.pk)
    assert set(growth) == set(range(1, 8))


def test_a_recompute_of_one_target_restores_its_task_and_flags_the_change(plan):
    stamps = dict(TaskResult.objects.values_list("pk", "computed_at"))
    targets_recompute(targets=[plan.growth], plan=plan, as_of=AS_OF)
    assert dict(TaskResult.objects.values_list("pk", "computed_at")) == stamps  # nothing changed, nothing written
    plan.growth.reports.filter(month=6).update(value=D(60))  # 60 of 120 by June: on track
    targets_recompute(targets=[plan.growth], plan=plan, as_of=AS_OF)
    item = Target.objects.get(task=plan.industry, kind="task")
    assert stored(plan.industry)[6] == ("on_track", plan.growth.pk)
    assert stored(plan.industry)[7] == ("lagging", plan.growth.pk)  # June's 50% against July's 58.3%
    assert (6, "recovered", "serious", "on_track") in flags(plan.industry)
    assert (7, "raised", "on_track", "lagging") in flags(plan.industry)
    assert task_statuses(plan=plan, period=JUNE)[plan.industry.pk].status == "on_track"
    assert item.pk not in {decided for _status, decided in stored(plan.industry).values()}


def test_a_task_whose_targets_have_no_result_has_none(plan):
    late = TaskFactory(plan=plan, number="3.", path="3", heading="新增任务", order=3)
    task_items_ensure(plan)
    targets_recompute(targets=[plan.growth], plan=plan, as_of=AS_OF)
    assert not TaskResult.objects.filter(task=late).exists()
    assert late.pk not in task_statuses(plan=plan, period=JUNE)
    item = Target.objects.get(task=late, kind="task")
    targets_recompute(targets=[item], plan=plan, as_of=AS_OF)
    assert stored(late)[6] == ("no_data", item.pk)


def test_a_target_without_results_any_more_takes_its_task_results_with_it(plan):
    TargetResult.objects.filter(target__task=plan.reform).delete()
    item = Target.objects.get(task=plan.reform, kind="task")
    tasks_recompute(task_ids=[plan.reform.pk], now=timezone.now())
    assert stored(plan.reform) == {}
    assert flags(plan.reform) == []
    targets_recompute(targets=[item], plan=plan, as_of=AS_OF)
    assert len(stored(plan.reform)) == 7


def test_a_deleted_task_takes_its_results_and_flags_with_it(plan):
    reform = plan.reform.pk
    assert TaskFlag.objects.filter(task_id=reform).exists()
    plan.reform.delete()
    assert not TaskResult.objects.filter(task_id=reform).exists()
    assert not TaskFlag.objects.filter(task_id=reform).exists()


def test_a_deleted_deciding_target_names_nothing_until_its_task_is_recomputed(plan):
    plan.growth.delete()
    status = task_statuses(plan=plan, period=JUNE)[plan.industry.pk]
    assert (status.status, status.decided_by, status.reason) == ("serious", None, "")
    targets_recompute(targets=list(Target.objects.filter(task=plan.industry)), plan=plan, as_of=AS_OF)
    status = task_statuses(plan=plan, period=JUNE)[plan.industry.pk]
    assert (status.status, status.decided_by) == ("no_data", plan.minor)  # the heaviest left, without a figure
