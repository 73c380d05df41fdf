"""Daily reminders by email: periods falling due, submissions waiting for
review, and returned reports not yet resubmitted.

``reminders_due`` is a pure read for an explicit ``today``: one aggregate
query per plan and period due, one windowed query each for reviews and
returns, and one query for the people of the units concerned — never a query
or a Python pass per report. ``reminders_send`` queues what it finds in the
mail outbox (``core.mail``), at most once per day (a succeeded ``JobRun`` of
kind ``reminders`` for the day means the day's mail is queued).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.mail import Mail, mail_render, mails_queue
from core.models import JobRun
from core.notifications import mail_wanted
from core.people import name_from_parts
from plans.choices import Frequency, PlanStatus
from plans.models import Plan
from plans.periods import Period, due_date, is_reporting_month, period_counts, period_label
from progress.choices import SENT, ReportStatus
from progress.models import Report
from targets.models import Target
from zones.choices import Role, WebhookEvent
from zones.models import Membership, Unit
from zones.webhooks import group_post

JOB_KIND = "reminders"
DUE = "due"
REVIEW = "review"
RETURNED = "returned"
KINDS = (DUE, REVIEW, RETURNED)

DUE_WITHIN_DAYS = 3  # remind staff from this many days before the due day, and on it
REVIEW_WAIT_DAYS = 2  # remind reviewers of submissions waiting longer than this
REASONS_SHOWN = 3  # return reasons quoted per unit
REASON_CHARS = 200


@dataclass(frozen=True)
class Reminder:
    """One email to one user: all of that user's items of one kind."""

    user_id: int
    email: str
    kind: str
    subject: str
    body: str


@dataclass(frozen=True)
class DueItem:
    plan: str
    unit: str
    period: str
    missing: int
    due: dt.date
    days_left: int


@dataclass(frozen=True)
class ReviewItem:
    unit: str
    waiting: int
    oldest_on: dt.date
    oldest_indicator: str
    oldest_period: str


@dataclass(frozen=True)
class ReturnedReport:
    indicator: str
    period: str
    returned_on: dt.date
    reason: str


@dataclass
class ReturnedItem:
    unit: str
    returned: int
    reports: list[ReturnedReport] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.returned - len(self.reports)


@dataclass
class _Recipient:
    email: str
    name: str
    items: list = field(default_factory=list)


# --- reads -------------------------------------------------------------------


def reminders_due(*, today: dt.date) -> list[Reminder]:
    """The reminders to send on ``today``, one per user and kind, in the
    language of the site (``LANGUAGE_CODE``)."""
    with translation.override(settings.LANGUAGE_CODE):  # period labels and templates alike
        due = due_items(today=today)
        review = review_items(today=today)
        returned = returned_items()
        people = _unit_people(staff_units=set(due) | set(returned), reviewer_units=set(review))
        reminders: list[Reminder] = []
        for kind, items_by_unit, role in (
            (DUE, due, Role.STAFF),
            (REVIEW, review, Role.REVIEWER),
            (RETURNED, returned, Role.STAFF),
        ):
            recipients: dict[int, _Recipient] = {}
            for unit_id, items in items_by_unit.items():
                for user_id, email, name in people.get((role, unit_id), ()):
                    recipients.setdefault(user_id, _Recipient(email=email, name=name)).items.extend(items)
            for user_id, recipient in sorted(recipients.items()):
                context = _context(kind, recipient, today=today)
                subject, body = mail_render(f"progress/email/reminder_{kind}.txt", context)
                reminders.append(Reminder(user_id, recipient.email, kind, subject, body))
    return reminders


