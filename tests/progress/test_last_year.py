"""A plan's page of last year's figures (上年同期数据): the grid of amounts × months and the
time basis, for the zone's administrators only; bad cells keep what was typed and save
nothing; the Excel round trip; the import from last year's ledger by matching targets."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plans.choices import TimeBasis
from progress.choices import ReportStatus
from progress.last_year_import import ledger_matches, normalised
from targets import kinds
from targets.choices import ReportedAs
from targets.last_year import grid_save, grid_stored, grid_targets
from targets.last_year_sheet import sheet_build
from targets.models import PendingPlanRecompute, Target
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
    ZoneFactory,
)
from zones.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone():
    return ZoneFactory(code="ly-zone", short_name="上年区")


@pytest.fixture
def admin(zone):
    return MembershipFactory(user=UserFactory(username="ly-admin"), zone=zone, unit=None, role=Role.ADMIN).user


@pytest.fixture
def plan(zone):
    return PlanFactory(zone=zone, start_year=2026, end_year=2026, status="published", title="2026年工作要点")


@pytest.fixture
def targets(plan):
    task = TaskFactory(plan=plan, heading="项目建设", number="1.", path="1", order=1)
    return {
        "invest": TargetFactory(task=task, indicator="固定资产投资", unit="亿元", value=Decimal(120), order=1),
        "count": TargetFactory(task=task, indicator="新开工项目", unit="个", value=Decimal(18), order=2),
        "growth": TargetFactory(
            task=task,
            indicator="社会消费品零售总额增速",
            kind=kinds.GROWTH_RATE.key,
            unit="%",
            value=Decimal(10),
            reported_as=ReportedAs.AMOUNT,
            baseline=Decimal(96),
            order=3,
        ),
        "rate": TargetFactory(
            task=task, indicator="工业增加值增速", kind=kinds.GROWTH_RATE.key, unit="%", value=Decimal(9), order=4
        ),
    }


def url(plan, name="page"):
    return reverse(f"last_year:{name}", kwargs={"plan_id": plan.pk})


def grid_post(rows: dict[Target, dict[int, str]], *, basis="linear") -> dict[str, str]:
    data = {"action": "save", "time_basis": basis}
    for target, months in rows.items():
        for month, text in months.items():
            data[f"c{target.pk}-{month}"] = text
    return data


SHAPE = {1: "4.1", 2: "9", 3: "16.2", 6: "41", 9: "66.3", 12: "96"}


def test_the_grid_holds_the_amounts_and_growth_targets_reported_as_an_amount(targets, plan):
    found = grid_targets(plan)
    assert found == [targets["invest"], targets["count"], targets["growth"]]  # not the rate reported as a rate


def test_the_administrator_saves_the_grid_and_the_seasonal_basis_and_the_plan_owes_a_recompute(
    client, admin, plan, targets
):
    client.force_login(admin)
    page = client.get(url(plan))
    assert page.status_code == 200
    assert "固定资产投资" in page.text and "工业增加值增速" not in page.text
    response = client.post(
        url(plan), grid_post({targets["invest"]: SHAPE, targets["count"]: {12: "20"}}, basis="seasonal")
    )
    assert response.status_code == 302
    invest = Target.objects.get(pk=targets["invest"].pk)
    assert invest.baseline_by_month == {"1": "4.1", "2": "9", "3": "16.2", "6": "41", "9": "66.3", "12": "96"}
    assert Target.objects.get(pk=targets["count"].pk).baseline_by_month == {"12": "20"}
    plan.refresh_from_db()
    assert plan.time_basis == TimeBasis.SEASONAL
    assert PendingPlanRecompute.objects.filter(plan=plan).exists()
    # The page shows what was saved.
    again = client.get(url(plan))
    assert 'value="66.3"' in again.text


def test_text_in_a_number_cell_is_refused_beside_it_everything_typed_is_kept_and_nothing_saved(
    client, admin, plan, targets
):
    client.force_login(admin)
    typed = {1: "4.1", 2: "九亿", 12: "96"}
    response = client.post(
        url(plan), grid_post({targets["invest"]: typed, targets["count"]: {12: "20.5"}}, basis="seasonal")
    )
    assert response.status_code == 400
    html = response.text
    assert "“九亿”不是数字" in html  # the Chinese message beside the cell
    assert "请填写整数" in html  # a count in 个 is a whole number
    assert 'value="九亿"' in html and 'value="4.1"' in html and 'value="20.5"' in html
    assert "未保存" in html
    assert not Target.objects.filter(baseline_by_month__isnull=False).exists()
    plan.refresh_from_db()
    assert plan.time_basis == TimeBasis.LINEAR
    assert not PendingPlanRecompute.objects.exists()


def test_a_negative_figure_and_an_unknown_basis_are_refused(client, admin, plan, targets):
    client.force_login(admin)
    response = client.post(url(plan), grid_post({targets["invest"]: {3: "-1"}}, basis="lunar"))
    assert response.status_code == 400
    assert "累计数不能为负数" in response.text
    assert "请选择" in response.text
    assert not Target.objects.filter(baseline_by_month__isnull=False).exists()


def test_clearing_a_row_clears_its_figures(client, admin, plan, targets):
    grid_save(plan, {targets["invest"].pk: {12: Decimal(96)}})
    client.force_login(admin)
    response = client.post(url(plan), grid_post({targets["invest"]: {12: ""}}))
    assert response.status_code == 302
    assert Target.objects.get(pk=targets["invest"].pk).baseline_by_month is None


@pytest.mark.parametrize("role", [Role.LEADER, Role.SUPERVISOR])
def test_only_the_zones_administrators_keep_the_figures(client, zone, plan, targets, role):
    user = MembershipFactory(user=UserFactory(username=f"ly-{role}"), zone=zone, unit=None, role=role).user
    client.force_login(user)
    assert client.get(url(plan)).status_code == 403
    assert client.post(url(plan), grid_post({targets["invest"]: {12: "9"}})).status_code == 403
    assert client.get(url(plan, "sheet")).status_code == 403
    assert not Target.objects.filter(baseline_by_month__isnull=False).exists()


def test_another_zones_plan_is_refused_and_a_missing_one_is_not_found(client, admin, targets):
    other = PlanFactory(zone=ZoneFactory(code="ly-other"), start_year=2026, end_year=2026, status="published")
    client.force_login(admin)
    assert client.get(url(other)).status_code == 403
    assert client.post(url(other, "upload"), {}).status_code == 403
    assert client.get(reverse("last_year:page", kwargs={"plan_id": 999999})).status_code == 404


def test_an_archived_plan_is_not_changed(client, admin, plan, targets):
    plan.status = "archived"
    plan.save()
    client.force_login(admin)
    assert client.get(url(plan)).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, plan):
    assert client.get(url(plan)).status_code == 302


def test_the_pages_queries_do_not_grow_with_its_rows(client, admin, plan, targets):
    client.force_login(admin)
    with CaptureQueriesContext(connection) as few:
        client.get(url(plan))
    task = targets["invest"].task
    for n in range(6):
        TargetFactory(task=task, indicator=f"指标{n}", unit="亿元", value=Decimal(5), order=10 + n)
    with CaptureQueriesContext(connection) as many:
        client.get(url(plan))
    assert len(many) == len(few)


def test_the_plan_and_assignment_pages_link_to_it(client, admin, plan, targets):
    client.force_login(admin)
    link = url(plan)
    assert link in client.get(reverse("imports:plan", kwargs={"plan_id": plan.pk})).text
    assert link in client.get(reverse("targets:assign", kwargs={"plan_id": plan.pk})).text


# --- the Excel round trip --------------------------------------------------------------


def filled(data: bytes, values: dict[tuple[int, int], object], extra: dict | None = None) -> bytes:
    """The downloaded sheet with cells (sheet row, month) typed over."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["上年同期"]
    for (row, month), value in values.items():
        sheet.cell(row=row, column=4 + month, value=value)
    for (row, column), value in (extra or {}).items():
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, plan, data: bytes, name="上年同期数据.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(url(plan, "upload"), {"file": file})


