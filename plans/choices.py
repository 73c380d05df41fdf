from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    WORK_POINTS = "work_points", _("Work points")
    WORK_PLAN = "work_plan", _("Work plan")
    ACTION_PLAN = "action_plan", _("Action plan")
    WORK_REPORT = "work_report", _("Work report and arrangement")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# The statuses in which a plan is read (pages, lists, exports, the regions'
# comparison): published, and archived ones of past years; a draft is its
# zone administration's until published.
READABLE = (PlanStatus.PUBLISHED, PlanStatus.ARCHIVED)


class TimeBasis(models.TextChoices):
    """What time progress judges an amount's status against (DOMAIN.md,
    "Beyond straight-line time progress"); both are shown either way."""

    LINEAR = "linear", _("Straight line (N/12)")
    SEASONAL = "seasonal", _("Seasonal (last year's share by month)")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


# The thresholds that turn a gap into a status when a plan sets none of its
# own (DOMAIN.md): points behind time progress for amounts and milestones,
# points below target for rates and ratios, percent of a ceiling above it.
DEFAULT_AMOUNT_LAG_POINTS = Decimal(10)
DEFAULT_RATE_LAG_POINTS = Decimal(3)
DEFAULT_CEILING_LAG_PERCENT = Decimal(10)
DEFAULT_MILESTONE_LAG_POINTS = Decimal(25)
