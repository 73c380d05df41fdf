"""The zone administrator's people pages, the superuser's new-zone page and "my account".

Every right is read through ``zones.policy``; every write goes through ``zones.people`` (people)
or ``zones.services`` (a new zone), so the pages only parse, call and render.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.downloads import attach
from core.params import parse_id
from zones import policy
from zones.choices import UNIT_ROLES, Role
from zones.forms import PeopleFilterForm, PeopleSheetForm, PersonEditForm, PersonForm, UnitForm, ZoneNewForm
from zones.invitations import invitation_send
from zones.models import Membership, Unit, Zone
from zones.people import (
    ZONE_ROLES,
    Grant,
    PersonFields,
    grants_of,
    person_active_set,
    person_create,
    person_update,
    roles_set,
)
from zones.people_sheet import SheetRefused, sheet_people, sheet_rows, template_workbook
from zones.selectors import memberships_of
from zones.services import zone_with_admin_create

PAGE_SIZE = 25
_SESSION_KEY = "people_import:{zone}"


def _zone_for(request: HttpRequest, zone_id: int) -> Zone:
    zone = get_object_or_404(Zone, pk=zone_id)
    if not policy.can_manage_people(request.user, zone):
        raise PermissionDenied
    return zone


def _person_for(request: HttpRequest, zone: Zone, user_id: int):
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not policy.can_manage_person(request.user, person, zone):
        raise PermissionDenied
    return person


def _grants_posted(request: HttpRequest) -> set[Grant]:
    """The ticked cells of the roles grid: ``unit:<id>:<role>`` or ``zone:<role>``; others dropped."""
    grants: set[Grant] = set()
    for value in request.POST.getlist("grant")[:2000]:
        parts = value.split(":")
        if len(parts) == 3 and parts[0] == "unit" and parts[2] in UNIT_ROLES:
            unit_id = parse_id(parts[1])
            if unit_id is not None:
                grants.add((unit_id, parts[2]))
        elif len(parts) == 2 and parts[0] == "zone" and parts[1] in ZONE_ROLES:
            grants.add((None, parts[1]))
    return grants


def _grid(zone: Zone, grants: set[Grant]) -> dict:
    """The roles grid's rows: each unit with its staff and reviewer ticks, and the zone-wide roles."""
    units = Unit.objects.filter(zone=zone).order_by("order", "name")
    return {
        "unit_roles": [(role, role.label) for role in UNIT_ROLES],
        "unit_rows": [
            (
                unit,
                [(f"unit:{unit.pk}:{role.value}", (unit.pk, role.value) in grants, role.label) for role in UNIT_ROLES],
            )
            for unit in units
        ],
        "zone_cells": [(f"zone:{role.value}", role.label, (None, role.value) in grants) for role in ZONE_ROLES],
    }


