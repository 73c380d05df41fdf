"""Withdrawing a submission (撤回): back to draft before review, refused once reviewed or closed."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from progress.choices import ReportStatus
from progress.models import Report, ReportEvent
from progress.services import PeriodClosed, reports_withdraw
from tests.factories import MembershipFactory, ReportFactory, UserFactory
from zones.choices import Role


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


def sent(desk, target, status=ReportStatus.SUBMITTED, month=3, **fields):
    """A report of the desk's unit as the review found it."""
    at = timezone.make_aware(dt.datetime(2026, 4, 1, 10))
    fields.setdefault("value", Decimal("32.5"))
    extra = {"submitted_at": at, "submitted_by": desk.staff}
    if status == ReportStatus.APPROVED:
        extra |= {"approved_at": at, "approved_by": desk.reviewer}
    if status == ReportStatus.RETURNED:
        extra |= {"returned_at": at, "returned_by": desk.reviewer, "return_reason": "请核实"}
    return ReportFactory(target=target, year=2026, month=month, status=status, **extra, **fields)


def period_url(desk):
    return reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"})


def test_the_staff_withdraw_a_submission_from_my_reports_and_keep_what_they_typed(client, desk):
    report = sent(desk, desk.amount, progress="完成32.5亿元", problems="土地指标紧张", next_steps="加快审批")
    client.force_login(desk.staff)
    page = client.get(reverse("progress:mine")).content.decode()
    assert reverse("progress:withdraw") in page and "撤回" in page
    response = client.post(reverse("progress:withdraw"), {"report": [report.pk], "next": reverse("progress:mine")})
    assert response.status_code == 302 and response["Location"] == reverse("progress:mine")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None
    assert (report.value, report.progress, report.problems, report.next_steps) == (
        Decimal("32.5"),
        "完成32.5亿元",
        "土地指标紧张",
        "加快审批",
    )
    event = ReportEvent.objects.get(report=report, action=ReportEvent.Action.WITHDRAWN)
    assert event.by == desk.staff and event.changes == {"status": ["submitted", "draft"]}
    # The history says it in words, and the reviewer no longer sees it.
    history = client.get(reverse("progress:target", args=[desk.amount.pk])).content.decode()
    assert "审核前撤回" in history and "已提交 → 草稿" in history
    client.force_login(desk.reviewer)
    assert "固定资产投资" not in client.get(reverse("progress:review")).content.decode()
    # Back on the form, the figure waits as a draft to be submitted again.
    client.force_login(desk.staff)
    form = client.get(period_url(desk)).content.decode()
    assert f'name="r{desk.amount.pk}-value"' in form and 'value="32.5"' in form


def test_the_period_form_offers_to_withdraw_only_the_submitted_rows(client, desk):
    submitted = sent(desk, desk.amount)
    sent(desk, desk.count, status=ReportStatus.APPROVED, value=Decimal(5))
    client.force_login(desk.staff)
    page = client.get(period_url(desk)).content.decode()
    box = page[page.index('id="withdraw"') :]
    assert f'value="{submitted.pk}"' in box and "固定资产投资" in box and "新开工项目" not in box
    response = client.post(reverse("progress:withdraw"), {"report": [submitted.pk], "next": period_url(desk)})
    assert response["Location"] == period_url(desk)
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.DRAFT
    # Nothing left to withdraw: no box; and a reader of the zone never gets one.
    assert 'id="withdraw"' not in client.get(period_url(desk)).content.decode()


@pytest.mark.parametrize("status", [ReportStatus.APPROVED, ReportStatus.RETURNED, ReportStatus.DRAFT])
def test_a_report_already_reviewed_or_not_submitted_is_not_withdrawn_and_nothing_changes(client, desk, status):
    other = sent(desk, desk.growth, value=Decimal("14.2"))
    reviewed = sent(desk, desk.amount, status=status)
    client.force_login(desk.staff)
    response = client.post(reverse("progress:withdraw"), {"report": [other.pk, reviewed.pk]}, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "固定资产投资" in text and "未撤回" in text
    assert Report.objects.get(pk=other.pk).status == ReportStatus.SUBMITTED  # all or nothing
    assert Report.objects.get(pk=reviewed.pk).status == status
    assert not ReportEvent.objects.filter(action=ReportEvent.Action.WITHDRAWN).exists()


def test_a_closed_period_refuses_the_withdrawal_with_its_reason(client, desk, today):
    report = sent(desk, desk.amount)
    with mock.patch("core.clock.today", return_value=dt.date(2026, 4, 30)):
        client.force_login(desk.staff)
        response = client.post(reverse("progress:withdraw"), {"report": [report.pk]}, follow=True)
        assert any("未撤回" in str(m) for m in response.context["messages"])
        with pytest.raises(PeriodClosed):
            reports_withdraw(reports=[report], by=desk.staff)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("who", ["reviewer", "other_staff", "leader"])
def test_only_the_units_staff_may_withdraw(client, desk, who):
    report = sent(desk, desk.amount)
    users = {
        "reviewer": desk.reviewer,
        "other_staff": desk.other_staff,
        "leader": MembershipFactory(unit=None, zone=desk.plan.zone, role=Role.LEADER).user,
    }
    client.force_login(users[who])
    assert client.post(reverse("progress:withdraw"), {"report": [report.pk]}).status_code == 403
    with pytest.raises(PermissionDenied):
        reports_withdraw(reports=[report], by=users[who])
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_nothing_selected_or_ids_that_are_no_ids_withdraw_nothing(client, desk):
    report = sent(desk, desk.amount)
    client.force_login(desk.staff)
    for bad in ([], ["abc"], ["99999999999999999999"]):
        response = client.post(reverse("progress:withdraw"), {"report": bad}, follow=True)
        assert response.status_code == 200
    # A foreign "next" never takes the user off the site.
    response = client.post(reverse("progress:withdraw"), {"report": [report.pk], "next": "https://evil.example/"})
    assert response["Location"] == reverse("progress:mine")
    with pytest.raises(ValidationError):
        reports_withdraw(reports=[], by=desk.staff)


def test_a_withdrawn_report_submitted_again_waits_for_review(client, desk):
    report = sent(desk, desk.amount, progress="完成")
    reports_withdraw(reports=[report], by=desk.staff)
    report.refresh_from_db()
    client.force_login(desk.staff)
    data = {"action": "submit"}
    for target, value in ((desk.amount, "33"), (desk.growth, "14.2"), (desk.count, "5")):
        version = report.version if target == desk.amount else ""
        data |= {
            f"r{target.pk}-present": "1",
            f"r{target.pk}-value": value,
            f"r{target.pk}-progress": "推进中",
            f"r{target.pk}-version": str(version),
        }
    assert client.post(period_url(desk), data).status_code == 302
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("back", ["２０１４-０６", "progress:mine", "//evil.example/", "/" + "x" * 20000])
def test_a_return_address_that_is_no_path_of_this_site_goes_back_to_my_reports(client, back):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/progress/withdraw/", {"report": ["1"], "next": back})
    assert response.status_code == 302 and response["Location"] == "/progress/"
