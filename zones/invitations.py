"""Invitations and password links: the one way an account gets a password it chooses itself.

A zone administrator (or a superuser setting up a zone) never knows or sets anyone's password:
the person receives a link, through the mail outbox (``core.mail``), to a page where they choose
one. The link carries Django's password-reset token, so it works once (the token hashes the
password, which the person then changes) and expires after ``PASSWORD_RESET_TIMEOUT``. The same
link serves an invitation, a re-sent invitation, an administrator's "send the password e-mail"
in the admin, and the "forgot my password" page; only the mail's wording differs.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.mail import Mail, mail_render, mails_queue
from core.people import display_name


class LinkKind(StrEnum):
    """Why the link is sent: it picks the mail's wording (and the outbox row's kind)."""

    INVITATION = "invitation"
    PASSWORD = "password_link"  # noqa: S105 (a mail kind, not a password)
    RESET = "password_reset"


_TEMPLATES = {
    LinkKind.INVITATION: "registration/invitation_email.txt",
    LinkKind.PASSWORD: "registration/password_link_email.txt",
    LinkKind.RESET: "registration/password_reset_email.txt",
}


def password_link(user: AbstractBaseUser) -> str:
    """The absolute set-password link for ``user`` (valid until the password changes)."""
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def password_link_send(*, user: AbstractBaseUser, kind: LinkKind = LinkKind.PASSWORD, zone_name: str = "") -> None:
    """Queue the mail that gives ``user`` the link to choose a password; refuses an account
    without an e-mail address (a ``ValidationError`` with a message for the page)."""
    email = (getattr(user, user.get_email_field_name(), "") or "").strip()
    if not email:
        raise ValidationError(_("This account has no e-mail address: add one, save, then send the e-mail."))
    link = password_link(user)
    subject, body = mail_render(
        _TEMPLATES[kind],
        {"name": display_name(user), "username": user.get_username(), "link": link, "zone": zone_name},
    )
    token = link.rstrip("/").rsplit("/", 1)[-1]
    # Sent by a worker after the commit, like every mail of the app (core.mail).
    with transaction.atomic():
        mails_queue([Mail(kind=str(kind), key=f"{kind}:{user.pk}:{token}", to=email, subject=subject, body=body)])


def invitation_send(*, user: AbstractBaseUser, zone_name: str) -> None:
    """Invite a person just added to ``zone_name`` (or invite them again): their account and a
    link to choose its password."""
    password_link_send(user=user, kind=LinkKind.INVITATION, zone_name=zone_name)


def user_password_link_send(*, user: AbstractBaseUser) -> None:
    """The admin's "send the password e-mail" (an administrator's request for someone)."""
    password_link_send(user=user, kind=LinkKind.PASSWORD)
