"""Exports of the supervision lists (XLSX and CSV, streamed in constant
memory) and of the ledger (台账, a formatted workbook of one unit or leader).

The list export takes the FilterSet's queryset, so the file holds exactly
the rows the page counts (all of them, not one page). Rows are read with
``.iterator(chunk_size=…)``; the explanation is rendered from the stored
components by the same function the pages use. Each row answers both
questions: the progress status with the period of the approved figure it
judged, and the reporting status; a figure waiting for review has its own
column and a narrative not yet approved is marked (待审核).

Each export's columns are records (``Column``: header, value, width, number
format) in one list: ``LIST_COLUMNS`` for the list, ``LEDGER_TASKS`` for
the ledger's first sheet (one row per task), and ``LEDGER_FIXED``,
``LEDGER_MONTH`` (repeated for each month) and ``LEDGER_NARRATIVES`` for its
second sheet (the stated targets month by month). The writers take headers, widths, formats and values from the records;
a column is one record, never an edit in several lists kept in step.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl.styles import PatternFill
from openpyxl.workbook import Workbook

from core import clock
from core.downloads import attach, export_filename
from core.figures import figure_text
from core.people import display_name, name_from_parts
from core.spreadsheets import (
    FIRST_HEADER_ROW,
    THIN_BORDER,
    WRAP,
    XLSX_CONTENT_TYPE,
    Figure,
    Heading,
    SheetLayout,
    export_subtitle,
    figure_cell,
    fit_widths,
    lay_out,
    safe_cell,
    style_header_row,
    workbook_bytes,
    write_heading,
)
from plans.models import Plan, Task
from plans.periods import Period, period_label
from progress.attachments import evidence_by_target, evidence_text
from progress.choices import ReportStatus
from progress.models import Attachment, Report
from progress.selectors import pending_figures
from supervision.choices import ListKind
from supervision.filtersets import SupervisionFilterSet
from supervision.instruction_sheet import instructions_text
from supervision.selectors import Ledger, LedgerLine, LedgerTask, narrative_mark, with_narratives
from supervision.xlsx import STYLE_DEFAULT, STYLE_ONE_DECIMAL, STYLE_WRAP, XlsxStream
from targets import kinds
from targets.choices import ReportingStatus, Status
from targets.models import Target, TargetResult
from targets.selectors import result_explanation

CHUNK_SIZE = 2000
CSV_ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class Column:
    """One column of an export, declared once: its header, the value it takes
    from a row, its width and its number format (a supervision.xlsx style).
    The XLSX and CSV writers read headers, widths, formats and values from the
    same records, so adding a column is adding one record."""

    header: Promise
    value: Callable[[Any], object]
    width: float
    style: int = STYLE_DEFAULT
    # A cell's fill colour (RGB hex) from the same row, or None (the ledger's statuses).
    fill: Callable[[Any], str | None] | None = None


# --- the list export ---------------------------------------------------------------------

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
# The other fields a row reads: the name the columns use → what the query reads
# (with_narratives annotates the report's status and the latest narrative).
OTHER_FIELDS = {
    "target_id": "target_id",
    "task_number": "target__task__number",
    "task_heading": "target__task__heading",
    "plan_id": "target__task__plan_id",
    "zone_short_name": "target__task__plan__zone__short_name",
    "zone_name": "target__task__plan__zone__name",
    "lead_unit": "target__task__lead_unit__name",
    "leader_first_name": "target__task__leader__first_name",
    "leader_last_name": "target__task__leader__last_name",
    "leader_username": "target__task__leader__username",
    "report_status": "report_status",
    "progress": "narrative_progress",
    "problems": "narrative_problems",
    "next_steps": "narrative_next_steps",
    "narrative_status": "narrative_status",
}
ROW_FIELDS = (*RESULT_FIELDS, *(f"target__{name}" for name in TARGET_FIELDS), *OTHER_FIELDS.values())
_Other = namedtuple("_Other", OTHER_FIELDS)  # a row's other fields, by their names


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


class _Words:
    """The labels of an export, translated once, and each period's label once."""

    def __init__(self) -> None:
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.reporting = {value: str(label) for value, label in ReportingStatus.choices}
        self.returned = str(ReportStatus.RETURNED.label)
        self.kinds = {key: str(label) for key, label in kinds.choices()}
        self.pending = str(ReportingStatus.PENDING.label)
        self.periods: dict[tuple[int, int], str] = {}

    def period(self, year: int | None, month: int | None) -> str:
        if year is None or month is None:
            return ""
        if (year, month) not in self.periods:
            self.periods[year, month] = str(period_label(year, month))
        return self.periods[year, month]


