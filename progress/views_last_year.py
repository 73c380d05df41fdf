"""A plan's page of last year's figures (上年同期数据), for the administrators of its zone.

The grid of the plan's amounts × months 1–12 and the plan's time basis, saved together or
not at all: a cell that is not a figure is shown beside itself, with everything typed kept.
The grid also goes out as an Excel sheet and comes back (a preview, then a confirmation that
carries the previewed figures signed, as the period sheet does), and can be filled from the
zone's plan of the previous year (``progress.last_year_import``), shown before it is saved.
Every save goes through ``targets.last_year.grid_save``, which owes the plan a recompute.
Permission as on the assignment page: ``zones.policy.is_zone_admin`` of the plan's zone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.downloads import attach
from core.figures import figure_text
from core.params import parse_id
from core.spreadsheets import XLSX_CONTENT_TYPE
from core.uploads import UploadRefused, check_xlsx
from plans.choices import PlanStatus, TimeBasis
from plans.models import Plan
from progress.forms import LastYearSheetForm
from progress.last_year_import import ledger_matches, previous_plans
from targets.last_year import GridRefused, GridRow, grid_read, grid_save, grid_stored, grid_targets, row_typed
from targets.last_year_sheet import SheetRejected, sheet_build, sheet_filename, sheet_read
from zones.policy import is_zone_admin

EDITABLE = (PlanStatus.DRAFT, PlanStatus.PUBLISHED)
CONFIRM_SALT = "progress.last_year.confirm"
CONFIRM_MAX_AGE = 60 * 60


def _plan_for(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    if not is_zone_admin(request.user, plan.zone):
        raise PermissionDenied(_("Last year's figures of a plan are kept by the administrators of its zone."))
    if plan.status not in EDITABLE:
        raise PermissionDenied(_("An archived plan's figures are no longer changed."))
    return plan


def _saved_message(request: HttpRequest, changed: int) -> None:
    messages.success(
        request,
        ngettext(
            "Saved: last year's figures of %(n)s target changed.",
            "Saved: last year's figures of %(n)s targets changed.",
            changed,
        )
        % {"n": changed},
    )


def _page(
    request: HttpRequest,
    plan: Plan,
    rows: list[GridRow],
    *,
    basis: str,
    basis_error: str = "",
    refusal: str = "",
    matches=None,
    source: Plan | None = None,
    upload_form: LastYearSheetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "plan": plan,
        "rows": rows,
        "months": range(1, 13),
        "basis": basis,
        "basis_choices": TimeBasis.choices,
        "basis_error": basis_error,
        "refusal": refusal,
        "matches": matches,
        "source": source,
        "previous": previous_plans(plan),
        "upload_form": upload_form or LastYearSheetForm(),
        "last_year": plan.start_year - 1,
        "error_rows": sum(1 for row in rows if row.errors),
    }
    return render(request, "progress/last_year.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def last_year(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The grid and the time basis; ``action=save`` saves both, ``action=import`` fills the grid
    from last year's ledger without saving."""
    plan = _plan_for(request, plan_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "import":
        return _import_preview(request, plan)
    if action != "save":
        return _page(request, plan, grid_stored(plan), basis=plan.time_basis)
    targets = grid_targets(plan)
    rows = grid_read(targets, request.POST)
    basis = request.POST.get("time_basis", "")
    basis_error = "" if basis in TimeBasis.values else _("Choose straight line or seasonal.")
    if basis_error or any(row.errors for row in rows):
        return _page(
            request,
            plan,
            rows,
            basis=basis,
            basis_error=basis_error,
            refusal=_("Nothing was saved: correct the cells marked below."),
            status=400,
        )
    try:
        changed = grid_save(plan, {row.target.pk: row.values for row in rows}, time_basis=basis)
    except GridRefused as error:
        return _page(request, plan, rows, basis=basis, refusal=str(error), status=400)
    _saved_message(request, changed)
    return redirect("last_year:page", plan_id=plan.pk)


def _import_preview(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The grid filled from the chosen plan of last year, unsaved, with what matched."""
    previous = previous_plans(plan)
    chosen = parse_id(request.POST.get("source"))
    source = next((candidate for candidate in previous if candidate.pk == chosen), None)
    if source is None:
        rows = grid_stored(plan)
        refusal = (
            _("Choose one of the zone's plans of %(year)s.") % {"year": plan.start_year - 1}
            if previous
            else _("The zone has no plan of %(year)s in Taizhang.") % {"year": plan.start_year - 1}
        )
        return _page(request, plan, rows, basis=plan.time_basis, refusal=refusal, status=400)
    matches = ledger_matches(plan, source)
    rows = []
    for match in matches:
        typed = {month: figure_text(value) for month, value in match.months.items()}
        row = row_typed(match.target, typed, keep_untyped=True)
        row.note = "imported" if match.found else ""
        rows.append(row)
    return _page(request, plan, rows, basis=plan.time_basis, matches=matches, source=source)


@login_required
@require_http_methods(["GET", "HEAD"])
def last_year_sheet(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id)
    data = sheet_build(plan, grid_stored(plan))
    filename, fallback = sheet_filename(plan)
    return attach(HttpResponse(data, content_type=XLSX_CONTENT_TYPE), filename=filename, fallback=fallback)


@login_required
@require_POST
def last_year_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A filled-in sheet: the preview of its rows, each checked; a confirmation when none is wrong."""
    plan = _plan_for(request, plan_id)
    form = LastYearSheetForm(request.POST, request.FILES)
    lines = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            if data:
                check_xlsx(data, name=upload.name)
            lines = sheet_read(data, plan)
        except UploadRefused as refusal:
            form.add_error("file", refusal.message)
        except SheetRejected as error:
            form.add_error("file", error.message)
    if lines is None:
        return _page(request, plan, grid_stored(plan), basis=plan.time_basis, upload_form=form, status=400)
    bad = sum(1 for line in lines if line.row.errors)
    changed = [line for line in lines if line.row.changed]
    token = ""
    if changed and not bad:
        token = signing.dumps(
            {
                "scope": [request.user.pk, plan.pk],
                "rows": {
                    str(line.row.target.pk): {str(m): figure_text(v) for m, v in line.row.values.items()}
                    for line in changed
                },
            },
            salt=CONFIRM_SALT,
            compress=True,
        )
    context = {
        "plan": plan,
        "lines": lines,
        "bad": bad,
        "changed": len(changed),
        "token": token,
        "months": range(1, 13),
    }
    return render(request, "progress/last_year_preview.html", context, status=400 if bad else 200)


@login_required
@require_POST
def last_year_confirm(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Save the previewed rows, checked again on the way in."""
    plan = _plan_for(request, plan_id)
    try:
        payload = signing.loads(request.POST.get("rows", ""), salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, _("The preview is more than an hour old; upload the sheet again."))
        return redirect("last_year:page", plan_id=plan.pk)
    except signing.BadSignature:
        payload = None
    if not isinstance(payload, dict) or payload.get("scope") != [request.user.pk, plan.pk]:
        messages.error(request, _("The confirmation could not be read; upload the sheet again."))
        return redirect("last_year:page", plan_id=plan.pk)
    targets = {target.pk: target for target in grid_targets(plan)}
    values = {}
    for key, months in (payload.get("rows") or {}).items():
        target = targets.get(parse_id(key) or 0)
        if target is None:
            messages.error(request, _("The plan's targets changed since the preview; upload the sheet again."))
            return redirect("last_year:page", plan_id=plan.pk)
        row = row_typed(target, {int(month): text for month, text in months.items()})
        if row.errors:
            messages.error(request, row.errors[0])
            return redirect("last_year:page", plan_id=plan.pk)
        values[target.pk] = row.values
    try:
        changed = grid_save(plan, values)
    except GridRefused as error:
        messages.error(request, str(error))
        return redirect("last_year:page", plan_id=plan.pk)
    _saved_message(request, changed)
    return redirect("last_year:page", plan_id=plan.pk)
