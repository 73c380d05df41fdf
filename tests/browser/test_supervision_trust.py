"""Journeys of the supervision team on the demo in Chromium, on a desktop and a phone:

- two questions: every row of the lists shows the progress status and, apart, the reporting
  status; the lists filter by either, and 逾期未报 never mixes into the progress lists;
- every row: the list says how many rows it holds, pages through all of them, and the
  exports hold exactly that many;
- one ranking: the ranking page and the bulletin (opened with python-docx) rank the same
  units with the same scores, under the same basis in the same words.

Screenshots go to var/screens/sup/.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from demo.services import DEMO_PASSWORD
from supervision.choices import DEFAULT_SCORE_MODE
from supervision.filtersets import SupervisionFilterSet
from supervision.selectors import ranking_title
from targets.choices import BAD
from tests.browser.conftest import demo_xinxiang, just_closed, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("var/screens/sup")
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def xinxiang(settings, tmp_path):
    """The demo's 新乡 zone, a year in progress: approved figures for the closed months, some of
    the month just closed waiting for review, returned or not sent."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_xinxiang()


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser, live_server):
    """A page at the viewport's size, in Chinese; its name goes into the screenshots' names."""
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS[request.param], accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    page.size_name = request.param
    yield page
    context.close()


def shot(page, name: str) -> None:
    """The whole page, and what the first screen shows."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{page.size_name}.png"), full_page=True)
    page.screenshot(path=str(SCREENS / f"{name}-{page.size_name}-screen.png"))
    first_rows = page.locator("#supervision-list tbody tr[data-target]")
    if first_rows.count():
        first_rows.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENS / f"{name}-{page.size_name}-rows.png"))


def open_lists(page) -> None:
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/supervision/")
    page.wait_for_selector("#supervision-list")


def rows(page) -> list[dict[str, str]]:
    """Each row of the list: its target, progress status, reporting status, pending mark."""
    found = []
    for row in page.locator("#supervision-list tbody tr[data-target]").all():
        pending = row.locator("[data-pending]")
        found.append(
            {
                "target": row.get_attribute("data-target"),
                "status": row.locator("td.progress-cell [data-status]").get_attribute("data-status"),
                "reporting": row.locator("td.reporting-cell [data-reporting]").get_attribute("data-reporting"),
                "reporting_text": row.locator("td.reporting-cell [data-reporting]").inner_text(),
                "pending": pending.inner_text() if pending.count() else "",
            }
        )
    return found


def count_shown(page) -> int:
    return int(page.locator("#list-count").get_attribute("data-count"))


def supervisor_rows(plan, **params) -> list:
    """The rows the FilterSet gives the supervisor for the month just closed."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="xx_supervisor")
    period, _label = just_closed(plan)
    return list(SupervisionFilterSet({"period": str(period), **params}, user=user).qs)


def test_each_row_answers_both_questions_and_the_lists_filter_either(screen, xinxiang):
    page = screen
    open_lists(page)
    assert page.locator("#id_period").input_value() == str(just_closed(xinxiang)[0])  # the month just closed
    flagged = rows(page)
    assert flagged and all(row["status"] in BAD for row in flagged)
    assert all(row["reporting"] for row in flagged)  # the second question on every row, beside the first
    shot(page, "list-flagged")

    # 逾期未报: a reporting list. Every row is a missing report, whatever its progress.
    page.click(".tabs a[data-list=unsubmitted]")
    page.wait_for_selector(".tabs a[data-list=unsubmitted].active")
    missing = rows(page)
    assert missing and {row["reporting"] for row in missing} == {"missing"}
    assert {row["reporting_text"] for row in missing} == {"逾期未报"}
    assert len(missing) == count_shown(page) == len(supervisor_rows(xinxiang, list="unsubmitted"))
    assert {row["status"] for row in missing} - set(BAD), "a missing report is not a progress status"
    shot(page, "list-missing")

    # The progress lists hold no row for its reporting alone.
    flagged_ids = {row["target"] for row in flagged}
    assert {r.target_id for r in supervisor_rows(xinxiang, list="flagged")} == {int(t) for t in flagged_ids}
    assert not {row["target"] for row in missing if row["status"] not in BAD} & flagged_ids

    # The reporting filter of the form: every target waiting for review, its figure marked.
    page.click(".tabs a[data-list='']")
    page.wait_for_selector(".tabs a[data-list=''].active")
    page.check("#filter-reporting input[value=pending]")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#filter-reporting input[value=pending]:checked")
    pending = rows(page)
    assert pending and {row["reporting"] for row in pending} == {"pending"}
    assert all("待审核" in row["pending"] for row in pending)
    assert len(pending) == count_shown(page) == len(supervisor_rows(xinxiang, reporting=["pending"]))
    shot(page, "list-pending")


def test_the_list_counts_every_row_pages_through_them_and_exports_as_many(screen, xinxiang, monkeypatch):
    monkeypatch.setattr("supervision.views.PAGE_SIZE", 25)  # the demo zone's targets on several pages
    page = screen
    open_lists(page)
    page.click(".tabs a[data-list='']")
    page.wait_for_selector(".tabs a[data-list=''].active")
    total = count_shown(page)
    assert total == len(supervisor_rows(xinxiang, list="")) > 25
    assert f"{total}" in page.locator("#list-count").inner_text()
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        seen += [row["target"] for row in rows(page)]
        if pages == 2:
            shot(page, "list-paged")
            page.locator("#pager").scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENS / f"list-pager-{page.size_name}.png"))
        following = page.locator("#pager a[rel=next]")
        if not following.count():
            break
        following.click()
        page.wait_for_selector(f"#pager >> text=/第{pages + 1}页/")
    assert pages == -(-total // 25) and len(seen) == len(set(seen)) == total

    with page.expect_download() as download:
        page.click("#export-xlsx")
    with open(download.value.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    assert sheet.max_row - 3 == total  # a title, a subtitle and the header above the rows
    with page.expect_download() as download:
        page.click("#export-csv")
    with open(download.value.path(), encoding="utf-8-sig") as file:
        assert len(list(csv.reader(file))) - 1 == total


def test_the_ranking_page_and_the_bulletin_rank_alike_under_one_named_basis(screen, xinxiang):
    page = screen
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/supervision/ranking/")
    page.wait_for_selector("#ranking")
    with translation.override("zh-hans"):
        title = ranking_title(mode=DEFAULT_SCORE_MODE, period=just_closed(xinxiang)[0])
    assert page.locator("#ranking-title").inner_text() == title
    ranked = [
        [cell.inner_text() for cell in row.locator("td").all()[:3]] for row in page.locator("#ranking tbody tr").all()
    ]
    assert len(ranked) >= 2
    shot(page, "ranking")

    page.click(".subnav a[href$='/supervision/bulletins/']")
    assert page.locator("#id_period").input_value() == str(just_closed(xinxiang)[0])  # the month just closed
    page.click("#bulletin-form button[type=submit]")
    assert "已生成" in page.locator(".messages").inner_text()
    shot(page, "bulletins")
    with page.expect_download() as download:
        page.click("#bulletins >> text=下载")
    document = Document(download.value.path())
    assert any(p.text.endswith(title) for p in document.paragraphs)  # "二、" + the same heading
    table = document.tables[0]
    assert [[cell.text for cell in row.cells[:3]] for row in table.rows[1:]] == ranked
    page.wait_for_load_state("networkidle")
