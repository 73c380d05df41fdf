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
  (``last_error``, ``failed_at`` once given up) and as a failed job run
  (``core.mail_delivery``, the worker's side);
- a broker that is down, or a message lost with its worker, loses nothing:
  ``mails_due`` (run every minute by ``core.tasks.mail_catch_up``) queues
  again what is still owed;
- two workers never send a mail at once: sending claims the row with a
  conditional UPDATE. A worker that dies after the server accepted a mail
  but before recording it sends it again once the claim expires: at least
  once, never lost.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from core import clock
from core.mail_delivery import GRACE
from core.models import OutgoingMail

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """A message to queue: ``key`` names what it is about and for whom, once."""

    kind: str
    key: str
    to: str
    subject: str
    body: str


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
