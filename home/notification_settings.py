"""The pages where people choose how they are told things: a person's own
channels (the bell always, e-mail if they want) and, for a zone's
administrator, the zone's work-group robots and what went to them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.notifications import email_choose, email_chosen
from home.forms import ChannelsForm, WebhookForm
from zones.models import Zone, ZoneWebhook
from zones.policy import can_manage_webhooks, webhook_zones
from zones.webhooks import recent_posts


@login_required
@require_http_methods(["GET", "POST"])
def channels(request: HttpRequest) -> HttpResponse:
    """A person's channels; the zones whose robots they keep are linked below."""
    has_address = bool((request.user.email or "").strip())
    if request.method == "POST":
        form = ChannelsForm(request.POST)
        if form.is_valid():
            email_choose(request.user, email=form.cleaned_data["email"])
            messages.success(request, _("Your choice is saved."))
            return redirect("notification_settings")
    else:
        form = ChannelsForm(initial={"email": email_chosen(request.user)})
    context = {"form": form, "has_address": has_address, "zones": webhook_zones(request.user).order_by("code")}
    return render(request, "home/notification_settings.html", context)


def _zone(request: HttpRequest, zone_id: int) -> Zone:
    """The zone, if the user keeps its robots; otherwise not found, so that
    another zone's robots are not even confirmed to exist."""
    zone = get_object_or_404(Zone, pk=zone_id)
    if not can_manage_webhooks(request.user, zone):
        raise Http404
    return zone


@login_required
@require_http_methods(["GET", "POST"])
def zone_webhooks(request: HttpRequest, zone_id: int) -> HttpResponse:
    """A zone's group robots, a form to add one, and the latest posts with
    their outcome."""
    zone = _zone(request, zone_id)
    form = WebhookForm(request.POST or None, instance=ZoneWebhook(zone=zone))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The group robot is saved."))
        return redirect("zone_webhooks", zone_id=zone.pk)
    context = {
        "zone": zone,
        "hooks": list(zone.webhooks.order_by("name", "pk")),
        "form": form,
        "posts": recent_posts(zone.pk),
    }
    return render(request, "home/zone_webhooks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def zone_webhook_edit(request: HttpRequest, zone_id: int, webhook_id: int) -> HttpResponse:
    """Change one of the zone's robots."""
    zone = _zone(request, zone_id)
    hook = get_object_or_404(ZoneWebhook, pk=webhook_id, zone=zone)
    form = WebhookForm(request.POST or None, instance=hook)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The group robot is saved."))
        return redirect("zone_webhooks", zone_id=zone.pk)
    return render(request, "home/zone_webhook_edit.html", {"zone": zone, "hook": hook, "form": form})


@login_required
@require_POST
def zone_webhook_delete(request: HttpRequest, zone_id: int, webhook_id: int) -> HttpResponse:
    """Remove one of the zone's robots (and the record of its posts)."""
    zone = _zone(request, zone_id)
    get_object_or_404(ZoneWebhook, pk=webhook_id, zone=zone).delete()
    messages.success(request, _("The group robot is removed."))
    return redirect("zone_webhooks", zone_id=zone.pk)
