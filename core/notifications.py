"""In-app notifications (the bell in the header): the one way an app tells a
person something on their next page.

A service calls ``notify`` inside its own transaction, so a notification
exists exactly when the change it tells about committed. Its text is written
in the site's language (``site_language``), as the mails are, because it is
stored once and read later. Those who keep e-mail on (``NotificationPreference``,
on by default for anyone with an address) are also told by e-mail through
the mail outbox (``core.mail``), in the same transaction; group robots are
the zone's channel (``zones.webhooks``), not a person's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from core import clock
from core.mail import Mail, mail_render, mails_queue
from core.models import Notification, NotificationPreference
from core.text import xml_safe

TEXT_LIMIT = 500
"""The longest text a notification keeps (a returned report's reason is cut)."""


def site_language() -> translation.override:
    """Write a notification's text in the site's language, whoever acts."""
    return translation.override(settings.LANGUAGE_CODE)


def mail_wanted(prefix: str = "") -> Q:
    """The people who keep e-mail on (no preference stored means on), as a
    filter on users, or through ``prefix`` (``"user__"``) on what points at
    them: every mail to a person about their work asks this one rule."""
    return Q(**{f"{prefix}notification_preference__isnull": True}) | Q(
        **{f"{prefix}notification_preference__email": True}
    )


def notify(
    recipients: Iterable[int],
    *,
    kind: str,
    text: str,
    link: str = "",
    skip: int | None = None,
    mail: bool = True,
) -> int:
    """Tell each of ``recipients`` (user ids; repeats are told once) ``text``,
    with ``link`` (a path of this site) to where it is; ``skip`` is the
    acting user, who needs no word of what they did. One INSERT, however
    many people are told, and, unless ``mail`` is False (the change sends a
    mail of its own), one query and one INSERT more for those told by
    e-mail too. Returns how many were told."""
    if kind not in Notification.Kind.values:
        raise ValueError(kind)
    if link and not (link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)):
        raise ValueError(link)
    text = xml_safe(text).strip()
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    now = clock.now()
    users = sorted({user_id for user_id in recipients if user_id is not None and user_id != skip})
    created = Notification.objects.bulk_create(
        Notification(recipient_id=user_id, kind=kind, text=text, link=link, created_at=now) for user_id in users
    )
    if mail and created:
        _mail(created)
    return len(users)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail(created: list[Notification]) -> int:
    """Queue the e-mail twin of the notifications just stored, for their
    recipients who keep e-mail on and have an address; each keyed by its
    notification, so that it is mailed once. The text is the same for all
    of them, so the mail is rendered once."""
    by_user = {notification.recipient_id: notification for notification in created}
    addresses = (
        get_user_model()
        .objects.filter(mail_wanted(), pk__in=list(by_user), is_active=True)
        .exclude(Q(email="") | Q(email__isnull=True))
        .values_list("pk", "email")
    )
    first = created[0]
    subject, body = mail_render(
        "core/email/notification.txt",
        {
            "kind": Notification.Kind(first.kind).label,
            "text": first.text,
            "url": _absolute(first.link) if first.link else "",
            "settings_url": _absolute(reverse("notification_settings")),
        },
    )
    return mails_queue(
        Mail(
            kind=f"notification_{first.kind}",
            key=f"notification {by_user[user_id].pk} to {email.strip()}",
            to=email.strip(),
            subject=subject,
            body=body,
        )
        for user_id, email in addresses
        if email.strip()
    )


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


def email_chosen(user) -> bool:
    """Whether the person is told by e-mail too: their choice, on by
    default; never without an address to write to."""
    if not (user.email or "").strip():
        return False
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.email


def email_choose(user, *, email: bool) -> NotificationPreference:
    """Store the person's choice of e-mail (in the app stays on)."""
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email": email})
    return preference
