"""The plan's assignment page (分配): who leads each task, with whom, under which leader, by when;
and a task or a target the importer missed.

For the administrators of the plan's zone (``zones.policy.is_zone_admin``), on a plan in draft or
published. The rows are saved together, or not at all: a refused field (another zone's unit, a
date outside the plan's years) is shown beside itself with everything typed kept, and nothing is
written. What is saved goes through ``targets.assignment``, which keeps the ledger whole.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.params import parse_id
from plans.assignable import Assignable
from plans.choices import PlanStatus
from plans.models import Plan
from targets.assignment import (
    AssignmentRefused,
    TargetInput,
    assignments_from,
    plan_tasks,
    section_apply,
    target_add,
    task_add,
    tasks_assign,
)
from targets.assignment_forms import TargetAddForm, TaskAddForm, TaskRowForm, row_initial
from zones.policy import is_zone_admin

ASSIGNABLE = (PlanStatus.DRAFT, PlanStatus.PUBLISHED)


def _plan_for(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    if not is_zone_admin(request.user, plan.zone):
        raise PermissionDenied(_("Assigning a plan's tasks is for the administrators of its zone."))
    if plan.status not in ASSIGNABLE:
        raise PermissionDenied(_("An archived plan is no longer assigned."))
    return plan


@login_required
def plan_assign(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The task tree in plan order with a row of assignment per task, and the two add forms."""
    plan = _plan_for(request, plan_id)
    tasks = plan_tasks(plan)
    assignable = Assignable.of(plan.zone)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "save" and request.POST.get("apply"):
        action = "apply"  # a section's 应用 button: save the rows, then carry the section down
    bound = request.POST if action in ("save", "apply") else None
    rows = [
        TaskRowForm(bound, prefix=f"t{task.pk}", assignable=assignable, plan=plan, task=task, initial=row_initial(task))
        for task in tasks
    ]
    task_form = TaskAddForm(request.POST if action == "add_task" else None, tasks=tasks)
    target_form = TargetAddForm(request.POST if action == "add_target" else None, tasks=tasks)
    refusal = ""
    if action in ("save", "apply"):
        valid = [form.is_valid() for form in rows]  # every row checked, so each shows its errors
        if all(valid):
            try:
                with transaction.atomic():
                    changed = tasks_assign(
                        plan, assignments_from((f.task.pk, f.cleaned_data) for f in rows), tasks=tasks
                    )
                    if action == "apply":
                        section = parse_id(request.POST.get("apply"))
                        only_empty = request.POST.get(f"mode-{section}", "empty") != "all"
                        changed += section_apply(plan, section or 0, only_empty=only_empty)
            except AssignmentRefused as error:
                refusal = error.message
            else:
                messages.success(
                    request,
                    ngettext("Saved: %(n)s task changed.", "Saved: %(n)s tasks changed.", changed) % {"n": changed},
                )
                return redirect("targets:assign", plan_id=plan.pk)
        else:
            refusal = _("Nothing was saved: correct the fields marked below.")
    elif action == "add_task" and task_form.is_valid():
        data = task_form.cleaned_data
        parent = next((t for t in tasks if str(t.pk) == data["parent"]), None) if data["parent"] else None
        try:
            task = task_add(plan, parent=parent, number=data["number"], heading=data["heading"])
        except AssignmentRefused as error:
            task_form.add_error(error.field if error.field in task_form.fields else None, error.message)
        else:
            messages.success(request, _("Task %(task)s added.") % {"task": f"{task.number}{task.heading}"})
            return redirect("targets:assign", plan_id=plan.pk)
    elif action == "add_target" and target_form.is_valid():
        data = target_form.cleaned_data
        task = next(t for t in tasks if str(t.pk) == data["task"])
        draft = TargetInput(
            indicator=data["indicator"],
            kind=data["kind"],
            value=data["value"],
            unit=data["unit"],
            deadline_date=data["deadline_date"],
        )
        task.plan = plan
        try:
            target = target_add(task, draft)
        except AssignmentRefused as error:
            target_form.add_error(error.field if error.field in target_form.fields else None, error.message)
        else:
            messages.success(request, _("Target “%(target)s” added.") % {"target": target.indicator})
            return redirect("targets:assign", plan_id=plan.pk)
    elif action:
        refusal = _("Nothing was saved: correct the fields marked below.")
    sections = {task.parent_id for task in tasks if task.parent_id}
    context = {
        "plan": plan,
        "rows": [{"task": form.task, "form": form, "section": form.task.pk in sections} for form in rows],
        "task_form": task_form,
        "target_form": target_form,
        "refusal": refusal,
        "no_units": not assignable.units,
    }
    status = 400 if refusal or task_form.errors or target_form.errors else 200
    return render(request, "targets/assign.html", context, status=status)
