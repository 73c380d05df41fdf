"""The publish page: what a plan still lacks, the month reporting starts
from, and the publication (or a new start for a published plan)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import clock
from plans.choices import PlanStatus
from plans.models import Plan
from plans.periods import Period, period_label, reporting_start
from progress.publishing import (
    PublishRefused,
    default_reporting_start,
    plan_publish,
    plan_reporting_start_set,
    publish_checklist,
)
from zones import policy


def _start_from_post(text: str) -> Period | None:
    """The month typed in the form (``YYYY-MM``), or None when it cannot be read."""
    try:
        return Period.parse(text.strip())
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def plan_publish_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the checklist and the start month; POST ``action=publish`` publishes
    the draft (whatever is missing: the administrator decided), ``action=start``
    moves the start month. Bad input changes nothing and says why."""
    plan = get_object_or_404(Plan.objects.select_related("zone", "published_by"), pk=plan_id)
    if not policy.can_publish_plan(request.user, plan.zone):
        raise PermissionDenied(_("Only the zone administrator can publish a plan."))
    today = clock.today()
    start = reporting_start(plan) or default_reporting_start(plan, today=today)
    typed = str(start)
    error = ""
    if request.method == "POST":
        typed = request.POST.get("reports_from", "")[:20]
        action = request.POST.get("action")
        chosen = _start_from_post(typed)
        if chosen is None:
            error = _("Enter the month reporting starts from as year and month, e.g. 2026-12.")
        elif action not in ("publish", "start"):
            error = _("Choose what to do: publish, or save the month reporting starts from.")
        else:
            try:
                if action == "publish":
                    plan_publish(plan=plan, by=request.user, reports_from=chosen)
                    messages.success(
                        request,
                        _("“%(title)s” is published. Reporting starts from %(month)s; its figures are being computed.")
                        % {"title": plan.title, "month": period_label(chosen.year, chosen.month, cumulative=False)},
                    )
                    return redirect("dashboard:plan", plan_id=plan.pk)
                plan_reporting_start_set(plan=plan, by=request.user, reports_from=chosen)
                messages.success(
                    request,
                    _("Reporting now starts from %(month)s.")
                    % {"month": period_label(chosen.year, chosen.month, cumulative=False)},
                )
                return redirect("progress:publish", plan_id=plan.pk)
            except PublishRefused as refused:
                error = refused.message
    context = {
        "plan": plan,
        "checklist": publish_checklist(plan, today=today),
        "typed": typed,
        "error": error,
        "is_draft": plan.status == PlanStatus.DRAFT,
        "first_month": f"{plan.start_year}-01",
        "last_month": f"{plan.end_year}-12",
    }
    return render(request, "progress/publish.html", context, status=400 if error else 200)
