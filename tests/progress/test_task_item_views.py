"""A task item (its task's monthly progress in words) on the entry and review
pages: a choice of three standings where a figure has a number input, the
reason when lagging, and the standing written in words wherever it is shown."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.html import escape

from progress.choices import ReportStatus
from progress.models import Report
from targets.choices import Standing
from targets.task_items import task_items_ensure
from tests.factories import ReportFactory

SUBMITTED_AT = "2026-03-03T10:00:00+08:00"


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


@pytest.fixture
def item(desk):
    task_items_ensure(desk.plan)
    return desk.task.targets.task_items().get()


def period_url(desk, period="2026-03"):
    return reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": period})


def row_data(target, value, progress="推进中", version="", **extra):
    prefix = f"r{target.pk}-"
    data = {f"{prefix}present": "1", f"{prefix}value": value, f"{prefix}progress": progress}
    data[f"{prefix}version"] = version
    data.update({f"{prefix}{key}": text for key, text in extra.items()})
    return data


def row_html(page: str, target) -> str:
    match = re.search(rf'<tr[^>]*id="row-{target.pk}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {target}"
    return match.group(1)


def words(standing: Standing) -> str:
    return escape(str(standing.label))


def test_the_items_row_offers_the_three_standings_and_no_number_input(client, desk, item):
    client.force_login(desk.staff)
    page = client.get(period_url(desk)).content.decode()
    row = row_html(page, item)
    assert f'<select name="r{item.pk}-value"' in row
    options = re.findall(r'<option value="(\d)"[^>]*>([^<]+)</option>', row)
    assert options == [(str(s.value), str(s.label)) for s in (Standing.DONE, Standing.ON_SCHEDULE, Standing.LAGGING)]
    assert "<input name" not in row.replace(f'name="r{item.pk}-present"', "").replace(f'name="r{item.pk}-version"', "")
    assert f'name="r{item.pk}-progress"' in row and f'name="r{item.pk}-problems"' in row
    assert f'name="r{item.pk}-next_steps"' in row
    # A figure's row keeps its number input.
    assert f'<input name="r{desk.amount.pk}-value" inputmode="decimal"' in row_html(page, desk.amount)


def test_the_item_sits_first_among_its_tasks_rows(client, desk, item):
    client.force_login(desk.staff)
    page = client.get(period_url(desk)).content.decode()
    order = [int(pk) for pk in re.findall(r'<tr[^>]*id="row-(\d+)"', page)]
    assert order == [item.pk, desk.amount.pk, desk.growth.pk, desk.count.pk]


def test_lagging_without_a_reason_comes_back_with_the_error_and_everything_typed(client, desk, item):
    client.force_login(desk.staff)
    data = (
        {"action": "submit"}
        | row_data(item, str(Standing.LAGGING.value), progress="征地未完成", next_steps="下月协调")
        | row_data(desk.amount, "32.5")
        | row_data(desk.growth, "14.2")
        | row_data(desk.count, "5")
    )
    response = client.post(period_url(desk), data)
    page = response.content.decode()
    assert response.status_code == 400
    row = row_html(page, item)
    assert escape("The task is lagging behind plan") in row or "滞后" in row
    assert re.search(rf'<option value="{Standing.LAGGING.value}" selected>', row)
    assert "征地未完成" in row and "下月协调" in row
    # The item stays unsent; the figures, complete, went through on their own merits.
    assert not Report.objects.filter(target=item).exists()
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    assert Report.objects.count() == 3


def test_lagging_with_a_reason_is_submitted_and_shown_in_words(client, desk, item):
    client.force_login(desk.staff)
    data = (
        {"action": "submit"}
        | row_data(item, str(Standing.LAGGING.value), progress="征地未完成", problems="拆迁受阻")
        | row_data(desk.amount, "32.5")
        | row_data(desk.growth, "14.2")
        | row_data(desk.count, "5")
    )
    assert client.post(period_url(desk), data).status_code == 302
    report = Report.objects.get(target=item)
    assert (report.value, report.problems, report.status) == (Decimal(0), "拆迁受阻", ReportStatus.SUBMITTED)
    row = row_html(client.get(period_url(desk)).content.decode(), item)
    assert words(Standing.LAGGING) in row and "拆迁受阻" in row


def test_a_saved_standing_is_selected_and_last_periods_is_written_in_words(client, desk, item):
    ReportFactory(
        target=item,
        year=2026,
        month=2,
        value=Decimal(1),
        status=ReportStatus.APPROVED,
        submitted_at=SUBMITTED_AT,
        approved_at=SUBMITTED_AT,
    )
    ReportFactory(target=item, year=2026, month=3, value=Decimal(2), status=ReportStatus.DRAFT)
    client.force_login(desk.staff)
    row = row_html(client.get(period_url(desk)).content.decode(), item)
    assert re.search(rf'<option value="{Standing.DONE.value}" selected>', row)
    assert words(Standing.ON_SCHEDULE) in row
    assert ">1<" not in row and "1.0000" not in row


def test_the_reviewer_sees_the_standing_in_words_and_the_reason(client, desk, item):
    ReportFactory(
        target=item,
        year=2026,
        month=3,
        value=Decimal(0),
        status=ReportStatus.SUBMITTED,
        progress="征地未完成",
        problems="拆迁受阻",
        submitted_by=desk.staff,
        submitted_at=SUBMITTED_AT,
    )
    client.force_login(desk.reviewer)
    page = client.get(reverse("progress:review")).content.decode()
    assert words(Standing.LAGGING) in page
    assert "拆迁受阻" in page and "征地未完成" in page


def approved(item, month: int, standing: Standing, **extra) -> Report:
    return ReportFactory(
        target=item,
        year=2026,
        month=month,
        value=Decimal(int(standing)),
        status=ReportStatus.APPROVED,
        submitted_at=SUBMITTED_AT,
        approved_at=SUBMITTED_AT,
        **extra,
    )


def test_the_items_page_writes_each_months_standing_in_words_and_draws_no_chart(client, desk, item):
    from progress.engine.recompute import targets_recompute

    approved(item, 1, Standing.ON_SCHEDULE)
    approved(item, 2, Standing.LAGGING, problems="拆迁受阻")
    targets_recompute(targets=[item], plan=desk.plan, as_of=desk.today)
    client.force_login(desk.staff)
    page = client.get(reverse("progress:target", args=[item.pk]) + "?period=2026-02").content.decode()
    assert "data-chart" not in page and 'id="chart-data"' not in page
    approved_figure = re.search(r"<dd data-approved>(.*?)</dd>", page, re.S).group(1)
    assert words(Standing.LAGGING) in approved_figure
    months = page[page.index('data-period="2026-02"') :]
    assert words(Standing.LAGGING) in months and words(Standing.ON_SCHEDULE) in months
    assert "拆迁受阻" in page
    assert "0.0000" not in page and ">0<" not in page


def test_a_figures_page_still_draws_its_chart(client, desk, item):
    client.force_login(desk.staff)
    page = client.get(reverse("progress:target", args=[desk.amount.pk])).content.decode()
    assert "data-chart" in page and 'id="chart-data"' in page


def test_the_items_history_speaks_of_standings_in_words(client, desk, item):
    client.force_login(desk.staff)
    data = {"action": "save"} | row_data(item, str(Standing.ON_SCHEDULE.value))
    assert client.post(period_url(desk), data).status_code == 302
    version = Report.objects.get(target=item).version
    data = {"action": "save"} | row_data(item, str(Standing.LAGGING.value), version=str(version), problems="资金未到位")
    assert client.post(period_url(desk), data).status_code == 302
    page = client.get(reverse("progress:target", args=[item.pk])).content.decode()
    history = " ".join(re.sub(r"<[^>]+>", " ", page[page.index('id="history"') :]).split())
    assert f"{escape(str(Standing.ON_SCHEDULE.label))} → {escape(str(Standing.LAGGING.label))}" in history
    assert "1 → 0" not in history and "1.0000" not in history


def test_an_items_correction_chooses_from_the_standings(client, desk, item):
    report = approved(item, 3, Standing.ON_SCHEDULE, progress="推进中")
    client.force_login(desk.reviewer)
    url = reverse("progress:correct", args=[report.pk])
    page = client.get(url).content.decode()
    assert '<select name="value"' in page and '<input type="text" name="value"' not in page
    assert re.search(rf'<option value="{Standing.ON_SCHEDULE.value}" selected>', page)
    assert f"<strong>{words(Standing.ON_SCHEDULE)}</strong>" in page
    data = {"value": str(Standing.DONE.value), "reason": "已竣工验收", "version": report.version}
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.value == Decimal(int(Standing.DONE))


def test_the_items_page_marks_a_pending_standing_in_words(client, desk, item):
    ReportFactory(
        target=item,
        year=2026,
        month=3,
        value=Decimal(int(Standing.DONE)),
        status=ReportStatus.SUBMITTED,
        submitted_by=desk.staff,
        submitted_at=SUBMITTED_AT,
    )
    client.force_login(desk.staff)
    page = client.get(reverse("progress:target", args=[item.pk]) + "?period=2026-03").content.decode()
    pending = re.findall(r'<span class="pending-figure"[^>]*>(.*?)<span class="rep', page, re.S)
    assert pending and all(words(Standing.DONE) in text for text in pending)


def test_my_reports_write_a_standing_in_words(client, desk, item):
    ReportFactory(target=item, year=2026, month=3, value=Decimal(Standing.LAGGING), status=ReportStatus.DRAFT)
    client.force_login(desk.staff)
    page = client.get(reverse("progress:mine")).content.decode()
    row = page.split(f'href="{reverse("progress:target", args=[item.pk])}"')[1].split("</tr>")[0]
    assert escape(str(Standing.LAGGING.label)) in row
    assert ">0<" not in row.replace(" ", "")
