"""Pages of leaders' instructions (领导批示): writing one (from the box on a
target's, a task item's or a notice's page), the list of the zone's
instructions with its export, and an instruction's own page, where the unit
answers and the author marks the answer read. Rights and rules are
``supervision.instructions`` and ``zones.policy``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.export_records import record_export
from core.models import ExportRecord
from plans.models import Task
from supervision.choices import InstructionState, InstructionSubject
from supervision.forms import InstructionAnswerForm, InstructionFilterForm, InstructionForm
from supervision.instruction_services import instruction_answer, instruction_create, instruction_mark_read
from supervision.instruction_sheet import instructions_xlsx_response
from supervision.instructions import instructions_visible_to, subject_of, with_people
from supervision.models import Instruction
from supervision.selectors import notices_visible_to
from targets.models import Target
from zones import policy
from zones.models import Unit

PAGE_SIZE = 50


def subject_url(instruction: Instruction) -> str:
    """The page of what the instruction is on: the target's, the task item's, the notice's."""
    if instruction.target_id:
        return reverse("progress:target", args=[instruction.target_id])
    if instruction.notice_id:
        return reverse("supervision:notice", args=[instruction.notice_id])
    item = Target.objects.task_items().filter(task=instruction.task_id).values_list("pk", flat=True).first()
    return reverse("progress:target", args=[item]) if item else reverse("supervision:instructions")


def _subject(request: HttpRequest, kind: str, pk: int):
    """The target, task or notice the user may read, else 404."""
    user = request.user
    if kind == InstructionSubject.TARGET:
        target = get_object_or_404(Target.objects.visible_to(user).select_related("task__plan__zone"), pk=pk)
        return subject_of(target=target), reverse("progress:target", args=[target.pk])
    if kind == InstructionSubject.TASK:
        task = get_object_or_404(
            Task.objects.filter(plan__zone__in=policy.zones_seen_whole(user)).select_related("plan__zone"), pk=pk
        )
        return subject_of(task=task), None
    notice = get_object_or_404(notices_visible_to(user).select_related("zone", "unit"), pk=pk)
    return subject_of(notice=notice), reverse("supervision:notice", args=[notice.pk])


@login_required
@require_POST
def instruction_new(request: HttpRequest) -> HttpResponse:
    """Write an instruction. Refused input shows the form again, with what was typed."""
    form = InstructionForm(request.POST)
    if not form.is_valid() and not {"subject", "subject_id"} <= set(form.cleaned_data):
        raise Http404(_("Nothing to write an instruction on."))
    subject, back = _subject(request, form.cleaned_data["subject"], form.cleaned_data["subject_id"])
    if not policy.can_instruct(request.user, subject.zone):
        raise PermissionDenied(_("Only the zone's leaders write instructions."))
    if form.is_valid():
        try:
            instruction = instruction_create(subject=subject, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text" if hasattr(error, "error_dict") else None, error.messages)
        else:
            messages.success(request, _("Your instruction is sent to %(unit)s.") % {"unit": instruction.unit})
            return redirect(back or subject_url(instruction))
    messages.error(request, _("Nothing was saved; see the form below."))
    return render(
        request,
        "supervision/instruction_new.html",
        {"form": form, "subject": subject, "back": back},
        status=400,
    )


def _instruction_for(request: HttpRequest, instruction_id: int) -> Instruction:
    return get_object_or_404(
        with_people(instructions_visible_to(request.user)).select_related("zone", "target__task", "task", "notice"),
        pk=instruction_id,
    )


def _instruction_page(request: HttpRequest, instruction: Instruction, *, form=None, status: int = 200) -> HttpResponse:
    user = request.user
    can_answer = instruction.is_pending and policy.can_answer_instruction(user, instruction.unit)
    return render(
        request,
        "supervision/instruction_detail.html",
        {
            "instruction": instruction,
            "subject_url": subject_url(instruction),
            "can_answer": can_answer,
            "answer_form": form or InstructionAnswerForm(),
            "can_mark_read": instruction.state == InstructionState.ANSWERED
            and policy.can_mark_instruction_read(user, author_id=instruction.author_id),
        },
        status=status,
    )


@login_required
@require_GET
def instruction_detail(request: HttpRequest, instruction_id: int) -> HttpResponse:
    return _instruction_page(request, _instruction_for(request, instruction_id))


@login_required
@require_POST
def instruction_answer_view(request: HttpRequest, instruction_id: int) -> HttpResponse:
    instruction = _instruction_for(request, instruction_id)
    if not policy.can_answer_instruction(request.user, instruction.unit):
        raise PermissionDenied(_("Only the answering unit's reporting staff and reviewers answer this instruction."))
    form = InstructionAnswerForm(request.POST)
    if form.is_valid():
        try:
            instruction_answer(instruction=instruction, by=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form.add_error("answer" if hasattr(error, "error_dict") else None, error.messages)
        else:
            messages.success(request, _("Your answer is recorded; the leader is told."))
            return redirect("supervision:instruction", instruction_id=instruction.pk)
    messages.error(request, _("Nothing was saved; see the form below."))
    return _instruction_page(request, instruction, form=form, status=400)


@login_required
@require_POST
def instruction_read(request: HttpRequest, instruction_id: int) -> HttpResponse:
    instruction = _instruction_for(request, instruction_id)
    try:
        instruction_mark_read(instruction=instruction, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked read."))
    return redirect("supervision:instruction", instruction_id=instruction.pk)


def _listed(request: HttpRequest):
    """The instructions the list shows (filtered), the filter form, and the units to filter on."""
    user = request.user
    visible = instructions_visible_to(user)
    if not policy.zones_seen_whole(user).exists() and not policy.instruction_answer_units(user).exists():
        raise PermissionDenied(_("Leaders' instructions are for the zone's leadership and the units they address."))
    units = Unit.objects.filter(pk__in=visible.values("unit")).order_by("zone", "order", "name")
    form = InstructionFilterForm(request.GET or None, units=units)
    shown = visible
    if form.is_valid():
        if form.cleaned_data["state"]:
            shown = shown.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["unit"]:
            shown = shown.filter(unit=form.cleaned_data["unit"])
    return with_people(shown).order_by("-created_at", "-pk"), form, visible


@login_required
@require_GET
def instructions(request: HttpRequest) -> HttpResponse:
    """领导批示: the instructions of the zones the user reads whole, and those addressed to the user's units."""
    shown, form, visible = _listed(request)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = visible.aggregate(
        pending=Count("pk", filter=Q(state=InstructionState.PENDING)),
        answered=Count("pk", filter=Q(state=InstructionState.ANSWERED)),
    )
    return render(
        request,
        "supervision/instructions.html",
        {"page": page, "instructions": page.object_list, "form": form, "query": query.urlencode(), "counts": counts},
    )


@login_required
@require_GET
def instructions_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a workbook (formulas neutralised, core.spreadsheets)."""
    shown, form, _visible = _listed(request)
    filters = [
        f"{form.fields[name].label}: {dict(form.fields[name].choices).get(form.cleaned_data[name])}"
        for name in ("state", "unit")
        if form.is_valid() and form.cleaned_data[name]
    ]
    rows = list(shown)
    response, name = instructions_xlsx_response(rows, user=request.user, filters=filters, at=clock.now())
    record_export(
        user=request.user,
        kind=ExportRecord.Kind.LIST,
        title=_("Leaders' instructions"),
        file_name=name,
        zone_ids={instruction.zone_id for instruction in rows},
        filters=_(", ").join(filters),
        rows=len(rows),
    )
    return response
