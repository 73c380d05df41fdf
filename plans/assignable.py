"""Who a plan's tasks may be given to: the zone's own units and leaders.

The import review (which proposes them by the names a document uses) and the plan's assignment
page (which picks them by id) offer the same people from here, and both refuse anything else, so a
task of one zone never names another zone's unit or leader.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from core.people import display_name
from zones.choices import Role
from zones.models import Unit, Zone


def zone_units(zone: Zone) -> list[Unit]:
    """The zone's units, by name: what a task's lead and co-operating units are picked from."""
    return list(Unit.objects.filter(zone=zone).order_by("name", "pk"))


def zone_leaders(zone: Zone) -> list:
    """The zone's active leaders (领导): who a task's responsible leader is picked from."""
    return list(
        get_user_model()
        .objects.filter(memberships__zone=zone, memberships__role=Role.LEADER, is_active=True)
        .distinct()
        .order_by("username")
    )


@dataclass(frozen=True)
class Assignable:
    """The zone's units and leaders, read once for a whole page (two queries, whatever its size)."""

    units: list[Unit]
    leaders: list

    @classmethod
    def of(cls, zone: Zone) -> Assignable:
        return cls(units=zone_units(zone), leaders=zone_leaders(zone))

    @property
    def unit_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every unit, for a select."""
        return [(str(unit.pk), unit.name) for unit in self.units]

    @property
    def leader_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every leader, for a select."""
        return [(str(user.pk), display_name(user)) for user in self.leaders]

    def unit(self, pk: str | int | None) -> Unit | None:
        by_id = {str(unit.pk): unit for unit in self.units}
        return by_id.get(str(pk)) if pk not in (None, "") else None

    def leader(self, pk: str | int | None):
        by_id = {str(user.pk): user for user in self.leaders}
        return by_id.get(str(pk)) if pk not in (None, "") else None
