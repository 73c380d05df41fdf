"""Co-operating units' parts of a task's monthly progress (配合单位的进展).

A task has one lead unit, which reports the task's item each month, and any
number of co-operating units (``Task.co_units``). Each co-operating unit
writes its own part for the period on its own period form: what it did, what
stands in its way, what it does next (``TaskContribution``). It saves and
submits its part with the rest of the form (``progress.services.unit_period_save``,
all or nothing), while its period is open; it writes only where
``zones.policy.co_operation_filter`` says it co-operates.

A part is not reviewed on its own (the lead unit's report carries the task's
standing). Only a submitted part is read by others: beside the lead unit's row
on its form, beside the item on the review screen, and after the lead unit's
text in the ledger (``submitted_contributions``). A draft is the unit's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.text import TEXT_LIMIT, text_problem, too_long
from plans.choices import PlanStatus
from plans.models import Plan
from plans.periods import Period, is_reporting_month
from progress.choices import ContributionStatus
from progress.models import ContributionEvent, TaskContribution
from targets import kinds
from targets.models import Target
from zones import policy
from zones.choices import Role
from zones.models import Unit

CONTRIBUTION_FIELDS = ("progress", "problems", "next_steps")


@dataclass
class ContributionInput:
    """What the co-operating unit typed for one task's item. ``version`` is the
    version of its part the page was showing (``None`` when there was none)."""

    target_id: int
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    version: int | None = None

    @property
    def blank(self) -> bool:
        return not any(getattr(self, name).strip() for name in CONTRIBUTION_FIELDS)


@dataclass
class ContributionRow:
    """One task on which the unit co-operates, with its part of the period (or None)."""

    target: Target
    contribution: TaskContribution | None

    @property
    def status(self) -> str:
        return self.contribution.status if self.contribution else "missing"


def contributions_visible_to(user) -> QuerySet[TaskContribution]:
    """The parts a user may read: every part, draft or submitted, of the units
    the user reports for or reviews; and the submitted parts of the task items
    the user may read (``Target.objects.visible_to``), as the lead unit, its
    reviewer and the zone's readers see them beside the task."""
    if not user.is_authenticated:
        return TaskContribution.objects.none()
    own = policy.units_with_role(user, Role.STAFF, Role.REVIEWER)
    return TaskContribution.objects.filter(
        Q(unit__in=own)
        | Q(status=ContributionStatus.SUBMITTED, target__in=Target.objects.visible_to(user).task_items())
    )


def co_operation_plans(*, units: QuerySet[Unit]) -> QuerySet[Plan]:
    """Published plans with a task on which one of the units co-operates (the
    staff's home page offers the period forms where they write their part)."""
    return (
        Plan.objects.filter(
            status=PlanStatus.PUBLISHED,
            tasks__co_units__in=units,
            tasks__targets__kind=kinds.TASK.key,
            zone__units__in=units,
        )
        .distinct()
        .select_related("zone")
        .order_by("-start_year", "title")
    )


def co_operation_items(*, plan: Plan, unit: Unit) -> QuerySet[Target]:
    """The items of the plan's tasks on which ``unit`` co-operates, in plan order."""
    return (
        Target.objects.task_items()
        .filter(policy.co_operation_filter(unit), task__plan=plan)
        .select_related("task", "task__lead_unit")
        .order_by("task__order", "task_id", "pk")
    )


def contribution_rows(*, plan: Plan, unit: Unit, period: Period, for_update: bool = False) -> list[ContributionRow]:
    """The tasks on which ``unit`` co-operates that report in ``period``, each
    with the unit's part of the period: two queries, whatever the number of tasks.
    ``for_update`` locks the unit's parts of the period (inside a transaction)."""
    items = [
        item
        for item in co_operation_items(plan=plan, unit=unit)
        if is_reporting_month(period.month, frequency=item.frequency, jan_feb_combined=plan.jan_feb_combined)
    ]
    parts = TaskContribution.objects.filter(
        target__in=[item.pk for item in items], unit=unit, year=period.year, month=period.month
    )
    if for_update:
        parts = parts.select_for_update()
    by_item = {part.target_id: part for part in parts}
    return [ContributionRow(target=item, contribution=by_item.get(item.pk)) for item in items]


def submitted_contributions(
    *, targets: QuerySet[Target] | Iterable[int], period: Period, carried: bool = False
) -> dict[int, list[TaskContribution]]:
    """The co-operating units' submitted parts of the items' progress, keyed by
    item id, each list in the order of the units' names; one query. With
    ``carried``, each unit's latest part of the year at or before ``period``
    (as the ledger carries the lead unit's narrative), else the period's own.
    Drafts are never read here."""
    if not isinstance(targets, QuerySet):
        targets = list(targets)
    months = Q(month__lte=period.month) if carried else Q(month=period.month)
    parts = TaskContribution.objects.filter(
        months, target__in=targets, status=ContributionStatus.SUBMITTED, year=period.year
    ).select_related("unit")
    latest: dict[tuple[int, int], TaskContribution] = {}
    for part in parts.order_by("month", "pk"):
        latest[(part.target_id, part.unit_id)] = part  # a later month replaces an earlier one
    result: dict[int, list[TaskContribution]] = {}
    for part in sorted(latest.values(), key=lambda part: (part.unit.name, part.unit_id)):
        result.setdefault(part.target_id, []).append(part)
    return result


