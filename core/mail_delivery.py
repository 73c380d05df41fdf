"""Sending the owed mails of the outbox (``core.mail``): the worker's side.

``core.tasks`` calls ``mail_deliver`` for one mail and ``mails_due`` for the
catch-up sweep; ``core.mail`` only stores mails and queues the task, so the two
modules do not import each other in a circle.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q

from core import clock
from core.models import OutgoingMail

log = logging.getLogger(__name__)

# The sweep leaves a fresh mail to its on-commit task for this long.
GRACE = dt.timedelta(seconds=15)
# A mail the sweep queued and nobody sent is queued again after this long.
REQUEUE_AFTER = dt.timedelta(minutes=10)
# Attempts before a mail is given up; with the backoff below, about two hours.
ATTEMPTS = 8
BACKOFF_FIRST = 60  # seconds before the second attempt; doubled each time
BACKOFF_MAX = 3600
SWEEP_BATCH = 500

# Failures after which trying again later may succeed: the server could not be
# reached, hung up or did not answer in time. An SMTP reply of 4xx ("try again
# later") is transient too; any other error gives the mail up at once.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    TimeoutError,
    ConnectionError,
    socket.gaierror,
)


class MailDeferred(Exception):
    """A transient failure, recorded on the mail: try again in ``after`` seconds."""

    def __init__(self, error: str, *, after: float):
        super().__init__(error)
        self.after = after


class MailFailed(Exception):
    """The mail was given up (a permanent error, or too many attempts)."""


def is_transient(error: BaseException) -> bool:
    """Whether a failed send may succeed if tried again later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, TRANSIENT_ERRORS):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return False


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …):
    exponential, capped, with jitter so that mails failed together are not
    tried again together."""
    base = min(BACKOFF_FIRST * 2 ** (attempt - 1), BACKOFF_MAX)
    return base * random.uniform(0.8, 1.0)  # noqa: S311 - jitter, not a secret


def _lease() -> dt.timedelta:
    """How long a claim to send may last: one send is a handful of socket
    operations, each bounded by EMAIL_TIMEOUT; a claim older than this
    belongs to a worker that died."""
    timeout = settings.EMAIL_TIMEOUT or 60
    return max(dt.timedelta(minutes=10), dt.timedelta(seconds=20 * timeout))


def mail_deliver(*, mail_id: int) -> bool:
    """Send one owed mail now (the task's body): True when sent, False when
    there was nothing to do (sent, given up, gone, or another worker is
    sending it). A transient failure is recorded and raises ``MailDeferred``;
    after ``ATTEMPTS`` attempts, or a permanent failure, the mail is given up
    and ``MailFailed`` is raised."""
    claimed_at = clock.now()
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, sent_at__isnull=True, failed_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=claimed_at - _lease()))
        .update(claimed_at=claimed_at, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    mail = OutgoingMail.objects.get(pk=mail_id)
    ours = OutgoingMail.objects.filter(pk=mail_id, claimed_at=claimed_at)
    try:
        # The SMTP backend applies EMAIL_TIMEOUT to every socket operation.
        if not EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send(fail_silently=False):
            raise ValueError(f"the mail backend sent nothing to {mail.to!r}")
    except Exception as error:
        described = f"{type(error).__name__}: {error}"[:2000]
        if is_transient(error) and mail.attempts < ATTEMPTS:
            after = retry_delay(mail.attempts)
            # The task's own retry comes first; the sweep only if it is lost.
            due_at = clock.now() + dt.timedelta(seconds=after) + GRACE
            ours.update(claimed_at=None, last_error=described, due_at=due_at)
            log.warning("mail %s (%s) not sent, attempt %d: %s", mail_id, mail.kind, mail.attempts, described)
            raise MailDeferred(described, after=after) from error
        ours.update(claimed_at=None, last_error=described, failed_at=clock.now())
        log.error("mail %s (%s) given up after %d attempt(s): %s", mail_id, mail.kind, mail.attempts, described)
        raise MailFailed(described) from error
    ours.update(claimed_at=None, sent_at=clock.now(), last_error="")
    return True


def mails_due(*, batch: int = SWEEP_BATCH) -> list[int]:
    """The owed mails whose time has come and that no worker is sending (the
    sweep's claim): each is pushed ``REQUEUE_AFTER`` ahead with a conditional
    UPDATE, so a sweep queues it once and the next only if it is still owed
    by then. Two sweeps at once never take the same mail."""
    now = clock.now()
    rows = list(
        OutgoingMail.objects.filter(sent_at__isnull=True, failed_at__isnull=True, due_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _lease()))
        .order_by("due_at", "pk")
        .values_list("pk", "due_at")[:batch]
    )
    later = now + REQUEUE_AFTER
    return [pk for pk, due_at in rows if OutgoingMail.objects.filter(pk=pk, due_at=due_at).update(due_at=later)]
