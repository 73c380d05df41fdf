"""Notifications by e-mail: each person's choice, honoured by ``notify`` and the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification, NotificationPreference, OutgoingMail
from core.notifications import email_choose, email_chosen, notify
from tests.factories import UserFactory


@pytest.fixture
def people(db, settings):
    settings.SITE_URL = "https://taizhang.example.gov.cn/"
    wants = UserFactory(username="wants", email="wants@example.org")
    declined = UserFactory(username="declined", email="declined@example.org")
    email_choose(declined, email=False)
    no_address = UserFactory(username="no_address", email="")
    return wants, declined, no_address


def test_notify_mails_those_who_keep_email_on_in_chinese_with_the_absolute_link(people):
    wants, declined, no_address = people
    told = notify(
        [wants.pk, declined.pk, no_address.pk], kind="returned", text="3项指标被退回：口径有误", link="/progress/x/"
    )
    assert told == 3 and Notification.objects.count() == 3  # the bell tells everyone
    mail = OutgoingMail.objects.get()
    assert mail.to == "wants@example.org" and mail.kind == "notification_returned"
    assert mail.subject == "【台账】填报被退回"
    assert "3项指标被退回：口径有误" in mail.body
    assert "https://taizhang.example.gov.cn/progress/x/" in mail.body
    assert "https://taizhang.example.gov.cn/notifications/settings/" in mail.body


def test_a_change_that_sends_its_own_mail_asks_notify_for_none(people):
    wants, _declined, _no_address = people
    notify([wants.pk], kind="notice_issued", text="督办", mail=False)
    assert Notification.objects.count() == 1 and not OutgoingMail.objects.exists()


def test_turning_email_back_on_mails_again(people):
    _wants, declined, _no_address = people
    assert not email_chosen(declined)
    email_choose(declined, email=True)
    notify([declined.pk], kind="approved", text="已审核通过")
    assert OutgoingMail.objects.get().to == "declined@example.org"


def test_the_queries_do_not_grow_with_the_recipients(db):
    few = [UserFactory(email=f"a{i}@example.org").pk for i in range(2)]
    many = [UserFactory(email=f"b{i}@example.org").pk for i in range(12)]
    email_choose(UserFactory._meta.model.objects.get(pk=many[0]), email=False)
    counts = []
    for group in (few, many):
        with CaptureQueriesContext(connection) as queries:
            notify(group, kind="approved", text="已审核通过")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert OutgoingMail.objects.count() == 2 + 11


def test_the_settings_page_stores_the_choice_and_is_linked_from_the_bell_page(client, people):
    wants, _declined, _no_address = people
    client.force_login(wants)
    assert reverse("notification_settings") in client.get(reverse("notifications")).content.decode()
    page = client.get(reverse("notification_settings")).content.decode()
    assert "始终开启" in page and 'name="email"' in page and "checked" in page
    response = client.post(reverse("notification_settings"), {})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=wants).email is False
    notify([wants.pk], kind="approved", text="已审核通过")
    assert not OutgoingMail.objects.exists()
    client.post(reverse("notification_settings"), {"email": "on"})
    assert NotificationPreference.objects.get(user=wants).email is True


def test_a_person_without_an_address_is_told_why_no_mail_comes(client, people):
    _wants, _declined, no_address = people
    client.force_login(no_address)
    page = client.get(reverse("notification_settings")).content.decode()
    assert "没有电子邮箱" in page
