"""The admin's user pages, scoped: a zone administrator manages the people of their own zones
(their names, e-mail, active flag and memberships) and nothing of an account's powers.

Django's own User admin lets anyone holding ``auth.change_user`` tick ``is_superuser`` or set any
password; it is replaced here. A superuser keeps every field and page. A zone administrator:

- lists and opens only the accounts ``users_managed_by`` gives them;
- never sees or sets ``is_superuser``, ``is_staff``, groups, permissions or a password: an
  account they add has no password, and the person chooses one through an e-mailed link;
- keeps every account they manage in one of their zones (an added account needs a membership
  there, and the last one cannot be removed), with zones and units limited to their own;
- does not delete accounts (they deactivate them; a superuser deletes).
"""

from __future__ import annotations

import logging
import smtplib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.forms import CleanTextMixin
from zones.invitations import user_password_link_send
from zones.models import Membership
from zones.scoping import ZoneScopedAdminMixin, users_managed_by

log = logging.getLogger(__name__)
User = get_user_model()


class ZoneMembershipFormSet(BaseInlineFormSet):
    """For a zone administrator, at least one membership must stay: an account without one in
    their zones would leave their sight (and their care) at once."""

    keep_one = False

    def clean(self) -> None:
        super().clean()
        if not self.keep_one or any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]
        if not kept:
            raise ValidationError(
                _("Give the person at least one role in a zone you administer."), code="no_membership"
            )


class MembershipInline(ZoneScopedAdminMixin, admin.TabularInline):
    model = Membership
    formset = ZoneMembershipFormSet
    scoped_foreign_keys = {"zone": "", "unit": "zone"}
    fields = ["zone", "unit", "role"]
    extra = 0

    def get_min_num(self, request, obj=None, **kwargs) -> int:
        return 0 if request.user.is_superuser else 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.keep_one = not request.user.is_superuser
        return formset


class ZoneUserCreationForm(CleanTextMixin, forms.ModelForm):
    """A zone administrator's new account: who the person is, no password (they choose one)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The person chooses a password through a link sent to this address.")

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class ZoneUserChangeForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]


_ZONE_ADMIN_ADD_FIELDSETS = (
    (
        None,
        {
            "fields": ("username", "first_name", "last_name", "email"),
            "description": _(
                "The account gets no password here. After saving, send the person the password e-mail "
                "from the account's page."
            ),
        },
    ),
)
_ZONE_ADMIN_CHANGE_FIELDSETS = (
    (None, {"fields": ("username",)}),
    (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
    (_("Status"), {"fields": ("is_active",)}),
    (_("Important dates"), {"fields": ("last_login", "date_joined")}),
)


admin.site.unregister(User)


@admin.register(User)
class ScopedUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    change_form_template = "admin/zones/user_change_form.html"

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=users_managed_by(request.user).values("pk"))

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return _ZONE_ADMIN_ADD_FIELDSETS if obj is None else _ZONE_ADMIN_CHANGE_FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = ZoneUserCreationForm if obj is None else ZoneUserChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_list_display(self, request: HttpRequest):
        if request.user.is_superuser:
            return super().get_list_display(request)
        return ("username", "email", "first_name", "last_name", "is_active")

    def get_list_filter(self, request: HttpRequest):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return ("is_active",)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def user_change_password(self, request: HttpRequest, id, form_url=""):
        # Only a superuser sets someone's password; everyone else sends the password e-mail.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<id>/password-email/",
                self.admin_site.admin_view(self.password_email),
                name=f"{opts.app_label}_{opts.model_name}_password_email",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def password_email(self, request: HttpRequest, id: str) -> HttpResponse:
        """Send the person a link to choose a new password (the account's page offers it)."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        try:
            user_password_link_send(user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except (smtplib.SMTPException, OSError):
            log.exception("could not send the password e-mail to user %s", user.pk)
            messages.error(request, gettext("The e-mail could not be sent. Try again later."))
        else:
            self.log_change(request, user, gettext("Sent the password e-mail."))
            messages.success(
                request,
                gettext("Sent %(user)s a link to choose a password, to %(email)s.")
                % {"user": user.get_username(), "email": user.email},
            )
        return HttpResponseRedirect(reverse("admin:auth_user_change", args=[user.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_send_password_email"] = bool(obj and obj.pk and self.has_change_permission(request, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
