"""Zone work-group robots: what is posted to 企业微信 and 钉钉, how a failing
robot is recorded, and who may keep a zone's robots."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry
from django.urls import reverse

from core import clock
from tests.factories import MembershipFactory, UserFactory, ZoneFactory
from zones.choices import Role, WebhookEvent, WebhookKind
from zones.models import WebhookPost, ZoneWebhook
from zones.tasks import post_webhook
from zones.webhooks import group_post


class FakeRobot:
    """A local HTTP endpoint standing in for a group robot: records each POST
    and answers with ``status`` and ``answer``."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 200
        self.answer = {"errcode": 0, "errmsg": "ok"}
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                robot.received.append(
                    {
                        "path": self.path,
                        "query": dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)),
                        "type": self.headers.get("Content-Type"),
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                body = json.dumps(robot.answer).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=abc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(settings):
    settings.DEBUG = True  # pytest-django turns it off; plain http to this machine is allowed only in DEBUG
    fake = FakeRobot()
    yield fake
    fake.close()


@pytest.fixture
def zone(db, settings):
    settings.SITE_URL = "https://taizhang.example.gov.cn"
    return ZoneFactory()


def post_now(django_capture_on_commit_callbacks, **fields) -> list[WebhookPost]:
    """Owe a post through group_post, as a service would, and run the task
    body for each as the worker would (the queued message itself is not sent)."""
    with django_capture_on_commit_callbacks() as callbacks:
        group_post(**fields)
    assert len(callbacks) == 1
    posts = list(WebhookPost.objects.order_by("pk"))
    for post in posts:
        post_webhook(post.pk)
    return [WebhookPost.objects.get(pk=post.pk) for post in posts]


def test_a_wecom_robot_receives_its_markdown_message_with_the_link(zone, robot, django_capture_on_commit_callbacks):
    ZoneWebhook.objects.create(
        zone=zone, name="工作群", kind=WebhookKind.WECOM, url=robot.url, events=[WebhookEvent.NOTICE_ISSUED]
    )
    (post,) = post_now(
        django_capture_on_commit_callbacks,
        zone_id=zone.pk,
        event=WebhookEvent.NOTICE_ISSUED,
        title="督办通知 2026-3",
        text="经济发展局收到督办单",
        link="/supervision/notices/7/",
    )
    (got,) = robot.received
    assert got["type"].startswith("application/json")
    assert got["query"] == {"access_token": "abc"}
    assert set(got["json"]) == {"msgtype", "markdown"} and got["json"]["msgtype"] == "markdown"
    content = got["json"]["markdown"]["content"]
    assert content.startswith("**督办通知 2026-3**\n经济发展局收到督办单")
    assert "(https://taizhang.example.gov.cn/supervision/notices/7/)" in content
    assert post.sent_at is not None and post.attempts == 1 and post.last_error == ""


def test_a_dingtalk_robot_with_a_secret_receives_a_signed_post(zone, robot, django_capture_on_commit_callbacks):
    secret = "SECabc123"
    ZoneWebhook.objects.create(
        zone=zone, name="钉钉群", kind=WebhookKind.DINGTALK, url=robot.url, secret=secret, events=["reports_due"]
    )
    (post,) = post_now(
        django_capture_on_commit_callbacks, zone_id=zone.pk, event="reports_due", title="月报提醒", text="- 财政局：1项"
    )
    (got,) = robot.received
    assert got["json"] == {
        "msgtype": "markdown",
        "markdown": {"title": "月报提醒", "text": "### 月报提醒\n\n- 财政局：1项"},
    }
    query = got["query"]
    assert query["access_token"] == "abc" and query["timestamp"].isdigit()
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{query['timestamp']}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == expected
    assert post.sent_at is not None


def test_only_the_zones_active_robots_that_chose_the_event_are_posted_to(zone, robot):
    chose = ZoneWebhook.objects.create(zone=zone, name="a", kind="wecom", url=robot.url, events=["notice_issued"])
    ZoneWebhook.objects.create(zone=zone, name="b", kind="wecom", url=robot.url, events=["reports_due"])
    ZoneWebhook.objects.create(zone=zone, name="c", kind="wecom", url=robot.url, events=["notice_issued"], active=False)
    ZoneWebhook.objects.create(zone=ZoneFactory(), name="d", kind="wecom", url=robot.url, events=["notice_issued"])
    assert group_post(zone_id=zone.pk, event="notice_issued", title="t", text="x") == 1
    assert list(WebhookPost.objects.values_list("webhook", flat=True)) == [chose.pk]


def test_a_robot_that_refuses_is_recorded_as_failed_without_an_exception(zone, robot):
    robot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    hook = ZoneWebhook.objects.create(zone=zone, name="a", kind="dingtalk", url=robot.url, events=["notice_issued"])
    group_post(zone_id=hook.zone_id, event="notice_issued", title="t", text="x")
    post = WebhookPost.objects.get()
    assert post_webhook(post.pk) is False
    post.refresh_from_db()
    assert post.failed_at is not None and post.sent_at is None and "310000" in post.last_error
    assert post_webhook(post.pk) is False and len(robot.received) == 1  # given up: not posted again


def test_a_robot_that_fails_for_now_is_retried_and_recorded(zone, robot):
    robot.status = 502
    hook = ZoneWebhook.objects.create(zone=zone, name="a", kind="wecom", url=robot.url, events=["notice_issued"])
    group_post(zone_id=hook.zone_id, event="notice_issued", title="t", text="x")
    post = WebhookPost.objects.get()
    with pytest.raises(Retry):
        post_webhook(post.pk)
    post.refresh_from_db()
    assert post.failed_at is None and post.attempts == 1 and "502" in post.last_error
    robot.status = 200
    assert post_webhook(post.pk) is True
    post.refresh_from_db()
    assert post.sent_at is not None and post.attempts == 2


