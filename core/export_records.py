"""The record of every file taken out of the app (``ExportRecord``): the one
function each export, ledger, bulletin and period sheet download calls."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from core import clock
from core.models import ExportRecord
from core.people import display_name
from core.text import xml_safe

_LIMITS = {"title": 300, "file_name": 255, "user_name": 150}


def _short(text: str, field: str) -> str:
    return xml_safe(str(text))[: _LIMITS[field]]


def record_export(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    kind: str,
    title: str,
    file_name: str,
    zone_ids: Iterable[int],
    filters: str = "",
    rows: int | None = None,
) -> list[ExportRecord]:
    """Record that ``user`` took the file ``file_name`` (``kind``, one of
    ``ExportRecord.Kind``; ``title`` says what it holds, ``filters`` in words
    which part) holding the figures of ``zone_ids``: one record per zone (one
    without a zone when there is none), stamped now. Text is kept within its
    column and without control characters, so recording never refuses a download."""
    person = user if user is not None and user.is_authenticated else None
    common = {
        "user": person,
        "user_name": _short(display_name(person, nobody="—"), "user_name"),
        "kind": ExportRecord.Kind(kind),
        "title": _short(title, "title"),
        "filters": xml_safe(str(filters)),
        "file_name": _short(file_name, "file_name"),
        "rows": rows,
        "at": clock.now(),
    }
    zones = sorted(set(zone_ids)) or [None]
    return ExportRecord.objects.bulk_create(ExportRecord(zone_id=zone, **common) for zone in zones)
