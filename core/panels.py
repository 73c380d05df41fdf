"""Boxes one app puts on another app's page, so that neither imports the other.

The plan dashboard shows the zone's follow-up notices and the ranking of units,
which belong to supervision; dashboard and supervision sit side by side in the
layers and must not know each other. So supervision, when it starts
(``SupervisionConfig.ready``), registers a provider for each box under a slot
named here, and the dashboard asks the slot for its boxes and shows their HTML
where the slot stands. A provider returns ``None`` when it has nothing to show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString

# The slots of the plan dashboard: above its list of what lags, and at its end.
# A provider is called with plan=, period= and today=.
PLAN_DASHBOARD_TOP = "plan_dashboard.top"
PLAN_DASHBOARD_END = "plan_dashboard.end"
# The slot of a target's page (a task item's page is its task's), under its
# facts: called with target= and request= (a box may hold a form).
TARGET_PAGE = "target_page.boxes"


@dataclass(frozen=True)
class Panel:
    """A rendered box. ``name`` says what it is (for tests and the page's ids)."""

    name: str
    html: SafeString
    order: int = 0


Provider = Callable[..., Panel | None]
_providers: dict[str, list[Provider]] = defaultdict(list)


def provides(slot: str) -> Callable[[Provider], Provider]:
    """Register a function as a provider of boxes for ``slot`` (a decorator)."""

    def register(provider: Provider) -> Provider:
        if provider not in _providers[slot]:
            _providers[slot].append(provider)
        return provider

    return register


def panels(slot: str, **facts) -> list[Panel]:
    """The boxes of ``slot`` for these facts, in their order."""
    found = [panel for provider in _providers[slot] if (panel := provider(**facts)) is not None]
    return sorted(found, key=lambda panel: panel.order)
