"""The dashboard's data is cached, and a change of any input shows at once."""

import datetime as dt
import re
from decimal import Decimal as D
from unittest import mock

import pytest
from django.urls import reverse

from dashboard.board import board_compute, board_stamp, plan_board
from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from progress.models import Report
from supervision.services import notices_issue
from tests.dashboard.conftest import approve, submit
from tests.factories import MembershipFactory, TargetFactory, UserFactory
from zones.choices import Role

pytestmark = pytest.mark.django_db


def _board(plan):
    return plan_board(plan=plan, period=Period(2014, 6), today=dt.date(2014, 7, 20))


def test_the_cached_board_equals_a_fresh_computation(zone_plan):
    plan, *_ = zone_plan
    cached, fresh = _board(plan), board_compute(plan=plan, period=Period(2014, 6), today=dt.date(2014, 7, 20))
    assert [(r.target.pk, r.result.status, r.explanation) for r in cached.lagging] == [
        (r.target.pk, r.result.status, r.explanation) for r in fresh.lagging
    ]
    assert cached.tally == fresh.tally and cached.tally.total == 2
    assert cached.outlook_html == fresh.outlook_html  # the box drawn with the board
    assert [panel.html for panel in cached.panels_end] == [panel.html for panel in fresh.panels_end]
    assert [panel.name for panel in cached.panels_end] == ["ranking"]  # supervision's box (core.panels)


def test_a_second_view_of_unchanged_data_reads_the_cache(client, zone_plan, django_assert_max_num_queries):
    plan, leader, *_ = zone_plan
    client.force_login(leader)
    url = reverse("dashboard:plan", args=[plan.pk])
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    with django_assert_max_num_queries(40) as second:
        page = client.get(url).content.decode()
    assert "严重滞后" in page
    assert len(second) <= len(first) - 5


def test_a_new_report_and_its_recompute_show_at_once(client, zone_plan):
    plan, leader, _investment, projects = zone_plan
    client.force_login(leader)
    url = reverse("dashboard:plan", args=[plan.pk])
    counts = dict(client.get(url).context["tally"].progress)
    assert (counts["serious"], counts["on_track"]) == (1, 1)
    Report.objects.filter(target=projects, month=6).update(value=D(9))  # 9 of 18: on track by June
    Report.objects.get(target=projects, month=6).save()  # as the services do: updated_at moves
    targets_recompute(targets=[projects], plan=plan, as_of=dt.date(2014, 7, 31))
    counts = dict(client.get(url).context["tally"].progress)
    assert (counts["serious"], counts["on_track"]) == (0, 2)


def test_a_returned_report_changes_the_ranking_at_once(client, zone_plan):
    plan, leader, investment, _projects = zone_plan
    client.force_login(leader)
    url = reverse("dashboard:plan", args=[plan.pk])
    before = {s.name: s.on_time for s in client.get(url).context["ranking"]}
    report = Report.objects.get(target=investment, month=6)
    report.status, report.return_reason = ReportStatus.RETURNED, "数据需核实"
    report.returned_at, report.approved_at = report.submitted_at, None
    report.save()
    # On time is the engine's reporting status (已报), recomputed after a return as the services do.
    targets_recompute(targets=[investment], plan=plan, as_of=dt.date(2014, 7, 31))
    after = {s.name: s.on_time for s in client.get(url).context["ranking"]}
    assert (before["经济发展局"], after["经济发展局"]) == (6, 5)


def test_a_new_notice_shows_at_once(client, zone_plan, clock):
    plan, leader, _investment, projects = zone_plan
    supervisor = MembershipFactory(unit=None, zone=plan.zone, role=Role.SUPERVISOR, user=UserFactory()).user
    client.force_login(leader)
    url = reverse("dashboard:plan", args=[plan.pk])
    before = {s.name: s.overdue_notices for s in client.get(url).context["ranking"]}
    notices_issue(
        target_ids=[projects.pk],
        period=Period(2014, 6),
        reply_by=dt.date(2014, 7, 30),
        requirement="请说明滞后原因",
        by=supervisor,
        today=dt.date(2014, 7, 20),
    )
    clock(dt.date(2014, 8, 1))  # past its reply date; June is still the month just closed
    response = client.get(url)
    after = {s.name: s.overdue_notices for s in response.context["ranking"]}
    assert response.context["notices"].open == 1
    assert before["招商局"] == 0 and after["招商局"] == 1  # unanswered past its reply date


def test_a_submission_leaves_the_cached_board_alone_and_shows_marked_at_once(client, zone_plan):
    """Month end: clerks' drafts and submissions do not empty the leaders'
    cache (results count approved figures only), yet the figure waiting for
    review shows on the next view, marked."""
    plan, leader, _investment, projects = zone_plan
    signed = TargetFactory(task=projects.task, indicator="签约项目", unit="个", value=D(30))
    for month in range(1, 6):
        approve(signed, month, 2 * month)
    waiting = submit(signed, 6, 12)
    targets_recompute(targets=[signed], plan=plan, as_of=dt.date(2014, 7, 31))
    client.force_login(leader)
    url = reverse("dashboard:plan", args=[plan.pk])
    assert pending_shown(client.get(url).content.decode(), signed) == "12"  # and the board is cached now
    stamp = board_stamp(plan)

    waiting.value = D(13)
    waiting.save()  # withdrawn, corrected and submitted again
    submit(projects, 7, 8)  # July's figure sent, and a draft saved
    Report.objects.create(target=signed, year=2014, month=7, value=D(14), status=ReportStatus.DRAFT)
    with mock.patch("dashboard.board.board_compute", wraps=board_compute) as computed:
        page = client.get(url).content.decode()
    assert board_stamp(plan) == stamp
    assert computed.call_count == 0  # served from the cache
    assert pending_shown(page, signed) == "13"  # and yet the new figure shows, marked


def pending_shown(page: str, target) -> str:
    found = re.search(rf'data-pending="{target.pk}"[^>]*>\s*([\d.]+)', page)
    return found.group(1) if found else ""


def test_an_approval_moves_the_stamp_at_once(zone_plan):
    plan, _leader, _investment, projects = zone_plan
    waiting = submit(projects, 7, 8)
    stamp = board_stamp(plan)
    waiting.status, waiting.approved_at = ReportStatus.APPROVED, waiting.submitted_at
    waiting.save()
    assert board_stamp(plan) != stamp  # before its recompute lands


def test_the_dashboard_answers_with_the_cache_down(client, zone_plan):
    from core import shared_cache
    from tests.core.test_shared_cache import Down

    plan, leader, *_ = zone_plan
    client.force_login(leader)
    with mock.patch.object(shared_cache, "cache", Down()):
        response = client.get(reverse("dashboard:plan", args=[plan.pk]))
    assert response.status_code == 200 and "严重滞后" in response.content.decode()
