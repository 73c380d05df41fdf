"""Issue 19's period form in Chromium, on the demo: a submit with one bad row sends the others
and keeps every typed word; the draft saves itself; leaving with unsaved changes asks first
(but not after a save click); Tab and Enter walk down the value column; on a 390 px phone
each target is a card with its input in view."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from demo.services import DEMO_PASSWORD
from progress.models import Report
from targets.choices import Standing
from tests.browser.conftest import demo_xinxiang, log_in, open_month, screenshot
from tests.browser.test_entry_review import open_current

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def month():
    return open_month(demo_xinxiang())


def figure_rows(page):
    return page.locator("table.entry tbody tr[data-row]:has(input[name$='-value'])")


def row_id(row) -> int:
    return int(row.get_attribute("id").removeprefix("row-"))


def fill_rows(page, value: str, progress: str) -> None:
    for row in page.locator("table.entry tbody tr[data-row]").all():
        if row.locator("input[name$='-value']").count():
            row.locator("input[name$='-value']").fill(value)
        else:
            row.locator("select[name$='-value']").select_option(value=str(Standing.ON_SCHEDULE.value))
        row.locator("textarea[name$='-progress']").fill(progress)


def test_a_submit_with_one_bad_row_sends_the_others_and_keeps_what_was_typed(page, month):
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, month)
    every = [row_id(row) for row in page.locator("table.entry tbody tr[data-row]").all()]
    assert len(every) > 2
    # Marked before the first try: the value and the progress of every editable row.
    assert page.locator("table.entry tbody tr[data-row] .req:visible").count() >= 2 * len(every)
    fill_rows(page, "1", "按计划推进")
    bad = figure_rows(page).nth(1)
    bad_id = row_id(bad)
    bad.locator("input[name$='-value']").fill("很多")
    bad.locator("textarea[name$='-progress']").fill("本行说明不能丢")
    page.click("button[value=submit]")
    page.wait_for_selector("#save-summary")
    screenshot(page, "period-form-partial-submit")

    summary = page.locator("#save-summary")
    assert "未保存" in summary.inner_text() and re.search(r"已提交\d+项", summary.inner_text())
    linked = {
        int(href.removeprefix("#row-"))
        for href in summary.locator("a").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    }
    assert bad_id in linked
    # The bad row: its message beside the field, everything typed still there, nothing stored.
    bad = page.locator(f"#row-{bad_id}")
    assert bad.locator(".error", has_text="不是数字").count() == 1
    assert bad.locator("input[name$='-value']").input_value() == "很多"
    assert bad.locator("textarea[name$='-progress']").input_value() == "本行说明不能丢"
    assert not Report.objects.filter(target_id=bad_id, year=month.year, month=month.month).exists()
    # Every row the summary does not name went through; only those enter review.
    submitted = set(
        Report.objects.filter(year=month.year, month=month.month, status="submitted").values_list(
            "target_id", flat=True
        )
    )
    assert submitted == set(every) - linked
    # The summary's link leads to the row.
    summary.locator(f"a[href='#row-{bad_id}']").click()
    assert page.evaluate("location.hash") == f"#row-{bad_id}"
    # Fixed, it goes through too.
    bad.locator("input[name$='-value']").fill("2")
    page.click("button[value=submit]")
    if page.locator("#save-summary").count():  # an unusual figure asks for a confirmation
        for box in page.locator("input[name$='-confirmed']").all():
            box.check()
        for note in page.locator("tr.has-error textarea[name$='-value_note']").all():
            note.fill("演示核实")
        page.click("button[value=submit]")
    assert "已提交" in page.locator(".messages").inner_text()
    assert Report.objects.get(target_id=bad_id, year=month.year, month=month.month).status == "submitted"


def test_the_draft_saves_itself_and_leaving_with_unsaved_changes_asks_first(page, month):
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, month)
    dialogs = []

    def refuse_to_leave(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", refuse_to_leave)
    first = figure_rows(page).first
    target_id = row_id(first)
    url = page.url
    first.locator("input[name$='-value']").click()
    page.keyboard.type("12.5")
    # Leaving at once (before the autosave) asks; staying keeps the page and the typing.
    page.click("text=我的填报", no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"] and page.url == url
    assert first.locator("input[name$='-value']").input_value() == "12.5"
    # After a pause the row saves itself as a draft.
    page.wait_for_selector("#autosave-status:has-text('已自动保存')")
    report = Report.objects.get(target_id=target_id, year=month.year, month=month.month)
    assert (report.value, report.status) == (Decimal("12.5"), "draft")
    screenshot(page, "period-form-autosaved")
    # A second change saves over the first with the version the first brought back.
    first.locator("input[name$='-value']").fill("13")
    page.wait_for_selector("#autosave-status:has-text('未保存')")
    page.wait_for_selector("#autosave-status:has-text('已自动保存')")
    report.refresh_from_db()
    assert (report.value, report.version) == (Decimal(13), 2)
    # Saved: leaving no longer asks.
    page.click("text=我的填报")
    page.wait_for_url("**/progress/")
    assert dialogs == ["beforeunload"]


def test_a_save_click_leaves_without_asking(page, month):
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, month)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    figure_rows(page).first.locator("input[name$='-value']").click()
    page.keyboard.type("3")
    page.click("button[value=save]")
    assert "草稿已保存" in page.locator(".messages").inner_text()
    assert dialogs == []


def test_tab_and_enter_walk_down_the_values_and_the_notes_stay_reachable(page, month):
    log_in(page, "xx_staff", DEMO_PASSWORD)
    open_current(page, month)
    values = page.locator("table.entry tbody tr[data-row] [data-value-field]")
    names = values.evaluate_all("els => els.map(e => e.name)")
    assert len(names) > 3
    values.first.focus()
    focused = lambda: page.evaluate("document.activeElement.name")  # noqa: E731
    page.keyboard.press("Tab")
    assert focused() == names[1]
    page.keyboard.press("Enter")
    assert focused() == names[2]
    page.keyboard.press("Shift+Tab")
    assert focused() == names[1]
    assert page.locator(".messages").count() == 0  # Enter submitted nothing
    # After the last value, Tab goes on to the first row's notes, then from note to note.
    values.last.focus()
    page.keyboard.press("Tab")
    first_note = focused()
    assert re.fullmatch(r"r\d+-(value_note|progress)", first_note)
    page.keyboard.press("Tab")
    assert re.fullmatch(r"r\d+-(progress|problems)", focused())


def test_on_a_phone_each_target_is_a_card_with_its_input_in_view(browser, live_server, month):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    phone.base_url = live_server.url
    log_in(phone, "xx_staff", DEMO_PASSWORD)
    open_current(phone, month)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.locator("table.entry thead").first.is_hidden()
    row = figure_rows(phone).first
    value = row.locator("input[name$='-value']")
    row.scroll_into_view_if_needed()
    box, card = value.bounding_box(), row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert card["width"] <= PHONE["width"]
    # Each field names itself in the card, marked where a submission needs it.
    assert row.locator("label.field-label", has_text="本期累计值").is_visible()
    assert row.locator("label.field-label", has_text="进展情况").locator(".req").is_visible()
    path = screenshot(phone, "period-form-390")
    assert path.exists()
    # What the phone shows at once: the first target's card, its input in view.
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(path.with_name("period-form-390-top.png")))
    row.scroll_into_view_if_needed()
    phone.screenshot(path=str(path.with_name("period-form-390-card.png")))
    context.close()
