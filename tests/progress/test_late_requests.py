"""Late-report requests (补报申请): the unit's staff ask to report a closed month
late, the zone office grants (the month reopens for the unit through a recorded
reopening) or refuses with a reason; each step is recorded and told to the staff."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import OutgoingMail
from plans.periods import Period, PeriodState
from progress.choices import LateRequestStatus, ReportStatus
from progress.engine.tasks import recompute_target
from progress.models import LateReportRequest, PeriodReopening, Report
from progress.selectors import (
    closed_months_to_report,
    effective_period_state,
    late_request_decisions,
    late_requests_visible_to,
    late_requests_waiting,
    period_rows,
    rows_reporting,
)
from progress.services import (
    LateRequestConflict,
    RowInput,
    late_request_create,
    late_request_grant,
    late_request_refuse,
    reports_approve,
    unit_period_save,
)
from targets.choices import ReportingStatus
from targets.models import TargetResult
from tests.factories import MembershipFactory, ReportFactory, UserFactory, ZoneFactory
from zones.choices import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 20)  # March locked on 16 April; April open
MARCH = Period(2026, 3)


@pytest.fixture(autouse=True)
def clock():
    """The app's clock at TODAY, 09:00; ``clock.move(day)`` moves it."""

    class Clock:
        def move(self, day: dt.date) -> None:
            self.today = day
            self.now = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))

    fixed = Clock()
    fixed.move(TODAY)
    with mock.patch("core.clock.today", lambda: fixed.today), mock.patch("core.clock.now", lambda: fixed.now):
        yield fixed


@pytest.fixture
def office(desk):
    """The desk with e-mail addresses, a zone administrator (the zone office) and
    one of another zone."""
    for user in (desk.staff, desk.reviewer, desk.other_staff):
        user.email = f"{user.username}@example.cn"
        user.save()
    desk.admin = MembershipFactory(
        unit=None, zone=desk.plan.zone, role=Role.ADMIN, user=UserFactory(username="zone_admin")
    ).user
    desk.foreign_admin = MembershipFactory(
        unit=None, zone=ZoneFactory(), role=Role.ADMIN, user=UserFactory(username="foreign")
    ).user
    desk.colleague = MembershipFactory(
        unit=desk.unit, role=Role.STAFF, user=UserFactory(username="colleague", email="colleague@example.cn")
    ).user
    return desk


def ask(desk, period=MARCH, reason="统计局数据4月18日才核定", by=None):
    return late_request_create(plan=desk.plan, unit=desk.unit, period=period, reason=reason, by=by or desk.staff)


def test_staff_ask_to_report_a_closed_month_late_and_the_request_is_recorded(office):
    request = ask(office)
    assert request.status == LateRequestStatus.PENDING
    assert (request.requested_by, request.reason) == (office.staff, "统计局数据4月18日才核定")
    assert request.requested_at.date() == TODAY and request.decided_at is None
    assert list(late_requests_waiting(office.admin)) == [request]
    assert not late_requests_waiting(office.foreign_admin).exists()
    # Asking changes nothing about the month: it stays closed until the zone office grants it.
    assert effective_period_state(plan=office.plan, unit=office.unit, period=MARCH, today=TODAY) is PeriodState.LOCKED


@pytest.mark.parametrize(
    ("period", "reason", "error"),
    [
        (MARCH, "  ", ValidationError),  # no reason
        (MARCH, "a\x00b", ValidationError),  # a character no file can carry
        (MARCH, "长" * 2001, ValidationError),
        (Period(2026, 4), "想补报", LateRequestConflict),  # April is open: enter it
        (Period(2026, 6), "想补报", LateRequestConflict),  # June has not begun
        (Period(2025, 12), "想补报", ValidationError),  # not a month of the plan
    ],
)
def test_a_request_without_a_reason_or_for_a_month_that_is_not_closed_is_refused(office, period, reason, error):
    with pytest.raises(error):
        ask(office, period=period, reason=reason)
    assert not LateReportRequest.objects.exists()


