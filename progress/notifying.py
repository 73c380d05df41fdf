"""What the monthly reports tell people in the app (``core.notifications``):
a unit's reviewers that a submission waits for them, a unit's staff that
figures were returned (and why) or approved. Called by the services inside
their transactions; one notification per unit and period, not per figure."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import Notification
from core.notifications import notify, site_language
from plans.models import Plan
from plans.periods import Period, period_label
from progress.links import period_form_url
from progress.models import Report
from zones.choices import Role
from zones.models import Unit
from zones.selectors import member_ids


def tell_submitted(*, plan: Plan, unit: Unit, period: Period, count: int, by) -> int:
    """The unit's reviewers: ``count`` figures of the period wait for review."""
    with site_language():
        text = _("%(unit)s submitted %(n)d figures of %(plan)s, %(period)s, for your review.") % {
            "unit": unit.name,
            "n": count,
            "plan": plan.title,
            "period": period_label(period.year, period.month),
        }
    return notify(
        member_ids(roles=(Role.REVIEWER,), units=[unit.pk]),
        kind=Notification.Kind.AWAITING_REVIEW,
        text=text,
        link=reverse("progress:review"),
        skip=by.pk,
    )


def tell_reviewed(*, reports: list[Report], kind: str, by, reason: str = "") -> int:
    """The lead unit's staff: these figures were approved, or returned with
    ``reason``; one notification per unit, plan and period, linking to the
    period form (a return at its first returned row). ``reports`` come with
    their target's task and lead unit loaded."""
    groups: dict[tuple[int, int, int, int], list[Report]] = defaultdict(list)
    for report in reports:
        task = report.target.task
        groups[(task.plan_id, task.lead_unit_id, report.year, report.month)].append(report)
    told = 0
    for (plan_id, unit_id, year, month), group in groups.items():
        period = Period(year, month)
        names = "、".join(report.target.indicator for report in group[:3]) + ("…" if len(group) > 3 else "")
        with site_language():
            values = {"n": len(group), "period": period_label(year, month), "items": names, "reason": reason}
            if kind == Notification.Kind.RETURNED:
                text = _("%(n)d figures of %(period)s were returned (%(items)s): %(reason)s") % values
            else:
                text = _("%(n)d figures of %(period)s were approved (%(items)s).") % values
        first = group[0].target_id if kind == Notification.Kind.RETURNED else None
        told += notify(
            member_ids(roles=(Role.STAFF,), units=[unit_id]),
            kind=kind,
            text=text,
            link=period_form_url(plan_id=plan_id, unit_id=unit_id, period=period, target_id=first),
            skip=by.pk,
        )
    return told
