"""A unit's save writes its reports and their history in a few statements,
however many rows it holds (issue 23), and the history reads as before: each
report's change, then its submission, in the order of the rows."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progress.choices import ReportStatus
from progress.models import Report, ReportEvent
from progress.services import RowInput, reports_approve, unit_period_save


def save(desk, rows, *, submit=False):
    return unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, submit=submit, today=desk.today
    )


def rows(desk, versions=None):
    versions = versions or {}
    return [
        RowInput(desk.amount.pk, "32.5", progress="完成投资32.5亿元", version=versions.get(desk.amount.pk)),
        RowInput(desk.growth.pk, "14.2", progress="增速回落", version=versions.get(desk.growth.pk)),
        RowInput(desk.count.pk, "5", progress="新开工5个", version=versions.get(desk.count.pk)),
    ]


def inserts(queries, table: str) -> int:
    return sum(1 for q in queries if q["sql"].startswith(f'INSERT INTO "{table}"'))


def test_a_submission_of_new_reports_inserts_them_and_their_history_in_one_statement_each(desk):
    with CaptureQueriesContext(connection) as run:
        result = save(desk, rows(desk), submit=True)
    assert result.ok and result.submitted == 3
    assert inserts(run.captured_queries, "progress_report") == 1
    assert inserts(run.captured_queries, "progress_reportevent") == 1
    reports = list(Report.objects.filter(year=2026, month=3).order_by("target__order"))
    assert [(r.target_id, r.status, r.version) for r in reports] == [
        (desk.amount.pk, ReportStatus.SUBMITTED, 1),
        (desk.growth.pk, ReportStatus.SUBMITTED, 1),
        (desk.count.pk, ReportStatus.SUBMITTED, 1),
    ]
    assert result.versions == {desk.amount.pk: 1, desk.growth.pk: 1, desk.count.pk: 1}
    assert all(r.created_at and r.updated_at and r.submitted_at for r in reports)
    # Each report: its change, then its submission, at one moment, in the order of the rows.
    history = list(ReportEvent.objects.order_by("pk").values_list("report__target_id", "action", "at"))
    assert [(target, action) for target, action, _at in history] == [
        (desk.amount.pk, "saved"),
        (desk.amount.pk, "submitted"),
        (desk.growth.pk, "saved"),
        (desk.growth.pk, "submitted"),
        (desk.count.pk, "saved"),
        (desk.count.pk, "submitted"),
    ]
    assert len({at for _target, _action, at in history}) == 1


def test_submitting_saved_drafts_updates_each_and_records_what_changed(desk):
    save(desk, rows(desk))
    drafts = {r.target_id: r for r in Report.objects.filter(year=2026, month=3)}
    versions = {target: report.version for target, report in drafts.items()}
    typed = rows(desk, versions)
    typed[1] = RowInput(desk.growth.pk, "15.0", progress="增速回升", version=versions[desk.growth.pk])
    result = save(desk, typed, submit=True)
    assert result.ok and result.submitted == 3 and result.saved == 1
    after = {r.target_id: r for r in Report.objects.filter(year=2026, month=3)}
    assert {target: r.version for target, r in after.items()} == dict.fromkeys(drafts, 2)
    assert result.versions == dict.fromkeys(drafts, 2)
    assert after[desk.growth.pk].value == Decimal("15.0") and after[desk.growth.pk].progress == "增速回升"
    assert all(r.status == ReportStatus.SUBMITTED and r.submitted_by == desk.staff for r in after.values())
    assert all(after[t].updated_at > drafts[t].updated_at for t in drafts)
    growth = list(
        ReportEvent.objects.filter(report=after[desk.growth.pk]).order_by("pk").values_list("action", "changes")
    )
    assert [action for action, _changes in growth] == ["saved", "saved", "submitted"]
    assert set(growth[1][1]) == {"value", "progress"}
    unchanged = ReportEvent.objects.filter(report=after[desk.amount.pk]).order_by("pk").values_list("action", flat=True)
    assert list(unchanged) == ["saved", "submitted"]


def test_an_approval_records_each_report_in_one_insert(desk):
    save(desk, rows(desk), submit=True)
    reports = list(Report.objects.filter(year=2026, month=3))
    with CaptureQueriesContext(connection) as run:
        assert reports_approve(reports=reports, by=desk.reviewer) == 3
    assert inserts(run.captured_queries, "progress_reportevent") == 1
    assert ReportEvent.objects.filter(action="approved").count() == 3


def test_the_period_forms_save_costs_the_same_queries_for_one_row_or_three(client, desk, monkeypatch):
    monkeypatch.setattr("core.clock.today", lambda: desk.today)
    client.force_login(desk.staff)
    url = reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"})

    def data(targets):
        fields = {"action": "save"}
        for target in targets:
            fields |= {f"r{target.pk}-present": "1", f"r{target.pk}-value": "3", f"r{target.pk}-progress": "推进"}
        return fields

    counts = []
    for targets in ([desk.amount], [desk.amount, desk.growth, desk.count]):
        Report.objects.all().delete()
        with CaptureQueriesContext(connection) as run:
            assert client.post(url, data(targets)).status_code == 302
        counts.append(len(run.captured_queries))
    assert counts[0] == counts[1]


def test_the_period_forms_save_reads_no_co_operation_parts_when_the_form_sent_none(client, desk, monkeypatch):
    monkeypatch.setattr("core.clock.today", lambda: desk.today)
    client.force_login(desk.staff)
    url = reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"})
    fields = {"action": "save", f"r{desk.amount.pk}-present": "1", f"r{desk.amount.pk}-value": "3"}
    with CaptureQueriesContext(connection) as run:
        assert client.post(url, fields).status_code == 302
    assert not [q for q in run.captured_queries if "progress_taskcontribution" in q["sql"]]
    assert Report.objects.get(target=desk.amount, year=2026, month=3).value == Decimal("3")
