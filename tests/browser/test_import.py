"""A zone administrator imports a plan in Chromium: paste, correct, confirm, see the draft."""

import pytest

from demo.services import DEMO_PASSWORD
from plans.models import Plan
from targets.models import Target
from tests.browser.conftest import demo_xinxiang, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = """新乡高新区2027年重点工作计划

一、扩大有效投资
1.精准招商。全年引进亿元以上项目10个,实际利用境外资金同比增长12%。(牵头单位:招商局)
2.项目建设。新开工项目8-10个,完成固定资产投资150亿元,力争160亿元。

二、培育创新主体
3.企业梯队。新增高新技术企业30家,研发经费支出占生产总值比重达到3.5%以上。
4.创新平台。9月底前建成科技企业孵化器二期并投入使用。

三、守住民生底线
5.就业和环境。城镇登记失业率控制在4%以内,万元工业增加值能耗同比下降5%。
"""
TITLE = "新乡高新区2027年重点工作计划"


@pytest.fixture
def xinxiang():
    demo_xinxiang()


def test_an_administrator_pastes_a_plan_corrects_a_target_confirms_and_sees_the_draft(page, xinxiang):
    plans_before = Plan.objects.count()
    log_in(page, "xx_admin", DEMO_PASSWORD)
    page.click("a:has-text('导入计划')")
    page.wait_for_selector("textarea[name=text]")
    page.fill("input[name=year]", "2027")
    page.fill("textarea[name=text]", PLAN)
    page.click("button:has-text('识别计划')")

    # The review: the text with its targets highlighted beside the proposal.
    page.wait_for_selector("pre.source mark.target")
    assert page.locator("pre.source mark.target[id]").count() == 8
    assert page.locator("fieldset.target-row").count() == 8
    assert Plan.objects.count() == plans_before  # nothing before confirmation
    row = page.locator("fieldset.target-row", has_text="全年引进亿元以上项目10个")
    assert row.locator("input[name$='-value']").input_value() == "10"
    row.locator("a.jump").click()  # the list leads to its place in the text
    screenshot(page, "import-review")

    # A correction that breaks a rule is shown beside its field; the fix goes through.
    started = page.locator("fieldset.target-row", has_text="新开工项目8-10个")
    started.locator("input[name$='-value_high']").fill("6")
    with page.expect_navigation():  # the check is a round trip: read the page it brings back
        page.click("button[value=recheck]:not(.default-submit)")
    started = page.locator("fieldset.target-row", has_text="新开工项目8-10个")
    started.locator(".error").first.wait_for()
    assert started.locator(".error").count() == 1
    assert started.locator("input[name$='-value_high']").input_value() == "6"
    screenshot(page, "import-review-error")
    started.locator("input[name$='-value_high']").fill("10")

    row = page.locator("fieldset.target-row", has_text="全年引进亿元以上项目10个")
    row.locator("input[name$='-value']").fill("12")
    page.click("button[value=confirm]")

    # The draft plan, with the corrected figure.
    page.wait_for_selector("h1:has-text('新乡高新区2027年重点工作计划')")
    assert "草稿" in page.locator(".meta .state").inner_text()
    corrected = page.locator("tr.target", has_text="引进亿元以上项目")
    assert "12个" in corrected.locator("td.value").inner_text()
    screenshot(page, "import-draft-plan")

    plan = Plan.objects.get(title=TITLE)
    assert plan.status == "draft" and plan.zone.short_name in page.content()
    assert Target.objects.get(task__plan=plan, indicator="引进亿元以上项目").value == 12
    assert Target.objects.filter(task__plan=plan).stated().count() == 9  # 8 targets and the milestone
