"""Evidence (佐证材料) in Chromium, on the demo: the staff attach a file to a row of the period
form (a program renamed .pdf is refused), submit, and the file is fixed; the reviewer sees it on
the review screen and downloads it; the supervision team's ledger lists it with its link."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from demo.services import DEMO_PASSWORD
from progress.models import Attachment
from tests.browser.conftest import SCREENSHOTS, demo_xinxiang, log_in, open_month, screenshot
from tests.browser.test_entry_review import fill_all_rows, open_current
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


@pytest.fixture
def xinxiang(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return open_month(demo_xinxiang())


def upload_in(page, row_id: str, path) -> str:
    """Choose ``path`` in the row's evidence box and upload it; the message shown after."""
    row = page.locator(f"#{row_id}")
    row.locator("input[type=file]").set_input_files(str(path))
    row.locator(".evidence-box button", has_text="上传").click()
    page.wait_for_selector(".messages")
    return page.locator(".messages").inner_text()


def test_staff_attach_evidence_the_reviewer_opens_it_and_the_ledger_lists_it(page, xinxiang, browser, tmp_path):
    report = tmp_path / "验收报告.pdf"
    report.write_bytes(PDF)
    disguised = tmp_path / "照片.pdf"
    disguised.write_bytes(PROGRAM)

    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, xinxiang)
    row_id = page.locator("table.entry tbody tr:has(input[type=file])").first.get_attribute("id")
    assert "未上传" in upload_in(page, row_id, disguised)  # a program renamed .pdf
    assert not Attachment.objects.exists()
    message = upload_in(page, row_id, report)
    assert "验收报告.pdf" in message and "已为" in message
    assert page.url.endswith(f"#{row_id}")  # back on the row it was attached to
    assert page.locator(f"#{row_id} a[data-evidence-file]", has_text="验收报告.pdf").count() == 1
    screenshot(page, "evidence-attached")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(f"#{row_id}").screenshot(path=str(SCREENSHOTS / "evidence-row.png"))

    fill_all_rows(page, value="100", progress="已完成阶段任务")
    page.click("button[value=submit]")
    if "未保存" in page.locator(".messages").inner_text():  # over-target checks ask for confirmation
        for box in page.locator("input[name$='-confirmed']").all():
            box.check()
        for note in page.locator("textarea[name$='-value_note']").all():
            note.fill("演示核实")
        page.click("button[value=submit]")
    assert "已提交" in page.locator(".messages").inner_text()
    # Sent for review: the file stays listed, and nothing can be added or removed.
    assert page.locator(f"#{row_id} a[data-evidence-file]", has_text="验收报告.pdf").count() == 1
    assert page.locator(f"#{row_id} input[type=file]").count() == 0
    assert page.locator(f"#{row_id} button", has_text="删除").count() == 0

    reviewer_context = browser.new_context(locale="zh-CN", accept_downloads=True)
    reviewer = reviewer_context.new_page()
    reviewer.base_url = page.base_url
    log_in(reviewer, "xx_reviewer", DEMO_PASSWORD)
    reviewer.click("text=待审核")
    section = reviewer.locator("section.card", has_text=f"1-{xinxiang.month}月").first
    link = section.locator("a[data-evidence-file]", has_text="验收报告.pdf")
    assert link.count() == 1
    screenshot(reviewer, "evidence-review")
    section.screenshot(path=str(SCREENSHOTS / "evidence-review-section.png"))
    with reviewer.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "验收报告.pdf"
    with open(download.value.path(), "rb") as file:
        assert file.read() == PDF
    reviewer_context.close()

    supervision_context = browser.new_context(locale="zh-CN", accept_downloads=True)
    supervisor = supervision_context.new_page()
    supervisor.base_url = page.base_url
    log_in(supervisor, "xx_supervisor", DEMO_PASSWORD)
    supervisor.goto(f"{page.base_url}/supervision/ledger/")
    supervisor.select_option("#id_period", value=str(xinxiang))
    supervisor.wait_for_load_state("networkidle")
    unit = Membership.objects.select_related("unit").get(user__username="xx_staff", role="staff").unit
    with supervisor.expect_download() as download:
        supervisor.locator("tr", has_text=unit.name).locator("text=下载台账").first.click()
    with open(download.value.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).worksheets[0]
    # The header sits under the sheet's title and subtitle: the first row naming 佐证材料.
    header_row = next(row for row in range(1, 10) if "佐证材料" in [cell.value for cell in sheet[row]])
    column = [cell.value for cell in sheet[header_row]].index("佐证材料")
    cells = [row[column] for row in sheet.iter_rows(min_row=header_row + 1, values_only=True) if row[column]]
    attachment = Attachment.objects.get()
    assert any("验收报告.pdf http" in cell and f"/progress/attachments/{attachment.pk}/" in cell for cell in cells)
    supervisor.wait_for_load_state("networkidle")
    supervision_context.close()


def test_uploading_evidence_keeps_what_was_typed_in_the_row(page, xinxiang, tmp_path):
    """The upload reloads the page: the row's typed progress is saved as a draft first, with no
    leave warning, and is still there after the file is attached."""
    report = tmp_path / "现场照片.pdf"
    report.write_bytes(PDF)
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, xinxiang)
    row = page.locator("table.entry tbody tr:has(input[type=file])").first
    row_id = row.get_attribute("id")
    row.locator("textarea[name$='-progress']").fill("本月完成场地平整")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    assert "现场照片.pdf" in upload_in(page, row_id, report)
    assert not dialogs  # no "leave this page?" question
    assert page.locator(f"#{row_id} textarea[name$='-progress']").input_value() == "本月完成场地平整"
