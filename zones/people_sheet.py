"""The people sheet: an Excel file (姓名, 手机, 邮箱, 单位, 角色) read into rows to preview.

Each row is checked as the people page checks one person (``zones.people``) and gets its own
messages: an unknown unit or role, a bad e-mail or mobile number, a control character, a
person already in the app or twice in the sheet. Rows with the same mobile number are one
person holding several roles (a reviewer of two units: two rows). Nothing is written here.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.text import text_problem, xml_safe
from zones.choices import UNIT_ROLES, Role
from zones.models import Unit, Zone
from zones.people import Grant, PersonFields, person_problems

HEADERS = ("姓名", "手机", "邮箱", "单位", "角色")
MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024
_ROLE_SEPARATORS = ("、", "，", ",", ";", "；", "/")


class SheetRefused(Exception):
    """The file cannot be read as a people sheet; the message says why, for the page."""


@dataclass
class SheetPerson:
    """One person of the sheet (one or more rows sharing a mobile number) and their problems."""

    rows: list[int]
    fields: PersonFields
    grants: set[Grant] = field(default_factory=set)
    roles_text: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors


def role_names() -> dict[str, str]:
    """The role a word in the 角色 column names: its Chinese label (as the pages show it), its
    English one and its code."""
    names: dict[str, str] = {}
    for role in Role:
        names[role.value] = role.value
        names[str(role.label).lower()] = role.value
        with translation.override("zh-hans"):
            names[str(role.label)] = role.value
    names.update({"审核员": Role.REVIEWER, "督查": Role.SUPERVISOR, "管理员": Role.ADMIN})
    return names


def template_workbook(zone: Zone) -> bytes:
    """The blank sheet to download: the headers, two example rows and, on a second sheet, the
    zone's units and the roles as they are to be written."""
    book = Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(HEADERS)
    units = list(Unit.objects.filter(zone=zone).values_list("name", flat=True))
    example_unit = units[0] if units else ""
    with translation.override("zh-hans"):
        staff, reviewer = str(Role.STAFF.label), str(Role.REVIEWER.label)
        labels = [str(role.label) for role in Role]
    sheet.append(["张三", "13800000000", "zhangsan@example.cn", example_unit, staff])
    sheet.append(["张三", "13800000000", "zhangsan@example.cn", units[1] if len(units) > 1 else example_unit, reviewer])
    for column, width in zip("ABCDE", (12, 16, 28, 24, 14), strict=True):
        sheet.column_dimensions[column].width = width
    lists = book.create_sheet("单位和角色")
    lists.append(["单位", "角色"])
    for row in range(max(len(units), len(labels))):
        lists.append([xml_safe(units[row]) if row < len(units) else None, labels[row] if row < len(labels) else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# How Excel writes a character XML cannot carry (a cell's vertical tab is "_x000B_"); openpyxl
# leaves the escape as it is, so the sheet's reader undoes it and the text checks see the character.
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a mobile number typed as a number
    return _EXCEL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), str(value)).strip()


