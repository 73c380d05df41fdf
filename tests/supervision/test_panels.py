"""Supervision's boxes on the plan dashboard: the open notices listed with
what they follow up, a task item tagged 任务 with its standing in words,
in a number of queries that does not grow with the notices."""

from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from progress.engine.recompute import targets_recompute
from supervision.panels import notices_panel
from targets.choices import Standing
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.factories import TaskFactory
from tests.supervision.conftest import AS_OF, approve

pytestmark = pytest.mark.django_db


def lagging_item(zone, n: int = 3) -> Target:
    task = TaskFactory(plan=zone.plan, lead_unit=zone.econ, number=f"{n}.", path=str(n), order=n,
                       heading=f"深化审批改革{n}")  # fmt: skip
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    approve(item, 6, Standing.LAGGING, problems="上级审批未完成")
    targets_recompute(targets=[item], plan=zone.plan, as_of=AS_OF)
    return item


def test_the_dashboards_notice_box_lists_a_task_item_tagged_as_a_task_with_its_standing_in_words(client, zone, issue):
    item = lagging_item(zone)
    (notice,) = issue(item, zone.serious).notices
    cache.clear()
    client.force_login(zone.leader)
    html = client.get(
        reverse("dashboard:plan", args=[zone.plan.pk]), {"period": "2014-06"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    box = html[html.index('id="notices"') : html.index("</section>", html.index('id="notices"'))]
    assert f'data-notice="{notice.pk}"' in box
    line = box[box.index(f'<li data-target="{item.pk}"') :].split("</li>")[0]
    with translation.override("en"):
        standing = item.written(D(Standing.LAGGING))
    assert '<span class="tag" data-kind="task">Task</span>' in line
    assert f'<span class="small" data-standing>{standing}</span>' in line and 'data-status="lagging"' in line
    target_line = box[box.index(f'<li data-target="{zone.serious.pk}"') :].split("</li>")[0]
    assert 'data-kind="task"' not in target_line and "data-standing" not in target_line


def test_the_notice_box_reads_in_as_many_queries_for_many_notices_as_for_one(
    zone, issue, django_assert_max_num_queries
):
    issue(lagging_item(zone, 3), zone.serious)
    with django_assert_max_num_queries(10) as baseline:
        assert notices_panel(plan=zone.plan, period=zone.period, today=zone.today) is not None
    issue(lagging_item(zone, 4), lagging_item(zone, 5), zone.on_track)
    issue(zone.projects, zone.lagging)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        panel = notices_panel(plan=zone.plan, period=zone.period, today=zone.today)
    assert panel.html.count("data-notice=") == 3 and panel.html.count('data-kind="task"') == 3