def test_the_sheet_goes_out_laid_out_with_formulas_neutralised_and_comes_back(client, admin, plan, targets):
    invest = targets["invest"]
    invest.indicator = "=HYPERLINK(1)"
    invest.save()
    grid_save(plan, {invest.pk: {12: Decimal("96.5")}})
    client.force_login(admin)
    response = client.get(url(plan, "sheet"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["上年同期"]
    assert sheet.cell(row=3, column=1).value == "序号" and sheet.cell(row=3, column=16).value == "12月"
    assert sheet.cell(row=4, column=3).value == "'=HYPERLINK(1)"  # a formula is text, quoted
    assert sheet.cell(row=4, column=16).value == "96.5"
    assert book["meta"].sheet_state == "hidden"
    assert sheet.freeze_panes == "E4"

    data = filled(response.content, {(4, 1): "4.1", (4, 6): 41, (5, 12): "20", (6, 3): 23.6})
    preview = upload(client, plan, data)
    assert preview.status_code == 200
    assert Target.objects.get(pk=invest.pk).baseline_by_month == {"12": "96.5"}  # nothing saved yet
    token = preview.context["token"]
    assert token
    saved = client.post(url(plan, "confirm"), {"rows": token})
    assert saved.status_code == 302
    assert Target.objects.get(pk=invest.pk).baseline_by_month == {"1": "4.1", "6": "41", "12": "96.5"}
    assert Target.objects.get(pk=targets["count"].pk).baseline_by_month == {"12": "20"}
    assert Target.objects.get(pk=targets["growth"].pk).baseline_by_month == {"3": "23.6"}
    assert PendingPlanRecompute.objects.filter(plan=plan).exists()


def test_rows_sorted_in_the_sheet_are_still_read_by_their_number(client, admin, plan, targets):
    client.force_login(admin)
    data = client.get(url(plan, "sheet")).content
    book = load_workbook(io.BytesIO(data))
    sheet = book["上年同期"]
    first = [cell.value for cell in sheet[4]]
    second = [cell.value for cell in sheet[5]]
    for column, value in enumerate(second, start=1):
        sheet.cell(row=4, column=column, value=value)
    for column, value in enumerate(first, start=1):
        sheet.cell(row=5, column=column, value=value)
    sheet.cell(row=5, column=16, value="99")  # the investment row, now the second
    out = io.BytesIO()
    book.save(out)
    preview = upload(client, plan, out.getvalue())
    assert preview.status_code == 200
    client.post(url(plan, "confirm"), {"rows": preview.context["token"]})
    assert Target.objects.get(pk=targets["invest"].pk).baseline_by_month == {"12": "99"}


def test_bad_rows_are_marked_and_nothing_is_imported(client, admin, plan, targets):
    client.force_login(admin)
    data = filled(client.get(url(plan, "sheet")).content, {(4, 1): "abc", (5, 2): "1.5", (6, 12): "100"})
    preview = upload(client, plan, data)
    assert preview.status_code == 400
    assert "2行有误，未导入" in preview.text
    assert preview.text.count("data-error-row") == 2
    assert not preview.context["token"]
    assert "last_year:confirm" not in preview.text and 'name="rows"' not in preview.text
    assert not Target.objects.filter(baseline_by_month__isnull=False).exists()


def test_a_forged_or_foreign_confirmation_saves_nothing(client, admin, plan, targets):
    client.force_login(admin)
    response = client.post(url(plan, "confirm"), {"rows": "forged"}, follow=True)
    assert "无法读取此确认" in response.text
    assert not Target.objects.filter(baseline_by_month__isnull=False).exists()


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "a.xlsx", "空"),
        (b"not a zip", "a.xlsx", "Excel"),
        (b"PK\x03\x04junk", "a.xlsx", "Excel"),
    ],
)
def test_a_file_that_is_not_the_sheet_is_refused_with_a_reason(client, admin, plan, targets, content, name, words):
    client.force_login(admin)
    response = upload(client, plan, content, name=name)
    assert response.status_code == 400
    assert words in response.text