def contributions_of_reports(reports: Iterable) -> dict[int, list[TaskContribution]]:
    """For the review screen: each report's co-operating parts of its own
    period, keyed by report id (submitted only); one query for all periods."""
    reports = list(reports)
    wanted = {(report.target_id, report.year, report.month): report.pk for report in reports}
    if not wanted:
        return {}
    periods = Q()
    for year, month in {(year, month) for _target, year, month in wanted}:
        periods |= Q(year=year, month=month)
    parts = (
        TaskContribution.objects.filter(periods, target__in={key[0] for key in wanted})
        .filter(status=ContributionStatus.SUBMITTED)
        .select_related("unit")
        .order_by("unit__name", "unit_id")
    )
    result: dict[int, list[TaskContribution]] = {}
    for part in parts:
        report_id = wanted.get((part.target_id, part.year, part.month))
        if report_id is not None:
            result.setdefault(report_id, []).append(part)
    return result


def submission_history(*, target: Target) -> QuerySet[ContributionEvent]:
    """The submissions of the co-operating units' parts of a task item, newest
    first: what each unit sent and what changed since its previous submission.
    Drafts are left out, as everywhere others read a part."""
    return (
        ContributionEvent.objects.filter(contribution__target=target, action=ContributionEvent.Action.SUBMITTED)
        .select_related("contribution__unit", "by")
        .order_by("-at", "-id")
    )


def contribution_errors(
    rows: dict[int, ContributionRow], typed: dict[int, ContributionInput], *, submit: bool
) -> dict[int, dict[str, str]]:
    """What is wrong with what was typed, by item and field: text too long or
    holding control characters (``core.text``), a part changed by someone else
    meanwhile (under ``version``), and, to submit a part, no progress in it."""
    errors: dict[int, dict[str, str]] = {}
    for target_id, entered in typed.items():
        row = rows[target_id]
        found: dict[str, str] = {}
        current = row.contribution.version if row.contribution else None
        if current != entered.version:
            found["version"] = _(
                "Someone else changed your unit's part of this task meanwhile; what is saved now is shown "
                "beside it. Nothing was saved; your input is kept. Save again to keep yours."
            )
        for name in CONTRIBUTION_FIELDS:
            text = getattr(entered, name)
            if len(text) > TEXT_LIMIT:
                found[name] = too_long(TEXT_LIMIT)
            elif problem := text_problem(text.strip()):
                found[name] = problem
        if submit and not entered.blank and not entered.progress.strip() and "progress" not in found:
            found["progress"] = _("Write what your unit did in the period before submitting its part.")
        if found:
            errors[target_id] = found
    return errors


def _submitted_texts(parts: list[TaskContribution]) -> dict[int, dict[str, str]]:
    """Each part's text as last submitted, replayed from its submission events (one query)."""
    texts: dict[int, dict[str, str]] = {part.pk: {} for part in parts}
    events = ContributionEvent.objects.filter(
        contribution__in=[part.pk for part in parts], action=ContributionEvent.Action.SUBMITTED
    ).order_by("at", "id")
    for event in events:
        for name, pair in (event.changes or {}).items():
            texts[event.contribution_id][name] = pair[1]
    return texts


def _changes(old: dict, new: dict) -> dict[str, list]:
    return {name: [old.get(name) or None, new[name] or None] for name in new if (old.get(name) or "") != new[name]}


def contributions_write(
    rows: dict[int, ContributionRow],
    typed: dict[int, ContributionInput],
    *,
    unit: Unit,
    period: Period,
    by,
    now: dt.datetime,
    submit: bool,
) -> tuple[int, int]:
    """Store what was typed (checked by ``contribution_errors``) and record its
    history; the numbers of parts changed and submitted. A changed part is a
    draft until submitted; submitting sends every part with text in it; a part
    emptied becomes a draft (nothing to show); an untouched blank part creates
    nothing. A submission's event holds what changed since the previous one."""
    saved = submitted = 0
    events: list[ContributionEvent] = []
    sent: list[TaskContribution] = []
    for target_id, entered in typed.items():
        part = rows[target_id].contribution
        if part is None:
            if entered.blank:
                continue
            part = TaskContribution(
                target=rows[target_id].target, unit=unit, year=period.year, month=period.month, created_by=by
            )
        before = {name: getattr(part, name) for name in CONTRIBUTION_FIELDS}
        for name in CONTRIBUTION_FIELDS:
            setattr(part, name, getattr(entered, name).strip())
        after = {name: getattr(part, name) for name in CONTRIBUTION_FIELDS}
        changed = before != after or part.pk is None
        status = part.status
        if entered.blank:
            status = ContributionStatus.DRAFT
        elif submit:
            status = ContributionStatus.SUBMITTED
        elif changed:
            status = ContributionStatus.DRAFT
        sends = status == ContributionStatus.SUBMITTED and (changed or part.status != status)
        if not changed and status == part.status:
            continue
        saved_changes = _changes(before, after)
        if part.status != status:
            saved_changes["status"] = [part.status if part.pk else None, status]
        part.status = status
        part.updated_by = by
        if sends:
            part.submitted_at, part.submitted_by = now, by
            sent.append(part)
        if part.pk:
            part.version += 1
        part.save()
        if changed or not sends:  # a submission alone is recorded below
            events.append(
                ContributionEvent(
                    contribution=part, action=ContributionEvent.Action.SAVED, by=by, at=now, changes=saved_changes
                )
            )
        saved += int(changed)
        submitted += int(sends)
    if sent:
        last = _submitted_texts(sent)
        for part in sent:
            after = {name: getattr(part, name) for name in CONTRIBUTION_FIELDS}
            events.append(
                ContributionEvent(
                    contribution=part,
                    action=ContributionEvent.Action.SUBMITTED,
                    by=by,
                    at=now,
                    changes=_changes(last[part.pk], after),
                )
            )
    ContributionEvent.objects.bulk_create(events)
    return saved, submitted
