"""Fault: the database connection drops in the middle of a submission.

The connection is cut from another session (``pg_terminate_backend``, what a
server restart, a failover or an administrator does) after the period's
reports are written and before their history is. The user gets a clean 503 page
(or JSON from the API), and nothing of the submission remains: its reports,
their history events and the recompute marks went with the transaction.
"""

from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from progress import services
from progress.models import Report, ReportEvent
from targets.models import PendingRecompute

pytestmark = pytest.mark.django_db(transaction=True)
UNREACHABLE = "The database could not be reached, so nothing was saved. Please try again in a minute."


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("cuts a PostgreSQL connection with pg_terminate_backend")


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield


@pytest.fixture
def cut_after_first_report():
    """Terminate the request's database session from outside once the
    submission's reports are written (inside its transaction), just before its
    history entries go in."""
    real_events_write = services._events_write
    cuts = []

    def cut_then_write(events, *args, **kwargs):
        if not cuts:
            pid = connection.connection.info.backend_pid
            settings = connection.settings_dict
            with psycopg.connect(
                host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
                password=settings["PASSWORD"], dbname=settings["NAME"], autocommit=True,
            ) as admin:  # fmt: skip
                cuts.append(admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0])
        real_events_write(events, *args, **kwargs)

    with mock.patch.object(services, "_events_write", cut_then_write):
        yield cuts
    connection.close()  # the test's own connection died with the request's


def nothing_of_the_submission_remains(desk):
    connection.close()
    targets = [desk.amount, desk.growth, desk.count]
    assert not Report.objects.filter(target__in=targets).exists()
    assert not ReportEvent.objects.filter(report__target__in=targets).exists()
    assert not PendingRecompute.objects.exists()


def period_post(desk):
    data = {"action": "submit"}
    for target, value in ((desk.amount, "32.5"), (desk.growth, "14.2"), (desk.count, "5")):
        prefix = f"r{target.pk}-"
        data |= {f"{prefix}present": "1", f"{prefix}value": value, f"{prefix}progress": "推进中"}
    return data


def test_the_period_form_answers_503_and_leaves_nothing_half_written(client, desk, cut_after_first_report):
    client.force_login(desk.staff)
    url = reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"})
    client.raise_request_exception = False

    response = client.post(url, period_post(desk))

    assert cut_after_first_report == [True]
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    with translation.override("zh-hans"):
        assert translation.gettext(UNREACHABLE) in page
    assert "Traceback" not in page and "psycopg" not in page
    nothing_of_the_submission_remains(desk)


def test_the_api_answers_503_json_and_leaves_nothing_half_written(desk, cut_after_first_report):
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=desk.staff).key}")
    body = {
        "plan": desk.plan.pk,
        "unit": desk.unit.pk,
        "period": "2026-03",
        "submit": True,
        "rows": [
            {"target": desk.amount.pk, "value": "32.5", "progress": "a"},
            {"target": desk.growth.pk, "value": "14.2", "progress": "b"},
            {"target": desk.count.pk, "value": "5", "progress": "c"},
        ],
    }

    response = api.post("/api/v1/period-submissions/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert cut_after_first_report == [True]
    assert response.status_code == 503
    assert response.json() == {"detail": UNREACHABLE}
    nothing_of_the_submission_remains(desk)
