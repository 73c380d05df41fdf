"""Forms of the import pages.

The upload form takes a file or pasted text and reads it (``imports.reading``). The review is a
set of small forms over one proposal: one per task, milestone and target, and one for the plan's
title and kind. The proposal itself travels between the steps as a signed token in a hidden
field, so that nothing is written before the administrator confirms; the posted fields are
edits applied to that untouched proposal each time the form comes back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core import signing
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.figures import figure_text
from core.forms import CleanTextForm
from core.people import display_name
from core.uploads import UploadRefused, check_plan_document, check_size
from imports.reading import ImportRefused, text_from_bytes, text_from_str
from imports.services import (
    ParsedMilestone,
    ParsedPlan,
    ParsedTarget,
    ParsedTask,
    leader_match,
    unit_match,
    zone_people,
)
from plans.assignable import Assignable
from plans.choices import PlanKind
from plans.models import Plan
from progress.validation import FigureError, parse_figure
from targets import kinds
from targets.choices import Comparator
from targets.problems import target_problems
from zones.models import Unit, Zone

PAYLOAD_SALT = "imports.review.v1"
# A reviewer may take a while over a long plan, but a proposal should not outlive the working day.
PAYLOAD_MAX_AGE = 2 * 60 * 60
YEARS = {"min_value": 2000, "max_value": 2100}
# Posted fields per target (accepted, indicator, kind, comparator, value, high end, stretch, unit,
# deadline, task), per task (accepted, heading), per milestone (accepted), and of the page itself.
FIELDS_PER_TARGET = 10
FIELDS_PER_TASK = 2
FIELDS_OF_PAGE = 6
# Each target's task select lists every task, so the review page grows with targets x tasks:
# 100,000 options are a page of about 13 MB that takes seconds to render (a 64 KB plan; the
# seeds need 3,000 at most). A plan beyond it is imported with the import_plan command.
REVIEW_MAX_TASK_OPTIONS = 100_000


# --------------------------------------------------------------------------------------------
# Step 1: the upload
# --------------------------------------------------------------------------------------------


class UploadForm(CleanTextForm):
    # The pasted plan: its control characters are replaced by the parser (plan_parse), not refused.
    documents = ("text",)

    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none(), empty_label=None)
    year = forms.IntegerField(label=_("Year"), **YEARS)
    end_year = forms.IntegerField(
        label=_("End year"), required=False, help_text=_("Only for a plan over several years."), **YEARS
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to take the title from the document."),
    )
    file = forms.FileField(
        label=_("File (.txt or .docx)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".txt,.docx,text/plain,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )
    text = forms.CharField(
        label=_("Or paste the plan's text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones

    @property
    def source_field(self) -> str:
        """The field a refusal of the document belongs beside."""
        return "file" if self.files.get("file") else "text"

    def clean(self):
        data = super().clean()
        year, end_year = data.get("year"), data.get("end_year")
        if year and end_year and end_year < year:
            self.add_error("end_year", _("The plan cannot end before it starts."))
        upload, pasted = data.get("file"), data.get("text") or ""
        if upload and pasted.strip():
            raise forms.ValidationError(_("Give either a file or pasted text, not both."), code="both")
        if not upload and not pasted.strip():
            if pasted:  # whitespace only: the reader's own words for it
                self.add_error("text", text_refusal(pasted))
                return data
            raise forms.ValidationError(_("Upload the plan's file or paste its text."), code="neither")
        try:
            if upload:
                # Size first (the upload handler kept at most one byte past the limit), then the
                # reader's refusals of images, PDFs, old Word files, then the kind by content.
                check_size(upload.size)
                content = upload.read()
                data["source_text"] = text_from_bytes(content, name=upload.name)
                check_plan_document(content, name=upload.name)
            else:
                data["source_text"] = text_from_str(pasted)
        except (ImportRefused, UploadRefused) as refusal:
            data.pop("source_text", None)
            self.add_error("file" if upload else "text", refusal.message)
        return data


def text_refusal(text: str) -> str:
    try:
        text_from_str(text)
    except ImportRefused as refusal:
        return refusal.message
    return ""


# --------------------------------------------------------------------------------------------
# The proposal between the steps
# --------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """A parsed plan on its way to review: for whom, for which zone, and as the parser saw it."""

    user_id: int
    zone_id: int
    end_year: int | None
    title: str  # as typed at upload; empty: the document's own
    parsed: ParsedPlan


def proposal_sign(proposal: Proposal) -> str:
    parsed = proposal.parsed
    data = {
        "user": proposal.user_id,
        "zone": proposal.zone_id,
        "end_year": proposal.end_year,
        "title": proposal.title,
        "year": parsed.year,
        "parsed_title": parsed.title,
        "kind": parsed.kind,
        "text": parsed.text,
        "proposal": parsed.to_json(),
    }
    return signing.dumps(data, salt=PAYLOAD_SALT, compress=True)


def proposal_load(token: str, *, max_age: int = PAYLOAD_MAX_AGE) -> Proposal:
    """The proposal signed by ``proposal_sign``; raises ``signing.BadSignature`` (or its
    subclass ``SignatureExpired``) when the token was altered or is too old."""
    data = signing.loads(token, salt=PAYLOAD_SALT, max_age=max_age)
    try:
        parsed = ParsedPlan.from_json(
            data["proposal"], text=data["text"], year=int(data["year"]), title=data["parsed_title"], kind=data["kind"]
        )
        return Proposal(
            user_id=int(data["user"]),
            zone_id=int(data["zone"]),
            end_year=int(data["end_year"]) if data.get("end_year") else None,
            title=str(data.get("title") or ""),
            parsed=parsed,
        )
    except (KeyError, TypeError, ValueError) as error:  # signed by us, but not a proposal
        raise signing.BadSignature("not a proposal") from error


def review_field_count(parsed: ParsedPlan) -> int:
    """How many fields the review form posts for ``parsed``."""
    milestones = sum(len(task.milestones) for task in parsed.tasks)
    return FIELDS_OF_PAGE + FIELDS_PER_TASK * len(parsed.tasks) + milestones + FIELDS_PER_TARGET * len(parsed.targets)


def review_fits(parsed: ParsedPlan) -> bool:
    """Whether the review form stays within what Django accepts in one request, and its task
    selects within what a page can hold."""
    if len(parsed.targets) * len(parsed.tasks) > REVIEW_MAX_TASK_OPTIONS:
        return False
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return limit is None or review_field_count(parsed) <= limit


# --------------------------------------------------------------------------------------------
# Step 2: the review
# --------------------------------------------------------------------------------------------


def parse_number(raw: str) -> Decimal | None:
    """A figure as typed (12, 3.5, 1,200, full-width digits, 三百); ``None`` when empty. Read by
    the one parser of figures (``progress.validation.parse_figure``), as a plain number: the
    unit has its own field."""
    if not (raw or "").strip():
        return None
    try:
        return parse_figure(raw, field_unit="")
    except FigureError as error:
        raise forms.ValidationError(str(error), code="number") from None


class PlainSelect(forms.Select):
    """A select rendered in Python. A long plan's review has a task select per target, each with
    every task of the plan: thousands of options that would take a second through templates."""

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, list | tuple) else [value]
        chosen = {str(v) for v in values if v is not None}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class PlainSelectMultiple(PlainSelect):
    """PlainSelect choosing several: each task's co-operating units, every unit of the zone."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # an empty multiple select sends nothing: it chose none


class NumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        return parse_number(super().clean(value))


class PlanReviewForm(CleanTextForm):
    payload = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if title_taken(self.zone, title):
            raise forms.ValidationError(
                _("The zone already has a plan with this title: change the title."), code="taken"
            )
        return title


def title_taken(zone: Zone, title: str) -> bool:
    return Plan.objects.filter(zone=zone, title=title.strip()).exists()


class KeptForm(CleanTextForm):
    """A proposed item the reviewer keeps (``accepted``) or drops."""

    accepted = forms.BooleanField(label=_("Keep"), required=False)

    @property
    def kept(self) -> bool:
        """Accepted, as posted (or as proposed, before anything was posted)."""
        if self.is_bound:
            return bool(self["accepted"].value())
        return bool(self.initial.get("accepted"))


class TaskReviewForm(KeptForm):
    """A proposed task: kept or dropped, its heading, and who leads it by
    when (牵头单位, 配合单位, 责任领导, 完成时限), picked from the zone's units and
    leaders, proposed from what the document says."""

    heading = forms.CharField(
        label=_("Heading"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "heading", "aria-label": _("Heading")}),
    )
    lead_unit = forms.ChoiceField(label=_("Lead unit"), required=False, widget=PlainSelect)
    co_units = forms.MultipleChoiceField(
        label=_("Co-operating units"), required=False, widget=PlainSelectMultiple(attrs={"multiple": True, "size": 3})
    )
    leader = forms.ChoiceField(label=_("Responsible leader"), required=False, widget=PlainSelect)
    deadline_date = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, people: ZonePeople, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].choices = [("", "—"), *people.unit_choices]
        self.fields["co_units"].choices = people.unit_choices
        self.fields["leader"].choices = [("", "—"), *people.leader_choices]


