"""Reports are read-only in the admin: a figure or a status changes only through the period form,
the review and the recorded correction, each with its history event, version and recompute."""

import pytest
from django.urls import reverse

from progress.choices import ReportStatus
from progress.models import Report, ReportEvent
from tests.factories import UserFactory
from zones.choices import Role
from zones.models import Membership
from zones.services import zone_admin_group_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(desk):
    report = Report.objects.create(
        target=desk.amount,
        year=2026,
        month=2,
        value=30,
        progress="按计划推进",
        status=ReportStatus.APPROVED,
        submitted_at="2026-03-03T10:00:00+08:00",
        approved_at="2026-03-04T10:00:00+08:00",
    )
    return report


@pytest.fixture
def zone_admin(desk):
    user = UserFactory(username="zone_admin", is_staff=True)
    user.groups.add(zone_admin_group_ensure())
    Membership.objects.create(user=user, zone=desk.plan.zone, role=Role.ADMIN)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def edit(report: Report, **changes) -> dict:
    data = {
        "target": report.target_id,
        "year": report.year,
        "month": report.month,
        "value": str(report.value),
        "progress": report.progress,
        "problems": "",
        "next_steps": "",
        "status": report.status,
        "value_note": "",
        "return_reason": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["zone_admin", "superuser"])
def test_an_approved_figure_cannot_be_changed_in_the_admin(client, approved, who, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("admin:progress_report_change", args=[approved.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="value"' not in page.content.decode()
    response = client.post(url, edit(approved, value="99"))
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.value == 30 and approved.version == 1
    assert not ReportEvent.objects.filter(report=approved).exists()


@pytest.mark.parametrize("who", ["zone_admin", "superuser"])
def test_a_status_cannot_be_set_in_the_admin(client, approved, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("admin:progress_report_change", args=[approved.pk]), edit(approved, status="draft"))
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.status == ReportStatus.APPROVED


def test_reports_are_neither_added_nor_deleted_in_the_admin(client, approved, zone_admin):
    client.force_login(zone_admin)
    assert client.get(reverse("admin:progress_report_add")).status_code == 403
    assert client.post(reverse("admin:progress_report_delete", args=[approved.pk]), {"post": "yes"}).status_code == 403
    assert Report.objects.filter(pk=approved.pk).exists()


def test_the_admin_shows_a_report_with_a_link_to_its_target_page(client, approved, zone_admin):
    client.force_login(zone_admin)
    page = client.get(reverse("admin:progress_report_change", args=[approved.pk])).content.decode()
    assert reverse("progress:target", args=[approved.target_id]) in page


@pytest.fixture
def late_request(desk):
    from django.utils import timezone

    from progress.models import LateReportRequest

    return LateReportRequest.objects.create(
        plan=desk.plan, unit=desk.unit, year=2026, month=2, reason="统计数据延迟", requested_at=timezone.now()
    )


def test_a_late_report_request_is_read_only_in_the_admin(client, late_request, zone_admin):
    """It is decided on its page (a grant opens the month and tells the unit), never by a save here."""
    client.force_login(zone_admin)
    assert "经济发展局" in client.get(reverse("admin:progress_latereportrequest_changelist")).content.decode()
    url = reverse("admin:progress_latereportrequest_change", args=[late_request.pk])
    page = client.get(url).content.decode()
    assert 'name="status"' not in page and reverse("progress:late_request", args=[late_request.pk]) in page
    assert client.post(url, {"status": "granted"}).status_code == 403
    assert client.get(reverse("admin:progress_latereportrequest_add")).status_code == 403
    delete = reverse("admin:progress_latereportrequest_delete", args=[late_request.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    late_request.refresh_from_db()
    assert late_request.status == "pending"


def test_a_zone_admin_sees_no_late_report_request_of_another_zone_in_the_admin(client, late_request, zone_admin):
    from tests.factories import PlanFactory, UnitFactory

    other = PlanFactory()
    late_request.plan, late_request.unit = other, UnitFactory(zone=other.zone)
    late_request.save()
    client.force_login(zone_admin)
    assert client.get(reverse("admin:progress_latereportrequest_change", args=[late_request.pk])).status_code == 302
