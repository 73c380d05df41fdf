"""Whole numbers read from a request: ids in query strings, forms and paths,
and bounded numbers such as a year, a month or a report's version.

One parser, because Python's own checks each accept more than a request
should: ``"²".isdigit()`` is true, yet ``int("²")`` raises; ``int()`` reads
``" 7"``, ``"+7"``, ``"7_0"`` and Arabic-Indic digits, and raises on more than
4,300 digits; and a number beyond a column's range fails in the database
(SQLite raises OverflowError) instead of matching nothing. So a value is a
number here only when it is 1 to a few ASCII digits, without sign or space,
within the bounds given; anything else is ``None``, never an exception.

What a caller does with ``None`` depends on what the value is for, the same
way everywhere:

- **It names the one object the page is about** (``?plan=`` of the ranking,
  the ledger and the bulletins): the request is malformed, a 400. A
  well-formed id of an object that does not exist or is not visible stays a
  404 or 403, as before: that is a question about the data, not the request.
- **It is one of several ids to act on or select** (the review's ``report``
  boxes, the notice form's ``target``\\ s): it is ignored, as an id outside the
  user's scope is; when nothing is left the page says "select at least one".
- **It narrows a list through a filter form** (the supervision lists and
  their exports, the API's filters, the import page's zone): the form's own
  field refuses it as an invalid choice, so the page shows which filter is
  wrong (a 400); the code that reads the value before the form is cleaned
  (to pick the default period) ignores it.
- **It is a report's version**: ``None``, like a missing version, so a save
  over an existing report is refused as stale rather than overwriting it.
- **It is in the path**: the ``id`` converter does not match, a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.conf import settings

INTEGER_MAX = 2_147_483_647
"""The largest value of a PostgreSQL ``integer`` column: the user table's id
(Django's auth app keeps ``AutoField``) and a report's ``version``."""

ID_MAX = INTEGER_MAX
"""The largest id read anywhere: pages, paths and the API (whose schema says
the same maximum). The project's own tables have ``bigint`` ids, but one
bound for every id keeps pages and API in agreement and covers the users'
``integer`` ids; none of this app's tables comes near 2**31 rows (results
and flags are upserted, not rewritten, on each recompute)."""


def parse_int(value: object, *, low: int = 0, high: int) -> int | None:
    """``value`` as an int when it is a string of ASCII digits within
    ``low``..``high``, else None. Its length is checked before ``int()`` runs,
    so a 5,000-digit value costs nothing."""
    if not isinstance(value, str) or not 0 < len(value) <= len(str(high)):
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if low <= number <= high else None


def parse_id(value: object) -> int | None:
    """An object's id (1..ID_MAX) written in ASCII digits, else None."""
    return parse_int(value, low=1, high=ID_MAX)


def parse_ids(values: Iterable[object]) -> list[int]:
    """The values that are ids, in their order, each once; the others are dropped.

    Only the first DATA_UPLOAD_MAX_NUMBER_FIELDS values are read: no page sends
    more ids than a request may carry fields, and a comma-separated list is
    not otherwise bounded (300,000 ids overflow SQLite's query parameters)."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 10_000  # None: Django does not count fields
    return list(dict.fromkeys(number for number in map(parse_id, islice(values, limit)) if number is not None))


class IdConverter:
    """The ``<id:name>`` path converter: what ``parse_id`` reads, so a path
    with an id beyond the range is a 404 before any view or query runs
    (Django's ``<int:>`` matches any number of digits)."""

    regex = f"[0-9]{{1,{len(str(ID_MAX))}}}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"not an id: {value!r}")  # Django reads a ValueError as "no match"
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
