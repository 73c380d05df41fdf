"""Withdrawing a submission through the API: the same service and policy as the pages."""

from unittest import mock

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from progress.models import Report, ReportEvent


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def submitted(desk) -> dict:
    staff = client_for(desk.staff)
    report = staff.post(
        "/api/v1/reports/",
        {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "30", "progress": "完成30亿元"},
        format="json",
    ).json()
    assert staff.post(f"/api/v1/reports/{report['id']}/submit/", {"version": 1}, format="json").status_code == 200
    return report


def test_the_staff_withdraw_a_submission_and_it_is_a_draft_again(desk):
    report = submitted(desk)
    answer = client_for(desk.staff).post(f"/api/v1/reports/{report['id']}/withdraw/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "draft" and body["value"] == "30.0000" and body["progress"] == "完成30亿元"
    assert ReportEvent.objects.filter(report_id=report["id"], action="withdrawn").count() == 1
    # Twice is a conflict: a draft is no submission.
    again = client_for(desk.staff).post(f"/api/v1/reports/{report['id']}/withdraw/")
    assert again.status_code == 409 and again.json()["status"] == "draft"


def test_a_reviewed_report_is_a_conflict_and_a_reviewer_is_refused(desk):
    report = submitted(desk)
    assert client_for(desk.reviewer).post(f"/api/v1/reports/{report['id']}/withdraw/").status_code == 403
    assert client_for(desk.other_staff).post(f"/api/v1/reports/{report['id']}/withdraw/").status_code == 404
    assert client_for(desk.reviewer).post(f"/api/v1/reports/{report['id']}/approve/").status_code == 200
    refused = client_for(desk.staff).post(f"/api/v1/reports/{report['id']}/withdraw/")
    assert refused.status_code == 409 and refused.json()["status"] == "approved"
    assert Report.objects.get(pk=report["id"]).status == "approved"
