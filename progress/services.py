"""Writes of progress reports: save, submit, withdraw, approve, return, correct, reopen,
and the late-report requests (补报申请) that reopen a closed month.

Every write checks the user's right to act, runs in one transaction, bumps
the report's version and records a ReportEvent with old and new values.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.mail import Mail, mail_render, mails_queue
from core.models import Notification
from core.people import display_name
from core.text import REASON_LIMIT, TEXT_LIMIT, text_problem, too_long
from plans.models import Plan
from plans.periods import Period, PeriodState, periods_of_plan
from progress.choices import LateRequestStatus, ReportStatus
from progress.contributions import ContributionInput, contribution_errors, contribution_rows, contributions_write
from progress.engine.queue import recompute_queue
from progress.models import LateReportRequest, PeriodReopening, Report, ReportEvent
from progress.notifying import tell_reviewed, tell_submitted
from progress.selectors import Row, effective_period_state, period_rows
from progress.validation import FigureCheck, check_figure, missing_for_submit
from zones import policy
from zones.choices import Role
from zones.models import Membership, Unit

log = logging.getLogger(__name__)
TEXT_FIELDS = ("progress", "problems", "next_steps", "value_note")
TRACKED_FIELDS = ("value", *TEXT_FIELDS, "value_confirmed", "status", "return_reason")


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


class LateRequestConflict(ValidationError):
    """The state of the period or of the request does not allow the step
    (the API answers 409): the month is open, nothing is left to report,
    a request already waits, or the request was decided."""


class OwnSubmission(PermissionDenied):
    """The zone separates duties and the would-be approver submitted the report."""


@dataclass
class SaveResult:
    """What a save did. With ``partial`` (see ``unit_period_save``) ``errors``
    and ``conflicts`` name the rows left as they were; ``versions`` holds the
    stored version of every row that went through, so a page that keeps
    editing (the autosave) sends the right one next time; ``blank`` the rows
    a submission passed over because nothing was typed in them."""

    saved: int = 0
    submitted: int = 0
    errors: dict[int, dict[str, str]] = field(default_factory=dict)  # target id → field → message
    checks: dict[int, FigureCheck] = field(default_factory=dict)
    # The co-operating unit's parts (progress.contributions): item id → field → message, and counts.
    contribution_errors: dict[int, dict[str, str]] = field(default_factory=dict)
    contributions_saved: int = 0
    contributions_submitted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)  # target id → stored version
    blank: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # the period's rows as read under the lock, before the save

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts and not self.contribution_errors


def _require_open(*, plan: Plan, unit: Unit, period: Period, today: dt.date) -> None:
    state = effective_period_state(plan=plan, unit=unit, period=period, today=today)
    if state.refusal is not None:
        raise PeriodClosed(str(state.refusal))


def _record(report: Report, action: str, by, changes: dict, comment: str = "", at: dt.datetime | None = None) -> None:
    ReportEvent.objects.create(
        report=report, action=action, by=by, at=at or clock.now(), changes=changes, comment=comment
    )


@dataclass
class _Event:
    report: Report
    action: str
    by: object
    at: dt.datetime
    changes: dict
    comment: str = ""


def _event(
    report: Report, action: str, by, changes: dict, *, comment: str = "", at: dt.datetime | None = None
) -> _Event:
    return _Event(report=report, action=action, by=by, at=at or clock.now(), changes=changes, comment=comment)


# What ``_apply`` changes on a report (``updated_at`` is set by the save).
_SAVED_FIELDS = [
    "value",
    "value_confirmed",
    *TEXT_FIELDS,
    "status",
    "submitted_at",
    "submitted_by",
    "updated_by",
    "updated_at",
    "version",
]


@dataclass
class _Writes:
    """What a save writes, gathered row by row and written at the end in a few
    statements: the new reports in one insert, each changed report in its own
    update (its version and fields differ), the history in one insert, in the
    order the rows were taken."""

    new: list[Report] = field(default_factory=list)
    changed: list[Report] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list)

    def write(self) -> None:
        if self.new:
            Report.objects.bulk_create(self.new)
        # The reports that existed, each its own narrow update (one ``bulk_update``
        # statement costs more to build in Python than the few it replaces).
        for report in self.changed:
            report.save(update_fields=_SAVED_FIELDS)
        _events_write(self.events)


def _events_write(events: list[_Event]) -> None:
    """The history entries, in one insert."""
    if events:
        ReportEvent.objects.bulk_create([ReportEvent(**event.__dict__) for event in events])


def _diff(before: dict, report: Report) -> dict:
    changes = {}
    for name in TRACKED_FIELDS:
        old, new = before.get(name), getattr(report, name)
        if isinstance(new, bool):
            old = bool(old)  # a new report was not confirmed before
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
    contributions: list[ContributionInput] | None = None,
    partial: bool = False,
) -> SaveResult:
    """Save a unit's figures for a period as drafts, and submit them when asked.

    All or nothing by default (the API, the sheet upload): a refused figure,
    a stale version or a closed period leaves every report as it was. Blank
    rows are fine in a draft; submitting needs what ``submit_requirements``
    asks in every editable row of the period, or with ``whole_period=False``
    (the API's single report) in the given rows.

    With ``partial`` (the period form and its autosave) each row goes through
    on its own merits, because one mistyped row must not hold back the other
    nine: a row with an error, or one someone else changed meanwhile, stays as
    it was and is named in the result (``errors``, ``conflicts``); the others
    are saved or submitted; a submission passes over a row nothing was typed
    in (``blank``). A closed period still refuses everything.

    ``contributions`` are the unit's parts of the tasks it co-operates on
    (progress.contributions), saved and submitted with its figures; naming a
    task it does not co-operate on is refused. A refused part holds back the
    unit's other parts (and, all or nothing, everything); with ``partial``
    the figures still go through on their own merits.
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
        result.rows = list(current_rows.values())
        unknown = set(by_target) - set(current_rows)
        if unknown:
            raise PermissionDenied(_("The form names targets this unit does not report for this period."))
        conflicts = _conflicts(current_rows, by_target)
        if conflicts and not partial:
            raise StaleVersion(conflicts)
        result.conflicts = conflicts
        stale = {conflict.target_id for conflict in conflicts}
        planned: list[tuple[Row, RowInput, Decimal | None]] = []
        for target_id, typed in by_target.items():
            row = current_rows[target_id]
            if not row.editable or target_id in stale:
                continue
            if partial and submit and row.report is None and _blank(typed):
                result.blank.append(target_id)
                continue
            errors = _row_errors(row, typed, period=period, submit=submit, result=result)
            if errors:
                result.errors[target_id] = errors
            else:
                planned.append((row, typed, result.checks[target_id].value if target_id in result.checks else None))
        if submit and whole_period and not partial:
            missing = [r for tid, r in current_rows.items() if r.editable and tid not in by_target]
            for row in missing:
                result.errors[row.target.pk] = {"value": _("Enter this period's figure before submitting.")}
        parts_typed = {entered.target_id: entered for entered in contributions or []}
        parts = {}
        if parts_typed:
            parts = {
                row.target.pk: row for row in contribution_rows(plan=plan, unit=unit, period=period, for_update=True)
            }
            if set(parts_typed) - set(parts):
                raise PermissionDenied(_("The form names tasks on which this unit does not co-operate."))
            result.contribution_errors = contribution_errors(parts, parts_typed, submit=submit)
        if (result.errors or result.contribution_errors) and not partial:
            return result
        now = clock.now()
        if submit:
            recompute_queue(row.target.pk for row, _typed, _value in planned)
        writes = _Writes()
        for row, typed, value in planned:
            _apply(
                row,
                typed,
                value,
                period=period,
                by=by,
                now=now,
                submit=submit,
                result=result,
                action=action,
                writes=writes,
            )
        writes.write()
        if parts_typed and not result.contribution_errors:
            result.contributions_saved, result.contributions_submitted = contributions_write(
                parts, parts_typed, unit=unit, period=period, by=by, now=now, submit=submit
            )
        if result.submitted:
            tell_submitted(plan=plan, unit=unit, period=period, count=result.submitted, by=by)
    return result


def _blank(typed: RowInput) -> bool:
    """Nothing typed in the row: no figure and no text."""
    return not typed.raw_value.strip() and not any(getattr(typed, name).strip() for name in TEXT_FIELDS)


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
        changed_by=display_name(report.updated_by) if report else "",
        changed_at=report.updated_at if report else None,
        their_value=report.value if report else None,
        their_status=report.get_status_display() if report else "",
        version=report.version if report else 0,
    )


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
            confirmed_value=_confirmed_value(row.report),
        )
        result.checks[row.target.pk] = check
        if check.error:
            errors["value"] = check.error
        elif check.needs_note:
            errors["value_note"] = check.needs_note
        elif check.needs_confirmation:
            errors["confirmed"] = check.needs_confirmation
    elif not submit and row.report is not None and row.report.status == ReportStatus.RETURNED:
        # A returned report was sent once: it keeps a figure until it is sent again.
        errors["value"] = _("This figure was returned for correction: enter the corrected figure, do not clear it.")
    if submit:
        check = result.checks.get(row.target.pk)
        standing = check.value if check is not None and row.target.kind_entry.figures.standing else None
        fields = {"value": typed.raw_value} | {name: getattr(typed, name) for name in TEXT_FIELDS}
        for name, message in missing_for_submit(row.target.kind, typed=fields, standing=standing).items():
            errors.setdefault(name, message)
    for name in TEXT_FIELDS:
        text = getattr(typed, name)
        if len(text) > TEXT_LIMIT:
            errors[name] = too_long(TEXT_LIMIT)
        elif problem := text_problem(text.strip()):  # as saved: white space around it goes
            errors[name] = problem
    return errors


