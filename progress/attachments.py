"""Evidence (佐证材料) attached to reports: adding and removing it, and reading it for pages
and exports.

A unit's reporting staff attach files to a report while it is theirs to change: a draft or a
returned report of a period open for the unit. Once submitted, the evidence is fixed with the
figure. Each addition and removal is a ReportEvent in the report's history, in words; a
removed file keeps its row and its stored bytes (``Attachment.removed_at``) so that history
stays true. Files are stored through Django's storage API (``default_storage``: the file system
by default, an S3-compatible store in production, docs/deploy.md) and checked by their content
first (``core.uploads.check_evidence``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.uploads import UploadRefused, attachment_max_bytes, check_evidence, check_size, safe_filename
from plans.models import Plan
from plans.periods import Period
from progress.choices import EDITABLE, SENT
from progress.models import Attachment, Report, ReportEvent
from progress.selectors import effective_period_state, period_rows
from targets.models import Target
from zones import policy
from zones.models import Unit


class EvidenceRefused(Exception):
    """Evidence cannot be added or removed now (the report was sent, the period is closed, the
    file is not accepted); ``message`` says why in the user's words. Nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _record(report: Report, action: str, by, attachment: Attachment, at: dt.datetime, *, added: bool) -> None:
    """The history's entry: the file by its name, as it was added or taken off (the history
    labels it, progress.history.OTHER_LABELS)."""
    words = attachment.name
    ReportEvent.objects.create(
        report=report,
        action=action,
        by=by,
        at=at,
        changes={"attachment": [None, words] if added else [words, None]},
    )


def _require_changeable(report: Report | None, *, plan: Plan, unit: Unit, period: Period, today: dt.date) -> None:
    state = effective_period_state(plan=plan, unit=unit, period=period, today=today)
    if state.refusal is not None:
        raise EvidenceRefused(str(state.refusal))
    if report is not None and report.status not in EDITABLE:
        raise EvidenceRefused(
            _("This report was sent for review: its evidence is fixed. Withdraw or wait for a return to change it.")
        )


def attachment_add(
    *,
    plan: Plan,
    unit: Unit,
    period: Period,
    target: Target,
    name: str,
    data: bytes,
    by,
    today: dt.date | None = None,
) -> Attachment:
    """Attach a file to the unit's report of ``target`` for ``period`` (a draft report is
    created for a row that has none yet). The file is refused, and nothing changes, when it is
    larger than ``ATTACHMENT_MAX_BYTES`` or its bytes are not of an accepted kind."""
    if not policy.can_attach_evidence(by, unit) or unit.zone_id != plan.zone_id:
        raise PermissionDenied(_("You do not enter figures for this unit."))
    today = today or clock.today()
    try:
        check_size(len(data), limit=attachment_max_bytes())
        kind = check_evidence(data)
    except UploadRefused as refused:
        raise EvidenceRefused(refused.message) from None
    with transaction.atomic():
        list(
            Report.objects.select_for_update()
            .filter(target=target, year=period.year, month=period.month)
            .values_list("pk", flat=True)
        )
        rows = {row.target.pk: row for row in period_rows(plan=plan, unit=unit, period=period)}
        if target.pk not in rows:
            raise PermissionDenied(_("The form names targets this unit does not report for this period."))
        report = rows[target.pk].report
        _require_changeable(report, plan=plan, unit=unit, period=period, today=today)
        if report is None:
            report = _draft_for(target, period=period, by=by)
            _require_changeable(report, plan=plan, unit=unit, period=period, today=today)
        now = clock.now()
        attachment = Attachment(
            report=report,
            name=safe_filename(name, kind=kind),
            content_type=kind.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=by,
            uploaded_at=now,
        )
        # The storage writes under a random name (progress.models.attachment_upload_to).
        attachment.file.save(f"upload{kind.extensions[0]}", ContentFile(data), save=False)
        try:
            attachment.save()
            _record(report, ReportEvent.Action.ATTACHED, by, attachment, now, added=True)
        except Exception:
            attachment.file.delete(save=False)  # no stored file without its row
            raise
    return attachment


def _draft_for(target: Target, *, period: Period, by) -> Report:
    """The empty draft that holds a row's first file, or the report another request created
    for the row a moment ago (one report per target and period)."""
    try:
        with transaction.atomic():
            return Report.objects.create(
                target=target, year=period.year, month=period.month, created_by=by, updated_by=by
            )
    except IntegrityError:
        return Report.objects.select_for_update().get(target=target, year=period.year, month=period.month)


def attachment_remove(*, attachment: Attachment, by, today: dt.date | None = None) -> Attachment:
    """Take a file off its report (kept, marked removed, and said so in the history)."""
    report = attachment.report
    target = report.target
    unit = target.task.lead_unit
    if unit is None or not policy.can_attach_evidence(by, unit):
        raise PermissionDenied(_("You do not enter figures for this unit."))
    today = today or clock.today()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if attachment.removed:
            return attachment
        _require_changeable(
            report, plan=target.task.plan, unit=unit, period=Period(report.year, report.month), today=today
        )
        now = clock.now()
        attachment.removed_at, attachment.removed_by = now, by
        attachment.save(update_fields=["removed_at", "removed_by"])
        _record(report, ReportEvent.Action.DETACHED, by, attachment, now, added=False)
    return attachment


# --- reads ------------------------------------------------------------------------------------


def live_attachments():
    """The files still attached (not removed), in the order they came."""
    return Attachment.objects.filter(removed_at__isnull=True).order_by("uploaded_at", "id")


def with_evidence(reports: Iterable[Report | None], *, visible: bool = True) -> list[Report]:
    """Set ``evidence`` (the files still attached) on each report, in one query whatever the
    number of reports; the reports, without the Nones a period's rows may hold. Not
    ``visible`` (the reader may not open the unit's evidence, zones.policy.can_read_evidence),
    every report's evidence is empty and nothing is read."""
    reports = [report for report in reports if report is not None]
    found: dict[int, list[Attachment]] = {report.pk: [] for report in reports}
    for attachment in live_attachments().filter(report__in=list(found) if visible else []):
        found[attachment.report_id].append(attachment)
    for report in reports:
        report.evidence = found[report.pk]
    return reports


def evidence_link(attachment: Attachment) -> str:
    """The absolute address of a file's download (for exports read outside the app), built
    on ``SITE_URL``, the address people reach the app at."""
    path = reverse("progress:attachment", kwargs={"attachment_id": attachment.pk})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def evidence_text(attachments: Iterable[Attachment]) -> str:
    """An export's cell: each file's name and its link, one file a line."""
    return "\n".join(f"{attachment.name} {evidence_link(attachment)}" for attachment in attachments)


def evidence_by_target(*, targets, period: Period) -> dict[int, list[Attachment]]:
    """The files attached to each target's sent report (submitted or approved) of ``period``,
    keyed by target id; one query, whatever the number of targets. Drafts and returned reports
    are the unit's own until sent, as their figures are."""
    found: dict[int, list[Attachment]] = {}
    attachments = live_attachments().filter(
        report__target__in=targets, report__year=period.year, report__month=period.month, report__status__in=SENT
    )
    for attachment in attachments.select_related("report").only("pk", "name", "report__target"):
        found.setdefault(attachment.report.target_id, []).append(attachment)
    return found
