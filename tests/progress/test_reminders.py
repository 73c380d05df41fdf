"""Daily reminders: periods falling due, submissions waiting for review,
returned reports; queued once a day by the task, sent by core.mail."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import InterfaceError, OperationalError
from django.utils import timezone, translation

from core.models import JobRun, OutgoingMail
from progress.choices import ReportStatus
from progress.reminders import DUE, RETURNED, REVIEW, reminders_due, reminders_send
from progress.tasks import send_reminders
from tests.factories import MembershipFactory, ReportFactory
from zones.choices import Role


@pytest.fixture
def desk(desk):
    for user in (desk.staff, desk.reviewer, desk.other_staff):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return desk


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def report(target, status, *, month=3, **fields):
    if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED):
        fields.setdefault("submitted_at", at(2026, 4, 1))
    if status == ReportStatus.APPROVED:
        fields.setdefault("approved_at", at(2026, 4, 1, 12))
    if status == ReportStatus.RETURNED:
        fields.setdefault("returned_at", at(2026, 4, 1, 12))
        fields.setdefault("return_reason", "数据口径有误")
    return ReportFactory(target=target, year=2026, month=month, status=status, **fields)


def by_user(reminders, kind):
    return {reminder.user_id: reminder for reminder in reminders if reminder.kind == kind}


# --- (a) periods falling due ---------------------------------------------------


def test_staff_of_units_with_unsubmitted_targets_are_reminded_three_days_before_the_due_day(desk):
    due = by_user(reminders_due(today=desk.today), DUE)  # March is due on 5 April
    assert set(due) == {desk.staff.pk, desk.other_staff.pk}
    mine = due[desk.staff.pk]
    assert mine.email == "staff@example.org"
    assert "3项指标未提交" in mine.subject and "2026-04-05" in mine.subject
    assert "经济发展局" in mine.body and "2026年1-3月" in mine.body and "还剩3天" in mine.body
    assert "1项指标未提交" in due[desk.other_staff.pk].subject


def test_a_draft_or_returned_report_still_counts_as_missing_but_a_submitted_one_does_not(desk):
    report(desk.amount, ReportStatus.SUBMITTED)
    report(desk.growth, ReportStatus.APPROVED)
    report(desk.count, ReportStatus.DRAFT)
    mine = by_user(reminders_due(today=desk.today), DUE)[desk.staff.pk]
    assert "1项指标未提交" in mine.subject


def test_a_unit_whose_targets_are_all_submitted_is_not_reminded(desk):
    for target in (desk.amount, desk.growth):
        report(target, ReportStatus.SUBMITTED)
    report(desk.count, ReportStatus.APPROVED)
    due = by_user(reminders_due(today=desk.today), DUE)
    assert set(due) == {desk.other_staff.pk}


def test_a_period_due_in_five_days_or_already_past_is_not_reminded(desk):
    assert not by_user(reminders_due(today=dt.date(2026, 3, 31)), DUE)  # 5 days before 5 April
    assert not by_user(reminders_due(today=dt.date(2026, 4, 6)), DUE)  # a day after


def test_on_the_due_day_itself_the_reminder_says_due_today(desk):
    mine = by_user(reminders_due(today=dt.date(2026, 4, 5)), DUE)[desk.staff.pk]
    assert "今天截止" in mine.body


def test_quarterly_targets_are_counted_only_in_quarter_months(desk):
    desk.growth.frequency = "quarterly"
    desk.growth.save(update_fields=["frequency"])
    april = by_user(reminders_due(today=dt.date(2026, 5, 2)), DUE)[desk.staff.pk]
    assert "2项指标未提交" in april.subject
    march = by_user(reminders_due(today=desk.today), DUE)[desk.staff.pk]
    assert "3项指标未提交" in march.subject


def test_january_is_not_due_when_january_and_february_are_reported_together(desk):
    assert desk.staff.pk in by_user(reminders_due(today=dt.date(2026, 2, 3)), DUE)
    desk.plan.jan_feb_combined = True
    desk.plan.save(update_fields=["jan_feb_combined"])
    assert not by_user(reminders_due(today=dt.date(2026, 2, 3)), DUE)
    february = by_user(reminders_due(today=dt.date(2026, 3, 3)), DUE)[desk.staff.pk]
    assert "2026年1-2月" in february.body


def test_december_falls_due_in_the_next_year(desk):
    assert desk.staff.pk in by_user(reminders_due(today=dt.date(2027, 1, 4)), DUE)


def test_draft_plans_and_users_without_email_are_left_out(desk):
    for blank in ("", "  "):
        desk.other_staff.email = blank
        desk.other_staff.save(update_fields=["email"])
        assert set(by_user(reminders_due(today=desk.today), DUE)) == {desk.staff.pk}
    desk.plan.status = "draft"
    desk.plan.save(update_fields=["status"])
    assert not reminders_due(today=desk.today)


def test_a_user_staffing_two_units_gets_one_reminder_listing_both(desk):
    MembershipFactory(unit=desk.other_unit, role=Role.STAFF, user=desk.staff)
    reminders = [r for r in reminders_due(today=desk.today) if r.user_id == desk.staff.pk]
    assert len(reminders) == 1
    assert "4项指标未提交" in reminders[0].subject
    assert "经济发展局" in reminders[0].body and "财政局" in reminders[0].body


# --- (b) submissions waiting for review ----------------------------------------


def test_reviewers_are_reminded_of_submissions_waiting_more_than_two_days(desk):
    report(desk.amount, ReportStatus.SUBMITTED, submitted_at=at(2026, 3, 30, 17))
    report(desk.growth, ReportStatus.SUBMITTED, submitted_at=at(2026, 3, 28, 9))
    report(desk.count, ReportStatus.SUBMITTED, submitted_at=at(2026, 4, 1))
    review = by_user(reminders_due(today=desk.today), REVIEW)
    assert set(review) == {desk.reviewer.pk}
    mine = review[desk.reviewer.pk]
    assert mine.email == "reviewer@example.org"
    assert "2条" in mine.subject and "审核" in mine.subject
    assert "2026-03-28" in mine.body and "规上工业增加值增速" in mine.body


def test_a_submission_of_one_or_two_days_ago_does_not_remind_the_reviewer(desk):
    report(desk.amount, ReportStatus.SUBMITTED, submitted_at=at(2026, 4, 1))
    report(desk.growth, ReportStatus.SUBMITTED, submitted_at=at(2026, 3, 31, 23))
    report(desk.count, ReportStatus.APPROVED, submitted_at=at(2026, 3, 1))
    assert not by_user(reminders_due(today=desk.today), REVIEW)


# --- (c) returned reports --------------------------------------------------------


def test_staff_are_reminded_of_returned_reports_with_the_reasons(desk):
    report(desk.amount, ReportStatus.RETURNED, return_reason="投资数据与统计局口径不一致")
    report(desk.growth, ReportStatus.RETURNED, return_reason="请补充\n问题说明")
    returned = by_user(reminders_due(today=desk.today), RETURNED)
    assert set(returned) == {desk.staff.pk}
    mine = returned[desk.staff.pk]
    assert "2条" in mine.subject and "退回" in mine.subject
    assert "投资数据与统计局口径不一致" in mine.body and "请补充 问题说明" in mine.body


def test_only_the_first_few_reasons_are_quoted(desk):
    for month in (1, 2, 3, 4):
        report(desk.amount, ReportStatus.RETURNED, month=month, return_reason=f"第{month}月退回意见")
    mine = by_user(reminders_due(today=desk.today), RETURNED)[desk.staff.pk]
    assert "4条" in mine.subject
    assert "第1月退回意见" in mine.body and "第3月退回意见" in mine.body
    assert "第4月退回意见" not in mine.body and "另有1条" in mine.body


def test_a_resubmitted_report_no_longer_reminds_of_its_return(desk):
    report(desk.amount, ReportStatus.SUBMITTED, return_reason="")
    assert not by_user(reminders_due(today=desk.today), RETURNED)


def test_the_reads_do_not_grow_with_the_number_of_reports(desk, django_assert_num_queries):
    for month in (1, 2):
        report(desk.amount, ReportStatus.RETURNED, month=month)
        report(desk.growth, ReportStatus.SUBMITTED, month=month, submitted_at=at(2026, 3, 1))
    report(desk.other_target, ReportStatus.RETURNED)
    # plans, March's missing targets, waiting reviews, returns, people
    with django_assert_num_queries(5):
        reminders = reminders_due(today=desk.today)
    assert {r.kind for r in reminders} == {DUE, REVIEW, RETURNED}


# --- sending -----------------------------------------------------------------------


def test_sending_queues_each_reminder_to_its_user_with_a_chinese_subject(desk, send_owed_mail):
    report(desk.amount, ReportStatus.RETURNED)
    counts = reminders_send(today=desk.today)
    assert counts == {DUE: 2, REVIEW: 0, RETURNED: 1, "queued": 3}
    assert mail.outbox == []  # queued in the outbox; a worker sends them
    assert send_owed_mail() == 3
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("other@example.org",),
        ("staff@example.org",),
        ("staff@example.org",),
    ]
    subjects = {m.subject for m in mail.outbox}
    assert any(s.startswith("【台账】填报提醒") for s in subjects)
    assert any(s.startswith("【台账】退回提醒") for s in subjects)
    assert all("/" in m.body and "请勿回复" in m.body for m in mail.outbox)
    assert all(m.from_email == settings.DEFAULT_FROM_EMAIL for m in mail.outbox)


def test_emails_are_written_in_the_site_language_whatever_language_is_active(desk):
    with translation.override("en"):
        mine = by_user(reminders_due(today=desk.today), DUE)[desk.staff.pk]
    assert mine.subject.startswith("【台账】填报提醒") and "2026年1-3月" in mine.body


def test_the_task_queues_once_records_the_run_and_queues_nothing_more_the_same_day(desk, send_owed_mail):
    assert send_reminders("2026-04-02") == {DUE: 2, REVIEW: 0, RETURNED: 0, "queued": 2}
    assert send_owed_mail() == 2
    run = JobRun.objects.get(kind="reminders")
    assert (run.subject, run.outcome, run.counts["queued"]) == ("2026-04-02", JobRun.Outcome.SUCCEEDED, 2)

    assert send_reminders("2026-04-02") == {"skipped": 1}
    assert send_owed_mail() == 0
    assert JobRun.objects.filter(kind="reminders", outcome=JobRun.Outcome.SUCCEEDED).count() == 2

    assert send_reminders("2026-04-03")["queued"] == 2  # the next day is a new day
    assert send_owed_mail() == 2
    assert len(mail.outbox) == 4


def test_the_task_defaults_to_the_clock_today(desk, monkeypatch):
    monkeypatch.setattr("core.clock.today", lambda: dt.date(2026, 4, 2))
    send_reminders()
    assert JobRun.objects.get(kind="reminders").subject == "2026-04-02"
    assert OutgoingMail.objects.count() == 2


def test_a_day_queued_again_after_a_crash_queues_no_reminder_twice(desk):
    """The run died after its mails were committed but before it was recorded
    as succeeded: the next run finds the same reminders and queues none."""
    assert reminders_send(today=desk.today)["queued"] == 2
    assert reminders_send(today=desk.today)["queued"] == 2  # still owed, not queued again
    assert OutgoingMail.objects.count() == 2


def test_the_task_sends_no_mail_itself_and_retries_only_database_errors(desk, silent_smtp):
    assert send_reminders("2026-04-02")["queued"] == 2
    assert silent_smtp.connections == 0
    assert set(send_reminders.autoretry_for) == {OperationalError, InterfaceError}
    assert send_reminders.max_retries == 3 and send_reminders.retry_jitter
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == send_reminders.name == "progress.tasks.send_reminders"
    assert entry["options"]["expires"] == 6 * 3600
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {30})


def test_no_reminder_is_sent_for_a_period_before_the_reporting_start(desk):
    from plans.models import Plan

    Plan.objects.filter(pk=desk.plan.pk).update(reports_from=dt.date(2026, 4, 1))
    assert by_user(reminders_due(today=desk.today), DUE) == {}
