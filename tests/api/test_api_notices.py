"""Follow-up notices (督办) over the API: scoped like the supervision pages,
every step through the services, 404 / 403 / 409 / 400 in that order; and
the results endpoint filtered by the supervision pages' FilterSet."""

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from supervision.choices import NoticeAction, NoticeLevel, NoticeState
from supervision.filtersets import SupervisionFilterSet
from supervision.models import Notice, NoticeEvent, NoticeItem, SupervisionSetting
from supervision.services import notice_answer, notice_close, notice_extension_request, notices_issue
from targets.choices import Status
from targets.models import TargetResult
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from zones.choices import Role
from zones.models import RegionAccess

TODAY = dt.date(2026, 6, 10)
MAY = "2026-05"


@pytest.fixture
def clock(monkeypatch):
    moment = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 0))
    monkeypatch.setattr("core.clock.now", lambda: moment)
    monkeypatch.setattr("core.clock.today", lambda: TODAY)


def member(zone, role, username, *, unit=None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, zone=zone, unit=unit, role=role)
    return user


def approved(target, month, value):
    at = timezone.make_aware(dt.datetime(2026, month + 1, 3, 10, 0))
    return ReportFactory(
        target=target, year=2026, month=month, value=D(str(value)), status=ReportStatus.APPROVED,
        submitted_at=at, approved_at=at,
    )  # fmt: skip