def sheet_rows(upload) -> list[tuple[int, list[str]]]:
    """The data rows of an uploaded .xlsx (row number, five cells), or ``SheetRefused``."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        raise SheetRefused(
            _("Choose an Excel file in the .xlsx format (save older .xls or .csv files as .xlsx first).")
        )
    if upload.size > MAX_BYTES:
        raise SheetRefused(_("The file is larger than 5 MB: a people sheet is much smaller."))
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        refused = _("This file is not a readable .xlsx workbook: open it in Excel and save it as .xlsx.")
        raise SheetRefused(refused) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell_text(value) for value in next(rows, ())]
        missing = [name for name in HEADERS if name not in header]
        if missing:
            raise SheetRefused(
                _("The first row must name the columns %(columns)s; missing: %(missing)s.")
                % {"columns": "、".join(HEADERS), "missing": "、".join(missing)}
            )
        where = [header.index(name) for name in HEADERS]
        found: list[tuple[int, list[str]]] = []
        for number, values in enumerate(rows, start=2):
            cells = [_cell_text(values[i]) if i < len(values) else "" for i in where]
            if not any(cells):
                continue
            if len(found) >= MAX_ROWS:
                raise SheetRefused(_("At most %(n)d people in one sheet: split the sheet.") % {"n": MAX_ROWS})
            found.append((number, cells))
    finally:
        book.close()
    if not found:
        raise SheetRefused(_("The sheet has no people under its first row."))
    return found


def sheet_people(zone: Zone, rows: list[tuple[int, list[str]]]) -> list[SheetPerson]:
    """The sheet's people, each row checked (two queries, whatever the number of rows)."""
    units = {name: pk for pk, name in Unit.objects.filter(zone=zone).values_list("pk", "name")}
    roles = role_names()
    people: dict[str, SheetPerson] = {}
    emails: dict[str, str] = {}
    for number, (name, phone, email, unit_name, role_text) in rows:
        errors = [
            _("Row %(row)d: %(problem)s") % {"row": number, "problem": problem}
            for problem in person_problems(PersonFields(name=name, phone=phone, email=email)).values()
        ]
        for text in (unit_name, role_text):
            problem = text_problem(text)
            if problem:
                errors.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": problem})
        grants: set[Grant] = set()
        if not errors:
            unit_id = units.get(unit_name)
            if unit_name and unit_id is None:
                errors.append(_("Row %(row)d: no unit “%(unit)s” in this zone.") % {"row": number, "unit": unit_name})
            words = [role_text]
            for separator in _ROLE_SEPARATORS:
                words = [part.strip() for word in words for part in word.split(separator)]
            words = [word for word in words if word]
            if not words:
                errors.append(_("Row %(row)d: name a role.") % {"row": number})
            for word in words:
                role = roles.get(word) or roles.get(word.lower())
                if role is None:
                    errors.append(_("Row %(row)d: unknown role “%(role)s”.") % {"row": number, "role": word})
                elif role in UNIT_ROLES and not unit_name:
                    errors.append(_("Row %(row)d: a %(role)s needs a unit.") % {"row": number, "role": word})
                elif unit_id is not None or role not in UNIT_ROLES:
                    grants.add((unit_id if role in UNIT_ROLES else None, role))
        person = people.get(phone)
        if person is None:
            person = SheetPerson(rows=[number], fields=PersonFields(name=name, phone=phone, email=email))
            if phone:
                people[phone] = person
            else:
                people[f"row:{number}"] = person
            owner = emails.get(email.lower())
            if email and owner is not None and owner != phone:
                errors.append(_("Row %(row)d: this e-mail address is another row's already.") % {"row": number})
            emails.setdefault(email.lower(), phone)
        else:
            repeated = None
            if (name, email.lower()) != (person.fields.name, person.fields.email.lower()):
                repeated = _("Row %(row)d: same mobile number as row %(first)d but another name or e-mail.")
            elif grants and grants <= person.grants:
                repeated = _("Row %(row)d: repeats row %(first)d.")
            if repeated:
                # The row is left out, alone: the person of the first row is still added.
                errors.append(repeated % {"row": number, "first": person.rows[0]})
                person = people[f"row:{number}"] = SheetPerson(
                    rows=[number], fields=PersonFields(name=name, phone=phone, email=email), duplicate=True
                )
            else:
                person.rows.append(number)
        person.grants |= grants
        person.roles_text.append(f"{unit_name} {role_text}".strip())
        person.errors += errors
    _taken_mark(list(people.values()))
    return list(people.values())


def _taken_mark(people: list[SheetPerson]) -> None:
    """Mark the people whose mobile number or e-mail an account uses already (one query)."""
    phones = {person.fields.phone for person in people}
    emails = {person.fields.email.lower() for person in people}
    taken = get_user_model()._default_manager.filter(Q(username__in=phones) | Q(email__in=emails))
    taken_phones, taken_emails = set(), set()
    for username, email in taken.values_list("username", "email"):
        taken_phones.add(username)
        taken_emails.add((email or "").lower())
    for person in people:
        if person.errors or person.duplicate:
            continue
        if person.fields.phone in taken_phones:
            person.errors.append(
                _("Row %(row)d: %(problem)s")
                % {"row": person.rows[0], "problem": _("An account with this mobile number exists already.")}
            )
        elif person.fields.email.lower() in taken_emails:
            person.errors.append(
                _("Row %(row)d: %(problem)s")
                % {"row": person.rows[0], "problem": _("An account with this e-mail address exists already.")}
            )
