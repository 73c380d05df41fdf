"""Writes of supervision: follow-up notices (督办) and their steps, the daily
escalation, and the stored monthly bulletins.

Who may do what:
- the supervision team and zone administrators of the notice's zone issue
  notices, grant or refuse extensions and close notices;
- the reporting staff and reviewers of the notice's lead unit answer or ask
  for an extension;
- nobody else.

Every step changes the notice with a conditional UPDATE on its current state
(so two people acting at once cannot both win) and records a NoticeEvent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.mail import Mail, mail_render, mails_queue
from core.notifications import mail_wanted
from core.office import to_pdf
from core.text import TEXT_LIMIT, too_long
from plans.choices import PlanStatus
from plans.models import Plan
from plans.periods import Period, days_until_due, default_period
from supervision.choices import ANSWER_FIELDS, NOTICE_STEPS, NoticeAction, NoticeLevel, NoticeState, NoticeStep
from supervision.models import Bulletin, Notice, NoticeEvent, NoticeItem
from supervision.notifying import tell_answered, tell_group_issued, tell_issued
from supervision.selectors import (
    can_answer,
    can_sign_off,
    can_supervise,
    explanation_of,
    items_behind,
    notice_answer_kind,
    rule_for,
    setting_for,
    supervised_zones,
)
from targets.models import Target
from targets.selectors import latest_results
from zones.choices import Role
from zones.models import Membership

log = logging.getLogger(__name__)
NUMBER_ATTEMPTS = 5


def _text(value: str, *, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: message})
    if len(value) > TEXT_LIMIT:
        raise ValidationError({field_name: too_long(TEXT_LIMIT)})
    return value


def _record(notice: Notice, action: str, *, by, text: str = "", data: dict | None = None) -> NoticeEvent:
    return NoticeEvent.objects.create(notice=notice, action=action, by=by, at=clock.now(), text=text, data=data or {})


# --- issuing -----------------------------------------------------------------------


@dataclass
class IssueResult:
    notices: list[Notice] = field(default_factory=list)
    skipped: list[Target] = field(default_factory=list)  # already followed up by an open notice


def notice_title(targets: list[Target]) -> str:
    first = targets[0].indicator
    if len(targets) == 1:
        return _("On speeding up “%(indicator)s”") % {"indicator": first}
    return _("On speeding up “%(indicator)s” and others, %(count)d items in all") % {
        "indicator": first,
        "count": len(targets),
    }


def notices_issue(
    *,
    target_ids: Iterable[int],
    period: Period,
    reply_by: dt.date,
    requirement: str,
    by,
    today: dt.date | None = None,
) -> IssueResult:
    """Issue follow-up notices for flagged targets: one notice per lead unit
    (a unit answers once for all its items), each numbered per zone and year.

    Targets already followed up by an open notice are skipped and returned.
    """
    today = today or clock.today()
    targets = list(
        Target.objects.filter(pk__in=list(target_ids))
        .select_related("task__plan__zone", "task__lead_unit")
        .order_by("task__plan", "task__order", "order", "pk")
    )
    if not targets:
        raise ValidationError({"targets": _("Choose at least one item to follow up.")})
    allowed = set(supervised_zones(by).values_list("pk", flat=True))
    if any(target.task.plan.zone_id not in allowed for target in targets):
        raise PermissionDenied(_("Only the zone's supervision team issues follow-up notices."))
    without_unit = [target.indicator for target in targets if target.task.lead_unit_id is None]
    if without_unit:
        raise ValidationError(
            {"targets": _("These items have no lead unit to answer: %(items)s") % {"items": "、".join(without_unit)}}
        )
    if reply_by < today:
        raise ValidationError({"reply_by": _("The answer date cannot lie in the past.")})
    requirement = _text(requirement, field_name="requirement", message=_("Write what the unit must do."))

    already = set(NoticeItem.objects.filter(target__in=targets, is_open=True).values_list("target_id", flat=True))
    result = IssueResult(skipped=[target for target in targets if target.pk in already])
    groups: dict[tuple[int, int], list[Target]] = defaultdict(list)
    for target in targets:
        if target.pk not in already:
            groups[(target.task.plan_id, target.task.lead_unit_id)].append(target)
    if not groups:
        return result
    snapshots = {
        r.target_id: r
        for r in latest_results(
            targets=Target.objects.filter(pk__in=[t.pk for t in targets]), period=period
        ).select_related("target__task__plan")
    }
    with transaction.atomic():
        for items in groups.values():
            notice = _notice_create(items, period=period, reply_by=reply_by, requirement=requirement, by=by)
            try:
                with transaction.atomic():
                    NoticeItem.objects.bulk_create(
                        NoticeItem(
                            notice=notice,
                            target=target,
                            status=snapshots[target.pk].status if target.pk in snapshots else "",
                            explanation=explanation_of(snapshots[target.pk])[:500] if target.pk in snapshots else "",
                        )
                        for target in items
                    )
            except IntegrityError:
                raise ValidationError(
                    {"targets": _("Someone else has just issued a notice for one of these items. Reload the list.")}
                ) from None
            event = _record(
                notice,
                NoticeAction.ISSUED,
                by=by,
                text=requirement,
                data={"reply_by": reply_by.isoformat(), "targets": [t.pk for t in items]},
            )
            mails_queue(notice_mails(notice=notice, kind="issued", event=event))
            tell_issued(notice, by=by)
            tell_group_issued(notice)
            result.notices.append(notice)
    return result


def _notice_create(items: list[Target], *, period: Period, reply_by: dt.date, requirement: str, by) -> Notice:
    """Create the notice under the next free number of its zone and year
    (a unique constraint decides between two issuers; the loser takes the next)."""
    plan = items[0].task.plan
    now = clock.now()
    year = timezone.localdate(now).year
    for _attempt in range(NUMBER_ATTEMPTS):
        seq = (Notice.objects.filter(zone=plan.zone, number_year=year).aggregate(n=Max("number_seq"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return Notice.objects.create(
                    zone=plan.zone,
                    plan=plan,
                    unit=items[0].task.lead_unit,
                    number_year=year,
                    number_seq=seq,
                    year=period.year,
                    month=period.month,
                    title=notice_title(items)[:300],
                    requirement=requirement,
                    reply_by=reply_by,
                    issued_at=now,
                    issued_by=by,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not number the notice")  # pragma: no cover - five concurrent issuers in a row


# --- the unit's steps ----------------------------------------------------------------


def _from(step: NoticeStep) -> tuple[str, ...]:
    return NOTICE_STEPS[step][1]


def _move(notice: Notice, *, from_states: tuple[str, ...], **fields) -> None:
    """Change the notice only if it is still in one of ``from_states``."""
    if Notice.objects.filter(pk=notice.pk, state__in=from_states).update(**fields) != 1:
        notice.refresh_from_db()
        raise _not_now(notice)


def _not_now(notice: Notice) -> ValidationError:
    return ValidationError(
        _("This step is not possible now: the notice is “%(state)s”. Reload the page.")
        % {"state": notice.get_state_display()}
    )


def notice_answer(
    *,
    notice: Notice,
    by,
    reason: str,
    measures: str = "",
    expected: dt.date | None,
    today: dt.date | None = None,
) -> Notice:
    """The lead unit answers what its items ask (``ANSWER_FIELDS`` of the
    notice's answer kind: a report not sent, when it will be sent; a lagging
    figure, why and by when it catches up; a missed date, the new date and
    why). An answer after the reply date marks the notice as answered late.
    Where the zone asks for it (``SupervisionSetting.answer_sign_off``) the
    answer waits for the unit head's sign-off before it reaches supervision,
    unless the unit head wrote it."""
    if not can_answer(by, notice):
        raise PermissionDenied(_("Only the lead unit's reporting staff and reviewers answer this notice."))
    today = today or clock.today()
    kind = notice_answer_kind(notice)
    asked = ANSWER_FIELDS[kind]
    reason = _text(reason, field_name="reason", message=asked["reason"][1])
    measures = _text(measures, field_name="measures", message=asked["measures"][1]) if "measures" in asked else ""
    if expected is None:
        raise ValidationError({"expected": asked["expected"][1]})
    if expected < today:
        raise ValidationError({"expected": _("The date cannot lie in the past.")})
    late = today > notice.reply_by
    needs_sign_off = setting_for(notice.zone).answer_sign_off
    signed_now = needs_sign_off and can_sign_off(by, notice)
    now = clock.now()
    with transaction.atomic():
        _move(
            notice,
            from_states=_from(NoticeStep.ANSWER),
            state=NoticeState.SIGN_OFF if needs_sign_off and not signed_now else NoticeState.ANSWERED,
            answered_at=now,
            answered_by=by,
            answer_kind=kind,
            answer_reason=reason,
            answer_measures=measures,
            answer_expected=expected,
            signed_off_at=now if signed_now else None,
            signed_off_by=by if signed_now else None,
            overdue=notice.overdue or late,
        )
        _record(
            notice,
            NoticeAction.ANSWERED,
            by=by,
            text="\n".join(part for part in (reason, measures) if part),
            data={"expected": expected.isoformat(), "late": late, "kind": kind, "signed_off": signed_now},
        )
        if signed_now or not needs_sign_off:
            tell_answered(notice, by=by)
    notice.refresh_from_db()
    return notice


def _require_unit_head(by, notice: Notice) -> None:
    if not can_sign_off(by, notice):
        raise PermissionDenied(_("Only the lead unit's head (its reviewer) signs this answer off."))


def notice_sign_off(*, notice: Notice, by, note: str = "") -> Notice:
    """The unit head signs the unit's answer off: it reaches supervision."""
    _require_unit_head(by, notice)
    with transaction.atomic():
        _move(
            notice,
            from_states=_from(NoticeStep.SIGN_OFF),
            state=NoticeState.ANSWERED,
            signed_off_at=clock.now(),
            signed_off_by=by,
        )
        _record(notice, NoticeAction.SIGNED_OFF, by=by, text=(note or "").strip())
        tell_answered(notice, by=by)
    notice.refresh_from_db()
    return notice