def test_another_plans_sheet_or_changed_headings_are_refused(client, admin, zone, plan, targets):
    other = PlanFactory(zone=zone, start_year=2026, end_year=2026, status="published", title="另一计划")
    client.force_login(admin)
    foreign = sheet_build(other, grid_stored(other))
    response = upload(client, plan, foreign)
    assert response.status_code == 400 and "此表属于其他计划" in response.text
    data = filled(client.get(url(plan, "sheet")).content, {}, {(3, 5): "一月"})
    response = upload(client, plan, data)
    assert response.status_code == 400 and "列标题" in response.text


# --- from last year's ledger ---------------------------------------------------------------


WHEN = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


@pytest.fixture
def last_plan(zone):
    """The zone's 2025 plan: the same investment (written with full-width brackets and spaces),
    a count in another unit, two targets of one name, approved and unapproved figures."""
    plan = PlanFactory(zone=zone, start_year=2025, end_year=2025, status="published", title="2025年工作要点")
    task = TaskFactory(plan=plan, heading="项目", number="1.", path="1", order=1)
    invest = TargetFactory(task=task, indicator=" 固定资产投资 ", unit="亿元", value=Decimal(100), order=1)
    count = TargetFactory(task=task, indicator="新开工项目", unit="项", value=Decimal(15), order=2)
    growth = TargetFactory(
        task=task,
        indicator="社会消费品零售总额增速",
        kind=kinds.GROWTH_RATE.key,
        unit="%",
        value=Decimal(8),
        reported_as=ReportedAs.AMOUNT,
        baseline=Decimal(90),
        order=3,
    )
    twin = TargetFactory(
        task=task, indicator="社会消费品零售总额增速", kind=kinds.GROWTH_RATE.key, unit="%", value=Decimal(8)
    )
    for month, value in ((1, "4.1"), (2, "9"), (12, "96")):
        ReportFactory(
            target=invest,
            year=2025,
            month=month,
            value=Decimal(value),
            status=ReportStatus.APPROVED,
            approved_at=WHEN,
            submitted_at=WHEN,
        )
    ReportFactory(
        target=invest, year=2025, month=3, value=Decimal("16"), status=ReportStatus.SUBMITTED, submitted_at=WHEN
    )
    ReportFactory(
        target=count,
        year=2025,
        month=12,
        value=Decimal(15),
        status=ReportStatus.APPROVED,
        approved_at=WHEN,
        submitted_at=WHEN,
    )
    ReportFactory(
        target=growth,
        year=2025,
        month=6,
        value=Decimal("44.5"),
        status=ReportStatus.APPROVED,
        approved_at=WHEN,
        submitted_at=WHEN,
    )
    ReportFactory(
        target=twin,
        year=2025,
        month=6,
        value=Decimal("7"),
        status=ReportStatus.APPROVED,
        approved_at=WHEN,
        submitted_at=WHEN,
    )
    return plan


