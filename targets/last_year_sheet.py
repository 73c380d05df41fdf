"""The grid of last year's figures as an Excel sheet: download it, fill it in, upload it.

The sheet has the layout every export shares (``core.spreadsheets``: a title and a subtitle
above a frozen header with filter buttons, printed one page wide); every text goes through
``safe_cell``. The month cells are text cells, so what is typed comes back as typed. A hidden
sheet ``meta`` names the plan and the target of each 序号, so the rows may be sorted or
filtered and still be read back; an upload of another plan's sheet, or with its headings
changed, is refused whole (``SheetRejected``). Each row's cells are then checked by the grid's
own rule (``targets.last_year.row_typed``): the preview marks the rows with a fault, and only
the others can be saved.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.workbook import Workbook as WorkbookType

from core.downloads import safe_name_part
from core.figures import figure_text
from core.params import INTEGER_MAX, parse_int
from core.spreadsheets import (
    FIRST_HEADER_ROW,
    TEXT_FORMAT,
    THIN_BORDER,
    Heading,
    SheetLayout,
    fit_widths,
    lay_out,
    restore_cell,
    safe_cell,
    style_header_row,
    workbook_bytes,
    write_heading,
)
from plans.models import Plan
from targets.last_year import MONTHS, GridRow, grid_targets, row_typed
from targets.models import Target

LAYOUT_VERSION = "taizhang/last-year/1"
SHEET_NAME = "上年同期"
META_NAME = "meta"
# The headings are part of the file format the upload checks: the same in every language.
HEADERS = ("序号", "任务", "指标", "计量单位", *(f"{month}月" for month in MONTHS))
COL_NUMBER, COL_INDICATOR = 0, 2
FIRST_MONTH_COL = 4  # 0-based
FIRST_ROW = FIRST_HEADER_ROW + 1
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ROWS = 2000


class SheetRejected(Exception):
    """A file that is not this plan's sheet of last year's figures; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sheet_build(plan: Plan, rows: list[GridRow]) -> bytes:
    """The grid as xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    heading = Heading(
        title=_("%(zone)s · %(plan)s · last year's year-to-date figures") % {"zone": plan.zone, "plan": plan.title},
        subtitle=_(
            "Year-to-date figures of %(year)s, month by month, in each target's unit. Fill in the month "
            "columns only; keep the 序号 and the indicator of each row. Upload the file on the plan's page "
            "of last year's figures."
        )
        % {"year": plan.start_year - 1},
    )
    layout = SheetLayout(heading=heading, columns=len(HEADERS), columns_left=4)
    write_heading(sheet, layout)
    for column, text in enumerate(HEADERS, start=1):
        sheet.cell(row=FIRST_HEADER_ROW, column=column, value=text)
    style_header_row(sheet, row=FIRST_HEADER_ROW, columns=len(HEADERS))
    lines = []
    for index, row in enumerate(rows, start=1):
        target = row.target
        values = row.values
        line = [
            index,
            str(target.task),
            target.indicator,
            target.figure_unit,
            *(figure_text(values[month]) if month in values else None for month in MONTHS),
        ]
        lines.append(line)
        for column, value in enumerate(line, start=1):
            cell = sheet.cell(row=FIRST_HEADER_ROW + index, column=column, value=safe_cell(value))
            cell.border = THIN_BORDER
            if column > FIRST_MONTH_COL:
                cell.number_format = TEXT_FORMAT
    lay_out(sheet, layout, widths=fit_widths(HEADERS, lines, maxima=[6, 30, 30, 10, *([14] * 12)]))
    meta = workbook.create_sheet(META_NAME)
    meta.append(("layout", LAYOUT_VERSION))
    meta.append(("plan", plan.pk))
    meta.append(("targets", None))
    for index, row in enumerate(rows, start=1):
        meta.append((index, row.target.pk))
    meta.protection.sheet = True
    meta.sheet_state = "hidden"
    return workbook_bytes(workbook)


def sheet_filename(plan: Plan) -> tuple[str, str]:
    """The download's name (上年同期数据_<plan>.xlsx) and its ASCII fallback."""
    name = safe_name_part(plan.title) or str(plan.pk)
    return f"上年同期数据_{name}.xlsx", f"last-year-{plan.pk}.xlsx"


@dataclass
class SheetLine:
    """A row of an uploaded sheet, read and checked."""

    line: int  # the spreadsheet's row number
    row: GridRow