@dataclass(frozen=True)
class ZonePeople:
    """The zone's units and leaders a task may be given, and the proposal's
    names matched to them (imports.services.unit_match / leader_match, the
    rules plan_import_create applies)."""

    units: dict[str, Unit]
    leaders: dict[str, object]
    unit_choices: list[tuple[str, str]]
    leader_choices: list[tuple[str, str]]

    @classmethod
    def of(cls, zone: Zone) -> ZonePeople:
        assignable = Assignable.of(zone)  # the units and leaders a task of the zone may be given
        units = {unit.name: unit for unit in assignable.units}
        return cls(
            units=units,
            leaders=zone_people(zone),
            unit_choices=[(name, name) for name in units],
            leader_choices=[(user.username, display_name(user)) for user in assignable.leaders],
        )

    def initial(self, task: ParsedTask) -> dict:
        """The task's assignment as the document proposes it, in the zone's names."""
        lead = unit_match(self.units, task.lead_unit)
        co = [unit.name for unit in (unit_match(self.units, name) for name in task.co_units) if unit]
        leader = leader_match(self.leaders, task.leader)
        offered = {username for username, _label in self.leader_choices}
        return {
            "lead_unit": lead.name if lead else "",
            "co_units": [name for name in co if not lead or name != lead.name],
            "leader": leader.username if leader is not None and leader.username in offered else "",
            "deadline_date": task.deadline_date,
        }


class MilestoneReviewForm(KeptForm):
    pass


