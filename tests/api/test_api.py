"""The REST API: the same scoping and rules as the pages, clear JSON errors."""

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from progress.engine.recompute import targets_recompute
from progress.models import Report
from targets.models import TargetResult
from tests.factories import MembershipFactory, PlanFactory, ReportFactory, TargetFactory, TaskFactory, UnitFactory
from zones.choices import Role


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_anonymous_requests_are_asked_to_authenticate(desk):
    response = APIClient().get("/api/v1/targets/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_an_invalid_token_is_a_401_with_a_challenge(desk):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/targets/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_the_schema_documents_the_401_on_every_operation_and_the_token_scheme_first(desk):
    schema = client_for(desk.staff).get("/api/schema/", {"format": "json"}).json()
    operations = [op for path in schema["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert operations and all("401" in op["responses"] for op in operations)
    assert all(next(iter(op["security"][0])) == "tokenAuth" for op in operations)


def test_a_browser_session_reads_and_writes_with_its_csrf_token(client, desk):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(desk.staff)
    assert client.get("/api/v1/targets/").status_code == 200
    body = {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "3.2"}
    refused = client.post("/api/v1/reports/", body, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not Report.objects.exists()
    client.get(reverse("progress:mine"))  # a page sets the CSRF cookie, as in a browser
    token = client.cookies["csrftoken"].value
    assert client.post("/api/v1/reports/", body, format="json", HTTP_X_CSRFTOKEN=token).status_code == 201


def test_lists_are_scoped_to_the_users_units(desk):
    response = client_for(desk.staff).get("/api/v1/targets/")
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {desk.amount.pk, desk.growth.pk, desk.count.pk}
    assert client_for(desk.staff).get(f"/api/v1/targets/{desk.other_target.pk}/").status_code == 404


def test_a_draft_is_created_with_the_page_rules(desk):
    api = client_for(desk.staff)
    response = api.post(
        "/api/v1/reports/",
        {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "3.2亿", "progress": "推进中"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["value"] == "3.2000" and response.json()["version"] == 1
    bad = api.post(
        "/api/v1/reports/", {"target": desk.count.pk, "year": 2026, "month": 3, "value": "很多"}, format="json"
    )
    assert bad.status_code == 400 and "value" in bad.json()


def test_a_stale_update_is_a_409_with_what_changed(desk):
    api = client_for(desk.staff)
    created = api.post(
        "/api/v1/reports/", {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "10"}, format="json"
    ).json()
    assert (
        api.patch(f"/api/v1/reports/{created['id']}/", {"value": "12", "version": 1}, format="json").status_code == 200
    )
    stale = api.patch(f"/api/v1/reports/{created['id']}/", {"value": "15", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["conflicts"][0]["their_value"] == "12.0000"
    assert Report.objects.get(pk=created["id"]).value == Decimal(12)


def test_submit_approve_and_return_follow_the_review_rules(desk):
    staff, reviewer = client_for(desk.staff), client_for(desk.reviewer)
    report = staff.post(
        "/api/v1/reports/",
        {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "30", "progress": "完成30亿元"},
        format="json",
    ).json()
    submitted = staff.post(f"/api/v1/reports/{report['id']}/submit/", {"version": 1}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert staff.post(f"/api/v1/reports/{report['id']}/approve/").status_code == 403
    assert reviewer.post(f"/api/v1/reports/{report['id']}/return/", {"reason": ""}, format="json").status_code == 400
    returned = reviewer.post(f"/api/v1/reports/{report['id']}/return/", {"reason": "请核实"}, format="json")
    assert returned.json()["status"] == "returned" and returned.json()["return_reason"] == "请核实"


def test_the_submitter_cannot_approve_their_own_report_through_the_api(desk):
    MembershipFactory(user=desk.staff, unit=desk.unit, role=Role.REVIEWER)
    api = client_for(desk.staff)
    report = api.post(
        "/api/v1/reports/",
        {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "30", "progress": "完成30亿元"},
        format="json",
    ).json()
    api.post(f"/api/v1/reports/{report['id']}/submit/", {"version": 1}, format="json")
    refused = api.post(f"/api/v1/reports/{report['id']}/approve/")
    assert refused.status_code == 403 and "固定资产投资" in refused.json()["detail"]
    assert Report.objects.get(pk=report["id"]).status == "submitted"
    assert client_for(desk.reviewer).post(f"/api/v1/reports/{report['id']}/approve/").status_code == 200


def test_a_correction_through_the_api_checks_the_version(desk):
    report = ReportFactory(
        target=desk.amount,
        year=2026,
        month=2,
        value=Decimal(20),
        status="approved",
        submitted_at="2026-03-03T00:00Z",
        approved_at="2026-03-04T00:00Z",
    )
    reviewer = client_for(desk.reviewer)
    url = f"/api/v1/reports/{report.pk}/correct/"
    assert reviewer.post(url, {"value": "21", "reason": "更正"}, format="json").status_code == 400  # no version
    done = reviewer.post(url, {"value": "21", "reason": "统计局反馈", "version": 1}, format="json")
    assert done.status_code == 200 and done.json()["value"] == "21.0000" and done.json()["version"] == 2
    stale = reviewer.post(url, {"value": "22", "reason": "另一处反馈", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["conflicts"][0]["their_value"] == "21.0000" and stale.json()["conflicts"][0]["version"] == 2
    by_staff = client_for(desk.staff).post(url, {"value": "22", "reason": "x", "version": 2}, format="json")
    assert by_staff.status_code == 403
    report.refresh_from_db()
    assert (report.value, report.version, report.events.filter(action="corrected").count()) == (Decimal(21), 2, 1)


def test_an_implausible_correction_through_the_api_is_refused_until_confirmed(desk):
    report = ReportFactory(
        target=desk.amount,
        year=2026,
        month=2,
        value=Decimal(20),
        status="approved",
        submitted_at="2026-03-03T00:00Z",
        approved_at="2026-03-04T00:00Z",
    )
    reviewer = client_for(desk.reviewer)
    url = f"/api/v1/reports/{report.pk}/correct/"
    typed = {"value": "300", "reason": "统计局反馈", "version": 1}
    refused = reviewer.post(url, typed, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"confirmed"}
    done = reviewer.post(url, typed | {"confirmed": True}, format="json")
    assert done.status_code == 200 and done.json()["value"] == "300.0000"


def test_correcting_a_report_that_is_not_approved_is_a_409(desk):
    report = ReportFactory(target=desk.amount, year=2026, month=3, value=Decimal(10), status="draft")
    response = client_for(desk.reviewer).post(
        f"/api/v1/reports/{report.pk}/correct/", {"value": "11", "reason": "更正", "version": 1}, format="json"
    )
    assert response.status_code == 409 and response.json()["status"] == "draft"
    report.refresh_from_db()
    assert report.value == Decimal(10)


def test_reviewing_a_report_that_is_not_submitted_is_a_409_and_changes_nothing(desk):
    report = ReportFactory(target=desk.amount, year=2026, month=3, value=Decimal(10), status="draft")
    reviewer = client_for(desk.reviewer)
    approve = reviewer.post(f"/api/v1/reports/{report.pk}/approve/")
    assert approve.status_code == 409 and approve.json()["status"] == "draft"
    returned = reviewer.post(f"/api/v1/reports/{report.pk}/return/", {"reason": "请核实"}, format="json")
    assert returned.status_code == 409
    report.refresh_from_db()
    assert (report.status, report.version, report.events.count()) == ("draft", 1, 0)


def test_a_create_with_nothing_to_save_is_a_400_and_saves_nothing(desk):
    response = client_for(desk.staff).post(
        "/api/v1/reports/", {"target": desk.amount.pk, "year": 2026, "month": 3, "progress": "  "}, format="json"
    )
    assert response.status_code == 400 and "value" in response.json()
    assert not Report.objects.exists()


def test_a_submitted_report_is_not_changed_through_the_entry_endpoints(desk):
    report = ReportFactory(
        target=desk.amount, year=2026, month=3, value=Decimal(10), status="submitted", submitted_at="2026-04-01T00:00Z"
    )
    staff = client_for(desk.staff)
    attempts = [
        staff.patch(f"/api/v1/reports/{report.pk}/", {"value": "12", "version": 1}, format="json"),
        staff.post(f"/api/v1/reports/{report.pk}/submit/", {"value": "12", "version": 1}, format="json"),
        staff.post(
            "/api/v1/reports/",
            {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "12", "version": 1},
            format="json",
        ),
    ]
    assert [(r.status_code, r.json()["status"]) for r in attempts] == [(409, "submitted")] * 3
    report.refresh_from_db()
    assert (report.value, report.version, report.events.count()) == (Decimal(10), 1, 0)


def test_the_role_is_checked_before_the_input(desk):
    report = ReportFactory(
        target=desk.amount, year=2026, month=3, value=Decimal(10), status="submitted", submitted_at="2026-04-01T00:00Z"
    )
    staff, leader = (
        client_for(desk.staff),
        client_for(MembershipFactory(unit=None, zone=desk.plan.zone, role=Role.LEADER).user),
    )
    assert staff.post(f"/api/v1/reports/{report.pk}/return/", {"reason": ""}, format="json").status_code == 403
    assert leader.patch(f"/api/v1/reports/{report.pk}/", {"value": "很多"}, format="json").status_code == 403
    assert client_for(desk.other_staff).post(f"/api/v1/reports/{report.pk}/submit/", {}).status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("tasks", {"plan": 999999}),
        ("tasks", {"lead_unit": 999999, "leader": 999999, "parent": 999999}),
        ("targets", {"plan": 999999}),
        ("reports", {"unit": 999999}),
        ("units", {"zone": 999999}),
    ],
)
def test_an_id_filter_that_names_nothing_visible_matches_nothing(desk, endpoint, params):
    response = client_for(desk.staff).get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [("tasks", {"plan": "1.5"}), ("tasks", {"plan": 0}), ("reports", {"month": 13}), ("zones", {"code": "a\x00"})],
)
def test_a_filter_value_outside_what_the_schema_states_is_a_400(desk, endpoint, params):
    response = client_for(desk.staff).get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 400 and set(params) <= set(response.json())


@pytest.mark.parametrize(
    "params",
    [
        {"plan": "²"},
        {"zone": "²"},
        {"plan": "9" * 5000},
        {"zone": "99999999999999999999"},
        {"unit": "²"},
        {"leader": "9" * 5000},
        {"target": "²"},
        {"year": "²"},
        {"year": "9" * 5000},
        {"month": "²"},
        {"month": "99"},
        {"period": "2026-99"},
        {"period": "²"},
        {"period": "٢٠٢٦-٠٣"},
    ],
)
def test_result_filters_that_are_not_numbers_are_a_400(desk, params):
    response = client_for(desk.staff).get("/api/v1/results/", params)
    assert response.status_code == 400 and set(params) <= set(response.json())


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/period-submissions/", "/api/v1/notices/"])
@pytest.mark.parametrize("body", [_nested(5000), "[" * 5000 + "]" * 5000, _nested(100)])
def test_a_json_body_nested_too_deep_is_a_400(desk, path, body):
    supervisor = MembershipFactory(zone=desk.plan.zone, unit=None, role=Role.SUPERVISOR).user
    user = supervisor if path == "/api/v1/notices/" else desk.staff  # the one who may post there
    response = client_for(user).post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    assert not Report.objects.exists()


def test_a_json_body_of_ordinary_depth_is_read(desk):
    body = f'{{"target": {desk.amount.pk}, "year": 2026, "month": 3, "value": "3.2", "extra": {_nested(10)}}}'
    response = client_for(desk.staff).post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.json()


def test_bulk_submission_is_all_or_nothing_with_per_row_errors(desk):
    api = client_for(desk.staff)
    body = {
        "plan": desk.plan.pk,
        "unit": desk.unit.pk,
        "period": "2026-03",
        "submit": True,
        "rows": [
            {"target": desk.amount.pk, "value": "32.5", "progress": "a"},
            {"target": desk.growth.pk, "value": "abc", "progress": "b"},
            {"target": desk.count.pk, "value": "5", "progress": "c"},
        ],
    }
    refused = api.post("/api/v1/period-submissions/", body, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["rows"]) == [str(desk.growth.pk)]
    assert not Report.objects.exists()
    body["rows"][1]["value"] = "14.2"
    accepted = api.post("/api/v1/period-submissions/", body, format="json")
    assert accepted.status_code == 200 and {r["status"] for r in accepted.json()} == {"submitted"}


@pytest.mark.parametrize(
    ("target", "typed", "words"),
    [
        ("count", "1,5", "thousands separator"),  # stored as 15 before
        ("count", "1²", "not a number"),  # stored as 12 before
        ("growth", "3.2亿", "does not apply to a figure in %"),  # stored as 320000000 before
        ("amount", "1234567890123.4567", "at most 11 digits before the point"),  # stored rounded before
        ("amount", "1元", "more than 4 decimal places"),  # stored as 0 before
        ("count", "1e400", "not a number"),
    ],
)
def test_a_figure_that_would_change_on_the_way_in_is_a_400_and_saves_nothing(desk, target, typed, words):
    response = client_for(desk.staff).post(
        "/api/v1/reports/",
        {"target": getattr(desk, target).pk, "year": 2026, "month": 3, "value": typed, "confirmed": True},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and words in response.json()["value"]
    assert not Report.objects.exists()


def test_the_api_refuses_a_figure_in_chinese_by_default(desk):
    response = client_for(desk.staff).post(
        "/api/v1/reports/",
        {"target": desk.count.pk, "year": 2026, "month": 3, "value": "9999999999999999.9999", "confirmed": True},
        format="json",
    )
    assert response.status_code == 400 and response.json() == {"value": "数值过大：整数部分最多11位。"}


def test_a_bulk_submission_with_a_figure_that_does_not_fit_saves_no_row(desk):
    body = {
        "plan": desk.plan.pk,
        "unit": desk.unit.pk,
        "period": "2026-03",
        "rows": [
            {"target": desk.amount.pk, "value": "32.5", "progress": "a"},
            {"target": desk.growth.pk, "value": "14.2", "progress": "b"},
            {"target": desk.count.pk, "value": "9999999999999999", "progress": "c", "confirmed": True},
        ],
    }
    refused = client_for(desk.staff).post("/api/v1/period-submissions/", body, format="json")
    assert refused.status_code == 400 and list(refused.json()["rows"]) == [str(desk.count.pk)]
    assert not Report.objects.exists()


def test_the_schema_states_the_figures_the_api_keeps(desk):
    schema = client_for(desk.staff).get("/api/schema/", {"format": "json"}).json()
    pattern = schema["components"]["schemas"]["FigureIn"]["properties"]["value"]["oneOf"][0]["pattern"]
    assert re.fullmatch(pattern, "99999999999.9999") and not re.fullmatch(pattern, "100000000000")
    assert not re.fullmatch(pattern, "0.00001")


def test_a_closed_period_is_refused(desk):
    with mock.patch("core.clock.today", return_value=dt.date(2026, 5, 1)):
        response = client_for(desk.staff).post(
            "/api/v1/reports/",
            {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "1"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400 and "send a late-report request" in response.json()["detail"]


def test_results_carry_their_explanation(desk):
    ReportFactory(
        target=desk.amount,
        year=2026,
        month=3,
        value=Decimal("32.5"),
        status="approved",
        submitted_at="2026-04-01T00:00Z",
        approved_at="2026-04-01T00:00Z",
    )
    targets_recompute(targets=[desk.amount], plan=desk.plan, as_of=dt.date(2026, 3, 31))
    rows = client_for(desk.staff).get("/api/v1/results/", {"target": desk.amount.pk, "month": 3}).json()["results"]
    assert rows[0]["status"] == "on_track" and "1-3月完成32.5亿元" in rows[0]["explanation"]
    assert TargetResult.objects.count() == 3


def test_the_schema_and_the_docs_are_served_without_the_internet(desk):
    api = client_for(desk.staff)
    schema = api.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/period-submissions/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200 and b"drf_spectacular_sidecar" in docs.content


ENDPOINTS = ["zones", "units", "plans", "tasks", "targets", "reports", "results", "flags", "notices"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ["staff", "other_staff", "reviewer", "leader", "outsider"])
def test_permission_matrix_lists_show_only_what_the_role_may_see(desk, endpoint, role):
    ReportFactory(target=desk.amount, year=2026, month=2, value=Decimal(10))
    ReportFactory(target=desk.other_target, year=2026, month=2, value=Decimal(1))
    other_zone_target = TargetFactory(task=TaskFactory(plan=PlanFactory()))
    ReportFactory(target=other_zone_target, year=2026, month=2, value=Decimal(2))
    users = {
        "staff": desk.staff,
        "other_staff": desk.other_staff,
        "reviewer": desk.reviewer,
        "leader": MembershipFactory(unit=None, zone=desk.plan.zone, role=Role.LEADER).user,
        "outsider": MembershipFactory(unit=UnitFactory(zone=other_zone_target.task.plan.zone), role=Role.STAFF).user,
    }
    response = client_for(users[role]).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    body = str(response.json())
    if endpoint == "targets":
        ids = {row["id"] for row in response.json()["results"]}
        expected = {
            "staff": {desk.amount.pk, desk.growth.pk, desk.count.pk},
            "reviewer": {desk.amount.pk, desk.growth.pk, desk.count.pk},
            "other_staff": {desk.other_target.pk},
            "leader": {desk.amount.pk, desk.growth.pk, desk.count.pk, desk.other_target.pk},
            "outsider": set(),
        }[role]
        assert ids == expected
    if role != "outsider" and endpoint in ("zones", "plans"):
        assert desk.plan.zone.code in body or str(desk.plan.pk) in body
    if role == "outsider" and endpoint in ("reports", "targets", "tasks", "plans"):
        assert ("固定资产投资" not in body and f"'id': {desk.amount.pk}," not in body) or endpoint != "targets"


@pytest.mark.parametrize("role", ["other_staff", "leader", "outsider"])
def test_permission_matrix_writes_by_others_are_refused(desk, role):
    users = {
        "other_staff": desk.other_staff,
        "leader": MembershipFactory(unit=None, zone=desk.plan.zone, role=Role.LEADER).user,
        "outsider": MembershipFactory(role=Role.STAFF).user,
    }
    response = client_for(users[role]).post(
        "/api/v1/reports/", {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "1"}, format="json"
    )
    assert response.status_code == (404 if role in ("other_staff", "outsider") else 403)
    assert not Report.objects.exists()


def test_bulk_submissions_answer_costs_the_same_queries_for_one_row_or_two(desk, django_assert_max_num_queries):
    """The answer lists the saved reports with their standing, which reads each
    report's target: one join, not a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = client_for(desk.staff)

    def submit(targets, period):
        body = {
            "plan": desk.plan.pk,
            "unit": desk.unit.pk,
            "period": period,
            "submit": False,
            "rows": [{"target": t.pk, "value": "5", "progress": "p"} for t in targets],
        }
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/period-submissions/", body, format="json")
        assert response.status_code == 200, response.json()
        assert len(response.json()) == len(targets)
        return len(queries.captured_queries)

    one = submit([desk.count], "2026-03")
    with django_assert_max_num_queries(one):
        submit([desk.amount, desk.growth], "2026-03")
