"""Exports of the supervision lists (XLSX and CSV, streamed in constant
memory) and of the ledger (台账, a formatted workbook of one unit or leader).

The list export takes the FilterSet's queryset, so the file holds exactly
the rows the page counts (all of them, not one page). Rows are read with
``.iterator(chunk_size=…)``; the explanation is rendered from the stored
components by the same function the pages use. Each row answers both
questions: the progress status with the period of the approved figure it
judged, and the reporting status; a figure waiting for review has its own
column and a narrative not yet approved is marked (待审核).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook

from core.downloads import attach
from core.figures import figure_text
from core.people import display_name
from core.spreadsheets import (
    THIN_BORDER,
    WRAP,
    XLSX_CONTENT_TYPE,
    freeze_header,
    safe_cell,
    set_column_widths,
    style_header_row,
    workbook_bytes,
)
from plans.models import Plan
from plans.periods import Period
from progress.choices import ReportStatus
from progress.models import period_label
from progress.selectors import pending_figures
from supervision.selectors import Ledger, narrative_mark, with_narratives
from supervision.xlsx import STYLE_DEFAULT, STYLE_ONE_DECIMAL, STYLE_WRAP, XlsxStream
from targets.choices import ReportingStatus, Status, TargetKind
from targets.models import Target, TargetResult
from targets.selectors import result_explanation

CHUNK_SIZE = 2000
CSV_ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class Column:
    header: Promise
    width: float
    style: int = STYLE_DEFAULT


LIST_COLUMNS = (
    Column(gettext_lazy("No."), 6),
    Column(gettext_lazy("Zone"), 12),
    Column(gettext_lazy("Task"), 28, STYLE_WRAP),
    Column(gettext_lazy("Indicator"), 26, STYLE_WRAP),
    Column(gettext_lazy("Kind"), 9),
    Column(gettext_lazy("Target"), 16),
    Column(gettext_lazy("Period of the figure"), 14),
    Column(gettext_lazy("Year-to-date actual"), 12),
    Column(gettext_lazy("Figure awaiting review"), 12),
    Column(gettext_lazy("Unit of measure"), 9),
    Column(gettext_lazy("Completion (%)"), 10, STYLE_ONE_DECIMAL),
    Column(gettext_lazy("Time progress (%)"), 10, STYLE_ONE_DECIMAL),
    Column(gettext_lazy("Gap (points)"), 10, STYLE_ONE_DECIMAL),
    Column(gettext_lazy("Progress status"), 10),
    Column(pgettext_lazy("export header", "Explanation"), 44, STYLE_WRAP),
    Column(gettext_lazy("Lead unit"), 16),
    Column(gettext_lazy("Responsible leader"), 11),
    Column(gettext_lazy("Reporting status"), 12),
    Column(gettext_lazy("Latest progress"), 36, STYLE_WRAP),
    Column(gettext_lazy("Problems"), 30, STYLE_WRAP),
    Column(gettext_lazy("Next steps"), 30, STYLE_WRAP),
)


# The target's fields that its label and its facts are made of, in the
# model's field order (as ``Model.from_db`` takes them).
_TARGET_NEEDS = {
    "indicator",
    "kind",
    "unit",
    "comparator",
    "value",
    "value_high",
    "stretch",
    "start_value",
    "reported_as",
    "deadline",
    "baseline_by_month",
    "trajectory",
}
TARGET_FIELDS = tuple(f.attname for f in Target._meta.concrete_fields if f.attname in _TARGET_NEEDS)
RESULT_FIELDS = (
    "year",
    "month",
    "status",
    "reason",
    "actual",
    "completion",
    "expected",
    "gap",
    "data_year",
    "data_month",
    "reporting",
)
ROW_FIELDS = (
    *RESULT_FIELDS,
    "target_id",
    *(f"target__{name}" for name in TARGET_FIELDS),
    "target__task__number",
    "target__task__heading",
    "target__task__plan_id",
    "target__task__plan__zone__short_name",
    "target__task__plan__zone__name",
    "target__task__lead_unit__name",
    "target__task__leader__first_name",
    "target__task__leader__last_name",
    "target__task__leader__username",
    "report_status",
    "narrative_progress",
    "narrative_problems",
    "narrative_next_steps",
    "narrative_status",
)


@dataclass
class _Result:
    """The stored components a result's explanation is rendered from."""

    year: int
    month: int
    status: str
    reason: str
    actual: Decimal | None
    completion: Decimal | None
    expected: Decimal | None
    gap: Decimal | None
    data_year: int | None
    data_month: int | None
    reporting: str


