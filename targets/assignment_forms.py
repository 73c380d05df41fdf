"""The forms of a plan's assignment page: one row per task, adding a task, adding a target.

Units and leaders are offered by id from the zone's own (``plans.assignable``), read once for the
page, so the page's queries do not grow with its rows; a posted id that is not offered (another
zone's unit, a text) is refused beside its field. Figures are read by the one parser of figures.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from core.figures import read_plain
from core.forms import CleanTextForm
from plans.assignable import Assignable
from plans.models import Plan, Task
from targets.assignment import HEADING_LENGTH, NUMBER_LENGTH, addable_kinds, deadline_problem, lead_unit_kept

NOT_OFFERED = _("Choose one of the zone's own; “%(value)s” is not among them.")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Write the date as 2026-12-31.")}


class TaskRowForm(CleanTextForm):
    """One task's 牵头单位, 配合单位, 责任领导 and 完成时限."""

    lead_unit = forms.ChoiceField(label=_("Lead unit"), required=False)
    co_units = forms.MultipleChoiceField(
        label=_("Co-operating units"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        error_messages={"invalid_choice": NOT_OFFERED},
    )
    leader = forms.ChoiceField(label=_("Responsible leader"), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, assignable: Assignable, plan: Plan, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.task = plan, task
        units = assignable.unit_choices
        self.fields["lead_unit"].choices = [("", "—"), *units]
        self.fields["lead_unit"].error_messages["invalid_choice"] = NOT_OFFERED
        self.fields["co_units"].choices = units
        self.fields["leader"].choices = [("", "—"), *assignable.leader_choices]
        self.fields["leader"].error_messages["invalid_choice"] = NOT_OFFERED

    def clean_lead_unit(self) -> str:
        lead = self.cleaned_data.get("lead_unit") or ""
        problem = lead_unit_kept(self.plan, self.task, int(lead) if lead else None)
        if problem:
            raise forms.ValidationError(problem, code="kept")
        return lead

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        # A deadline left as imported stands; one typed here falls within the plan's years.
        if deadline != self.task.deadline:
            problem = deadline_problem(self.plan, deadline)
            if problem:
                raise forms.ValidationError(problem, code="outside")
        return deadline


def row_initial(task: Task) -> dict:
    """A row's fields as the task stands (its co-units prefetched)."""
    return {
        "lead_unit": str(task.lead_unit_id or ""),
        "co_units": [str(unit.pk) for unit in task.co_units.all()],
        "leader": str(task.leader_id or ""),
        "deadline": task.deadline,
    }


def task_choices(tasks: list[Task]) -> list[tuple[str, str]]:
    """Every task, indented by depth, for a select of where a task or target goes."""
    return [(str(task.pk), "\u3000" * task.depth + f"{task.number}{task.heading}"[:40]) for task in tasks]


class TaskAddForm(CleanTextForm):
    """A task the importer missed: where it goes, its number as written, its heading."""

    parent = forms.ChoiceField(label=_("Under"), required=False)
    number = forms.CharField(
        label=_("Task number"), max_length=NUMBER_LENGTH, help_text=_("As the plan writes it: 一、 (一) 1. (1)")
    )
    heading = forms.CharField(label=_("Heading"), max_length=HEADING_LENGTH)

    def __init__(self, *args, tasks: list[Task], **kwargs):
        super().__init__(*args, prefix="add-task", **kwargs)
        self.fields["parent"].choices = [("", _("(top level)")), *task_choices(tasks)]
        self.fields["parent"].error_messages["invalid_choice"] = _("Choose a task of this plan.")


class TargetAddForm(CleanTextForm):
    """A target the importer missed: its task, indicator, kind, value, unit and deadline."""

    task = forms.ChoiceField(label=_("Task"))
    indicator = forms.CharField(label=_("Indicator"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"))
    value = forms.CharField(
        label=_("Value"), required=False, max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit = forms.CharField(label=_("Unit"), required=False, max_length=20)
    deadline_date = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, tasks: list[Task], **kwargs):
        super().__init__(*args, prefix="add-target", **kwargs)
        self.fields["task"].choices = [("", "—"), *task_choices(tasks)]
        self.fields["task"].error_messages["invalid_choice"] = _("Choose a task of this plan.")
        self.fields["kind"].choices = [("", "—"), *addable_kinds()]

    def clean_value(self):
        raw = self.cleaned_data.get("value", "")
        if not raw.strip():
            return None
        number = read_plain(unicodedata.normalize("NFKC", raw).strip())  # full-width digits read as digits
        if number is None:
            raise forms.ValidationError(
                _("“%(raw)s” is not a number: write it as 12 or 3.5, its unit in the unit box.") % {"raw": raw.strip()},
                code="number",
            )
        return number
