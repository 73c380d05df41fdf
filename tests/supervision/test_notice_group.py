"""A notice issued reaches the zone's work group, and the notice's mail asks each person's choice."""

from core.models import OutgoingMail
from core.notifications import email_choose
from zones.models import WebhookPost, ZoneWebhook


def test_issuing_posts_to_the_zones_robot_that_chose_notices(zone, issue, django_capture_on_commit_callbacks):
    hook = ZoneWebhook.objects.create(
        zone=zone.zone, name="督办群", kind="dingtalk", url="https://oapi.dingtalk.com/r", events=["notice_issued"]
    )
    with django_capture_on_commit_callbacks():
        notice = issue(zone.serious).notices[0]
    post = WebhookPost.objects.get()
    assert post.webhook == hook and post.event == "notice_issued"
    assert notice.number in post.title and notice.unit.name in post.text and "2014-07-17" in post.text
    assert f"/supervision/notices/{notice.pk}/" in post.text


def test_the_notice_mail_skips_who_turned_email_off(zone, issue):
    email_choose(zone.reviewer, email=False)
    issue(zone.serious)
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["econ_staff@example.com"]
