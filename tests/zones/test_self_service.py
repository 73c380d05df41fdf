"""Self-service for every account (change the password, reset it by e-mail, my roles), the
invitation link that works once, and the superuser's new-zone page."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from core.mail_delivery import mail_deliver
from core.models import OutgoingMail
from tests.factories import CityFactory, MembershipFactory, UserFactory, ZoneFactory
from zones.choices import RegionLevel, Role
from zones.invitations import invitation_send
from zones.models import Membership, Region, Zone

pytestmark = pytest.mark.django_db
User = get_user_model()


def link_path(kind: str, settings) -> str:
    owed = OutgoingMail.objects.filter(kind=kind).latest("pk")
    link = next(word for word in owed.body.split() if word.startswith(settings.SITE_URL))
    return link.removeprefix(settings.SITE_URL)


def test_reporting_staff_change_their_own_password_in_chinese(client):
    staff = MembershipFactory(user=UserFactory(username="staff1"), role=Role.STAFF).user
    client.force_login(staff)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Mine-alone-2024", "new_password2": "Mine-alone-2024"},
    )
    assert wrong.status_code == 200 and "旧密码" in wrong.content.decode()
    done = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests-only", "new_password1": "Mine-alone-2024", "new_password2": "Mine-alone-2024"},
        follow=True,
    )
    assert done.status_code == 200 and "新密码已设置" in done.content.decode()
    assert User.objects.get(pk=staff.pk).check_password("Mine-alone-2024")


def test_my_account_lists_my_roles(client):
    membership = MembershipFactory(role=Role.REVIEWER)
    client.force_login(membership.user)
    text = client.get(reverse("account")).content.decode()
    assert membership.unit.name in text and "审核人" in text


def test_the_invitation_link_sets_the_password_once(client, settings):
    settings.SITE_URL = "https://taizhang.example.org"
    membership = MembershipFactory(user=UserFactory(username="13800000009", email="new@example.cn"))
    person = membership.user
    person.set_unusable_password()
    person.save()
    invitation_send(user=person, zone_name=membership.zone.name)
    owed = OutgoingMail.objects.get(kind="invitation")
    assert mail_deliver(mail_id=owed.pk) and mail.outbox[0].to == ["new@example.cn"]
    path = link_path("invitation", settings)
    form = client.get(path, follow=True)
    assert "设置密码" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Mine-alone-2024", "new_password2": "Mine-alone-2024"})
    assert done.status_code == 302
    assert User.objects.get(pk=person.pk).check_password("Mine-alone-2024")
    # Used once: the same link no longer offers the form.
    again = type(client)().get(path, follow=True)
    assert "已失效" in again.content.decode() or "不再有效" in again.content.decode()
    assert not again.context["validlink"]


def test_a_forgotten_password_is_reset_by_e_mail_through_the_outbox(client, settings):
    person = UserFactory(username="someone", email="me@example.cn")
    page = client.post(reverse("password_reset"), {"email": "ME@example.cn"}, follow=True)
    assert page.status_code == 200 and "请查收邮件" in page.content.decode()
    assert mail.outbox == []  # queued, not sent in the request
    path = link_path("password_reset", settings)
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "Mine-alone-2024", "new_password2": "Mine-alone-2024"})
    assert User.objects.get(pk=person.pk).check_password("Mine-alone-2024")
    # An unknown address says the same and sends nothing.
    client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert OutgoingMail.objects.filter(to="nobody@example.cn").count() == 0


def zone_form(**changes) -> dict:
    data = {
        "name": "测试新区管委会",
        "short_name": "测试新区",
        "code": "test-new",
        "kind": "development",
        "new_city": "新城",
        "new_province": "新省",
        "admin_name": "赵六",
        "admin_phone": "13800000077",
        "admin_email": "zhao@example.cn",
    }
    data.update(changes)
    return data


def test_a_superuser_creates_a_zone_its_region_and_its_invited_administrator_in_one_page(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(reverse("zones:zone_new"), zone_form())
    zone = Zone.objects.get(code="test-new")
    assert response.status_code == 302 and response.url == reverse("zones:people", args=[zone.pk])
    assert zone.region.name == "新城" and zone.region.level == RegionLevel.CITY
    assert zone.region.parent.name == "新省" and zone.region.parent.level == RegionLevel.PROVINCE
    admin = User.objects.get(username="13800000077")
    assert not admin.is_staff and not admin.has_usable_password()
    assert Membership.objects.filter(user=admin, zone=zone, role=Role.ADMIN, unit=None).exists()
    assert OutgoingMail.objects.filter(kind="invitation", to="zhao@example.cn").exists()


def test_the_new_zone_page_refuses_bad_input_in_chinese_and_creates_nothing(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    taken = ZoneFactory(code="taken")
    city = CityFactory()
    bad = client.post(reverse("zones:zone_new"), zone_form(code="新区", new_city="", new_province=""))
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "不能有汉字" in text and "请选择园区所在城市" in text
    assert bad.context["form"]["name"].value() == "测试新区管委会"
    orphan = client.post(reverse("zones:zone_new"), zone_form(new_province=""))
    assert "新城市需要所属省份" in orphan.content.decode()
    clash = client.post(reverse("zones:zone_new"), zone_form(code=taken.code, city=city.pk))
    assert "该代码已被其他园区使用" in clash.content.decode()
    # The administrator's phone is taken: nothing is created, not even the region.
    UserFactory(username="13800000077")
    taken_phone = client.post(reverse("zones:zone_new"), zone_form())
    assert taken_phone.status_code == 400 and "该手机号的账号已存在" in taken_phone.content.decode()
    assert not Zone.objects.filter(code="test-new").exists() and not Region.objects.filter(name="新城").exists()


def test_only_a_superuser_opens_the_new_zone_page(client):
    zone = ZoneFactory()
    admin = UserFactory(username="zone_admin", is_staff=True)
    Membership.objects.create(user=admin, zone=zone, role=Role.ADMIN)
    client.force_login(admin)
    assert client.get(reverse("zones:zone_new")).status_code == 403
    assert client.post(reverse("zones:zone_new"), zone_form()).status_code == 403
    assert not Zone.objects.filter(code="test-new").exists()
