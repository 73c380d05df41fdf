"""What follow-up notices (督办) and leaders' instructions (批示) tell people in the app
(``core.notifications``): the lead unit's staff and reviewers that a notice
waits for their answer, the supervision team that a unit answered."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from core.models import Notification
from core.notifications import notify, site_language
from core.people import display_name
from supervision.models import Notice
from supervision.selectors import ANSWERING_ROLES
from zones.choices import Role, WebhookEvent
from zones.selectors import member_ids
from zones.webhooks import group_post


def tell_issued(notice: Notice, *, by) -> int:
    """The lead unit's staff and reviewers: a notice to answer by its date."""
    with site_language():
        text = _("%(number)s %(title)s: answer by %(date)s.") % {
            "number": notice.number,
            "title": notice.title,
            "date": formats.date_format(notice.reply_by, "Y-m-d"),
        }
    return notify(
        member_ids(roles=ANSWERING_ROLES, units=[notice.unit_id]),
        kind=Notification.Kind.NOTICE_ISSUED,
        text=text,
        link=reverse("supervision:notice", args=[notice.pk]),
        skip=by.pk,
        mail=False,  # the notice's own mail (services.notice_mails) tells them by e-mail
    )


def tell_answered(notice: Notice, *, by) -> int:
    """Whoever issued the notice and the zone's supervision team: the unit answered."""
    with site_language():
        text = _("%(unit)s answered %(number)s %(title)s.") % {
            "unit": notice.unit.name,
            "number": notice.number,
            "title": notice.title,
        }
    people = member_ids(roles=(Role.SUPERVISOR,), zones=[notice.zone_id])
    if notice.issued_by_id:
        people.append(notice.issued_by_id)
    return notify(
        people,
        kind=Notification.Kind.NOTICE_ANSWERED,
        text=text,
        link=reverse("supervision:notice", args=[notice.pk]),
        skip=by.pk,
    )


def tell_group_issued(notice: Notice) -> int:
    """The zone's work group, through the robots that chose notices: which
    unit was sent which notice, and by when it answers."""
    with site_language():
        title = _("Follow-up notice %(number)s") % {"number": notice.number}
        text = _("%(unit)s was sent %(number)s %(title)s; answer by %(date)s.") % {
            "unit": notice.unit.name,
            "number": notice.number,
            "title": notice.title,
            "date": formats.date_format(notice.reply_by, "Y-m-d"),
        }
    return group_post(
        zone_id=notice.zone_id,
        event=WebhookEvent.NOTICE_ISSUED,
        title=title,
        text=text,
        link=reverse("supervision:notice", args=[notice.pk]),
    )


def _instruction_link(instruction) -> str:
    return reverse("supervision:instruction", args=[instruction.pk])


def tell_instructed(instruction, *, by) -> int:
    """The answering unit's staff and reviewers: a leader's instruction waits for their answer."""
    with site_language():
        text = _("%(leader)s wrote an instruction for %(unit)s: %(text)s") % {
            "leader": display_name(instruction.author),
            "unit": instruction.unit.name,
            "text": instruction.text,
        }
    return notify(
        member_ids(roles=ANSWERING_ROLES, units=[instruction.unit_id]),
        kind=Notification.Kind.INSTRUCTED,
        text=text,
        link=_instruction_link(instruction),
        skip=by.pk,
    )


def tell_instruction_answered(instruction, *, by) -> int:
    """The instruction's author: the unit answered."""
    with site_language():
        text = _("%(unit)s answered your instruction: %(answer)s") % {
            "unit": instruction.unit.name,
            "answer": instruction.answer,
        }
    return notify(
        [instruction.author_id],
        kind=Notification.Kind.INSTRUCTION_ANSWERED,
        text=text,
        link=_instruction_link(instruction),
        skip=by.pk,
    )