def due_periods(*, plan: Plan, today: dt.date) -> list[Period]:
    """The plan's periods whose due date falls within 0..DUE_WITHIN_DAYS days
    of ``today``, none before its reporting start."""
    found = []
    for offset in range(DUE_WITHIN_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        period = Period(day.year, day.month).previous_month()
        if (
            plan.start_year <= period.year <= plan.end_year
            and period_counts(plan, period)  # nothing is owed before the plan's reporting start
            and due_date(period, due_day=plan.due_day) == day
            and period not in found
        ):
            found.append(period)
    return found


def due_items(*, today: dt.date) -> dict[int, list[DueItem]]:
    """Per unit, the due-soon periods in which some target it leads was not
    sent for review (progress.choices.SENT: a draft or a returned report is not
    reported), with how many are missing."""
    plans = Plan.objects.filter(
        status=PlanStatus.PUBLISHED, start_year__lte=today.year, end_year__gte=today.year - 1
    ).order_by("pk")
    items: dict[int, list[DueItem]] = defaultdict(list)
    for plan in plans:
        for period in due_periods(plan=plan, today=today):
            frequencies = [
                frequency
                for frequency in Frequency.values
                if is_reporting_month(period.month, frequency=frequency, jan_feb_combined=plan.jan_feb_combined)
            ]
            if not frequencies:
                continue
            sent = Report.objects.filter(target=OuterRef("pk"), year=period.year, month=period.month, status__in=SENT)
            rows = (
                Target.objects.filter(task__plan=plan, task__lead_unit__isnull=False, frequency__in=frequencies)
                .filter(~Exists(sent))
                .values("task__lead_unit", "task__lead_unit__name")
                .annotate(missing=Count("pk"))
                .order_by("task__lead_unit")
            )
            due = due_date(period, due_day=plan.due_day)
            for row in rows:
                items[row["task__lead_unit"]].append(
                    DueItem(
                        plan=plan.title,
                        unit=row["task__lead_unit__name"],
                        period=str(period_label(period.year, period.month)),
                        missing=row["missing"],
                        due=due,
                        days_left=(due - today).days,
                    )
                )
    return dict(items)


def review_items(*, today: dt.date) -> dict[int, list[ReviewItem]]:
    """Per unit, submitted reports submitted before the start of the day
    REVIEW_WAIT_DAYS days ago (so waiting more than that many days), with the
    count and the oldest."""
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=REVIEW_WAIT_DAYS), dt.time.min))
    waiting = _published_reports().filter(status=ReportStatus.SUBMITTED, submitted_at__lt=cutoff)
    items: dict[int, list[ReviewItem]] = {}
    for row in _first_per_unit(waiting, order_by=[F("submitted_at").asc(), F("pk").asc()], limit=1):
        items[row["unit_id"]] = [
            ReviewItem(
                unit=row["target__task__lead_unit__name"],
                waiting=row["total"],
                oldest_on=timezone.localdate(row["submitted_at"]),
                oldest_indicator=row["target__indicator"],
                oldest_period=str(period_label(row["year"], row["month"])),
            )
        ]
    return items


def returned_items() -> dict[int, list[ReturnedItem]]:
    """Per unit, reports returned and not resubmitted, with the first few reasons."""
    returned = _published_reports().filter(status=ReportStatus.RETURNED)
    items: dict[int, ReturnedItem] = {}
    for row in _first_per_unit(returned, order_by=[F("returned_at").asc(), F("pk").asc()], limit=REASONS_SHOWN):
        item = items.setdefault(
            row["unit_id"], ReturnedItem(unit=row["target__task__lead_unit__name"], returned=row["total"])
        )
        item.reports.append(
            ReturnedReport(
                indicator=row["target__indicator"],
                period=str(period_label(row["year"], row["month"])),
                returned_on=timezone.localdate(row["returned_at"]),
                reason=Truncator(" ".join(row["return_reason"].split())).chars(REASON_CHARS),
            )
        )
    return {unit_id: [item] for unit_id, item in items.items()}


def _published_reports() -> QuerySet[Report]:
    return Report.objects.filter(target__task__plan__status=PlanStatus.PUBLISHED, target__task__lead_unit__isnull=False)


def _first_per_unit(reports: QuerySet[Report], *, order_by: list, limit: int) -> list[dict]:
    """The first ``limit`` reports of each lead unit in ``order_by`` order,
    each row carrying the unit's total (one windowed query)."""
    unit = F("target__task__lead_unit")
    return list(
        reports.annotate(
            unit_id=unit,
            rank=Window(RowNumber(), partition_by=[unit], order_by=order_by),
            total=Window(Count("pk"), partition_by=[unit]),
        )
        .filter(rank__lte=limit)
        .order_by("unit_id", "rank")
        .values(
            "unit_id",
            "target__task__lead_unit__name",
            "target__indicator",
            "year",
            "month",
            "submitted_at",
            "returned_at",
            "return_reason",
            "total",
        )
    )


