"""Pages of the late-report requests (补报申请): the staff ask to report a
closed month late, the zone office grants or refuses. Views read, check
rights and call progress.services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from plans.periods import Period, due_date
from progress.choices import LateRequestStatus
from progress.forms import LateGrantForm, LateRefuseForm, LateRequestForm
from progress.models import LateReportRequest
from progress.selectors import (
    effective_period_state,
    late_request_latest,
    late_requests_visible_to,
    late_requests_waiting,
    period_rows,
    rows_reporting,
)
from progress.services import (
    LATE_REPORT_DAYS,
    LateRequestConflict,
    late_request_create,
    late_request_grant,
    late_request_refuse,
)
from progress.views import _parse_period, _period_url, _unit_and_plan
from zones import policy

PAGE_SIZE = 50
ALL = "all"


def _form_errors(form: Form, error: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def late_request_new(request: HttpRequest, plan_id: int, unit_id: int, period: str) -> HttpResponse:
    """Ask to report a closed month late: the unit's reporting staff, with a reason."""
    plan, unit = _unit_and_plan(request, plan_id, unit_id)
    the_period = _parse_period(period)
    if not policy.can_enter(request.user, unit):
        raise PermissionDenied(_("Only the unit's reporting staff ask to report late."))
    form = LateRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = late_request_create(
                plan=plan, unit=unit, period=the_period, reason=form.cleaned_data["reason"], by=request.user
            )
        except LateRequestConflict as conflict:  # the page below says where the month stands
            messages.error(request, " ".join(conflict.messages))
        except ValidationError as refused:
            _form_errors(form, refused)
        else:
            messages.success(request, _("Your request was sent to the zone office. You will be told of its decision."))
            return redirect("progress:late_request", request_id=created.pk)
    today = clock.today()
    rows = period_rows(plan=plan, unit=unit, period=the_period)
    context = {
        "plan": plan,
        "unit": unit,
        "period": the_period,
        "period_url": _period_url(plan.pk, unit.pk, the_period),
        "state": effective_period_state(plan=plan, unit=unit, period=the_period, today=today),
        "due": due_date(the_period, due_day=plan.due_day),
        "unreported": [row for row in rows if row.editable],
        "latest": late_request_latest(plan=plan, unit=unit, period=the_period),
        "form": form,
    }
    return render(request, "progress/late_request_new.html", context, status=400 if request.method == "POST" else 200)


@login_required
def late_requests(request: HttpRequest) -> HttpResponse:
    """补报申请: the requests the user may read, by state, with their full counts;
    the zone office opens on those waiting for its decision."""
    user = request.user
    visible = late_requests_visible_to(user)
    deciding = policy.late_report_deciders(user).exists()
    counts = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    shown = request.GET.get("status") or (LateRequestStatus.PENDING if deciding else ALL)
    if shown not in (*LateRequestStatus.values, ALL):
        shown = ALL
    requests = visible.select_related("plan", "unit", "requested_by", "decided_by")
    if shown != ALL:
        requests = requests.filter(status=shown)
    oldest_first = shown == LateRequestStatus.PENDING
    requests = requests.order_by(*(("requested_at", "id") if oldest_first else ("-requested_at", "-id")))
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(ALL, _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in LateRequestStatus.choices
    ]
    return render(
        request,
        "progress/late_requests.html",
        {"page": page, "tabs": tabs, "shown": shown, "deciding": deciding, "waiting": late_requests_waiting(user)},
    )


def _detail(request: HttpRequest, late: LateReportRequest, *, grant_form=None, refuse_form=None, status=200):
    today = clock.today()
    period = Period(late.year, late.month)
    can_decide = late.status == LateRequestStatus.PENDING and policy.can_decide_late_reports(
        request.user, late.plan.zone
    )
    rows = period_rows(plan=late.plan, unit=late.unit, period=period, reader=request.user)
    can_enter = policy.can_enter(request.user, late.unit)
    context = {
        "late": late,
        "period": period,
        "period_url": _period_url(late.plan_id, late.unit_id, period),
        "state": effective_period_state(plan=late.plan, unit=late.unit, period=period, today=today),
        "reporting": rows_reporting(rows, plan=late.plan, period=period, today=today),
        "can_decide": can_decide,
        "can_enter": can_enter,
        "can_ask_again": late.status == LateRequestStatus.REFUSED and can_enter,
        "grant_form": grant_form or LateGrantForm(initial={"until": today + dt.timedelta(days=LATE_REPORT_DAYS)}),
        "refuse_form": refuse_form or LateRefuseForm(),
    }
    return render(request, "progress/late_request.html", context, status=status)


def _visible_request(request: HttpRequest, request_id: int) -> LateReportRequest:
    return get_object_or_404(
        late_requests_visible_to(request.user).select_related(
            "plan__zone", "unit", "requested_by", "decided_by", "reopening"
        ),
        pk=request_id,
    )


@login_required
def late_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request and its record (who asked, when, why; who decided, when, why)."""
    return _detail(request, _visible_request(request, request_id))


@login_required
@require_POST
def late_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    """The zone office grants (until a day) or refuses (with a reason) a request."""
    late = _visible_request(request, request_id)
    if not policy.can_decide_late_reports(request.user, late.plan.zone):
        raise PermissionDenied(_("Only the zone office grants or refuses a late report."))
    action = request.POST.get("action")
    grant_form = refuse_form = None
    try:
        if action == "grant":
            grant_form = LateGrantForm(request.POST)
            if grant_form.is_valid():
                late_request_grant(request=late, by=request.user, **grant_form.cleaned_data)
                messages.success(
                    request,
                    _("Granted: %(unit)s may report %(period)s until %(until)s.")
                    % {"unit": late.unit, "period": late.period_label, "until": grant_form.cleaned_data["until"]},
                )
                return redirect("progress:late_request", request_id=late.pk)
        elif action == "refuse":
            refuse_form = LateRefuseForm(request.POST)
            if refuse_form.is_valid():
                late_request_refuse(request=late, by=request.user, reason=refuse_form.cleaned_data["reason"])
                messages.success(request, _("Refused; the unit is told why."))
                return redirect("progress:late_request", request_id=late.pk)
        else:
            messages.error(request, _("Choose to grant or to refuse."))
    except LateRequestConflict as conflict:
        messages.error(request, " ".join(conflict.messages))
        late.refresh_from_db()
    except ValidationError as refused:
        _form_errors(grant_form if action == "grant" else refuse_form, refused)
    return _detail(request, late, grant_form=grant_form, refuse_form=refuse_form, status=400)
