"""A unit's period sheet in Excel: download it, fill it in, upload it again.

``period_sheet_build`` writes the workbook: a visible sheet 填报 with the
unit's targets for the period (read-only columns in grey, the columns to fill
unlocked) and a hidden sheet ``meta`` that names the plan, unit, period, the
target ids in row order and each row's report version. ``period_sheet_read``
refuses anything that is not that workbook for this plan, unit and period with
its layout intact, and returns the typed rows as ``RowInput`` (figures as text,
so ``unit_period_save`` judges them with the same rules as the period form).
``period_sheet_preview`` says what an upload would change, by running the real
save in a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as WorkbookType
from openpyxl.worksheet.datavalidation import DataValidation

from core.figures import figure_text, read_plain
from core.params import INTEGER_MAX, parse_int
from core.spreadsheets import (
    READ_ONLY_FILL,
    TEXT_FORMAT,
    THIN_BORDER,
    WRAP,
    figure_number_format,
    freeze_header,
    print_fit_width,
    restore_cell,
    safe_cell,
    set_column_widths,
    style_header_row,
    workbook_bytes,
)
from core.text import xml_safe
from plans.models import Plan
from plans.periods import Period, period_label
from progress.models import Report
from progress.selectors import Row, period_rows
from progress.services import TEXT_FIELDS, Conflict, RowInput, StaleVersion, unit_period_save
from progress.validation import standing_of
from targets.choices import Comparator, Standing
from targets.models import Target
from zones.models import Unit

LAYOUT_VERSION = "taizhang/period-sheet/1"
SHEET_NAME = "填报"
META_NAME = "meta"
TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1
# The headings are part of the file format that the upload checks, so they are
# the same whatever the user's language.
HEADERS = (
    "序号",
    "任务",
    "指标",
    "计量单位",
    "目标",
    "上期累计",
    "本期累计",
    "进展情况",
    "存在问题",
    "下步措施",
    "数值说明",
    "确认数值(是/否)",
)
COL_NUMBER, COL_INDICATOR, COL_TARGET, COL_PREVIOUS, COL_VALUE, COL_CONFIRM = 0, 2, 4, 5, 6, 11  # 0-based
# The columns to fill (0-based), in sheet order, and the RowInput field each holds.
FILL_COLUMNS = {6: "raw_value", 7: "progress", 8: "problems", 9: "next_steps", 10: "value_note", 11: "confirmed"}
WIDTHS = (6, 28, 28, 10, 12, 12, 14, 40, 30, 30, 24, 12)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # an xlsx is a zip: refuse one that inflates far beyond its size
MAX_ROWS = 1000
YES_WORD = "是"  # how the sheet writes a confirmation
YES = frozenset({YES_WORD, "Y", "YES", "TRUE", "1", "√", "✓", "✔"})
NO = frozenset({"", "否", "N", "NO", "FALSE", "0", "×", "✗"})

FIELD_LABELS = {
    "value": gettext_lazy("This period's year-to-date figure"),
    "confirmed": gettext_lazy("Value confirmed"),
    **{name: capfirst(Report._meta.get_field(name).verbose_name) for name in TEXT_FIELDS},
}


class SheetRejected(Exception):
    """An uploaded file that is not this unit's sheet for this period, as
    downloaded; the message tells the user why, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- building -----------------------------------------------------------------