@dataclass
class ListRow:
    """One result as the list export's columns read it, by name: the stored
    judgement, the target built from its fields, its plan, the figure waiting
    for review, the other fields (``OTHER_FIELDS``), the mark of a narrative
    not yet approved, and the export's words."""

    index: int
    result: _Result
    target: Target
    plan: Plan
    pending: Report | None
    other: _Other
    mark: str
    words: _Words
    evidence: list[Attachment]


def _reporting(row: ListRow) -> str:
    """The reporting status, marked when the period's report was returned."""
    text = row.words.reporting.get(row.result.reporting, row.result.reporting)
    return marked(text, row.words.returned) if row.other.report_status == ReportStatus.RETURNED else text


def _figure(target: Target, value: Decimal | None) -> object:
    """A figure as its cell holds it: the number in its unit's format
    (core.spreadsheets.figure_format), or a task item's standing in words
    (按计划推进), never its code."""
    if value is not None and target.kind_entry.figures.standing:
        return target.written(value)
    return figure_cell(value, target.unit)


LIST_COLUMNS = (
    Column(gettext_lazy("No."), lambda row: row.index, 6),
    Column(gettext_lazy("Zone"), lambda row: row.other.zone_short_name or row.other.zone_name, 12),
    Column(gettext_lazy("Task"), lambda row: f"{row.other.task_number}{row.other.task_heading}", 28, STYLE_WRAP),
    Column(gettext_lazy("Indicator"), lambda row: row.target.indicator, 26, STYLE_WRAP),
    Column(gettext_lazy("Kind"), lambda row: row.words.kinds.get(row.target.kind, row.target.kind), 9),
    Column(gettext_lazy("Target"), lambda row: row.target.target_label, 16),
    Column(
        gettext_lazy("Period of the figure"),
        lambda row: row.words.period(row.result.data_year, row.result.data_month),
        14,
    ),
    Column(gettext_lazy("Year-to-date actual"), lambda row: _figure(row.target, row.result.actual), 12),
    Column(
        gettext_lazy("Figure awaiting review"),
        lambda row: _figure(row.target, row.pending.value if row.pending is not None else None),
        12,
    ),
    Column(gettext_lazy("Unit of measure"), lambda row: row.target.unit, 9),
    Column(gettext_lazy("Completion (%)"), lambda row: row.result.completion, 10, STYLE_ONE_DECIMAL),
    Column(gettext_lazy("Time progress (%)"), lambda row: row.result.expected, 10, STYLE_ONE_DECIMAL),
    Column(gettext_lazy("Gap (points)"), lambda row: row.result.gap, 10, STYLE_ONE_DECIMAL),
    Column(
        gettext_lazy("Progress status"), lambda row: row.words.statuses.get(row.result.status, row.result.status), 10
    ),
    Column(
        pgettext_lazy("export header", "Explanation"),
        lambda row: result_explanation(row.result, target=row.target, plan=row.plan),
        44,
        STYLE_WRAP,
    ),
    Column(gettext_lazy("Lead unit"), lambda row: row.other.lead_unit or "", 16),
    Column(
        gettext_lazy("Responsible leader"),
        lambda row: name_from_parts(
            row.other.leader_first_name or "", row.other.leader_last_name or "", row.other.leader_username or ""
        ),
        11,
    ),
    Column(gettext_lazy("Reporting status"), _reporting, 12),
    Column(gettext_lazy("Latest progress"), lambda row: marked(row.other.progress or "", row.mark), 36, STYLE_WRAP),
    Column(gettext_lazy("Problems"), lambda row: marked(row.other.problems or "", row.mark), 30, STYLE_WRAP),
    Column(gettext_lazy("Next steps"), lambda row: marked(row.other.next_steps or "", row.mark), 30, STYLE_WRAP),
    Column(gettext_lazy("Evidence"), lambda row: evidence_text(row.evidence), 40, STYLE_WRAP),
)


