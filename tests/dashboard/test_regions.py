"""A region office compares its zones: reached by clicking from home, one year
for every zone, each zone at its month just closed, and every zone left out
named with the reason."""

import datetime as dt
from decimal import Decimal as D
from unittest import mock

import pytest
from django.urls import reverse

from dashboard.choices import LeftOut
from dashboard.regions import canonical
from plans.models import Plan
from plans.periods import Period
from progress.engine.recompute import targets_recompute
from progress.models import Report
from tests.dashboard.conftest import approve
from tests.factories import (
    CityFactory,
    PlanFactory,
    ProvinceFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import RegionAccess

pytestmark = pytest.mark.django_db

TODAY = dt.date(2014, 9, 20)  # August closed on the 5th; a quarterly plan's last closed quarter is June


@pytest.fixture(autouse=True)
def today():
    with mock.patch("core.clock.today", return_value=TODAY):
        yield


def _zone(province, city, code, *, start=2014, end=2014, status="published", **plan):
    zone = ZoneFactory(code=code, short_name=code, region=CityFactory(name=city, parent=province))
    return PlanFactory(zone=zone, start_year=start, end_year=end, status=status, title=f"{code}计划", **plan)


def _target(plan, indicator, value, *, months=(), kind="amount", **fields):
    target = TargetFactory(task=TaskFactory(plan=plan), indicator=indicator, kind=kind, value=D(value), **fields)
    for month in months:
        approve(target, month, month)
    targets_recompute(targets=[target], plan=plan, as_of=TODAY)
    return target


@pytest.fixture
def henan():
    """河南省: 新乡 (monthly) and 焦作 (quarterly) share 高新技术企业 in 2014 under
    two names; 开封's 2014 plan shares nothing; 洛阳's 2014 plan is a draft;
    郑州's plan is of 2020-2022."""
    province = ProvinceFactory(name="河南省")
    xinxiang = _zone(province, "新乡市", "xinxiang")
    jiaozuo = _zone(province, "焦作市", "jiaozuo", frequency="quarterly")
    kaifeng = _zone(province, "开封市", "kaifeng")
    luoyang = _zone(province, "洛阳市", "luoyang", status="draft")
    zhengzhou = _zone(province, "郑州市", "zhengzhou", start=2020, end=2022)
    _target(xinxiang, "新增高新技术企业", 10, months=range(1, 9))
    _target(jiaozuo, "新增国家高新技术企业", 4, months=(3, 6), frequency="quarterly")
    _target(xinxiang, "规模以上工业总产值", 300)
    _target(jiaozuo, "规模以上工业总产值(2015年)", 360, deadline=dt.date(2015, 12, 31))  # due in 2015
    _target(kaifeng, "新增绿化面积", 8)
    _target(luoyang, "新增高新技术企业", 3)
    _target(zhengzhou, "新增高新技术企业认定(2020年)", 260, deadline=dt.date(2020, 12, 31))
    viewer = UserFactory(username="henan_viewer")
    RegionAccess.objects.create(user=viewer, region=province)
    return province, viewer


def _open(client, region, language="zh-hans", **params):
    return client.get(reverse("dashboard:region", args=[region.pk]), params, HTTP_ACCEPT_LANGUAGE=language)


def test_the_province_compares_one_year_the_latest_with_the_most_zones(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    comparison = _open(client, province).context["comparison"]
    assert comparison.year == 2014
    assert [(c.year, c.zone_count) for c in comparison.years] == [(2022, 1), (2021, 1), (2020, 1), (2014, 3)]
    assert comparison.indicator.key == "高新技术企业|amount"
    assert sorted(row.zone.code for row in comparison.rows) == ["jiaozuo", "xinxiang"]


def test_every_zone_left_out_is_named_with_the_reason(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    response = _open(client, province)
    left = {item.zone.code: item for item in response.context["comparison"].left_out}
    assert {code: item.reason for code, item in left.items()} == {
        "kaifeng": LeftOut.NO_COMMON_INDICATOR,
        "luoyang": LeftOut.NOT_PUBLISHED,
        "zhengzhou": LeftOut.NO_PLAN,
    }
    assert left["zhengzhou"].years == ("2020–2022",)
    page = _open(client, province, "en").content.decode()
    assert "Zones left out" in page and "No plan for this year" in page and "Its plans: 2020–2022" in page
    assert "Its plan for this year is not published" in page


def test_each_zone_is_read_at_its_month_just_closed_and_the_page_says_the_months_differ(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    response = _open(client, province, "en")
    rows = {row.zone.code: row for row in response.context["comparison"].rows}
    assert rows["xinxiang"].period == Period(2014, 8) and rows["xinxiang"].result.month == 8
    assert rows["jiaozuo"].period == Period(2014, 6) and rows["jiaozuo"].result.month == 6
    assert rows["xinxiang"].result.actual == D(8) and rows["jiaozuo"].result.actual == D(6)
    assert "The zones stand at different months" in response.content.decode()


def test_zones_at_the_same_month_are_said_to_be_read_at_it(client, henan):
    _province, viewer = henan
    shandong = ProvinceFactory(name="山东省")
    for code in ("jinan", "qingdao"):
        _target(_zone(shandong, f"{code}市", code), "高新技术企业", 4, months=range(1, 9))
    RegionAccess.objects.create(user=viewer, region=shandong)
    client.force_login(viewer)
    response = _open(client, shandong, "en")
    assert [row.period for row in response.context["comparison"].rows] == [Period(2014, 8)] * 2
    assert "All zones are read at months 1–8." in response.content.decode()


def test_a_zone_alone_in_its_city_is_said_to_have_no_other_to_compare_with(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    comparison = _open(client, province.children.get(name="新乡市")).context["comparison"]
    assert comparison.rows == [] and [item.reason for item in comparison.left_out] == [LeftOut.ALONE]


def test_a_figure_carried_from_an_earlier_month_says_its_age(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    city = CityFactory(name="安阳市", parent=province)
    plan = PlanFactory(zone=ZoneFactory(code="anyang", region=city), status="published")
    _target(plan, "高新技术企业", 4, months=(1, 2, 3))
    response = _open(client, province, "en")
    row = next(row for row in response.context["comparison"].rows if row.zone.code == "anyang")
    assert row.result.month == 8 and (row.result.data_year, row.result.data_month) == (2014, 3)
    assert "Figure as of months 1–3" in response.content.decode()


def test_a_figure_waiting_for_review_is_shown_marked_and_not_counted(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    plan = _zone(province, "许昌市", "xuchang")
    target = _target(plan, "高新技术企业", 10, months=range(1, 8))
    waiting = approve(target, 8, 9)
    Report.objects.filter(pk=waiting.pk).update(status="submitted", approved_at=None)
    targets_recompute(targets=[target], plan=plan, as_of=TODAY)
    response = _open(client, province, "en")
    row = next(row for row in response.context["comparison"].rows if row.zone.code == "xuchang")
    assert row.result.actual == D(7) and row.result.reporting == "pending"  # July's approved figure counts
    assert row.pending.pk == waiting.pk
    page = response.content.decode()
    assert f'data-pending="{target.pk}"' in page and "Figure as of months 1–7" in page


def test_both_statuses_are_shown_for_each_zone(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    response = _open(client, province)
    page = response.content.decode()
    for row in response.context["comparison"].rows:
        assert row.result.status and row.result.reporting
        assert f'data-reporting="{row.result.reporting}">{row.result.get_reporting_display()}<' in page
        assert f'class="light {row.result.status}"' in page


def test_another_year_compares_that_year_and_says_when_one_zone_is_alone(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    response = _open(client, province, "en", year="2020")
    comparison = response.context["comparison"]
    assert comparison.year == 2020 and comparison.rows == [] and comparison.choices == []
    assert "Only one zone has a plan for 2020: there is nothing to compare it with." in response.content.decode()
    assert comparison.left_out[0].zone.code == "zhengzhou"  # those with a plan for the year first
    left = {item.zone.code: item.reason for item in comparison.left_out}
    assert left == {
        "zhengzhou": LeftOut.ALONE,
        "xinxiang": LeftOut.NO_PLAN,
        "jiaozuo": LeftOut.NO_PLAN,
        "kaifeng": LeftOut.NO_PLAN,
        "luoyang": LeftOut.NO_PLAN,
    }


def test_a_target_due_in_another_year_is_not_compared(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    comparison = _open(client, province).context["comparison"]
    assert "规模以上工业总产值|amount" not in {choice.key for choice in comparison.choices}
    assert canonical("新增国家高新技术企业") == canonical("新增高新技术企业") == "高新技术企业"


def test_a_zone_whose_targets_are_due_in_another_year_is_left_out_saying_when_they_are_due(client, henan):
    province, viewer = henan
    anyang = _zone(province, "安阳市", "anyang", end=2015)  # its targets, without a deadline, are due in 2015
    _target(anyang, "高新技术企业", 20, months=range(1, 9))
    _target(anyang, "新增绿化面积", 5, months=range(1, 9), deadline=dt.date(2014, 12, 31))  # shared with 开封
    nanyang = _zone(province, "南阳市", "nanyang", end=2016)
    _target(nanyang, "固定资产投资", 300, months=range(1, 9))
    client.force_login(viewer)
    response = _open(client, province, "en")  # 高新技术企业 and 绿化面积 are both shared by two zones
    comparison = response.context["comparison"]
    assert [choice.key for choice in comparison.choices] == ["高新技术企业|amount", "绿化面积|amount"]
    assert comparison.indicator.key == "高新技术企业|amount"  # an indicator of the synonyms table first
    assert sorted(row.zone.code for row in comparison.rows) == ["jiaozuo", "xinxiang"]
    left = {item.zone.code: item for item in comparison.left_out}
    assert (left["anyang"].reason, left["anyang"].years) == (LeftOut.DUE_ANOTHER_YEAR, ("2015",))
    assert (left["nanyang"].reason, left["nanyang"].years) == (LeftOut.NOTHING_DUE, ("2016",))
    assert left["kaifeng"].reason == LeftOut.NOT_THIS_INDICATOR  # it shares 绿化面积 with 安阳 now
    page = response.content.decode()
    assert "its target for this indicator is due in another year" in page and "Due in 2015" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "2030"}, "No zone of this region has a plan for 2030."),
        ({"year": "二〇一四"}, "is not a year."),
        ({"year": "9" * 5000}, "is not a year."),
        ({"indicator": "绿化面积|amount"}, "That indicator is not shared by two zones in 2014"),
    ],
)
def test_a_year_or_indicator_not_on_offer_is_said_and_the_default_shown(client, henan, params, message):
    province, viewer = henan
    client.force_login(viewer)
    response = _open(client, province, "en", **params)
    assert response.status_code == 200 and message in response.content.decode()
    assert response.context["comparison"].year == 2014 and len(response.context["comparison"].rows) == 2


def test_the_query_count_does_not_grow_with_the_zones(client, henan, django_assert_max_num_queries):
    province, viewer = henan
    client.force_login(viewer)
    with django_assert_max_num_queries(20) as baseline:
        _open(client, province)
    for n in range(6):
        plan = _zone(province, f"市{n}", f"more{n}")
        _target(plan, "高新技术企业", 5 + n, months=range(1, 9))
        _target(plan, "固定资产投资", 100)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = _open(client, province)
    assert len(response.context["comparison"].rows) == 8


def test_a_viewer_sees_their_regions_on_the_home_page_with_a_link_to_each(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "You hold no role in any zone yet" not in page
    regions = response.context["regions"]
    assert regions[0].region == province and regions[0].zone_count == 5
    cities = [(entry.region.name, entry.zone_count) for entry in regions[1:]]
    assert cities == sorted(cities) and ("郑州市", 1) in cities and len(cities) == 5
    for entry in regions:
        assert f'href="{reverse("dashboard:region", args=[entry.region.pk])}"' in page


def test_the_navigation_links_a_viewer_to_their_widest_region(client, henan):
    province, viewer = henan
    city = CityFactory(name="另一市")  # in another province
    RegionAccess.objects.create(user=viewer, region=city)
    RegionAccess.objects.create(user=viewer, region=province.children.get(name="新乡市"))
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("dashboard:region", args=[province.pk])}" data-nav="region">' in page
    names = [entry.region.name for entry in client.get(reverse("home")).context["regions"]]
    assert names.count("新乡市") == 1 and names[0] == "河南省" and "另一市" in names


def test_the_dashboards_comparison_links_go_to_the_province_a_viewer_may_see(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    page = client.get(reverse("dashboard:index")).content.decode()
    link = f'href="{reverse("dashboard:region", args=[province.pk])}"'
    assert page.count(link) == 4 + 1  # one per readable plan, and the navigation's


def test_a_city_page_leads_to_the_province_and_its_other_cities(client, henan):
    province, viewer = henan
    client.force_login(viewer)
    city = province.children.get(name="新乡市")
    response = _open(client, city)
    nearby = [(region.name, region.zone_count) for region in response.context["nearby"]]
    assert nearby[0] == ("河南省", 5) and ("新乡市", 1) in nearby
    assert f'href="{reverse("dashboard:region", args=[province.pk])}"' in response.content.decode()


def test_a_zone_of_another_province_is_neither_compared_nor_named(client, henan):
    province, viewer = henan
    other = PlanFactory(zone=ZoneFactory(code="elsewhere"), status="published")
    _target(other, "高新技术企业", 5, months=range(1, 9))
    client.force_login(viewer)
    response = _open(client, province)
    comparison = response.context["comparison"]
    codes = {row.zone.code for row in comparison.rows} | {item.zone.code for item in comparison.left_out}
    assert "elsewhere" not in codes and comparison.zone_count == 5
    assert _open(client, other.zone.region).status_code == 403


def test_a_plan_dashboard_links_a_province_viewer_to_the_whole_province(client, henan):
    province, viewer = henan
    plan = Plan.objects.get(zone__code="xinxiang")
    client.force_login(viewer)
    page = client.get(reverse("dashboard:plan", args=[plan.pk])).content.decode()
    assert reverse("dashboard:region", args=[province.pk]) in page
    assert reverse("dashboard:region", args=[plan.zone.region_id]) not in page  # not the city alone
