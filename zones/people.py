"""A zone's people: adding a person, giving their roles per unit, deactivating them.

The people page and the Excel import both write through here, so one person added by hand and
one added from a sheet are checked alike. A person's login name is their mobile number (手机),
which is also how a zone office tells two people of the same name apart. The caller checks the
right to manage the zone and the person (``zones.policy``); these functions keep every role
inside the zone they are given and never touch an account's powers (superuser, staff, groups).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.text import text_problem
from zones.choices import UNIT_ROLES, Role
from zones.invitations import invitation_send
from zones.models import Membership, Unit, Zone

Grant = tuple[int | None, str]
"""A role a person holds: (unit id or None for a zone-wide role, role)."""

ZONE_ROLES = tuple(role for role in Role if role not in UNIT_ROLES)
PHONE = re.compile(r"1[3-9][0-9]{9}")
NAME_LIMIT = 150  # the user model's first_name


@dataclass(frozen=True)
class PersonFields:
    """Who a person is, as typed on the page or read from a sheet's row."""

    name: str
    phone: str
    email: str


def person_problems(fields: PersonFields) -> dict[str, str]:
    """What is wrong with a new person's name, phone or e-mail, by field ("" when nothing)."""
    problems: dict[str, str] = {}
    for field in ("name", "phone", "email"):
        problem = text_problem(getattr(fields, field))
        if problem:
            problems[field] = problem
    if "name" not in problems:
        if not fields.name:
            problems["name"] = _("Enter the person's name.")
        elif len(fields.name) > NAME_LIMIT:
            problems["name"] = _("At most %(n)d characters.") % {"n": NAME_LIMIT}
    if "phone" not in problems and not PHONE.fullmatch(fields.phone):
        problems["phone"] = _("Enter an 11-digit mobile number, such as 13800000000.")
    if "email" not in problems:
        try:
            validate_email(fields.email)
        except ValidationError:
            problems["email"] = _("Enter a valid e-mail address, such as name@example.cn.")
    return problems


def taken_problems(fields: PersonFields) -> dict[str, str]:
    """Which of the phone and e-mail another account already uses (one query)."""
    problems: dict[str, str] = {}
    taken = get_user_model()._default_manager.filter(Q(username=fields.phone) | Q(email__iexact=fields.email))
    for username, email in taken.values_list("username", "email"):
        if username == fields.phone:
            problems["phone"] = _("An account with this mobile number exists already.")
        if email and email.lower() == fields.email.lower():
            problems["email"] = _("An account with this e-mail address exists already.")
    return problems


def grants_problem(zone: Zone, grants: Iterable[Grant]) -> str | None:
    """Why these roles cannot be given in ``zone`` (a unit of another zone, a unit role without
    a unit, no role at all), or None."""
    grants = set(grants)
    if not grants:
        return _("Give the person at least one role.")
    unit_ids = {unit for unit, _role in grants if unit is not None}
    if len(unit_ids) != Unit.objects.filter(zone=zone, pk__in=unit_ids).count():
        return _("A unit is not one of this zone's.")
    for unit, role in grants:
        if role not in Role.values:
            return _("Unknown role.")
        if (role in UNIT_ROLES) != (unit is not None):
            return _("Reporting staff and reviewers act for a unit; the other roles act for the whole zone.")
    return None


def grants_of(person: AbstractBaseUser, zone: Zone) -> set[Grant]:
    return set(Membership.objects.filter(user=person, zone=zone).values_list("unit_id", "role"))


@transaction.atomic
def roles_set(*, person: AbstractBaseUser, zone: Zone, grants: Iterable[Grant]) -> None:
    """Make ``person``'s roles in ``zone`` exactly ``grants`` (other zones' are never touched)."""
    grants = set(grants)
    problem = grants_problem(zone, grants)
    if problem:
        raise ValidationError(problem)
    held = grants_of(person, zone)
    for unit, role in held - grants:
        Membership.objects.filter(user=person, zone=zone, unit=unit, role=role).delete()
    Membership.objects.bulk_create(
        [Membership(user=person, zone=zone, unit_id=unit, role=role) for unit, role in grants - held]
    )


@transaction.atomic
def person_create(*, zone: Zone, fields: PersonFields, grants: Iterable[Grant], invite: bool = True):
    """Add a person to ``zone`` with ``grants`` and no password, and (``invite``) e-mail them the
    link to choose one. Raises ``ValidationError`` (by field) when anything is wrong."""
    problems = person_problems(fields) or taken_problems(fields)
    grants = set(grants)
    problem = grants_problem(zone, grants)
    if problem:
        problems["roles"] = problem
    if problems:
        raise ValidationError(problems)
    person = get_user_model()(username=fields.phone, first_name=fields.name, email=fields.email)
    person.set_unusable_password()
    person.save()
    roles_set(person=person, zone=zone, grants=grants)
    if invite:
        invitation_send(user=person, zone_name=zone.name)
    return person


def person_update(*, person: AbstractBaseUser, name: str, email: str) -> None:
    """Change the person's name and e-mail (their mobile number, the login name, stays)."""
    fields = PersonFields(name=name, phone=person.get_username(), email=email)
    problems = {key: value for key, value in person_problems(fields).items() if key != "phone"}
    if not problems:
        others = get_user_model()._default_manager.exclude(pk=person.pk)
        if others.filter(email__iexact=email).exists():
            problems["email"] = _("An account with this e-mail address exists already.")
    if problems:
        raise ValidationError(problems)
    person.first_name, person.last_name, person.email = name, "", email
    person.save(update_fields=["first_name", "last_name", "email"])


def person_active_set(*, person: AbstractBaseUser, active: bool) -> None:
    """Deactivate (the person can no longer log in; their records stay) or reactivate."""
    person.is_active = active
    person.save(update_fields=["is_active"])