class _RowMaker:
    """Turns one tuple of ``ROW_FIELDS`` into the export's row: a ``ListRow``
    read by each column in turn, with each plan read once."""

    target_slice = slice(len(RESULT_FIELDS), len(RESULT_FIELDS) + len(TARGET_FIELDS))

    def __init__(self, pending: dict, evidence: dict) -> None:
        self.words = _Words()
        self.plans: dict[int, Plan] = {}
        self.pending = pending
        self.evidence = evidence

    def __call__(self, index: int, values: tuple) -> list:
        other = _Other._make(values[self.target_slice.stop :])
        if other.plan_id not in self.plans:
            self.plans[other.plan_id] = Plan.objects.get(pk=other.plan_id)
        row = ListRow(
            index=index,
            result=_Result(*values[: len(RESULT_FIELDS)]),
            target=Target.from_db(None, TARGET_FIELDS, values[self.target_slice]),
            plan=self.plans[other.plan_id],
            pending=self.pending.get(other.target_id),
            other=other,
            mark=narrative_mark(other.narrative_status),
            words=self.words,
            evidence=self.evidence.get(other.target_id, []),
        )
        return [column.value(row) for column in LIST_COLUMNS]


def list_rows(results: QuerySet[TargetResult], *, period: Period) -> Iterator[list]:
    """The export's rows, in the queryset's order: the raw components of each
    judgement beside its explanation, reporting status, lead unit, leader and
    latest narrative.

    Rows are read as tuples (``values``), not model instances: building seven
    model objects per row cost more than everything else together. The
    explanation and the target's label come from the same functions the
    pages use, fed a Target built from the row's fields and the row's plan.
    The figures waiting for review are read once for all rows
    (progress.selectors.pending_figures), and so are the files of evidence of
    the period's sent reports (progress.attachments.evidence_by_target), listed
    by name with their links.
    """
    rows = with_narratives(results, period=period).values_list(*ROW_FIELDS)
    with _one_read():
        targets = results.order_by().values("target_id")
        make = _RowMaker(
            pending_figures(targets=targets, period=period), evidence_by_target(targets=targets, period=period)
        )
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


@dataclass(frozen=True)
class ListAbout:
    """What a list export is, in words, for its heading, its file name and its
    record: which list, whose zone, the other filters, who exported it and when."""

    list_kind: str
    zone: str
    zone_code: str
    zone_ids: tuple[int, ...]
    filters: tuple[str, ...]
    user: Any
    at: dt.datetime

    @property
    def list_label(self) -> str:
        return str(ListKind(self.list_kind).label) if self.list_kind else _("All targets")


def list_about(filterset: SupervisionFilterSet, *, user: Any) -> ListAbout:
    """The words of the export of ``filterset``'s list, exported now by ``user``."""
    zones = list(filterset.zones_in_view())
    one = zones[0] if len(zones) == 1 else None
    return ListAbout(
        list_kind=filterset.chosen_list(),
        zone=str(one) if one else _("All zones"),
        zone_code=one.code if one else "all",
        zone_ids=tuple(zone.pk for zone in zones),
        filters=tuple(filterset.described_filters()),
        user=user,
        at=clock.now(),
    )


