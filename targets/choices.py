from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    AMOUNT = "amount", _("Amount")
    GROWTH_RATE = "growth_rate", _("Growth rate")
    RATIO = "ratio", _("Ratio")
    CEILING = "ceiling", _("Ceiling")
    DECREASE = "decrease", _("Decrease")
    MILESTONE = "milestone", _("Milestone")


QUANTITATIVE_KINDS = (
    TargetKind.AMOUNT,
    TargetKind.GROWTH_RATE,
    TargetKind.RATIO,
    TargetKind.CEILING,
    TargetKind.DECREASE,
)
# Kinds whose reported figure may legitimately be negative (a fall, a rise against a decrease target).
SIGNED_KINDS = (TargetKind.GROWTH_RATE, TargetKind.DECREASE)


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    RANGE = "range", _("range")
    EXACTLY = "==", _("exactly (a fixed set)")


class ReportedAs(models.TextChoices):
    """How a growth or decrease target is reported: the year-to-date rate
    itself, or the year-to-date amount from which the rate is computed
    against the baseline's same period."""

    RATE = "rate", _("the rate")
    AMOUNT = "amount", _("the amount")
