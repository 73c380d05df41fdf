"""The daily escalation of unanswered notices: a reminder, then red; the
count for the dashboard; the Celery tasks."""

import datetime as dt

import pytest

from core.models import JobRun, OutgoingMail
from supervision import tasks
from supervision.choices import NoticeAction, NoticeLevel
from supervision.models import Notice, NoticeEvent, SupervisionRule
from supervision.selectors import overdue_notices_count
from supervision.services import (
    notice_answer,
    notice_extension_grant,
    notice_extension_request,
    notices_escalate,
)

pytestmark = pytest.mark.django_db

DUE = dt.date(2014, 7, 17)


def day(n):
    return DUE + dt.timedelta(days=n)


def escalate(clock_at, today):
    clock_at(today)
    return notices_escalate(today=today)


def test_an_unanswered_notice_gets_a_reminder_the_day_after_its_date_then_turns_red(
    zone, issue, clock_at, mailoutbox, send_owed_mail
):
    notice = issue(zone.serious).notices[0]
    send_owed_mail()
    mailoutbox.clear()  # the mails of the issue itself
    assert escalate(clock_at, DUE) == {"reminded": 0, "red": 0, "mails": 0}

    counts = escalate(clock_at, day(1))
    assert counts["reminded"] == 1 and counts["mails"] == 2
    assert send_owed_mail() == 2
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.REMINDED and notice.overdue
    assert sorted(m.to[0] for m in mailoutbox) == ["econ_reviewer@example.com", "econ_staff@example.com"]
    assert "督办〔2014〕1号" in mailoutbox[0].subject and "2014-07-17" in mailoutbox[0].body
    reminder = NoticeEvent.objects.get(notice=notice, action=NoticeAction.REMINDED)
    assert reminder.by is None

    assert escalate(clock_at, day(1))["reminded"] == 0  # a second run the same day sends nothing
    assert escalate(clock_at, day(3))["red"] == 0  # three days after the reminder by default
    assert escalate(clock_at, day(4))["red"] == 1
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.RED and notice.escalated_at is not None
    assert send_owed_mail() == 2 and len(mailoutbox) == 4
    assert escalate(clock_at, day(9)) == {"reminded": 0, "red": 0, "mails": 0}
    assert list(NoticeEvent.objects.filter(notice=notice).values_list("action", flat=True)) == [
        NoticeAction.ISSUED,
        NoticeAction.REMINDED,
        NoticeAction.ESCALATED,
    ]


def test_the_plan_sets_the_days_from_reminder_to_red(zone, issue, clock_at):
    SupervisionRule.objects.create(plan=zone.plan, red_after_days=1)
    issue(zone.serious)
    escalate(clock_at, day(1))
    assert escalate(clock_at, day(2))["red"] == 1


def test_answered_and_pending_extension_notices_do_not_escalate(zone, issue, clock_at):
    answered = issue(zone.serious).notices[0]
    notice_answer(notice=answered, by=zone.staff, reason="原因", measures="措施", expected=dt.date(2014, 9, 1))
    asking = issue(zone.projects).notices[0]
    notice_extension_request(notice=asking, by=zone.invest_staff, until=day(10), reason="需要时间")
    assert escalate(clock_at, day(5))["reminded"] == 0


def test_the_escalation_only_queues_its_mail_so_a_mail_server_that_never_answers_cannot_hold_it(
    zone, issue, clock_at, silent_smtp
):
    notice = issue(zone.serious).notices[0]
    counts = escalate(clock_at, day(1))
    assert counts["reminded"] == 1 and counts["mails"] == 2
    assert silent_smtp.connections == 0
    assert Notice.objects.get().level == NoticeLevel.REMINDED
    reminded = NoticeEvent.objects.get(notice=notice, action=NoticeAction.REMINDED)
    owed = OutgoingMail.objects.filter(kind="notice_reminder", sent_at__isnull=True)
    assert owed.count() == 2 and all(f"event {reminded.pk} " in mail.key for mail in owed)


def test_a_notice_reminded_again_after_an_extension_mails_again(zone, issue, clock_at, send_owed_mail):
    notice = issue(zone.serious).notices[0]
    escalate(clock_at, day(1))
    notice_extension_request(notice=notice, by=zone.staff, until=day(5), reason="需要时间")
    notice_extension_grant(notice=Notice.objects.get(), by=zone.supervisor)
    assert escalate(clock_at, day(6))["mails"] == 2
    assert OutgoingMail.objects.filter(kind="notice_reminder").count() == 4


def test_the_dashboard_count_is_the_open_notices_past_their_date_without_an_answer(zone, issue, clock_at):
    late = issue(zone.serious).notices[0]
    issue(zone.projects, reply_by=day(5))
    assert overdue_notices_count(zone.plan, today=DUE) == 0
    assert overdue_notices_count(zone.plan, today=day(1)) == 1
    notice_answer(notice=late, by=zone.staff, reason="原因", measures="措施", expected=dt.date(2014, 9, 1))
    assert overdue_notices_count(zone.plan, today=day(1)) == 0
    assert overdue_notices_count(zone.plan, today=day(6)) == 1
    assert overdue_notices_count(zone.other_plan, today=day(6)) == 0


def test_the_escalation_task_records_its_run(zone, issue, clock_at):
    issue(zone.serious)
    clock_at(day(1))
    counts = tasks.escalate_notices.apply(args=[day(1).isoformat()]).get()
    assert counts["reminded"] == 1
    run = JobRun.objects.get(kind="escalate_notices")
    assert run.outcome == "succeeded" and run.counts["reminded"] == 1 and run.subject == "2014-07-18"


def test_the_daily_task_queues_the_escalation_and_the_bulletins(monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.escalate_notices, "delay", lambda today: queued.append(("escalate", today)))
    monkeypatch.setattr(tasks.publish_bulletins, "delay", lambda today: queued.append(("bulletins", today)))
    assert tasks.daily.apply(args=["2014-08-10"]).get() == "2014-08-10"
    assert queued == [("escalate", "2014-08-10"), ("bulletins", "2014-08-10")]


def test_the_beat_schedule_runs_the_daily_task_once_a_day():
    from django.conf import settings

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "supervision.tasks.daily"]
    assert len(entries) == 1
    assert entries[0]["options"]["expires"] < 24 * 3600