def list_heading(about: ListAbout, period: Period) -> Heading:
    """The title (zone, list, period) and subtitle (filters, period, when, by whom) of a list export."""
    period_text = str(period_label(period.year, period.month))
    title = _("%(zone)s supervision list: %(list)s (%(period)s)") % {
        "zone": about.zone,
        "list": about.list_label,
        "period": period_text,
    }
    subtitle = export_subtitle(
        what=_("List: %(list)s") % {"list": about.list_label},
        filters=about.filters,
        period=period_text,
        user=about.user,
        at=about.at,
    )
    return Heading(title, subtitle)


def list_filename(period: Period, extension: str, about: ListAbout | None = None) -> tuple[str, str]:
    """(the name shown, an ASCII fallback) of a list export: the list, the
    zone, the period and the day, e.g. 严重滞后清单_高新区_2014年1-6月_20261207.xlsx,
    so that the 滞后 and the 逾期 lists of a month never share a name."""
    about = about or ListAbout("", _("All zones"), "all", (), (), None, clock.now())
    day = timezone.localtime(about.at).strftime("%Y%m%d")
    return export_filename(
        [
            _("%(list)s list") % {"list": about.list_label},
            about.zone,
            str(period_label(period.year, period.month)),
            day,
        ],
        extension=extension,
        fallback=["supervision", about.list_kind or "all", about.zone_code, str(period), day],
    )


def list_xlsx_response(
    results: QuerySet[TargetResult], *, period: Period, about: ListAbout | None = None
) -> StreamingHttpResponse:
    heading = list_heading(about, period) if about else None
    stream = XlsxStream(
        title=_("Supervision list"),
        headers=[str(column.header) for column in LIST_COLUMNS],
        widths=[column.width for column in LIST_COLUMNS],
        styles=[column.style for column in LIST_COLUMNS],
        heading=heading,
    )
    response = StreamingHttpResponse(stream.stream(list_rows(results, period=period)), content_type=XLSX_CONTENT_TYPE)
    name, fallback = list_filename(period, "xlsx", about)
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
    """A cell of the CSV: a figure as typed (10, not 10.0000: ``figure_text``)."""
    if value is None:
        return ""
    if isinstance(value, Figure):
        value = value.value
    if isinstance(value, Decimal):
        return figure_text(value)
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


def list_csv_response(
    results: QuerySet[TargetResult], *, period: Period, about: ListAbout | None = None
) -> StreamingHttpResponse:
    header = [str(column.header) for column in LIST_COLUMNS]
    response = StreamingHttpResponse(
        csv_chunks(header, list_rows(results, period=period)), content_type="text/csv; charset=utf-8"
    )
    name, fallback = list_filename(period, "csv", about)
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


@dataclass
class LedgerEntry:
    """One target of the ledger as its columns read it: its number, its line
    (selectors.LedgerLine), the mark of a narrative not yet approved, the words."""

    number: int
    line: LedgerLine
    mark: str
    words: _Words

    @property
    def task(self) -> Task:
        return self.line.target.task


@dataclass
class LedgerMonth:
    """One month of one target of the ledger, as the month's columns read it."""

    line: LedgerLine
    month: int
    words: _Words


def _ledger_figure(cell: LedgerMonth) -> object:
    """The approved year-to-date figure, or one waiting for review, marked."""
    figure = cell.line.figures.get(cell.month)
    if figure is None and cell.line.pending.get(cell.month) is not None:
        return marked(figure_text(cell.line.pending[cell.month], grouped=True), cell.words.pending)
    return figure_cell(figure, cell.line.target.unit) if isinstance(figure, Decimal) else figure


def _ledger_status(cell: LedgerMonth) -> str:
    """The progress status, with the age of a carried figure."""
    status = cell.words.statuses.get(cell.line.statuses.get(cell.month, ""), "")
    return marked(status, cell.line.ages.get(cell.month, ""))