class TargetReviewForm(KeptForm):
    indicator = forms.CharField(label=_("Indicator"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=kinds.choices, widget=PlainSelect)
    comparator = forms.ChoiceField(label=_("Comparator"), choices=Comparator.choices, widget=PlainSelect)
    value = NumberField(label=_("Value"))
    value_high = NumberField(label=_("High end"))
    stretch = NumberField(label=_("Stretch"))
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    deadline_date = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    task = forms.ChoiceField(label=_("Task"), widget=PlainSelect)

    def __init__(self, *args, task_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = task_choices


def task_label(task: ParsedTask) -> str:
    return f"{task.number}{task.heading}".strip() or task.path


def owner_index(parsed: ParsedPlan, target: ParsedTarget) -> int | None:
    """The task a target belongs to, as ``plan_import_create`` places it (its own inline item
    such as 一是 when there is one, else its numbered item)."""
    paths = {task.path: index for index, task in enumerate(parsed.tasks)}
    if target.inline_path in paths:
        return paths[target.inline_path]
    return paths.get(target.task_path)


class Review:
    """The review screen's forms over one proposal.

    ``is_valid`` reads the posted edits onto a copy of the proposal (``edited``) and checks it
    the way ``plan_import_create`` will: field by field, each target against the data model's
    rules (``target_problems``), and the tree (a kept item needs its parent; a kept target its
    task). Errors are attached to the fields they are about.
    """

    def __init__(self, proposal: Proposal, data=None, *, zone: Zone, token: str):
        self.proposal = proposal
        self.parsed = parsed = proposal.parsed
        self.zone = zone
        self.edited: ParsedPlan | None = None
        self.task_choices = [
            (str(i), "\u3000" * task.depth + task_label(task)[:40]) for i, task in enumerate(parsed.tasks)
        ]
        self.plan_form = PlanReviewForm(
            data,
            zone=zone,
            initial={"payload": token, "title": proposal.title or parsed.title, "kind": parsed.kind},
        )
        self.people = people = ZonePeople.of(zone)
        self.task_forms = [
            TaskReviewForm(
                data,
                prefix=f"k{i}",
                people=people,
                initial={"accepted": task.accepted, "heading": task.heading, **people.initial(task)},
            )
            for i, task in enumerate(parsed.tasks)
        ]
        self.milestone_forms: list[tuple[int, int, MilestoneReviewForm]] = []
        for i, task in enumerate(parsed.tasks):
            for j, milestone in enumerate(task.milestones):
                number = len(self.milestone_forms)
                form = MilestoneReviewForm(data, prefix=f"m{number}", initial={"accepted": milestone.accepted})
                self.milestone_forms.append((i, j, form))
        self.target_forms = [
            TargetReviewForm(data, prefix=f"t{i}", task_choices=self.task_choices, initial=self._initial(target))
            for i, target in enumerate(parsed.targets)
        ]

    def _initial(self, target: ParsedTarget) -> dict:
        owner = owner_index(self.parsed, target)
        return {
            "accepted": target.accepted,
            "indicator": target.indicator,
            "kind": target.kind,
            "comparator": target.comparator,
            "value": figure_text(target.value, blank=""),
            "value_high": figure_text(target.value_high, blank=""),
            "stretch": figure_text(target.stretch, blank=""),
            "unit": target.unit,
            "deadline_date": target.deadline_date,
            "task": "" if owner is None else str(owner),
        }

    # -- reading the edits -----------------------------------------------------------------

    def is_valid(self) -> bool:
        valid = self.plan_form.is_valid()
        for form in self.task_forms:
            valid = form.is_valid() and valid
        for _task, _milestone, form in self.milestone_forms:
            valid = form.is_valid() and valid
        for form in self.target_forms:
            # A dropped target is not created: what its fields hold does not matter.
            valid = (form.is_valid() or not form.kept) and valid
        self.edited = self._apply()
        return self._check(self.edited) and valid

    def _apply(self) -> ParsedPlan:
        parsed = self.parsed
        tasks = [
            dataclasses.replace(task, milestones=[dataclasses.replace(m) for m in task.milestones])
            for task in parsed.tasks
        ]
        for task, form in zip(tasks, self.task_forms, strict=True):
            task.accepted = bool(form.cleaned_data.get("accepted"))
            if "heading" in form.cleaned_data:
                task.heading = form.cleaned_data["heading"].strip()
            self._assign(task, form)
        for i, j, form in self.milestone_forms:
            milestone: ParsedMilestone = tasks[i].milestones[j]
            milestone.accepted = bool(form.cleaned_data.get("accepted"))
        targets = []
        for target, form in zip(parsed.targets, self.target_forms, strict=True):
            edited = dataclasses.replace(target)
            edited.accepted = form.kept
            if edited.accepted and not form.errors:
                self._edit(edited, form.cleaned_data, tasks)
            targets.append(edited)
        return ParsedPlan(
            text=parsed.text,
            year=parsed.year,
            title=self.plan_form.cleaned_data.get("title") or parsed.title,
            kind=self.plan_form.cleaned_data.get("kind") or parsed.kind,
            tasks=tasks,
            targets=targets,
            achievements=parsed.achievements,
        )

    @staticmethod
    def _assign(task: ParsedTask, form: TaskReviewForm) -> None:
        """Who leads the task by when, as the reviewer left it: a unit or
        leader left blank is none, whatever the document said."""
        if form.errors:
            return
        data = form.cleaned_data
        task.lead_unit = data.get("lead_unit", "")
        task.co_units = [name for name in data.get("co_units", []) if name != task.lead_unit]
        task.leader = data.get("leader", "")
        task.deadline_date = data.get("deadline_date")

    @staticmethod
    def _edit(target: ParsedTarget, data: dict, tasks: list[ParsedTask]) -> None:
        target.indicator = data["indicator"].strip()
        target.kind = data["kind"]
        target.comparator = data["comparator"]
        target.value = data["value"]
        target.value_high = data["value_high"]
        target.stretch = data["stretch"]
        target.unit = data["unit"].strip()
        target.deadline_date = data["deadline_date"]
        owner = tasks[int(data["task"])]
        current = {task.path for task in tasks}
        if owner.path != (target.inline_path if target.inline_path in current else target.task_path):
            # Moved to another item: the item is its place, its nearest numbered (not 一是) item
            # its task.
            by_path = {task.path: task for task in tasks}
            outer = owner
            while outer.inline and outer.parent_path in by_path:
                outer = by_path[outer.parent_path]
            target.inline_path = owner.path
            target.task_path = outer.path

    def _check(self, edited: ParsedPlan) -> bool:
        valid = True
        kept = {task.path for task in edited.tasks if task.accepted}
        by_path = {task.path: task for task in edited.tasks}
        for task, form in zip(edited.tasks, self.task_forms, strict=True):
            if task.accepted and task.parent_path and task.parent_path not in kept:
                parent = by_path.get(task.parent_path)
                form.add_error(
                    "accepted",
                    _("Its parent item %(parent)s is dropped: drop this item too, or keep its parent.")
                    % {"parent": task_label(parent) if parent else task.parent_path},
                )
                valid = False
        for target, form in zip(edited.targets, self.target_forms, strict=True):
            if not target.accepted or form.errors:
                continue
            owner = owner_index(edited, target)
            if owner is None or not edited.tasks[owner].accepted:
                form.add_error("task", _("This item is dropped: choose another one, or drop the target."))
                valid = False
            for problem in target_problems(target):
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, problem.message[:1].upper() + problem.message[1:])
                valid = False
        return valid

    # -- what the page shows -----------------------------------------------------------------

    @property
    def errors_by_row(self) -> list[tuple[str, str]]:
        """(anchor, label) of every row that needs attention, for the summary at the top."""
        rows = []
        if self.plan_form.is_bound and self.plan_form.errors:
            rows.append(("plan", str(_("Plan"))))
        for i, form in enumerate(self.task_forms):
            if form.is_bound and form.errors:
                rows.append((f"row-k{i}", task_label(self.parsed.tasks[i])))
        for i, form in enumerate(self.target_forms):
            if form.is_bound and form.errors and form.kept:
                target = self.parsed.targets[i]
                rows.append((f"row-t{i}", f"#{i + 1} {target.indicator or target.quote}"))
        return rows


# --------------------------------------------------------------------------------------------
# What the reading missed: a task or a target added on the review
# --------------------------------------------------------------------------------------------


class AddTaskForm(CleanTextForm):
    """A numbered item the reading missed: under which item, its number as written, its heading."""

    parent = forms.ChoiceField(label=_("Under"), required=False, widget=PlainSelect)
    number = forms.CharField(
        label=_("Task number"), max_length=16, help_text=_("As the plan writes it: 一、 (一) 1. (1)")
    )
    heading = forms.CharField(label=_("Heading"), max_length=300)

    def __init__(self, *args, task_choices, **kwargs):
        super().__init__(*args, prefix="add-task", **kwargs)
        self.fields["parent"].choices = [("", _("(top level)")), *task_choices]


class AddTargetForm(CleanTextForm):
    """A target the reading missed: its item, indicator, kind, value, unit and deadline."""

    task = forms.ChoiceField(label=_("Task"), widget=PlainSelect)
    indicator = forms.CharField(label=_("Indicator"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), widget=PlainSelect)
    value = NumberField(label=_("Value"))
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    deadline_date = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, task_choices, **kwargs):
        super().__init__(*args, prefix="add-target", **kwargs)
        self.fields["task"].choices = [("", "—"), *task_choices]
        # A task item is its task's own: never added by hand.
        self.fields["kind"].choices = [(key, label) for key, label in kinds.choices() if key != kinds.TASK.key]


