"""我的填报 says how much of each open period is left and links the plan to
its form; a returned figure links to its row on the form."""

import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.choices import ReportStatus
from progress.models import Report
from tests.factories import ReportFactory


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


def march_card(page: str, desk) -> str:
    form = reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])
    start = page.index(f'<a href="{form}" data-plan-link>')
    return page[start : page.index("</section>", start)]


def test_each_open_period_counts_the_rows_left_and_names_its_plan_as_a_link(client, desk):
    client.force_login(desk.staff)
    card = march_card(client.get(reverse("progress:mine")).content.decode(), desk)
    assert desk.plan.title in card and 'data-left="3"' in card
    ReportFactory(
        target=desk.amount, year=2026, month=3, status=ReportStatus.SUBMITTED, value=1, submitted_at=timezone.now()
    )
    ReportFactory(target=desk.growth, year=2026, month=3, status=ReportStatus.DRAFT, value=1)
    card = march_card(client.get(reverse("progress:mine")).content.decode(), desk)
    assert 'data-left="2"' in card  # a draft is still to submit; the submitted one is not


def test_a_returned_figure_links_to_its_row_on_the_form(client, desk):
    report = ReportFactory(
        target=desk.amount,
        year=2026,
        month=3,
        status=ReportStatus.RETURNED,
        value=1,
        return_reason="口径",
        submitted_at=timezone.now(),
        returned_at=timezone.now(),
    )
    client.force_login(desk.staff)
    page = client.get(reverse("progress:mine")).content.decode()
    returned = re.search(rf'<tr data-returned="{report.pk}">(.*?)</tr>', page, re.S).group(1)
    form = reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])
    assert f'href="{form}#row-{desk.amount.pk}"' in returned
    assert Report.objects.filter(status=ReportStatus.RETURNED).count() == 1
