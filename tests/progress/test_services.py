"""Saving, submitting, reviewing and correcting reports, with their history."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from plans.periods import Period
from progress.choices import ReportStatus
from progress.models import PeriodReopening, Report, ReportEvent
from progress.services import (
    PeriodClosed,
    RowInput,
    StaleVersion,
    period_reopen,
    report_correct,
    reports_approve,
    reports_return,
    unit_period_save,
)
from tests.factories import MembershipFactory
from zones.choices import Role


def save(desk, rows, *, by=None, submit=False, today=None, period=None):
    return unit_period_save(
        plan=desk.plan,
        unit=desk.unit,
        period=period or desk.period,
        rows=rows,
        by=by or desk.staff,
        submit=submit,
        today=today or desk.today,
    )


def full_rows(desk, versions=None):
    versions = versions or {}
    return [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元", version=versions.get(desk.amount.pk)),
        RowInput(desk.growth.pk, "14.2", progress="增速回落", version=versions.get(desk.growth.pk)),
        RowInput(desk.count.pk, "5", progress="新开工5个", version=versions.get(desk.count.pk)),
    ]


def test_a_partial_draft_is_saved_and_recorded(desk):
    result = save(desk, [RowInput(desk.amount.pk, "3.2亿", progress="推进中")])
    assert result.ok and result.saved == 1
    report = Report.objects.get(target=desk.amount, year=2026, month=3)
    assert (report.value, report.status, report.version) == (Decimal("3.2"), ReportStatus.DRAFT, 1)
    event = ReportEvent.objects.get(report=report)
    assert event.action == "saved" and event.by == desk.staff
    assert event.changes["value"] == [None, "3.2"]


def test_submitting_needs_every_row_with_a_value_and_progress(desk):
    result = save(desk, [RowInput(desk.amount.pk, "32.5", progress="x")], submit=True)
    assert not result.ok
    assert set(result.errors) == {desk.growth.pk, desk.count.pk}
    assert not Report.objects.exists()


def test_a_refused_figure_saves_nothing_at_all(desk):
    rows = [RowInput(desk.amount.pk, "32.5"), RowInput(desk.count.pk, "很多")]
    result = save(desk, rows)
    assert result.errors[desk.count.pk]["value"]
    assert not Report.objects.exists()


def test_submit_then_approve_locks_the_report(desk):
    assert save(desk, full_rows(desk), submit=True).submitted == 3
    reports = list(Report.objects.filter(status=ReportStatus.SUBMITTED))
    assert reports_approve(reports=reports, by=desk.reviewer) == 3
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}
    versions = dict(Report.objects.values_list("target_id", "version"))
    result = save(desk, full_rows(desk, versions))  # approved rows are not editable
    assert result.saved == 0
    assert Report.objects.get(target=desk.amount).value == Decimal("32.5")


def test_a_return_needs_a_reason_which_the_history_keeps_and_resubmission_goes_back(desk):
    save(desk, full_rows(desk), submit=True)
    report = Report.objects.get(target=desk.amount)
    with pytest.raises(ValidationError):
        reports_return(reports=[report], by=desk.reviewer, reason="  ")
    reports_return(reports=[report], by=desk.reviewer, reason="与统计局数据不符,请核实")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "与统计局数据不符,请核实"
    assert ReportEvent.objects.filter(report=report, action="returned", comment__contains="统计局").exists()
    result = save(desk, [RowInput(desk.amount.pk, "31.8", progress="已核实", version=report.version)], submit=True)
    assert result.ok and result.submitted == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.value == Decimal("31.8")


def test_a_stale_save_is_refused_with_what_changed_and_saves_nothing(desk):
    save(desk, [RowInput(desk.amount.pk, "10", progress="a")])
    colleague = MembershipFactory(unit=desk.unit, role=Role.STAFF).user
    save(desk, [RowInput(desk.amount.pk, "12", progress="b", version=1)], by=colleague)
    with pytest.raises(StaleVersion) as refused:
        save(desk, [RowInput(desk.amount.pk, "15", progress="c", version=1)])
    conflict = refused.value.conflicts[0]
    assert conflict.their_value == Decimal(12) and conflict.version == 2
    assert Report.objects.get(target=desk.amount).value == Decimal(12)


def test_staff_cannot_enter_for_another_unit(desk):
    with pytest.raises(PermissionDenied):
        save(desk, [RowInput(desk.amount.pk, "1")], by=desk.other_staff)
    with pytest.raises(PermissionDenied):  # naming another unit's target in the form
        save(desk, [RowInput(desk.other_target.pk, "1")])
    assert not Report.objects.exists()


def test_a_reviewer_of_another_unit_cannot_approve(desk):
    save(desk, full_rows(desk), submit=True)
    outsider = MembershipFactory(unit=desk.other_unit, role=Role.REVIEWER).user
    with pytest.raises(PermissionDenied):
        reports_approve(reports=list(Report.objects.all()), by=outsider)
    assert not Report.objects.filter(status=ReportStatus.APPROVED).exists()


def test_a_closed_or_future_period_refuses_entry_until_reopened(desk):
    late = dt.date(2026, 4, 20)
    with pytest.raises(PeriodClosed):
        save(desk, [RowInput(desk.amount.pk, "1")], today=late)
    with pytest.raises(PeriodClosed):
        save(desk, [RowInput(desk.amount.pk, "1")], period=Period(2026, 6))
    admin = MembershipFactory(unit=None, zone=desk.plan.zone, role=Role.ADMIN).user
    with pytest.raises(PermissionDenied):
        period_reopen(plan=desk.plan, unit=desk.unit, period=desk.period, by=desk.staff, reason="x", until=late)
    from unittest import mock

    with mock.patch("core.clock.today", return_value=late):
        period_reopen(
            plan=desk.plan,
            unit=desk.unit,
            period=desk.period,
            by=admin,
            reason="统计数据延迟",
            until=dt.date(2026, 4, 25),
        )
    assert PeriodReopening.objects.get().reason == "统计数据延迟"
    assert save(desk, [RowInput(desk.amount.pk, "1")], today=late).saved == 1
    with pytest.raises(PeriodClosed):  # the other unit stays closed
        unit_period_save(
            plan=desk.plan,
            unit=desk.other_unit,
            period=desk.period,
            by=desk.other_staff,
            rows=[RowInput(desk.other_target.pk, "1")],
            today=late,
        )


def test_a_correction_of_an_approved_report_needs_a_reason_and_is_recorded(desk):
    save(desk, full_rows(desk), submit=True)
    reports_approve(reports=list(Report.objects.all()), by=desk.reviewer)
    report = Report.objects.get(target=desk.amount)
    with pytest.raises(ValidationError):
        report_correct(report=report, by=desk.reviewer, raw_value="33", reason="", version=report.version)
    with pytest.raises(PermissionDenied):
        report_correct(report=report, by=desk.staff, raw_value="33", reason="笔误", version=report.version)
    report_correct(report=report, by=desk.reviewer, raw_value="33", reason="统计局反馈更正", version=report.version)
    report.refresh_from_db()
    assert report.value == Decimal(33) and report.status == ReportStatus.APPROVED
    event = ReportEvent.objects.get(report=report, action="corrected")
    assert event.changes["value"] == ["32.5000", "33"] or event.changes["value"][1] == "33"
    assert event.comment == "统计局反馈更正"


def test_an_implausible_correction_is_refused_until_confirmed(desk):
    """More than twice the annual target (130亿元) needs the confirmation an entered figure needs."""
    save(desk, full_rows(desk), submit=True)
    reports_approve(reports=list(Report.objects.all()), by=desk.reviewer)
    report = Report.objects.get(target=desk.amount)
    with pytest.raises(ValidationError) as refused:
        report_correct(report=report, by=desk.reviewer, raw_value="300", reason="统计局反馈", version=report.version)
    assert set(refused.value.message_dict) == {"confirmed"}
    report.refresh_from_db()
    assert (report.value, report.version) == (Decimal("32.5"), 2)
    assert not ReportEvent.objects.filter(report=report, action="corrected").exists()
    report_correct(
        report=report, by=desk.reviewer, raw_value="300", reason="统计局反馈", version=report.version, confirmed=True
    )
    report.refresh_from_db()
    assert report.value == Decimal(300)


def test_untouched_rows_create_no_empty_drafts(desk):
    rows = [RowInput(desk.amount.pk, "5"), RowInput(desk.growth.pk, ""), RowInput(desk.count.pk, "")]
    assert save(desk, rows).saved == 1
    assert list(Report.objects.values_list("target_id", flat=True)) == [desk.amount.pk]


def test_the_approver_must_not_be_the_submitter(desk):
    """Separation of duties, on by default: one person holding both roles of a unit submits,
    and someone else approves."""
    both = MembershipFactory(unit=desk.unit, role=Role.STAFF).user
    MembershipFactory(user=both, unit=desk.unit, role=Role.REVIEWER)
    save(desk, full_rows(desk), by=both, submit=True)
    reports = list(Report.objects.all())
    with pytest.raises(PermissionDenied) as refused:
        reports_approve(reports=reports, by=both)
    assert "固定资产投资" in str(refused.value)  # the message names the report
    assert not Report.objects.filter(status=ReportStatus.APPROVED).exists()
    assert reports_approve(reports=reports, by=desk.reviewer) == 3


def test_a_zone_may_turn_separation_of_duties_off(desk):
    desk.plan.zone.separation_of_duties = False
    desk.plan.zone.save()
    both = MembershipFactory(unit=desk.unit, role=Role.STAFF).user
    MembershipFactory(user=both, unit=desk.unit, role=Role.REVIEWER)
    save(desk, full_rows(desk), by=both, submit=True)
    assert reports_approve(reports=list(Report.objects.all()), by=both) == 3


def test_corrections_made_on_the_same_version_are_refused_after_the_first(desk):
    """Ten corrections of one approved report, each made on the version it was shown: the first
    is recorded, the other nine are refused as stale instead of the last one winning."""
    save(desk, full_rows(desk), submit=True)
    reports_approve(reports=list(Report.objects.all()), by=desk.reviewer)
    report = Report.objects.get(target=desk.amount)
    shown = report.version
    refused = 0
    for n in range(10):
        try:
            report_correct(report=report, by=desk.reviewer, raw_value=str(40 + n), reason=f"第{n}次更正", version=shown)
        except StaleVersion as stale:
            refused += 1
            assert stale.conflicts[0].their_value == Decimal(40) and stale.conflicts[0].version == shown + 1
    report.refresh_from_db()
    assert refused == 9
    assert (report.value, report.version) == (Decimal(40), shown + 1)
    assert ReportEvent.objects.filter(report=report, action="corrected").count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_corrections_of_one_report_leave_one_recorded_and_nine_refused(desk):
    """The version is compared under the report's row lock, so corrections racing on one copy
    queue there, and every one after the first finds the version moved on."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole transactions")
    save(desk, full_rows(desk), submit=True)
    reports_approve(reports=list(Report.objects.all()), by=desk.reviewer)
    report = Report.objects.get(target=desk.amount)
    shown = report.version
    start = threading.Barrier(10)
    outcomes: list[str] = []

    def correct(n: int) -> None:
        try:
            start.wait(10)
            report_correct(report=report, by=desk.reviewer, raw_value=str(40 + n), reason=f"并发更正{n}", version=shown)
            outcomes.append("recorded")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["recorded"] + ["stale"] * 9
    report.refresh_from_db()
    assert report.version == shown + 1
    assert ReportEvent.objects.filter(report=report, action="corrected").count() == 1