def _unit_people(*, staff_units: set[int], reviewer_units: set[int]) -> dict[tuple[str, int], list[tuple]]:
    """(role, unit id) → [(user id, email, name)] of active users with an email."""
    if not staff_units and not reviewer_units:
        return {}
    rows = (
        Membership.objects.filter(
            Q(role=Role.STAFF, unit_id__in=staff_units) | Q(role=Role.REVIEWER, unit_id__in=reviewer_units),
            mail_wanted("user__"),
            user__is_active=True,
        )
        .exclude(Q(user__email="") | Q(user__email__isnull=True))
        .order_by("user_id")
        .values_list(
            "role", "unit_id", "user_id", "user__email", "user__first_name", "user__last_name", "user__username"
        )
    )
    people: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for role, unit_id, user_id, email, first, last, username in rows:
        if not email.strip():
            continue
        people[(role, unit_id)].append((user_id, email.strip(), name_from_parts(first, last, username)))
    return people


# --- rendering -----------------------------------------------------------------


def _context(kind: str, recipient: _Recipient, *, today: dt.date) -> dict:
    items = recipient.items
    context = {
        "name": recipient.name,
        "items": items,
        "today": today,
        "home_url": settings.SITE_URL.rstrip("/") + reverse("home"),
    }
    if kind == DUE:
        context["missing"] = sum(item.missing for item in items)
        context["due"] = min(item.due for item in items)
    elif kind == REVIEW:
        context["waiting"] = sum(item.waiting for item in items)
        context["days"] = REVIEW_WAIT_DAYS
    else:
        context["returned"] = sum(item.returned for item in items)
    return context


# --- writes --------------------------------------------------------------------


def reminders_send(*, today: dt.date) -> dict[str, int]:
    """Queue the day's reminders for sending (``core.mail``), unless a
    succeeded run already did today; each reminder is keyed by its user, kind
    and day, so a run repeated after a crash queues nothing twice."""
    already = JobRun.objects.filter(kind=JOB_KIND, subject=today.isoformat(), outcome=JobRun.Outcome.SUCCEEDED)
    if already.exists():
        return {"skipped": 1}
    reminders = reminders_due(today=today)
    with transaction.atomic():
        queued = mails_queue(
            Mail(
                kind=f"reminder_{reminder.kind}",
                key=f"reminder {reminder.kind} {today.isoformat()} user {reminder.user_id}",
                to=reminder.email,
                subject=reminder.subject,
                body=reminder.body,
            )
            for reminder in reminders
        )
        posted = group_reminders_post(today=today)
    counts = {kind: sum(1 for reminder in reminders if reminder.kind == kind) for kind in KINDS}
    counts["queued"] = queued
    if posted:
        counts["group_posts"] = posted
    return counts


def group_reminders_post(*, today: dt.date) -> int:
    """Each zone's work group, through the robots that chose the monthly
    reminder: which units have yet to report a period due soon, and how many
    figures each. One message per zone and day; the number of posts owed."""
    due = due_items(today=today)
    if not due:
        return 0
    zone_of = dict(Unit.objects.filter(pk__in=list(due)).values_list("pk", "zone_id"))
    lines: dict[int, list[str]] = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for unit_id, items in sorted(due.items()):
            for item in items:
                lines[zone_of[unit_id]].append(
                    _("- %(unit)s: %(n)d figures of %(plan)s, %(period)s, due %(date)s")
                    % {
                        "unit": item.unit,
                        "n": item.missing,
                        "plan": item.plan,
                        "period": item.period,
                        "date": item.due.isoformat(),
                    }
                )
        title = _("Monthly reports due")
        intro = _("Not yet reported on %(date)s:") % {"date": today.isoformat()}
    return sum(
        group_post(
            zone_id=zone_id,
            event=WebhookEvent.REPORTS_DUE,
            title=str(title),
            text="\n".join([str(intro), *zone_lines]),
            link=reverse("home"),
        )
        for zone_id, zone_lines in sorted(lines.items())
    )
