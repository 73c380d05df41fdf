"""Small helpers shared by the app's Excel (xlsx) exports and imports.

Every text written into an exported cell (xlsx or csv) goes through
``safe_cell``. First it drops what XML cannot carry (``core.text.xml_safe``),
then it guards formulas: a cell whose text begins with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return) is run as a formula by spreadsheet
programs, which lets whoever typed the text run formulas (or DDE commands) on
the reader's machine ("formula injection", OWASP "CSV injection"). The
full-width forms that Chinese input methods type (＝ ＋ － ＠) are read as
the same signs by spreadsheets set up for East Asian input, and white space
before any of them is skipped, so those count too. Such text is written with a
leading single quote, and ``restore_cell`` takes that quote off again when the
file comes back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.figures import places_and_integer_digits
from core.text import xml_safe

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The signs a formula starts with, in ASCII and full width.
FORMULA_SIGNS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
# What makes a spreadsheet program read the cell as a formula when the text starts with it.
FORMULA_TRIGGERS = (*FORMULA_SIGNS, "\t", "\r")
# White space a spreadsheet may skip before the sign (the ideographic space too).
_LEADING_SPACE = " \t\r\n\u3000"
# The first characters worth a closer look (a quick test: an export asks for every cell).
_SUSPECT_FIRST = frozenset(FORMULA_TRIGGERS) | frozenset(_LEADING_SPACE)
_QUOTE = "'"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE4EE")
READ_ONLY_FILL = PatternFill("solid", fgColor="EDEFF2")
_THIN = Side(style="thin", color="B7C2CF")
THIN_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")

Cell = TypeVar("Cell", str, int, float, Decimal, None)


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (the one rule of it)."""
    if text[:1] not in _SUSPECT_FIRST:
        return False
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(_LEADING_SPACE).startswith(FORMULA_SIGNS)


def safe_cell(value: Cell) -> Cell:
    """The value to write into a cell: text without what XML cannot carry, and
    with a leading ``'`` when a spreadsheet would run it as a formula; numbers
    (and anything not text) pass unchanged."""
    if isinstance(value, str):
        value = xml_safe(value)
        if runs_as_formula(value):
            return _QUOTE + value
    return value


def restore_cell(value: str) -> str:
    """Undo ``safe_cell`` on text read back from an exported sheet."""
    if value.startswith(_QUOTE) and runs_as_formula(value[1:]):
        return value[1:]
    return value


def style_header_row(sheet: Worksheet, *, row: int, columns: int) -> None:
    """Bold, shaded, bordered and wrapped header cells in ``row``."""
    for column in range(1, columns + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = THIN_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def freeze_header(sheet: Worksheet, *, header_row: int, columns_left: int = 0) -> None:
    """Keep the header row (and the first ``columns_left`` columns) in view while scrolling."""
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=columns_left + 1).coordinate


def set_column_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    """Set the widths of the first columns, in characters."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


# Text as typed: a cell of this format keeps what is typed into it as text
# (12345678901234 stays those digits, 10.50 keeps its zero), for a column read
# back as typed figures.
TEXT_FORMAT = "@"


def figure_number_format(value: Decimal) -> str:
    """A number format that shows every digit of ``value`` and no more: 0 for
    a whole number, 0.00 for 12.25. Excel's General format writes a number of
    more than eleven digits as 1E+14 and a long fraction rounded."""
    places, _digits = places_and_integer_digits(value)
    return "0" if places == 0 else "0." + "0" * places


def print_fit_width(sheet: Worksheet, *, title_rows: str, footer: str) -> None:
    """Print ``sheet`` on landscape A4, scaled to one page wide (as many pages
    down as it needs), repeating ``title_rows`` ("3:3") on every page, with
    ``footer`` (which may hold &P, the page, and &N, the pages) centred below."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = footer
    sheet.evenFooter.center.text = footer


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
