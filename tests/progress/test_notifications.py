"""In-app notifications of the monthly reports, the bell and the menu's figures."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from core.notifications import notifications_mark_read, notify, unread_count
from progress.choices import ReportStatus
from progress.models import Report
from progress.services import RowInput, reports_approve, reports_return, unit_period_save
from tests.factories import MembershipFactory, UserFactory
from zones.choices import Role


def badge(page: str, name: str) -> str | None:
    """The figure of a menu badge, None when it is not shown."""
    found = re.search(rf'data-badge="{name}"[^>]*>([^<]*)<', page)
    return found.group(1) if found else None


@pytest.fixture
def submitted(desk, monkeypatch):
    """The desk's three March figures submitted by its staff."""
    monkeypatch.setattr("core.clock.today", lambda: desk.today)
    rows = [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元"),
        RowInput(desk.growth.pk, "14.2", progress="增速回落"),
        RowInput(desk.count.pk, "5", progress="新开工5个"),
    ]
    result = unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, submit=True, today=desk.today
    )
    assert result.ok and result.submitted == 3
    return list(Report.objects.filter(target__task__lead_unit=desk.unit).order_by("target__order"))


def test_a_submission_tells_the_units_reviewers_and_no_one_else(desk, submitted):
    told = Notification.objects.get()
    assert told.recipient == desk.reviewer and told.kind == Notification.Kind.AWAITING_REVIEW
    assert told.link == reverse("progress:review")
    assert "3" in told.text and desk.unit.name in told.text and "2026年1-3月" in told.text
    assert not Notification.objects.filter(recipient__in=[desk.staff, desk.other_staff]).exists()


def test_a_return_tells_the_staff_why_and_links_to_the_form_row(desk, submitted):
    Notification.objects.all().delete()
    reports_return(reports=submitted[:2], by=desk.reviewer, reason="数据口径有误")
    told = Notification.objects.get()
    assert told.recipient == desk.staff and told.kind == Notification.Kind.RETURNED
    assert "数据口径有误" in told.text and "固定资产投资" in told.text
    assert told.link.endswith(f"/2026-03/#row-{desk.amount.pk}")


def test_an_approval_tells_the_staff_once_per_unit_and_period(desk, submitted):
    Notification.objects.all().delete()
    reviewer_two = MembershipFactory(unit=desk.unit, role=Role.REVIEWER, user=UserFactory()).user
    reports_approve(reports=submitted, by=reviewer_two)
    told = Notification.objects.get()
    assert told.recipient == desk.staff and told.kind == Notification.Kind.APPROVED and "3" in told.text


def test_notify_tells_each_person_once_skips_the_actor_and_refuses_a_foreign_link(desk):
    people = [desk.staff.pk, desk.staff.pk, desk.reviewer.pk]
    assert notify(people, kind="approved", text="x", skip=desk.reviewer.pk) == 1
    with pytest.raises(ValueError):
        notify([desk.staff.pk], kind="approved", text="x", link="//evil.example/")
    with pytest.raises(ValueError):
        notify([desk.staff.pk], kind="approved", text="x", link="https://evil.example/")
    notify([desk.staff.pk], kind="approved", text="a\x0bb" + "长" * 600)
    longest = Notification.objects.order_by("-id").first()
    assert len(longest.text) == 500 and "\x0b" not in longest.text


def test_the_bell_counts_unread_and_opening_one_marks_it_read(client, desk, submitted):
    client.force_login(desk.reviewer)
    page = client.get(reverse("home")).content.decode()
    assert badge(page, "unread") == "1"
    told = Notification.objects.get(recipient=desk.reviewer)
    listing = client.get(reverse("notifications")).content.decode()
    assert f'data-notification="{told.pk}"' in listing and "data-unread" in listing
    opened = client.get(reverse("notification_open", args=[told.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("progress:review")
    assert unread_count(desk.reviewer) == 0
    assert 'data-badge="unread"' not in client.get(reverse("home")).content.decode()


def test_another_persons_notification_is_not_found_and_stays_unread(client, desk, submitted):
    told = Notification.objects.get(recipient=desk.reviewer)
    client.force_login(desk.staff)
    assert client.get(reverse("notification_open", args=[told.pk])).status_code == 404
    assert client.get("/notifications/99999999999999999999999/").status_code == 404
    assert notifications_mark_read(desk.staff, ids=[told.pk]) == 0
    assert unread_count(desk.reviewer) == 1


def test_mark_all_read(client, desk, submitted):
    notify([desk.reviewer.pk], kind="approved", text="second")
    client.force_login(desk.reviewer)
    assert client.post(reverse("notifications")).status_code == 302
    assert unread_count(desk.reviewer) == 0


def test_the_menu_counts_returned_and_waiting_figures_in_few_queries(client, desk, submitted):
    client.force_login(desk.reviewer)
    page = client.get(reverse("home")).content.decode()
    assert badge(page, "waiting") == "3"
    reports_return(reports=submitted[:2], by=desk.reviewer, reason="口径")
    client.force_login(desk.staff)
    page = client.get(reverse("progress:mine")).content.decode()
    assert badge(page, "returned") == "2"
    assert badge(page, "waiting") is None  # the staff reviews nothing


def test_the_menus_figures_cost_the_same_queries_however_much_waits(client, desk, submitted):
    client.force_login(desk.reviewer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications"))
    Report.objects.update(status=ReportStatus.SUBMITTED)
    for _ in range(5):
        notify([desk.reviewer.pk], kind="approved", text="more")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications"))
    assert len(many) == len(few)


def test_resetting_the_demo_clears_what_its_users_were_told(db):
    from demo.services import demo_reset

    demo_staff = UserFactory(username="admin")  # a demo username: the reset keeps the user
    notify([demo_staff.pk], kind="approved", text="about a deleted zone", link="/progress/")
    demo_reset(zones=[])
    assert not Notification.objects.filter(recipient=demo_staff).exists()
