"""Cross-cutting records: the log of background job runs."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a background job, so pages can say "computed at …" and
    failures are visible."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="running") | Q(finished_at__isnull=False), name="jobrun_finished_has_time"
            ),
        ]
        indexes = [models.Index(fields=["kind", "-started_at"], name="jobrun_kind_started_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"
