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

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, TypeVar
from xml.sax.saxutils import escape

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.figures import counts_whole, places_and_integer_digits
from core.people import display_name
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


# The footer of every printed export: the page and the pages (&P, &N), as a
# Chinese office writes them.
PAGE_FOOTER = "第 &P 页，共 &N 页"
MARGIN_SIDE, MARGIN_TOP = 0.4, 0.6  # inches


def print_fit_width(sheet: Worksheet, *, title_rows: str, footer: str = PAGE_FOOTER) -> None:
    """Print ``sheet`` on landscape A4, scaled to one page wide (as many pages
    down as it needs), repeating ``title_rows`` ("3:3") on every page, with
    ``footer`` (which may hold &P, the page, and &N, the pages) centred below.
    The streaming writer writes the same settings (``print_setup_xml``)."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = MARGIN_SIDE
    sheet.page_margins.top = sheet.page_margins.bottom = MARGIN_TOP
    sheet.oddFooter.center.text = footer
    sheet.evenFooter.center.text = footer


# --- the layout every export shares ------------------------------------------------------
#
# An exported sheet reads as a document: a title row (what it is), a subtitle
# row (which list, the filters in words, the period, when and by whom it was
# exported), the header below them frozen and with filter buttons, columns as
# wide as their content, numbers formatted by their unit, and printed on
# landscape A4 one page wide with the header repeated and the pages numbered.
# ``lay_out`` does it to an openpyxl sheet; the streaming writer
# (supervision.xlsx) asks ``fit_widths`` and ``print_setup_xml`` for the same.

TITLE_FONT = Font(bold=True, size=14)
SUBTITLE_FONT = Font(size=10, color="4A5568")
TITLE_ROW, SUBTITLE_ROW = 1, 2
FIRST_HEADER_ROW = 3  # the header's first row under a title and a subtitle

# Widths in characters: no column narrower or (unless told) wider.
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
# The rows a column's width is fitted on (the first of a long export).
ROWS_FITTED = 500

# Number formats, by what the figure counts: whole things as integers, other
# amounts with two decimals (more when the figure was given with more),
# percentages and points with one.
COUNT_FORMAT = "#,##0"
AMOUNT_FORMATS = ("#,##0.00", "#,##0.000", "#,##0.0000")
PERCENT_FORMATS = ("0.0", "0.00", "0.000", "0.0000")
NUMBER_FORMATS = (COUNT_FORMAT, *AMOUNT_FORMATS, *PERCENT_FORMATS)
PERCENT_FORMAT = PERCENT_FORMATS[0]
PERCENT_UNITS = frozenset({"%", "％", "百分点", "个百分点"})


class Figure(NamedTuple):
    """A number with the format its cell shows it in (``figure_format``)."""

    value: Decimal
    number_format: str


def figure_format(value: Decimal | int | float | None, unit: str) -> str:
    """The number format of a figure in ``unit``: an integer for a count
    (个, 家, 项 …), one decimal for a percentage, two for any other amount,
    and as many as the figure was given with when it has more (0.0001亿元;
    a count given with a fraction shows it rather than hide it)."""
    unit = (unit or "").strip()
    places = places_and_integer_digits(Decimal(value))[0] if value is not None else 0
    if counts_whole(unit) and places == 0:
        return COUNT_FORMAT
    if unit in PERCENT_UNITS:
        return PERCENT_FORMATS[min(max(places, 1), 4) - 1]
    return AMOUNT_FORMATS[min(max(places, 2), 4) - 2]


def figure_cell(value: Decimal | None, unit: str) -> Figure | None:
    """A figure's cell: the number with its unit's format, or None."""
    return None if value is None else Figure(value, figure_format(value, unit))


def text_width(value: object) -> float:
    """How many characters wide ``value`` shows: a Chinese (wide) character
    counts two, a line break starts again, a number as it is formatted."""
    if value is None:
        return 0
    if isinstance(value, Figure):
        value = value.value
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return len(f"{Decimal(value):,f}".rstrip("0").rstrip(".")) + 1
    text = str(value)
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in text.split("\n")),
        default=0,
    )


def fit_widths(
    headers: Sequence[str], rows: Iterable[Sequence], *, maxima: Sequence[float] | None = None
) -> list[float]:
    """Column widths that fit the header and the values of ``rows`` (the first
    ``ROWS_FITTED``): the widest, plus a little room, within ``MIN_WIDTH`` and
    the column's maximum (long text wraps within it). A header wraps too, so it
    asks only for its longest word's room, at most half its length."""
    widest = [
        max(text_width(header) / 2, max((text_width(word) for word in str(header).split()), default=0))
        for header in headers
    ]
    for count, row in enumerate(rows):
        if count >= ROWS_FITTED:
            break
        for index, value in enumerate(row[: len(widest)]):
            widest[index] = max(widest[index], text_width(value))
    limits = list(maxima) if maxima else [MAX_WIDTH] * len(widest)
    return [
        round(min(max(width + 2, MIN_WIDTH), max(limit, MIN_WIDTH)), 1)
        for width, limit in zip(widest, limits, strict=True)
    ]


