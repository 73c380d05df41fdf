"""The leader's and the supervision team's pages on a 360 px phone and on paper,
on the demo's 新乡 zone: nothing scrolls sideways on the phone; a printout
drops the menu, the language selector and the buttons and says at its top which
zone, plan and month it shows. The pictures go under var/screens/ (phone and
print-emulated) for people reviewing a run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from demo.services import DEMO_PASSWORD
from targets.models import Target
from tests.browser.conftest import demo_xinxiang, just_closed, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(os.environ.get("TAIZHANG_SCREENS", "var/screens"))
PHONE = {"width": 360, "height": 780}
A4_LANDSCAPE = {"width": 1123, "height": 794}  # 297 x 210 mm at 96 px an inch


def pages_of(plan) -> dict[str, str]:
    """The pages a phone and a printout must serve, by the name of their pictures."""
    target = Target.objects.filter(task__plan=plan, kind="amount").order_by("pk").first()
    return {
        "dashboard": f"/dashboard/plans/{plan.pk}/",
        "tree": f"/dashboard/plans/{plan.pk}/tree/",
        "target": f"/progress/targets/{target.pk}/",
        "supervision-list": "/supervision/",
        "ledger": "/supervision/ledger/",
    }


def overflowing(page) -> list[str]:
    """The elements wider than the window (what makes a page scroll sideways)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const wide = [];
          document.querySelectorAll('body *').forEach(el => {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + 1 && !el.closest('.table-wrap, [data-chart]'))
              wide.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(box.right)}`);
          });
          return wide.slice(0, 10);
        }"""
    )


def squeezed(page) -> list[str]:
    """Table cells with words in them that a phone squeezes below four characters'
    width, and tables that scroll sideways inside their frame."""
    return page.evaluate(
        """() => {
          const found = [];
          document.querySelectorAll('.table-wrap').forEach(wrap => {
            if (wrap.scrollWidth <= wrap.clientWidth + 1) return;
            const edge = wrap.getBoundingClientRect().right;
            const wide = [...wrap.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > edge + 1);
            const first = wide[wide.length - 1];
            const what = first ? `${first.tagName}.${first.className} ${first.innerText.slice(0, 30)}` : '?';
            found.push(`scrolls: ${wrap.querySelector('table').className} at ${what}`);
          });
          document.querySelectorAll('td').forEach(cell => {
            const box = cell.getBoundingClientRect();
            if (box.width && cell.innerText.trim().length >= 4 && box.width < 60) {
              const table = cell.closest('table');
              const text = cell.innerText.trim().slice(0, 20);
              found.push(`${table.id || table.className}: ${text} ${Math.round(box.width)}`);
            }
          });
          return found.slice(0, 10);
        }"""
    )


def test_phone_pages_fit_360_px_and_printouts_name_zone_plan_and_month(browser, live_server):
    plan = demo_xinxiang()
    _period, label = just_closed(plan)
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.wait_for_load_state()
    for name, path in pages_of(plan).items():
        page.emulate_media(media="screen")
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= PHONE["width"], f"{name} scrolls sideways ({scroll} px): {overflowing(page)}"
        assert squeezed(page) == [], f"{name}: cells squeezed to a character or two a line"
        page.screenshot(path=str(SCREENS / f"{name}-phone-360.png"), full_page=True)
        page.screenshot(path=str(SCREENS / f"{name}-phone-360-top.png"))
    context.close()

    # On paper: an A4 landscape window, the print stylesheet, and the PDF Chromium makes of it.
    context = browser.new_context(locale="zh-CN", viewport=A4_LANDSCAPE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.wait_for_load_state()
    for name, path in pages_of(plan).items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        page.emulate_media(media="print")
        assert page.locator("header.topbar").is_hidden(), f"{name}: the menu prints"
        assert page.locator("select[name=language]").is_hidden()
        assert all(not button.is_visible() for button in page.locator("button, a.button").all()), name
        head = page.locator("[data-print-head]")
        assert head.is_visible(), f"{name}: no print header"
        text = head.inner_text()
        if name != "supervision-list":
            assert plan.zone.name in text and plan.title in text, text
        assert "期间" in text and "打印时间" in text, text
        if name in ("dashboard", "tree", "supervision-list"):
            assert label in text, text
        page.screenshot(path=str(SCREENS / f"{name}-print.png"), full_page=True)
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        (SCREENS / f"{name}.pdf").write_bytes(pdf)
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
        width, height = (float(x) for x in boxes[0])
        # Wide tables print on landscape pages, the ledger's short lists on portrait ones.
        assert (width > height) == (name != "ledger"), f"{name}: {width}x{height}"
    context.close()
