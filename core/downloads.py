"""Files handed to the browser: the one place a download's headers are set.

Every download (the list exports, the ledgers, the period sheet, the
bulletin) holds a zone's figures and its staff's words, and is only for the
user who asked: ``attach`` names the file and tells every cache (a proxy, or
the browser's disk cache on a shared office computer) not to keep it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import quote

from django.http import HttpResponseBase

Response = TypeVar("Response", bound=HttpResponseBase)
NOT_STORED = "private, no-store"


def attachment_header(filename: str, *, fallback: str) -> str:
    """A Content-Disposition value for a download: an ASCII ``fallback`` name
    for old clients and the real (e.g. Chinese) name per RFC 5987/6266."""
    ascii_name = "".join(ch for ch in fallback if ch.isascii() and ch.isprintable() and ch not in '"\\')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attach(response: Response, *, filename: str, fallback: str) -> Response:
    """``response`` as a download named ``filename`` that no cache keeps."""
    response["Content-Disposition"] = attachment_header(filename, fallback=fallback)
    response["Cache-Control"] = NOT_STORED
    return response


# Characters no file name may hold on the systems an office uses (Windows the strictest).
_UNSAFE_IN_NAMES = set('\\/:*?"<>|')


def safe_name_part(text: str) -> str:
    """``text`` as part of a file name: without what Windows refuses in a name
    nor control characters, white space closed up."""
    kept = "".join(ch for ch in str(text) if ch.isprintable() and ch not in _UNSAFE_IN_NAMES)
    return "".join(kept.split())


def export_filename(parts: Sequence[str], *, extension: str, fallback: Sequence[str]) -> tuple[str, str]:
    """(the name shown, an ASCII fallback) of an export that says what it is:
    its parts (what, whose, which period, the date) joined by "_",
    e.g. 严重滞后清单_高新区_2014年1-6月_20261207.xlsx."""
    name = "_".join(part for part in (safe_name_part(part) for part in parts) if part) or "export"
    ascii_parts = ("".join(ch for ch in safe_name_part(part) if ch.isascii()) for part in fallback)
    ascii_name = "_".join(part for part in ascii_parts if part) or "export"
    return f"{name}.{extension}", f"{ascii_name}.{extension}"
