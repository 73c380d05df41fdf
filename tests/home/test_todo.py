"""The home page is a to-do list for each role: what is due and by when, what
was returned and why, what waits for review, the leader's lagging items and
the notices to answer or follow."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progress.models import Report
from progress.services import RowInput, reports_return, unit_period_save
from tests.factories import PlanFactory, TargetFactory, TaskFactory
from tests.supervision.conftest import clock_at, issue, zone  # noqa: F401 (fixtures)


@pytest.fixture
def on_desk_day(desk, monkeypatch):
    monkeypatch.setattr("core.clock.today", lambda: desk.today)
    return desk


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def row(page: str, attribute: str, value: str) -> str:
    """The table row (or list item) marked ``attribute="value"``."""
    found = re.search(rf'<(tr|li)[^>]*{attribute}="{re.escape(value)}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no {attribute}={value}"
    return found.group(2)


def submit_all(desk):
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元"),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    result = unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, submit=True, today=desk.today
    )
    assert result.ok


def test_the_staff_see_what_is_due_by_when_with_the_rows_left_and_the_form(client, on_desk_day):
    desk = on_desk_day
    page = home(client, desk.staff)
    march = row(page, "data-due", f"{desk.plan.pk}-{desk.unit.pk}-2026-03")
    form = reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])
    assert f'href="{form}"' in march and "2026年1-3月" in march
    assert 'data-days-left="3"' in march and "2026-04-05" in march
    assert 'data-left="3"' in march and "<strong>3</strong> / 3" in march


def test_a_submitted_period_has_nothing_left_and_a_returned_figure_says_why_with_its_row(client, on_desk_day):
    desk = on_desk_day
    submit_all(desk)
    assert 'data-left="0"' in row(home(client, desk.staff), "data-due", f"{desk.plan.pk}-{desk.unit.pk}-2026-03")
    reports_return(
        reports=list(Report.objects.filter(target__in=[desk.amount, desk.growth])), by=desk.reviewer, reason="口径有误"
    )
    page = home(client, desk.staff)
    assert 'data-left="2"' in row(page, "data-due", f"{desk.plan.pk}-{desk.unit.pk}-2026-03")
    amount = Report.objects.get(target=desk.amount)
    returned = row(page, "data-returned", str(amount.pk))
    form = reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])
    assert f'href="{form}#row-{desk.amount.pk}"' in returned and "口径有误" in returned
    assert page.count("data-returned=") == 2


def test_the_reviewer_sees_what_waits_with_the_oldest_submission(client, on_desk_day):
    desk = on_desk_day
    assert 'id="todo-review"' not in home(client, desk.reviewer)
    submit_all(desk)
    page = home(client, desk.reviewer)
    waiting = row(page, "data-review", f"{desk.plan.pk}-2026-03")
    assert '<td class="num">3</td>' in waiting and f'href="{reverse("progress:review")}"' in waiting
    assert 'id="todo-due"' not in page  # a reviewer enters nothing


def test_the_staff_home_costs_the_same_queries_with_more_plans_and_targets(client, on_desk_day):
    desk = on_desk_day
    client.force_login(desk.staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    other = PlanFactory(zone=desk.plan.zone, start_year=2026, end_year=2026, status="published", due_day=5)
    for plan in (desk.plan, other):
        task = TaskFactory(plan=plan, lead_unit=desk.unit)
        for order in range(5):
            TargetFactory(task=task, order=10 + order)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("home")).content.decode()
    assert f"{other.pk}-{desk.unit.pk}-2026-03" in page
    assert len(many) == len(few)


def test_the_leader_sees_the_lagging_items_of_their_tasks_and_the_notices_on_them(client, zone, issue, clock_at):  # noqa: F811
    notice = issue(zone.serious).notices[0]
    page = home(client, zone.leader)
    assert f'data-lagging="{zone.serious.pk}"' in page
    assert f'data-lagging="{zone.on_track.pk}"' not in page  # on track
    assert f'data-lagging="{zone.lagging.pk}"' not in page  # lagging, but another leader's task
    assert f'href="{reverse("supervision:notice", args=[notice.pk])}"' in row(page, "data-notice", str(notice.pk))


def test_the_staff_see_the_notice_waiting_for_their_answer(client, zone, issue, clock_at):  # noqa: F811
    notice = issue(zone.serious).notices[0]
    page = home(client, zone.staff)
    assert "2014-07-17" in row(page, "data-notice", str(notice.pk))
    assert "data-notice" not in home(client, zone.invest_staff)


def test_the_supervisor_sees_overdue_and_unanswered_notices(client, zone, issue, clock_at):  # noqa: F811
    issue(zone.serious)
    issue(zone.projects, reply_by=dt.date(2014, 7, 12))
    clock_at(dt.date(2014, 7, 14))
    page = home(client, zone.supervisor)
    counts = re.findall(r'data-count="(\w+)"><a[^>]*>(\d+)', page)
    assert dict(counts) == {"overdue": "1", "unanswered": "2"}
    assert "data-count" not in home(client, zone.other_supervisor)
