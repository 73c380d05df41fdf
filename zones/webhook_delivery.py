"""Delivering one owed post to a zone work group's robot: the Celery task's
body (``zones.tasks.post_webhook``), apart from ``zones.webhooks`` which
stores the posts and queues the task, so that the task imports this module
and that one imports the task, with no circle.

Each platform takes its own JSON body (their documented markdown messages):
企业微信 ``{"msgtype": "markdown", "markdown": {"content": …}}``; 钉钉
``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``, with
``timestamp`` and ``sign`` in the query when the robot has a signing secret
(HMAC-SHA256 of ``"timestamp\\nsecret"`` keyed by the secret, base64).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import random
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core import clock
from zones.choices import WebhookKind
from zones.models import WebhookPost, ZoneWebhook

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds for the whole post; a robot answers in well under one
ATTEMPTS = 5  # then the post is given up
BACKOFF_FIRST = 30  # seconds before the second attempt, doubled each time
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class WebhookDeferred(Exception):
    """A transient failure, recorded on the post: try again in ``after`` seconds."""

    def __init__(self, error: str, *, after: float):
        super().__init__(error)
        self.after = after


class WebhookFailed(Exception):
    """The post was given up (the robot refused it, or too many attempts)."""


class WebhookRefused(Exception):
    """The robot answered and refused the message (a wrong key, a bad sign)."""


def webhook_url_check(url: str) -> None:
    """Refuse a robot address the app should not post to: https to one of the
    robot hosts (``settings.WEBHOOK_HOSTS``: 企业微信's and 钉钉's), or http to
    this machine while developing and testing (``DEBUG``). The server posts to
    it, so an address an administrator types must never reach an internal one."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and settings.DEBUG and host in LOCAL_HOSTS:
        return
    if parts.scheme != "https":
        raise ValidationError(_("The robot's address must begin with https://."), code="scheme")
    if host not in {allowed.lower() for allowed in settings.WEBHOOK_HOSTS} or parts.port not in (None, 443):
        raise ValidationError(
            _("Paste the robot's address as WeCom or DingTalk gives it (its host is one of: %(hosts)s).")
            % {"hosts": "、".join(settings.WEBHOOK_HOSTS)},
            code="host",
        )


def webhook_body(kind: str, *, title: str, text: str) -> dict:
    """The JSON a platform's robot takes for a markdown message."""
    if kind == WebhookKind.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    if kind == WebhookKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n\n{text}"}}
    raise ValueError(kind)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature of a post: base64 of HMAC-SHA256 over
    ``"timestamp\\nsecret"`` keyed by the secret."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_address(hook: ZoneWebhook, *, timestamp_ms: int | None = None) -> str:
    """Where to post: the robot's address, signed for 钉钉 when it has a secret."""
    if hook.kind != WebhookKind.DINGTALK or not hook.secret:
        return hook.url
    if timestamp_ms is None:
        timestamp_ms = int(clock.now().timestamp() * 1000)
    query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": dingtalk_sign(hook.secret, timestamp_ms)})
    return f"{hook.url}{'&' if '?' in hook.url else '?'}{query}"


def _send(hook: ZoneWebhook, body: dict) -> None:
    """POST ``body``; raise on anything but an answer of success. Both
    platforms answer HTTP 200 with ``errcode`` 0 when they took the message."""
    webhook_url_check(hook.url)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        webhook_address(hook),
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        answer = response.read(65536)
    try:
        parsed = json.loads(answer or b"{}")
    except ValueError:
        parsed = {}
    if isinstance(parsed, dict) and parsed.get("errcode", 0) != 0:
        raise WebhookRefused(f"errcode {parsed.get('errcode')}: {parsed.get('errmsg', '')}")


def is_transient(error: BaseException) -> bool:
    """Whether a failed post may succeed later: the robot could not be
    reached or did not answer in time, or its server failed (5xx, 429)."""
    if isinstance(error, urllib.error.HTTPError):
        return error.code >= 500 or error.code == 429
    return isinstance(error, TimeoutError | ConnectionError | socket.timeout | socket.gaierror | urllib.error.URLError)


def webhook_deliver(*, post_id: int) -> bool:
    """Post one owed message now (the task's body): True when the robot took
    it, False when there was nothing to do (posted, given up, gone, robot
    turned off). A transient failure is recorded and raises
    ``WebhookDeferred``; a refusal, a bad address or the last attempt gives
    the post up and raises ``WebhookFailed``."""
    claimed = WebhookPost.objects.filter(pk=post_id, sent_at__isnull=True, failed_at__isnull=True).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    post = WebhookPost.objects.select_related("webhook").get(pk=post_id)
    row = WebhookPost.objects.filter(pk=post_id)
    if not post.webhook.active:
        row.update(failed_at=clock.now(), last_error="robot turned off")
        return False
    try:
        _send(post.webhook, webhook_body(post.webhook.kind, title=post.title, text=post.text))
    except Exception as error:
        described = f"{type(error).__name__}: {error}"[:2000]
        if is_transient(error) and post.attempts < ATTEMPTS:
            after = min(BACKOFF_FIRST * 2 ** (post.attempts - 1), 3600) * random.uniform(0.8, 1.0)  # noqa: S311
            row.update(last_error=described)
            log.warning("webhook post %s not sent, attempt %d: %s", post_id, post.attempts, described)
            raise WebhookDeferred(described, after=after) from error
        row.update(last_error=described, failed_at=clock.now())
        log.error("webhook post %s given up after %d attempt(s): %s", post_id, post.attempts, described)
        raise WebhookFailed(described) from error
    row.update(sent_at=clock.now(), last_error="")
    return True
