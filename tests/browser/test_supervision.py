"""Journeys of the supervision team and a lead unit on the demo, in Chromium:
filter the lists, export them, raise a notice, answer it, close it, and
publish the monthly bulletin."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from demo.services import DEMO_PASSWORD
from plans.models import Plan
from supervision.models import Notice, NoticeEvent
from tests.browser.conftest import demo_xinxiang, just_closed, log_in, screenshot
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xinxiang(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_xinxiang().pk


def staff_unit():
    return Membership.objects.select_related("unit").get(user__username="xx_staff", role="staff").unit


def workbook(path):
    with open(path, "rb") as file:  # a download's path has no .xlsx suffix, which openpyxl would refuse
        return load_workbook(io.BytesIO(file.read()))


def visible_rows(page):
    return page.locator("#supervision-list tbody tr:has(td a)")


def test_supervisor_filters_exports_and_raises_a_notice_the_unit_answers_and_the_supervisor_closes_it(
    page, xinxiang, browser
):
    unit = staff_unit()
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.click("nav >> text=督查督办")
    page.wait_for_selector("#supervision-list")
    assert page.locator(".tabs a.active").inner_text() == "全部预警"

    # Filter: the flagged items of the staff's unit.
    page.select_option("#id_unit", label=unit.name)
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#supervision-list")
    shown = [row.locator("td").nth(3).locator("a").inner_text() for row in visible_rows(page).all()]
    assert shown, "the demo's busiest unit has flagged items"
    screenshot(page, "supervision-list")

    # Export: the file holds the same rows, with Chinese headers and a frozen header row.
    with page.expect_download() as download:
        page.click("#export-xlsx")
    sheet = workbook(download.value.path()).active
    # Under the title (row 1) and the subtitle (row 2): the header, frozen, then the rows.
    assert sheet["D3"].value == "指标" and sheet["P3"].value == "牵头单位" and sheet.freeze_panes == "A4"
    exported = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert [name.lstrip("'") for name in exported] == shown
    assert {row[15] for row in sheet.iter_rows(min_row=4, values_only=True)} == {unit.name}

    # Raise one notice for the first two items (the demo has notices of its own).
    before = set(Notice.objects.values_list("pk", flat=True))
    boxes = page.locator("#supervision-list input[name=target]")
    chosen = min(2, boxes.count())
    for index in range(chosen):
        boxes.nth(index).check()
    page.click("#issue-selected")
    page.wait_for_selector("#issue-form")
    page.fill("#id_requirement", "请分析滞后原因,提出整改措施,按期书面答复督查组。")
    page.click("#issue-form button[type=submit]")
    assert "已下发督办单1份" in page.locator(".messages").inner_text()
    notice = Notice.objects.exclude(pk__in=before).get()
    assert notice.unit == unit and notice.items.count() == chosen
    screenshot(page, "supervision-notice-issued")

    # The unit's staff open it from the link in their email and answer.
    context = browser.new_context(locale="zh-CN")
    try:
        staff = context.new_page()
        staff.base_url = page.base_url
        log_in(staff, "xx_staff", DEMO_PASSWORD)
        staff.goto(f"{page.base_url}/supervision/notices/")
        staff.click(f"text={notice.number}")
        staff.fill("#id_reason", "项目用地审批滞后,资金到位偏慢。")
        staff.fill("#id_measures", "协调自然资源部门加快审批,每周调度一次。")
        staff.fill("#id_expected", "2099-09-30")
        staff.click("#answer button[type=submit]")
        assert "答复已提交" in staff.locator(".messages").inner_text()
        screenshot(staff, "supervision-notice-answered")
        # The unit's head (its reviewer) signs the answer off before it reaches supervision.
        staff.context.clear_cookies()
        log_in(staff, "xx_reviewer", DEMO_PASSWORD)
        staff.goto(f"{page.base_url}/supervision/notices/{notice.pk}/")
        staff.click("#sign-off-step button.primary")
        assert "已审签" in staff.locator(".messages").inner_text()
    finally:
        context.close()  # an open context would keep a request thread of the live server alive

    # The supervisor reads the answer and closes the notice, confirming although its items still lag.
    page.reload()
    assert "项目用地审批滞后" in page.content()
    assert page.locator("#items-behind li").count() == chosen
    page.fill("#close textarea[name=note]", "整改措施明确,予以销号。")
    page.check("#close input[name=confirm]")
    page.click("#close button[type=submit]")
    assert "督办单已销号" in page.locator(".messages").inner_text()
    assert page.locator("#log li").count() == 4
    notice.refresh_from_db()
    assert notice.state == "closed"
    assert list(NoticeEvent.objects.filter(notice=notice).values_list("action", flat=True)) == [
        "issued",
        "answered",
        "signed_off",
        "closed",
    ]
    screenshot(page, "supervision-notice-closed")


def test_the_supervisor_generates_the_monthly_bulletin_and_downloads_it(page, xinxiang):
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/supervision/bulletins/")
    period, label = just_closed(Plan.objects.get(pk=xinxiang))
    title = f"关于{period.year}年{label}重点工作推进情况的通报"
    page.select_option("#id_period", str(period))
    page.click("#bulletin-form button[type=submit]")
    assert f"已生成《{title}》" in page.locator(".messages").inner_text()
    screenshot(page, "supervision-bulletins")
    with page.expect_download() as download:
        page.click("#bulletins >> text=下载")
    document = Document(download.value.path())
    paragraphs = [p.text for p in document.paragraphs]
    assert title in paragraphs
    assert any(p.startswith("纳入督查的目标共") for p in paragraphs)
    ranking = document.tables[0]
    assert ranking.rows[0].cells[0].text == "排名" and len(ranking.rows) > 2
    page.wait_for_load_state("networkidle")


def test_the_ranking_page_and_the_ledger_download(page, xinxiang):
    log_in(page, "xx_supervisor", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/supervision/ranking/")
    assert page.locator("#ranking tbody tr").count() >= 2
    screenshot(page, "supervision-ranking")
    page.click(".subnav >> text=台账")
    with page.expect_download() as download:
        page.locator("text=下载台账").first.click()
    sheet = workbook(download.value.path()).active
    assert "重点工作台账" in sheet["A1"].value
    page.wait_for_load_state("networkidle")  # no request left running into the next test
