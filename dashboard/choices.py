from django.db import models
from django.utils.translation import gettext_lazy as _


class LeftOut(models.TextChoices):
    """Why a zone of a region is not in the comparison of a year
    (dashboard.regions.compare): the page names each zone left out and why,
    in this order (those with a plan for the year first)."""

    ALONE = "alone", _("No other zone has a plan for this year")
    DUE_ANOTHER_YEAR = (
        "due_another_year",
        _("No comparable indicator: its target for this indicator is due in another year"),
    )
    NOTHING_DUE = "nothing_due", _("No comparable indicator: none of its targets is due in this year")
    NO_COMMON_INDICATOR = (
        "no_common_indicator",
        _("No comparable indicator: none of its targets for this year is shared by another zone"),
    )
    NOT_THIS_INDICATOR = (
        "not_this_indicator",
        _("No comparable indicator: it has no target of this indicator and kind for this year"),
    )
    NOT_PUBLISHED = "not_published", _("Its plan for this year is not published")
    NO_PLAN = "no_plan", _("No plan for this year")
