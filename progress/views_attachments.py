"""Evidence (佐证材料) on the period form: upload a file to a row, remove one, download one.

Upload and removal post their own small forms (the period form's rows point at them) and come
back to the row they were made on, with a message; a refused file changes nothing and says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from core.downloads import attach
from core.uploads import SizeCapUploadHandler, attachment_max_bytes
from plans.models import Plan
from plans.periods import Period
from progress.attachments import EvidenceRefused, attachment_add, attachment_remove
from progress.links import period_form_url
from progress.models import Attachment
from targets.models import Target
from zones import policy
from zones.models import Unit


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        raise Http404(_("No such period.")) from None


@csrf_exempt  # checked by csrf_protect below, once the size-capped handlers are in place
@require_POST
@login_required
def attachment_upload(request: HttpRequest, plan_id: int, unit_id: int, period: str, target_id: int) -> HttpResponse:
    """Attach one file to a row of the period form. The request's files are read through the
    size cap of evidence (``ATTACHMENT_MAX_BYTES``), which must be set before anything reads
    the body, hence CSRF is checked inside."""
    request.upload_handlers = [
        SizeCapUploadHandler(request, limit=attachment_max_bytes()),
        MemoryFileUploadHandler(request),
        TemporaryFileUploadHandler(request),
    ]
    return _upload(request, plan_id=plan_id, unit_id=unit_id, period=period, target_id=target_id)


@csrf_protect
def _upload(request: HttpRequest, *, plan_id: int, unit_id: int, period: str, target_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    unit = get_object_or_404(Unit, pk=unit_id, zone=plan.zone)
    the_period = _period(period)
    target = get_object_or_404(Target, pk=target_id, task__plan=plan, task__lead_unit=unit)
    if not policy.can_attach_evidence(request.user, unit):
        raise PermissionDenied(_("You do not enter figures for this unit."))
    back = period_form_url(plan_id=plan.pk, unit_id=unit.pk, period=the_period, target_id=target.pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return HttpResponseRedirect(back)
    try:
        attachment = attachment_add(
            plan=plan,
            unit=unit,
            period=the_period,
            target=target,
            name=upload.name or "",
            data=upload.read(),
            by=request.user,
        )
    except EvidenceRefused as refused:
        messages.error(
            request,
            _("“%(name)s” was not attached: %(reason)s")
            % {"name": (upload.name or "")[:120], "reason": refused.message},
        )
    else:
        messages.success(
            request,
            _("Attached “%(name)s” to “%(indicator)s”.") % {"name": attachment.name, "indicator": target.indicator},
        )
    return HttpResponseRedirect(back)


@require_POST
@login_required
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """Take a file off a row (the history keeps what it was)."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("report__target__task__plan", "report__target__task__lead_unit"),
        pk=attachment_id,
    )
    report = attachment.report
    task = report.target.task
    back = period_form_url(
        plan_id=task.plan_id,
        unit_id=task.lead_unit_id,
        period=Period(report.year, report.month),
        target_id=report.target_id,
    )
    try:
        attachment_remove(attachment=attachment, by=request.user)
    except EvidenceRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Removed “%(name)s”.") % {"name": attachment.name})
    return HttpResponseRedirect(back)


@require_GET
@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file of evidence, for the unit and those of its zone who read evidence
    (zones.policy.can_read_evidence), as it was uploaded and with the type it was checked as."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("report__target__task__lead_unit"), pk=attachment_id
    )
    unit = attachment.report.target.task.lead_unit
    if unit is None or not policy.can_read_evidence(request.user, unit):
        raise PermissionDenied(_("You may not open this unit's evidence."))
    if attachment.removed:
        raise Http404(_("This file was removed from the report."))
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The stored file is missing.")) from None
    response = FileResponse(handle, content_type=attachment.content_type)
    extension = attachment.name.rpartition(".")[2]
    return attach(response, filename=attachment.name, fallback=f"evidence-{attachment.pk}.{extension}")
