"""A task item through the API: its standing written in words beside the
figure, and sent as words."""

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import translation

from progress.engine.recompute import targets_recompute
from progress.models import Report
from targets.choices import Standing
from targets.task_items import task_items_ensure
from tests.api.test_api import client_for
from tests.factories import ReportFactory


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield


@pytest.fixture
def item(desk):
    task_items_ensure(desk.plan)
    return desk.task.targets.task_items().get()


def label(standing: Standing, language: str = "en") -> str:
    with translation.override(language):
        return str(standing.label)


def test_a_standing_sent_in_words_is_saved_as_its_code_and_read_back_in_words(desk, item):
    api = client_for(desk.staff)
    response = api.post(
        "/api/v1/reports/",
        {"target": item.pk, "year": 2026, "month": 3, "value": "按计划推进", "progress": "方案已报批"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["standing"] == label(Standing.ON_SCHEDULE)
    assert Report.objects.get(target=item).value == Decimal(int(Standing.ON_SCHEDULE))
    listed = api.get("/api/v1/reports/", {"target": item.pk}, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [row["standing"] for row in listed] == [label(Standing.ON_SCHEDULE)]


def test_a_word_that_is_no_standing_is_a_400_on_value(desk, item):
    response = client_for(desk.staff).post(
        "/api/v1/reports/", {"target": item.pk, "year": 2026, "month": 3, "value": "差不多"}, format="json"
    )
    assert response.status_code == 400 and "value" in response.json()
    assert not Report.objects.exists()


def test_a_figures_standing_is_null(desk, item):
    response = client_for(desk.staff).post(
        "/api/v1/reports/", {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "32.5"}, format="json"
    )
    assert response.status_code == 201 and response.json()["standing"] is None


def test_a_results_standing_is_the_approved_one_in_words(desk, item):
    ReportFactory(
        target=item,
        year=2026,
        month=3,
        value=Decimal(int(Standing.LAGGING)),
        problems="拆迁受阻",
        status="approved",
        submitted_at="2026-04-01T00:00Z",
        approved_at="2026-04-01T00:00Z",
    )
    targets_recompute(targets=[item, desk.amount], plan=desk.plan, as_of=dt.date(2026, 3, 31))
    api = client_for(desk.staff)
    rows = api.get("/api/v1/results/", {"target": item.pk, "month": 3}, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert rows[0]["status"] == "lagging" and rows[0]["standing"] == label(Standing.LAGGING)
    figures = api.get("/api/v1/results/", {"target": desk.amount.pk, "month": 3}).json()["results"]
    assert figures[0]["standing"] is None


def test_the_schema_states_the_standing_words_as_a_figure(desk):
    schema = client_for(desk.staff).get("/api/schema/", {"format": "json"}).json()
    pattern = schema["components"]["schemas"]["FigureIn"]["properties"]["value"]["oneOf"][0]["pattern"]
    assert all(re.fullmatch(pattern, word) for word in ("已完成", "按计划推进", "滞后", "32.5", "3.2亿"))
    assert not re.fullmatch(pattern, "差不多")
    assert "standing" in schema["components"]["schemas"]["Report"]["properties"]
    assert "standing" in schema["components"]["schemas"]["Result"]["properties"]