def notice_answer_return(*, notice: Notice, by, note: str) -> Notice:
    """The unit head returns the answer to be written again, saying why; the
    notice awaits the unit's answer as before (its words stay to be edited)."""
    _require_unit_head(by, notice)
    note = _text(note, field_name="note", message=_("Write what the answer lacks."))
    with transaction.atomic():
        _move(
            notice,
            from_states=_from(NoticeStep.RETURN_ANSWER),
            state=NoticeState.ISSUED,
            answered_at=None,
            answered_by=None,
        )
        _record(notice, NoticeAction.ANSWER_RETURNED, by=by, text=note)
    notice.refresh_from_db()
    return notice


def notice_extension_request(
    *, notice: Notice, by, until: dt.date | None, reason: str, today: dt.date | None = None
) -> Notice:
    """The lead unit asks for more time to answer (延期申请)."""
    if not can_answer(by, notice):
        raise PermissionDenied(_("Only the lead unit's reporting staff and reviewers answer this notice."))
    today = today or clock.today()
    reason = _text(reason, field_name="reason", message=_("Write why more time is needed."))
    if until is None or until <= notice.reply_by or until < today:
        raise ValidationError({"until": _("Ask for a date after the current answer date.")})
    with transaction.atomic():
        _move(
            notice,
            from_states=_from(NoticeStep.REQUEST_EXTENSION),
            state=NoticeState.EXTENSION_REQUESTED,
            extension_until=until,
            extension_reason=reason,
            overdue=notice.overdue or today > notice.reply_by,
        )
        _record(notice, NoticeAction.EXTENSION_REQUESTED, by=by, text=reason, data={"until": until.isoformat()})
    notice.refresh_from_db()
    return notice