def _confirmed_value(report: Report | None) -> Decimal | None:
    """The figure the user confirmed before, kept on the report (or None)."""
    return report.value if report is not None and report.value_confirmed else None


def _still_confirmed(report: Report | None, value: Decimal | None, confirmed: bool) -> bool:
    """Whether the saved figure stands confirmed: ticked now, or confirmed
    before and unchanged. No figure has nothing to confirm."""
    if value is None:
        return False
    return confirmed or _confirmed_value(report) == value


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
    writes: _Writes,
) -> None:
    report = row.report
    before = _snapshot(report)
    if report is None and _blank(typed) and not submit:
        return  # an untouched row creates no empty draft
    if report is None:
        report = Report(target=row.target, year=period.year, month=period.month, created_by=by)
    report.value_confirmed = _still_confirmed(report, value, typed.confirmed)
    report.value = value
    for name in TEXT_FIELDS:
        setattr(report, name, getattr(typed, name).strip())
    changes = _diff(before, report)
    if not changes and not submit:
        result.versions[row.target.pk] = report.version
        return
    report.updated_by = by
    if submit:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = now, by
    if report.pk:
        report.version += 1
        writes.changed.append(report)
    else:
        writes.new.append(report)
    result.versions[row.target.pk] = report.version
    if changes:
        writes.events.append(_event(report, action, by, changes, at=now))
        result.saved += 1
    if submit:
        writes.events.append(
            _event(report, ReportEvent.Action.SUBMITTED, by, {"status": [before.get("status"), report.status]}, at=now)
        )
        result.submitted += 1