def test_only_the_units_reporting_staff_ask(office):
    for outsider in (office.other_staff, office.reviewer, office.admin):
        with pytest.raises(PermissionDenied):
            ask(office, by=outsider)
    assert not LateReportRequest.objects.exists()


def test_a_second_request_for_the_same_month_waits_for_the_first(office):
    ask(office)
    with pytest.raises(LateRequestConflict, match="已有补报申请"):
        ask(office, by=office.colleague, reason="再次申请")
    assert LateReportRequest.objects.count() == 1


def test_a_month_whose_every_target_was_submitted_has_nothing_to_report_late(office):
    for target in (office.amount, office.growth, office.count):
        ReportFactory(
            target=target,
            year=2026,
            month=3,
            status=ReportStatus.APPROVED,
            submitted_at=timezone.now(),
            approved_at=timezone.now(),
        )
    with pytest.raises(LateRequestConflict, match="无需补报"):
        ask(office)


def test_the_zone_office_grants_and_the_month_opens_for_that_unit_only_through_a_recorded_reopening(office):
    request = ask(office)
    granted = late_request_grant(request=request, by=office.admin, until=dt.date(2026, 4, 27), note="同意补报")
    granted.refresh_from_db()
    assert granted.status == LateRequestStatus.GRANTED
    assert (granted.decided_by, granted.decision_note, granted.until) == (
        office.admin,
        "同意补报",
        dt.date(2026, 4, 27),
    )
    reopening = PeriodReopening.objects.get()
    assert granted.reopening == reopening
    assert (reopening.unit, reopening.year, reopening.month, reopening.until) == (office.unit, 2026, 3, granted.until)
    assert reopening.by == office.admin and reopening.reason == request.reason
    assert effective_period_state(plan=office.plan, unit=office.unit, period=MARCH, today=TODAY) is PeriodState.OPEN
    other = effective_period_state(plan=office.plan, unit=office.other_unit, period=MARCH, today=TODAY)
    assert other is PeriodState.LOCKED
    assert not late_requests_waiting(office.admin).exists()


def test_the_staff_are_told_of_the_decision_by_mail_through_the_outbox(office):
    request = ask(office)
    late_request_grant(request=request, by=office.admin, until=dt.date(2026, 4, 27))
    mails = OutgoingMail.objects.order_by("to")
    assert [mail.to for mail in mails] == ["colleague@example.cn", "staff@example.cn"]  # not the other unit
    assert all(mail.sent_at is None for mail in mails)  # queued, never sent in the request
    assert "2026-04-27" in mails[0].subject and f"/progress/late-requests/{request.pk}/" in mails[0].body
    assert [r.pk for r in late_request_decisions(office.staff, today=TODAY)] == [request.pk]
    assert not late_request_decisions(office.other_staff, today=TODAY).exists()


def test_only_the_zone_office_decides(office):
    request = ask(office)
    for outsider in (office.staff, office.reviewer, office.foreign_admin):
        with pytest.raises(PermissionDenied):
            late_request_grant(request=request, by=outsider, until=dt.date(2026, 4, 27))
        with pytest.raises(PermissionDenied):
            late_request_refuse(request=request, by=outsider, reason="不同意")
    request.refresh_from_db()
    assert request.status == LateRequestStatus.PENDING
    assert not PeriodReopening.objects.exists() and not OutgoingMail.objects.exists()


def test_a_grant_until_a_past_day_is_refused_and_changes_nothing(office):
    request = ask(office)
    with pytest.raises(ValidationError) as refused:
        late_request_grant(request=request, by=office.admin, until=dt.date(2026, 4, 19))
    assert "until" in refused.value.message_dict
    request.refresh_from_db()
    assert request.status == LateRequestStatus.PENDING and not PeriodReopening.objects.exists()