# --- supervision's steps --------------------------------------------------------------


def _require_supervisor(by, notice: Notice) -> None:
    if not can_supervise(by, notice.zone):
        raise PermissionDenied(_("Only the zone's supervision team decides on this notice."))


def notice_extension_grant(*, notice: Notice, by, note: str = "") -> Notice:
    """Grant the extension: the asked date becomes the answer date and the
    escalation starts over."""
    _require_supervisor(by, notice)
    if notice.extension_until is None:
        raise ValidationError(_("There is no extension request to decide."))
    old = notice.reply_by
    with transaction.atomic():
        _move(
            notice,
            from_states=_from(NoticeStep.GRANT_EXTENSION),
            state=NoticeState.ISSUED,
            reply_by=notice.extension_until,
            level=NoticeLevel.NORMAL,
            reminded_at=None,
            escalated_at=None,
        )
        _record(
            notice,
            NoticeAction.EXTENSION_GRANTED,
            by=by,
            text=(note or "").strip(),
            data={"reply_by": [old.isoformat(), notice.extension_until.isoformat()]},
        )
    notice.refresh_from_db()
    return notice


def notice_extension_refuse(*, notice: Notice, by, note: str) -> Notice:
    """Refuse the extension: the answer date stays as it was."""
    _require_supervisor(by, notice)
    note = _text(note, field_name="note", message=_("Write why the extension is refused."))
    with transaction.atomic():
        _move(notice, from_states=_from(NoticeStep.REFUSE_EXTENSION), state=NoticeState.ISSUED)
        _record(notice, NoticeAction.EXTENSION_REFUSED, by=by, text=note)
    notice.refresh_from_db()
    return notice


