"""The reviewer's screen on a 390px phone: one card per report, nothing to scroll sideways."""

import pytest

from demo.services import DEMO_PASSWORD
from tests.browser.conftest import demo_xinxiang, log_in, open_month, screenshot
from tests.browser.test_withdraw_and_review import submit_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_review_screen_fits_a_390px_phone_as_cards(page, browser):
    month = open_month(demo_xinxiang())
    submit_all(page, month)
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2)
    reviewer = phone.new_page()
    reviewer.base_url = page.base_url
    log_in(reviewer, "xx_reviewer", DEMO_PASSWORD)
    reviewer.goto(f"{page.base_url}/progress/review/")
    assert reviewer.evaluate("document.documentElement.scrollWidth") <= 390
    row = reviewer.locator("tr[data-report]").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # The column's heading is written beside each value.
    label = row.locator("td[data-label]").first.evaluate("c => getComputedStyle(c, '::before').content")
    assert "目标" in label
    # Ticking still works, and the select-all box is still there.
    row.locator("input[name=report]").check()
    assert reviewer.locator("input[data-select-all]").first.is_visible()
    path = screenshot(reviewer, "review-390px")
    assert path.exists()
    reviewer.screenshot(path=str(path.with_name("review-390px-first-screen.png")))  # what the phone shows first
    phone.close()
