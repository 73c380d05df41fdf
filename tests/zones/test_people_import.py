"""Importing people from an Excel sheet: a preview with each bad row's problem, then the valid
people created and invited; files that are not .xlsx refused with a message."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import OutgoingMail
from tests.factories import MembershipFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role
from zones.models import Membership

pytestmark = pytest.mark.django_db
User = get_user_model()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def setup(client):
    zone = ZoneFactory(short_name="本区")
    units = [UnitFactory(zone=zone, name=name) for name in ("经济发展局", "财政局", "建设局")]
    admin = UserFactory(username="own_admin")
    Membership.objects.create(user=admin, zone=zone, role=Role.ADMIN)
    MembershipFactory(user=UserFactory(username="13700000000", email="taken@example.cn"), unit=units[0])
    client.force_login(admin)
    return zone, units


def sheet(rows, headers=("姓名", "手机", "邮箱", "单位", "角色")) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("people.xlsx", out.getvalue(), content_type=XLSX)


def twenty_rows():
    units = ("经济发展局", "财政局", "建设局")
    rows = [(f"员工{n}", f"1380000{n:04d}", f"p{n}@example.cn", units[n % 3], "填报员") for n in range(14)]
    rows += [
        ("员工0", "13800000000", "p0@example.cn", "财政局", "审核人"),  # a second role of row 2's person
        ("冒名", "13800000002", "p2@example.cn", "财政局", "审核人"),  # row 4's number, another name
        ("坏单位", "13800000100", "bad1@example.cn", "不存在局", "填报员"),
        ("坏角色", "13800000101", "bad2@example.cn", "财政局", "局长"),
        ("坏邮箱", "13800000102", "not-an-email", "财政局", "填报员"),
        ("员工1", "13800000001", "p1@example.cn", "财政局", "填报员"),  # repeats row 3 exactly
        # A vertical tab, as Excel stores it (openpyxl cannot write the character itself).
        ("控制_x000B_字符", "13800000103", "bad3@example.cn", "财政局", "填报员"),
        ("已有", "13700000000", "x@example.cn", "财政局", "填报员"),  # an account in use
    ]
    return rows


def test_a_sheet_of_twenty_rows_previews_each_bad_row_and_creates_the_valid_people(client, setup):
    zone, _units = setup
    url = reverse("zones:people_import", args=[zone.pk])
    rows = twenty_rows()
    assert len(rows) == 22  # 20 people, one of them on two rows, and two rows repeating others
    preview = client.post(url, {"file": sheet(rows)})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert preview.context["valid"] == 14 and preview.context["bad"] == 7
    for problem in ("不存在局", "局长", "有效的电子邮件", "重复第3行", "另一个姓名", "控制字符", "已存在"):
        assert problem in text, problem
    assert User.objects.count() == 2  # nothing written by the preview

    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302
    assert User.objects.filter(username__startswith="1380000").count() == 14
    first = User.objects.get(username="13800000000")
    assert set(Membership.objects.filter(user=first).values_list("unit__name", "role")) == {
        ("经济发展局", Role.STAFF),
        ("财政局", Role.REVIEWER),
    }
    assert OutgoingMail.objects.filter(kind="invitation").count() == 14
    assert not User.objects.filter(username__in=["13800000100", "13800000101", "13800000102"]).exists()
    # The preview is used once: confirming again creates nobody.
    again = client.post(url, {"confirm": "1"})
    assert again.status_code == 302 and User.objects.filter(username__startswith="1380000").count() == 14


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.csv", b"a,b\n", ".xlsx"),
        ("people.xlsx", b"not a zip at all", "不是可读取的"),
        ("people.xlsx", None, "缺少"),
    ],
)
def test_files_that_are_not_a_people_sheet_are_refused_with_a_message(client, setup, name, content, message):
    zone, _units = setup
    if content is None:
        upload = sheet([("张三", "13800000000", "z@example.cn", "财政局", "填报员")], headers=("姓名", "电话"))
    else:
        upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("zones:people_import", args=[zone.pk]), {"file": upload})
    assert response.status_code == 400
    assert message in response.context["refused"]
    assert User.objects.count() == 2


def test_the_template_downloads_with_the_headers_and_the_zones_units(client, setup):
    zone, _units = setup
    response = client.get(reverse("zones:people_template", args=[zone.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book.worksheets[0][1]] == ["姓名", "手机", "邮箱", "单位", "角色"]
    assert "财政局" in [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]


def test_another_zones_administrator_cannot_import_into_this_zone(client, setup):
    zone, _units = setup
    other = ZoneFactory()
    admin = UserFactory(username="other_admin")
    Membership.objects.create(user=admin, zone=other, role=Role.ADMIN)
    client.force_login(admin)
    assert client.post(reverse("zones:people_import", args=[zone.pk]), {"file": sheet([])}).status_code == 403
    assert client.get(reverse("zones:people_template", args=[zone.pk])).status_code == 403
