"""Leaders' instructions in words and in a workbook: the one way an
instruction with its answer is written in a cell (the list's export and the
ledger's 领导批示 column), and the list's export, laid out as every export
is (``core.spreadsheets``), each text cell through ``safe_cell`` so that an
instruction starting with "=" stays text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.downloads import attach, export_filename
from core.people import display_name
from core.spreadsheets import (
    THIN_BORDER,
    WRAP,
    XLSX_CONTENT_TYPE,
    Heading,
    SheetLayout,
    export_subtitle,
    fit_widths,
    lay_out,
    safe_cell,
    style_header_row,
    workbook_bytes,
    write_heading,
)
from supervision.models import Instruction


def _day(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def subject_text(instruction: Instruction) -> str:
    """What the instruction is on, in words: the target's indicator, the task, the notice's number."""
    if instruction.target_id:
        return _("Target: %(name)s") % {"name": instruction.target.indicator}
    if instruction.task_id:
        return _("Task: %(task)s") % {"task": f"{instruction.task.number}{instruction.task.heading}"}
    return _("Notice: %(number)s") % {"number": instruction.notice.number}


def instruction_text(instruction: Instruction) -> str:
    """One instruction with its answer, as a cell holds it:
    "李明(2014-07-10):请加快进度\n答复(经济发展局,张三,2014-07-12):已部署"."""
    text = _("%(author)s (%(day)s): %(text)s") % {
        "author": display_name(instruction.author),
        "day": _day(instruction.created_at),
        "text": instruction.text,
    }
    if instruction.answer:
        text += "\n" + _("Answer (%(unit)s, %(by)s, %(day)s): %(answer)s") % {
            "unit": instruction.unit.name,
            "by": display_name(instruction.answered_by),
            "day": _day(instruction.answered_at),
            "answer": instruction.answer,
        }
    else:
        text += "\n" + _("Not answered yet (%(unit)s).") % {"unit": instruction.unit.name}
    return text


def instructions_text(instructions: Iterable[Instruction]) -> str:
    """Several instructions in one cell, one after another."""
    return "\n".join(instruction_text(instruction) for instruction in instructions)


def _columns() -> list[tuple[str, float]]:
    return [
        (_("Written on"), 11),
        (_("Leader"), 10),
        (_("On"), 28),
        (_("Instruction"), 40),
        (_("Answering unit"), 14),
        (_("State"), 9),
        (_("Answer"), 40),
        (_("Answered by"), 10),
        (_("Answered on"), 11),
    ]


def _row(instruction: Instruction) -> list[Any]:
    return [
        _day(instruction.created_at),
        display_name(instruction.author),
        subject_text(instruction),
        instruction.text,
        instruction.unit.name,
        instruction.get_state_display(),
        instruction.answer,
        display_name(instruction.answered_by),
        _day(instruction.answered_at),
    ]


def instructions_workbook(
    instructions: Sequence[Instruction], *, user: Any, filters: list[str], at: dt.datetime
) -> bytes:
    columns = _columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Leaders' instructions")
    heading = Heading(
        _("Leaders' instructions"),
        export_subtitle(what=_("Leaders' instructions"), filters=filters, period="—", user=user, at=at),
    )
    layout = SheetLayout(heading=heading, columns=len(columns), columns_left=2)
    write_heading(sheet, layout)
    headers = [header for header, _width in columns]
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=layout.header_last, column=index, value=header)
    style_header_row(sheet, row=layout.header_last, columns=layout.columns)
    lines = []
    for number, instruction in enumerate(instructions, start=1):
        values = _row(instruction)
        lines.append(values)
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=layout.header_last + number, column=index, value=safe_cell(value))
            cell.border, cell.alignment = THIN_BORDER, WRAP
    lay_out(sheet, layout, widths=fit_widths(headers, lines, maxima=[width for _header, width in columns]))
    return workbook_bytes(workbook)


def instructions_xlsx_response(
    instructions: Sequence[Instruction], *, user: Any, filters: list[str], at: dt.datetime
) -> tuple[HttpResponse, str]:
    """The download and the name it is saved under."""
    day = timezone.localtime(at).strftime("%Y%m%d")
    name, fallback = export_filename(
        [_("Leaders' instructions"), day], extension="xlsx", fallback=["instructions", day]
    )
    response = HttpResponse(
        instructions_workbook(instructions, user=user, filters=filters, at=at), content_type=XLSX_CONTENT_TYPE
    )
    return attach(response, filename=name, fallback=fallback), name
