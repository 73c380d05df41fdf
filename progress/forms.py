"""Forms of progress entry and review. The period form itself is parsed in
views (one row per target) and validated by the service."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm
from core.params import INTEGER_MAX, parse_int
from core.text import REASON_LIMIT
from progress.contributions import ContributionInput
from progress.services import RowInput
from targets.choices import Standing


class ReturnForm(CleanTextForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Write the reason for returning.")},
    )


class CorrectionForm(CleanTextForm):
    value = forms.CharField(label=_("Corrected year-to-date value"), max_length=40)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Write the reason for the correction.")},
    )
    # Shown when the checks find the figure implausible (progress.services.report_correct).
    confirmed = forms.BooleanField(label=_("I confirm this figure"), required=False)
    # The version of the report the page showed: a correction made on a stale copy is refused.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            key: _("The page was out of date: reload it and correct again.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )

    def __init__(self, *args, standing: bool = False, **kwargs):
        """``standing``: the report is a task item's, whose figure is chosen
        from the three standings (its code is sent, read like a typed one)."""
        super().__init__(*args, **kwargs)
        if standing:
            field = self.fields["value"]
            field.label = _("Where the task stands")
            field.widget = forms.Select(
                choices=[("", _("— choose —"))] + [(str(choice.value), choice.label) for choice in reversed(Standing)]
            )


class ReopenForm(CleanTextForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    period = forms.CharField(label=_("Period (YYYY-MM)"), max_length=7)
    until = forms.DateField(label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_LIMIT)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_period(self):
        from plans.periods import Period

        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(_("Write the period as year and month, e.g. 2026-03.")) from None


class LateRequestForm(CleanTextForm):
    """The staff's request to report a closed month late (补报申请)."""

    reason = forms.CharField(
        label=_("Why must the month be reported late?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Write why the month must be reported late.")},
    )


class LateGrantForm(CleanTextForm):
    """The zone office grants a late report until a day."""

    until = forms.DateField(
        label=_("May report until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the last day on which the unit may report."),
            "invalid": _("Write the date as year-month-day, e.g. 2026-03-31."),
        },
    )
    note = forms.CharField(
        label=_("Note to the unit (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
        required=False,
    )


class LateRefuseForm(CleanTextForm):
    """The zone office refuses a late report, saying why."""

    reason = forms.CharField(
        label=_("Why is the late report refused?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Write why the late report is refused.")},
    )


def rows_from_post(data, target_ids: list[int]) -> list[RowInput]:
    """Read the period form's rows (fields ``r<target id>-<name>``) for the given targets."""
    rows = []
    for target_id in target_ids:
        prefix = f"r{target_id}-"
        if f"{prefix}present" not in data:
            continue  # a row that was read-only on the page
        rows.append(
            RowInput(
                target_id=target_id,
                raw_value=data.get(f"{prefix}value", "")[:60],
                progress=data.get(f"{prefix}progress", ""),
                problems=data.get(f"{prefix}problems", ""),
                next_steps=data.get(f"{prefix}next_steps", ""),
                value_note=data.get(f"{prefix}value_note", ""),
                confirmed=data.get(f"{prefix}confirmed") == "1",
                # Not a version (core.params): None, so a save over a report is refused as stale.
                version=parse_int(data.get(f"{prefix}version"), low=1, high=INTEGER_MAX),
            )
        )
    return rows


_PART_PRESENT = re.compile(r"c\d+-present")


def contributions_sent(data) -> bool:
    """Whether the form sent any co-operating unit's part (a unit that
    co-operates on nothing sends none, and its save reads no parts)."""
    return any(_PART_PRESENT.fullmatch(name) for name in data)


def contributions_from_post(data, target_ids: list[int]) -> list[ContributionInput]:
    """Read the co-operating unit's parts on the period form (fields
    ``c<item id>-<name>``) for the given task items."""
    parts = []
    for target_id in target_ids:
        prefix = f"c{target_id}-"
        if f"{prefix}present" not in data:
            continue  # a part that was read-only on the page
        parts.append(
            ContributionInput(
                target_id=target_id,
                progress=data.get(f"{prefix}progress", ""),
                problems=data.get(f"{prefix}problems", ""),
                next_steps=data.get(f"{prefix}next_steps", ""),
                version=parse_int(data.get(f"{prefix}version"), low=1, high=INTEGER_MAX),
            )
        )
    return parts


class SheetUploadForm(CleanTextForm):
    file = forms.FileField(
        label=_("Filled-in period sheet (.xlsx)"),
        allow_empty_file=True,  # the sheet reader says why an empty file is refused
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class LastYearSheetForm(CleanTextForm):
    """The filled-in sheet of a plan's last-year figures (targets.last_year_sheet)."""

    file = forms.FileField(
        label=_("Filled-in sheet of last year's figures (.xlsx)"),
        allow_empty_file=True,  # the sheet reader says why an empty file is refused
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