# The columns before the months, each month's, and those after them: one
# record each (a month's may say how to fill its cell).
LEDGER_FIXED = (
    Column(gettext_lazy("No."), lambda entry: entry.number, 6),
    Column(gettext_lazy("Task"), lambda entry: f"{entry.task.number}{entry.task.heading}", 30),
    Column(gettext_lazy("Indicator"), lambda entry: entry.line.target.indicator, 26),
    Column(gettext_lazy("Target"), lambda entry: entry.line.target.target_label, 16),
    Column(gettext_lazy("Lead unit"), lambda entry: entry.task.lead_unit.name if entry.task.lead_unit else "", 14),
    Column(gettext_lazy("Responsible leader"), lambda entry: display_name(entry.task.leader), 10),
)
LEDGER_MONTH = (
    Column(gettext_lazy("Year to date"), _ledger_figure, 10),
    Column(
        gettext_lazy("Progress status"),
        _ledger_status,
        10,
        fill=lambda cell: STATUS_FILLS.get(cell.line.statuses.get(cell.month, "")),
    ),
    Column(
        gettext_lazy("Reporting status"),
        lambda cell: cell.words.reporting.get(cell.line.reporting.get(cell.month, ""), ""),
        9,
    ),
)
LEDGER_NARRATIVES = (
    Column(gettext_lazy("Latest progress"), lambda entry: marked(entry.line.progress, entry.mark), 36),
    Column(gettext_lazy("Problems"), lambda entry: marked(entry.line.problems, entry.mark), 30),
    Column(gettext_lazy("Next steps"), lambda entry: marked(entry.line.next_steps, entry.mark), 30),
    Column(gettext_lazy("Evidence"), lambda entry: evidence_text(entry.line.evidence), 36),
)


@dataclass
class LedgerTaskEntry:
    """One task of the ledger's first sheet as its columns read it."""

    number: int
    row: LedgerTask
    mark: str

    @property
    def task(self) -> Task:
        return self.row.task


def _task_targets(entry: LedgerTaskEntry) -> str:
    """The task's stated targets in one cell, one a line: "规上工业增加值增速 8%"."""
    return "\n".join(f"{target.indicator} {target.target_label}" for target in entry.row.targets)


def _task_progress(entry: LedgerTaskEntry) -> str:
    """The lead unit's progress (marked when not yet approved), then each
    co-operating unit's submitted part on its own line: "【财政局】…"."""
    lines = [marked(entry.row.progress, entry.mark)] if entry.row.progress else []
    lines += [f"【{part.unit.name}】{part.progress}" for part in entry.row.contributions if part.progress]
    return "\n".join(lines)


# The ledger's first sheet: one row per task, the columns of the classic 台账.
LEDGER_TASKS = (
    Column(gettext_lazy("No."), lambda entry: entry.number, 6),
    Column(gettext_lazy("Work task"), lambda entry: f"{entry.task.number}{entry.task.heading}", 32),
    Column(gettext_lazy("Responsible leader"), lambda entry: display_name(entry.task.leader), 10),
    Column(gettext_lazy("Lead unit"), lambda entry: entry.task.lead_unit.name if entry.task.lead_unit else "", 14),
    Column(
        gettext_lazy("Co-operating units"),
        lambda entry: "、".join(unit.name for unit in entry.task.co_units.all()),
        16,
    ),
    Column(gettext_lazy("Deadline"), lambda entry: entry.task.deadline.isoformat() if entry.task.deadline else "", 11),
    Column(gettext_lazy("Targets"), _task_targets, 28),
    Column(gettext_lazy("Progress this period"), _task_progress, 36),
    Column(gettext_lazy("Problems"), lambda entry: marked(entry.row.problems, entry.mark), 28),
    Column(pgettext_lazy("ledger header", "Next steps"), lambda entry: marked(entry.row.next_steps, entry.mark), 28),
    Column(gettext_lazy("Evidence"), lambda entry: evidence_text(entry.row.evidence), 36),
    Column(gettext_lazy("Leaders' instructions"), lambda entry: instructions_text(entry.row.instructions), 40),
    Column(
        gettext_lazy("Status"),
        lambda entry: entry.row.status.label,
        16,
        fill=lambda entry: STATUS_FILLS.get(entry.row.status.status or ""),
    ),
)


