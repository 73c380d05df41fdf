"""Journey of a leader's instruction (领导批示) on the Xinxiang demo: the leader
writes one on a target's page; the lead unit's staff find it on their to-do
and answer; the leader sees the answer and marks it read.

(When the dashboard gains its box of targets heading for a miss, #outlook-miss,
the journey starts there; until then it starts from the target page.)"""

import pytest

from demo.services import DEMO_PASSWORD
from supervision.models import Instruction
from targets.models import Target
from tests.browser.conftest import demo_xinxiang, log_in, screenshot
from zones.choices import Role
from zones.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "请加快推进，月底前报送进展和下步措施。"
ANSWER = "已召开专题会，落实三项措施，月底前完成。"


@pytest.fixture
def xinxiang():
    return demo_xinxiang()


def test_a_leader_instructs_the_unit_answers_and_the_leader_reads_the_answer(page, browser, xinxiang):
    staff_units = Membership.objects.filter(user__username="xx_staff", role=Role.STAFF).values("unit")
    target = (
        Target.objects.filter(task__plan=xinxiang, task__lead_unit__in=staff_units)
        .order_by("task__order", "order")
        .first()
    )
    unit = target.task.lead_unit

    # The leader opens the target, from the dashboard's box of targets heading for a miss where there is one.
    log_in(page, "xx_leader1", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/")
    miss = page.locator("#outlook-miss a[href*='/progress/targets/']")
    if miss.count():
        miss.first.click()
        target = Target.objects.get(pk=int(page.url.rstrip("/").split("/")[-1].split("?")[0]))
        unit = target.task.lead_unit
    else:
        page.goto(f"{page.base_url}/progress/targets/{target.pk}/")
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
    assert todo.locator("[data-badge=instructions]").inner_text() == "1"
    todo.locator(f"li[data-instruction='{instruction.pk}'] a").click()
    staff.fill("#instruction-answer textarea[name=answer]", ANSWER)
    staff.click("#instruction-answer button[type=submit]")
    assert "答复已保存" in staff.locator(".messages").inner_text()
    assert ANSWER in staff.locator("#instruction").inner_text()
    screenshot(staff, "instruction-answered")
    staff.goto(f"{staff.base_url}/")
    assert staff.locator("#todo-instructions").count() == 0
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
