"""Every task in the ledger: one task item per leaf task (targets.task_items),
reported as the task's standing through the same path as every figure."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import translation

from imports.services import plan_import_create, plan_parse
from progress.choices import ReportStatus
from progress.engine.recompute import target_recompute
from progress.models import Report
from progress.services import RowInput, reports_approve, unit_period_save
from targets import kinds
from targets.choices import Standing
from targets.explanations import explain
from targets.facts import facts_of
from targets.models import Target, TargetResult
from targets.selectors import judgement_of
from targets.task_items import leaf_tasks, task_items_ensure
from tests.factories import PlanFactory, TargetFactory, TaskFactory, ZoneFactory


@pytest.fixture
def plan(db):
    plan = PlanFactory(start_year=2026, end_year=2026, status="published")
    top = TaskFactory(plan=plan, number="一、", path="一", heading="招商引资", order=1)
    TaskFactory(plan=plan, parent=top, number="1.", path="一 > 1", heading="深化行政审批制度改革", order=2,
                deadline=dt.date(2026, 6, 30))  # fmt: skip
    TaskFactory(plan=plan, parent=top, number="2.", path="一 > 2", heading="引进亿元以上项目", order=3)
    return plan


def items_of(plan):
    return {item.task.path: item for item in Target.objects.filter(task__plan=plan).task_items()}


def test_each_leaf_task_gets_one_item_named_and_dated_as_its_task(plan):
    assert task_items_ensure(plan) == 2
    items = items_of(plan)
    assert sorted(items) == ["一 > 1", "一 > 2"]  # the parent task has none
    reform = items["一 > 1"]
    assert (reform.indicator, reform.kind, reform.deadline, reform.value) == (
        "深化行政审批制度改革",
        kinds.TASK.key,
        dt.date(2026, 6, 30),
        None,
    )
    with translation.override("en"):
        assert reform.target_label == "due 2026-06-30"
        assert items["一 > 2"].target_label == "within the plan's span"


def test_ensuring_again_creates_nothing_and_follows_the_task(plan):
    task_items_ensure(plan)
    task = plan.tasks.get(path="一 > 2")
    task.heading, task.deadline = "引进亿元以上产业项目", dt.date(2026, 9, 30)
    task.save()
    assert task_items_ensure(plan) == 0
    item = items_of(plan)["一 > 2"]
    assert (item.indicator, item.deadline) == ("引进亿元以上产业项目", dt.date(2026, 9, 30))
    assert Target.objects.filter(task__plan=plan).task_items().count() == 2


def test_an_item_whose_task_gained_tasks_under_it_is_kept_with_its_reports(plan):
    task_items_ensure(plan)
    item = items_of(plan)["一 > 2"]
    Report.objects.create(target=item, year=2026, month=1, value=D(1), status=ReportStatus.DRAFT)
    task = item.task
    TaskFactory(plan=plan, parent=task, number="(1)", path="一 > 2 > (1)", heading="签约", order=4)
    assert task not in set(leaf_tasks(plan))
    assert task_items_ensure(plan) == 1  # the new leaf only
    assert Report.objects.filter(target=item).exists()


def test_a_task_has_one_item_at_most(plan):
    task_items_ensure(plan)
    task = plan.tasks.get(path="一 > 1")
    with pytest.raises(IntegrityError):
        TargetFactory(task=task, indicator="again", kind=kinds.TASK.key, value=None)


def test_a_task_with_targets_has_its_item_beside_them(plan):
    task = plan.tasks.get(path="一 > 2")
    TargetFactory(task=task, indicator="引进亿元以上项目", unit="个", value=D(18))
    task_items_ensure(plan)
    assert sorted(Target.objects.filter(task=task).values_list("kind", flat=True)) == ["amount", "task"]
    assert Target.objects.filter(task=task).stated().count() == 1


def test_an_imported_plan_tracks_every_leaf_task(db):
    zone = ZoneFactory()
    text = (
        "示范区2026年工作要点\n一、招商引资\n1.强化招商。全年引进亿元以上项目18个。\n"
        "2.深化行政审批制度改革。\n二、民生保障\n1.做好社会救助工作。\n"
    )
    plan = plan_import_create(parsed=plan_parse(text=text, year=2026), zone=zone, by=None)
    leaves = list(leaf_tasks(plan))
    items = Target.objects.filter(task__plan=plan).task_items()
    assert items.count() == len(leaves) >= 3
    assert {item.task_id for item in items} == {task.pk for task in leaves}
    assert Target.objects.filter(task__plan=plan).stated().count() == 1  # 18个 alone


# --- reporting a task's standing ------------------------------------------------------


@pytest.fixture
def item(desk):
    task_items_ensure(desk.plan)
    return Target.objects.get(task=desk.task, kind=kinds.TASK.key)


def save(desk, rows, *, submit):
    return unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, submit=submit,
        today=desk.today, whole_period=False,
    )  # fmt: skip


def test_the_standing_is_typed_as_words_and_stored_as_its_code(desk, item):
    result = save(desk, [RowInput(item.pk, "按计划推进", progress="完成方案起草")], submit=True)
    assert not result.errors
    report = Report.objects.get(target=item, year=2026, month=3)
    assert (report.value, report.status) == (D(Standing.ON_SCHEDULE), ReportStatus.SUBMITTED)


def test_anything_but_a_standing_is_refused_and_nothing_is_saved(desk, item):
    result = save(desk, [RowInput(item.pk, "12", progress="完成方案起草")], submit=True)
    assert "value" in result.errors[item.pk]
    assert not Report.objects.filter(target=item).exists()


def test_lagging_needs_the_reason_under_problems(desk, item):
    result = save(desk, [RowInput(item.pk, "滞后", progress="方案待审定")], submit=True)
    assert "problems" in result.errors[item.pk]
    assert not Report.objects.filter(target=item).exists()
    result = save(desk, [RowInput(item.pk, "滞后", progress="方案待审定", problems="上级审批未完成")], submit=True)
    assert not result.errors
    assert Report.objects.get(target=item).value == D(Standing.LAGGING)


def test_a_draft_may_say_lagging_before_the_reason_is_written(desk, item):
    result = save(desk, [RowInput(item.pk, "滞后")], submit=False)
    assert not result.errors


def test_an_approved_lagging_standing_makes_the_task_item_lag(desk, item):
    save(desk, [RowInput(item.pk, "滞后", progress="方案待审定", problems="上级审批未完成")], submit=True)
    reports_approve(reports=list(Report.objects.filter(target=item)), by=desk.reviewer)
    target_recompute(target_id=item.pk, as_of=dt.date(2026, 4, 20))
    result = TargetResult.objects.get(target=item, year=2026, month=3)
    assert (result.status, result.reason, result.actual) == ("lagging", "standing", D(0))
    with translation.override("en"):
        sentence = explain(facts_of(item, desk.plan), judgement_of(result), year=2026, month=3)
    assert "Lagging behind plan" in sentence


def test_a_standing_waiting_for_review_counts_nowhere(desk, item):
    save(desk, [RowInput(item.pk, "已完成", progress="已完成")], submit=True)
    target_recompute(target_id=item.pk, as_of=dt.date(2026, 4, 20))
    result = TargetResult.objects.get(target=item, year=2026, month=3)
    assert (result.status, result.reporting) == ("no_data", "pending")


def test_the_migration_gives_existing_plans_their_items(plan):
    """Run the data step of targets 0010 against today's tables."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("targets.migrations.0010_task_items")
    migration.items_for_every_leaf_task(apps, None)
    assert sorted(items_of(plan)) == ["一 > 1", "一 > 2"]
    migration.items_for_every_leaf_task(apps, None)  # again: nothing more
    assert Target.objects.filter(task__plan=plan).task_items().count() == 2


