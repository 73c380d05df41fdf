"""Writes of progress reports: save, submit, approve, return, correct, reopen.

Every write checks the user's right to act, runs in one transaction, bumps
the report's version and records a ReportEvent with old and new values.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.text import text_problem
from plans.models import Plan
from progress.choices import ReportStatus
from progress.models import PeriodReopening, Report, ReportEvent
from progress.periods import Period, PeriodState
from progress.selectors import Row, effective_period_state, period_rows
from progress.validation import FigureCheck, check_figure
from zones import policy
from zones.models import Unit

log = logging.getLogger(__name__)
TEXT_FIELDS = ("progress", "problems", "next_steps", "value_note")
TRACKED_FIELDS = ("value", *TEXT_FIELDS, "status", "return_reason")


@dataclass
class RowInput:
    """What the user typed for one target. ``version`` is the report version
    the page was showing (``None`` when there was no report yet)."""

    target_id: int
    raw_value: str = ""
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    value_note: str = ""
    confirmed: bool = False
    version: int | None = None


@dataclass
class Conflict:
    """A report someone else changed since the page was loaded."""

    target_id: int
    indicator: str
    changed_by: str
    changed_at: dt.datetime | None
    their_value: Decimal | None
    their_status: str
    version: int


class StaleVersion(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(f"{len(conflicts)} report(s) changed meanwhile")
        self.conflicts = conflicts


class PeriodClosed(Exception):
    """The period is locked (or has not begun) for this unit."""


class OwnSubmission(PermissionDenied):
    """The zone separates duties and the would-be approver submitted the report."""


@dataclass
class SaveResult:
    saved: int = 0
    submitted: int = 0
    errors: dict[int, dict[str, str]] = field(default_factory=dict)  # target id → field → message
    checks: dict[int, FigureCheck] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _queue_recompute(target_ids) -> None:
    """Mark the targets whose counted figure may have changed as owed a
    recompute, in the caller's transaction (the outbox, targets.outbox), and
    queue their recompute after the commit (the fast path). A broker that is
    down neither fails nor slows the user's request: the first refused
    message stops the sending, and the catch-up sweep pays the marks once
    the broker is back."""
    from targets.outbox import pending_mark

    ids = sorted(set(target_ids))

    def send() -> None:
        from targets.tasks import recompute_target

        for sent, target_id in enumerate(ids):
            try:
                recompute_target.delay(target_id)
            except Exception:
                log.exception(
                    "could not queue the recompute of target %s; %d left to the catch-up sweep",
                    target_id,
                    len(ids) - sent,
                )
                return

    if ids:
        pending_mark(ids)
        transaction.on_commit(send)


def _require_open(*, plan: Plan, unit: Unit, period: Period, today: dt.date) -> None:
    state = effective_period_state(plan=plan, unit=unit, period=period, today=today)
    if state is PeriodState.FUTURE:
        raise PeriodClosed(_("This period has not begun yet."))
    if state is PeriodState.LOCKED:
        raise PeriodClosed(_("This period is closed. Ask the zone administrator to reopen it if a change is needed."))


def _record(report: Report, action: str, by, changes: dict, comment: str = "", at: dt.datetime | None = None) -> None:
    ReportEvent.objects.create(
        report=report, action=action, by=by, at=at or clock.now(), changes=changes, comment=comment
    )


def _diff(before: dict, report: Report) -> dict:
    changes = {}
    for name in TRACKED_FIELDS:
        old, new = before.get(name), getattr(report, name)
        if old != new:
            changes[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changes


def _snapshot(report: Report | None) -> dict:
    if report is None:
        return {}
    return {name: getattr(report, name) for name in TRACKED_FIELDS}


def unit_period_save(
    *,
    plan: Plan,
    unit: Unit,
    period: Period,
    rows: list[RowInput],
    by,
    submit: bool = False,
    today: dt.date | None = None,
    action: str = ReportEvent.Action.SAVED,
    whole_period: bool = True,
) -> SaveResult:
    """Save a unit's figures for a period as drafts, and submit them when asked.

    All or nothing: a refused figure, a stale version or a closed period
    leaves every report as it was. Blank rows are fine in a draft; submitting
    needs a value (and a progress note) in every editable row of the period,
    or with ``whole_period=False`` (the API's single report) in the given rows.
    """
    if not policy.can_enter(by, unit) or unit.zone_id != plan.zone_id:
        raise PermissionDenied(_("You do not enter figures for this unit."))
    today = today or clock.today()
    _require_open(plan=plan, unit=unit, period=period, today=today)
    by_target = {row.target_id: row for row in rows}
    result = SaveResult()
    with transaction.atomic():
        # Lock this unit-period's reports so concurrent saves queue up here.
        list(
            Report.objects.select_for_update()
            .filter(target__task__plan=plan, target__task__lead_unit=unit, year=period.year, month=period.month)
            .values_list("pk", flat=True)
        )
        current_rows = {row.target.pk: row for row in period_rows(plan=plan, unit=unit, period=period)}
        unknown = set(by_target) - set(current_rows)
        if unknown:
            raise PermissionDenied(_("The form names targets this unit does not report for this period."))
        conflicts = _conflicts(current_rows, by_target)
        if conflicts:
            raise StaleVersion(conflicts)
        planned: list[tuple[Row, RowInput, Decimal | None]] = []
        for target_id, typed in by_target.items():
            row = current_rows[target_id]
            if not row.editable:
                continue
            errors = _row_errors(row, typed, period=period, submit=submit, result=result)
            if errors:
                result.errors[target_id] = errors
            else:
                planned.append((row, typed, result.checks[target_id].value if target_id in result.checks else None))
        if submit and whole_period:
            missing = [r for tid, r in current_rows.items() if r.editable and tid not in by_target]
            for row in missing:
                result.errors[row.target.pk] = {"value": _("Enter this period's figure before submitting.")}
        if result.errors:
            return result
        now = clock.now()
        if submit:
            _queue_recompute(row.target.pk for row, _typed, _value in planned)
        for row, typed, value in planned:
            _apply(row, typed, value, period=period, by=by, now=now, submit=submit, result=result, action=action)
    return result


def _conflicts(current_rows: dict[int, Row], typed_rows: dict[int, RowInput]) -> list[Conflict]:
    conflicts = []
    for target_id, typed in typed_rows.items():
        report = current_rows[target_id].report
        current_version = report.version if report else None
        if current_version != typed.version:
            conflicts.append(_conflict(current_rows[target_id].target, report))
    return conflicts


def _conflict(target, report: Report | None) -> Conflict:
    """What the user did not see: the report as it is now (or that there is none)."""
    return Conflict(
        target_id=target.pk,
        indicator=target.indicator,
        changed_by=_user_label(report.updated_by) if report else "",
        changed_at=report.updated_at if report else None,
        their_value=report.value if report else None,
        their_status=report.get_status_display() if report else "",
        version=report.version if report else 0,
    )


def _user_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _row_errors(row: Row, typed: RowInput, *, period: Period, submit: bool, result: SaveResult) -> dict[str, str]:
    errors: dict[str, str] = {}
    if typed.raw_value.strip():
        check = check_figure(
            typed.raw_value,
            kind=row.target.kind,
            unit=row.target.unit,
            target_value=row.target.value,
            previous=row.previous_value,
            before_previous=row.before_previous.value if row.before_previous else None,
            previous_month=row.previous.month if row.previous else None,
            month=period.month,
            note=typed.value_note,
            confirmed=typed.confirmed,
        )
        result.checks[row.target.pk] = check
        if check.error:
            errors["value"] = check.error
        elif check.needs_note:
            errors["value_note"] = check.needs_note
        elif check.needs_confirmation:
            errors["confirmed"] = check.needs_confirmation
    elif submit:
        errors["value"] = _("Enter this period's figure before submitting.")
    if submit and not typed.progress.strip():
        errors["progress"] = _("Describe the progress before submitting.")
    for name in TEXT_FIELDS:
        text = getattr(typed, name)
        if len(text) > 4000:
            errors[name] = _("At most 4000 characters.")
        elif problem := text_problem(text.strip()):  # as saved: white space around it goes
            errors[name] = problem
    return errors


def _apply(
    row: Row,
    typed: RowInput,
    value: Decimal | None,
    *,
    period: Period,
    by,
    now,
    submit: bool,
    result: SaveResult,
    action: str,
) -> None:
    report = row.report
    before = _snapshot(report)
    blank = value is None and not any(getattr(typed, name).strip() for name in TEXT_FIELDS)
    if report is None and blank and not submit:
        return  # an untouched row creates no empty draft
    if report is None:
        report = Report(target=row.target, year=period.year, month=period.month, created_by=by)
    report.value = value
    for name in TEXT_FIELDS:
        setattr(report, name, getattr(typed, name).strip())
    changes = _diff(before, report)
    if not changes and not submit:
        return
    report.updated_by = by
    if submit:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = now, by
    if report.pk:
        report.version += 1
    report.save()
    if changes:
        _record(report, action, by, changes, at=now)
        result.saved += 1
    if submit:
        _record(report, ReportEvent.Action.SUBMITTED, by, {"status": [before.get("status"), report.status]}, at=now)
        result.submitted += 1


def reports_approve(*, reports: list[Report], by) -> int:
    """Approve submitted reports; every one must belong to a unit the user reviews."""
    with transaction.atomic():
        locked = _lock_for_review(reports, by)
        now = clock.now()
        for report in locked:
            if report.status != ReportStatus.SUBMITTED:
                raise ValidationError(_("Only submitted reports can be approved."))
            _require_another_approver(report, by)
            before = report.status
            report.status = ReportStatus.APPROVED
            report.approved_at, report.approved_by = now, by
            report.return_reason = ""
            report.version += 1
            report.save()
            _record(report, ReportEvent.Action.APPROVED, by, {"status": [before, report.status]}, at=now)
        _queue_recompute(report.target_id for report in locked)
    return len(locked)


def reports_return(*, reports: list[Report], by, reason: str) -> int:
    """Return submitted reports to the staff with a reason they will see."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for returning."))
    with transaction.atomic():
        locked = _lock_for_review(reports, by)
        now = clock.now()
        for report in locked:
            if report.status != ReportStatus.SUBMITTED:
                raise ValidationError(_("Only submitted reports can be returned."))
            before = report.status
            report.status = ReportStatus.RETURNED
            report.returned_at, report.returned_by = now, by
            report.return_reason = reason
            report.version += 1
            report.save()
            _record(
                report, ReportEvent.Action.RETURNED, by, {"status": [before, report.status]}, comment=reason, at=now
            )
        _queue_recompute(report.target_id for report in locked)
    return len(locked)