def _error_text(error: ValidationError) -> Iterable[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                yield field, message
    else:
        for message in error.messages:
            yield "roles", message


@login_required
def people_home(request: HttpRequest) -> HttpResponse:
    """The people page of the user's (first) administered zone."""
    zones = list(policy.people_zones(request.user).order_by("code")[:50])
    if not zones:
        raise PermissionDenied
    if len(zones) == 1:
        return redirect("zones:people", zone_id=zones[0].pk)
    return render(request, "zones/zones_pick.html", {"zones": zones})


@login_required
def people(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = _zone_for(request, zone_id)
    units = list(Unit.objects.filter(zone=zone).order_by("order", "name"))
    form = PeopleFilterForm(request.GET or None)
    form.fields["unit"].choices = [("", _("All units"))] + [(unit.pk, unit.name) for unit in units]
    form.fields["role"].choices = [("", _("All roles")), *Role.choices]
    people = get_user_model()._default_manager.filter(pk__in=Membership.objects.filter(zone=zone).values("user"))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            people = people.filter(
                Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
                | Q(username__icontains=q)
                | Q(email__icontains=q)
            )
        if data["unit"]:
            people = people.filter(memberships__unit=data["unit"])
        if data["role"]:
            people = people.filter(memberships__zone=zone, memberships__role=data["role"])
        if data["active"] in ("0", "1"):
            people = people.filter(is_active=data["active"] == "1")
    people = (
        people.distinct()
        .order_by("first_name", "username")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(zone=zone).select_related("unit").order_by("unit__order", "role"),
                to_attr="zone_memberships",
            )
        )
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    managed = set(
        policy.managed_people(request.user, zone)
        .filter(pk__in=[person.pk for person in page])
        .values_list("pk", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "zones/people.html",
        {"zone": zone, "page": page, "form": form, "managed": managed, "query": query.urlencode()},
    )


@login_required
def person_new(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = _zone_for(request, zone_id)
    grants: set[Grant] = set()
    form = PersonForm(request.POST or None)
    roles_error = ""
    if request.method == "POST":
        grants = _grants_posted(request)
        if form.is_valid():
            data = form.cleaned_data
            fields = PersonFields(name=data["name"].strip(), phone=data["phone"].strip(), email=data["email"].strip())
            try:
                person = person_create(zone=zone, fields=fields, grants=grants)
            except ValidationError as error:
                for field, message in _error_text(error):
                    if field in form.fields:
                        form.add_error(field, message)
                    else:
                        roles_error = message
            else:
                messages.success(
                    request,
                    _("Added %(name)s and sent the invitation to %(email)s.")
                    % {"name": person.first_name, "email": person.email},
                )
                return redirect("zones:people", zone_id=zone.pk)
    return render(
        request,
        "zones/person_form.html",
        {"zone": zone, "form": form, "roles_error": roles_error, "new": True, **_grid(zone, grants)},
        status=400 if form.errors or roles_error else 200,
    )


@login_required
def person_edit(request: HttpRequest, zone_id: int, user_id: int) -> HttpResponse:
    zone = _zone_for(request, zone_id)
    person = _person_for(request, zone, user_id)
    grants = grants_of(person, zone)
    form = PersonEditForm(request.POST or None, initial={"name": person.get_full_name(), "email": person.email})
    roles_error = ""
    if request.method == "POST":
        grants = _grants_posted(request)
        if form.is_valid():
            try:
                with transaction.atomic():
                    person_update(
                        person=person, name=form.cleaned_data["name"].strip(), email=form.cleaned_data["email"].strip()
                    )
                    roles_set(person=person, zone=zone, grants=grants)
            except ValidationError as error:
                person.refresh_from_db()
                for field, message in _error_text(error):
                    if field in form.fields:
                        form.add_error(field, message)
                    else:
                        roles_error = message
            else:
                messages.success(request, _("Saved %(name)s's details and roles.") % {"name": person.first_name})
                return redirect("zones:people", zone_id=zone.pk)
    return render(
        request,
        "zones/person_form.html",
        {"zone": zone, "form": form, "person": person, "roles_error": roles_error, **_grid(zone, grants)},
        status=400 if form.errors or roles_error else 200,
    )


@login_required
@require_POST
def person_active(request: HttpRequest, zone_id: int, user_id: int) -> HttpResponse:
    zone = _zone_for(request, zone_id)
    person = _person_for(request, zone, user_id)
    active = request.POST.get("active") == "1"
    person_active_set(person=person, active=active)
    message = _("%(name)s can log in again.") if active else _("%(name)s can no longer log in; their records stay.")
    messages.success(request, message % {"name": person.get_full_name() or person.get_username()})
    return redirect(reverse("zones:people", kwargs={"zone_id": zone.pk}) + _back_query(request))


@login_required
@require_POST
def person_invite(request: HttpRequest, zone_id: int, user_id: int) -> HttpResponse:
    zone = _zone_for(request, zone_id)
    person = _person_for(request, zone, user_id)
    try:
        invitation_send(user=person, zone_name=zone.name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (smtplib.SMTPException, OSError):
        messages.error(request, _("The e-mail could not be sent. Try again later."))
    else:
        messages.success(request, _("Sent the invitation again to %(email)s.") % {"email": person.email})
    return redirect(reverse("zones:people", kwargs={"zone_id": zone.pk}) + _back_query(request))


def _back_query(request: HttpRequest) -> str:
    back = request.POST.get("back", "")
    return f"?{back}" if back and len(back) < 500 and back.isprintable() else ""


@login_required
def people_template(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = _zone_for(request, zone_id)
    response = HttpResponse(
        template_workbook(zone), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return attach(response, filename=f"{zone.short_name}人员导入模板.xlsx", fallback=f"people-{zone.code}.xlsx")


@login_required
def people_import(request: HttpRequest, zone_id: int) -> HttpResponse:
    """Step 1: upload the sheet; step 2: the preview, each row with its problems; step 3
    (``confirm``): the valid people created and invited."""
    zone = _zone_for(request, zone_id)
    key = _SESSION_KEY.format(zone=zone.pk)
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request, zone, request.session.pop(key, None))
    form = PeopleSheetForm(request.POST or None, request.FILES or None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            found = sheet_people(zone, sheet_rows(form.cleaned_data["file"]))
        except SheetRefused as error:
            refused = str(error)
        else:
            request.session[key] = [
                {
                    "name": person.fields.name,
                    "phone": person.fields.phone,
                    "email": person.fields.email,
                    "grants": sorted([unit, role] for unit, role in person.grants if unit is not None)
                    + [[None, role] for unit, role in person.grants if unit is None],
                }
                for person in found
                if person.valid
            ]
            units = dict(Unit.objects.filter(zone=zone).values_list("pk", "name"))
            rows = [(person, _grants_text(person.grants, units)) for person in found]
            return render(
                request,
                "zones/people_preview.html",
                {
                    "zone": zone,
                    "rows": rows,
                    "valid": sum(person.valid for person in found),
                    "bad": sum(not person.valid for person in found),
                },
            )
    return render(
        request,
        "zones/people_import.html",
        {"zone": zone, "form": form, "refused": refused},
        status=400 if refused or form.errors else 200,
    )


def _grants_text(grants: set[Grant], units: dict[int, str]) -> str:
    labels = dict(Role.choices)
    return "、".join(
        sorted(f"{units.get(unit, '')}{labels[role]}" if unit else str(labels[role]) for unit, role in grants)
    )


def _import_confirm(request: HttpRequest, zone: Zone, stored: list | None) -> HttpResponse:
    if not stored:
        messages.error(request, _("The preview has expired or was used already: upload the sheet again."))
        return redirect("zones:people_import", zone_id=zone.pk)
    created, failed = 0, []
    for row in stored[:1000]:
        fields = PersonFields(name=row["name"], phone=row["phone"], email=row["email"])
        grants = {(unit, role) for unit, role in row["grants"]}
        try:
            with transaction.atomic():
                person_create(zone=zone, fields=fields, grants=grants)
        except ValidationError:
            failed.append(row["name"])  # taken meanwhile, or a unit removed since the preview
        else:
            created += 1
    messages.success(request, _("Added %(n)d people and sent them their invitations.") % {"n": created})
    if failed:
        messages.error(request, _("Not added (changed since the preview): %(names)s.") % {"names": "、".join(failed)})
    return redirect("zones:people", zone_id=zone.pk)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """My account: who I am, my roles in each zone and unit, and the password links."""
    return render(request, "zones/account.html", {"memberships": memberships_of(request.user)})


@login_required
def zone_new(request: HttpRequest) -> HttpResponse:
    if not policy.can_create_zone(request.user):
        raise PermissionDenied
    form = ZoneNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        admin = PersonFields(
            name=data["admin_name"].strip(), phone=data["admin_phone"].strip(), email=data["admin_email"].strip()
        )
        try:
            zone = zone_with_admin_create(
                name=data["name"],
                short_name=data["short_name"].strip(),
                code=data["code"],
                kind=data["kind"],
                city=data["city"],
                new_city=data["new_city"],
                province=data["province"],
                new_province=data["new_province"],
                admin=admin,
            )
        except ValidationError as error:
            for field, message in _error_text(error):
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("Created %(zone)s and invited its administrator %(name)s (%(email)s).")
                % {"zone": zone.name, "name": admin.name, "email": admin.email},
            )
            return redirect("zones:people", zone_id=zone.pk)
    return render(request, "zones/zone_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def units(request: HttpRequest, zone_id: int, unit_id: int | None = None) -> HttpResponse:
    """The zone's units: the list, a form to add one and, with ``unit_id``, to change one. The
    zone administrator role alone opens it, like the people pages (units are not deleted here:
    their tasks and reports hang on them)."""
    zone = get_object_or_404(Zone, pk=zone_id)
    if not policy.is_zone_admin(request.user, zone):
        raise PermissionDenied
    unit = get_object_or_404(Unit, pk=unit_id, zone=zone) if unit_id is not None else None
    form = UnitForm(request.POST or None, instance=unit, zone=zone)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Saved the unit %(unit)s.") % {"unit": saved.name})
        return redirect("zones:units", zone_id=zone.pk)
    listed = Unit.objects.filter(zone=zone).order_by("order", "name")
    return render(
        request,
        "zones/units.html",
        {"zone": zone, "form": form, "unit": unit, "units": listed},
        status=400 if form.errors else 200,
    )