def reports_approve(*, reports: list[Report], by) -> int:
    """Approve submitted reports; every one must belong to a unit the user reviews."""
    with transaction.atomic():
        locked = _lock_for_review(reports, by)
        now = clock.now()
        events = []
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
            events.append(_event(report, ReportEvent.Action.APPROVED, by, {"status": [before, report.status]}, at=now))
        _events_write(events)
        recompute_queue(report.target_id for report in locked)
        tell_reviewed(reports=locked, kind=Notification.Kind.APPROVED, by=by)
    return len(locked)


def reports_return(*, reports: list[Report], by, reason: str) -> int:
    """Return submitted reports to the staff with a reason they will see."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for returning."))
    with transaction.atomic():
        locked = _lock_for_review(reports, by)
        now = clock.now()
        events = []
        for report in locked:
            if report.status != ReportStatus.SUBMITTED:
                raise ValidationError(_("Only submitted reports can be returned."))
            before = report.status
            report.status = ReportStatus.RETURNED
            report.returned_at, report.returned_by = now, by
            report.return_reason = reason
            report.version += 1
            report.save()
            events.append(
                _event(
                    report, ReportEvent.Action.RETURNED, by, {"status": [before, report.status]}, comment=reason, at=now
                )
            )
        _events_write(events)
        recompute_queue(report.target_id for report in locked)
        tell_reviewed(reports=locked, kind=Notification.Kind.RETURNED, by=by, reason=reason)
    return len(locked)


def reports_withdraw(*, reports: list[Report], by, today: dt.date | None = None) -> int:
    """Take submitted reports back to draft before anyone reviewed them (撤回).

    What was typed stays; the report leaves the review queue and its unit's
    reporting status is 未报 again until it is sent anew. All or nothing: a
    report someone already approved or returned, a locked period, or a unit
    the user does not report for refuses the whole request and changes
    nothing. The history records the withdrawal as its own step."""
    today = today or clock.today()
    with transaction.atomic():
        ids = [report.pk for report in reports]
        locked = list(
            Report.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("target__task__plan", "target__task__lead_unit")
            .order_by("pk")
        )
        if not locked or len(locked) != len(set(ids)):
            raise ValidationError(_("Some reports no longer exist."))
        for report in locked:
            unit = report.target.task.lead_unit
            if unit is None or not policy.can_withdraw(by, unit):
                raise PermissionDenied(_("Only the unit's reporting staff can withdraw its submissions."))
        for report in locked:
            if report.status != ReportStatus.SUBMITTED:
                raise ValidationError(
                    _(
                        "“%(indicator)s” (%(period)s) is “%(status)s”: only a submission nobody has reviewed "
                        "yet can be withdrawn. Nothing was withdrawn."
                    )
                    % {
                        "indicator": report.target.indicator,
                        "period": report.period_label,
                        "status": report.get_status_display(),
                    }
                )
            plan, unit = report.target.task.plan, report.target.task.lead_unit
            _require_open(plan=plan, unit=unit, period=Period(report.year, report.month), today=today)
        now = clock.now()
        events = []
        for report in locked:
            before = report.status
            report.status = ReportStatus.DRAFT
            report.submitted_at, report.submitted_by = None, None
            report.updated_by = by
            report.version += 1
            report.save()
            events.append(_event(report, ReportEvent.Action.WITHDRAWN, by, {"status": [before, report.status]}, at=now))
        _events_write(events)
        # The figure never counted, but the month's reporting status (待审核) changes.
        recompute_queue(report.target_id for report in locked)
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
    (someone corrected it meanwhile) raises StaleVersion and changes nothing. The corrected
    figure passes the checks of an entered one (progress.validation.check_figure, the reason
    standing as its note): one the checks find implausible (more than twice the annual target)
    is refused under ``confirmed`` until the user confirms it, as in the period form."""
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
            confirmed=confirmed,
            confirmed_value=_confirmed_value(report),
        )
        if check.error:
            raise ValidationError({"value": check.error})
        if check.needs_note:
            raise ValidationError({"reason": check.needs_note})
        if check.needs_confirmation:
            raise ValidationError({"confirmed": check.needs_confirmation})
        before = _snapshot(report)
        report.value_confirmed = _still_confirmed(report, check.value, confirmed)
        report.value = check.value
        report.updated_by = by
        report.version += 1
        report.save()
        _record(report, ReportEvent.Action.CORRECTED, by, _diff(before, report), comment=reason)
        recompute_queue([report.target_id])
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


