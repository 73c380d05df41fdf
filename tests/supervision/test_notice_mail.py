"""Mail about notices is never sent in the user's request: issuing a notice
records the mails owed (core.mail's outbox) in its own transaction and queues
their sending after the commit; a worker sends them, with EMAIL_TIMEOUT."""

import pytest
from django.db import transaction
from django.urls import reverse

from core.models import OutgoingMail
from core.tasks import deliver_mail
from supervision.models import Notice

pytestmark = pytest.mark.django_db


def test_issuing_a_notice_does_not_wait_for_a_mail_server_that_never_answers(
    client, zone, clock_at, silent_smtp, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(deliver_mail, "delay", queued.append)
    clock_at(zone.today)
    client.force_login(zone.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("supervision:notice_new"),
            {"target": [zone.serious.pk], "period": "2014-06", "reply_by": "2014-07-20", "requirement": "请答复"},
        )
    assert response.status_code == 302 and Notice.objects.count() == 1
    assert silent_smtp.connections == 0  # the request did not even open a connection to the mail server
    owed = OutgoingMail.objects.filter(kind="notice_issued", sent_at__isnull=True, failed_at__isnull=True)
    assert sorted(owed.values_list("to", flat=True)) == ["econ_reviewer@example.com", "econ_staff@example.com"]
    assert sorted(queued) == sorted(owed.values_list("pk", flat=True))  # queued after the commit


def test_the_mail_is_owed_only_if_the_notice_commits(zone, issue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        issue(zone.serious)
        assert OutgoingMail.objects.count() == 2
        raise RuntimeError("the issuing transaction rolls back")
    assert not Notice.objects.exists() and not OutgoingMail.objects.exists()
    assert callbacks == []  # and nothing was queued


def test_a_unit_without_addresses_owes_no_mail(zone, issue):
    zone.staff.email = zone.reviewer.email = ""
    zone.staff.save(update_fields=["email"])
    zone.reviewer.save(update_fields=["email"])
    assert len(issue(zone.serious).notices) == 1
    assert not OutgoingMail.objects.exists()
