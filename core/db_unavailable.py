"""A lost or unreachable database answers 503, not a server error.

When the connection drops in the middle of a request (the server restarts,
a failover, a network cut), the request's transaction is rolled back by the
database, so nothing of it was saved. This middleware tells the user so
(a short page, or JSON under /api/) with ``Retry-After``, instead of the
generic 500, and logs the error with its traceback for the operators.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database unavailable during %s %s", request.method, request.path, exc_info=exception)
        message = _("The database could not be reached, so nothing was saved. Please try again in a minute.")
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=503, headers=headers)
        # Rendered without the request: no context processor may touch the database.
        page = render_to_string("503.html", {"message": message})
        return HttpResponse(page, status=503, headers=headers)