def _write(sheet, *, row: int, column: int, value: object):
    """One bordered, wrapped body cell; a figure with its number format."""
    number_format = None
    if isinstance(value, Figure):
        value, number_format = value.value, value.number_format
    written = sheet.cell(row=row, column=column, value=safe_cell(value))
    written.border = THIN_BORDER
    written.alignment = WRAP
    if number_format:
        written.number_format = number_format
    return written


def _ledger_tasks_sheet(sheet, book: Ledger, *, heading: Heading) -> None:
    """The first sheet: the heading, a header row, one row per task in plan order."""
    layout = SheetLayout(heading=heading, columns=len(LEDGER_TASKS), columns_left=2)
    write_heading(sheet, layout)
    headers = [str(column.header) for column in LEDGER_TASKS]
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=layout.header_last, column=index, value=header)
    style_header_row(sheet, row=layout.header_last, columns=layout.columns)
    lines = []
    for number, row in enumerate(book.tasks, start=1):
        entry = LedgerTaskEntry(number=number, row=row, mark=narrative_mark(row.narrative_status))
        values = [column.value(entry) for column in LEDGER_TASKS]
        lines.append(values)
        for index, (column, value) in enumerate(zip(LEDGER_TASKS, values, strict=True), start=1):
            written = _write(sheet, row=layout.header_last + number, column=index, value=value)
            fill = column.fill(entry) if column.fill else None
            if fill:
                written.fill = PatternFill("solid", fgColor=fill)
    lay_out(sheet, layout, widths=fit_widths(headers, lines, maxima=[column.width for column in LEDGER_TASKS]))


def _ledger_headers(sheet, *, months: list[int]) -> None:
    """The two header rows: the fixed and the narrative headers over both, each
    month's name over its columns' headers."""
    fixed, per_month = len(LEDGER_FIXED), len(LEDGER_MONTH)
    top, below = MONTH_HEADER_ROWS
    for index, column in enumerate(LEDGER_FIXED, start=1):
        sheet.cell(row=top, column=index, value=str(column.header))
        sheet.merge_cells(start_row=top, start_column=index, end_row=below, end_column=index)
    for offset, month in enumerate(months):
        first = fixed + 1 + per_month * offset
        sheet.cell(row=top, column=first, value=period_label(None, month, cumulative=False))
        sheet.merge_cells(start_row=top, start_column=first, end_row=top, end_column=first + per_month - 1)
        for index, column in enumerate(LEDGER_MONTH):
            sheet.cell(row=below, column=first + index, value=str(column.header))
    for index, column in enumerate(LEDGER_NARRATIVES, start=fixed + per_month * len(months) + 1):
        sheet.cell(row=top, column=index, value=str(column.header))
        sheet.merge_cells(start_row=top, start_column=index, end_row=below, end_column=index)


def _ledger_line(sheet, *, row: int, entry: LedgerEntry, months: list[int]) -> list:
    """One target's row: every column's value, bordered and wrapped (a figure
    in its unit's format), and the fills the month columns ask for; the values."""
    cells = [LedgerMonth(line=entry.line, month=month, words=entry.words) for month in months]
    values = [column.value(entry) for column in LEDGER_FIXED]
    values += [column.value(cell) for cell in cells for column in LEDGER_MONTH]
    values += [column.value(entry) for column in LEDGER_NARRATIVES]
    for number, value in enumerate(values, start=1):
        _write(sheet, row=row, column=number, value=value)
    for offset, cell in enumerate(cells):
        for index, column in enumerate(LEDGER_MONTH):
            fill = column.fill(cell) if column.fill else None
            if fill:
                place = len(LEDGER_FIXED) + 1 + len(LEDGER_MONTH) * offset + index
                sheet.cell(row=row, column=place).fill = PatternFill("solid", fgColor=fill)
    return values