class ItemsBehind(ValidationError):
    """Closing was asked without confirming while items are still behind."""


def notice_close(*, notice: Notice, by, note: str, confirm: bool = False, today: dt.date | None = None) -> Notice:
    """Close the notice (销号) with a note. A pending extension request is
    decided first. While any of its items is still lagging or overdue (on the
    month just closed, ``items_behind``), closing needs ``confirm``: the
    refusal names those items."""
    _require_supervisor(by, notice)
    note = _text(note, field_name="note", message=_("Write the closing note."))
    if notice.state not in _from(NoticeStep.CLOSE):
        raise _not_now(notice)
    if not confirm:
        behind = items_behind(notice, period=default_period(notice.plan, today=today or clock.today()))
        if behind:
            raise ItemsBehind(
                {
                    "confirm": _(
                        "These items are still behind: %(items)s. Tick the confirmation to close the notice anyway."
                    )
                    % {"items": "、".join(f"{name}（{status}）" for name, status in behind)}
                }
            )
    with transaction.atomic():
        _move(
            notice,
            from_states=_from(NoticeStep.CLOSE),
            state=NoticeState.CLOSED,
            closed_at=clock.now(),
            closed_by=by,
            close_note=note,
        )
        NoticeItem.objects.filter(notice=notice).update(is_open=False)
        _record(notice, NoticeAction.CLOSED, by=by, text=note, data={"confirmed_behind": bool(confirm)})
    notice.refresh_from_db()
    return notice


# The service of each step: the page and the API call it with the step's input
# (the form's or the serializer's fields are the service's keywords).
NOTICE_STEP_SERVICES: dict[NoticeStep, Callable[..., Notice]] = {
    NoticeStep.ANSWER: notice_answer,
    NoticeStep.SIGN_OFF: notice_sign_off,
    NoticeStep.RETURN_ANSWER: notice_answer_return,
    NoticeStep.REQUEST_EXTENSION: notice_extension_request,
    NoticeStep.GRANT_EXTENSION: notice_extension_grant,
    NoticeStep.REFUSE_EXTENSION: notice_extension_refuse,
    NoticeStep.CLOSE: notice_close,
}


# --- escalation ------------------------------------------------------------------------


def notices_escalate(*, today: dt.date) -> dict[str, int]:
    """The daily escalation of notices left unanswered past their answer date:
    first a reminder to the lead unit (level 1), then, ``red_after_days``
    later, red (level 2). Each step is claimed with a conditional UPDATE, so
    a second run the same day (or two workers at once) sends nothing twice.
    The unit's mail is queued in the step's transaction (``core.mail``)."""
    counts = {"reminded": 0, "red": 0, "mails": 0}
    now = clock.now()
    candidates = (
        Notice.objects.filter(state=NoticeState.ISSUED, reply_by__lt=today, level__lt=NoticeLevel.RED)
        .select_related("plan")
        .order_by("pk")
    )
    rules: dict[int, int] = {}
    for notice in candidates:
        if notice.plan_id not in rules:
            rules[notice.plan_id] = rule_for(notice.plan).red_after_days
        if notice.level == NoticeLevel.NORMAL:
            with transaction.atomic():
                claimed = Notice.objects.filter(
                    pk=notice.pk, state=NoticeState.ISSUED, level=NoticeLevel.NORMAL, reply_by__lt=today
                ).update(level=NoticeLevel.REMINDED, reminded_at=now, overdue=True)
                if claimed:
                    event = _record(
                        notice, NoticeAction.REMINDED, by=None, data={"reply_by": notice.reply_by.isoformat()}
                    )
                    counts["reminded"] += 1
                    counts["mails"] += mails_queue(notice_mails(notice=notice, kind="reminder", event=event))
        elif timezone.localdate(notice.reminded_at) + dt.timedelta(days=rules[notice.plan_id]) <= today:
            with transaction.atomic():
                claimed = Notice.objects.filter(
                    pk=notice.pk, state=NoticeState.ISSUED, level=NoticeLevel.REMINDED
                ).update(level=NoticeLevel.RED, escalated_at=now)
                if claimed:
                    event = _record(notice, NoticeAction.ESCALATED, by=None)
                    counts["red"] += 1
                    counts["mails"] += mails_queue(notice_mails(notice=notice, kind="red", event=event))
    return counts


# --- mail --------------------------------------------------------------------------------