def test_indicators_are_compared_normalised():
    assert normalised(" 固定资产投资（亿元） ") == normalised("固定资产投资(亿元)")


def test_the_ledger_matches_by_indicator_and_unit_and_reads_approved_figures_only(plan, targets, last_plan):
    matches = {match.target.pk: match for match in ledger_matches(plan, last_plan)}
    invest = matches[targets["invest"].pk]
    assert invest.months == {1: Decimal("4.1"), 2: Decimal(9), 12: Decimal(96)}  # not the submitted March
    assert not matches[targets["count"].pk].found  # 项 is not 个
    assert matches[targets["count"].pk].source is None
    growth = matches[targets["growth"].pk]
    assert growth.months == {6: Decimal("44.5")}  # the twin reports a rate: no year-to-date amount


def test_importing_fills_the_grid_unsaved_showing_what_matched_then_saving_stores_it(
    client, admin, plan, targets, last_plan
):
    grid_save(plan, {targets["invest"].pk: {6: Decimal(41)}})
    client.force_login(admin)
    page = client.get(url(plan))
    assert "2025年工作要点" in page.text
    response = client.post(url(plan), {"action": "import", "source": last_plan.pk})
    assert response.status_code == 200
    html = response.text
    assert 'id="import-summary"' in html and "尚未保存" in html
    assert html.count('class="matched"') == 2 and html.count('class="unmatched"') == 1
    assert 'value="4.1"' in html and 'value="41"' in html  # imported beside what was kept
    assert Target.objects.get(pk=targets["invest"].pk).baseline_by_month == {"6": "41"}  # not saved yet
    # Saving the form as shown stores it.
    rows = response.context["rows"]
    data = {"action": "save", "time_basis": "linear"}
    for row in rows:
        for name, cell in row.named_cells:
            data[name] = cell.typed
    assert client.post(url(plan), data).status_code == 302
    assert Target.objects.get(pk=targets["invest"].pk).baseline_by_month == {
        "1": "4.1",
        "2": "9",
        "6": "41",
        "12": "96",
    }
    assert Target.objects.get(pk=targets["growth"].pk).baseline_by_month == {"6": "44.5"}


