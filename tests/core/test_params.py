"""Numbers read from requests: only ASCII digits, no sign, within the column's range."""

import pytest
from django.urls import Resolver404, resolve, reverse

from core.params import ID_MAX, IdConverter, parse_id, parse_ids, parse_int

NOT_IDS = [
    "",
    " 7",
    "7 ",
    "+7",
    "-7",
    "0",
    "7.0",
    "1e3",
    "7_0",
    "²",  # str.isdigit() accepts it, int() does not
    "٣",  # int() reads Arabic-Indic digits; an id is written in ASCII
    "７",  # a full-width digit
    "9" * 5000,  # int() refuses more than 4,300 digits with a ValueError
    str(ID_MAX + 1),
    "99999999999999999999",  # beyond bigint: SQLite raises OverflowError
    None,
    7,
    ["7"],
]


@pytest.mark.parametrize("value", NOT_IDS)
def test_anything_but_ascii_digits_within_the_id_range_is_not_an_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("42", 42), ("007", 7), (str(ID_MAX), ID_MAX)])
def test_an_id_is_read(value, expected):
    assert parse_id(value) == expected


def test_a_list_of_ids_keeps_the_good_ones_in_order_without_repeats():
    assert parse_ids(["3", "²", "1", "9" * 5000, "3", "", "2"]) == [3, 1, 2]


def test_a_list_of_ids_is_read_no_further_than_a_request_carries_fields(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    assert parse_ids(["1", "2", "x", "4"]) == [1, 2]


def test_a_bounded_number_is_refused_outside_its_bounds():
    assert parse_int("2014", low=2000, high=2100) == 2014
    assert parse_int("2101", low=2000, high=2100) is None
    assert parse_int("1999", low=2000, high=2100) is None
    assert parse_int("0", low=0, high=10) == 0


def test_the_id_path_converter_reads_what_parse_id_reads():
    converter = IdConverter()
    assert converter.to_python("42") == 42
    assert converter.to_url(42) == "42"
    with pytest.raises(ValueError):
        converter.to_python(str(ID_MAX + 1))


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/plans/{}/",
        "/progress/targets/{}/",
        "/supervision/notices/{}/",
        "/supervision/notices/{}/answer/",
        "/supervision/ledger/1/units/{}.xlsx",
        "/imports/plans/{}/",
    ],
)
def test_a_path_with_an_id_beyond_the_range_is_not_found_before_any_view_runs(path):
    assert resolve(path.format(ID_MAX)).kwargs
    for beyond in (str(ID_MAX + 1), "99999999999999999999", "9" * 5000):
        with pytest.raises(Resolver404):
            resolve(path.format(beyond))


def test_urls_are_still_reversed_with_ids():
    assert reverse("dashboard:plan", args=[12]) == "/dashboard/plans/12/"


@pytest.mark.django_db
@pytest.mark.parametrize("beyond", [str(ID_MAX + 1), "99999999999999999999", "9" * 5000])
def test_a_notice_step_posted_to_an_id_beyond_the_range_is_not_found(client, beyond):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post(f"/supervision/notices/{beyond}/answer/", {"reason": "x"}).status_code == 404
    assert client.post("/supervision/notices/1/dance/").status_code == 404
