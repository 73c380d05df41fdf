"""Pages of the Excel round trip of a unit's period sheet.

Download the sheet; upload it filled in and see a preview of what would change
(checked by the real save, rolled back); confirm to save the figures as drafts.
Nothing is stored between the preview and the confirmation but a signed copy
of the rows in the confirmation form.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from core.downloads import attach
from core.export_records import record_export
from core.models import ExportRecord
from core.spreadsheets import XLSX_CONTENT_TYPE
from core.uploads import UploadRefused, check_xlsx, megabytes, upload_max_bytes
from plans.models import Plan
from plans.periods import Period, PeriodState, period_label
from progress.forms import SheetUploadForm
from progress.models import ReportEvent
from progress.selectors import effective_period_state, period_rows
from progress.services import PeriodClosed, RowInput, StaleVersion, unit_period_save
from progress.sheets import (
    MAX_UPLOAD_BYTES,
    SheetPreview,
    SheetRejected,
    period_sheet_build,
    period_sheet_filename,
    period_sheet_preview,
    period_sheet_read,
)
from zones import policy
from zones.models import Unit

CONFIRM_SALT = "progress.sheets.confirm"
CONFIRM_MAX_AGE = 60 * 60  # seconds a preview can be confirmed


@dataclass(frozen=True)
class SheetScope:
    """The plan, unit and period named by the URL."""

    plan: Plan
    unit: Unit
    period: Period

    @property
    def kwargs(self) -> dict[str, object]:
        return {"plan_id": self.plan.pk, "unit_id": self.unit.pk, "period": str(self.period)}

    @property
    def label(self) -> str:
        return period_label(self.period.year, self.period.month)


def _scope(plan_id: int, unit_id: int, period: str) -> SheetScope:
    try:
        parsed = Period.parse(period)
    except ValueError:
        raise Http404("period") from None
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    unit = get_object_or_404(Unit, pk=unit_id, zone_id=plan.zone_id)
    if not plan.start_year <= parsed.year <= plan.end_year:
        raise Http404("period")
    return SheetScope(plan=plan, unit=unit, period=parsed)


def _require_entry(user, scope: SheetScope) -> None:
    if not policy.can_enter(user, scope.unit):
        raise PermissionDenied(_("You do not enter figures for this unit."))


def _period_url(scope: SheetScope) -> str:
    """The unit's period form, or the home page while that page does not exist."""
    try:
        return reverse("progress:period", kwargs=scope.kwargs)
    except NoReverseMatch:
        return reverse("home")


