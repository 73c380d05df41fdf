"""Posting to a zone work group's robot (企业微信 or 钉钉 group robot).

A service calls ``group_post`` inside its own transaction: one
``WebhookPost`` row is stored for each of the zone's active robots that
chose the event, and after the commit ``zones.tasks.post_webhook`` is queued
with its id. So a robot that is slow, refuses or is gone never fails or
slows a request: the worker posts with a timeout
(``zones.webhook_delivery``), retries the transient failures with backoff
and records every outcome on the row.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from core import clock
from zones.models import WebhookPost, ZoneWebhook
from zones.webhook_delivery import webhook_url_check

__all__ = ["group_post", "recent_posts", "webhook_url_check"]

log = logging.getLogger(__name__)

TEXT_LIMIT = 3000  # both platforms cap a markdown message at a few thousand bytes


def group_post(*, zone_id: int, event: str, title: str, text: str, link: str = "") -> int:
    """Tell the zone's work group about ``event`` through each active robot
    that chose it, after the caller's transaction commits; ``link`` is a path
    of this site. Returns how many posts are owed. Two queries, however many
    robots."""
    hooks = [hook for hook in ZoneWebhook.objects.filter(zone_id=zone_id, active=True) if event in (hook.events or [])]
    if not hooks:
        return 0
    if link:
        with translation.override(settings.LANGUAGE_CODE):
            label = gettext("Open in Taizhang")
        text = f"{text}\n\n[{label}]({settings.SITE_URL.rstrip('/')}{link})"
    now = clock.now()
    posts = WebhookPost.objects.bulk_create(
        WebhookPost(webhook=hook, event=event, title=title[:200], text=str(text)[:TEXT_LIMIT], created_at=now)
        for hook in hooks
    )
    ids = [post.pk for post in posts]

    def send() -> None:
        from zones.tasks import post_webhook

        for pk in ids:
            try:
                post_webhook.delay(pk)
            except Exception:
                log.exception("could not queue webhook post %s", pk)
                return

    transaction.on_commit(send)
    return len(ids)


def recent_posts(zone_id: int, *, limit: int = 20) -> list[WebhookPost]:
    """The zone's latest posts with their outcome, for its administrator's page."""
    return list(
        WebhookPost.objects.filter(webhook__zone_id=zone_id)
        .select_related("webhook")
        .order_by("-created_at", "-id")[:limit]
    )
