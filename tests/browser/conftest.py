"""Browser harness: Playwright for Python driving Debian's Chromium.

Nothing downloads a browser: the tests launch /usr/bin/chromium (installed by
.ci/run from Debian's packages). Without it the browser tests are skipped,
unless TAIZHANG_REQUIRE_BROWSER is set (as in CI), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TAIZHANG_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("TAIZHANG_SCREENSHOTS", "test-results/screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's guard
# against ORM calls from async code would otherwise refuse the test's own
# setup queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("TAIZHANG_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Keep a picture of what the user saw, for people reviewing a run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def demo_xinxiang():
    """The demo's 新乡 zone (seed 000) loaded as load_demo loads it, its results computed; its plan.

    Skips when the seed documents are not beside the project (settings.DEMO_SEEDS_DIR)."""
    from django.conf import settings

    from demo.overlay import zone_files
    from demo.services import demo_load
    from plans.models import Plan

    if not Path(settings.DEMO_SEEDS_DIR).is_dir():
        pytest.skip(f"the seed documents are not at {settings.DEMO_SEEDS_DIR}")
    result = demo_load(zones=[zone for zone in zone_files() if zone.code == "xinxiang-hitech"])
    return Plan.objects.get(pk=result.plan_ids[0])


def ytd(month: int) -> str:
    """A year-to-date period as the pages write it, without the year: 1月, 1-N月
    (``plans.periods.period_label``, so that a January reads as the pages do)."""
    from django.utils import translation

    from plans.periods import period_label

    with translation.override("zh-hans"):
        return period_label(None, month)


def just_closed(plan):
    """The month the pages open on (the month just closed) and its label: (Period, "1-11月")."""
    from plans.periods import default_period

    period = default_period(plan)
    return period, ytd(period.month)


def open_month(plan):
    """The month the demo's staff can enter now without any reopening: the current month."""
    from core import clock
    from plans.periods import Period

    today = clock.today()
    return Period(today.year, today.month)


class Counted:
    """The page, counting what the user does: clicks, fields typed or picked, files chosen.

    Each action takes a selector on the page or a Playwright locator (a row's own field)."""

    def __init__(self, page):
        self.page, self.clicks, self.fields = page, 0, 0

    def _at(self, where):
        return self.page.locator(where) if isinstance(where, str) else where

    def click(self, where) -> None:
        self.clicks += 1
        self._at(where).click()

    def check(self, where) -> None:
        self.clicks += 1
        self._at(where).check()

    def fill(self, where, value: str) -> None:
        self.fields += 1
        self._at(where).fill(value)

    def select(self, where, **option) -> None:
        self.fields += 1
        self._at(where).select_option(**option)

    def upload(self, where, path) -> None:
        self.fields += 1
        self._at(where).set_input_files(str(path))


def invitation_path(to: str) -> str:
    """The path of the latest invitation link mailed to ``to`` (read from the outbox, as a person would)."""
    from django.conf import settings

    from core.models import OutgoingMail

    body = OutgoingMail.objects.filter(kind="invitation", to=to).latest("pk").body
    link = next(word for word in body.split() if word.startswith(settings.SITE_URL.rstrip("/")))
    return link.removeprefix(settings.SITE_URL.rstrip("/"))
