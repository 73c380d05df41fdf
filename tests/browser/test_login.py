"""Journey: a demo user logs in and lands on the home page."""

import pytest

from demo.services import DEMO_PASSWORD
from tests.browser.conftest import demo_xinxiang, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xinxiang_demo():
    return demo_xinxiang()


def test_a_demo_leader_logs_in_and_sees_their_zone_and_plan(page, xinxiang_demo):
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    body = page.locator("main").inner_text()
    assert "新乡高新区" in body
    assert xinxiang_demo.title in body
    assert "领导" in body  # the role, in Chinese
    screenshot(page, "home-leader")


def test_a_wrong_password_is_refused_with_a_message_and_keeps_the_username(page, xinxiang_demo):
    log_in(page, "xx_leader1", "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.input_value("#id_username") == "xx_leader1"
    assert page.locator(".error").count() >= 1
    screenshot(page, "login-refused")
