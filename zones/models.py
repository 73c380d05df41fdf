"""Regions, zones, their units, and who holds which role where."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import CleanTextModel
from zones.choices import UNIT_ROLES, RegionLevel, Role, UnitKind, WebhookEvent, WebhookKind, ZoneKind


class Region(CleanTextModel):
    """A province or a city, so that a region can compare its zones."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="region_unique_top_level_name"
            ),
            # A province is top level; a city sits in a province.
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | Q(level=RegionLevel.CITY, parent__isnull=False),
                name="region_level_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name}{self.name}" if self.parent_id and self.parent else self.name


class Zone(CleanTextModel):
    """A development zone's administration: the owner of a plan."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=ZoneKind.choices, default=ZoneKind.DEVELOPMENT)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="zones")
    separation_of_duties = models.BooleanField(
        _("separation of duties"),
        default=True,
        help_text=_("The person who approves a report must not be the one who submitted it."),
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Unit(CleanTextModel):
    """An office of a zone (局、办、中心、街道) that leads or co-operates on tasks."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, default=UnitKind.OTHER)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["zone", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="unit_unique_name_in_zone")]

    def __str__(self) -> str:
        return self.name


class Membership(CleanTextModel):
    """A user's role in a zone, and for staff and reviewers the unit they act for.

    A user may hold several memberships (a reviewer of one unit who also
    leads, say). ``zone`` is stored even when ``unit`` is set so that
    zone-wide lookups need no join; ``clean`` keeps the two consistent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["zone", "unit", "role"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=UNIT_ROLES) | Q(unit__isnull=False),
                name="membership_unit_role_needs_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"], condition=Q(unit__isnull=False), name="membership_unique_unit_role"
            ),
            models.UniqueConstraint(
                fields=["user", "zone", "role"], condition=Q(unit__isnull=True), name="membership_unique_zone_role"
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id and self.unit else str(self.zone)
        return f"{self.user} · {where} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.unit_id and self.zone_id and self.unit.zone_id != self.zone_id:
            raise ValidationError({"unit": _("The unit must belong to the membership's zone.")})
        if self.role in UNIT_ROLES and not self.unit_id:
            raise ValidationError({"unit": _("Reporting staff and reviewers need a unit.")})


class RegionAccess(CleanTextModel):
    """Read access for a city's or province's office to every zone of the
    region (and of its cities), for comparing zones side by side."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="region_accesses"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="accesses")

    class Meta:
        verbose_name = _("region access")
        verbose_name_plural = _("region accesses")
        ordering = ["region", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="regionaccess_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.region}"


class ZoneWebhook(CleanTextModel):
    """A zone work group's robot (企业微信 or 钉钉 group robot) that the app
    posts chosen events to: notices issued, seriously lagging items, the
    monthly reminder of who has yet to report. The zone's administrator keeps
    it (``zones.policy.can_manage_webhooks``); ``zones.webhooks`` posts to it
    from a worker and records each post as a ``WebhookPost``.
    """

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("platform"), max_length=16, choices=WebhookKind.choices)
    url = models.URLField(_("robot address"), max_length=500)
    # 钉钉's "加签" secret; when set, each post carries timestamp and sign.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["zone", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.zone} {self.name}"


class WebhookPost(CleanTextModel):
    """One message owed to, or posted to, a group robot: the record of
    whether it went (``sent_at``) or why it did not (``last_error``,
    ``failed_at`` once given up). Written in the transaction of the change it
    tells about; a worker posts it (``zones.tasks.post_webhook``)."""

    webhook = models.ForeignKey(
        ZoneWebhook, verbose_name=_("group robot"), on_delete=models.CASCADE, related_name="posts"
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("group robot post")
        verbose_name_plural = _("group robot posts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["webhook", "-created_at"], name="webhookpost_recent_idx")]

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.event} {self.created_at:%Y-%m-%d %H:%M}"
