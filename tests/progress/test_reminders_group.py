"""The monthly reminder posted to each zone's work group through its robots."""

import pytest

from progress.reminders import reminders_send
from tests.factories import PlanFactory, ZoneFactory
from zones.models import WebhookPost, ZoneWebhook


@pytest.fixture
def desk(desk, settings):
    settings.SITE_URL = "https://taizhang.example.gov.cn"
    return desk


def test_the_daily_reminder_tells_each_zones_group_which_units_have_yet_to_report(
    desk, django_capture_on_commit_callbacks
):
    hook = ZoneWebhook.objects.create(
        zone=desk.plan.zone, name="工作群", kind="wecom", url="https://qyapi.weixin.qq.com/x", events=["reports_due"]
    )
    ZoneWebhook.objects.create(
        zone=desk.plan.zone, name="督办群", kind="wecom", url="https://qyapi.weixin.qq.com/y", events=["notice_issued"]
    )
    quiet = PlanFactory(start_year=2026, end_year=2026, status="published", zone=ZoneFactory())
    ZoneWebhook.objects.create(zone=quiet.zone, name="别区", kind="wecom", url="https://q/x", events=["reports_due"])
    with django_capture_on_commit_callbacks() as callbacks:
        counts = reminders_send(today=desk.today)
    assert counts["group_posts"] == 1 and callbacks
    post = WebhookPost.objects.get()
    assert post.webhook == hook and post.title == "月度报送提醒"
    assert "2026-04-02" in post.text
    assert "经济发展局" in post.text and "3项" in post.text and "财政局" in post.text and "1项" in post.text
    assert "2026-04-05" in post.text and "https://taizhang.example.gov.cn/" in post.text
