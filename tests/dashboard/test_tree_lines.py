"""The task tree drawn flat (dashboard.selectors.tree_lines): which tasks
start folded, which rows are hidden, and a page whose queries do not grow
with its tasks."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from dashboard.selectors import TargetRow, TaskNode, tree_lines
from plans.models import Task
from targets.models import Target
from tests.factories import TargetFactory, TaskFactory


def node(pk, status, *children, targets=()):
    return TaskNode(
        task=Task(pk=pk, heading=f"t{pk}"),
        status=status,
        children=list(children),
        targets=[TargetRow(t, None) for t in targets],
    )


def test_a_task_below_the_top_opens_only_when_it_lags_and_a_folded_task_hides_all_below():
    grandchild = node(4, "serious")
    tree = [node(1, "on_track", node(2, "lagging", node(3, "on_track", grandchild))), node(5, None)]
    lines = tree_lines(tree)
    assert [(line.node.task.pk, line.depth, line.parent) for line in lines] == [
        (1, 0, ""),
        (2, 1, 1),
        (3, 2, 2),
        (4, 3, 3),
        (5, 0, ""),
    ]
    shown = {line.node.task.pk: (line.folded, line.hidden) for line in lines}
    # The top level is open whatever its status; below it, only the lagging ones.
    assert shown == {1: (False, False), 2: (False, False), 3: (True, False), 4: (False, True), 5: (False, False)}


def test_my_tasks_list_the_item_apart_and_elsewhere_every_target():
    stated = Target(pk=10, kind="amount")
    item = Target(pk=11, kind="task")  # a task's item: its monthly standing
    assert item.kind_entry.figures.standing and not stated.kind_entry.figures.standing
    tree = [node(1, "on_track", targets=[stated, item])]
    (everything,) = tree_lines(tree)
    assert (everything.item, [row.target.pk for row in everything.rows]) == (None, [10, 11])
    (mine,) = tree_lines(tree, mine=True)
    assert (mine.item.target.pk, [row.target.pk for row in mine.rows]) == (11, [10])


@pytest.mark.django_db
def test_the_tree_page_runs_the_same_queries_however_many_tasks(client, zone_plan, django_assert_max_num_queries):
    plan, leader, _investment, projects = zone_plan
    client.force_login(leader)
    url = reverse("dashboard:tree", args=[plan.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    for i in range(4):
        task = TaskFactory(plan=plan, parent=projects.task, lead_unit=projects.task.lead_unit)
        TargetFactory(task=task, indicator=f"新指标{i}", unit="个", value=D(10))
    with django_assert_max_num_queries(40) as after:
        page = client.get(url).content.decode()
    assert "新指标3" in page
    assert len(after) == len(before)
