"""Journey: a new zone's first people, without the Django admin. A superuser creates the zone
with its administrator; the administrator sets a password through the invitation link (read
from the mail outbox) and imports the zone's people from an Excel sheet.

The journey counts the user's actions (clicks, typed fields, a chosen file) and prints them,
for the note comparing it with the admin's way (about 65 clicks for five people)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from core.models import OutgoingMail
from tests.browser.conftest import Counted, invitation_path, screenshot
from zones.models import Membership, Unit, Zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def people_sheet(path) -> None:
    book = Workbook()
    book.active.append(["姓名", "手机", "邮箱", "单位", "角色"])
    units = ("经济发展局", "财政局", "建设局", "招商局")
    for n in range(8):
        book.active.append([f"员工{n}", f"1390000{n:04d}", f"s{n}@example.cn", units[n % 4], "填报员"])
    book.active.append(["审核甲", "13900001000", "r1@example.cn", "经济发展局", "审核人"])
    book.active.append(["审核甲", "13900001000", "r1@example.cn", "财政局", "审核人"])  # one person, two ticks
    book.active.append(["领导乙", "13900001001", "l1@example.cn", "", "领导"])
    book.active.append(["写错了", "13900001002", "not-mail", "财政局", "填报员"])  # refused
    book.active.append(["无此局", "13900001003", "x@example.cn", "不存在局", "填报员"])  # refused
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def test_a_superuser_sets_up_a_zone_whose_administrator_invites_and_imports_its_people(page, tmp_path):
    get_user_model().objects.create_superuser("root", "root@example.cn", "Root-pass-2026")
    base = page.base_url
    user = Counted(page)

    # The superuser: log in, 新建园区, one form.
    page.goto(f"{base}/accounts/login/")
    user.fill("#id_username", "root")
    user.fill("#id_password", "Root-pass-2026")
    user.click("button[type=submit]")
    user.click("#nav-zone-new")
    user.fill("#id_name", "旅程开发区管理委员会")
    user.fill("#id_short_name", "旅程区")
    user.fill("#id_code", "旅程")  # Chinese: refused with a message that says what to write
    user.fill("#id_new_city", "旅程市")
    user.fill("#id_new_province", "旅程省")
    user.fill("#id_admin_name", "管理员丙")
    user.fill("#id_admin_phone", "13900009999")
    user.fill("#id_admin_email", "admin@example.cn")
    user.click("#zone-form button[type=submit]")
    assert "不能有汉字" in page.locator("#zone-form").inner_text()
    assert page.input_value("#id_name") == "旅程开发区管理委员会"  # what was typed stays
    user.fill("#id_code", "journey-zone")
    user.click("#zone-form button[type=submit]")
    page.wait_for_selector("#people")
    assert "管理员丙" in page.locator("#people").inner_text()
    screenshot(page, "new-zone-created")
    superuser_steps = (user.clicks, user.fields)
    zone = Zone.objects.get(code="journey-zone")
    assert str(zone.region) == "旅程省旅程市"
    page.context.clear_cookies()

    # The administrator: the invitation's link, a password, then the people page.
    page.goto(base + invitation_path("admin@example.cn"))
    user.fill("#id_new_password1", "Admin-pass-2026")
    user.fill("#id_new_password2", "Admin-pass-2026")
    user.click("button[type=submit]")
    page.wait_for_selector("text=密码已保存")
    page.goto(base + invitation_path("admin@example.cn"))  # the link worked once
    assert "不再有效" in page.locator("main").inner_text() or "已失效" in page.locator("main").inner_text()
    page.goto(f"{base}/accounts/login/")
    user.fill("#id_username", "13900009999")
    user.fill("#id_password", "Admin-pass-2026")
    user.click("button[type=submit]")
    user.click("#nav-people")
    # The zone's units first (单位 → 人员).
    user.click("#units-link")
    for name in ("经济发展局", "财政局", "建设局", "招商局"):
        user.fill("#id_name", name)
        user.click("#unit-form button[type=submit]")
        page.wait_for_selector(f"#units >> text={name}")
    assert Unit.objects.filter(zone=zone).count() == 4
    user.click("a:has-text('旅程区人员')")
    user.click("#people-import")
    sheet = tmp_path / "人员.xlsx"
    people_sheet(sheet)
    user.upload("input[name=file]", sheet)
    user.click("button:has-text('读取表格')")
    page.wait_for_selector("#preview")
    assert page.locator("#preview tr[data-valid='1']").count() == 10
    assert page.locator("#preview tr[data-valid='0']").count() == 2
    assert "不存在局" in page.locator("#preview").inner_text()
    screenshot(page, "people-import-preview")
    user.click("#import-confirm")
    page.wait_for_selector("#people")
    assert page.locator("#people-count").get_attribute("data-count") == "11"  # ten and the administrator
    screenshot(page, "people-imported")

    reviewer = get_user_model().objects.get(username="13900001000")
    assert set(Membership.objects.filter(user=reviewer).values_list("unit__name", "role")) == {
        ("经济发展局", "reviewer"),
        ("财政局", "reviewer"),
    }
    assert OutgoingMail.objects.filter(kind="invitation").count() == 11
    print(
        f"\njourney: superuser {superuser_steps[0]} clicks, {superuser_steps[1]} fields; "
        f"whole journey {user.clicks} clicks, {user.fields} fields (one refused code retyped)"
    )
