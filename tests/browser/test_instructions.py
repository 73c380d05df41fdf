"""Journey of a leader's instruction (领导批示) on the Xinxiang demo: the leader
finds, on the plan's dashboard, the targets heading for a miss at year end
(the box #outlook-miss, from each result's stored projection), opens one not
yet lagging and writes an instruction on its page; the lead unit's staff
find it on their to-do and answer; the leader sees the answer and marks it
read."""

from urllib.parse import urlsplit

import pytest

from demo.services import DEMO_PASSWORD
from supervision.choices import InstructionState
from supervision.models import Instruction
from targets.choices import Outlook
from targets.models import Target, TargetResult
from tests.browser.conftest import demo_xinxiang, log_in, screenshot
from zones.choices import Role
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "请加快推进，月底前报送进展和下步措施。"
ANSWER = "已召开专题会，落实三项措施，月底前完成。"


@pytest.fixture
def xinxiang():
    return demo_xinxiang()


def test_a_leader_finds_a_miss_ahead_instructs_the_unit_answers_and_the_leader_reads(page, browser, xinxiang):
    heading_for_miss = set(
        TargetResult.objects.filter(target__task__plan=xinxiang, outlook=Outlook.MISS).values_list(
            "target_id", flat=True
        )
    )
    assert heading_for_miss, "the demo's seasonal plan has targets heading for a miss"

    # The leader opens the plan's dashboard and finds the box of targets heading for a miss.
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/dashboard/plans/{xinxiang.pk}/")
    box = page.locator("#outlook-miss")
    assert "预计年底未达标" in box.inner_text()
    screenshot(page, "outlook-miss")
    box.locator("a[href*='/progress/targets/']").first.click()
    target = Target.objects.get(pk=int(urlsplit(page.url).path.rstrip("/").split("/")[-1]))
    assert target.pk in heading_for_miss
    assert "预计全年完成" in page.locator("main").inner_text()
    unit = target.task.lead_unit
    box = page.locator("#instructions")
    assert unit.name in box.inner_text()  # says who will answer
    box.locator("textarea[name=text]").fill(TEXT)
    box.locator("button[type=submit]").click()
    assert "已送" in page.locator(".messages").inner_text()
    assert TEXT in page.locator("#instructions").inner_text()
    assert "待答复" in page.locator("#instructions").inner_text()
    screenshot(page, "instruction-written")
    instruction = Instruction.objects.get(text=TEXT)
    assert instruction.unit == unit

    # A member of the unit sees it on the to-do, with a badge, and answers it.
    answerer = (
        Membership.objects.filter(unit=unit, role__in=(Role.STAFF, Role.REVIEWER))
        .order_by("role")
        .values_list("user__username", flat=True)
        .first()
    )
    staff_context = browser.new_context(locale="zh-CN")
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    staff.base_url = page.base_url
    log_in(staff, answerer, DEMO_PASSWORD)
    staff.goto(f"{staff.base_url}/")
    todo = staff.locator("#todo-instructions")
    waiting = Instruction.objects.filter(unit=unit, state=InstructionState.PENDING).count()  # the demo's own too
    assert todo.locator("[data-badge=instructions]").inner_text() == str(waiting)
    todo.locator(f"li[data-instruction='{instruction.pk}'] a").click()
    staff.fill("#instruction-answer textarea[name=answer]", ANSWER)
    staff.click("#instruction-answer button[type=submit]")
    assert "答复已保存" in staff.locator(".messages").inner_text()
    assert ANSWER in staff.locator("#instruction").inner_text()
    screenshot(staff, "instruction-answered")
    staff.goto(f"{staff.base_url}/")
    assert staff.locator(f"#todo-instructions li[data-instruction='{instruction.pk}']").count() == 0  # answered
    staff_context.close()

    # The leader is told, reads the answer under the instruction and marks it read.
    page.goto(f"{page.base_url}/")
    assert page.locator("[data-badge=unread]").count() == 1
    page.goto(f"{page.base_url}/progress/targets/{target.pk}/")
    assert ANSWER in page.locator("#instructions").inner_text()
    page.locator(f"#instructions [data-instruction='{instruction.pk}'] a").click()
    page.click("#instruction-read button")
    assert "已阅" in page.locator("#instruction").inner_text()
    screenshot(page, "instruction-read")
    instruction.refresh_from_db()
    assert instruction.state == "read" and instruction.answer == ANSWER