def period_sheet_build(*, plan: Plan, unit: Unit, period: Period, rows: list[Row]) -> bytes:
    """The unit's period sheet as xlsx bytes (``rows`` from ``period_rows``)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    title = _("%(zone)s · %(unit)s · %(plan)s · %(period)s progress report") % {
        "zone": plan.zone,
        "unit": unit.name,
        "plan": plan.title,
        "period": period_label(period.year, period.month),
    }
    sheet.cell(row=TITLE_ROW, column=1, value=safe_cell(title)).font = Font(bold=True, size=14)
    sheet.cell(
        row=NOTE_ROW,
        column=1,
        value=_(
            "Fill in the white cells only; grey cells are read-only and rows already submitted or approved "
            "are locked. Do not add, delete, move or sort rows or columns. Upload the file on the period page."
        ),
    ).font = Font(italic=True, color="66788A")
    last_column = get_column_letter(len(HEADERS))
    sheet.merge_cells(f"A{TITLE_ROW}:{last_column}{TITLE_ROW}")
    sheet.merge_cells(f"A{NOTE_ROW}:{last_column}{NOTE_ROW}")
    for column, heading in enumerate(HEADERS, start=1):
        sheet.cell(row=HEADER_ROW, column=column, value=heading)
    style_header_row(sheet, row=HEADER_ROW, columns=len(HEADERS))
    confirm = DataValidation(type="list", formula1=f'"{YES_WORD},否"', allow_blank=True)
    standings = DataValidation(type="list", formula1=f'"{",".join(_standing_words())}"', allow_blank=True)
    for index, row in enumerate(rows):
        line = FIRST_ROW + index
        for column, value in enumerate(_line_values(index, row), start=1):
            cell = sheet.cell(row=line, column=column, value=safe_cell(value))
            cell.border = THIN_BORDER
            cell.alignment = WRAP
            if column - 1 in FILL_COLUMNS and row.editable:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = READ_ONLY_FILL
            _format_number(cell, column - 1, row)
        if row.editable and _is_item(row.target):
            standings.add(sheet.cell(row=line, column=COL_VALUE + 1).coordinate)
        elif row.editable:
            confirm.add(sheet.cell(row=line, column=COL_CONFIRM + 1).coordinate)
    for validation in (confirm, standings):
        if validation.sqref:
            sheet.add_data_validation(validation)
    set_column_widths(sheet, WIDTHS)
    freeze_header(sheet, header_row=HEADER_ROW, columns_left=3)
    sheet.row_dimensions[HEADER_ROW].height = 30
    # Protection marks the grey cells read-only (without a password: it guides, the upload checks).
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False
    # Printed as every export is (core.spreadsheets): landscape A4, one page wide,
    # the header repeated, "第 &P 页，共 &N 页". No filter buttons: sorting the
    # rows would break the layout the upload checks.
    print_fit_width(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    _write_meta(workbook, plan=plan, unit=unit, period=period, rows=rows)
    return workbook_bytes(workbook)


def period_sheet_filename(*, unit: Unit, period: Period) -> str:
    """The download's file name, e.g. 填报_经济发展局_2026-03.xlsx."""
    name = "".join(ch for ch in unit.name if ch.isprintable() and ch not in '\\/:*?"<>|').strip() or str(unit.pk)
    return f"填报_{name}_{period}.xlsx"


def _is_item(target: Target) -> bool:
    """A task item: its figure is a standing, written and read as words."""
    return target.kind_entry.figures.standing


def _standing_words() -> list[str]:
    """The standings as the sheet writes them and offers them, best first;
    the upload reads these words (or any other progress.validation.standing_of
    knows) back."""
    return [str(standing.label) for standing in reversed(Standing)]


def _figure_cell(target: Target, value: Decimal | None) -> int | float | str | None:
    """A reported figure's cell: a number, or a task item's standing in words."""
    if _is_item(target):
        return target.written(value) if value is not None else None
    return _number_cell(value)


def _value_cell(target: Target, value: Decimal | None) -> str | None:
    """This period's figure, in the column to fill: text, as the upload reads
    it back (``progress.validation``), so that every digit shows as typed
    (no 1E+14, no rounding) and a figure typed over it stays as typed."""
    if _is_item(target):
        return target.written(value) if value is not None else None
    return figure_text(value) if value is not None else None


def _format_number(cell, column: int, row: Row) -> None:
    """Show a number cell's every digit; keep the figure to fill as text."""
    if column == COL_VALUE and not _is_item(row.target):
        cell.number_format = TEXT_FORMAT
    elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool) and column != COL_NUMBER:
        cell.number_format = figure_number_format(Decimal(repr(cell.value)))


