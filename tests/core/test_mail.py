"""The mail outbox (core.mail): owed in the caller's transaction, sent by one
task with retries on transient errors, given up with a record, and queued
again by the catch-up sweep when its message was lost."""

import datetime as dt
import smtplib
import socket

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail as django_mail

from core import clock
from core import mail_delivery as delivery
from core.mail import Mail, mails_queue
from core.mail_delivery import MailDeferred, MailFailed, is_transient, mail_deliver, mails_due
from core.models import JobRun, OutgoingMail
from core.tasks import deliver_mail, mail_catch_up

pytestmark = pytest.mark.django_db


def owe(*addresses: str, kind: str = "probe") -> list[OutgoingMail]:
    mails_queue(
        Mail(kind=kind, key=f"{kind} to {address}", to=address, subject="【台账】提醒", body="正文\n")
        for address in addresses
    )
    return list(OutgoingMail.objects.order_by("pk"))


def failing_with(monkeypatch, error: Exception) -> list[int]:
    """Make every send fail with ``error``; the list counts the attempts."""
    attempts = []

    def send_messages(self, messages):
        attempts.append(len(messages))
        raise error

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", send_messages)
    return attempts


def later(monkeypatch, delta: dt.timedelta) -> None:
    moment = clock.now() + delta
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_a_queued_mail_is_sent_once_by_the_task_and_recorded(django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(deliver_mail, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        (owed,) = owe("a@example.cn")
    assert queued == [owed.pk] and django_mail.outbox == []

    assert deliver_mail.apply(args=[owed.pk]).get() is True
    (sent,) = django_mail.outbox
    assert (sent.to, sent.subject, sent.from_email) == (["a@example.cn"], "【台账】提醒", settings.DEFAULT_FROM_EMAIL)
    owed.refresh_from_db()
    assert owed.sent_at is not None and owed.attempts == 1 and owed.claimed_at is None
    assert JobRun.objects.get(kind="deliver_mail").outcome == JobRun.Outcome.SUCCEEDED

    assert deliver_mail.apply(args=[owed.pk]).get() is False  # a second message for it sends nothing
    assert len(django_mail.outbox) == 1


def test_the_same_mail_queued_twice_is_owed_once():
    owe("a@example.cn")
    assert mails_queue([Mail(kind="probe", key="probe to a@example.cn", to="a@example.cn", subject="s", body="b")]) == 1
    assert OutgoingMail.objects.count() == 1


def test_a_transient_failure_is_recorded_and_tried_again_later(monkeypatch):
    (owed,) = owe("a@example.cn")
    failing_with(monkeypatch, smtplib.SMTPServerDisconnected("Connection unexpectedly closed: timed out"))
    before = clock.now()
    with pytest.raises(MailDeferred) as deferred:
        mail_deliver(mail_id=owed.pk)
    assert delivery.BACKOFF_FIRST * 0.8 <= deferred.value.after <= delivery.BACKOFF_FIRST
    owed.refresh_from_db()
    assert owed.attempts == 1 and owed.claimed_at is None and owed.sent_at is None and owed.failed_at is None
    assert "SMTPServerDisconnected" in owed.last_error
    assert owed.due_at >= before + dt.timedelta(seconds=deferred.value.after)  # the sweep waits for the retry

    monkeypatch.undo()
    assert mail_deliver(mail_id=owed.pk) is True
    owed.refresh_from_db()
    assert owed.sent_at is not None and owed.last_error == "" and owed.attempts == 2


def test_the_task_retries_a_transient_failure_with_backoff(monkeypatch):
    (owed,) = owe("a@example.cn")
    failing_with(monkeypatch, ConnectionRefusedError(111, "Connection refused"))
    retries = []

    def retry(**options):
        retries.append(options["countdown"])
        return Retry()

    monkeypatch.setattr(deliver_mail, "retry", retry)
    with pytest.raises(Retry):
        deliver_mail(owed.pk)
    assert len(retries) == 1 and retries[0] <= delivery.BACKOFF_FIRST
    run = JobRun.objects.get(kind="deliver_mail")
    assert run.outcome == JobRun.Outcome.FAILED and "ConnectionRefusedError" in run.error


def test_a_mail_is_given_up_after_its_attempts(monkeypatch):
    monkeypatch.setattr(delivery, "ATTEMPTS", 3)
    (owed,) = owe("a@example.cn")
    attempts = failing_with(monkeypatch, TimeoutError("timed out"))
    assert deliver_mail.apply(args=[owed.pk]).get() is False  # eagerly, the retries run at once
    assert len(attempts) == 3
    owed.refresh_from_db()
    assert owed.failed_at is not None and owed.sent_at is None and owed.attempts == 3
    assert "TimeoutError: timed out" in owed.last_error
    assert mails_due() == [] and mail_deliver(mail_id=owed.pk) is False  # given up: neither swept nor sent
    assert len(attempts) == 3


def test_a_permanent_failure_gives_the_mail_up_at_once(monkeypatch):
    (owed,) = owe("nobody@example.cn")
    attempts = failing_with(
        monkeypatch, smtplib.SMTPRecipientsRefused({"nobody@example.cn": (550, b"5.1.1 User unknown")})
    )
    with pytest.raises(MailFailed):
        mail_deliver(mail_id=owed.pk)
    owed.refresh_from_db()
    assert len(attempts) == 1 and owed.failed_at is not None and "User unknown" in owed.last_error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(554, b"no service"), True),
        (TimeoutError("timed out"), True),
        (ConnectionResetError(104, "reset"), True),
        (socket.gaierror(-3, "Temporary failure in name resolution"), True),
        (smtplib.SMTPSenderRefused(451, b"try again later", "taizhang@localhost"), True),
        (smtplib.SMTPRecipientsRefused({"a@x.cn": (452, b"mailbox full")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.cn": (550, b"unknown")}), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPDataError(554, b"rejected as spam"), False),
        (ValueError("a bug"), False),
    ],
)
def test_only_named_transient_errors_are_tried_again(error, transient):
    assert is_transient(error) is transient


def test_a_mail_another_worker_is_sending_is_left_to_it_until_its_claim_expires(monkeypatch):
    (owed,) = owe("a@example.cn")
    OutgoingMail.objects.filter(pk=owed.pk).update(claimed_at=clock.now())
    assert mail_deliver(mail_id=owed.pk) is False and django_mail.outbox == []
    later(monkeypatch, dt.timedelta(minutes=11))  # that worker died: its claim is stale
    assert mail_deliver(mail_id=owed.pk) is True and len(django_mail.outbox) == 1


def test_the_sweep_queues_a_mail_whose_message_was_lost_once_per_interval(monkeypatch):
    (owed,) = owe("a@example.cn")  # its on-commit message never ran
    assert mail_catch_up() == {}  # within the grace the sweep leaves it to that message
    assert not JobRun.objects.filter(kind="mail_catch_up").exists()

    queued = []
    monkeypatch.setattr(deliver_mail, "delay", queued.append)
    later(monkeypatch, dt.timedelta(minutes=1))
    assert mail_catch_up() == {"queued": 1} and queued == [owed.pk]
    assert JobRun.objects.get(kind="mail_catch_up").outcome == JobRun.Outcome.SUCCEEDED
    assert mail_catch_up() == {}  # queued: the next sweep leaves it to that message

    later(monkeypatch, delivery.REQUEUE_AFTER)  # and that one was lost too
    assert mail_catch_up() == {"queued": 1} and queued == [owed.pk, owed.pk]

    deliver_mail.apply(args=[owed.pk])
    later(monkeypatch, delivery.REQUEUE_AFTER)
    assert mail_catch_up() == {}  # sent: nothing more to do


def test_the_sweep_runs_every_minute_and_expires_before_the_next():
    entry = settings.CELERY_BEAT_SCHEDULE["mail-catch-up"]
    assert entry["task"] == mail_catch_up.name == "core.tasks.mail_catch_up"
    assert entry["options"]["expires"] < 60 and entry["schedule"].minute == set(range(60))