def test_a_broker_that_refuses_the_message_does_not_break_the_request(
    zone, robot, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(post_webhook, "delay", refuse)
    ZoneWebhook.objects.create(zone=zone, name="a", kind="wecom", url=robot.url, events=["notice_issued"])
    with django_capture_on_commit_callbacks(execute=True):
        assert group_post(zone_id=zone.pk, event="notice_issued", title="t", text="x") == 1
    assert WebhookPost.objects.get().sent_at is None  # still owed, on record


# --- the administrator's page ---------------------------------------------------------


@pytest.fixture
def admins(zone):
    mine = MembershipFactory(zone=zone, unit=None, role=Role.ADMIN, user=UserFactory(username="admin_a")).user
    other_zone = ZoneFactory()
    theirs = MembershipFactory(zone=other_zone, unit=None, role=Role.ADMIN, user=UserFactory(username="admin_b")).user
    return mine, theirs, other_zone


def form_data(**changes):
    data = {"name": "工作群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}
    data.update(changes)
    return data


def test_the_zone_administrator_adds_a_robot_and_sees_its_posts(client, zone, admins):
    mine, _theirs, _other_zone = admins
    client.force_login(mine)
    assert reverse("zone_webhooks", args=[zone.pk]) in client.get(reverse("notification_settings")).content.decode()
    response = client.post(
        reverse("zone_webhooks", args=[zone.pk]), form_data(events=["notice_issued", "reports_due"], active="on")
    )
    assert response.status_code == 302
    hook = ZoneWebhook.objects.get()
    assert hook.zone == zone and hook.events == ["notice_issued", "reports_due"] and hook.active
    WebhookPost.objects.create(webhook=hook, event="notice_issued", title="t", text="x", created_at=clock.now())
    page = client.get(reverse("zone_webhooks", args=[zone.pk])).content.decode()
    assert "工作群" in page and "企业微信群机器人" in page and "等待发送" in page


@pytest.mark.parametrize(
    ("url", "debug", "ok"),
    [
        ("https://oapi.dingtalk.com/robot/send?access_token=t", False, True),
        ("http://oapi.dingtalk.com/robot/send?access_token=t", True, False),
        ("http://127.0.0.1:8080/robot", True, True),
        ("http://127.0.0.1:8080/robot", False, False),
        ("ftp://example.org/robot", True, False),
        ("https://evil.example.com/cgi-bin/webhook/send?key=k", False, False),
        ("https://169.254.169.254/latest/meta-data/", False, False),
        ("https://oapi.dingtalk.com:8443/robot/send", False, False),
    ],
)
def test_a_robot_address_is_a_robot_hosts_https_or_local_http_in_development(
    client, zone, admins, settings, url, debug, ok
):
    mine, _theirs, _other_zone = admins
    client.force_login(mine)
    settings.DEBUG = debug
    response = client.post(reverse("zone_webhooks", args=[zone.pk]), form_data(kind="dingtalk", url=url))
    assert ZoneWebhook.objects.exists() is ok
    if not ok:
        assert response.status_code == 200 and url in response.content.decode()  # the form keeps what was typed


def test_a_wecom_robot_takes_no_secret_and_a_stored_dingtalk_secret_is_kept(client, zone, admins):
    mine, _theirs, _other_zone = admins
    client.force_login(mine)
    response = client.post(reverse("zone_webhooks", args=[zone.pk]), form_data(secret="SECx"))
    assert response.status_code == 200 and not ZoneWebhook.objects.exists()
    hook = ZoneWebhook.objects.create(
        zone=zone, name="钉钉", kind="dingtalk", url="https://oapi.dingtalk.com/r", secret="SECy"
    )
    page = client.get(reverse("zone_webhook_edit", args=[zone.pk, hook.pk])).content.decode()
    assert "SECy" not in page
    client.post(reverse("zone_webhook_edit", args=[zone.pk, hook.pk]), form_data(kind="dingtalk", name="钉钉二群"))
    hook.refresh_from_db()
    assert hook.name == "钉钉二群" and hook.secret == "SECy"


def test_another_zones_administrator_can_neither_see_nor_change_its_robots(client, zone, admins):
    _mine, theirs, other_zone = admins
    hook = ZoneWebhook.objects.create(zone=zone, name="工作群", kind="wecom", url="https://qyapi.weixin.qq.com/x")
    client.force_login(theirs)
    assert client.get(reverse("zone_webhooks", args=[zone.pk])).status_code == 404
    assert client.get(reverse("zone_webhook_edit", args=[zone.pk, hook.pk])).status_code == 404
    assert client.post(reverse("zone_webhook_edit", args=[zone.pk, hook.pk]), form_data(name="改")).status_code == 404
    assert client.post(reverse("zone_webhook_delete", args=[zone.pk, hook.pk])).status_code == 404
    # nor through their own zone's address
    assert client.post(reverse("zone_webhook_delete", args=[other_zone.pk, hook.pk])).status_code == 404
    hook.refresh_from_db()
    assert hook.name == "工作群"
    assert reverse("zone_webhooks", args=[zone.pk]) not in client.get(reverse("notification_settings")).content.decode()


def test_a_units_staff_cannot_open_the_robots_page(client, zone):
    staff = MembershipFactory(unit__zone=zone, role=Role.STAFF).user
    client.force_login(staff)
    assert client.get(reverse("zone_webhooks", args=[zone.pk])).status_code == 404
