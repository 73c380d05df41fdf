"""The one read of figures waiting for review (待审核): pages show them marked,
beside the approved figure, and never count them."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from plans.periods import Period
from progress.choices import ReportStatus
from progress.selectors import pending_figures
from targets.models import Target
from tests.factories import ReportFactory, TargetFactory, TaskFactory

pytestmark = pytest.mark.django_db

SENT_AT = timezone.make_aware(dt.datetime(2014, 9, 3, 10))


def report(target, month, status, value="5"):
    sent = status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    return ReportFactory(
        target=target,
        month=month,
        value=D(value),
        status=status,
        submitted_at=SENT_AT if sent else None,
        approved_at=SENT_AT if status == ReportStatus.APPROVED else None,
    )


def test_only_the_submitted_figure_of_the_period_is_pending():
    task = TaskFactory()
    waiting, approved, draft, other_month = (TargetFactory(task=task, order=n) for n in range(4))
    mine = report(waiting, 8, ReportStatus.SUBMITTED, "65")
    report(approved, 8, ReportStatus.APPROVED)
    report(draft, 8, ReportStatus.DRAFT)
    report(other_month, 7, ReportStatus.SUBMITTED)
    found = pending_figures(targets=Target.objects.filter(task=task), period=Period(2014, 8))
    assert found == {waiting.pk: mine}
    assert found[waiting.pk].value == D("65")


def test_it_takes_ids_and_reads_once_whatever_the_number_of_targets(django_assert_num_queries):
    task = TaskFactory()
    targets = [TargetFactory(task=task, order=n) for n in range(5)]
    for target in targets:
        report(target, 8, ReportStatus.SUBMITTED)
    outside = TargetFactory()
    report(outside, 8, ReportStatus.SUBMITTED)
    with django_assert_num_queries(1):
        found = pending_figures(targets=[t.pk for t in targets], period=Period(2014, 8))
    assert set(found) == {t.pk for t in targets}


def test_a_targets_reports_already_read_give_the_same_pending_figure():
    from progress.selectors import pending_among

    target = TargetFactory()
    mine = report(target, 8, ReportStatus.SUBMITTED, "65")
    report(target, 7, ReportStatus.SUBMITTED)
    reports = list(target.reports.all())
    assert pending_among(reports, period=Period(2014, 8)) == mine
    assert pending_figures(targets=[target.pk], period=Period(2014, 8)) == {target.pk: mine}
    approved = TargetFactory()
    report(approved, 8, ReportStatus.APPROVED)
    assert pending_among(list(approved.reports.all()), period=Period(2014, 8)) is None
    assert pending_among(reports, period=Period(2014, 9)) is None
