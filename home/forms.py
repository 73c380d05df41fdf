"""The forms of the notification settings: a person's channels, a zone's group robots."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm, CleanTextMixin
from zones.choices import WebhookEvent, WebhookKind
from zones.models import ZoneWebhook
from zones.webhooks import webhook_url_check


class ChannelsForm(CleanTextForm):
    """A person's choice: in the app always, by e-mail if they want."""

    email = forms.BooleanField(label=_("Also tell me by e-mail"), required=False)


class WebhookForm(CleanTextMixin, forms.ModelForm):
    """A group robot of a zone: its platform, address, 钉钉 secret and the
    events it is sent. The address is checked by ``webhook_url_check``, the
    same rule the worker applies before it posts."""

    url = forms.URLField(label=_("robot address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Send to the group"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ZoneWebhook
        fields = ["name", "kind", "url", "secret", "events", "active"]
        widgets = {"secret": forms.PasswordInput(render_value=False)}
        help_texts = {
            "secret": _(
                "DingTalk only: the robot's signing secret (加签), if it has one. Left blank, a stored one is kept."
            )
        }

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        webhook_url_check(url)
        return url

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("kind") != WebhookKind.DINGTALK:
            if cleaned.get("secret"):
                self.add_error("secret", _("Only a DingTalk robot takes a signing secret."))
            cleaned["secret"] = ""
        elif not cleaned.get("secret") and self.instance.pk:
            cleaned["secret"] = self.instance.secret  # the page never shows it back
        return cleaned
