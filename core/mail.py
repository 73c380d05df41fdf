"""The app's outgoing mail, and the one way to send it.

A service that tells someone something by email renders the message
(``mail_render``) and calls ``mails_queue`` inside its own transaction: each
message is stored as an ``OutgoingMail`` row (the mail outbox) and, after the
commit, ``core.tasks.deliver_mail`` is queued with its id. So:

- no web request ever talks to the mail server: a server that accepts and
  never answers costs a worker ``EMAIL_TIMEOUT`` per socket operation, not a
  user a hung page (and a mail is owed exactly when its change committed);
- the task retries the named transient errors (``is_transient``) with
  backoff, up to ``ATTEMPTS`` attempts, and records every failure on the row
  (``last_error``, ``failed_at`` once given up) and as a failed job run;
- a broker that is down, or a message lost with its worker, loses nothing:
  ``mails_due`` (run every minute by ``core.tasks.mail_catch_up``) queues
  again what is still owed;
- two workers never send a mail at once: sending claims the row with a
  conditional UPDATE. A worker that dies after the server accepted a mail
  but before recording it sends it again once the claim expires: at least
  once, never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import smtplib
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation

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


@dataclass(frozen=True)
class Mail:
    """A message to queue: ``key`` names what it is about and for whom, once."""

    kind: str
    key: str
    to: str
    subject: str
    body: str


class MailDeferred(Exception):
    """A transient failure, recorded on the mail: try again in ``after`` seconds."""

    def __init__(self, error: str, *, after: float):
        super().__init__(error)
        self.after = after


class MailFailed(Exception):
    """The mail was given up (a permanent error, or too many attempts)."""


def mail_render(template_name: str, context: dict) -> tuple[str, str]:
    """A mail's subject and body from one template, in the site's language
    whatever language is active: the first line is the subject, and the blank
    lines template tags leave behind are squeezed to one."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(template_name, context)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return lines[0], re.sub(r"\n{3,}", "\n\n", "\n".join(lines[1:]).strip()) + "\n"


def mails_queue(mails: Iterable[Mail]) -> int:
    """Record the mails as owed, in the caller's transaction, and queue their
    sending after the commit; the number owed. A mail whose key was queued
    before is not queued twice. A broker that refuses the message neither
    fails nor slows the caller: the first refusal stops the sending and the
    catch-up sweep queues the rest."""
    mails = list(mails)
    if not mails:
        return 0
    now = clock.now()
    OutgoingMail.objects.bulk_create(
        [
            OutgoingMail(
                kind=mail.kind,
                key=mail.key,
                to=mail.to,
                subject=mail.subject,
                body=mail.body,
                created_at=now,
                due_at=now + GRACE,
            )
            for mail in mails
        ],
        ignore_conflicts=True,
    )
    ids = list(
        OutgoingMail.objects.filter(
            key__in=[mail.key for mail in mails], sent_at__isnull=True, failed_at__isnull=True
        ).values_list("pk", flat=True)
    )

    def send() -> None:
        from core.tasks import deliver_mail

        for sent, pk in enumerate(ids):
            try:
                deliver_mail.delay(pk)
            except Exception:
                log.exception("could not queue mail %s; %d left to the catch-up sweep", pk, len(ids) - sent)
                return

    if ids:
        transaction.on_commit(send)
    return len(ids)


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
