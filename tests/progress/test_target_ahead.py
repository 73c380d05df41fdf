"""The target page looks ahead from the stored result: both time progress
lines with the one that judges named, the pace still needed beside the pace
so far, the year-end projection with its band, basis and outlook, last year's
same period and the growth on it; the chart draws both lines and last year's."""

import json
import re

import pytest
from django.urls import reverse

from plans.choices import TimeBasis
from progress.engine.recompute import targets_recompute
from tests.ahead import TODAY, approve, seasonal_plan
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("core.clock.today", lambda: TODAY)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def block(html: str, marker: str) -> str:
    """The element whose tag carries ``marker``."""
    start = html.rindex("<", 0, html.index(marker))
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    return html[start : html.index(f"</{tag}>", start) + len(tag) + 3]


def page(client, target, *, period="2014-09", language="zh-hans"):
    response = client.get(
        reverse("progress:target", args=[target.pk]), {"period": period}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response


def test_the_page_shows_the_way_ahead_as_stored(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    text = text_of(page(client, plan.investment).content.decode())
    assert "直线 75.0% · 季节性 67.3%" in text
    assert "判定依据：季节性序时进度" in text
    assert "需月均完成27.33亿元，前9月月均17.56亿元" in text
    assert "预计全年完成234.86亿元（区间210.81–258.91亿元） 预计未完成 按上年季节规律推算" in text
    assert "上年同期148亿元，同比+6.8%" in text
    # The explanation names the basis it judged on.
    assert "低于季节性序时进度1.5个百分点" in text


def test_a_plan_judged_on_the_straight_line_says_so_and_still_shows_the_seasonal_line(client):
    plan = seasonal_plan(TimeBasis.LINEAR)
    client.force_login(plan.leader)
    text = text_of(page(client, plan.foreign).content.decode())
    assert "直线 75.0% · 季节性 88.9%" in text
    assert "判定依据：直线序时进度" in text
    assert "超序时进度5.0个百分点" in text and "季节性序时进度5.0" not in text
    assert "预计全年完成10.8亿美元（区间9.69–11.91亿美元） 预计未完成" in text


def test_without_last_years_figures_the_projection_runs_in_a_line(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    target = TargetFactory(task=plan.task, indicator="招商签约项目", unit="个", value=30, order=9)
    for month in range(1, 10):
        approve(target, month, 2 * month)
    targets_recompute(targets=[target], plan=plan.plan, as_of=TODAY)
    html = page(client, target).content.decode()
    text = text_of(html)
    assert text_of(block(html, 'id="time-progress"')) == "直线 75.0% 判定依据：直线序时进度"
    assert "需月均完成4个，前9月月均2个" in text
    assert "预计全年完成24个" in text and "按当前进度线性推算" in text
    assert "上年同期" not in text
    assert 'id="chart-data"' in html
    names = [s["name"] for s in json.loads(re.search(r'id="chart-data"[^>]*>(.*?)</script>', html).group(1))["series"]]
    assert "序时进度" in names and "上年同期累计" not in names


def test_the_chart_draws_both_time_progress_lines_and_last_years(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    html = page(client, plan.investment).content.decode()
    chart = json.loads(re.search(r'id="chart-data"[^>]*>(.*?)</script>', html).group(1))
    series = {s["name"]: s["data"] for s in chart["series"]}
    assert set(series) >= {"直线序时进度", "季节性序时进度（判定依据）", "上年同期累计"}
    assert series["直线序时进度"][8] == 180.0  # 75% of 240 by September
    assert series["季节性序时进度（判定依据）"][8] == pytest.approx(161.52)  # 67.3% of 240
    assert series["上年同期累计"][:3] == [5.0, 12.0, 25.0] and series["上年同期累计"][11] == 220.0


def test_the_page_reads_in_english_too(client):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    text = text_of(page(client, plan.investment, language="en").content.decode())
    assert "27.33亿元 a month still needed, 17.56亿元 a month over the first 9 months" in text
    assert "Status judged against: seasonal time progress" in text
    assert "Projected for the year: 234.86亿元 (range 210.81–258.91亿元) Expected to be missed" in text
    assert "Same period last year: 148亿元, +6.8% on it" in text
    assert "1.5 points behind seasonal time progress" in text


def test_the_target_page_reads_the_same_number_of_queries_whatever_its_months(client, django_assert_max_num_queries):
    plan = seasonal_plan()
    client.force_login(plan.leader)
    early = TargetFactory(task=plan.task, indicator="招商签约项目", unit="亿元", value=30, order=9)
    early.baseline_by_month = plan.investment.baseline_by_month
    early.save()
    for month in range(1, 3):
        approve(early, month, 2 * month)
    targets_recompute(targets=[early], plan=plan.plan, as_of=TODAY)
    with django_assert_max_num_queries(40) as few:
        page(client, early)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "需月均完成" in page(client, plan.investment).content.decode()
