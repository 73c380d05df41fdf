"""Pages of monthly entry and review. Views read, check rights and call services."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from core.panels import TARGET_PAGE, panels
from core.params import parse_ids
from plans.models import Plan
from plans.periods import (
    Period,
    PeriodState,
    days_until_due,
    default_period,
    due_date,
    period_label,
    periods_of_plan,
    plan_period_state,
)
from progress.attachments import with_evidence
from progress.charts import target_chart
from progress.choices import SENT, ContributionStatus, ReportStatus
from progress.contributions import (
    co_operation_plans,
    contribution_rows,
    contributions_of_reports,
    submission_history,
    submitted_contributions,
)
from progress.forms import (
    CorrectionForm,
    ReopenForm,
    ReturnForm,
    contributions_from_post,
    contributions_sent,
    rows_from_post,
)
from progress.history import contribution_entries, history_entries
from progress.links import period_form_url
from progress.models import PeriodReopening, Report
from progress.period_page import STANDING_CHOICES, row_item, save_summary, status_marks
from progress.review import ReviewGroup, review_groups
from progress.selectors import (
    ReportingCount,
    closed_months_to_report,
    co_operation_targets,
    effective_period_state,
    late_request_latest,
    late_requests_by_month,
    pending_among,
    period_rows,
    period_target_ids,
    periods_rows,
    reopenings_of,
    report_history,
    reports_visible_to,
    returned_reports,
    rows_reporting,
    staff_plans,
    unit_reporting_by_period,
)
from progress.services import (
    OwnSubmission,
    PeriodClosed,
    SaveResult,
    StaleVersion,
    period_reopen,
    report_correct,
    reports_approve,
    reports_return,
    reports_withdraw,
    unit_period_save,
)
from targets.ahead_words import ahead_view
from targets.facts import facts_of
from targets.models import Target
from targets.selectors import figure_age, result_explanation
from zones import policy
from zones.models import Unit


@dataclass
class PeriodCard:
    plan: Plan
    unit: Unit
    period: Period
    days_left: int
    counts: dict
    groups: OrderedDict
    reporting: list[ReportingCount]
    reopened_until: dt.date | None = None
    left: int = 0

    @property
    def total(self) -> int:
        """Rows of the period."""
        return sum(self.counts.values())

    @property
    def days_past_due(self) -> int:
        return max(0, -self.days_left)


def _period_url(plan_id: int, unit_id: int, period: Period) -> str:
    return period_form_url(plan_id=plan_id, unit_id=unit_id, period=period)


def _open_periods(
    plan: Plan, unit: Unit, today, reopened: dict[tuple[int, int], dt.date] | None = None
) -> list[tuple[Period, dt.date | None]]:
    """The periods of a plan that accept entries for the unit today, each with
    the end of its reopening when it is open only by one (``reopened``, from
    ``reopenings_of``, read here unless given)."""
    if reopened is None:
        reopened = reopenings_of(plan=plan, unit=unit, today=today)
    result = []
    for period in periods_of_plan(
        start_year=plan.start_year, end_year=plan.end_year, frequency="monthly", jan_feb_combined=plan.jan_feb_combined
    ):
        state = plan_period_state(plan, period, today=today)
        if state is PeriodState.OPEN:
            result.append((period, None))
        elif state is PeriodState.LOCKED and (period.year, period.month) in reopened:
            result.append((period, reopened[(period.year, period.month)]))
    return result


@dataclass
class CoOperationCard:
    """An open period in which a unit writes its part of tasks another unit leads (配合任务)."""

    plan: Plan
    unit: Unit
    period: Period
    tasks: int
    submitted: int


def _co_operation_cards(units, today) -> list[CoOperationCard]:
    """The open periods of the plans in which the units co-operate, with how
    many of their parts are written and submitted."""
    cards = []
    for plan in co_operation_plans(units=units):
        for unit in units:
            if unit.zone_id != plan.zone_id:
                continue
            for period, _until in _open_periods(plan, unit, today):
                parts = contribution_rows(plan=plan, unit=unit, period=period)
                if parts:
                    submitted = sum(1 for part in parts if part.status == ContributionStatus.SUBMITTED)
                    cards.append(CoOperationCard(plan, unit, period, len(parts), submitted))
    return cards


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """我的填报: the open periods of the user's units, with each target's state
    and the unit's reporting status of the month; then the closed months still
    to report, where the staff ask to report late (补报申请)."""
    today = clock.today()
    units = policy.entry_units(request.user).select_related("zone")
    cards: list[PeriodCard] = []
    closed = []
    plans = list(staff_plans(units=units))
    for plan in plans:
        for unit in units:
            if unit.zone_id != plan.zone_id:
                continue
            # One read of the unit's reopenings for both the closed months and the open ones.
            reopened = reopenings_of(plan=plan, unit=unit, today=today)
            closed.extend(closed_months_to_report(plan=plan, unit=unit, today=today, reopened=reopened))
            open_periods = _open_periods(plan, unit, today, reopened)
            # Every open month's rows from the same two queries (the month just ended and this one, at month end).
            rows_by_period = periods_rows(plan=plan, unit=unit, periods=[period for period, _until in open_periods])
            for period, reopened_until in open_periods:
                rows = rows_by_period[period]
                if not rows:
                    continue
                counts: dict[str, int] = {}
                groups: OrderedDict = OrderedDict()
                for row in rows:
                    counts[row.status] = counts.get(row.status, 0) + 1
                    groups.setdefault(row.target.task, []).append(row)
                cards.append(
                    PeriodCard(
                        plan=plan,
                        unit=unit,
                        period=period,
                        days_left=days_until_due(period, today=today, due_day=plan.due_day),
                        counts=counts,
                        groups=groups,
                        reporting=rows_reporting(rows, plan=plan, period=period, today=today),
                        reopened_until=reopened_until,
                        left=sum(1 for row in rows if row.status not in SENT),
                    )
                )
    context = {
        "cards": cards,
        "closed": closed,
        "locked": PeriodState.LOCKED,
        "units": units,
        "returned": _with_form_urls(returned_reports(units=units).order_by("-returned_at")[:50]),
        "co_targets": co_operation_targets(units=units)
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.order_by("-year", "-month"), to_attr="latest_reports")
        )
        .order_by("task__plan", "task__order")[:200],
        "plans": plans,
        "co_cards": _co_operation_cards(units, today),
        "today": today,
    }
    return render(request, "progress/my_reports.html", context)


def _with_form_urls(reports) -> list[Report]:
    """The reports, each with ``form_url``: its row on the unit's period form,
    where a returned figure is put right (not the read-only target page)."""
    reports = list(reports)
    for report in reports:
        report.form_url = period_form_url(
            plan_id=report.target.task.plan_id,
            unit_id=report.target.task.lead_unit_id,
            period=Period(report.year, report.month),
            target_id=report.target_id,
        )
    return reports


def _unit_and_plan(request: HttpRequest, plan_id: int, unit_id: int) -> tuple[Plan, Unit]:
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    unit = get_object_or_404(Unit, pk=unit_id, zone=plan.zone)
    return plan, unit


def _parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        raise Http404(_("No such period.")) from None


def _typed_for_page(row_inputs, result: SaveResult | None) -> dict[int, dict]:
    """What the re-rendered form shows as typed: every row when nothing was saved,
    else the rows a partial save left as they were (the others show what was stored,
    which is what was typed, with their new version)."""
    typed = {row.target_id: dict(row.__dict__) for row in row_inputs}
    if result is None:
        return typed
    kept = set(result.errors) | {conflict.target_id for conflict in result.conflicts}
    for conflict in result.conflicts:
        # Keep what the user typed but take the current version, so a
        # deliberate second save after reading the change goes through.
        typed[conflict.target_id]["version"] = conflict.version or None
    return {target_id: row for target_id, row in typed.items() if target_id in kept}


@login_required
@require_http_methods(["GET", "POST"])
def period_form(request: HttpRequest, plan_id: int, unit_id: int, period: str) -> HttpResponse:
    """One page with all of a unit's targets for a period. A save or a
    submission takes each row on its own merits (``unit_period_save`` with
    ``partial``): the rows that pass go through, the others come back with
    their message and what was typed, and a summary at the top links to them."""
    plan, unit = _unit_and_plan(request, plan_id, unit_id)
    the_period = _parse_period(period)
    user = request.user
    can_enter = policy.can_enter(user, unit)
    # The unit's own staff read all of it: no need to ask again, nor to filter its targets by what they see.
    if not can_enter and not policy.can_read_unit_reports(user, unit):
        raise PermissionDenied(_("You may not see this unit's reports."))
    reader = None if can_enter else user
    today = clock.today()
    state = effective_period_state(plan=plan, unit=unit, period=the_period, today=today)
    # A save reads its rows under lock itself; the page reads them after it.
    rows, parts = [], []
    if request.method != "POST":
        rows = period_rows(plan=plan, unit=unit, period=the_period, reader=reader)
        parts = contribution_rows(plan=plan, unit=unit, period=the_period)
    typed: dict[int, dict] = {}
    errors: dict[int, dict[str, str]] = {}
    parts_typed: dict[int, dict] = {}
    parts_errors: dict[int, dict[str, str]] = {}
    conflicts = []
    summary = None
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied(_("You do not enter figures for this unit."))
        submit = request.POST.get("action") == "submit"
        row_inputs = rows_from_post(request.POST, period_target_ids(plan=plan, unit=unit, period=the_period))
        # The unit's parts are read only when the form sent one (a unit that co-operates on nothing sends none).
        if contributions_sent(request.POST):
            parts = contribution_rows(plan=plan, unit=unit, period=the_period)
        part_inputs = contributions_from_post(request.POST, [part.target.pk for part in parts])
        parts_typed = {part.target_id: part.__dict__ for part in part_inputs}
        try:
            result = unit_period_save(
                plan=plan,
                unit=unit,
                period=the_period,
                rows=row_inputs,
                by=user,
                submit=submit,
                today=today,
                contributions=part_inputs,
                partial=True,
            )
        except PeriodClosed as closed:
            messages.error(request, str(closed))
            typed = _typed_for_page(row_inputs, None)
        else:
            summary = save_summary(result, result.rows, submit=submit)
            if result.ok:
                parts_done = result.contributions_submitted if submit else result.contributions_saved
                # Say what became of the reports, unless only the unit's parts changed.
                if result.saved or result.submitted or not parts_done:
                    messages.success(request, " ".join(filter(None, [summary.headline, summary.blank_note])))
                if parts_done:
                    messages.success(request, _contributions_message(result, submit=submit))
                return redirect(request.path)
            errors, conflicts = result.errors, result.conflicts
            parts_errors = result.contribution_errors
            if parts_errors:
                messages.error(
                    request, _("Your part of the tasks you co-operate on was not saved: correct the marked fields.")
                )
            typed = _typed_for_page(row_inputs, result)
        rows = period_rows(plan=plan, unit=unit, period=the_period, reader=reader)
        parts = contribution_rows(plan=plan, unit=unit, period=the_period)
    editable = can_enter and state is PeriodState.OPEN
    with_evidence((row.report for row in rows), visible=can_enter or policy.can_read_evidence(user, unit))
    # The co-operating units' submitted parts of this unit's tasks, read-only beside their rows.
    shown_parts = submitted_contributions(
        targets=[row.target.pk for row in rows if row.target.kind_entry.figures.standing], period=the_period
    )
    targets = {row.target.pk: row.target for row in rows}
    marks = status_marks(rows)
    items = [
        row_item(
            row,
            typed=typed.get(row.target.pk),
            errors=errors.get(row.target.pk, {}),
            editable=editable and row.editable,
            contributions=shown_parts.get(row.target.pk, []),
            status_mark=marks[row.status],
        )
        for row in rows
    ]
    context = {
        "plan": plan,
        "unit": unit,
        "period": the_period,
        "state": state,
        "reporting": rows_reporting(rows, plan=plan, period=the_period, today=today),
        "late_request": late_request_latest(plan=plan, unit=unit, period=the_period),
        "can_ask_late": can_enter and state is PeriodState.LOCKED and any(row.editable for row in rows),
        "due": due_date(the_period, due_day=plan.due_day),
        "days_left": days_until_due(the_period, today=today, due_day=plan.due_day),
        "rows": items,
        "co_parts": [
            {
                "row": part,
                "typed": parts_typed.get(part.target.pk),
                "errors": parts_errors.get(part.target.pk, {}),
            }
            for part in parts
        ],
        "parts_editable": editable,
        "has_items": any(row.target.kind_entry.figures.standing for row in rows),
        "standings": STANDING_CHOICES,
        "editable": editable and (bool(parts) or any(row.editable for row in rows)),
        "conflicts": [(conflict, targets.get(conflict.target_id)) for conflict in conflicts],
        "summary": summary,
        "can_enter": can_enter,
    }
    status = 400 if errors or parts_errors or conflicts else 200
    return render(request, "progress/period_form.html", context, status=status)


def _contributions_message(result, *, submit: bool) -> str:
    """What became of the unit's parts of the tasks it co-operates on."""
    if submit:
        return _("Submitted your unit's part of %(n)d co-operation tasks to their lead units.") % {
            "n": result.contributions_submitted
        }
    return _("Your unit's part of %(n)d co-operation tasks saved as draft.") % {"n": result.contributions_saved}


