"""The zone administrator's setup checklist on the home page.

A new zone goes through five steps before its first month is reported:
units (单位) → people (人员) → import the plan (导入) → assign the tasks
(分配) → publish (发布). Each step is done or not as the data says, read for
all the zones a user administers in one query, whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.choices import PlanStatus
from plans.models import Plan, Task
from targets.models import Target
from zones import policy
from zones.choices import Role
from zones.models import Unit, Zone
from zones.selectors import has_active_member


@dataclass(frozen=True)
class Step:
    """One step of a zone's setup: its name, whether it is done, what is left,
    and the key the template turns into a link."""

    key: str
    label: Promise
    done: bool
    detail: str = ""


@dataclass(frozen=True)
class ZoneSetup:
    zone: Zone
    steps: list[Step]
    plan: Plan | None  # the plan the last steps are about: the newest draft, else the newest plan

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)


def setup_of(user) -> list[ZoneSetup]:
    """The setup checklist of each zone the user administers (empty for anyone else)."""
    if not user.is_authenticated or user.is_superuser:
        return []  # the superuser's home is not one zone's office
    zones = Zone.objects.filter(pk__in=policy.zones_administered_by(user))
    unit_rows = {
        row["zone"]: row
        for row in Unit.objects.filter(zone__in=zones)
        .annotate(has_staff=has_active_member(Role.STAFF), has_reviewer=has_active_member(Role.REVIEWER))
        .values("zone")
        .annotate(units=Count("pk"), unpeopled=Count("pk", filter=Q(has_staff=False) | Q(has_reviewer=False)))
    }
    plans: dict[int, Plan] = {}
    published: set[int] = set()
    for plan in Plan.objects.filter(zone__in=zones).exclude(status=PlanStatus.ARCHIVED).order_by("-created_at"):
        if plan.status == PlanStatus.PUBLISHED:
            published.add(plan.zone_id)
        current = plans.get(plan.zone_id)
        if current is None or (current.status != PlanStatus.DRAFT and plan.status == PlanStatus.DRAFT):
            plans[plan.zone_id] = plan
    chosen = [plan.pk for plan in plans.values()]
    unassigned = {
        row["task__plan"]: row["n"]
        for row in Target.objects.filter(task__plan__in=chosen)
        .filter(Q(task__lead_unit__isnull=True) | Q(task__leader__isnull=True))
        .values("task__plan")
        .annotate(n=Count("pk"))
    }
    with_targets = set(
        Task.objects.filter(plan__in=chosen, targets__isnull=False).values_list("plan", flat=True).distinct()
    )
    result = []
    for zone in zones.order_by("code"):
        units = unit_rows.get(zone.pk, {"units": 0, "unpeopled": 0})
        plan = plans.get(zone.pk)
        left = unassigned.get(plan.pk, 0) if plan else 0
        people_left = units["unpeopled"]
        steps = [
            Step(
                "units",
                _("Units"),
                units["units"] > 0,
                str(_("%(n)d units") % {"n": units["units"]}) if units["units"] else "",
            ),
            Step(
                "people",
                _("People"),
                units["units"] > 0 and people_left == 0,
                str(_("%(n)d units without reporting staff or a reviewer") % {"n": people_left}) if people_left else "",
            ),
            Step("import", _("Import"), plan is not None),
            Step(
                "assign",
                _("Assignment"),
                plan is not None and plan.pk in with_targets and left == 0,
                str(_("%(n)d targets without a lead unit or leader") % {"n": left}) if left else "",
            ),
            Step("publish", _("Publish"), zone.pk in published),
        ]
        result.append(ZoneSetup(zone=zone, steps=steps, plan=plan))
    return result
