"""Importing a plan through the browser: upload or paste, review, confirm.

Nothing is written before the administrator confirms: the proposal travels between the steps
signed in a hidden field (``imports.forms.proposal_sign``), and each post applies the edits to
it afresh. Confirming calls ``plan_import_create``, which creates the draft plan or nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import pairwise

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import clock
from core.params import parse_id
from imports.forms import (
    AddTargetForm,
    AddTaskForm,
    Proposal,
    Review,
    UploadForm,
    added_target,
    plan_with_task,
    proposal_load,
    proposal_sign,
    review_fits,
    title_taken,
)
from imports.reading import ImportRefused
from imports.services import plan_import_create, plan_parse, replaced_note, target_problems
from plans.models import Plan, Task
from targets.models import Target
from zones.models import Zone
from zones.policy import is_zone_admin
from zones.scoping import zones_administered_by

NOT_AN_ADMIN = gettext_lazy("Importing a plan is for the administrators of a zone.")


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    """Step 1: the zone, the year, and the plan as a file or as pasted text."""
    zones = zones_administered_by(request.user)
    administered = {zone.pk: zone for zone in zones}
    if not administered:
        raise PermissionDenied(NOT_AN_ADMIN)
    if request.method == "POST":
        _refuse_foreign_zone(request, administered)
        form = UploadForm(request.POST, request.FILES, zones=zones)
        if form.is_valid():
            data = form.cleaned_data
            try:
                parsed = plan_parse(text=data["source_text"], year=data["year"])
            except ImportRefused as refusal:
                form.add_error(form.source_field, refusal.message)
            else:
                if parsed.replaced_characters:
                    messages.warning(request, replaced_note(parsed))
                if review_fits(parsed):
                    proposal = Proposal(
                        user_id=request.user.pk,
                        zone_id=data["zone"].pk,
                        end_year=data["end_year"],
                        title=data["title"].strip(),
                        parsed=parsed,
                    )
                    review = Review(proposal, zone=data["zone"], token=proposal_sign(proposal))
                    return _render_review(request, review)
                form.add_error(
                    None,
                    _(
                        "This plan has %(targets)s targets in %(tasks)s items: more than one review page can "
                        "hold. Ask the system administrator to import it with the import_plan command."
                    )
                    % {"targets": len(parsed.targets), "tasks": len(parsed.tasks)},
                )
    else:
        initial = {"year": clock.today().year}
        if len(administered) == 1:
            initial["zone"] = next(iter(administered))
        form = UploadForm(zones=zones, initial=initial)
    return render(request, "imports/new.html", {"form": form})


def _refuse_foreign_zone(request: HttpRequest, administered: dict[int, Zone]) -> None:
    """Choosing a zone one does not administer is refused outright, not as a form error."""
    zone_id = parse_id(request.POST.get("zone"))  # not an id: the form's field refuses it
    if zone_id is not None and zone_id not in administered and Zone.objects.filter(pk=zone_id).exists():
        raise PermissionDenied(NOT_AN_ADMIN)


@login_required
@require_POST
def import_review(request: HttpRequest) -> HttpResponse:
    """Step 2: re-check the edited proposal, or confirm it and create the draft plan."""
    token = request.POST.get("payload", "")
    try:
        proposal = proposal_load(token)
    except signing.SignatureExpired:
        return _refused(request, _("This review has expired (after two hours). Import the plan again."))
    except signing.BadSignature:
        return _refused(request, _("This review could not be read: it was altered or is incomplete."))
    if proposal.user_id != request.user.pk:
        raise PermissionDenied(_("This review belongs to another user."))
    zone = Zone.objects.filter(pk=proposal.zone_id).first()
    if zone is None or not is_zone_admin(request.user, zone):
        raise PermissionDenied(NOT_AN_ADMIN)

    review = Review(proposal, request.POST, zone=zone, token=token)
    valid = review.is_valid()
    refusal = ""
    action = request.POST.get("action")
    if action in ("add_task", "add_target"):
        return _add(request, review, valid=valid, action=action)
    if valid and request.POST.get("action") == "confirm":
        try:
            plan = plan_import_create(
                parsed=review.edited,
                zone=zone,
                by=request.user,
                title=review.edited.title,
                kind=review.edited.kind,
                end_year=proposal.end_year,
            )
        except ImportRefused as error:
            refusal = error.message
        else:
            messages.success(
                request,
                _("The draft plan “%(title)s” was created. Assign its tasks, then publish it with the checklist.")
                % {"title": plan.title},
            )
            return redirect("imports:plan", plan_id=plan.pk)
    return _render_review(request, review, checked=valid and not refusal, refusal=refusal)


def _add(request: HttpRequest, review: Review, *, valid: bool, action: str) -> HttpResponse:
    """Add a task or a target the reading missed to the proposal, with the edits so far, and show
    the review again from the new proposal; refused beside its fields, the proposal unchanged."""
    add_forms = {"add_task": AddTaskForm, "add_target": AddTargetForm}
    form = add_forms[action](request.POST, task_choices=review.task_choices)
    if not valid:
        # The edits must read before they are carried into a new proposal.
        return _render_review(
            request, review, add_form=form, refusal=_("Correct the marked fields first, then add the item again.")
        )
    if form.is_valid():
        edited = review.edited
        try:
            if action == "add_task":
                parsed = plan_with_task(edited, form.cleaned_data)
            else:
                target = added_target(edited, form.cleaned_data)
                for problem in target_problems(target):
                    field = problem.field if problem.field in form.fields else None
                    form.add_error(field, problem.message[:1].upper() + problem.message[1:])
                parsed = dataclasses.replace(edited, targets=[*edited.targets, target])
        except forms.ValidationError as error:
            form.add_error("number", error)
        if not form.errors:
            if not review_fits(parsed):
                form.add_error(None, _("The review cannot hold more items: import the plan with the command."))
            else:
                proposal = dataclasses.replace(review.proposal, title=edited.title, parsed=parsed)
                added = Review(proposal, zone=review.zone, token=proposal_sign(proposal))
                messages.success(
                    request,
                    _("The task was added: assign it, then create the draft plan.")
                    if action == "add_task"
                    else _("The target was added: check it, then create the draft plan."),
                )
                return _render_review(request, added)
    return _render_review(request, review, add_form=form)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "imports/refused.html", {"message": message}, status=400)


def _render_review(
    request: HttpRequest, review: Review, *, checked: bool = False, refusal: str = "", add_form=None
) -> HttpResponse:
    parsed = review.parsed
    proposal = review.proposal
    milestones: dict[int, list] = {}
    for number, (i, j, form) in enumerate(review.milestone_forms):
        milestones.setdefault(i, []).append({"n": number, "milestone": parsed.tasks[i].milestones[j], "form": form})
    context = {
        "review": review,
        "zone": review.zone,
        "year": parsed.year,
        "end_year": proposal.end_year or parsed.year,
        "source": source_html(parsed.text, _spans(review)),
        "tasks": [
            {
                "task": task,
                "form": form,
                "milestones": milestones.get(index, []),
            }
            for index, (task, form) in enumerate(zip(parsed.tasks, review.task_forms, strict=True))
        ],
        "targets": [
            {"n": index + 1, "index": index, "target": target, "form": form}
            for index, (target, form) in enumerate(zip(parsed.targets, review.target_forms, strict=True))
        ],
        "achievements": parsed.achievements,
        "milestone_count": len(review.milestone_forms),
        "checked": checked,
        "refusal": refusal,
        "add_task_form": add_form
        if isinstance(add_form, AddTaskForm)
        else AddTaskForm(task_choices=review.task_choices),
        "add_target_form": add_form
        if isinstance(add_form, AddTargetForm)
        else AddTargetForm(task_choices=review.task_choices),
        "title_taken": not review.plan_form.is_bound and title_taken(review.zone, review.plan_form.initial["title"]),
    }
    return render(request, "imports/review.html", context)


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The imported plan, read-only: its tree and targets, for the zone's administrators."""
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    if not is_zone_admin(request.user, plan.zone):
        raise PermissionDenied(NOT_AN_ADMIN)
    tasks = (
        Task.objects.filter(plan=plan)
        .select_related("lead_unit", "leader")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("order", "pk")))
        .order_by("order")
    )
    return render(request, "imports/plan.html", {"plan": plan, "tasks": tasks})


