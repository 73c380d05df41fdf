"""The forms of the people pages, the new-zone page and the self-service password pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import CleanTextForm, CleanTextMixin
from zones.choices import RegionLevel, ZoneKind
from zones.invitations import LinkKind, password_link_send
from zones.models import Region, Unit, Zone
from zones.people import NAME_LIMIT, PersonFields, person_problems


class PersonForm(CleanTextForm):
    """Who a person is; the roles come from the page's grid (``zones.views``)."""

    name = forms.CharField(label=pgettext_lazy("a person's", "Name"), max_length=NAME_LIMIT)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, help_text=_("The person logs in with it."))
    email = forms.CharField(
        label=_("E-mail"), max_length=254, help_text=_("The invitation to choose a password is sent here.")
    )

    def clean(self) -> dict:
        """Every field's problem at once (the service checks them again, with the accounts in use)."""
        data = super().clean()
        typed = PersonFields(**{key: (data.get(key) or "").strip() for key in ("name", "phone", "email")})
        for field, problem in person_problems(typed).items():
            if field not in self.errors:
                self.add_error(field, problem)
        return data


class PersonEditForm(CleanTextForm):
    name = forms.CharField(label=pgettext_lazy("a person's", "Name"), max_length=NAME_LIMIT)
    email = forms.CharField(label=_("E-mail"), max_length=254)


class PeopleSheetForm(forms.Form):
    file = forms.FileField(label=_("Excel sheet (.xlsx)"))


class PeopleFilterForm(CleanTextMixin, forms.Form):
    """The people list's filters; a bad value is ignored, never an error page."""

    q = forms.CharField(label=_("Name, mobile or e-mail"), required=False, max_length=100)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )


class ZoneNewForm(CleanTextForm):
    """A new zone, its region and its first administrator, on one page."""

    name = forms.CharField(label=_("Zone's full name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=50)
    code = forms.CharField(
        label=_("Code"),
        max_length=50,
        help_text=_(
            "A short identifier in Latin letters, digits, hyphens or underscores (no Chinese), "
            "used in addresses and file names, e.g. xinxiang-hitech."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ZoneKind.choices, initial=ZoneKind.DEVELOPMENT)
    city = forms.ModelChoiceField(
        label=_("City"),
        required=False,
        queryset=Region.objects.filter(level=RegionLevel.CITY)
        .select_related("parent")
        .order_by("parent__name", "name"),
        empty_label=_("— a city not listed yet —"),
    )
    new_city = forms.CharField(label=_("New city"), max_length=100, required=False)
    province = forms.ModelChoiceField(
        label=_("Its province"),
        required=False,
        queryset=Region.objects.filter(level=RegionLevel.PROVINCE).order_by("name"),
        empty_label=_("— a province not listed yet —"),
    )
    new_province = forms.CharField(label=_("New province"), max_length=100, required=False)
    admin_name = forms.CharField(label=_("Administrator's name"), max_length=NAME_LIMIT)
    admin_phone = forms.CharField(label=_("Administrator's mobile number"), max_length=20)
    admin_email = forms.CharField(label=_("Administrator's e-mail"), max_length=254)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        try:
            Zone._meta.get_field("code").run_validators(code)
        except ValidationError:
            raise ValidationError(
                _("Use only Latin letters, digits, hyphens and underscores (no Chinese, no spaces).")
            ) from None
        if Zone.objects.filter(code=code).exists():
            raise ValidationError(_("Another zone has this code already."))
        return code

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Zone.objects.filter(name=name).exists():
            raise ValidationError(_("A zone with this name exists already."))
        return name

    def clean(self) -> dict:
        data = super().clean()
        if data.get("city") is not None:
            return data
        if not data.get("new_city", "").strip():
            self.add_error("city", _("Pick the zone's city, or name a new one."))
        elif data.get("province") is None and not data.get("new_province", "").strip():
            self.add_error("province", _("A new city needs its province: pick one or name a new one."))
        return data


class OutboxPasswordResetForm(CleanTextMixin, PasswordResetForm):
    """Django's "forgot my password" form, sending its link through the app's mail outbox
    (``zones.invitations``) and reaching invited people who have not chosen a password yet."""

    def get_users(self, email: str):
        # Django leaves out accounts without a usable password; an invited person who lost
        # the invitation is one of those and should be able to ask again.
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def save(self, *args, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            password_link_send(user=user, kind=LinkKind.RESET)


class UnitForm(CleanTextMixin, forms.ModelForm):
    """A unit of the zone (局、办、中心、街道): its name, kind and place in lists."""

    class Meta:
        model = Unit
        fields = ["name", "kind", "order"]

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["order"].help_text = _("Smaller numbers come first in lists.")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Unit.objects.filter(zone=self.zone, name=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This zone has a unit of this name already."))
        return name

    def save(self, commit: bool = True) -> Unit:
        self.instance.zone = self.zone
        return super().save(commit)
