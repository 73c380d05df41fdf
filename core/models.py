"""Cross-cutting records: the log of background job runs; and the base of the
project's models."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text import validate_text


class CleanTextModel(models.Model):
    """A model whose text fields refuse what no file format can carry (``core.text``)
    when the model is validated: in the admin and any ModelForm, beside each field.

    A check in ``clean_fields`` rather than a validator on each field: one
    place for every text field, present and future, and no migration.
    Fields with choices are left to their own, stricter check.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        excluded = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.name in excluded or field.choices or not isinstance(field, models.CharField | models.TextField):
                continue
            try:
                validate_text(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


class JobRun(CleanTextModel):
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