# --- late-report requests (补报申请) -------------------------------------------------

# How long a grant keeps the month open when the zone office does not say (the form's default).
LATE_REPORT_DAYS = 7


def _required_text(text: str, *, field: str, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: missing})
    return _checked_text(text, field=field)


def _checked_text(text: str, *, field: str) -> str:
    text = (text or "").strip()
    if len(text) > REASON_LIMIT:
        raise ValidationError({field: too_long(REASON_LIMIT)})
    if problem := text_problem(text):
        raise ValidationError({field: problem})
    return text


def late_request_create(
    *, plan: Plan, unit: Unit, period: Period, reason: str, by, today: dt.date | None = None
) -> LateReportRequest:
    """The unit's reporting staff ask the zone office to report a closed month
    late, saying why. Refused (LateRequestConflict) when the month is not
    closed for the unit, when every target of it was reported (an approved
    figure changes through a correction), or while a request for it waits."""
    if not policy.can_enter(by, unit) or unit.zone_id != plan.zone_id:
        raise PermissionDenied(_("Only the unit's reporting staff ask to report late."))
    reason = _required_text(reason, field="reason", missing=_("Write why the month must be reported late."))
    today = today or clock.today()
    months = periods_of_plan(
        start_year=plan.start_year, end_year=plan.end_year, frequency="monthly", jan_feb_combined=plan.jan_feb_combined
    )
    if period not in months:
        raise ValidationError({"period": _("This month is not a reporting period of the plan.")})
    state = effective_period_state(plan=plan, unit=unit, period=period, today=today)
    if state is PeriodState.OPEN:
        raise LateRequestConflict(_("This month is open: enter its figures on the period page."))
    if state is PeriodState.FUTURE:
        raise LateRequestConflict(_("This period has not begun yet."))
    if not any(row.editable for row in period_rows(plan=plan, unit=unit, period=period)):
        raise LateRequestConflict(
            _(
                "Every target of this month was submitted: nothing is left to report late. An approved "
                "figure is corrected by the unit's reviewer."
            )
        )
    try:
        with transaction.atomic():
            return LateReportRequest.objects.create(
                plan=plan,
                unit=unit,
                year=period.year,
                month=period.month,
                reason=reason,
                requested_by=by,
                requested_at=clock.now(),
            )
    except IntegrityError:  # late_request_one_pending: a request for the month waits already
        raise LateRequestConflict(_("A request for this month already waits for the zone office's decision.")) from None


