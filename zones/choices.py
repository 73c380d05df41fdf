from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")


class ZoneKind(models.TextChoices):
    HIGH_TECH = "high_tech", _("High-tech zone")
    DEVELOPMENT = "development", _("Development zone")
    DEMONSTRATION = "demonstration", _("Demonstration zone")
    OTHER = "other", _("Other")


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    OFFICE = "office", _("Office")
    CENTER = "center", _("Center")
    STREET = "street", _("Sub-district / township")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """What a membership lets a user do. Staff and reviewers act for one unit;
    the other roles act zone-wide."""

    STAFF = "staff", _("Reporting staff")
    REVIEWER = "reviewer", _("Unit reviewer")
    LEADER = "leader", _("Leadership")
    SUPERVISOR = "supervisor", _("Supervision team")
    ADMIN = "admin", _("Zone administrator")


UNIT_ROLES = (Role.STAFF, Role.REVIEWER)


class WebhookKind(models.TextChoices):
    """The group robots the app can post to; each takes its own JSON (``zones.webhooks``)."""

    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class WebhookEvent(models.TextChoices):
    """What a zone may send to its work group's robot."""

    NOTICE_ISSUED = "notice_issued", _("Follow-up notices issued")
    REPORTS_DUE = "reports_due", _("Monthly reports due")