@pytest.fixture
def office(db, clock):
    """A zone with two lead units and everyone who deals with notices, another
    zone with its own supervisor, and one open notice per lead unit (issued
    2026-06-10, answer by 06-17)."""
    plan = PlanFactory(start_year=2026, end_year=2026, status="published", title="2026年工作要点")
    zone = plan.zone
    econ = UnitFactory(zone=zone, name="经济发展局", order=1)
    finance = UnitFactory(zone=zone, name="财政局", order=2)
    build = TaskFactory(plan=plan, lead_unit=econ, heading="推进重点项目建设", order=1)
    collect = TaskFactory(plan=plan, lead_unit=finance, heading="壮大财政实力", order=2)
    investment = TargetFactory(task=build, indicator="固定资产投资", unit="亿元", value=D(130), order=1)
    projects = TargetFactory(task=build, indicator="新开工项目", unit="个", value=D(18), order=2)
    revenue = TargetFactory(task=collect, indicator="一般公共预算收入", unit="亿元", value=D(10), order=1)

    other_plan = PlanFactory(start_year=2026, end_year=2026, status="published", title="他区要点")
    other_unit = UnitFactory(zone=other_plan.zone, name="他区经发局")
    other_task = TaskFactory(plan=other_plan, lead_unit=other_unit, heading="他区任务")
    other_target = TargetFactory(task=other_task, indicator="他区指标", value=D(10), order=1)
    other_free = TargetFactory(task=other_task, indicator="他区第二指标", value=D(10), order=2)

    users = {
        "supervisor": member(zone, Role.SUPERVISOR, "supervisor"),
        "admin": member(zone, Role.ADMIN, "zone_admin"),
        "leader": member(zone, Role.LEADER, "leader"),
        "econ_staff": member(zone, Role.STAFF, "econ_staff", unit=econ),
        "econ_reviewer": member(zone, Role.REVIEWER, "econ_reviewer", unit=econ),
        "finance_staff": member(zone, Role.STAFF, "finance_staff", unit=finance),
        "other_supervisor": member(other_plan.zone, Role.SUPERVISOR, "other_supervisor"),
        "other_staff": member(other_plan.zone, Role.STAFF, "other_staff", unit=other_unit),
        "region_viewer": UserFactory(username="region_viewer"),
        "outsider": UserFactory(username="outsider"),
    }
    RegionAccess.objects.create(user=users["region_viewer"], region=zone.region)

    def issue(*targets, by=users["supervisor"]):
        return notices_issue(
            target_ids=[t.pk for t in targets],
            period=Period(2026, 5),
            reply_by=dt.date(2026, 6, 17),
            requirement="请分析滞后原因,提出整改措施,按期书面答复。",
            by=by,
        ).notices[0]

    notices = {
        "econ": issue(investment),
        "finance": issue(revenue),
        "other": issue(other_target, by=users["other_supervisor"]),
    }
    # The items lagged when issued, so an answer says why, what is done and by when
    # (supervision.choices.ANSWER_FIELDS); the steps here go straight to supervision
    # (the unit head's sign-off is tested in test_api_notice_sign_off.py).
    NoticeItem.objects.update(status=Status.LAGGING)
    for each in (zone, other_plan.zone):
        SupervisionSetting.objects.create(zone=each, answer_sign_off=False)
    return SimpleNamespace(
        plan=plan,
        zone=zone,
        econ=econ,
        finance=finance,
        investment=investment,
        projects=projects,
        revenue=revenue,
        other_plan=other_plan,
        other_target=other_target,
        other_free=other_free,
        users=users,
        notices=notices,
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def events(notice) -> list[str]:
    return list(NoticeEvent.objects.filter(notice=notice).order_by("at", "id").values_list("action", flat=True))


def snapshot(notice) -> tuple:
    """Everything a refused request must leave as it was."""
    row = Notice.objects.filter(pk=notice.pk).values().get()
    items = list(NoticeItem.objects.filter(notice=notice).values_list("target_id", "is_open"))
    return row, items, events(notice)


@pytest.fixture
def judged(office):
    """Figures for January to May, judged at May."""
    for month in range(1, 6):
        approved(office.investment, month, 5 * month)  # 25 of 130 by May: seriously lagging
        approved(office.projects, month, 2 * month)  # 10 of 18: on track
        approved(office.revenue, month, D("0.8") * month)  # 4 of 10: lagging
        approved(office.other_target, month, month)  # 5 of 10: on track
    as_of = dt.date(2026, 5, 31)
    targets_recompute(targets=[office.investment, office.projects, office.revenue], plan=office.plan, as_of=as_of)
    targets_recompute(targets=[office.other_target, office.other_free], plan=office.other_plan, as_of=as_of)
    return office


# --- who sees what ---------------------------------------------------------------------------

ROLES = [
    "supervisor",
    "admin",
    "leader",
    "region_viewer",
    "econ_staff",
    "econ_reviewer",
    "finance_staff",
    "other_supervisor",
    "other_staff",
    "outsider",
]
SEES = {
    "supervisor": {"econ", "finance"},
    "admin": {"econ", "finance"},
    "leader": {"econ", "finance"},
    "region_viewer": {"econ", "finance"},
    "econ_staff": {"econ"},
    "econ_reviewer": {"econ"},
    "finance_staff": {"finance"},
    "other_supervisor": {"other"},
    "other_staff": {"other"},
    "outsider": set(),
}
ANSWERS = {"econ": {"econ_staff", "econ_reviewer"}, "finance": {"finance_staff"}, "other": {"other_staff"}}
SUPERVISES = {"econ": {"supervisor", "admin"}, "finance": {"supervisor", "admin"}, "other": {"other_supervisor"}}
STEPS = {
    "answer": ("unit", {"reason": "用地指标未落实", "measures": "协调加快供地", "expected": "2026-07-31"}),
    "request-extension": ("unit", {"until": "2026-06-30", "reason": "等待统计局核定数据"}),
    "grant-extension": ("supervision", {"note": "同意延期"}),
    "refuse-extension": ("supervision", {"note": "请按期答复"}),
    "close": ("supervision", {"note": "整改到位,予以销号"}),
}
AFTER = {
    "answer": NoticeState.ANSWERED,
    "request-extension": NoticeState.EXTENSION_REQUESTED,
    "grant-extension": NoticeState.ISSUED,
    "refuse-extension": NoticeState.ISSUED,
    "close": NoticeState.CLOSED,
}


@pytest.mark.parametrize("role", ROLES)
def test_matrix_the_list_holds_exactly_the_notices_the_role_may_see(office, role):
    response = api(office.users[role]).get("/api/v1/notices/")
    assert response.status_code == 200
    expected = {office.notices[name].pk for name in SEES[role]}
    assert {row["id"] for row in response.json()["results"]} == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("which", ["econ", "finance", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_matrix_a_notice_is_readable_by_whoever_sees_it_and_404_for_everyone_else(office, role, which):
    notice = office.notices[which]
    response = api(office.users[role]).get(f"/api/v1/notices/{notice.pk}/")
    if which in SEES[role]:
        assert response.status_code == 200
        assert response.json()["number"] == notice.number and response.json()["events"][0]["action"] == "issued"
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("which", ["econ", "finance", "other"])
@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("role", ROLES)
def test_matrix_each_step_is_taken_only_by_its_role_403_for_other_readers_404_for_the_rest(office, role, step, which):
    notice = office.notices[which]
    if step in ("grant-extension", "refuse-extension"):
        unit_user = office.users[next(iter(sorted(ANSWERS[which])))]
        notice_extension_request(notice=notice, by=unit_user, until=dt.date(2026, 6, 30), reason="等待数据核定")
    before = snapshot(notice)
    by, body = STEPS[step]
    response = api(office.users[role]).post(f"/api/v1/notices/{notice.pk}/{step}/", body, format="json")
    if which not in SEES[role]:
        expected = 404
    elif role in (ANSWERS if by == "unit" else SUPERVISES)[which]:
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected, response.json()
    if expected == 200:
        assert response.json()["state"] == AFTER[step] == Notice.objects.get(pk=notice.pk).state
    else:
        assert snapshot(notice) == before


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_matrix_only_the_zones_supervision_team_issues_notices(office, role, whose):
    target = office.projects if whose == "own" else office.other_free
    count = Notice.objects.count()
    response = api(office.users[role]).post(
        "/api/v1/notices/",
        {"targets": [target.pk], "period": MAY, "reply_by": "2026-06-20", "requirement": "请加快推进"},
        format="json",
    )
    supervises = {"own": {"supervisor", "admin"}, "other": {"other_supervisor"}}[whose]
    if role in supervises:
        expected = 201
    elif role in ("supervisor", "admin", "other_supervisor"):
        expected = 404  # a supervisor of another zone does not see the target
    else:
        expected = 403  # supervises nothing
    assert response.status_code == expected, response.json()
    assert Notice.objects.count() == count + (1 if expected == 201 else 0)


def test_a_supervisor_who_reads_a_zone_through_its_region_may_not_issue_there(office):
    supervisor = office.users["other_supervisor"]
    RegionAccess.objects.create(user=supervisor, region=office.zone.region)
    assert api(supervisor).get(f"/api/v1/notices/{office.notices['econ'].pk}/").status_code == 200
    response = api(supervisor).post(
        "/api/v1/notices/",
        {"targets": [office.projects.pk], "period": MAY, "reply_by": "2026-06-20", "requirement": "请加快推进"},
        format="json",
    )
    assert response.status_code == 403 and Notice.objects.count() == 3
    close = api(supervisor).post(f"/api/v1/notices/{office.notices['econ'].pk}/close/", {"note": "x"}, format="json")
    assert close.status_code == 403


def test_anonymous_requests_are_asked_to_authenticate(office):
    assert APIClient().get("/api/v1/notices/").status_code == 401
    assert APIClient().post("/api/v1/notices/", {}, format="json").status_code == 401


# --- issuing ---------------------------------------------------------------------------------


def test_issuing_makes_one_numbered_notice_per_lead_unit_and_lists_what_was_left_out(judged):
    office = judged
    notice_close(notice=office.notices["finance"], by=office.users["supervisor"], note="已整改", confirm=True)
    response = api(office.users["supervisor"]).post(
        "/api/v1/notices/",
        {
            "targets": [office.projects.pk, office.revenue.pk, office.investment.pk],
            "period": MAY,
            "reply_by": "2026-06-24",
            "requirement": "  请于6月24日前书面答复。 ",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["skipped"] == [office.investment.pk]  # already in the open econ notice
    by_unit = {row["unit"]: row for row in body["notices"]}
    assert set(by_unit) == {office.econ.pk, office.finance.pk}
    econ = Notice.objects.get(pk=by_unit[office.econ.pk]["id"])
    assert econ.number == "督办〔2026〕3号" and econ.state == NoticeState.ISSUED
    assert (econ.year, econ.month, econ.reply_by) == (2026, 5, dt.date(2026, 6, 24))
    assert econ.requirement == "请于6月24日前书面答复。" and econ.issued_by == office.users["supervisor"]
    assert [item["target"] for item in by_unit[office.econ.pk]["items"]] == [office.projects.pk]
    item = NoticeItem.objects.get(notice=econ)
    assert item.status == "on_track" and "1-5月" in item.explanation and item.is_open
    assert events(econ) == [NoticeAction.ISSUED]
    assert NoticeEvent.objects.get(notice=econ).data["targets"] == [office.projects.pk]


def test_issuing_for_items_all_already_followed_up_is_a_409_and_creates_nothing(office):
    count = Notice.objects.count()
    response = api(office.users["supervisor"]).post(
        "/api/v1/notices/",
        {"targets": [office.investment.pk], "period": MAY, "reply_by": "2026-06-24", "requirement": "再次督办"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["skipped"] == [office.investment.pk] and "固定资产投资" in response.json()["detail"]
    assert Notice.objects.count() == count


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"targets": []}, "targets"),
        ({"targets": ["x"]}, "targets"),
        ({"period": "2026-13"}, "period"),
        ({"period": "2025-12"}, "period"),  # outside the plan
        ({"reply_by": "2026-06-09"}, "reply_by"),  # in the past
        ({"reply_by": "17/06/2026"}, "reply_by"),
        ({"requirement": "   "}, "requirement"),
        ({"requirement": "a\x00b"}, "requirement"),
        ({"requirement": "长" * 4001}, "requirement"),
    ],
)
def test_bad_input_to_issue_is_a_400_naming_the_field_and_changes_nothing(office, change, field):
    body = {"targets": [office.projects.pk], "period": MAY, "reply_by": "2026-06-20", "requirement": "请加快推进"}
    body.update(change)
    count, events_count = Notice.objects.count(), NoticeEvent.objects.count()
    response = api(office.users["supervisor"]).post("/api/v1/notices/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert (Notice.objects.count(), NoticeEvent.objects.count()) == (count, events_count)


def test_a_target_without_a_lead_unit_is_refused_with_the_services_message(office):
    orphan = TargetFactory(task=TaskFactory(plan=office.plan, lead_unit=None), indicator="无牵头单位指标")
    response = api(office.users["supervisor"]).post(
        "/api/v1/notices/",
        {"targets": [orphan.pk], "period": MAY, "reply_by": "2026-06-20", "requirement": "请加快推进"},
        format="json",
    )
    assert response.status_code == 400 and "无牵头单位指标" in str(response.json()["targets"])
    assert Notice.objects.count() == 3


# --- the unit's steps ------------------------------------------------------------------------


def test_the_unit_answers_and_the_answer_and_its_log_entry_are_stored(office):
    notice = office.notices["econ"]
    response = api(office.users["econ_reviewer"]).post(
        f"/api/v1/notices/{notice.pk}/answer/",
        {"reason": "二期用地未落实", "measures": "已协调供地", "expected": "2026-07-31"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["actions"] == []  # nothing left for the unit; supervision closes
    notice.refresh_from_db()
    assert notice.state == NoticeState.ANSWERED and not notice.overdue
    assert (notice.answer_reason, notice.answer_measures) == ("二期用地未落实", "已协调供地")
    assert notice.answer_expected == dt.date(2026, 7, 31) and notice.answered_by == office.users["econ_reviewer"]
    assert events(notice) == [NoticeAction.ISSUED, NoticeAction.ANSWERED]
    event = NoticeEvent.objects.get(notice=notice, action=NoticeAction.ANSWERED)
    assert event.by == office.users["econ_reviewer"] and event.data == {
        "expected": "2026-07-31",
        "late": False,
        "kind": "lagging",
        "signed_off": False,
    }
    closing = api(office.users["supervisor"]).get(f"/api/v1/notices/{notice.pk}/")
    assert closing.json()["actions"] == ["close"] and closing.json()["answered_by"] == "econ_reviewer"


def test_an_answer_after_the_reply_date_marks_the_notice_answered_late(office, monkeypatch):
    notice = office.notices["econ"]
    monkeypatch.setattr("core.clock.today", lambda: dt.date(2026, 6, 20))
    response = api(office.users["econ_staff"]).post(
        f"/api/v1/notices/{notice.pk}/answer/",
        {"reason": "原因", "measures": "措施", "expected": "2026-07-31"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["overdue"] is True
    assert Notice.objects.get(pk=notice.pk).overdue


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"measures": "措施", "expected": "2026-07-31"}, "reason"),
        ({"reason": " ", "measures": "措施", "expected": "2026-07-31"}, "reason"),
        ({"reason": "原因", "measures": "", "expected": "2026-07-31"}, "measures"),
        ({"reason": "原因", "measures": "措施"}, "expected"),
        ({"reason": "原因", "measures": "措施", "expected": "2026-06-01"}, "expected"),  # in the past
        ({"reason": "原因", "measures": "措施", "expected": "明天"}, "expected"),
    ],
)
def test_bad_input_to_an_answer_is_a_400_naming_the_field_and_changes_nothing(office, body, field):
    notice = office.notices["econ"]
    before = snapshot(notice)
    response = api(office.users["econ_staff"]).post(f"/api/v1/notices/{notice.pk}/answer/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert snapshot(notice) == before


def test_the_unit_asks_for_an_extension_and_supervision_sees_it_to_decide(office):
    notice = office.notices["econ"]
    response = api(office.users["econ_staff"]).post(
        f"/api/v1/notices/{notice.pk}/request-extension/",
        {"until": "2026-06-30", "reason": "等待统计局核定"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["actions"] == ["answer"]
    notice.refresh_from_db()
    assert notice.state == NoticeState.EXTENSION_REQUESTED
    assert (notice.extension_until, notice.extension_reason) == (dt.date(2026, 6, 30), "等待统计局核定")
    assert notice.reply_by == dt.date(2026, 6, 17)  # unchanged until supervision decides
    assert NoticeEvent.objects.get(notice=notice, action=NoticeAction.EXTENSION_REQUESTED).data == {
        "until": "2026-06-30"
    }
    detail = api(office.users["supervisor"]).get(f"/api/v1/notices/{notice.pk}/").json()
    assert detail["actions"] == ["grant-extension", "refuse-extension"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"until": "2026-06-17", "reason": "原因"}, "until"),  # not after the reply date
        ({"until": "2026-06-30", "reason": ""}, "reason"),
        ({"reason": "原因"}, "until"),
    ],
)
def test_bad_input_to_an_extension_request_is_a_400_and_changes_nothing(office, body, field):
    notice = office.notices["econ"]
    before = snapshot(notice)
    response = api(office.users["econ_staff"]).post(
        f"/api/v1/notices/{notice.pk}/request-extension/", body, format="json"
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    assert snapshot(notice) == before


# --- supervision's steps ---------------------------------------------------------------------


@pytest.fixture
def asked(office):
    """The econ notice with an extension asked until 2026-06-30."""
    notice = office.notices["econ"]
    notice_extension_request(notice=notice, by=office.users["econ_staff"], until=dt.date(2026, 6, 30), reason="等数")
    notice.refresh_from_db()
    return notice


def test_granting_an_extension_moves_the_reply_date_and_restarts_the_escalation(office, asked):
    Notice.objects.filter(pk=asked.pk).update(level=NoticeLevel.REMINDED, reminded_at=timezone.now())
    response = api(office.users["admin"]).post(
        f"/api/v1/notices/{asked.pk}/grant-extension/", {"note": "同意"}, format="json"
    )
    assert response.status_code == 200
    asked.refresh_from_db()
    assert asked.state == NoticeState.ISSUED and asked.reply_by == dt.date(2026, 6, 30)
    assert asked.level == NoticeLevel.NORMAL and asked.reminded_at is None
    event = NoticeEvent.objects.get(notice=asked, action=NoticeAction.EXTENSION_GRANTED)
    assert event.by == office.users["admin"] and event.text == "同意"
    assert event.data == {"reply_by": ["2026-06-17", "2026-06-30"]}


def test_a_grant_needs_no_note(office, asked):
    response = api(office.users["supervisor"]).post(f"/api/v1/notices/{asked.pk}/grant-extension/", {}, format="json")
    assert response.status_code == 200 and response.json()["reply_by"] == "2026-06-30"


def test_refusing_an_extension_keeps_the_reply_date_and_records_why(office, asked):
    response = api(office.users["supervisor"]).post(
        f"/api/v1/notices/{asked.pk}/refuse-extension/", {"note": "原因分析不需等数据"}, format="json"
    )
    assert response.status_code == 200
    asked.refresh_from_db()
    assert asked.state == NoticeState.ISSUED and asked.reply_by == dt.date(2026, 6, 17)
    assert NoticeEvent.objects.get(notice=asked, action=NoticeAction.EXTENSION_REFUSED).text == "原因分析不需等数据"


def test_a_refusal_without_a_note_is_a_400_and_changes_nothing(office, asked):
    before = snapshot(asked)
    response = api(office.users["supervisor"]).post(
        f"/api/v1/notices/{asked.pk}/refuse-extension/", {"note": "  "}, format="json"
    )
    assert response.status_code == 400 and "note" in response.json()
    assert snapshot(asked) == before


def test_closing_a_notice_frees_its_targets_for_a_new_notice(office):
    notice = office.notices["econ"]
    notice_answer(
        notice=notice, by=office.users["econ_staff"], reason="原因", measures="措施", expected=dt.date(2026, 7, 31)
    )
    supervisor = api(office.users["supervisor"])
    response = supervisor.post(f"/api/v1/notices/{notice.pk}/close/", {"note": "整改到位"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    notice.refresh_from_db()
    assert notice.close_note == "整改到位" and notice.closed_by == office.users["supervisor"]
    assert not NoticeItem.objects.get(notice=notice).is_open
    assert events(notice)[-1] == NoticeAction.CLOSED
    again = supervisor.post(
        "/api/v1/notices/",
        {"targets": [office.investment.pk], "period": MAY, "reply_by": "2026-06-24", "requirement": "再次督办"},
        format="json",
    )
    assert again.status_code == 201 and again.json()["skipped"] == []


def test_a_close_without_a_note_is_a_400_and_changes_nothing(office):
    notice = office.notices["econ"]
    before = snapshot(notice)
    response = api(office.users["supervisor"]).post(f"/api/v1/notices/{notice.pk}/close/", {}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    assert snapshot(notice) == before


@pytest.mark.parametrize(
    ("state", "step", "role"),
    [
        ("closed", "answer", "econ_staff"),
        ("closed", "close", "supervisor"),
        ("answered", "answer", "econ_staff"),
        ("answered", "request-extension", "econ_staff"),
        ("issued", "grant-extension", "supervisor"),
        ("issued", "refuse-extension", "supervisor"),
        ("extension", "request-extension", "econ_staff"),
        ("extension", "close", "supervisor"),
    ],
)
def test_a_step_the_state_does_not_allow_is_a_409_and_changes_nothing(office, state, step, role):
    notice = office.notices["econ"]
    staff, supervisor = office.users["econ_staff"], office.users["supervisor"]
    if state in ("answered", "closed"):
        notice_answer(notice=notice, by=staff, reason="原因", measures="措施", expected=dt.date(2026, 7, 31))
    if state == "closed":
        notice_close(notice=notice, by=supervisor, note="销号")
    if state == "extension":
        notice_extension_request(notice=notice, by=staff, until=dt.date(2026, 6, 30), reason="等数")
    before = snapshot(notice)
    response = api(office.users[role]).post(f"/api/v1/notices/{notice.pk}/{step}/", STEPS[step][1], format="json")
    assert response.status_code == 409
    assert response.json()["state"] == state and response.json()["detail"]
    assert snapshot(notice) == before


def test_the_state_is_checked_before_the_input(office):
    notice = office.notices["econ"]
    notice_close(notice=notice, by=office.users["supervisor"], note="销号")
    response = api(office.users["econ_staff"]).post(f"/api/v1/notices/{notice.pk}/answer/", {}, format="json")
    assert response.status_code == 409


# --- filters, ordering, pagination -----------------------------------------------------------


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_the_list_filters_by_state_unit_target_level_dates_and_period(office):
    supervisor = api(office.users["supervisor"])
    econ, finance = office.notices["econ"], office.notices["finance"]
    notice_close(notice=finance, by=office.users["supervisor"], note="销号")
    Notice.objects.filter(pk=econ.pk).update(level=NoticeLevel.REMINDED, reminded_at=timezone.now(), overdue=True)
    get = lambda **params: set(ids(supervisor.get("/api/v1/notices/", params)))  # noqa: E731
    assert get() == {econ.pk, finance.pk}
    assert get(state="open") == {econ.pk}
    assert get(state="closed") == {finance.pk}
    assert get(unit=office.finance.pk) == {finance.pk}
    assert get(target=office.investment.pk) == {econ.pk}
    assert get(level=1) == {econ.pk} and get(level=0) == {finance.pk}
    assert get(overdue="true") == {econ.pk}
    assert get(plan=office.other_plan.pk) == set()  # not visible: matches nothing
    assert get(year=2026, month=5) == {econ.pk, finance.pk} and get(month=4) == set()
    assert get(reply_by_after="2026-06-17", reply_by_before="2026-06-17") == {econ.pk, finance.pk}
    assert get(reply_by_after="2026-06-18") == set()


@pytest.mark.parametrize(
    "params", [{"state": "bogus"}, {"level": 7}, {"unit": "x"}, {"month": 13}, {"reply_by_after": "soon"}]
)
def test_bad_filter_values_are_a_400(office, params):
    response = api(office.users["supervisor"]).get("/api/v1/notices/", params)
    assert response.status_code == 400 and set(params) <= set(response.json())


def test_the_list_is_ordered_most_urgent_first_and_by_the_ordering_parameter(office):
    econ, finance = office.notices["econ"], office.notices["finance"]
    Notice.objects.filter(pk=finance.pk).update(level=NoticeLevel.RED, reminded_at=timezone.now())
    Notice.objects.filter(pk=econ.pk).update(reply_by=dt.date(2026, 6, 12))
    supervisor = api(office.users["supervisor"])
    assert ids(supervisor.get("/api/v1/notices/")) == [finance.pk, econ.pk]
    assert ids(supervisor.get("/api/v1/notices/", {"ordering": "reply_by"})) == [econ.pk, finance.pk]
    assert ids(supervisor.get("/api/v1/notices/", {"ordering": "-id"})) == [finance.pk, econ.pk]


def test_the_list_is_paginated(office, settings):
    supervisor = office.users["supervisor"]
    targets = [TargetFactory(task=office.investment.task, indicator=f"指标{n}", order=10 + n) for n in range(55)]
    for target in targets:
        notices_issue(
            target_ids=[target.pk], period=Period(2026, 5), reply_by=dt.date(2026, 6, 20),
            requirement="请加快", by=supervisor,
        )  # fmt: skip
    first = api(supervisor).get("/api/v1/notices/").json()
    assert first["count"] == 57 and len(first["results"]) == 50 and first["next"]
    second = api(supervisor).get("/api/v1/notices/", {"page": 2}).json()
    assert len(second["results"]) == 7 and not (
        {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    )
    assert api(supervisor).get("/api/v1/notices/", {"page": 3}).status_code == 404


# --- results: the supervision pages' FilterSet ---------------------------------------------------


def result_ids(user, **params) -> set[int]:
    response = api(user).get("/api/v1/results/", params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def page_ids(user, **params) -> set[int]:
    return {result.pk for result in SupervisionFilterSet(params, user=user).qs}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"list": "flagged"},
        {"list": "serious"},
        {"list": "lagging"},
        {"list": "unsubmitted"},
        {"period": "2026-03", "list": "flagged"},
        {"status": ["lagging", "on_track"]},
        {"kind": "amount", "q": "投资"},
        {"list": "flagged", "unit": "finance"},
    ],
)
@pytest.mark.parametrize("role", ["supervisor", "econ_staff", "leader"])
def test_results_are_the_rows_of_the_supervision_pages(judged, role, params):
    office = judged
    if params.get("unit") == "finance":
        params = {**params, "unit": office.finance.pk}
    user = office.users[role]
    assert result_ids(user, **params) == page_ids(user, **params)


def test_results_answer_what_needs_supervision_at_the_newest_period(judged):
    office = judged
    rows = api(office.users["supervisor"]).get("/api/v1/results/", {"list": "flagged"}).json()["results"]
    assert [(r["target"], r["month"], r["status"]) for r in rows] == [
        (office.investment.pk, 5, "serious"),
        (office.revenue.pk, 5, "lagging"),
    ]
    assert "1-5月" in rows[0]["explanation"]
    staff_rows = api(office.users["econ_staff"]).get("/api/v1/results/", {"list": "flagged"}).json()["results"]
    assert [r["target"] for r in staff_rows] == [office.investment.pk]


def test_results_keep_their_earlier_parameters(judged):
    office = judged
    supervisor = office.users["supervisor"]
    march = TargetResult.objects.filter(year=2026, month=3, target__task__plan=office.plan)
    assert result_ids(supervisor, year=2026, month=3) == set(march.values_list("pk", flat=True))
    assert result_ids(supervisor, month=3) == set(march.values_list("pk", flat=True))
    only = result_ids(supervisor, target=office.revenue.pk)
    assert only == {TargetResult.objects.get(target=office.revenue, year=2026, month=5).pk}
    assert result_ids(supervisor, target=office.other_target.pk) == set()


def test_a_result_of_any_period_is_readable_by_id_within_the_scope(judged):
    office = judged
    march = TargetResult.objects.get(target=office.investment, year=2026, month=3)
    assert api(office.users["econ_staff"]).get(f"/api/v1/results/{march.pk}/").json()["month"] == 3
    other = TargetResult.objects.get(target=office.other_target, year=2026, month=5)
    assert api(office.users["econ_staff"]).get(f"/api/v1/results/{other.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2031-02"}, "period"),
        ({"list": "everything"}, "list"),
        ({"status": "green"}, "status"),
        ({"plan": "other"}, "plan"),
        ({"month": 13}, "month"),
        ({"target": 0}, "target"),
    ],
)
def test_bad_result_filters_are_a_400_naming_the_parameter(judged, params, field):
    office = judged
    if params.get("plan") == "other":
        params = {"plan": office.other_plan.pk}  # not in view: not a valid choice
    response = api(office.users["supervisor"]).get("/api/v1/results/", params)
    assert response.status_code == 400 and field in response.json(), response.json()