def _unit_addresses(notice: Notice) -> list[str]:
    return sorted(
        {
            email.strip()
            for email in Membership.objects.filter(
                mail_wanted("user__"), unit=notice.unit, role__in=(Role.STAFF, Role.REVIEWER), user__is_active=True
            ).values_list("user__email", flat=True)
            if email and email.strip()
        }
    )


def notice_mails(*, notice: Notice, kind: str, event: NoticeEvent) -> list[Mail]:
    """The mails telling the lead unit's staff and reviewers about a step of
    a notice (``issued``, ``reminder`` or ``red``), one per address, keyed by
    the step's event so that each step mails each person once."""
    addresses = _unit_addresses(notice)
    if not addresses:
        return []
    subject, body = mail_render(
        f"supervision/email/notice_{kind}.txt",
        {"notice": notice, "url": settings.SITE_URL.rstrip("/") + reverse("supervision:notice", args=[notice.pk])},
    )
    return [
        Mail(
            kind=f"notice_{kind}",
            key=f"notice {notice.pk} event {event.pk} to {address}",
            to=address,
            subject=subject,
            body=body,
        )
        for address in addresses
    ]


# --- bulletins -----------------------------------------------------------------------------


def bulletin_generate(*, plan: Plan, period: Period, by=None, today: dt.date | None = None) -> Bulletin:
    """Build the plan's bulletin for ``period`` and store it, replacing an
    earlier one of the same period (which keeps its number). ``by`` is None
    for the scheduled job."""
    from supervision.bulletin import bulletin_build, bulletin_title, document_number, next_document_seq

    if by is not None and not can_supervise(by, plan.zone):
        raise PermissionDenied(_("Only the zone's supervision team publishes bulletins."))
    if not plan.start_year <= period.year <= plan.end_year:
        raise ValidationError(_("The period lies outside the plan."))
    existing = Bulletin.objects.filter(plan=plan, year=period.year, month=period.month).first()
    number = (
        existing.number if existing else (Bulletin.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
    )
    bulletin = existing or Bulletin(plan=plan, year=period.year, month=period.month, number=number)
    if not bulletin.document_number:  # the 文号 is kept when a period is generated again
        year = (today or clock.today()).year
        bulletin.document_year = year
        bulletin.document_seq = next_document_seq(zone=plan.zone, year=year)
        bulletin.document_number = document_number(
            prefix=setting_for(plan.zone).prefix, year=year, seq=bulletin.document_seq
        )
    content = bulletin_build(plan=plan, period=period, number=number, today=today, doc_number=bulletin.document_number)
    pdf = to_pdf(content)  # None where LibreOffice is not installed: the page says so
    old_names = [f.name for f in (bulletin.file, bulletin.pdf) if existing and f]
    bulletin.title = bulletin_title(plan=plan, period=period)[:300]
    bulletin.generated_at = clock.now()
    bulletin.generated_by = by
    bulletin.size = len(content)
    with transaction.atomic():
        bulletin.file.save("bulletin.docx", ContentFile(content), save=False)
        if pdf is not None:
            bulletin.pdf.save("bulletin.pdf", ContentFile(pdf), save=False)
        else:
            bulletin.pdf = ""
        bulletin.save()
    for name in old_names:
        if name not in (bulletin.file.name, bulletin.pdf.name):
            bulletin.file.storage.delete(name)
    return bulletin


def bulletins_publish(*, today: dt.date) -> dict[str, int]:
    """The monthly publication: for every published plan whose bulletin day
    has come this month, generate the bulletin of the previous month unless
    it exists (so a missed day catches up and a second run does nothing).

    The previous month is published once its reports' due day has passed
    (as the month just closed, the month every page and the bulletin form
    default to): a bulletin day before the due day waits for it, so no
    bulletin counts a month whose reports are not all due.
    """
    counts = {"generated": 0, "existing": 0, "failed": 0}
    period = Period(today.year, today.month).previous_month()
    plans = Plan.objects.filter(
        status=PlanStatus.PUBLISHED, start_year__lte=period.year, end_year__gte=period.year
    ).select_related("zone")
    for plan in plans.order_by("pk"):
        if today.day < rule_for(plan).bulletin_day or days_until_due(period, today=today, due_day=plan.due_day) >= 0:
            continue
        if Bulletin.objects.filter(plan=plan, year=period.year, month=period.month).exists():
            counts["existing"] += 1
            continue
        try:
            bulletin_generate(plan=plan, period=period, today=today)
        except Exception:
            log.exception("could not generate the bulletin of plan %s for %s", plan.pk, period)
            counts["failed"] += 1
        else:
            counts["generated"] += 1
    return counts
