"""Follow-up notices: issuing, the unit's answer or extension request,
supervision's decisions and closing, every step logged, and who may do what."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import OutgoingMail
from core.tasks import deliver_mail
from supervision.choices import NoticeAction, NoticeLevel, NoticeState
from supervision.models import Notice, NoticeEvent, NoticeItem
from supervision.services import (
    notice_answer,
    notice_close,
    notice_extension_grant,
    notice_extension_refuse,
    notice_extension_request,
    notices_issue,
)

pytestmark = pytest.mark.django_db


def actions(notice):
    return list(NoticeEvent.objects.filter(notice=notice).order_by("at", "id").values_list("action", flat=True))


def answer(notice, by, **fields):
    values = {"reason": "土地指标未落实", "measures": "协调国土部门加快审批", "expected": dt.date(2014, 9, 30)}
    values.update(fields)
    return notice_answer(notice=notice, by=by, **values)


# --- issuing ----------------------------------------------------------------------


def test_the_supervisor_issues_one_numbered_notice_per_lead_unit_with_a_snapshot_of_each_item(zone, issue):
    result = issue(zone.serious, zone.projects, zone.lagging)
    econ, invest = sorted(result.notices, key=lambda n: n.unit.order)
    assert (econ.unit, invest.unit) == (zone.econ, zone.invest)
    assert [econ.number, invest.number] == ["督办〔2014〕1号", "督办〔2014〕2号"]
    assert econ.title == "关于加快推进“新开工项目”的督办通知"
    assert invest.title == "关于加快推进“引进亿元以上项目”等2项工作的督办通知"
    assert econ.state == NoticeState.ISSUED and econ.reply_by == dt.date(2014, 7, 17)
    assert (econ.year, econ.month) == (2014, 6)
    item = NoticeItem.objects.get(notice=econ)
    assert item.status == "serious" and "1-6月完成1.2个" in item.explanation and item.is_open
    assert actions(econ) == [NoticeAction.ISSUED]
    assert NoticeEvent.objects.get(notice=econ).by == zone.supervisor


def test_issuing_queues_a_mail_to_each_of_the_lead_units_staff_and_reviewers_sent_after_the_commit(
    zone, issue, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(deliver_mail, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        issue(zone.serious)
    owed = list(OutgoingMail.objects.order_by("to"))
    assert [(mail.kind, mail.to) for mail in owed] == [
        ("notice_issued", "econ_reviewer@example.com"),
        ("notice_issued", "econ_staff@example.com"),
    ]
    assert sorted(queued) == [mail.pk for mail in sorted(owed, key=lambda m: m.pk)] and mailoutbox == []

    for pk in queued:
        deliver_mail.apply(args=[pk])
    assert sorted(address for mail in mailoutbox for address in mail.to) == [
        "econ_reviewer@example.com",
        "econ_staff@example.com",
    ]
    assert "督办〔2014〕1号" in mailoutbox[0].subject
    assert "2014-07-17" in mailoutbox[0].body and "/supervision/notices/" in mailoutbox[0].body
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()


def test_numbers_continue_within_the_zone_and_year(zone, issue):
    issue(zone.serious)
    second = issue(zone.projects).notices[0]
    assert second.number_seq == 2


def test_an_item_under_an_open_notice_is_left_out_and_can_be_followed_up_again_once_closed(zone, issue):
    first = issue(zone.serious).notices[0]
    again = issue(zone.serious, zone.lagging)
    assert again.skipped == [zone.serious]
    assert [n.unit for n in again.notices] == [zone.invest]
    assert issue(zone.serious).notices == []
    notice_close(notice=first, by=zone.supervisor, note="已整改到位", confirm=True)
    assert len(issue(zone.serious).notices) == 1


def test_the_database_keeps_a_target_in_one_open_notice(zone, issue):
    first = issue(zone.serious).notices[0]
    second = issue(zone.lagging).notices[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeItem.objects.create(notice=second, target=zone.serious, status="serious")
    assert first.items.count() == 1


@pytest.mark.parametrize("who", ["admin"])
def test_a_zone_administrator_may_issue(zone, issue, who):
    assert issue(zone.serious, by=getattr(zone, who)).notices


@pytest.mark.parametrize("who", ["leader", "staff", "reviewer", "other_supervisor"])
def test_nobody_else_issues(zone, issue, who):
    with pytest.raises(PermissionDenied):
        issue(zone.serious, by=getattr(zone, who))
    assert not Notice.objects.exists()


def test_issuing_refuses_a_past_answer_date_an_empty_requirement_and_no_items(zone, issue):
    with pytest.raises(ValidationError) as past:
        issue(zone.serious, reply_by=dt.date(2014, 7, 9))
    assert "reply_by" in past.value.error_dict
    with pytest.raises(ValidationError) as empty:
        notices_issue(
            target_ids=[zone.serious.pk],
            period=zone.period,
            reply_by=zone.today,
            requirement="  ",
            by=zone.supervisor,
            today=zone.today,
        )
    assert "requirement" in empty.value.error_dict
    with pytest.raises(ValidationError):
        issue()


# --- the unit answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "state"),
    [("staff", NoticeState.SIGN_OFF), ("reviewer", NoticeState.ANSWERED)],  # the reviewer is the unit head
)
def test_the_lead_units_staff_or_reviewer_answers(zone, issue, who, state):
    notice = issue(zone.serious).notices[0]
    notice = answer(notice, getattr(zone, who))
    assert notice.state == state
    assert notice.answer_reason == "土地指标未落实" and notice.answer_expected == dt.date(2014, 9, 30)
    assert notice.answered_by == getattr(zone, who) and not notice.overdue
    assert actions(notice) == [NoticeAction.ISSUED, NoticeAction.ANSWERED]


@pytest.mark.parametrize("who", ["invest_staff", "supervisor", "leader", "admin"])
def test_nobody_else_answers(zone, issue, who):
    notice = issue(zone.serious).notices[0]
    with pytest.raises(PermissionDenied):
        answer(notice, getattr(zone, who))
    with pytest.raises(PermissionDenied):
        notice_extension_request(notice=notice, by=getattr(zone, who), until=dt.date(2014, 7, 31), reason="x")
    assert Notice.objects.get().state == NoticeState.ISSUED


def test_an_answer_needs_a_reason_measures_and_a_date_not_in_the_past(zone, issue):
    notice = issue(zone.serious).notices[0]
    for fields, key in (
        ({"reason": ""}, "reason"),
        ({"measures": " "}, "measures"),
        ({"expected": None}, "expected"),
        ({"expected": dt.date(2014, 7, 1)}, "expected"),
    ):
        with pytest.raises(ValidationError) as refused:
            answer(notice, zone.staff, **fields)
        assert key in refused.value.error_dict
    assert Notice.objects.get().state == NoticeState.ISSUED


def test_an_answer_after_the_answer_date_is_marked_late(zone, issue, clock_at):
    notice = issue(zone.serious).notices[0]
    clock_at(dt.date(2014, 7, 20))
    notice = answer(notice, zone.staff)
    assert notice.overdue
    assert NoticeEvent.objects.get(notice=notice, action=NoticeAction.ANSWERED).data["late"] is True


# --- extensions -------------------------------------------------------------------------------


def test_an_extension_granted_moves_the_answer_date_and_restarts_the_escalation(zone, issue):
    notice = issue(zone.serious).notices[0]
    Notice.objects.filter(pk=notice.pk).update(level=NoticeLevel.REMINDED, reminded_at=notice.issued_at)
    notice.refresh_from_db()
    notice = notice_extension_request(notice=notice, by=zone.staff, until=dt.date(2014, 7, 31), reason="需等待审批")
    assert notice.state == NoticeState.EXTENSION_REQUESTED
    notice = notice_extension_grant(notice=notice, by=zone.supervisor, note="同意")
    assert notice.state == NoticeState.ISSUED
    assert notice.reply_by == dt.date(2014, 7, 31)
    assert notice.level == NoticeLevel.NORMAL and notice.reminded_at is None
    granted = NoticeEvent.objects.get(notice=notice, action=NoticeAction.EXTENSION_GRANTED)
    assert granted.data == {"reply_by": ["2014-07-17", "2014-07-31"]}


def test_an_extension_refused_keeps_the_answer_date_and_needs_a_reason(zone, issue):
    notice = issue(zone.serious).notices[0]
    notice = notice_extension_request(notice=notice, by=zone.reviewer, until=dt.date(2014, 7, 31), reason="需等待")
    with pytest.raises(ValidationError):
        notice_extension_refuse(notice=notice, by=zone.supervisor, note="")
    notice = notice_extension_refuse(notice=notice, by=zone.supervisor, note="时间充足,按期答复")
    assert notice.state == NoticeState.ISSUED and notice.reply_by == dt.date(2014, 7, 17)
    assert actions(notice)[-2:] == [NoticeAction.EXTENSION_REQUESTED, NoticeAction.EXTENSION_REFUSED]


def test_an_extension_asks_for_a_later_date(zone, issue):
    notice = issue(zone.serious).notices[0]
    with pytest.raises(ValidationError):
        notice_extension_request(notice=notice, by=zone.staff, until=dt.date(2014, 7, 17), reason="需等待")


@pytest.mark.parametrize("who", ["staff", "leader", "other_supervisor"])
def test_only_supervision_decides_an_extension_or_closes(zone, issue, who):
    notice = issue(zone.serious).notices[0]
    notice = notice_extension_request(notice=notice, by=zone.staff, until=dt.date(2014, 7, 31), reason="需等待")
    user = getattr(zone, who)
    for step in (
        lambda: notice_extension_grant(notice=notice, by=user),
        lambda: notice_extension_refuse(notice=notice, by=user, note="不同意"),
        lambda: notice_close(notice=notice, by=user, note="销号"),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert Notice.objects.get().state == NoticeState.EXTENSION_REQUESTED


# --- closing ------------------------------------------------------------------------------------


def test_supervision_closes_an_answered_notice_with_a_note_and_the_log_tells_the_story(zone, issue):
    notice = issue(zone.serious).notices[0]
    notice = answer(notice, zone.reviewer)  # the unit head: signed off at once
    with pytest.raises(ValidationError):
        notice_close(notice=notice, by=zone.supervisor, note=" ")
    notice = notice_close(notice=notice, by=zone.admin, note="整改措施已落实,予以销号", confirm=True)
    assert notice.state == NoticeState.CLOSED and notice.closed_by == zone.admin
    assert not NoticeItem.objects.filter(notice=notice, is_open=True).exists()
    assert actions(notice) == [NoticeAction.ISSUED, NoticeAction.ANSWERED, NoticeAction.CLOSED]


def test_a_pending_extension_is_decided_before_closing_and_a_closed_notice_takes_no_more_steps(zone, issue):
    notice = issue(zone.serious).notices[0]
    notice = notice_extension_request(notice=notice, by=zone.staff, until=dt.date(2014, 7, 31), reason="需等待")
    with pytest.raises(ValidationError):
        notice_close(notice=notice, by=zone.supervisor, note="销号")
    notice = notice_extension_refuse(notice=notice, by=zone.supervisor, note="不同意")
    notice = notice_close(notice=notice, by=zone.supervisor, note="销号", confirm=True)
    with pytest.raises(ValidationError, match="已销号"):
        answer(notice, zone.staff)


def test_a_step_on_a_stale_copy_is_refused(zone, issue):
    notice = issue(zone.serious).notices[0]
    stale = Notice.objects.get(pk=notice.pk)
    notice_close(notice=notice, by=zone.supervisor, note="销号", confirm=True)
    with pytest.raises(ValidationError):
        answer(stale, zone.staff)
    assert Notice.objects.get().state == NoticeState.CLOSED