def plan_with_task(edited: ParsedPlan, data: dict) -> ParsedPlan:
    """``edited`` with the task of ``AddTaskForm``'s ``data``, after its parent's last item (at
    the end at the top level); raises ``forms.ValidationError`` when its place is taken."""
    tasks = list(edited.tasks)
    number = data["number"].strip()
    parent = tasks[int(data["parent"])] if data["parent"] else None
    path = f"{parent.path} > {number}" if parent else number
    if any(task.path == path for task in tasks):
        raise forms.ValidationError(
            _("There is already a task numbered %(number)s there.") % {"number": number}, code="taken"
        )
    if len(path) > 200:
        raise forms.ValidationError(_("This task sits too deep in the plan to be added."), code="deep")
    at = len(tasks)
    if parent is not None:
        below = {parent.path}
        at = tasks.index(parent) + 1
        while at < len(tasks) and tasks[at].parent_path in below:
            below.add(tasks[at].path)
            at += 1
    task = ParsedTask(
        number=number,
        label=number,
        path=path,
        parent_path=parent.path if parent else "",
        depth=parent.depth + 1 if parent else 0,
        order=parent.order if parent else len(tasks),
        heading=data["heading"].strip(),
        start=0,
        end=0,
        heading_start=0,
        heading_end=0,
        lead_unit=parent.lead_unit if parent else "",
        leader=parent.leader if parent else "",
        deadline_date=parent.deadline_date if parent else None,
    )
    tasks.insert(at, task)
    return dataclasses.replace(edited, tasks=tasks)


def added_target(edited: ParsedPlan, data: dict) -> ParsedTarget:
    """The target of ``AddTargetForm``'s ``data``, placed in its item as a moved target is."""
    kind = kinds.get(data["kind"])
    owner = edited.tasks[int(data["task"])]
    by_path = {task.path: task for task in edited.tasks}
    outer = owner
    while outer.inline and outer.parent_path in by_path:
        outer = by_path[outer.parent_path]
    return ParsedTarget(
        quote="",
        start=0,
        end=0,
        indicator=data["indicator"].strip(),
        kind=kind.key,
        unit=data["unit"].strip(),
        comparator=Comparator.AT_MOST if kind.at_most else Comparator.AT_LEAST,
        value=data["value"],
        deadline_date=data["deadline_date"],
        task_path=outer.path,
        inline_path=owner.path,
    )