def marked(text: str, mark: str) -> str:
    """``text`` followed by its mark: "…(待审核)", "逾期未报(退回)"."""
    return _("%(text)s (%(mark)s)") % {"text": text, "mark": mark} if text and mark else text


class _RowMaker:
    """Turns one tuple of ``ROW_FIELDS`` into the export's row, with the
    labels translated once and each plan read once."""

    target_slice = slice(len(RESULT_FIELDS) + 1, len(RESULT_FIELDS) + 1 + len(TARGET_FIELDS))

    def __init__(self, pending: dict) -> None:
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.reporting = {value: str(label) for value, label in ReportingStatus.choices}
        self.returned = str(ReportStatus.RETURNED.label)
        self.kinds = {value: str(label) for value, label in TargetKind.choices}
        self.periods: dict[tuple[int, int], str] = {}
        self.plans: dict[int, Plan] = {}
        self.pending = pending

    def period(self, year: int | None, month: int | None) -> str:
        if year is None or month is None:
            return ""
        if (year, month) not in self.periods:
            self.periods[year, month] = str(period_label(year, month))
        return self.periods[year, month]

    def __call__(self, index: int, row: tuple) -> list:
        result = _Result(*row[: len(RESULT_FIELDS)])
        target_id = row[len(RESULT_FIELDS)]
        target = Target.from_db(None, TARGET_FIELDS, row[self.target_slice])
        (number, heading, plan_id, zone_short, zone_name, lead_unit, first, last, username, report_status,
         progress, problems, next_steps, narrative_status) = row[self.target_slice.stop :]  # fmt: skip
        if plan_id not in self.plans:
            self.plans[plan_id] = Plan.objects.get(pk=plan_id)
        pending = self.pending.get(target_id)
        reporting = self.reporting.get(result.reporting, result.reporting)
        if report_status == ReportStatus.RETURNED:
            reporting = marked(reporting, self.returned)
        mark = narrative_mark(narrative_status)
        return [
            index,
            zone_short or zone_name,
            f"{number}{heading}",
            target.indicator,
            self.kinds.get(target.kind, target.kind),
            target.target_label,
            self.period(result.data_year, result.data_month),
            result.actual,
            pending.value if pending is not None else None,
            target.unit,
            result.completion,
            result.expected,
            result.gap,
            self.statuses.get(result.status, result.status),
            result_explanation(result, target=target, plan=self.plans[plan_id]),
            lead_unit or "",
            f"{first or ''} {last or ''}".strip() or (username or ""),
            reporting,
            marked(progress or "", mark),
            marked(problems or "", mark),
            marked(next_steps or "", mark),
        ]


def list_rows(results: QuerySet[TargetResult], *, period: Period) -> Iterator[list]:
    """The export's rows, in the queryset's order: the raw components of each
    judgement beside its explanation, reporting status, lead unit, leader and
    latest narrative.

    Rows are read as tuples (``values``), not model instances: building seven
    model objects per row cost more than everything else together. The
    explanation and the target's label come from the same functions the
    pages use, fed a Target built from the row's fields and the row's plan.
    The figures waiting for review are read once for all rows
    (progress.selectors.pending_figures).
    """
    rows = with_narratives(results, period=period).values_list(*ROW_FIELDS)
    with _one_read():
        make = _RowMaker(pending_figures(targets=results.order_by().values("target_id"), period=period))
        for index, row in enumerate(rows.iterator(chunk_size=CHUNK_SIZE), start=1):
            yield make(index, row)