# The months sheet's two header rows: the months over their columns' headers.
MONTH_HEADER_ROWS = (FIRST_HEADER_ROW, FIRST_HEADER_ROW + 1)


def ledger_heading(book: Ledger, *, subject: str, user: Any = None, at: dt.datetime | None = None) -> Heading:
    """The ledger's title (zone, year, whose, period) and subtitle (whose ledger, period, when, by whom)."""
    zone = book.plan.zone.short_name or book.plan.zone.name
    period = str(period_label(book.period.year, book.period.month))
    title = _("%(zone)s %(year)s key work ledger (%(subject)s), %(period)s") % {
        "zone": zone,
        "year": book.period.year,
        "subject": subject,
        "period": period,
    }
    subtitle = export_subtitle(
        what=_("Ledger of %(subject)s, %(plan)s") % {"subject": subject, "plan": book.plan.title},
        filters=[],
        period=period,
        user=user,
        at=at or clock.now(),
    )
    return Heading(title, subtitle)


def ledger_workbook(book: Ledger, *, subject: str, user: Any = None, at: dt.datetime | None = None) -> bytes:
    """The classic ledger in two sheets. The first, one row per task with its
    leader, units, deadline, targets, the period's narrative and its status:
    the sheet a zone office keeps. The second, the stated targets month by
    month (each month's year-to-date figure, progress status and reporting
    status) with their latest narrative: a month's three columns per target
    do not fit beside eleven columns of text, and a task with several targets
    would repeat its narrative on each row. Both are laid out as every export
    is (core.spreadsheets.lay_out)."""
    words = _Words()
    workbook = Workbook()
    heading = ledger_heading(book, subject=subject, user=user, at=at)
    tasks = workbook.active
    tasks.title = str(_("Ledger"))
    _ledger_tasks_sheet(tasks, book, heading=heading)
    sheet = workbook.create_sheet(str(_("Targets by month")))
    columns = len(LEDGER_FIXED) + len(LEDGER_MONTH) * len(book.months) + len(LEDGER_NARRATIVES)
    layout = SheetLayout(
        heading=heading,
        columns=columns,
        header_first=MONTH_HEADER_ROWS[0],
        header_last=MONTH_HEADER_ROWS[1],
        columns_left=3,
    )
    write_heading(sheet, layout)
    _ledger_headers(sheet, months=book.months)
    for row in MONTH_HEADER_ROWS:
        style_header_row(sheet, row=row, columns=columns)
    lines = [
        _ledger_line(
            sheet,
            row=layout.header_last + number,
            entry=LedgerEntry(number=number, line=line, mark=narrative_mark(line.narrative_status), words=words),
            months=book.months,
        )
        for number, line in enumerate(book.lines, start=1)
    ]
    record = [*LEDGER_FIXED, *(list(LEDGER_MONTH) * len(book.months)), *LEDGER_NARRATIVES]
    headers = [str(column.header) for column in record]
    lay_out(sheet, layout, widths=fit_widths(headers, lines, maxima=[column.width for column in record]))
    return workbook_bytes(workbook)


def ledger_filename(book: Ledger, *, subject: str, at: dt.datetime) -> tuple[str, str]:
    """(the name shown, an ASCII fallback): 台账_经济发展局_高新区_2014年1-6月_20261207.xlsx."""
    zone = book.plan.zone
    day = timezone.localtime(at).strftime("%Y%m%d")
    return export_filename(
        [_("Ledger"), subject, str(zone), str(period_label(book.period.year, book.period.month)), day],
        extension="xlsx",
        fallback=["ledger", zone.code, str(book.plan.pk), str(book.period), day],
    )


def ledger_response(book: Ledger, *, subject: str, user: Any = None, at: dt.datetime | None = None) -> HttpResponse:
    at = at or clock.now()
    name, fallback = ledger_filename(book, subject=subject, at=at)
    response = HttpResponse(ledger_workbook(book, subject=subject, user=user, at=at), content_type=XLSX_CONTENT_TYPE)
    return attach(response, filename=name, fallback=fallback)
