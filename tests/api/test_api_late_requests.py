"""Late-report requests (补报申请) over the API: the staff ask, the zone office
grants or refuses, through the same services and policy as the pages;
404 / 403 / 409 / 400 in that order."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from progress.choices import LateRequestStatus
from progress.models import LateReportRequest, PeriodReopening
from tests.factories import MembershipFactory, PlanFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role

URL = "/api/v1/late-report-requests/"
TODAY = dt.date(2026, 4, 20)  # March locked on 16 April; April open


@pytest.fixture(autouse=True)
def clock():
    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9)))
    with mock.patch("core.clock.today", return_value=TODAY), mock.patch("core.clock.now", return_value=now):
        yield


@pytest.fixture
def office(desk):
    desk.admin = MembershipFactory(
        unit=None, zone=desk.plan.zone, role=Role.ADMIN, user=UserFactory(username="zone_admin")
    ).user
    desk.foreign_admin = MembershipFactory(
        unit=None, zone=ZoneFactory(), role=Role.ADMIN, user=UserFactory(username="foreign_admin")
    ).user
    return desk


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def body(desk, **changes):
    return {
        "plan": desk.plan.pk,
        "unit": desk.unit.pk,
        "period": "2026-03",
        "reason": "统计局数据4月18日才核定",
    } | changes


@pytest.fixture
def asked(office):
    response = api(office.staff).post(URL, body(office), format="json")
    assert response.status_code == 201
    return LateReportRequest.objects.get(pk=response.json()["id"])


def test_staff_ask_and_the_request_is_recorded_and_listed(office):
    response = api(office.staff).post(URL, body(office), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "pending" and data["period"] == "2026-03" and data["requested_by"] == "staff"
    assert data["reason"] == "统计局数据4月18日才核定" and data["decided_at"] is None
    for user in (office.staff, office.reviewer, office.admin):
        assert [row["id"] for row in api(user).get(URL).json()["results"]] == [data["id"]]
    for user in (office.other_staff, office.foreign_admin):
        assert api(user).get(URL).json()["count"] == 0
        assert api(user).get(f"{URL}{data['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"reason": "a\x00b"}, "reason"),
        ({"period": "2026-13"}, "period"),
        ({"period": "2025-12"}, "period"),  # not a month of the plan
        ({"plan": 0}, "plan"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(office, changes, field):
    response = api(office.staff).post(URL, body(office, **changes), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not LateReportRequest.objects.exists()


def test_a_plan_the_user_may_not_see_is_a_404_and_a_unit_not_theirs_a_403(office):
    other = PlanFactory(start_year=2026, end_year=2026)
    assert api(office.staff).post(URL, body(office, plan=other.pk), format="json").status_code == 404
    response = api(office.staff).post(URL, body(office, unit=office.other_unit.pk), format="json")
    assert response.status_code == 403
    assert api(office.admin).post(URL, body(office), format="json").status_code == 403
    assert not LateReportRequest.objects.exists()


@pytest.mark.parametrize("period", ["2026-04", "2026-06"])
def test_a_month_that_is_not_closed_is_a_409(office, period):
    response = api(office.staff).post(URL, body(office, period=period), format="json")
    assert response.status_code == 409
    assert not LateReportRequest.objects.exists()


def test_a_second_request_while_one_waits_is_a_409(office, asked):
    response = api(office.staff).post(URL, body(office, reason="再问一次"), format="json")
    assert response.status_code == 409 and "already waits" in response.json()["detail"]
    assert LateReportRequest.objects.count() == 1


def test_the_zone_office_grants_and_the_month_opens_for_the_unit(office, asked):
    response = api(office.admin).post(f"{URL}{asked.pk}/grant/", {"until": "2026-04-27"}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "granted" and data["until"] == "2026-04-27" and data["decided_by"] == "zone_admin"
    reopening = PeriodReopening.objects.get()
    assert (reopening.unit, reopening.month, reopening.until) == (office.unit, 3, dt.date(2026, 4, 27))
    again = api(office.admin).post(f"{URL}{asked.pk}/refuse/", {"reason": "改为不同意"}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "granted"


def test_a_refusal_needs_a_reason_and_is_shown_to_the_staff(office, asked):
    refused = api(office.admin).post(f"{URL}{asked.pk}/refuse/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    response = api(office.admin).post(f"{URL}{asked.pk}/refuse/", {"reason": "三月数据已由统计局直报"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "refused"
    mine = api(office.staff).get(f"{URL}{asked.pk}/").json()
    assert mine["decision_note"] == "三月数据已由统计局直报" and mine["decided_by"] == "zone_admin"
    assert not PeriodReopening.objects.exists()


@pytest.mark.parametrize(
    ("who", "code"), [("staff", 403), ("reviewer", 403), ("other_staff", 404), ("foreign_admin", 404)]
)
def test_only_the_zone_office_decides_403_for_other_readers_404_for_the_rest(office, asked, who, code):
    for step, payload in (("grant", {"until": "2026-04-27"}), ("refuse", {"reason": "不同意"})):
        assert api(getattr(office, who)).post(f"{URL}{asked.pk}/{step}/", payload, format="json").status_code == code
    asked.refresh_from_db()
    assert asked.status == LateRequestStatus.PENDING and not PeriodReopening.objects.exists()


def test_a_grant_until_a_past_day_is_a_400_and_changes_nothing(office, asked):
    response = api(office.admin).post(f"{URL}{asked.pk}/grant/", {"until": "2026-04-19"}, format="json")
    assert response.status_code == 400 and "until" in response.json()
    asked.refresh_from_db()
    assert asked.status == LateRequestStatus.PENDING and not PeriodReopening.objects.exists()


def test_the_state_is_checked_before_the_input(office, asked):
    api(office.admin).post(f"{URL}{asked.pk}/refuse/", {"reason": "不同意"}, format="json")
    assert api(office.admin).post(f"{URL}{asked.pk}/grant/", {}, format="json").status_code == 409


def test_the_list_filters_by_state_and_unit(office, asked):
    other_unit_staff = MembershipFactory(unit=UnitFactory(zone=office.plan.zone), role=Role.STAFF).user
    assert api(office.admin).get(URL, {"status": "pending"}).json()["count"] == 1
    assert api(office.admin).get(URL, {"status": "granted"}).json()["count"] == 0
    assert api(office.admin).get(URL, {"unit": office.other_unit.pk}).json()["count"] == 0
    assert api(office.admin).get(URL, {"status": "nonsense"}).status_code == 400
    assert api(other_unit_staff).get(URL).json()["count"] == 0