def _require_another_approver(report: Report, by) -> None:
    """Separation of duties (a zone setting, on by default): the approver is not the submitter."""
    if report.target.task.lead_unit.zone.separation_of_duties and report.submitted_by_id == by.pk:
        raise OwnSubmission(
            _(
                "You submitted “%(indicator)s” (%(period)s) yourself: another reviewer of the unit must "
                "approve it. Nothing was approved."
            )
            % {"indicator": report.target.indicator, "period": report.period_label}
        )


def _lock_for_review(reports: list[Report], by) -> list[Report]:
    ids = [report.pk for report in reports]
    locked = list(
        Report.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("target__task__lead_unit__zone")
        .order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError(_("Some reports no longer exist."))
    for report in locked:
        unit = report.target.task.lead_unit
        if unit is None or not policy.can_review(by, unit):
            raise PermissionDenied(_("You do not review this unit's reports."))
    return locked


def report_correct(*, report: Report, by, raw_value: str, reason: str, version: int, confirmed: bool = False) -> Report:
    """Change the figure of an approved report: an explicit, recorded correction.

    ``version`` is the report's version the user was shown; a correction made on a stale copy
    (someone corrected it meanwhile) raises StaleVersion and changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write the reason for the correction.")})
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("target__task__plan__zone", "target__task__lead_unit")
            .get(pk=report.pk)
        )
        unit = report.target.task.lead_unit
        zone = report.target.task.plan.zone
        if not policy.can_correct(by, unit=unit, zone=zone):
            raise PermissionDenied(_("Only the unit's reviewer or the zone administrator can correct a report."))
        if report.status != ReportStatus.APPROVED:
            raise ValidationError(_("Only approved reports are corrected; edit the others in the period form."))
        if report.version != version:
            raise StaleVersion([_conflict(report.target, report)])
        check = check_figure(
            raw_value,
            kind=report.target.kind,
            unit=report.target.unit,
            target_value=report.target.value,
            previous=None,
            month=report.month,
            note=reason,
            confirmed=True,
        )
        if check.error:
            raise ValidationError({"value": check.error})
        before = _snapshot(report)
        report.value = check.value
        report.updated_by = by
        report.version += 1
        report.save()
        _record(report, ReportEvent.Action.CORRECTED, by, _diff(before, report), comment=reason)
        _queue_recompute([report.target_id])
    return report


def period_reopen(*, plan: Plan, unit: Unit, period: Period, by, reason: str, until: dt.date) -> PeriodReopening:
    """Reopen one unit's locked period until a date: a recorded exception."""
    if not policy.is_zone_admin(by, plan.zone) or unit.zone_id != plan.zone_id:
        raise PermissionDenied(_("Only the zone administrator can reopen a period."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write the reason for reopening.")})
    if until < clock.today():
        raise ValidationError({"until": _("The reopening must last until today or later.")})
    return PeriodReopening.objects.create(
        plan=plan,
        unit=unit,
        year=period.year,
        month=period.month,
        until=until,
        reason=reason,
        by=by,
        at=clock.now(),
    )