def test_the_recompute_command_judges_the_items(plan):
    task_items_ensure(plan)
    call_command("recompute", plan=plan.pk, as_of="2026-03", verbosity=0)
    months = TargetResult.objects.filter(target__task__plan=plan, target__kind="task").values_list("month", flat=True)
    assert sorted(set(months)) == [1, 2, 3]


def test_a_standing_is_written_in_words_and_a_figure_in_its_unit(desk, item):
    with translation.override("en"):
        assert item.written(D(1)) == "On schedule"
        assert item.written(D(0)) == "Lagging behind plan"
        assert item.written(None) == "—"
    assert desk.amount.written(D("12345.6")) == "12,345.6亿元"


def test_saving_a_task_or_a_plan_in_the_admin_ensures_the_items(plan, rf):
    from types import SimpleNamespace

    from django.contrib import admin

    from plans.models import Plan, Task

    task = TaskFactory(plan=plan, number="3.", path="一 > 3", heading="新增任务", order=4)
    form = SimpleNamespace(instance=task, save_m2m=lambda: None)
    admin.site._registry[Task].save_related(rf.post("/"), form, [], False)
    assert sorted(items_of(plan)) == ["一 > 1", "一 > 2", "一 > 3"]
    plan.tasks.filter(path="一 > 3").update(heading="改名的任务")
    form = SimpleNamespace(instance=plan, save_m2m=lambda: None)
    admin.site._registry[Plan].save_related(rf.post("/"), form, [], True)
    assert items_of(plan)["一 > 3"].indicator == "改名的任务"