def test_a_period_before_the_plans_reporting_start_is_not_open_for_entry(desk, client):
    from plans.models import Plan

    Plan.objects.filter(pk=desk.plan.pk).update(reports_from=dt.date(2026, 4, 1))
    desk.plan.refresh_from_db()
    with pytest.raises(PeriodClosed, match="之后的月份"):
        save(desk, [RowInput(desk.amount.pk, "1")])
    assert not Report.objects.exists()
    client.force_login(desk.staff)
    page = client.get(f"/progress/plans/{desk.plan.pk}/units/{desk.unit.pk}/periods/2026-03/").content.decode()
    assert 'data-period-state="not_counted"' in page and "本期无需填报" in page


def test_the_units_periods_before_the_reporting_start_are_neither_open_nor_overdue(desk, client):
    from unittest import mock

    from plans.models import Plan

    url = f"/progress/plans/{desk.plan.pk}/units/{desk.unit.pk}/"
    client.force_login(desk.staff)
    with mock.patch("core.clock.today", return_value=desk.today):
        assert "逾期未报" in client.get(url).content.decode()  # January and February, without a start
        Plan.objects.filter(pk=desk.plan.pk).update(reports_from=dt.date(2026, 3, 1))
        page = client.get(url).content.decode()
    assert page.count('data-period-state="not_counted"') == 2
    assert "逾期未报" not in page
