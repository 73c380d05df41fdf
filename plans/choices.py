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


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
