"""A fingerprint of the data a user must not change, to compare before and after a request.

The data is cut into slices by owner: the accounts (users' flags, passwords, memberships) by zone, the
regions and zones, each zone's plans, each unit's reports, each unit's follow-up notices, and
each zone's own records (reopened periods, supervision rules, bulletins). A user may change only
the slices their roles give them: staff and reviewers their unit's reports and notices, the
supervision team the notices and records of their zone, a zone administrator all of their
zone, its people's accounts included. Every other slice must come out of a request exactly as it went in.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, Model

from plans.models import Plan, Task
from progress.models import PeriodReopening, Report, ReportEvent
from supervision.models import Bulletin, Notice, NoticeEvent, NoticeItem, SupervisionRule
from targets.models import Milestone, Target, TargetFlag, TargetResult
from zones.choices import Role
from zones.models import Membership, Region, RegionAccess, Unit, Zone

ACCOUNT_FIELDS = ("username", "password", "is_superuser", "is_staff", "is_active", "email", "first_name", "last_name")


def _slices() -> list[tuple[type[Model], str, str | None]]:
    """(model, slice prefix, lookup of the slice's owner id); None: one slice for all rows."""
    user = get_user_model()
    return [
        # A person's account belongs to each zone they hold a role in (a zone's administrator
        # manages the people of their zone, never one with a role elsewhere); an account with
        # no role anywhere, groups, permissions and region access are nobody's to change.
        (user, "accounts", "memberships__zone_id"),
        (user.groups.through, "accounts", None),
        (user.user_permissions.through, "accounts", None),
        (Membership, "accounts", "zone_id"),
        (RegionAccess, "accounts", None),
        (Region, "structure", None),
        (Zone, "structure", None),
        (Unit, "plans", "zone_id"),
        (Plan, "plans", "zone_id"),
        (Task, "plans", "plan__zone_id"),
        (Target, "plans", "task__plan__zone_id"),
        (Milestone, "plans", "task__plan__zone_id"),
        (Report, "reports", "target__task__lead_unit_id"),
        (ReportEvent, "reports", "report__target__task__lead_unit_id"),
        (TargetResult, "reports", "target__task__lead_unit_id"),
        (TargetFlag, "reports", "target__task__lead_unit_id"),
        (Notice, "notices", "unit_id"),
        (NoticeItem, "notices", "notice__unit_id"),
        (NoticeEvent, "notices", "notice__unit_id"),
        (PeriodReopening, "zone", "plan__zone_id"),
        (SupervisionRule, "zone", "plan__zone_id"),
        (Bulletin, "zone", "plan__zone_id"),
    ]


def _columns(model: type[Model]) -> list[str]:
    if model is get_user_model():
        return ["pk", *ACCOUNT_FIELDS]
    return [f.attname for f in model._meta.concrete_fields]


@functools.cache
def _queries() -> list[tuple[str, bool, str, tuple]]:
    """(slice prefix, whether rows carry their owner, SQL, parameters) per model, compiled once:
    the fingerprint is taken after every request that writes, so it must cost little."""
    queries = []
    for model, prefix, owner in _slices():
        rows = model._default_manager.order_by("pk")
        if owner is not None:
            rows = rows.annotate(_owner=F(owner)).values_list("_owner", *_columns(model))
        else:
            rows = rows.values_list(*_columns(model))
        sql, params = rows.query.sql_with_params()
        queries.append((f"{model.__name__}:{prefix}", owner is not None, sql, params))
    return queries


def fingerprint(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """A digest of every slice of the data, keyed by slice (``reports:12``, ``accounts``)."""
    digests: dict[str, hashlib._Hash] = defaultdict(hashlib.sha256)
    with connections[using].cursor() as cursor:
        for name, owned, sql, params in _queries():
            model, prefix = name.split(":")
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                key = f"{prefix}:{row[0]}" if owned else prefix
                digests[key].update(repr((model, row)).encode())
    return {name: digest.hexdigest() for name, digest in digests.items()}


def writable(user) -> set[str]:
    """The slices ``user`` may change through the pages, from their roles."""
    if not user.is_authenticated:
        return set()
    slices: set[str] = set()
    for membership in Membership.objects.filter(user=user):
        zone_units = [f"{unit}" for unit in Unit.objects.filter(zone=membership.zone_id).values_list("pk", flat=True)]
        if membership.role in (Role.STAFF, Role.REVIEWER) and membership.unit_id:
            slices |= {f"reports:{membership.unit_id}", f"notices:{membership.unit_id}"}
        elif membership.role == Role.SUPERVISOR:
            slices |= {f"notices:{unit}" for unit in zone_units} | {f"zone:{membership.zone_id}"}
        elif membership.role == Role.ADMIN:
            slices |= {f"plans:{membership.zone_id}", f"zone:{membership.zone_id}", f"accounts:{membership.zone_id}"}
            slices |= {f"{kind}:{unit}" for kind in ("reports", "notices") for unit in zone_units}
    return slices


def changed(before: dict[str, str], after: dict[str, str], *, allowed: set[str]) -> list[str]:
    """The slices outside ``allowed`` that differ between two fingerprints."""
    names = (set(before) | set(after)) - allowed
    return sorted(name for name in names if before.get(name) != after.get(name))


# Writes to the tables a page may always change: its own session, the login throttle's log.
_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)
_UNGUARDED = ("django_session", "axes_")


def wrote(statements: list[str]) -> bool:
    """Whether any of the SQL ``statements`` writes to a table the fingerprint guards (or may):
    a request that wrote nothing needs no fingerprint to show that it changed nothing."""
    for sql in statements:
        for _verb, table in _WRITE.findall(sql):
            if not table.lower().startswith(_UNGUARDED):
                return True
    return False