# --------------------------------------------------------------------------------------------
# The source text with what was found in it
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of the source to highlight: a target (t-N), a milestone (m-N), a past result (a-N)."""

    start: int
    end: int
    anchor: str
    css: str
    label: str


def _spans(review: Review) -> list[Span]:
    spans = []
    for index, (target, form) in enumerate(zip(review.parsed.targets, review.target_forms, strict=True)):
        css = "target" if form.kept else "target dropped"
        spans.append(Span(target.start, target.end, f"t-{index}", css, f"#{index + 1} {target.indicator}"))
    for number, (i, j, form) in enumerate(review.milestone_forms):
        milestone = review.parsed.tasks[i].milestones[j]
        css = "milestone" if form.kept else "milestone dropped"
        spans.append(Span(milestone.start, milestone.end, f"m-{number}", css, milestone.deadline))
    for index, item in enumerate(review.parsed.achievements):
        spans.append(Span(item.start, item.end, f"a-{index}", "past", str(_("past result, not imported"))))
    return spans


def source_html(text: str, spans: list[Span]) -> SafeString:
    """``text`` escaped, with each span wrapped in ``<mark>``; the first piece of a span carries
    its anchor. Overlapping spans are cut at every boundary, the innermost one styling a piece."""
    length = len(text)
    spans = [s for s in spans if 0 <= s.start < s.end <= length]
    bounds = sorted({0, length, *(s.start for s in spans), *(s.end for s in spans)})
    starting: dict[int, list[Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        starting.setdefault(span.start, []).append(span)
    active: list[Span] = []
    pieces: list[str] = []
    for start, end in pairwise(bounds):
        active = [s for s in active if s.end > start] + starting.get(start, [])
        segment = text[start:end]
        if not active:
            pieces.append(format_html("{}", segment))
            continue
        opening = starting.get(start, [])
        # A second span opening at the same place keeps its anchor in an empty element.
        pieces.extend(format_html('<span id="{}" class="anchor"></span>', s.anchor) for s in opening[1:])
        inner = active[-1]
        anchor = format_html(' id="{}"', opening[0].anchor) if opening else ""
        pieces.append(
            format_html(
                '<mark{} class="{}" data-ref="{}" title="{}">{}</mark>',
                anchor,
                inner.css,
                inner.anchor,
                inner.label,
                segment,
            )
        )
    # Every piece went through format_html, which escapes what it is given.
    return mark_safe("".join(pieces))  # noqa: S308
