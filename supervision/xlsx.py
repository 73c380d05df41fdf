"""A streaming writer of one-sheet xlsx files, for exports of any length.

Why not openpyxl's write-only mode or XlsxWriter's constant_memory: both
write the sheet to a temporary file and zip it when the workbook is closed,
so the first byte reaches the browser only after the last row was written;
openpyxl also keeps every distinct string in its shared-strings table in
memory (narratives are mostly distinct), and at about 15 µs a cell it needs
~9 s for 50,000 rows of 21 columns before any database work.

This writer emits SpreadsheetML with inline strings straight into a zip
stream (``zipfile`` on a non-seekable sink writes data descriptors), and
hands each compressed chunk to the caller as soon as it exists: memory stays
flat whatever the number of rows, and 50,000 rows take well under a second.
The file has a bold, shaded, frozen header row and the given column widths.

Every text cell goes through ``core.spreadsheets.safe_cell``: characters XML
cannot carry are dropped, and text that a spreadsheet would run as a formula
(= + - @ …, full-width ＝ too) is written with a leading quote. Text is cut at
Excel's 32,767 characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from core.spreadsheets import safe_cell
from core.text import xml_safe

MAX_CELL_CHARS = 32_767
ROWS_PER_CHUNK = 500

STYLE_DEFAULT, STYLE_HEADER, STYLE_WRAP, STYLE_ONE_DECIMAL, STYLE_DATE = 0, 1, 2, 3, 4

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDCE4EE"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color rgb="FFB7C2CF"/></left><right style="thin"><color rgb="FFB7C2CF"/></right>'
    '<top style="thin"><color rgb="FFB7C2CF"/></top><bottom style="thin"><color rgb="FFB7C2CF"/></bottom>'
    "<diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class _Sink:
    """A write-only file that keeps what was written until it is drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def sheet_name(text: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\ nor any XML cannot carry."""
    return re.sub(r"[\[\]:*?/\\]", " ", xml_safe(text))[:31] or "Sheet1"


class XlsxStream:
    """One sheet: ``headers`` in a frozen first row, then the rows.

    ``styles`` gives a style per column (``STYLE_WRAP`` for long text,
    ``STYLE_ONE_DECIMAL`` for percentages; default plain).
    """

    def __init__(
        self,
        *,
        title: str,
        headers: Sequence[str],
        widths: Sequence[float],
        styles: Sequence[int] | None = None,
        compresslevel: int = 1,
    ) -> None:
        self.title = sheet_name(title)
        self.headers = list(headers)
        self.widths = list(widths)
        self.styles = list(styles) if styles else [STYLE_DEFAULT] * len(self.headers)
        self.compresslevel = compresslevel
        self.letters = [get_column_letter(index) for index in range(1, len(self.headers) + 1)]
        self.rows_written = 0

    def _cell(self, ref: str, value, style: int) -> str:
        """One cell's XML ('' for an empty cell). Text is the common case and
        is checked first; it is escaped only when it holds a special character."""
        if type(value) is str:
            if not value:
                return ""
            text = safe_cell(value)
            if len(text) > MAX_CELL_CHARS:
                text = text[:MAX_CELL_CHARS]
            if "&" in text or "<" in text or ">" in text:
                text = escape(text)
            style_attr = f' s="{style}"' if style else ""
            return f'<c r="{ref}" t="inlineStr"{style_attr}><is><t xml:space="preserve">{text}</t></is></c>'
        if value is None:
            return ""
        style_attr = f' s="{style}"' if style else ""
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"{style_attr}><v>{int(value)}</v></c>'
        if isinstance(value, Decimal):
            if not value.is_finite():
                return ""
            return f'<c r="{ref}"{style_attr}><v>{value:f}</v></c>'
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        if isinstance(value, int | float):
            return f'<c r="{ref}"{style_attr}><v>{value!r}</v></c>'
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
        return self._cell(ref, str(value), style)

    def _row(self, number: int, values: Sequence, styles: Sequence[int]) -> str:
        suffix = str(number)
        cells = "".join(
            self._cell(letter + suffix, value, style)
            for letter, value, style in zip(self.letters, values, styles, strict=False)
        )
        return f'<row r="{number}">{cells}</row>'

    def _sheet_head(self) -> str:
        cols = "".join(
            f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
            for index, width in enumerate(self.widths, start=1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            "</sheetView></sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>" + self._row(1, self.headers, [STYLE_HEADER] * len(self.headers))
        )

    def _workbook(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            "<bookViews><workbookView/></bookViews>"
            f'<sheets><sheet name={quoteattr(self.title)} sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        )

    def stream(self, rows: Iterable[Sequence]) -> Iterator[bytes]:
        """The bytes of the file, chunk by chunk, as the rows are consumed."""
        sink = _Sink()
        archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", self._workbook()),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
        ):
            archive.writestr(name, text)
        yield sink.drain()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(self._sheet_head().encode())
            batch: list[str] = []
            number = 1
            for values in rows:
                number += 1
                batch.append(self._row(number, values, self.styles))
                if len(batch) >= ROWS_PER_CHUNK:
                    sheet.write("".join(batch).encode())
                    batch.clear()
                    chunk = sink.drain()
                    if chunk:
                        yield chunk
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
            self.rows_written = number - 1
        archive.close()
        yield sink.drain()