def test_importing_from_a_plan_not_of_last_year_is_refused(client, admin, zone, plan, targets):
    stranger = PlanFactory(zone=ZoneFactory(code="ly-far"), start_year=2025, end_year=2025)
    client.force_login(admin)
    response = client.post(url(plan), {"action": "import", "source": stranger.pk})
    assert response.status_code == 400
    assert "2025" in response.text
    response = client.post(url(plan), {"action": "import", "source": "x"})
    assert response.status_code == 400


# --- the one write path --------------------------------------------------------------------


def test_the_save_refuses_another_plans_target_a_bad_month_or_figure_whatever_calls_it(plan, targets, zone):
    from targets.last_year import GridRefused

    stranger = TargetFactory(task=TaskFactory(plan=PlanFactory(zone=zone)), unit="亿元", value=Decimal(5))
    for values in (
        {stranger.pk: {12: Decimal(4)}},
        {targets["rate"].pk: {12: Decimal(4)}},  # a rate reported as a rate has no year-to-date amount
        {targets["invest"].pk: {13: Decimal(4)}},
        {targets["invest"].pk: {12: Decimal("-4")}},
        {targets["count"].pk: {12: Decimal("4.5")}},
        {targets["invest"].pk: {12: Decimal("1.23456")}},
    ):
        with pytest.raises(GridRefused):
            grid_save(plan, values)
    with pytest.raises(GridRefused):
        grid_save(plan, {}, time_basis="lunar")
    assert not Target.objects.filter(baseline_by_month__isnull=False).exists()
    assert not PendingPlanRecompute.objects.exists()


def test_a_draft_owes_no_recompute_and_an_unchanged_grid_changes_nothing(zone, targets, plan):
    assert grid_save(plan, {targets["invest"].pk: {12: Decimal(96)}}) == 1
    PendingPlanRecompute.objects.all().delete()
    assert grid_save(plan, {targets["invest"].pk: {12: Decimal("96.00")}}) == 0
    assert not PendingPlanRecompute.objects.exists()
    draft = PlanFactory(zone=zone, start_year=2026, end_year=2026, status="draft")
    target = TargetFactory(task=TaskFactory(plan=draft), unit="亿元", value=Decimal(5))
    assert grid_save(draft, {target.pk: {12: Decimal(4)}}, time_basis="seasonal") == 1
    assert not PendingPlanRecompute.objects.filter(plan=draft).exists()
