"""The menu's figures on every page: returned figures, figures waiting for
my review, notices waiting for my answer, and the bell's unread
notifications. Each is read only when the template asks for it (a user
without the role never asks), each in one aggregate query, so a page costs
at most three more queries however much waits."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from core.notifications import unread_count
from progress.selectors import review_counts
from supervision.selectors import notices_to_answer


class Badges:
    """What a user's menu counts, read lazily."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def _reports(self) -> dict[str, int]:
        return review_counts(self.user)

    @property
    def returned(self) -> int:
        """Figures returned to the units the user enters for, not yet resubmitted."""
        return self._reports["returned"]

    @property
    def waiting(self) -> int:
        """Figures of the units the user reviews that wait for review."""
        return self._reports["waiting"]

    @cached_property
    def notices(self) -> int:
        """Follow-up notices waiting for the user's answer."""
        return notices_to_answer(self.user).count() if self.user.is_authenticated else 0

    @cached_property
    def unread(self) -> int:
        """The bell: unread notifications."""
        return unread_count(self.user)


def badges(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"badges": Badges(user)}
