"""Writes of the zones app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.mail import Mail, mail_render, mails_queue
from core.people import display_name

ZONE_ADMIN_GROUP = "zone administrators"

# What a zone administrator may do in the admin; rows are further limited to
# their own zones by ZoneScopedAdminMixin.
_ZONE_ADMIN_PERMISSIONS = (
    Q(content_type__app_label__in=["plans", "targets", "progress"])
    | Q(content_type__app_label="zones", content_type__model__in=["unit", "membership"])
    | Q(content_type__app_label="zones", codename__in=["view_zone", "change_zone", "view_region"])
    | Q(content_type__app_label="auth", codename__in=["view_user", "add_user", "change_user"])
    | Q(content_type__app_label="core", codename="view_jobrun")
)


def zone_admin_group_ensure() -> Group:
    """Create or refresh the group that carries zone administrators' admin permissions."""
    group, _created = Group.objects.get_or_create(name=ZONE_ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(_ZONE_ADMIN_PERMISSIONS))
    return group


def user_password_link_send(*, user: AbstractBaseUser) -> None:
    """E-mail a person a one-time link to choose a password (Django's reset token: it expires
    after PASSWORD_RESET_TIMEOUT and once the password changes). This is how a zone
    administrator gives an account its password without ever knowing or setting it."""
    email = (getattr(user, user.get_email_field_name(), "") or "").strip()
    if not email:
        raise ValidationError(_("This account has no e-mail address: add one, save, then send the e-mail."))
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    link = settings.SITE_URL.rstrip("/") + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    subject, body = mail_render(
        "registration/password_link_email.txt",
        {"name": display_name(user), "username": user.get_username(), "link": link},
    )
    # Sent by a worker after the commit, like every mail of the app (core.mail).
    with transaction.atomic():
        mails_queue(
            [Mail(kind="password_link", key=f"password:{user.pk}:{token}", to=email, subject=subject, body=body)]
        )