def _line_values(index: int, row: Row) -> list[Any]:
    target, report = row.target, row.report
    return [
        index + 1,
        str(target.task),
        target.indicator,
        "" if _is_item(target) else target.figure_unit,
        _target_cell(target),
        _figure_cell(target, row.previous_value),
        _value_cell(target, report.value if report else None),
        report.progress if report else "",
        report.problems if report else "",
        report.next_steps if report else "",
        report.value_note if report else "",
        YES_WORD if report is not None and report.value_confirmed and not _is_item(target) else "",
    ]


def _target_cell(target: Target) -> Any:
    """The target: a number when it is one figure; else as the pages write it
    (``Target.target_label``: 10–15个, ≤ 3%, 10%（力争15%）), as text, so a
    range or a stretch value is not cut to its first number."""
    plain = target.value_high is None and target.stretch is None and target.comparator != Comparator.AT_MOST
    if target.value is not None and plain:
        return _number_cell(target.value)
    if target.value is not None:
        return target.target_label
    if target.deadline is not None:
        return _("done by %(date)s") % {"date": target.deadline.isoformat()}
    return ""


def _number_cell(value: Decimal | None) -> int | float | str | None:
    """A number cell, or text when a float would lose digits of the figure."""
    if value is None:
        return None
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else figure_text(value)


def _write_meta(workbook: WorkbookType, *, plan: Plan, unit: Unit, period: Period, rows: list[Row]) -> None:
    meta = workbook.create_sheet(META_NAME)
    for line in (
        ("layout", LAYOUT_VERSION),
        ("plan", plan.pk),
        ("unit", unit.pk),
        ("unit_name", safe_cell(unit.name)),
        ("year", period.year),
        ("month", period.month),
        ("targets", "version"),
    ):
        meta.append(line)
    for row in rows:
        meta.append((row.target.pk, row.report.version if row.report else None))
    meta.protection.sheet = True
    meta.sheet_state = "hidden"


# --- reading ------------------------------------------------------------------


@dataclass
class _Meta:
    layout: Any = None
    plan: int | None = None
    unit: int | None = None
    unit_name: str = ""
    year: int | None = None
    month: int | None = None
    targets: list[tuple[int, int | None]] = field(default_factory=list)


def period_sheet_read(*, data: bytes, plan: Plan, unit: Unit, period: Period) -> list[RowInput]:
    """The rows of an uploaded period sheet, or ``SheetRejected`` saying why not.

    One RowInput per target row, in sheet order; the figure stays text for
    ``check_figure`` and the version is the one the sheet was downloaded with.
    """
    workbook = _open(data)
    try:
        meta, header, lines = _parse(workbook)
    finally:
        workbook.close()
    _check_identity(meta, plan=plan, unit=unit, period=period)
    _check_header(header)
    expected = {row.target.pk: row.target for row in period_rows(plan=plan, unit=unit, period=period)}
    sheet_ids = [target_id for target_id, _version in meta.targets]
    if sheet_ids != list(expected):
        raise SheetRejected(
            _("The unit's targets for this period changed after the sheet was downloaded; download it again.")
        )
    if len(lines) != len(sheet_ids):
        raise SheetRejected(
            _(
                "The sheet has %(found)d target rows where %(expected)d were downloaded: rows were added or deleted. "
                "Download the sheet again."
            )
            % {"found": len(lines), "expected": len(sheet_ids)}
        )
    inputs = []
    for index, ((target_id, version), (line_number, line)) in enumerate(zip(meta.targets, lines, strict=True)):
        target = expected[target_id]
        # Compared with the indicator as written into the sheet (see _line_values).
        if _int(line[COL_NUMBER]) != index + 1 or _text(line[COL_INDICATOR]) != _text(safe_cell(target.indicator)):
            raise SheetRejected(
                _(
                    "Row %(row)d no longer matches its target (“%(indicator)s”): rows were moved, sorted or edited. "
                    "Download the sheet again."
                )
                % {"row": line_number, "indicator": target.indicator}
            )
        typed = {name: _text(line[column]) for column, name in FILL_COLUMNS.items() if name != "confirmed"}
        inputs.append(
            RowInput(
                target_id=target_id,
                confirmed=_yes(line[COL_CONFIRM], line_number=line_number),
                version=version,
                **typed,
            )
        )
    return inputs