@contextmanager
def _one_read() -> Iterator[None]:
    """Read the export in one transaction, with PostgreSQL's JIT compiler off.

    The export's query is estimated expensive enough for PostgreSQL (15, with
    its default settings) to JIT-compile it, which costs about a second and
    saves nothing on a query that runs in a few hundred milliseconds.
    ``SET LOCAL`` keeps the change to this transaction.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def list_filename(period: Period, extension: str) -> tuple[str, str]:
    """(the name shown, an ASCII fallback) of a list export."""
    name = _("Supervision list %(period)s") % {"period": period_label(period.year, period.month)}
    return f"{name}.{extension}", f"supervision-{period}.{extension}"


def list_xlsx_response(results: QuerySet[TargetResult], *, period: Period) -> StreamingHttpResponse:
    stream = XlsxStream(
        title=_("Supervision list"),
        headers=[str(column.header) for column in LIST_COLUMNS],
        widths=[column.width for column in LIST_COLUMNS],
        styles=[column.style for column in LIST_COLUMNS],
    )
    response = StreamingHttpResponse(stream.stream(list_rows(results, period=period)), content_type=XLSX_CONTENT_TYPE)
    name, fallback = list_filename(period, "xlsx")
    return attach(response, filename=name, fallback=fallback)


class _Line:
    """The file-like object csv.writer writes one line into."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def _csv_value(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, str):
        return safe_cell(value)
    return value


def csv_chunks(header: list[str], rows: Iterator[list]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so that Excel reads the Chinese right),
    a few hundred rows per chunk."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow([safe_cell(text) for text in header])
    yield "\ufeff".encode() + line.take().encode()
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield line.take().encode()
    yield line.take().encode()


def list_csv_response(results: QuerySet[TargetResult], *, period: Period) -> StreamingHttpResponse:
    header = [str(column.header) for column in LIST_COLUMNS]
    response = StreamingHttpResponse(
        csv_chunks(header, list_rows(results, period=period)), content_type="text/csv; charset=utf-8"
    )
    name, fallback = list_filename(period, "csv")
    return attach(response, filename=name, fallback=fallback)


# --- the ledger -------------------------------------------------------------------------

# The fill of a month's status cell, by progress status.
STATUS_FILLS = {
    Status.COMPLETED: "C6F6D5",
    Status.ON_TRACK: "C6F6D5",
    Status.LAGGING: "FEFCBF",
    Status.SERIOUS: "FED7D7",
    Status.OVERDUE: "FBB6CE",
    Status.NO_DATA: "EDF2F7",
}
LEDGER_FIXED = (
    (gettext_lazy("No."), 6),
    (gettext_lazy("Task"), 30),
    (gettext_lazy("Indicator"), 26),
    (gettext_lazy("Target"), 16),
    (gettext_lazy("Lead unit"), 14),
    (gettext_lazy("Responsible leader"), 10),
)
# Each month: the approved year-to-date figure (or one waiting for review,
# marked), the progress status (with the age of a carried figure) and the
# reporting status.
LEDGER_MONTH = (
    (gettext_lazy("Year to date"), 10),
    (gettext_lazy("Progress status"), 10),
    (gettext_lazy("Reporting status"), 9),
)
LEDGER_NARRATIVES = (
    (gettext_lazy("Latest progress"), 36),
    (gettext_lazy("Problems"), 30),
    (gettext_lazy("Next steps"), 30),
)


