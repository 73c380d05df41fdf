"""A notice's answer asks what fits its items (a report not sent, a lagging
figure, a missed date), the unit head signs it off before supervision sees
it (a per-zone setting, on by default), and closing a notice whose items are
still behind asks for a confirmation naming them."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from supervision.choices import AnswerKind, NoticeAction, NoticeState, answer_kind_of
from supervision.forms import AnswerForm
from supervision.models import NoticeEvent, SupervisionSetting
from supervision.selectors import items_behind, notice_answer_kind, notices_to_answer
from supervision.services import ItemsBehind, notice_answer, notice_answer_return, notice_close, notice_sign_off
from targets.choices import Status
from tests.factories import TargetFactory
from zones import policy

pytestmark = pytest.mark.django_db
LAGGING_ANSWER = {"reason": "土地指标未落实", "measures": "协调国土部门加快审批", "expected": dt.date(2014, 9, 30)}


def actions(notice) -> list[str]:
    return list(NoticeEvent.objects.filter(notice=notice).order_by("at", "id").values_list("action", flat=True))


# --- the answer asks what fits the item -----------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "kind"),
    [
        ([Status.LAGGING], AnswerKind.LAGGING),
        ([Status.SERIOUS], AnswerKind.LAGGING),
        ([Status.OVERDUE], AnswerKind.MISSED_DATE),
        ([Status.NO_DATA], AnswerKind.LATE_REPORT),
        ([""], AnswerKind.LATE_REPORT),
        ([Status.NO_DATA, Status.LAGGING], AnswerKind.LAGGING),
        ([Status.LAGGING, Status.OVERDUE], AnswerKind.MISSED_DATE),
    ],
)
def test_one_rule_chooses_the_answer_from_the_items_statuses(statuses, kind):
    assert answer_kind_of(statuses) == kind


def test_each_kind_of_answer_asks_its_own_fields_with_its_own_words():
    assert {name: str(f.label) for name, f in AnswerForm(kind=AnswerKind.LATE_REPORT).fields.items()} == {
        "reason": "未按时报送的原因",
        "expected": "报送日期",
    }
    assert {name: str(f.label) for name, f in AnswerForm(kind=AnswerKind.LAGGING).fields.items()} == {
        "reason": "滞后原因",
        "measures": "整改措施",
        "expected": "预计赶上进度日期",
    }
    missed = AnswerForm(kind=AnswerKind.MISSED_DATE)
    assert list(missed.fields) == ["expected", "reason", "measures"]
    assert str(missed.fields["expected"].label) == "新的完成日期"


def test_an_unreported_item_is_answered_with_the_day_it_will_be_reported(zone, issue):
    silent = TargetFactory(task=zone.serious.task, indicator="规上企业数", unit="家", value=D(5), order=9)
    notice = issue(silent).notices[0]
    assert notice_answer_kind(notice) == AnswerKind.LATE_REPORT
    notice = notice_answer(notice=notice, by=zone.reviewer, reason="统计口径待确认", expected=dt.date(2014, 7, 20))
    assert notice.state == NoticeState.ANSWERED and notice.answer_kind == AnswerKind.LATE_REPORT
    assert notice.answer_measures == ""


def test_a_lagging_item_needs_measures_and_a_missed_date_a_new_date(zone, issue):
    lagging = issue(zone.serious).notices[0]
    with pytest.raises(ValidationError) as refused:
        notice_answer(notice=lagging, by=zone.staff, reason="原因", measures=" ", expected=dt.date(2014, 9, 30))
    assert refused.value.message_dict == {"measures": ["请填写整改措施。"]}
    missed = issue(zone.milestone).notices[0]
    assert notice_answer_kind(missed) == AnswerKind.MISSED_DATE
    with pytest.raises(ValidationError) as refused:
        notice_answer(notice=missed, by=zone.invest_staff, reason="原因", measures="措施", expected=None)
    assert refused.value.message_dict == {"expected": ["请填写新的完成日期。"]}


def test_the_notice_page_shows_the_form_of_the_items_kind(client, zone, issue):
    missed = issue(zone.milestone).notices[0]
    client.force_login(zone.invest_staff)
    html = client.get(reverse("supervision:notice", args=[missed.pk])).content.decode()
    assert "新的完成日期" in html and "未按期完成的原因" in html and "预计赶上进度日期" not in html


# --- the unit head signs the answer off ----------------------------------------------------------


def test_only_the_units_reviewer_is_its_head_for_the_sign_off(zone):
    assert policy.can_sign_off(zone.reviewer, zone.econ)
    assert not policy.can_sign_off(zone.staff, zone.econ)
    assert not policy.can_sign_off(zone.reviewer, zone.invest)
    assert not policy.can_sign_off(zone.supervisor, zone.econ)


def test_a_staff_answer_waits_for_the_heads_sign_off_who_may_return_it_and_the_log_keeps_each_step(zone, issue):
    notice = issue(zone.serious).notices[0]
    notice = notice_answer(notice=notice, by=zone.staff, **LAGGING_ANSWER)
    assert notice.state == NoticeState.SIGN_OFF and notice.signed_off_at is None
    for someone in (zone.staff, zone.supervisor, zone.invest_staff, zone.leader):
        with pytest.raises(PermissionDenied):
            notice_sign_off(notice=notice, by=someone)
    with pytest.raises(ValidationError):
        notice_close(notice=notice, by=zone.supervisor, note="销号", confirm=True)  # supervision has not got it yet
    notice = notice_answer_return(notice=notice, by=zone.reviewer, note="措施要有时间节点")
    assert notice.state == NoticeState.ISSUED and notice.answer_reason == "土地指标未落实"  # kept to be edited
    notice = notice_answer(notice=notice, by=zone.staff, **{**LAGGING_ANSWER, "measures": "7月底前完成审批"})
    notice = notice_sign_off(notice=notice, by=zone.reviewer, note="同意")
    assert notice.state == NoticeState.ANSWERED and notice.signed_off_by == zone.reviewer
    assert actions(notice) == [
        NoticeAction.ISSUED,
        NoticeAction.ANSWERED,
        NoticeAction.ANSWER_RETURNED,
        NoticeAction.ANSWERED,
        NoticeAction.SIGNED_OFF,
    ]
    with pytest.raises(ValidationError):
        notice_sign_off(notice=notice, by=zone.reviewer)  # once only


def test_a_zone_may_do_without_the_sign_off(zone, issue):
    SupervisionSetting.objects.create(zone=zone.zone, answer_sign_off=False)
    notice = notice_answer(notice=issue(zone.serious).notices[0], by=zone.staff, **LAGGING_ANSWER)
    assert notice.state == NoticeState.ANSWERED and notice.signed_off_by is None


def test_the_api_takes_the_sign_off_from_the_head_only(zone, issue):
    notice = notice_answer(notice=issue(zone.serious).notices[0], by=zone.staff, **LAGGING_ANSWER)
    url = f"/api/v1/notices/{notice.pk}/sign-off/"
    staff = APIClient()
    staff.force_authenticate(zone.staff)
    assert staff.post(url, {}, format="json").status_code == 403
    head = APIClient()
    head.force_authenticate(zone.reviewer)
    response = head.post(url, {"note": "同意"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == NoticeState.ANSWERED


# --- closing warns about items still behind ----------------------------------------------------


def test_closing_a_notice_with_items_still_behind_needs_a_confirmation_naming_them(zone, issue):
    notice = issue(zone.serious, zone.on_track).notices[0]
    assert items_behind(notice, period=zone.period) == [("新开工项目", "严重滞后")]
    with pytest.raises(ItemsBehind) as warned:
        notice_close(notice=notice, by=zone.supervisor, note="已整改")
    assert "新开工项目（严重滞后）" in warned.value.message_dict["confirm"][0]
    notice.refresh_from_db()
    assert notice.state == NoticeState.ISSUED
    notice = notice_close(notice=notice, by=zone.supervisor, note="已整改", confirm=True)
    assert notice.state == NoticeState.CLOSED
    assert NoticeEvent.objects.get(notice=notice, action=NoticeAction.CLOSED).data == {"confirmed_behind": True}


def test_a_notice_whose_items_caught_up_closes_without_a_question(zone, issue):
    notice = issue(zone.on_track).notices[0]
    assert items_behind(notice, period=zone.period) == []
    assert notice_close(notice=notice, by=zone.supervisor, note="已达序时").state == NoticeState.CLOSED


def test_an_answer_waiting_for_sign_off_is_on_the_heads_list_not_the_staffs(zone, issue):
    notice = issue(zone.serious).notices[0]
    notice_answer(notice=notice, by=zone.staff, **LAGGING_ANSWER)
    assert list(notices_to_answer(zone.reviewer)) == [notice]
    assert list(notices_to_answer(zone.staff)) == []
