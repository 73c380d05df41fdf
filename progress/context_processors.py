"""Template context of the late-report requests (补报申请) on every page: the
zone office's count of requests waiting for it (a badge in the navigation and
on the home page) and the staff's recent decisions (a notice on their home
page). Nothing is read until a template asks."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from core import clock
from progress.models import LateReportRequest
from progress.selectors import late_request_decisions, late_requests_waiting


class LateRequests:
    """What a user's pages say about late-report requests, read lazily."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def waiting(self) -> int:
        """Requests waiting for this user's decision (the zone office)."""
        if not self.user.is_authenticated:
            return 0
        return late_requests_waiting(self.user).count()

    @cached_property
    def decisions(self) -> list[LateReportRequest]:
        """Recent decisions on the requests of the units the user reports for."""
        if not self.user.is_authenticated:
            return []
        return list(late_request_decisions(self.user, today=clock.today()))


def late_requests(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"late_requests": LateRequests(user)}