def _page(scope: SheetScope, **extra: object) -> dict[str, object]:
    return {
        "scope": scope,
        "download_url": reverse("progress:sheet_download", kwargs=scope.kwargs),
        "upload_url": reverse("progress:sheet_upload", kwargs=scope.kwargs),
        "confirm_url": reverse("progress:sheet_confirm", kwargs=scope.kwargs),
        "period_url": _period_url(scope),
        **extra,
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def period_sheet_download(request: HttpRequest, plan_id: int, unit_id: int, period: str) -> HttpResponse:
    """The unit's period sheet as an xlsx download, for its staff and reviewers."""
    scope = _scope(plan_id, unit_id, period)
    if not (policy.can_enter(request.user, scope.unit) or policy.can_review(request.user, scope.unit)):
        raise PermissionDenied(_("You do not enter or review figures for this unit."))
    rows = period_rows(plan=scope.plan, unit=scope.unit, period=scope.period)
    data = period_sheet_build(plan=scope.plan, unit=scope.unit, period=scope.period, rows=rows)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    filename = period_sheet_filename(unit=scope.unit, period=scope.period)
    record_export(
        user=request.user,
        kind=ExportRecord.Kind.PERIOD_SHEET,
        title=f"{scope.unit.name} · {scope.plan.title} · {period_label(scope.period.year, scope.period.month)}",
        file_name=filename,
        zone_ids=[scope.plan.zone_id],
        rows=len(rows),
    )
    return attach(response, filename=filename, fallback=f"period-sheet-{scope.period}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def period_sheet_upload(request: HttpRequest, plan_id: int, unit_id: int, period: str) -> HttpResponse:
    """Choose a filled-in sheet; a readable one shows the preview of its changes."""
    scope = _scope(plan_id, unit_id, period)
    _require_entry(request.user, scope)
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        preview = _preview_upload(request, scope, form)
        if preview is not None:
            return _render_preview(request, scope, preview)
    state = effective_period_state(plan=scope.plan, unit=scope.unit, period=scope.period, today=clock.today())
    return render(
        request,
        "progress/sheets/upload.html",
        _page(scope, form=form, is_open=state is PeriodState.OPEN, state=state),
        status=400 if form.errors else 200,
    )


def _preview_upload(request: HttpRequest, scope: SheetScope, form: SheetUploadForm) -> SheetPreview | None:
    """Read the uploaded file and dry-run it; on refusal put the reason on the form."""
    upload = form.cleaned_data["file"]
    if upload.size > min(MAX_UPLOAD_BYTES, upload_max_bytes()):
        form.add_error(
            "file",
            _("The file is larger than %(size)s MB; a period sheet is far smaller.")
            % {"size": megabytes(min(MAX_UPLOAD_BYTES, upload_max_bytes()))},
        )
        return None
    data = upload.read()
    if data:  # an empty file gets the sheet reader's own message
        try:
            check_xlsx(data, name=upload.name)
        except UploadRefused as refusal:
            form.add_error("file", refusal.message)
            return None
    try:
        rows = period_sheet_read(data=data, plan=scope.plan, unit=scope.unit, period=scope.period)
        return period_sheet_preview(
            plan=scope.plan, unit=scope.unit, period=scope.period, rows=rows, by=request.user, today=clock.today()
        )
    except SheetRejected as error:
        form.add_error("file", error.message)
    except (PeriodClosed, PermissionDenied) as error:
        form.add_error(None, str(error))
    return None


def _render_preview(request: HttpRequest, scope: SheetScope, preview: SheetPreview, status: int = 200) -> HttpResponse:
    token = ""
    if preview.can_confirm:
        token = signing.dumps(
            {"scope": _signed_scope(request, scope), "rows": [asdict(row) for row in preview.to_save]},
            salt=CONFIRM_SALT,
            compress=True,
        )
    return render(request, "progress/sheets/preview.html", _page(scope, preview=preview, token=token), status=status)


def _signed_scope(request: HttpRequest, scope: SheetScope) -> list[object]:
    # Binds a confirmation to the user, plan, unit and period it was previewed for.
    return [request.user.pk, scope.plan.pk, scope.unit.pk, str(scope.period)]


@login_required
@require_POST
def period_sheet_confirm(request: HttpRequest, plan_id: int, unit_id: int, period: str) -> HttpResponse:
    """Save the previewed rows as drafts through the one write path."""
    scope = _scope(plan_id, unit_id, period)
    _require_entry(request.user, scope)
    upload_url = reverse("progress:sheet_upload", kwargs=scope.kwargs)
    rows = _signed_rows(request, scope)
    if rows is None:
        return redirect(upload_url)
    try:
        result = unit_period_save(
            plan=scope.plan,
            unit=scope.unit,
            period=scope.period,
            rows=rows,
            by=request.user,
            submit=False,
            action=ReportEvent.Action.IMPORTED,
        )
    except StaleVersion:
        # Someone changed these reports after the preview: show them beside the sheet's figures.
        preview = period_sheet_preview(
            plan=scope.plan, unit=scope.unit, period=scope.period, rows=rows, by=request.user, today=clock.today()
        )
        return _render_preview(request, scope, preview, status=409)
    except (PeriodClosed, PermissionDenied) as error:
        messages.error(request, str(error) or _("You do not enter figures for this unit."))
        return redirect(upload_url)
    if not result.ok:
        preview = period_sheet_preview(
            plan=scope.plan, unit=scope.unit, period=scope.period, rows=rows, by=request.user, today=clock.today()
        )
        return _render_preview(request, scope, preview, status=400)
    messages.success(
        request,
        _("The sheet's figures were saved as drafts (%(count)s rows). Check them and submit when ready.")
        % {"count": result.saved},
    )
    return redirect(_period_url(scope))


def _signed_rows(request: HttpRequest, scope: SheetScope) -> list[RowInput] | None:
    try:
        payload = signing.loads(request.POST.get("rows", ""), salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, _("The preview is more than an hour old; upload the sheet again."))
        return None
    except signing.BadSignature:
        messages.error(request, _("The confirmation could not be read; upload the sheet again."))
        return None
    if not isinstance(payload, dict) or payload.get("scope") != _signed_scope(request, scope):
        messages.error(request, _("The confirmation could not be read; upload the sheet again."))
        return None
    return [RowInput(**row) for row in payload.get("rows", [])]
