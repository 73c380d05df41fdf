"""Fault: the mail server accepts connections and never answers. No request
waits for it (mail is only queued in a request, core.mail); the worker that
sends waits EMAIL_TIMEOUT per attempt, tries again with backoff and at last
gives the mail up with a record of why. The request side is pinned in
tests/supervision/test_notice_mail.py."""

import datetime as dt

import pytest

from core import clock
from core import mail_delivery as delivery
from core.mail import Mail, mails_queue
from core.mail_delivery import MailDeferred, mail_deliver
from core.models import JobRun, OutgoingMail
from core.tasks import deliver_mail, mail_catch_up

pytestmark = pytest.mark.django_db


def owe(address: str = "staff@example.cn") -> OutgoingMail:
    mails_queue([Mail(kind="probe", key=f"probe to {address}", to=address, subject="【台账】督办", body="正文\n")])
    return OutgoingMail.objects.get(to=address)


def test_one_attempt_waits_the_timeout_then_defers_the_mail(silent_smtp):
    owed = owe()
    with pytest.raises(MailDeferred):
        mail_deliver(mail_id=owed.pk)
    owed.refresh_from_db()
    assert silent_smtp.connections == 1
    assert owed.attempts == 1 and owed.sent_at is None and owed.failed_at is None and owed.claimed_at is None
    assert "timed out" in owed.last_error


def test_the_task_gives_up_after_its_attempts_and_records_why(silent_smtp, monkeypatch):
    monkeypatch.setattr(delivery, "ATTEMPTS", 3)
    owed = owe()
    assert deliver_mail.apply(args=[owed.pk]).get() is False  # eagerly, each retry runs at once
    owed.refresh_from_db()
    assert silent_smtp.connections == 3
    assert owed.failed_at is not None and owed.sent_at is None and owed.attempts == 3
    assert "SMTPServerDisconnected" in owed.last_error and "timed out" in owed.last_error
    runs = JobRun.objects.filter(kind="deliver_mail", subject=f"mail {owed.pk}")
    assert [run.outcome for run in runs] == [JobRun.Outcome.FAILED] * 3


def test_with_the_broker_down_a_mail_is_owed_and_the_sweep_queues_it_later(
    dead_broker, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        owed = owe()
    assert len(callbacks) == 1 and "left to the catch-up sweep" in caplog.text
    assert OutgoingMail.objects.filter(pk=owed.pk, sent_at__isnull=True).exists()

    queued = []  # the broker is back: the sweep's messages go through
    monkeypatch.setattr(deliver_mail, "delay", queued.append)
    moment = clock.now() + dt.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: moment)
    assert mail_catch_up() == {"queued": 1} and queued == [owed.pk]
