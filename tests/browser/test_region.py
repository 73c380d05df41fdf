"""Journey: a province office logs in and, clicking only, goes from its home
page to the comparison of its zones: one year for all of them, each zone's
month, and the zones left out named with the reason. On a desktop and on a
phone."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from progress.engine.recompute import targets_recompute
from tests.browser.conftest import log_in, screenshot
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2014, 9, 20)
PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's


@pytest.fixture
def province():
    """河南省 as the demo has it, and more: 新乡 and 焦作 (2014, 焦作 reporting by
    quarter) share 高新技术企业 under two names, 开封 (2014) shares nothing,
    洛阳's 2014 plan is a draft and 郑州's plan is of 2020-2022."""
    henan = ProvinceFactory(name="河南省")
    zones = {}
    for code, name, city, start, end, status, frequency in [
        ("xinxiang", "新乡高新区", "新乡市", 2014, 2014, "published", "monthly"),
        ("jiaozuo", "焦作示范区", "焦作市", 2014, 2014, "published", "quarterly"),
        ("kaifeng", "开封开发区", "开封市", 2014, 2014, "published", "monthly"),
        ("luoyang", "洛阳高新区", "洛阳市", 2014, 2014, "draft", "monthly"),
        ("zhengzhou", "郑州高新区", "郑州市", 2020, 2022, "published", "monthly"),
    ]:
        zone = ZoneFactory(code=code, name=name, short_name=name, region=CityFactory(name=city, parent=henan))
        zones[code] = PlanFactory(
            zone=zone,
            title=f"{name}{start}年工作要点",
            start_year=start,
            end_year=end,
            status=status,
            frequency=frequency,
        )
    for code, indicator, value, months, extra in [
        ("xinxiang", "新增高新技术企业", 10, range(1, 9), {}),
        ("jiaozuo", "新增国家高新技术企业", 4, (3, 6), {"frequency": "quarterly"}),
        ("kaifeng", "新增绿化面积", 8, range(1, 9), {}),
        ("zhengzhou", "新增高新技术企业认定(2020年)", 260, (), {"deadline": dt.date(2020, 12, 31)}),
    ]:
        plan = zones[code]
        target = TargetFactory(
            task=TaskFactory(plan=plan), indicator=indicator, unit="家", value=Decimal(value), **extra
        )
        for month in months:
            approve(target, month, month if code != "jiaozuo" else month // 3)
        targets_recompute(targets=[target], plan=plan, as_of=TODAY)
    viewer = UserFactory(username="henan_office", first_name="河南省开发区办公室")
    RegionAccess.objects.create(user=viewer, region=henan)
    return henan


@pytest.fixture(autouse=True)
def today():
    with mock.patch("core.clock.today", return_value=TODAY):
        yield


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_a_province_office_clicks_from_home_to_the_same_year_comparison(browser, live_server, province, width, height):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        log_in(page, "henan_office", PASSWORD)
        page.wait_for_selector("#my-regions")
        regions = page.locator("#my-regions a[data-region]")
        assert regions.count() == 6  # the province and its five cities
        assert page.locator("a[data-nav=region]").count() == 1  # the navigation's comparison link
        screenshot(page, f"region-home-{width}")

        page.click(f"#my-regions a[data-region='{province.pk}']")
        page.wait_for_selector("#compared")
        assert "河南省" in page.locator("h1").inner_text()
        assert page.locator("#year").input_value() == "2014"  # the latest year with the most zones
        compared = [row.get_attribute("data-zone") for row in page.locator("#compared tr[data-zone]").all()]
        assert sorted(compared) == ["jiaozuo", "xinxiang"]
        periods = {
            row.get_attribute("data-zone"): row.locator("td.period").get_attribute("data-period")
            for row in page.locator("#compared tr[data-zone]").all()
        }
        assert periods == {"xinxiang": "2014-08", "jiaozuo": "2014-06"}
        assert page.locator("#months.warn").count() == 1  # the months differ, and the page says so
        left = {
            row.get_attribute("data-zone"): row.get_attribute("data-reason")
            for row in page.locator("#left-out tr[data-zone]").all()
        }
        assert left == {"zhengzhou": "no_plan", "luoyang": "not_published", "kaifeng": "no_common_indicator"}
        for row in page.locator("#left-out tr[data-zone]").all():
            assert row.locator("td").nth(1).inner_text().strip()  # the reason, in words
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scrolling
        screenshot(page, f"region-province-{width}")

        page.select_option("#year", "2020")  # another year, from the chooser
        page.wait_for_url("**year=2020**")
        assert page.locator("#compared").count() == 0 and page.locator("#alone").count() == 1
        left = {
            row.get_attribute("data-zone"): row.get_attribute("data-reason")
            for row in page.locator("#left-out tr[data-zone]").all()
        }
        assert left["zhengzhou"] == "alone" and left["xinxiang"] == "no_plan"
        screenshot(page, f"region-2020-{width}")

        page.click("a[data-nav=region]")  # back through the navigation: the province, its default year
        page.wait_for_selector("#compared")
        assert page.locator("#year").input_value() == "2014"
    finally:
        context.close()