def sheet_read(data: bytes, plan: Plan) -> list[SheetLine]:
    """The uploaded sheet's rows, each checked (``row_typed``), or ``SheetRejected``."""
    workbook = _open(data)
    try:
        if SHEET_NAME not in workbook.sheetnames or META_NAME not in workbook.sheetnames:
            raise SheetRejected(_not_ours())
        try:
            numbers = _read_meta(workbook[META_NAME].iter_rows(max_col=2, values_only=True), plan)
            raw = list(_read_lines(workbook[SHEET_NAME]))
        except SheetRejected:
            raise
        except Exception:  # a damaged part shows only while reading it
            raise SheetRejected(_not_ours()) from None
    finally:
        workbook.close()
    header, lines = raw[0] if raw else (), raw[1:]
    _check_header(header)
    targets = {target.pk: target for target in grid_targets(plan)}
    found: list[SheetLine] = []
    seen: set[int] = set()
    for line, values in lines:
        number = _int(values[COL_NUMBER])
        target = targets.get(numbers.get(number or 0, 0))
        if target is None or number in seen:
            raise SheetRejected(
                _("Row %(row)d: its 序号 is not one of the sheet as downloaded. Download the sheet again.")
                % {"row": line}
            )
        if _text(values[COL_INDICATOR]) != _text(safe_cell(target.indicator)):
            raise SheetRejected(
                _("Row %(row)d no longer matches its target (“%(indicator)s”). Download the sheet again.")
                % {"row": line, "indicator": target.indicator}
            )
        seen.add(number)
        typed = {month: _text(values[FIRST_MONTH_COL + month - 1]) for month in MONTHS}
        found.append(SheetLine(line=line, row=row_typed(target, typed)))
    return found


def _open(data: bytes) -> WorkbookType:
    if not data:
        raise SheetRejected(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise SheetRejected(_("The file is larger than 2 MB; this sheet is far smaller."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetRejected(_not_ours()) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetRejected(_("The workbook is too large once unpacked; this sheet is far smaller."))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on damaged or foreign files
        raise SheetRejected(_not_ours()) from None


def _read_meta(values, plan: Plan) -> dict[int, int]:
    """序号 → target id, after checking the layout and the plan."""
    layout = plan_id = None
    numbers: dict[int, int] = {}
    in_targets = False
    for line in values:
        key, value = (*line, None, None)[:2]
        if in_targets:
            number, target_id = _int(key), _int(value)
            if number is None or target_id is None or len(numbers) >= MAX_ROWS:
                raise SheetRejected(_not_ours())
            numbers[number] = target_id
        elif key == "layout":
            layout = value
        elif key == "plan":
            plan_id = _int(value)
        elif key == "targets":
            in_targets = True
    if layout != LAYOUT_VERSION:
        raise SheetRejected(_not_ours())
    if plan_id != plan.pk:
        raise SheetRejected(
            _("This sheet belongs to another plan; download the sheet of “%(plan)s”.") % {"plan": plan.title}
        )
    return numbers


def _read_lines(sheet):
    """(row number, cells) of the header and of every non-empty row below it."""
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > FIRST_ROW + MAX_ROWS:
            raise SheetRejected(_("The sheet has too many rows (at most %(n)d).") % {"n": MAX_ROWS})
        if number < FIRST_HEADER_ROW:
            continue
        padded = tuple(values) + (None,) * (len(HEADERS) - len(values))
        if number == FIRST_HEADER_ROW or any(_text(value) for value in padded):
            yield number, padded


def _check_header(header: tuple[Any, ...]) -> None:
    cells = header[1] if header else ()
    found = [_text(value) for value in cells]
    if found[: len(HEADERS)] != list(HEADERS) or any(found[len(HEADERS) :]):
        raise SheetRejected(
            _("The column headings were changed: they should read %(headers)s. Download the sheet again.")
            % {"headers": "、".join(HEADERS)}
        )


def _not_ours() -> str:
    return _(
        "This is not a sheet of last year's figures downloaded from Taizhang, or its layout was changed. "
        "Download the sheet again and fill it in."
    )


def _text(value: Any) -> str:
    """A cell as the text typed (numbers in plain notation)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return figure_text(Decimal(repr(value))) if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, Decimal):
        return figure_text(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return restore_cell(str(value).strip())


def _int(value: Any) -> int | None:
    return parse_int(_text(value), high=INTEGER_MAX)


def targets_of(lines: list[SheetLine]) -> list[Target]:
    return [line.row.target for line in lines]