@login_required
@require_POST
def period_draft(request: HttpRequest, plan_id: int, unit_id: int, period: str) -> JsonResponse:
    """The form's autosave: the rows the page changed, saved as drafts by the
    same per-row save as the 保存草稿 button (``unit_period_save`` with
    ``partial``). Answers in JSON what was saved (each row's new version, for
    the page's next save), which rows were refused and why, and which someone
    else changed meanwhile; nothing is ever submitted here."""
    plan, unit = _unit_and_plan(request, plan_id, unit_id)
    the_period = _parse_period(period)
    if not policy.can_enter(request.user, unit):
        raise PermissionDenied(_("You do not enter figures for this unit."))
    row_inputs = rows_from_post(request.POST, period_target_ids(plan=plan, unit=unit, period=the_period))
    try:
        result = unit_period_save(
            plan=plan, unit=unit, period=the_period, rows=row_inputs, by=request.user, partial=True
        )
    except PeriodClosed as closed:
        return JsonResponse({"ok": False, "status": str(closed)}, status=409)
    saved_at = timezone.localtime(clock.now()).strftime("%H:%M")
    if result.ok:
        status = _("Saved automatically at %(time)s") % {"time": saved_at}
    else:
        status = _("Saved automatically at %(time)s, except the rows marked") % {"time": saved_at}
    return JsonResponse(
        {
            "ok": result.ok,
            "status": status,
            "saved": result.saved,
            "versions": {str(target_id): version for target_id, version in result.versions.items()},
            "errors": {str(target_id): fields for target_id, fields in result.errors.items()},
            "conflicts": {
                str(conflict.target_id): _("Changed by someone else meanwhile: reload the page to see their figure.")
                for conflict in result.conflicts
            },
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """What waits for the reviewer, one group per unit and period, each row with
    its context (progress.review). Nothing is ticked until the reviewer ticks it.
    One form holds every group, so a refused step keeps every group's ticks and
    typed reasons; the button pressed names the group it acts on."""
    units = policy.review_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("You review no unit's reports."))
    groups = review_groups(units=units)
    # The co-operating units' submitted parts, read-only beside each task item.
    parts = contributions_of_reports(
        row.report for group in groups for row in group.rows if row.report.target.kind_entry.figures.standing
    )
    for group in groups:
        for row in group.rows:
            row.report.contributions = parts.get(row.report.pk, [])
    with_evidence(row.report for group in groups for row in group.rows)  # a reviewer reads its units' files
    selected: set[int] = set()
    if request.method == "POST":
        selected = set(parse_ids(request.POST.getlist("report")))
        for group in groups:
            group.reason = request.POST.get(f"reason-{group.key}", "")
        if _review_step(request, groups=groups, selected=selected):
            return redirect("progress:review")
    return render(
        request,
        "progress/review.html",
        {"groups": groups, "selected": selected, "today": clock.today()},
        status=400 if request.method == "POST" else 200,
    )


def _review_step(request: HttpRequest, *, groups: list[ReviewGroup], selected: set[int]) -> bool:
    """Approve, approve the clean rows of, or return the ticked reports of the
    group the pressed button names ("approve:<group>"; without a group, every
    ticked report). True when done; else the message is queued, and a return
    refused for its reason is noted on its group, whose box stays open."""
    action, _sep, key = request.POST.get("action", "").partition(":")
    group = next((g for g in groups if g.key == key), None)
    if key and group is None:
        messages.error(request, _("These reports no longer wait for review; the list below is current."))
        return False
    if action == "approve_clean":
        rows = group.rows if group else [row for g in groups for row in g.rows]
        ids = [row.report.pk for row in rows if row.clean]
        if not ids:
            messages.error(request, _("No report here is free of falls and warnings: tick the ones to approve."))
            return False
    else:
        ids = sorted(selected & {row.report.pk for row in group.rows}) if group else sorted(selected)
    reports = list(Report.objects.filter(pk__in=ids))
    if not reports:
        messages.error(request, _("Select at least one report."))
        return False
    try:
        if action in ("approve", "approve_clean"):
            count = reports_approve(reports=reports, by=request.user)
            messages.success(request, _("Approved %(n)d reports.") % {"n": count})
            return True
        if action == "return":
            form = ReturnForm({"reason": group.reason if group else request.POST.get("reason", "")})
            if not form.is_valid():
                problem = " ".join(form.errors["reason"])
                messages.error(request, problem)
                if group:
                    group.return_error = problem
                return False
            count = reports_return(reports=reports, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Returned %(n)d reports to the unit.") % {"n": count})
            return True
    except OwnSubmission as refused:
        messages.error(request, str(refused))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose what to do with the selected reports."))
    return False


@login_required
@require_http_methods(["POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    """Take submitted reports back to draft before review (撤回), from 我的填报
    or the period form; back to the page the request came from."""
    ids = parse_ids(request.POST.getlist("report"))
    back = request.POST.get("next", "")
    # Only a path of this site: anything else (a name, another host, a path without its
    # leading slash) goes back to 我的填报, and the redirect never reads it as a view's name.
    if (
        len(back) > 2000
        or not back.startswith("/")
        or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        back = reverse("progress:mine")
    reports = list(Report.objects.filter(pk__in=ids))
    if not reports:
        messages.error(request, _("Select at least one report."))
        return HttpResponseRedirect(back)
    try:
        count = reports_withdraw(reports=reports, by=request.user)
    except PeriodClosed as closed:
        messages.error(request, _("Nothing was withdrawn: %(reason)s") % {"reason": closed})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Withdrew %(n)d reports: they are drafts again, with everything you typed; submit them when ready.")
            % {"n": count},
        )
    return HttpResponseRedirect(back)


def _viewed_period(request: HttpRequest, plan: Plan) -> Period:
    """The month a page shows: ``?period=`` (a link from a dashboard of that
    month carries it), else the month just closed."""
    text = request.GET.get("period", "")
    if not text:
        return default_period(plan, today=clock.today())
    period = _parse_period(text)
    if not plan.start_year <= period.year <= plan.end_year:
        raise Http404(_("The period lies outside the plan."))
    return period


@login_required
def target_detail(request: HttpRequest, target_id: int) -> HttpResponse:
    """A target for one month (the one asked for, else the month just closed):
    its progress status and, beside it, its reporting status; the approved
    figure judged with its age and the figure waiting for review, marked; every
    month's result, the reports and their history in words."""
    target = get_object_or_404(
        Target.objects.visible_to(request.user).select_related(
            "task", "task__plan__zone", "task__lead_unit", "task__leader"
        ),
        pk=target_id,
    )
    plan = target.task.plan
    period = _viewed_period(request, plan)
    reports = list(target.reports.select_related("submitted_by", "approved_by").order_by("-year", "-month"))
    results = list(target.results.order_by("year", "month"))
    # The month's result, or for a target not reported monthly its latest before it.
    shown = next((r for r in reversed(results) if (r.year, r.month) <= (period.year, period.month)), None)
    unit = target.task.lead_unit
    with_evidence(reports, visible=unit is not None and policy.can_read_evidence(request.user, unit))
    can_correct = policy.can_correct(request.user, unit=unit, zone=plan.zone)
    return render(
        request,
        "progress/target_detail.html",
        {
            "target": target,
            "plan": plan,
            "period": period,
            "periods": [Period(y, m) for y in range(plan.start_year, plan.end_year + 1) for m in range(1, 13)],
            "reports": reports,
            "history": history_entries(report_history(target=target)[:200], target=target),
            "co_history": contribution_entries(submission_history(target=target)[:200])
            if target.kind_entry.figures.standing
            else [],
            "can_correct": can_correct,
            "can_see_dashboard": policy.can_read_zone(request.user, plan.zone),
            "co_units": target.task.co_units.all(),
            "shown": shown,
            "shown_explanation": result_explanation(shown, target=target, plan=plan) if shown else "",
            "shown_age": figure_age(shown, year=period.year, month=period.month) if shown else "",
            "ahead": ahead_view(shown, facts_of(target, plan)),
            "pending": pending_among(reports, period=period),
            "results": [(r, result_explanation(r, target=target, plan=plan)) for r in reversed(results)],
            "flags": target.flags.order_by("-year", "-month"),
            "chart": target_chart(target=target, plan=plan, results=results, reports=reports),
            "panels": panels(TARGET_PAGE, target=target, request=request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.filter(target__in=Target.objects.visible_to(request.user)).select_related(
            "target", "target__task"
        ),
        pk=report_id,
    )
    standing = report.target.kind_entry.figures.standing
    value = str(int(report.value)) if standing and report.value is not None else report.value
    form = CorrectionForm(request.POST or None, initial={"value": value, "version": report.version}, standing=standing)
    if request.method == "POST" and form.is_valid():
        try:
            report_correct(
                report=report,
                by=request.user,
                raw_value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                confirmed=form.cleaned_data["confirmed"],
            )
        except StaleVersion as stale:
            # Show the figure as it is now and take its version, keeping what was typed, so a
            # deliberate second try after reading it goes through.
            report.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(stale.conflicts[0].version)
            form = CorrectionForm(data, standing=standing)
            form.add_error(
                None,
                _(
                    "Someone changed this report while you were correcting it; the figure above is the "
                    "current one. Nothing was saved: check it, then record your correction again."
                ),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items() if hasattr(error, "error_dict") else []:
                form.add_error(field if field in form.fields else None, problems)
            if not hasattr(error, "error_dict"):
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("The correction was recorded."))
            return redirect("progress:target", target_id=report.target_id)
    return render(
        request,
        "progress/correct.html",
        {"report": report, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    if not policy.is_zone_admin(request.user, plan.zone):
        raise PermissionDenied(_("Only the zone administrator can reopen a period."))
    form = ReopenForm(request.POST or None, units=Unit.objects.filter(zone=plan.zone))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period_reopen(
                plan=plan,
                unit=data["unit"],
                period=data["period"],
                by=request.user,
                reason=data["reason"],
                until=data["until"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The period was reopened for %(unit)s.") % {"unit": data["unit"]})
            return redirect("progress:reopen", plan_id=plan.pk)
    history = PeriodReopening.objects.filter(plan=plan).select_related("unit", "by", "late_request")[:100]
    return render(
        request,
        "progress/reopen.html",
        {"plan": plan, "form": form, "history": history},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def plan_periods(request: HttpRequest, plan_id: int, unit_id: int) -> HttpResponse:
    """Every period of a plan for a unit, with links (earlier periods read-only)."""
    plan, unit = _unit_and_plan(request, plan_id, unit_id)
    if not policy.can_read_unit_reports(request.user, unit):
        raise PermissionDenied(_("You may not see this unit's reports."))
    today = clock.today()
    counts = {
        (row["year"], row["month"], row["status"]): row["n"]
        for row in reports_visible_to(request.user)
        .filter(target__task__plan=plan, target__task__lead_unit=unit)
        .values("year", "month", "status")
        .annotate(n=Count("id"))
    }
    all_periods = periods_of_plan(
        start_year=plan.start_year, end_year=plan.end_year, frequency="monthly", jan_feb_combined=plan.jan_feb_combined
    )
    reporting = unit_reporting_by_period(plan=plan, unit=unit, periods=all_periods, today=today, reader=request.user)
    # Closed months with targets still unreported: the staff may ask to report them late.
    to_ask = (
        {month.period for month in closed_months_to_report(plan=plan, unit=unit, today=today)}
        if policy.can_enter(request.user, unit)
        else set()
    )
    late_requests = late_requests_by_month(plan=plan, unit=unit)
    periods = []
    for period in all_periods:
        state = effective_period_state(plan=plan, unit=unit, period=period, today=today)
        month_reporting = reporting.get(period, [])
        periods.append(
            {
                "period": period,
                "label": period_label(period.year, period.month),
                "url": _period_url(plan.pk, unit.pk, period),
                "state": state,
                "reporting": month_reporting,
                "late_request": late_requests.get(period),
                "counts": {
                    status: counts.get((period.year, period.month, status), 0) for status in ReportStatus.values
                },
                "can_ask_late": period in to_ask,
            }
        )
    return render(request, "progress/plan_periods.html", {"plan": plan, "unit": unit, "periods": periods})
