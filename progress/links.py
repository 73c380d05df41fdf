"""Where a unit's period form is, as pages, notifications and the home page's
to-do link to it: one definition of the address, a row's anchor included."""

from __future__ import annotations

from django.urls import reverse

from plans.periods import Period


def period_form_url(*, plan_id: int, unit_id: int, period: Period, target_id: int | None = None) -> str:
    """The unit's period form, at one target's row when given (``#row-<id>``)."""
    url = reverse("progress:period", kwargs={"plan_id": plan_id, "unit_id": unit_id, "period": str(period)})
    return f"{url}#row-{target_id}" if target_id else url