@dataclass(frozen=True)
class Heading:
    """What an exported sheet says above its header: the title and the subtitle."""

    title: str
    subtitle: str = ""


def export_subtitle(
    *, what: str, filters: Sequence[str], period: str, user: AbstractBaseUser | None, at: dt.datetime
) -> str:
    """The subtitle of an export, in words: which list, its filters, the
    period, when and by whom it was exported."""
    return _("%(what)s; filters: %(filters)s; period: %(period)s; exported %(at)s by %(user)s") % {
        "what": what,
        "filters": _(", ").join(filters) if filters else _("none"),
        "period": period,
        "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
        "user": display_name(user, nobody="—"),
    }


@dataclass(frozen=True)
class SheetLayout:
    """Where an export's parts are: its heading above the header rows
    ``header_first``..``header_last``, ``columns`` wide, the first
    ``columns_left`` kept in view while scrolling sideways."""

    heading: Heading
    columns: int
    header_first: int = FIRST_HEADER_ROW
    header_last: int = FIRST_HEADER_ROW
    columns_left: int = 0

    @property
    def title_rows(self) -> str:
        return f"{self.header_first}:{self.header_last}"

    @property
    def last_letter(self) -> str:
        return get_column_letter(self.columns)

    @property
    def freeze_cell(self) -> str:
        return f"{get_column_letter(self.columns_left + 1)}{self.header_last + 1}"

    def filter_range(self, last_row: int) -> str:
        """The autofilter's range: the last header row down to the last row."""
        return f"A{self.header_last}:{self.last_letter}{max(last_row, self.header_last)}"


def write_heading(sheet: Worksheet, layout: SheetLayout) -> None:
    """The title and subtitle rows, each merged across the sheet's columns."""
    heading = layout.heading
    title = sheet.cell(row=TITLE_ROW, column=1, value=safe_cell(heading.title))
    title.font = TITLE_FONT
    title.alignment = Alignment(horizontal="center", vertical="center")
    subtitle = sheet.cell(row=SUBTITLE_ROW, column=1, value=safe_cell(heading.subtitle) or None)
    subtitle.font = SUBTITLE_FONT
    subtitle.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    sheet.row_dimensions[TITLE_ROW].height = 24
    sheet.row_dimensions[SUBTITLE_ROW].height = 30
    for row in (TITLE_ROW, SUBTITLE_ROW):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=layout.columns)


def lay_out(sheet: Worksheet, layout: SheetLayout, *, widths: Sequence[float]) -> None:
    """Give an openpyxl sheet, its rows written, the layout every export
    shares (the heading is written by ``write_heading``): the header frozen and
    with filter buttons, the column widths, landscape A4 one page wide with the
    header rows repeated and the pages numbered."""
    freeze_header(sheet, header_row=layout.header_last, columns_left=layout.columns_left)
    sheet.auto_filter.ref = layout.filter_range(sheet.max_row)
    set_column_widths(sheet, widths)
    print_fit_width(sheet, title_rows=layout.title_rows)


def print_setup_xml(layout: SheetLayout, *, last_row: int) -> str:
    """The worksheet elements after ``sheetData`` that ``lay_out`` sets through
    openpyxl, for a writer of the XML itself: the autofilter, the merged
    heading, the print options, margins, page setup and footer. (The repeated
    rows are a defined name of the workbook: ``print_titles_xml``.)"""
    footer = escape("&C" + PAGE_FOOTER)
    return (
        f'<autoFilter ref="{layout.filter_range(last_row)}"/>'
        f'<mergeCells count="2"><mergeCell ref="A{TITLE_ROW}:{layout.last_letter}{TITLE_ROW}"/>'
        f'<mergeCell ref="A{SUBTITLE_ROW}:{layout.last_letter}{SUBTITLE_ROW}"/></mergeCells>'
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{MARGIN_SIDE}" right="{MARGIN_SIDE}" top="{MARGIN_TOP}" bottom="{MARGIN_TOP}" '
        'header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddFooter>{footer}</oddFooter><evenFooter>{footer}</evenFooter></headerFooter>"
    )


def print_titles_xml(layout: SheetLayout, *, sheet_title: str) -> str:
    """The workbook's defined name that repeats the header rows on every printed page."""
    name = "'" + sheet_title.replace("'", "''") + "'"
    first, last = layout.header_first, layout.header_last
    return (
        '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
        f"{escape(name)}!${first}:${last}</definedName></definedNames>"
    )


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
