"""In-app notifications (the bell in the header): the one way an app tells a
person something on their next page.

A service calls ``notify`` inside its own transaction, so a notification
exists exactly when the change it tells about committed. Its text is written
in the site's language (``site_language``), as the mails are, because it is
stored once and read later. E-mail and group-robot webhooks are other paths
(``core.mail``), not this one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from core import clock
from core.models import Notification
from core.text import xml_safe

TEXT_LIMIT = 500
"""The longest text a notification keeps (a returned report's reason is cut)."""


def site_language() -> translation.override:
    """Write a notification's text in the site's language, whoever acts."""
    return translation.override(settings.LANGUAGE_CODE)


def notify(recipients: Iterable[int], *, kind: str, text: str, link: str = "", skip: int | None = None) -> int:
    """Tell each of ``recipients`` (user ids; repeats are told once) ``text``,
    with ``link`` (a path of this site) to where it is; ``skip`` is the
    acting user, who needs no word of what they did. One INSERT, however
    many people are told. Returns how many were told."""
    if kind not in Notification.Kind.values:
        raise ValueError(kind)
    if link and not (link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)):
        raise ValueError(link)
    text = xml_safe(text).strip()
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    now = clock.now()
    users = sorted({user_id for user_id in recipients if user_id is not None and user_id != skip})
    Notification.objects.bulk_create(
        Notification(recipient_id=user_id, kind=kind, text=text, link=link, created_at=now) for user_id in users
    )
    return len(users)


def notifications_of(user) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """The bell's figure: one COUNT on the partial index of unread rows."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_mark_read(user, *, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all of them, or the given
    ids); another person's ids are ignored. One UPDATE."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())
