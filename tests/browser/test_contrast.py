"""Colour contrast at WCAG 2 AA on the main pages, as each role sees them on the
demo's 新乡 zone: axe-core (bundled by axe-playwright-python) finds no serious
or critical ``color-contrast`` failure. Chinese public-sector software is held
to GB/T 37668, which asks for WCAG 2 AA; a new colour that fails shows here
with the page and the element."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from demo.services import DEMO_PASSWORD
from plans.models import Plan
from targets.models import Target
from tests.browser.conftest import demo_xinxiang, log_in
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def contrast_failures(page) -> list[str]:
    """Each serious or critical colour-contrast failure on the page: where, which colours, the ratio."""
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            if (node.get("impact") or violation.get("impact")) in SERIOUS:
                data = (node.get("any") or [{}])[0].get("data") or {}
                found.append(
                    f"{page.url}: {' '.join(node['target'])} {data.get('fgColor')} on {data.get('bgColor')}"
                    f" ({data.get('contrastRatio')}:1)"
                )
    return found


def pages_of(plan: Plan) -> dict[str, list[str]]:
    """The pages each demo role opens most, by username."""
    target = Target.objects.filter(task__plan=plan).order_by("pk").first()
    unit = Membership.objects.select_related("unit").get(user__username="xx_staff", role="staff").unit
    dashboard = [f"/dashboard/plans/{plan.pk}/", f"/dashboard/plans/{plan.pk}/tree/", f"/progress/targets/{target.pk}/"]
    return {
        "xx_leader1": ["/", "/dashboard/", *dashboard, "/dashboard/mine/"],
        "xx_supervisor": [
            "/supervision/",
            "/supervision/?view=serious",
            "/supervision/notices/",
            "/supervision/ranking/",
            "/supervision/ledger/",
            "/supervision/bulletins/",
            *dashboard,
        ],
        "xx_staff": ["/", "/progress/", f"/progress/plans/{plan.pk}/units/{unit.pk}/", "/supervision/notices/"],
        "xx_reviewer": ["/progress/review/"],
        "xx_admin": ["/progress/late-requests/"],
    }


def test_main_pages_have_no_serious_colour_contrast_failure_for_any_role(browser, live_server):
    plan = demo_xinxiang()
    failures: list[str] = []
    for username, paths in pages_of(plan).items():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        log_in(page, username, DEMO_PASSWORD)
        page.wait_for_load_state()
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{username} {path}: {response.status}"
            failures += contrast_failures(page)
        context.close()
    print(f"{len(failures)} serious colour-contrast failures")
    assert failures == [], "\n".join(failures)
