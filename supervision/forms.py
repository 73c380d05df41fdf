"""Forms of supervision. They validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm
from core.text import TEXT_LIMIT
from plans.periods import Period, period_label
from supervision.choices import ANSWER_FIELDS, AnswerKind, InstructionState, InstructionSubject
from supervision.models import INSTRUCTION_LIMIT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, *, required: bool = True, message=None) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE,
        required=required,
        error_messages={
            "required": message or _("Give a date."),
            "invalid": _("Write the date as year-month-day, e.g. 2026-03-31."),
        },
    )


def _text_field(label, *, required: bool = True, message=None, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=TEXT_LIMIT,
        required=required,
        error_messages={"required": message or _("This field is required.")},
    )


def period_choices(plan) -> list[tuple[str, str]]:
    return [
        (str(Period(year, month)), str(period_label(year, month)))
        for year in range(plan.end_year, plan.start_year - 1, -1)
        for month in range(12, 0, -1)
    ]


class IssueForm(CleanTextForm):
    targets = forms.CharField(widget=forms.HiddenInput, required=False)
    period = forms.CharField(widget=forms.HiddenInput)
    reply_by = _date_field(_("Answer by"), message=_("Give the date by which the unit must answer."))
    requirement = _text_field(_("Requirement"), message=_("Write what the unit must do."), rows=4)

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(_("Write the period as year and month, e.g. 2026-03.")) from None


class AnswerForm(CleanTextForm):
    """The answer to a notice: the fields its kind asks for
    (``supervision.choices.ANSWER_FIELDS``), in that order, with their labels."""

    reason = _text_field(_("Why it lags"))
    measures = _text_field(_("Measures"))
    expected = _date_field(_("On track again by"))

    def __init__(self, *args, kind: str = AnswerKind.LAGGING, **kwargs):
        super().__init__(*args, **kwargs)
        asked = ANSWER_FIELDS[kind]
        self.kind = kind
        for name in list(self.fields):
            if name not in asked:
                del self.fields[name]
        self.order_fields(list(asked))
        for name, (label, message) in asked.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = message


class SignOffForm(CleanTextForm):
    note = _text_field(_("Note"), required=False, rows=2)


class ReturnAnswerForm(CleanTextForm):
    note = _text_field(_("What the answer lacks"), message=_("Write what the answer lacks."), rows=2)


class ExtensionForm(CleanTextForm):
    until = _date_field(_("New answer date"), message=_("Give the date you ask for."))
    reason = _text_field(_("Why more time is needed"), message=_("Write why more time is needed."), rows=2)


class GrantForm(CleanTextForm):
    note = _text_field(_("Note"), required=False, rows=2)


class RefuseForm(CleanTextForm):
    note = _text_field(_("Why the extension is refused"), message=_("Write why the extension is refused."), rows=2)


class CloseForm(CleanTextForm):
    note = _text_field(_("Closing note"), message=_("Write the closing note."), rows=2)
    confirm = forms.BooleanField(
        label=_("Close it although items are still behind"),
        required=False,
    )


class BulletinForm(CleanTextForm):
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(plan)

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])


class ExportRecordFilterForm(CleanTextForm):
    """The filters of the export record: zone, kind, who, from and to which day."""

    zone = forms.TypedChoiceField(label=_("Zone"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    who = forms.CharField(label=_("Exported by"), required=False, max_length=150)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, zones, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _("All")), *((zone.pk, str(zone)) for zone in zones)]
        self.fields["kind"].choices = [("", _("All")), *kinds]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The first day comes after the last."))
        return data


class InstructionForm(CleanTextForm):
    """A leader's instruction on a target, a task or a notice (``subject`` and ``subject_id``
    name which; the service decides whether the user may write it)."""

    subject = forms.ChoiceField(choices=InstructionSubject.choices, widget=forms.HiddenInput)
    subject_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        label=_("Instruction"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": INSTRUCTION_LIMIT}),
        max_length=INSTRUCTION_LIMIT,
        error_messages={"required": _("Write the instruction.")},
    )


class InstructionAnswerForm(CleanTextForm):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        error_messages={"required": _("Write the answer.")},
    )


class InstructionFilterForm(CleanTextForm):
    """The list's filters: state and answering unit."""

    state = forms.ChoiceField(label=_("State"), required=False)
    unit = forms.TypedChoiceField(label=_("Answering unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *InstructionState.choices]
        self.fields["unit"].choices = [("", _("All")), *((unit.pk, str(unit)) for unit in units)]
