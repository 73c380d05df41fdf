"""Files handed to the browser: the one place a download's headers are set.

Every download (the list exports, the ledgers, the period sheet, the
bulletin) holds a zone's figures and its staff's words, and is only for the
user who asked: ``attach`` names the file and tells every cache (a proxy, or
the browser's disk cache on a shared office computer) not to keep it.
"""

from __future__ import annotations

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
