"""A figure is stored and read back exactly, on SQLite and PostgreSQL alike: the
one definition (core.figures), its validator, and every page that reads what
the API accepted."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.figures import LARGEST, figure_problem, figure_text
from core.templatetags.taizhang import figure, figure_input
from progress.models import Report
from tests.factories import MembershipFactory, ReportFactory, UserFactory
from zones.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def pages(desk) -> dict[str, str]:
    period = {"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"}
    return {
        "home": reverse("progress:mine"),
        "period": reverse("progress:period", kwargs=period),
        "target": reverse("progress:target", kwargs={"target_id": desk.amount.pk}),
        "sheet": reverse("progress:sheet_download", kwargs=period),
    }


def visit_everything(client, desk) -> dict[str, object]:
    """Every page and list that reads the unit's figures, as staff, a leader and the admin."""
    leader = MembershipFactory(zone=desk.plan.zone, unit=None, role=Role.LEADER).user
    client.force_login(desk.staff)
    answers = {name: client.get(url) for name, url in pages(desk).items()}
    answers["api as staff"] = api_for(desk.staff).get("/api/v1/reports/")
    answers["api as leader"] = api_for(leader).get("/api/v1/reports/")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    answers["admin list"] = client.get("/admin/progress/report/")
    for report in Report.objects.all():
        answers[f"admin {report.pk}"] = client.get(f"/admin/progress/report/{report.pk}/change/")
    return answers


def test_the_largest_figure_saved_by_the_api_reads_back_exactly_everywhere(client, desk):
    largest = "99999999999.9999"  # in 亿元: a figure in 个 is a whole number
    created = api_for(desk.staff).post(
        "/api/v1/reports/",
        {"target": desk.amount.pk, "year": 2026, "month": 3, "value": largest, "confirmed": True},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert Decimal(created.json()["value"]) == LARGEST == Decimal(largest)
    answers = visit_everything(client, desk)
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 200)
    for name in ("home", "target"):
        assert "99,999,999,999.9999" in answers[name].content.decode(), name
    assert 'value="99999999999.9999"' in answers["period"].content.decode()  # the draft's input
    for name in ("api as staff", "api as leader"):
        assert [row["value"] for row in answers[name].json()["results"]] == [largest], name
    sheet = load_workbook(io.BytesIO(answers["sheet"].content))["填报"]
    typed = [row[6] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2] == desk.amount.indicator]
    assert [Decimal(str(value)) for value in typed] == [Decimal(largest)]


@pytest.mark.parametrize("typed", ["9999999999999999.9999", "9999999999999999", "100000000000", "1234567890123.4567"])
def test_a_figure_the_database_cannot_hold_is_refused_and_every_page_still_answers(client, desk, typed):
    ReportFactory(target=desk.amount, year=2026, month=3, value=Decimal("12.5"), status="draft")
    refused = api_for(desk.staff).post(
        "/api/v1/reports/",
        {"target": desk.count.pk, "year": 2026, "month": 3, "value": typed, "confirmed": True},
        format="json",
    )
    assert refused.status_code == 400 and list(refused.json()) == ["value"]
    assert not Report.objects.filter(target=desk.count).exists()
    answers = visit_everything(client, desk)
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 200)
    saved_after = api_for(desk.staff).post(
        "/api/v1/reports/", {"target": desk.count.pk, "year": 2026, "month": 3, "value": "7"}, format="json"
    )
    assert saved_after.status_code == 201


# --- the validator and the column ------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["0", "-0", "0.0001", "-99999999999.9999", "99999999999.9999", "12345678901.2345", "1.50000000", "1E+3"],
)
def test_a_figure_that_fits_has_no_problem(value):
    assert figure_problem(Decimal(value)) is None


@pytest.mark.parametrize(
    "value",
    [
        "100000000000",
        "99999999999.99999",
        "0.00001",
        "0.000001",
        "1E+400",
        "1E-400",
        "NaN",
        "Infinity",
        "-Infinity",
        "1.00000000000000000000000000000001",  # more digits than Python's default precision
    ],
)
def test_a_figure_that_does_not_fit_is_named_as_a_problem(value):
    assert figure_problem(Decimal(value))


def test_a_float_is_never_a_figure():
    assert figure_problem(0.1)  # a float carries binary digits nobody typed


def figures_of_any_length():
    """Decimals of 1 to 18 significant digits with 0 to 6 places: both sides of every limit."""
    return st.builds(
        lambda sign, digits, places: Decimal(f"{sign}{digits}").scaleb(-places),
        st.sampled_from(["", "-"]),
        st.integers(1, 18).flatmap(lambda n: st.integers(10 ** (n - 1), 10**n - 1)),
        st.integers(0, 6),
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        figures_of_any_length(),
        st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-LARGEST, max_value=LARGEST),
        st.decimals(allow_nan=True, allow_infinity=True),
    )
)
def test_every_figure_the_validator_accepts_reads_back_from_the_database_as_typed(desk, value):
    report = Report.objects.filter(target=desk.count, year=2026, month=3).first() or ReportFactory(
        target=desk.count, year=2026, month=3, status="draft"
    )
    if figure_problem(value) is not None:
        return
    report.value = value
    report.save(update_fields=["value"])
    assert Report.objects.values_list("value", flat=True).get(pk=report.pk) == value


# --- writing a figure: core.figures.figure_text -------------------------------------------


@pytest.mark.parametrize(
    ("value", "plain", "grouped"),
    [
        (Decimal("15.7600"), "15.76", "15.76"),
        (Decimal("6.0000"), "6", "6"),
        (Decimal("32000.0000"), "32000", "32,000"),
        (Decimal("3.2E+4"), "32000", "32,000"),
        (Decimal("0.0001"), "0.0001", "0.0001"),
        (Decimal("-1234.5000"), "-1234.5", "-1,234.5"),
        (LARGEST, "99999999999.9999", "99,999,999,999.9999"),
        (7, "7", "7"),
    ],
)
def test_a_figure_is_written_without_trailing_zeros_or_exponent(value, plain, grouped):
    assert figure_text(value) == plain
    assert figure_text(value, grouped=True) == grouped


def test_a_figure_is_written_exactly_beyond_a_decimal_contexts_precision():
    digits = "1." + "3" * 40
    assert figure_text(Decimal(digits)) == digits


def test_no_figure_is_written_as_the_caller_asks():
    assert figure_text(None) == "—"
    assert figure_text(None, blank="") == ""


def test_the_pages_filters_write_what_figure_text_writes():
    assert figure(Decimal("12345.6700")) == figure_text(Decimal("12345.67"), grouped=True) == "12,345.67"
    assert figure_input(Decimal("12345.6700")) == figure_text(Decimal("12345.67")) == "12345.67"
    assert (figure(None), figure_input(None), figure("n/a")) == ("—", "", "n/a")