def _open(data: bytes) -> WorkbookType:
    if not data:
        raise SheetRejected(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise SheetRejected(_("The file is larger than 2 MB; a period sheet is far smaller."))
    not_xlsx = _("This file is not an Excel workbook (.xlsx). Download the period sheet, fill it in and upload it.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetRejected(not_xlsx) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetRejected(_("The workbook is too large once unpacked; a period sheet is far smaller."))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on damaged or foreign files
        raise SheetRejected(not_xlsx) from None


def _parse(workbook: WorkbookType) -> tuple[_Meta, tuple[Any, ...], list[tuple[int, tuple[Any, ...]]]]:
    """The meta, the header row and the non-empty target rows (with their row numbers)."""
    if SHEET_NAME not in workbook.sheetnames or META_NAME not in workbook.sheetnames:
        raise SheetRejected(_not_our_sheet())
    try:
        meta = _read_meta(workbook[META_NAME].iter_rows(max_col=2, values_only=True))
        header: tuple[Any, ...] = ()
        lines: list[tuple[int, tuple[Any, ...]]] = []
        blank_run: list[tuple[int, tuple[Any, ...]]] = []
        for number, values in enumerate(workbook[SHEET_NAME].iter_rows(values_only=True), start=1):
            if number > FIRST_ROW + MAX_ROWS:
                raise SheetRejected(_("The sheet has too many rows (at most %(n)d).") % {"n": MAX_ROWS})
            if number == HEADER_ROW:
                header = tuple(values)
            elif number >= FIRST_ROW:
                line = (number, _padded(values))
                if all(_text(value) == "" for value in values):
                    blank_run.append(line)  # kept only if a filled row follows
                else:
                    lines.extend(blank_run)
                    blank_run = []
                    lines.append(line)
    except SheetRejected:
        raise
    except Exception:  # a damaged part of the workbook shows only while reading it
        raise SheetRejected(
            _("This file is not an Excel workbook (.xlsx). Download the period sheet, fill it in and upload it.")
        ) from None
    return meta, header, lines


def _read_meta(values: Iterable[tuple[Any, ...]]) -> _Meta:
    meta = _Meta()
    in_targets = False
    for line in values:
        key, value = (*line, None, None)[:2]
        if in_targets:
            if key is None:
                continue
            target_id = _int(key)
            if target_id is None or len(meta.targets) >= MAX_ROWS:
                raise SheetRejected(_not_our_sheet())
            meta.targets.append((target_id, _int(value)))
        elif key == "targets":
            in_targets = True
        elif key == "layout":
            meta.layout = value
        elif key in ("plan", "unit", "year", "month"):
            setattr(meta, key, _int(value))
        elif key == "unit_name":
            meta.unit_name = _text(value)
    return meta


def _check_identity(meta: _Meta, *, plan: Plan, unit: Unit, period: Period) -> None:
    if meta.layout != LAYOUT_VERSION:
        raise SheetRejected(_not_our_sheet())
    if meta.plan != plan.pk:
        raise SheetRejected(_("This sheet belongs to another plan; download the sheet of “%(plan)s”.") % {"plan": plan})
    if meta.unit != unit.pk:
        raise SheetRejected(
            _("This sheet belongs to another unit (%(other)s); download the sheet of %(unit)s.")
            % {"other": meta.unit_name or "?", "unit": unit.name}
        )
    if (meta.year, meta.month) != (period.year, period.month):
        sheet_period = (
            period_label(meta.year, meta.month)
            if meta.year is not None and meta.month is not None and 1 <= meta.month <= 12
            else "?"
        )
        raise SheetRejected(
            _("This sheet is for %(sheet)s, not %(period)s; download the sheet of this period.")
            % {"sheet": sheet_period, "period": period_label(period.year, period.month)}
        )


def _check_header(header: tuple[Any, ...]) -> None:
    found = _padded(header)
    for column, expected in enumerate(HEADERS):
        if _text(found[column]) != expected:
            raise SheetRejected(
                _(
                    "The column headings were changed (column %(column)s should be “%(expected)s”, "
                    "found “%(found)s”). Download the sheet again and fill it without moving columns."
                )
                % {"column": get_column_letter(column + 1), "expected": expected, "found": _text(found[column])}
            )
    extra = [value for value in found[len(HEADERS) :] if _text(value)]
    if extra:
        raise SheetRejected(
            _("Columns were added after “%(last)s”. Download the sheet again and fill it without adding columns.")
            % {"last": HEADERS[-1]}
        )


def _not_our_sheet() -> str:
    return _(
        "This is not a period sheet downloaded from Taizhang, or its layout was changed. "
        "Download the sheet again and fill it in."
    )


def _padded(values: Iterable[Any]) -> tuple[Any, ...]:
    values = tuple(values)
    return values + (None,) * (len(HEADERS) - len(values))


def _text(value: Any) -> str:
    """A cell as the text the user typed (numbers in plain notation)."""
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
    """A whole number cell (an id, a version, the year, a row number), read as
    core.params reads one: ASCII digits, within an integer column."""
    return parse_int(_text(value), high=INTEGER_MAX)


def _yes(value: Any, *, line_number: int) -> bool:
    text = _text(value).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise SheetRejected(
        _("Row %(row)d: “%(column)s” takes 是 or 否, not “%(value)s”.")
        % {"row": line_number, "column": HEADERS[-1], "value": _text(value)}
    )


# --- preview ------------------------------------------------------------------


@dataclass
class PreviewRow:
    """What an upload does to one target row."""

    number: int
    target: Target
    editable: bool
    status: str
    old_value: Decimal | None
    new_value: Decimal | None
    raw_value: str
    value_changed: bool
    changed_texts: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def changed(self) -> bool:
        return self.value_changed or bool(self.changed_texts)

    @property
    def old_text(self) -> str:
        return self._written(self.old_value) if self.old_value is not None else ""

    @property
    def new_text(self) -> str:
        """The figure as it will be saved, or as typed when it cannot be read."""
        return self._written(self.new_value) if self.new_value is not None else self.raw_value

    @property
    def sheet_row(self) -> int:
        """The row of the sheet the line is in, as the spreadsheet numbers it
        (the reader refuses a sheet whose 序号 do not follow its rows)."""
        return FIRST_ROW + self.number - 1

    def _written(self, value: Decimal) -> str:
        return self.target.written(value) if _is_item(self.target) else figure_text(value)


@dataclass
class SheetPreview:
    """The upload's effect: per row, and the rows a confirmation will save."""

    rows: list[PreviewRow]
    to_save: list[RowInput]
    conflicts: list[Conflict] = field(default_factory=list)
    targets: dict[int, Target] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        """How many rows hold a figure or a text that cannot be saved."""
        return sum(1 for row in self.rows if row.errors)

    @property
    def conflict_lines(self) -> list[tuple[Conflict, Target | None]]:
        """Each conflict with its target, so its figure is written by the
        target's kind (a task item's standing in words)."""
        return [(conflict, self.targets.get(conflict.target_id)) for conflict in self.conflicts]

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.rows if row.changed)

    @property
    def can_confirm(self) -> bool:
        return bool(self.to_save) and not self.has_errors and not self.conflicts


def period_sheet_preview(
    *, plan: Plan, unit: Unit, period: Period, rows: list[RowInput], by, today: dt.date | None = None
) -> SheetPreview:
    """What saving the uploaded rows would change, checked by the real save
    (``unit_period_save``) inside a transaction that is always rolled back.

    Rows identical to the current report, and submitted or approved rows,
    are left out of the save, so an untouched row never conflicts with
    someone else's later change. Raises
    what the save raises for a closed period or a user who may not enter.
    """
    current = {row.target.pk: row for row in period_rows(plan=plan, unit=unit, period=period)}
    # Submitted and approved rows are locked in the sheet; the save would skip them anyway.
    to_save = [
        typed
        for typed in rows
        if typed.target_id in current
        and current[typed.target_id].editable
        and _changes(current[typed.target_id], typed)[0]
    ]
    conflicts: list[Conflict] = []
    errors: dict[int, dict[str, str]] = {}
    checks = {}
    if to_save:
        with transaction.atomic():
            try:
                result = unit_period_save(
                    plan=plan, unit=unit, period=period, rows=to_save, by=by, submit=False, today=today
                )
                errors, checks = result.errors, result.checks
            except StaleVersion as error:
                conflicts = error.conflicts
            transaction.set_rollback(True)
    numbers = {target_id: number for number, target_id in enumerate(current, start=1)}  # the sheet's 序号
    preview_rows = []
    for typed in rows:
        row = current.get(typed.target_id)
        if row is None:
            continue
        _changed, value_changed, texts = _changes(row, typed)
        check = checks.get(typed.target_id)
        preview_rows.append(
            PreviewRow(
                number=numbers[typed.target_id],
                target=row.target,
                editable=row.editable,
                status=row.report.get_status_display() if row.report else "",
                old_value=row.report.value if row.report else None,
                new_value=check.value if check else (row.report.value if row.report and not value_changed else None),
                raw_value=typed.raw_value,
                value_changed=value_changed,
                changed_texts=[str(FIELD_LABELS[name]) for name in texts],
                errors=[
                    (str(FIELD_LABELS[name]), message) for name, message in errors.get(typed.target_id, {}).items()
                ],
            )
        )
    targets = {target_id: row.target for target_id, row in current.items()}
    return SheetPreview(rows=preview_rows, to_save=to_save, conflicts=conflicts, targets=targets)


def _changes(row: Row, typed: RowInput) -> tuple[bool, bool, list[str]]:
    """(anything changed, the figure changed, the text fields changed) against the current report."""
    report = row.report
    current = report.value if report else None
    if _is_item(row.target):
        value_changed = not _same_standing(typed.raw_value, current)
    else:
        value_changed = not _same_value(typed.raw_value, current)
    texts = [name for name in TEXT_FIELDS if getattr(typed, name).strip() != _as_written(report, name)]
    if _newly_confirmed(row, typed, value_changed=value_changed):
        texts.append("confirmed")
    return value_changed or bool(texts), value_changed, texts


def _newly_confirmed(row: Row, typed: RowInput, *, value_changed: bool) -> bool:
    """The sheet confirms the saved figure where the report did not: a change
    to save (a confirmation is never taken back by leaving the cell empty)."""
    report = row.report
    return (
        typed.confirmed
        and not value_changed
        and report is not None
        and report.value is not None
        and not report.value_confirmed
    )


def _as_written(report: Report | None, name: str) -> str:
    """A stored text as the sheet holds it (old text may hold characters XML cannot carry)."""
    return xml_safe(getattr(report, name)).strip() if report else ""


def _same_value(raw: str, current: Decimal | None) -> bool:
    raw = raw.strip()
    if not raw:
        return current is None
    if current is None:
        return False
    written = read_plain(raw)  # anything else goes through the checks as a change
    return written is not None and written == current


def _same_standing(raw: str, current: Decimal | None) -> bool:
    """A task item's cell (words or a code) holds the standing saved."""
    if not raw.strip():
        return current is None
    standing = standing_of(raw)
    return standing is not None and current is not None and Decimal(int(standing)) == current