def ledger_workbook(book: Ledger, *, subject: str) -> bytes:
    """The classic ledger: a title row, two header rows (each month's
    year-to-date figure, progress status and reporting status), one row per
    target, the latest narrative."""
    statuses = {value: str(label) for value, label in Status.choices}
    reporting = {value: str(label) for value, label in ReportingStatus.choices}
    pending_word = str(ReportingStatus.PENDING.label)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Ledger"))
    fixed, narratives, per_month = len(LEDGER_FIXED), len(LEDGER_NARRATIVES), len(LEDGER_MONTH)
    columns = fixed + per_month * len(book.months) + narratives
    title = _("%(zone)s %(year)s key work ledger (%(subject)s), %(period)s") % {
        "zone": book.plan.zone.short_name or book.plan.zone.name,
        "year": book.period.year,
        "subject": subject,
        "period": period_label(book.period.year, book.period.month),
    }
    sheet.cell(row=1, column=1, value=safe_cell(title)).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)

    for index, (header, _width) in enumerate(LEDGER_FIXED, start=1):
        sheet.cell(row=2, column=index, value=str(header))
        sheet.merge_cells(start_row=2, start_column=index, end_row=3, end_column=index)
    for offset, month in enumerate(book.months):
        column = fixed + 1 + per_month * offset
        sheet.cell(row=2, column=column, value=str(_("Month %(month)s") % {"month": month}))
        sheet.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + per_month - 1)
        for index, (header, _width) in enumerate(LEDGER_MONTH):
            sheet.cell(row=3, column=column + index, value=str(header))
    for index, (header, _width) in enumerate(LEDGER_NARRATIVES, start=fixed + per_month * len(book.months) + 1):
        sheet.cell(row=2, column=index, value=str(header))
        sheet.merge_cells(start_row=2, start_column=index, end_row=3, end_column=index)
    style_header_row(sheet, row=2, columns=columns)
    style_header_row(sheet, row=3, columns=columns)

    for number, line in enumerate(book.lines, start=1):
        row = number + 3
        target, task = line.target, line.target.task
        values = [
            number,
            f"{task.number}{task.heading}",
            target.indicator,
            target.target_label,
            task.lead_unit.name if task.lead_unit else "",
            display_name(task.leader),
        ]
        for month in book.months:
            figure = line.figures.get(month)
            if figure is None and line.pending.get(month) is not None:
                figure = marked(figure_text(line.pending[month], grouped=True), pending_word)
            values.append(figure)
            values.append(marked(statuses.get(line.statuses.get(month, ""), ""), line.ages.get(month, "")))
            values.append(reporting.get(line.reporting.get(month, ""), ""))
        mark = narrative_mark(line.narrative_status)
        values += [marked(line.progress, mark), marked(line.problems, mark), marked(line.next_steps, mark)]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=safe_cell(value))
            cell.border = THIN_BORDER
            cell.alignment = WRAP
        for offset, month in enumerate(book.months):
            fill = STATUS_FILLS.get(line.statuses.get(month, ""))
            if fill:
                sheet.cell(row=row, column=fixed + 2 + per_month * offset).fill = PatternFill("solid", fgColor=fill)
    widths = [width for _header, width in LEDGER_FIXED] + [width for _header, width in LEDGER_MONTH] * len(book.months)
    widths += [width for _header, width in LEDGER_NARRATIVES]
    set_column_widths(sheet, widths)
    freeze_header(sheet, header_row=3, columns_left=3)
    sheet.print_title_rows = "2:3"
    sheet.page_setup.orientation = "landscape"
    return workbook_bytes(workbook)


def ledger_response(book: Ledger, *, subject: str) -> HttpResponse:
    name = _("Ledger %(subject)s %(period)s") % {
        "subject": subject,
        "period": period_label(book.period.year, book.period.month),
    }
    response = HttpResponse(ledger_workbook(book, subject=subject), content_type=XLSX_CONTENT_TYPE)
    return attach(response, filename=f"{name}.xlsx", fallback=f"ledger-{book.plan.pk}-{book.period}.xlsx")
