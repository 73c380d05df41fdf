"""Supervision's lists show an amount's pace: the monthly pace still needed
beside the pace so far, as the engine stored them (targets.ahead_words, the
wording the dashboard's list of what lags shares)."""

import re

import pytest
from django.urls import reverse

from plans.choices import TimeBasis
from progress.engine.recompute import targets_recompute
from tests.ahead import TODAY, approve, seasonal_plan
from tests.factories import TargetFactory
from tests.supervision.conftest import member
from zones.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def october(monkeypatch):
    monkeypatch.setattr("core.clock.today", lambda: TODAY)


def row_of(html: str, target) -> str:
    start = html.index(f'<tr data-target="{target.pk}"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</tr>", start)]).split())


def test_the_lagging_list_shows_the_pace_of_an_amount(client):
    plan = seasonal_plan(TimeBasis.LINEAR)
    client.force_login(member(plan.plan.zone, Role.SUPERVISOR, "inspector"))
    html = client.get(reverse("supervision:index"), {"list": "flagged", "period": "2014-09"}).content.decode()
    row = row_of(html, plan.investment)
    assert "需月均完成27.33亿元，前9月月均17.56亿元" in row
    # On track, so not in the flagged list.
    assert f'data-target="{plan.foreign.pk}"' not in html
    html = client.get(reverse("supervision:index"), {"list": "", "period": "2014-09"}).content.decode()
    # Reached: the pace so far alone, nothing still needed.
    projects = row_of(html, plan.projects)
    assert "前9月月均2个" in projects and "需月均完成" not in projects


def test_the_list_reads_as_many_queries_whatever_its_rows(client, django_assert_max_num_queries):
    plan = seasonal_plan(TimeBasis.LINEAR)
    client.force_login(member(plan.plan.zone, Role.SUPERVISOR, "inspector"))
    url = reverse("supervision:index")
    params = {"list": "", "period": "2014-09"}
    client.get(url, params)  # warm the session
    with django_assert_max_num_queries(30) as few:
        client.get(url, params)
    more = []
    for n in range(15):
        target = TargetFactory(task=plan.task, indicator=f"指标{n}", unit="亿元", value=100, order=10 + n)
        for month in range(1, 10):
            approve(target, month, 5 * month)
        more.append(target)
    targets_recompute(targets=more, plan=plan.plan, as_of=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url, params).content.decode()
    assert "需月均完成18.33亿元，前9月月均5亿元" in row_of(html, more[-1])
