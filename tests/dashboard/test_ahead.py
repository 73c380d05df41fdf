"""The dashboard looks ahead: the cards show the pace still needed beside
the pace so far, last year's same period and growth, and a trend line of
this year against last year; a box lists the targets heading for a miss at
year end (then those at risk), those not yet lagging first; the list of what
lags shows the pace. All read from the stored results, in as many queries
whatever the rows."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from plans.choices import TimeBasis
from progress.engine.recompute import targets_recompute
from targets import kinds
from targets.choices import ReportedAs
from tests.ahead import INVESTMENT_LAST_YEAR, TODAY, approve, seasonal_plan
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def october(clock):
    clock(TODAY)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def block(html: str, marker: str) -> str:
    """The element whose tag carries ``marker``."""
    start = html.rindex("<", 0, html.index(marker))
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    return html[start : html.index(f"</{tag}>", start) + len(tag) + 3]


def dashboard(client, plan, language="zh-hans"):
    response = client.get(reverse("dashboard:plan", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.context["period"].month == 9
    return response.content.decode()


def test_a_card_shows_the_pace_last_year_and_a_trend_line(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    html = dashboard(client, plan.plan)
    card = block(html, f'data-target="{plan.investment.pk}"')
    text = text_of(card)
    assert "需月均完成27.33亿元，前9月月均17.56亿元" in text
    assert "上年同期148亿元，同比+6.8%" in text
    assert "预计全年完成234.86亿元（区间210.81–258.91亿元） 预计未完成" in text
    assert "完成率 65.8% · 季节性序时 67.3%" in text
    # The trend line: nine months of this year, twelve of last year, on one scale.
    this_year = re.search(r'class="this-year" points="([^"]+)"', card).group(1).split()
    last_year = re.search(r'class="last-year" points="([^"]+)"', card).group(1).split()
    assert len(this_year) == 9 and len(last_year) == 12
    assert this_year[0].startswith("2.0,") and last_year[-1].startswith("118.0,")
    assert last_year[-1].endswith(",2.0")  # last year's 220 is the highest figure drawn


def test_the_box_lists_the_targets_heading_for_a_miss_not_yet_lagging_first(client):
    plan = seasonal_plan(TimeBasis.LINEAR)
    client.force_login(plan.leader)
    html = dashboard(client, plan.plan)
    box = block(html, 'id="outlook-miss"')
    rows = re.findall(r'<tr data-target="(\d+)" data-outlook="(\w+)"', box)
    # 实际利用外资 is on track against the straight line yet heading for a miss: first.
    assert rows == [(str(plan.foreign.pk), "miss"), (str(plan.investment.pk), "miss"), (str(plan.output.pk), "risk")]
    assert "按当前进度预计年底未达标" in text_of(box)
    foreign = text_of(block(box, f'data-target="{plan.foreign.pk}"'))
    assert "预计未完成" in foreign and "正常推进" in foreign
    assert "预计全年完成10.8亿美元（区间9.69–11.91亿美元）" in foreign
    assert f'href="{reverse("progress:target", args=[plan.foreign.pk])}?period=2014-09"' in box
    # Met: not listed.
    assert f'data-target="{plan.projects.pk}"' not in box
    assert f'data-target="{plan.output.pk}" data-outlook="risk"' in box


def test_no_box_where_nothing_heads_for_a_miss(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    for target in (plan.investment, plan.output, plan.foreign):
        approve(target, 10, target.value)
    targets_recompute(targets=[plan.investment, plan.output, plan.foreign], plan=plan.plan, as_of=dt.date(2014, 11, 20))
    html = client.get(reverse("dashboard:plan", args=[plan.plan.pk]), {"period": "2014-10"}).content.decode()
    assert 'id="outlook-miss"' not in html


def test_the_list_of_what_lags_shows_the_pace(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    html = dashboard(client, plan.plan)
    row = text_of(block(block(html, 'id="lagging"'), f'data-target="{plan.foreign.pk}"'))
    assert "需月均完成0.8亿美元，前9月月均1.07亿美元" in row
    assert "低于季节性序时进度8.9个百分点" in row


def test_the_box_reads_in_english_too(client):
    plan = seasonal_plan(TimeBasis.LINEAR)
    client.force_login(plan.leader)
    box = text_of(block(dashboard(client, plan.plan, language="en"), 'id="outlook-miss"'))
    assert "Heading for a miss at year end at the current pace" in box
    assert "Expected to be missed" in box and "At risk" in box


def test_the_dashboard_reads_as_many_queries_whatever_its_targets(client, django_assert_max_num_queries):
    plan = seasonal_plan(TimeBasis.LINEAR)
    client.force_login(plan.leader)
    url = reverse("dashboard:plan", args=[plan.plan.pk])
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    more = []
    for n in range(12):  # more cards with trend lines, more in the box and in the list of what lags
        target = TargetFactory(
            task=plan.task,
            indicator=f"指标{n}",
            unit="亿元",
            value=100,
            order=10 + n,
            is_headline=n % 2 == 0,
            baseline_by_month=plan.foreign.baseline_by_month,
        )
        for month in range(1, 10):
            approve(target, month, 5 * month + n)
        more.append(target)
    targets_recompute(targets=more, plan=plan.plan, as_of=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('class="spark"') == 2 + 6
    assert len(re.findall(r'data-outlook="miss"', block(html, 'id="outlook-miss"'))) >= 12


def test_a_rate_draws_no_trend_line_against_last_years_amounts(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    growth = TargetFactory(
        task=plan.task,
        indicator="固定资产投资增速",
        kind=kinds.GROWTH_RATE.key,
        unit="%",
        value=D(15),
        order=20,
        is_headline=True,
        reported_as=ReportedAs.AMOUNT,
        baseline=D(INVESTMENT_LAST_YEAR[-1]),
        baseline_by_month=plan.investment.baseline_by_month,
    )
    for month in range(1, 10):
        approve(growth, month, D(INVESTMENT_LAST_YEAR[month - 1]) * D("1.1"))
    targets_recompute(targets=[growth], plan=plan.plan, as_of=TODAY)
    card = block(dashboard(client, plan.plan), f'data-target="{growth.pk}"')
    assert "同比增长10%" in text_of(card)
    assert 'class="spark"' not in card and "需月均完成" not in card