def test_a_refusal_needs_a_reason_keeps_the_month_closed_and_the_staff_may_ask_again(office):
    request = ask(office)
    with pytest.raises(ValidationError):
        late_request_refuse(request=request, by=office.admin, reason=" ")
    refused = late_request_refuse(request=request, by=office.admin, reason="数据已由统计局直接报送,无需补报")
    assert refused.status == LateRequestStatus.REFUSED
    assert refused.decision_note == "数据已由统计局直接报送,无需补报" and refused.decided_by == office.admin
    assert effective_period_state(plan=office.plan, unit=office.unit, period=MARCH, today=TODAY) is PeriodState.LOCKED
    assert "数据已由统计局直接报送" in OutgoingMail.objects.get(to="staff@example.cn").body
    with pytest.raises(LateRequestConflict, match="该申请已处理"):
        late_request_grant(request=request, by=office.admin, until=dt.date(2026, 4, 27))
    assert ask(office, reason="补充说明后再次申请").status == LateRequestStatus.PENDING


def test_the_requests_are_seen_by_the_unit_and_the_zone_not_by_other_units_or_zones(office):
    request = ask(office)
    for user in (office.staff, office.colleague, office.reviewer, office.admin):
        assert list(late_requests_visible_to(user)) == [request], user
    for user in (office.other_staff, office.foreign_admin):
        assert not late_requests_visible_to(user).exists(), user


def test_the_closed_months_with_something_to_report_are_where_staff_ask(office):
    ReportFactory(
        target=office.amount,
        year=2026,
        month=2,
        status=ReportStatus.APPROVED,
        submitted_at=timezone.now(),
        approved_at=timezone.now(),
    )
    months = closed_months_to_report(plan=office.plan, unit=office.unit, today=TODAY)
    assert [(str(m.period), m.unreported, m.request) for m in months] == [
        ("2026-03", 3, None),
        ("2026-02", 2, None),
        ("2026-01", 3, None),
    ]
    request = ask(office)
    months = closed_months_to_report(plan=office.plan, unit=office.unit, today=TODAY)
    assert months[0].request == request
    late_request_grant(request=request, by=office.admin, until=dt.date(2026, 4, 27))
    months = closed_months_to_report(plan=office.plan, unit=office.unit, today=TODAY)
    assert [str(m.period) for m in months] == ["2026-02", "2026-01"]  # March is open again


def test_a_month_reported_under_a_granted_request_reads_reported_late_from_the_engine(office):
    """补报 end to end: asked, granted, submitted, approved, recomputed by the worker."""
    request = ask(office)
    late_request_grant(request=request, by=office.admin, until=dt.date(2026, 4, 27))
    rows = [RowInput(t.pk, "1", progress="补报三月数据") for t in (office.amount, office.growth, office.count)]
    result = unit_period_save(plan=office.plan, unit=office.unit, period=MARCH, rows=rows, by=office.staff, submit=True)
    assert result.ok and result.submitted == 3
    reports = list(Report.objects.filter(year=2026, month=3))
    due = [
        c.status
        for c in rows_reporting(
            period_rows(plan=office.plan, unit=office.unit, period=MARCH), plan=office.plan, period=MARCH, today=TODAY
        )
    ]
    assert due == [ReportingStatus.PENDING]
    reports_approve(reports=reports, by=office.reviewer)
    for report in reports:  # what the worker does with the recompute the approval queued
        recompute_target(report.target_id)
    march = TargetResult.objects.filter(year=2026, month=3).values_list("reporting", flat=True)
    assert set(march) == {ReportingStatus.LATE}
    counts = rows_reporting(
        period_rows(plan=office.plan, unit=office.unit, period=MARCH), plan=office.plan, period=MARCH, today=TODAY
    )
    assert [(c.status, c.count) for c in counts] == [(ReportingStatus.LATE, 3)]
