"""What a user sees when django-axes refuses a login after too many failures."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_OUT_STATUS = 429  # Too Many Requests


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return _(
        "Too many failed logins for this username from your address: logging in is blocked for "
        "%(minutes)s minutes. Try again later, or ask your zone administrator to reset your password."
    ) % {"minutes": minutes}


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The login page again, with the reason and no way round it but waiting (JSON for API clients)."""
    message = lockout_message()
    wants_json = request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest"
    if wants_json:
        return JsonResponse({"detail": message}, status=LOCKED_OUT_STATUS)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "registration/locked_out.html",
        {"message": message, "username": username, "next": request.POST.get("next", "")},
        status=LOCKED_OUT_STATUS,
    )
