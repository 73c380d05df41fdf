"""A follow-up notice tells the unit in the app that it waits for an answer,
and the answer tells the supervision team; the menu counts what waits."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from core.models import Notification
from supervision.services import notice_answer, notice_sign_off

pytestmark = pytest.mark.django_db


def test_issuing_tells_the_units_staff_and_reviewers_where_to_answer(zone, issue):
    notice = issue(zone.serious).notices[0]
    told = Notification.objects.filter(kind=Notification.Kind.NOTICE_ISSUED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["econ_reviewer", "econ_staff"]
    first = told.first()
    assert first.link == reverse("supervision:notice", args=[notice.pk]) and "2014-07-17" in first.text


def test_answering_tells_the_issuer_and_the_supervision_team_not_the_answerer(zone, issue):
    notice = issue(zone.serious).notices[0]
    notice_answer(notice=notice, by=zone.staff, reason="原因", measures="措施", expected=dt.date(2014, 9, 1))
    told = Notification.objects.filter(kind=Notification.Kind.NOTICE_ANSWERED)
    assert not told.exists()  # the answer waits for the unit head's sign-off
    notice_sign_off(notice=notice, by=zone.reviewer)
    assert list(told.values_list("recipient__username", flat=True)) == ["supervisor"]
    assert "经济发展局" in told.get().text


def test_the_menu_counts_the_notices_waiting_for_my_answer(client, zone, issue):
    notice = issue(zone.serious).notices[0]
    client.force_login(zone.staff)
    page = client.get(reverse("home")).content.decode()
    assert re.search(r'data-badge="notices"[^>]*>1<', page)
    notice_answer(notice=notice, by=zone.staff, reason="原因", measures="措施", expected=dt.date(2014, 9, 1))
    assert 'data-badge="notices"' not in client.get(reverse("home")).content.decode()
