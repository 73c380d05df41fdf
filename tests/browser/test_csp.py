"""The pages work under the Content Security Policy, in Chromium: no script, style or handler
is refused on any kind of page, the scripts that enhance the pages still run (charts, the
auto-submitting selects, the status bar), and the API's Swagger UI still draws."""

from __future__ import annotations

import pytest

from demo.services import DEMO_PASSWORD
from tests.browser.conftest import demo_xinxiang, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xinxiang(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_xinxiang()


@pytest.fixture
def violations(page):
    """Everything the browser refused or failed on: CSP reports and script errors."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text}")
            if ("Content Security Policy" in message.text or message.type == "error")
            and not message.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(f"{page.url}: {error}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy refused ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


def visit(page, path: str) -> None:
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")


def test_the_pages_of_every_role_run_under_the_policy(page, xinxiang, violations):
    plan = xinxiang
    from targets.models import Target

    target = Target.objects.filter(task__plan=plan).order_by("pk").first()

    visit(page, "/accounts/login/")
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    for path in (
        "/",
        f"/dashboard/plans/{plan.pk}/",
        f"/dashboard/plans/{plan.pk}/tree/",
        f"/dashboard/regions/{plan.zone.region_id}/",
        "/dashboard/mine/",
        f"/progress/targets/{target.pk}/",
    ):
        visit(page, path)
    visit(page, f"/progress/targets/{target.pk}/")
    assert page.locator(".chart svg").count() == 1  # ECharts drew the chart from the JSON data

    visit(page, f"/dashboard/plans/{plan.pk}/")
    segments = page.locator(".status-bar .seg")
    assert segments.count() >= 2
    for i in range(segments.count()):
        segment = segments.nth(i)
        grow = segment.evaluate("el => getComputedStyle(el).flexGrow")
        assert float(grow) == float(segment.get_attribute("data-flex"))  # proportional, set by base.js
    assert page.locator("a[data-print]").count() == 1  # printing (a dialog) is left to base.js's handler

    page.context.clear_cookies()
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    for path in ("/supervision/", "/supervision/notices/", "/supervision/ranking/", "/supervision/ledger/"):
        visit(page, path)
    visit(page, "/supervision/bulletins/")

    page.context.clear_cookies()
    log_in(page, "xx_staff", DEMO_PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    visit(page, "/progress/")
    page.locator("a[href*='/periods/']").first.click()
    page.wait_for_load_state("networkidle")

    page.context.clear_cookies()
    log_in(page, "xx_admin", DEMO_PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    visit(page, "/imports/new/")
    page.fill("textarea[name=text]", "一、发展目标\n1.新增企业5家,固定资产投资10亿元。\n")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("pre.source mark.target")
    visit(page, "/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)  # the UI drew itself from the schema

    assert not violations, "\n".join(violations)


def test_the_language_select_submits_itself(page, xinxiang, violations):
    visit(page, "/accounts/login/")
    with page.expect_navigation():  # the script submits the form on change
        page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("button[type=submit]").first.inner_text().strip() == "Log in"
    assert not violations, "\n".join(violations)