def _lock_pending(request: LateReportRequest, by) -> LateReportRequest:
    """The request, locked, if the user decides for its zone and it still waits."""
    locked = (
        LateReportRequest.objects.select_for_update(of=("self",))
        .select_related("plan__zone", "unit")
        .get(pk=request.pk)
    )
    if not policy.can_decide_late_reports(by, locked.plan.zone):
        raise PermissionDenied(_("Only the zone office grants or refuses a late report."))
    if locked.status != LateRequestStatus.PENDING:
        raise LateRequestConflict(
            _("This request was already decided: %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


def late_request_grant(*, request: LateReportRequest, by, until: dt.date, note: str = "") -> LateReportRequest:
    """Grant a late report: the month opens for the unit until ``until``
    through a recorded reopening (``period_reopen``, the one way a closed
    month opens), and the unit's staff are told (home page and mail)."""
    note = _checked_text(note, field="note")
    with transaction.atomic():
        request = _lock_pending(request, by)
        reopening = period_reopen(
            plan=request.plan,
            unit=request.unit,
            period=Period(request.year, request.month),
            by=by,
            reason=request.reason,
            until=until,
        )
        request.status = LateRequestStatus.GRANTED
        request.decided_by, request.decided_at = by, reopening.at
        request.decision_note = note
        request.until = until
        request.reopening = reopening
        request.save()
        mails_queue(late_request_mails(request))
    return request


def late_request_refuse(*, request: LateReportRequest, by, reason: str) -> LateReportRequest:
    """Refuse a late report, saying why; the month stays closed and the unit's
    staff are told (home page and mail). They may ask again."""
    reason = _required_text(reason, field="reason", missing=_("Write why the late report is refused."))
    with transaction.atomic():
        request = _lock_pending(request, by)
        request.status = LateRequestStatus.REFUSED
        request.decided_by, request.decided_at = by, clock.now()
        request.decision_note = reason
        request.save()
        mails_queue(late_request_mails(request))
    return request


def late_request_mails(request: LateReportRequest) -> list[Mail]:
    """The decision, by mail, to the requester and the unit's reporting staff
    (active, with an address), each once."""
    people = {}
    staff = Membership.objects.filter(unit=request.unit, role=Role.STAFF, user__is_active=True).select_related("user")
    for user in [request.requested_by, *(m.user for m in staff)]:
        if user is not None and user.is_active and (user.email or "").strip():
            people.setdefault(user.pk, user)
    link = settings.SITE_URL.rstrip("/") + reverse("progress:late_request", args=[request.pk])
    mails = []
    for user in people.values():
        subject, body = mail_render(
            "progress/email/late_request_decided.txt",
            {"request": request, "name": display_name(user), "link": link},
        )
        mails.append(
            Mail(
                kind=f"late_request_{request.status}",
                key=f"late_request {request.pk} {request.status} user {user.pk}",
                to=user.email.strip(),
                subject=subject,
                body=body,
            )
        )
    return mails
