"""The monthly bulletin (月通报) as a Word document laid out like an official
notice: a red masthead, the document number, a centred title, then the
overall figures (progress statuses and, apart, reporting statuses), the
ranking of units under its named basis (the same ``unit_scores`` as the
ranking page and the dashboard), the red and black lists, the lagging items
with both statuses, lead unit and leader, the state of follow-up notices, and
the leaders' instructions of the month with the units' answers.
Figures are approved figures only, as everywhere.

``bulletin_content`` reads (a fixed number of queries); ``bulletin_render``
turns the content into .docx bytes without touching the database (every text
goes in through ``_run``, which drops what XML cannot carry: python-docx
refuses it, and a unit's name or a notice's title may hold it);
``bulletin_build`` does both. The document is written in the site's language
(``LANGUAGE_CODE``), whoever asks for it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from core import clock
from core.people import display_name
from core.text import full_width_punctuation, xml_safe
from plans.models import Plan
from plans.periods import Period, period_label
from progress.selectors import with_approved_problems
from supervision.choices import DEFAULT_SCORE_MODE, OPEN_STATES
from supervision.instruction_sheet import subject_text
from supervision.instructions import instructions_of_period
from supervision.models import Bulletin, Notice
from supervision.selectors import (
    NoticeSummary,
    UnitScore,
    explanation_of,
    notice_summary,
    ranking_title,
    setting_for,
    unit_scores,
)
from targets.choices import BAD, REPORTING_PROBLEMS, SEVERITY, ReportingStatus, Status
from targets.models import Target, TargetResult
from targets.selectors import latest_results, status_counts

RED_INK = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
LIST_SIZE = 3  # units on the red list and on the black list
LAGGING_SHOWN = 200
# The A4 page of a government document (GB/T 9704): its margins and the width
# the text and the tables have between them.
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
LEFT_MARGIN, RIGHT_MARGIN = Cm(2.8), Cm(2.6)
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6
TABLE_SIZE = 10.5  # 五号
CELL_PADDING_CM = 0.4  # both sides of a cell together
# The headline sizes: the masthead and the title shrink to stay on one line,
# down to these sizes, before they break (and only at a sensible point).
MASTHEAD_SIZE, MASTHEAD_MIN = 30, 22
TITLE_SIZE, TITLE_MIN = 22, 18
# Where a title may break: after these words' last character.
TITLE_BREAKS_AFTER = ("关于", "年", "月", "的", "、")


@dataclass
class LaggingItem:
    indicator: str
    task: str
    status: str
    explanation: str
    unit: str
    leader: str
    reporting: str = ""
    # A task item (its task's monthly progress): written as a task, its standing and the reason it gave.
    is_task: bool = False


def lagging_item_text(result: TargetResult, *, explanation: str, problems: str | None) -> tuple[str, str]:
    """(the name, the situation) of a lagging row as the bulletin writes it.
    A task item is written as a task: "任务:深化行政审批制度改革", and its
    situation is its standing in words with the reason its unit gave under
    存在问题 ("滞后于计划;存在问题:上级审批未完成"), ``problems`` being those
    of the approved report the standing comes from
    (``progress.selectors.with_approved_problems``), never a later draft's
    or a report waiting for review; a target keeps its indicator and its
    one-line explanation."""
    target = result.target
    if not target.kind_entry.figures.standing:
        return target.indicator, explanation
    name = _("Task: %(task)s") % {"task": target.indicator}
    if result.actual is None:
        return name, explanation  # nothing approved: the explanation says so (overdue, no report)
    standing = target.written(result.actual)
    if problems:
        return name, _("%(standing)s; problems: %(problems)s") % {"standing": standing, "problems": problems}
    return name, standing


@dataclass
class OpenNotice:
    number: str
    unit: str
    title: str
    reply_by: dt.date
    state: str
    red: bool


@dataclass
class InstructionLine:
    """A leader's instruction of the period as the bulletin lists it, with its answer."""

    leader: str
    day: str
    subject: str
    text: str
    unit: str
    answer: str
    state: str


@dataclass
class BulletinContent:
    zone: str
    plan: str
    period: Period
    period_text: str
    number: int
    title: str
    doc_number: str
    date: dt.date
    counts: dict[str, int]
    ranking: list[UnitScore]
    red_list: list[UnitScore]
    black_list: list[UnitScore]
    lagging: list[LaggingItem]
    lagging_more: int
    notices: NoticeSummary
    open_notices: list[OpenNotice] = field(default_factory=list)
    open_notices_more: int = 0
    # The ranking's heading with its basis: "考核排名(年度累计,1-8月)".
    ranking_title: str = ""
    # The targets by reporting status, and the units with reports missing.
    reporting: dict[str, int] = field(default_factory=dict)
    missing_by_unit: list[tuple[str, int]] = field(default_factory=list)
    # The issuing office signed at the end (落款), from the zone's settings.
    office: str = ""
    # The leaders' instructions written in the period, with their answers.
    instructions: list[InstructionLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def bulletin_title(*, plan: Plan, period: Period) -> str:
    """关于2014年1-8月重点工作推进情况的通报"""
    with translation.override(settings.LANGUAGE_CODE):
        return _("On the progress of the key work in %(period)s") % {"period": period_label(period.year, period.month)}


def document_number(*, prefix: str, year: int, seq: int) -> str:
    """The bulletin's 文号 as an official document writes it: 高新管督〔2026〕3号
    (the prefix is the zone's, ``SupervisionSetting.prefix``)."""
    return f"{prefix}〔{year}〕{seq}号"


def next_document_seq(*, zone, year: int) -> int:
    """The next 文号 sequence of the zone's bulletins in ``year``: they are
    counted per zone and year, whatever plan they report on."""
    taken = Bulletin.objects.filter(plan__zone=zone, document_year=year).aggregate(n=Max("document_seq"))["n"]
    return (taken or 0) + 1


def _date_text(day: dt.date) -> str:
    return _("%(month)s/%(day)s/%(year)s") % {"year": day.year, "month": day.month, "day": day.day}


def red_and_black_lists(ranking: list[UnitScore]) -> tuple[list[UnitScore], list[UnitScore]]:
    """The red list: the best-ranked units with no red target and no overdue
    notice. The black list: the worst-ranked units with a red target or an
    overdue notice. No unit is on both."""
    red = [s for s in ranking if s.score > 0 and not s.red and not s.overdue_notices][:LIST_SIZE]
    black = [s for s in reversed(ranking) if (s.red or s.overdue_notices) and s not in red][:LIST_SIZE]
    return red, black


def bulletin_content(
    *,
    plan: Plan,
    period: Period,
    number: int,
    today: dt.date | None = None,
    mode: str = DEFAULT_SCORE_MODE,
    doc_number: str | None = None,
) -> BulletinContent:
    """What the bulletin says for ``period``; its ranking is ``unit_scores``
    on the basis ``mode`` (by default the one the ranking page and the
    dashboard show), named in its heading. ``doc_number`` is the 文号 the
    bulletin is issued under (by default the zone's next one this year)."""
    today = today or clock.today()
    setting = setting_for(plan.zone)
    if doc_number is None:
        doc_number = document_number(
            prefix=setting.prefix, year=today.year, seq=next_document_seq(zone=plan.zone, year=today.year)
        )
    targets = Target.objects.filter(task__plan=plan)
    results = latest_results(targets=targets, period=period)
    counts = status_counts(results)
    reporting = {status.value: 0 for status in ReportingStatus}
    for row in results.values("reporting").annotate(n=Count("pk")):
        reporting[row["reporting"]] = row["n"]
    missing_by_unit = [
        (row["target__task__lead_unit__name"] or "—", row["n"])
        for row in results.filter(reporting__in=REPORTING_PROBLEMS)
        .values("target__task__lead_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "target__task__lead_unit__name")
    ]
    ranking = unit_scores(plan=plan, period=period, mode=mode, today=today)
    red_list, black_list = red_and_black_lists(ranking)
    lagging_rows: list[TargetResult] = list(
        with_approved_problems(results.filter(status__in=BAD))
        .select_related("target__task__plan", "target__task__lead_unit", "target__task__leader")
        .order_by("gap", "target__task__order", "target__order")
    )
    lagging_rows.sort(key=lambda r: -SEVERITY[r.status])  # stable: worst first, then by gap
    lagging = []
    for r in lagging_rows[:LAGGING_SHOWN]:
        name, situation = lagging_item_text(r, explanation=explanation_of(r), problems=r.approved_problems)
        lagging.append(
            LaggingItem(
                indicator=name,
                task=f"{r.target.task.number}{r.target.task.heading}",
                status=r.get_status_display(),
                explanation=situation,
                unit=r.target.task.lead_unit.name if r.target.task.lead_unit else "—",
                leader=display_name(r.target.task.leader, nobody="—"),
                reporting=r.get_reporting_display(),
                is_task=r.target.kind_entry.figures.standing,
            )
        )
    open_query = Notice.objects.filter(plan=plan, state__in=OPEN_STATES)
    open_rows = list(
        open_query.select_related("unit").order_by(F("level").desc(), "reply_by", "pk")[: LAGGING_SHOWN + 1]
    )
    open_notices = [
        OpenNotice(
            number=n.number,
            unit=n.unit.name,
            title=n.title,
            reply_by=n.reply_by,
            state=n.get_state_display(),
            red=n.level >= 2,
        )
        for n in open_rows[:LAGGING_SHOWN]
    ]
    open_more = open_query.count() - LAGGING_SHOWN if len(open_rows) > LAGGING_SHOWN else 0
    return BulletinContent(
        zone=plan.zone.name,
        plan=plan.title,
        period=period,
        period_text=str(period_label(period.year, period.month)),
        number=number,
        title=bulletin_title(plan=plan, period=period),
        doc_number=doc_number,
        date=today,
        counts=counts,
        ranking=ranking,
        red_list=red_list,
        black_list=black_list,
        lagging=lagging,
        lagging_more=max(0, len(lagging_rows) - LAGGING_SHOWN),
        notices=notice_summary(plan=plan, today=today),
        open_notices=open_notices,
        open_notices_more=open_more,
        ranking_title=ranking_title(mode=mode, period=period),
        reporting=reporting,
        missing_by_unit=missing_by_unit,
        office=setting.office,
        instructions=[
            InstructionLine(
                leader=display_name(instruction.author),
                day=timezone.localtime(instruction.created_at).strftime("%Y-%m-%d"),
                subject=subject_text(instruction),
                text=instruction.text,
                unit=instruction.unit.name,
                answer=instruction.answer,
                state=instruction.get_state_display(),
            )
            for instruction in instructions_of_period(plan=plan, period=period)
        ],
    )


def bulletin_build(
    *,
    plan: Plan,
    period: Period,
    number: int | None = None,
    today: dt.date | None = None,
    doc_number: str | None = None,
) -> bytes:
    """The bulletin of ``plan`` for ``period`` as the bytes of a .docx file."""
    existing = Bulletin.objects.filter(plan=plan, year=period.year, month=period.month).first()
    if number is None:
        number = existing.number if existing else Bulletin.objects.filter(plan=plan).count() + 1
    if doc_number is None and existing is not None and existing.document_number:
        doc_number = existing.document_number
    with translation.override(settings.LANGUAGE_CODE):
        content = bulletin_content(plan=plan, period=period, number=number, today=today, doc_number=doc_number)
        return bulletin_render(content)


# --- rendering ----------------------------------------------------------------------


def _run(paragraph, text: str):
    """A run of ``text`` in ``paragraph``: the one way text enters the
    document. A Chinese document gets full-width punctuation throughout, also
    in the words that came from the data (an explanation, a unit's reason)."""
    text = xml_safe(text)
    if (translation.get_language() or "").startswith("zh"):
        text = full_width_punctuation(text)
    return paragraph.add_run(text)


def text_width_em(text: str) -> float:
    """How wide ``text`` sets, in ems of its font: a Chinese character or a
    full-width sign is one em, anything else (digits, Latin letters) about half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def fitting_size(text: str, *, width_cm: float, largest: float, smallest: float) -> float | None:
    """The largest size from ``largest`` down to ``smallest`` (in half points)
    at which ``text`` stays on one line of ``width_cm``; None when even the
    smallest is too wide. A little room is kept for the fonts' own spacing."""
    em = text_width_em(text)
    if em == 0:
        return largest
    fit = (width_cm * 0.94 / 2.54 * 72) / em  # points per em that fill the line
    size = math.floor(min(largest, fit) * 2) / 2
    return size if size >= smallest else None


def sensible_lines(text: str, *, breaks_after=TITLE_BREAKS_AFTER) -> list[str]:
    """``text`` in two lines broken at the most even sensible point (after
    关于, a date or 的), never inside a word; one line when it has no such point."""
    points = [
        index + len(word)
        for word in breaks_after
        for index in range(len(text))
        if text.startswith(word, index) and 0 < index + len(word) < len(text)
    ]
    if not points:
        return [text]
    total = text_width_em(text)
    cut = min(points, key=lambda i: abs(text_width_em(text[:i]) - total / 2))
    return [text[:cut], text[cut:]]


def _headline(document, text: str, *, largest: float, smallest: float, space_after: float):
    """A red, centred headline that never breaks inside a word: on one line
    at the largest size that fits, else in two lines at a sensible point."""
    size = fitting_size(text, width_cm=TEXT_WIDTH_CM, largest=largest, smallest=smallest)
    lines = [text] if size is not None else sensible_lines(text)
    if size is None:
        size = min(
            fitting_size(line, width_cm=TEXT_WIDTH_CM, largest=largest, smallest=1) or smallest for line in lines
        )
    paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=space_after)
    paragraph.paragraph_format.line_spacing = Pt(size * 1.3)
    for index, line in enumerate(lines):
        run = _run(paragraph, line)
        _font(run, name=TITLE_FONT, size=size, bold=True, color=RED_INK)
        if index < len(lines) - 1:
            run.add_break()
    return paragraph


def _font(run, *, name: str = BODY_FONT, size: float = 16, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(
    document,
    text: str = "",
    *,
    align=None,
    name: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    color: RGBColor | None = None,
    indent: bool = False,
    space_after: float = 0,
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.line_spacing = Pt(28)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if name == HEADING_FONT:  # a section's heading stays with what it heads
        paragraph.paragraph_format.keep_with_next = True
    if text:
        _font(_run(paragraph, text), name=name, size=size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph) -> None:
    """A red line under the masthead (a bottom border of the paragraph)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _unbreakable_em(text: str) -> float:
    """The widest piece of ``text`` that must not wrap: a run of digits,
    Latin letters and signs (a number, a date) or, for short texts (a status
    word, a person's name, a 文号 "督办〔2014〕1号"), the whole of it."""
    if len(text) <= 5 or (len(text) <= 12 and any(ch.isdigit() for ch in text)):
        return text_width_em(text)
    pieces = [piece for piece in "".join(ch if ord(ch) < 0x2E80 else " " for ch in text).split() if piece]
    return max((text_width_em(piece) for piece in pieces), default=1.0)


def column_widths(
    headers: list[str], rows: list[list[str]], *, width_cm: float, size: float = TABLE_SIZE
) -> list[float]:
    """Column widths in cm sized to the content, filling ``width_cm``: each
    column needs at least its header in two lines and its widest unbreakable
    piece; beyond that the long texts wrap over the same, smallest number of
    lines (a row is as tall as its tallest cell), so a short column never
    wraps and the long ones share the page by their length."""
    em_cm = size / 72 * 2.54 * 1.06  # a little more than an em: the fonts' own spacing
    columns = list(zip(headers, *rows, strict=True)) if rows else [(h,) for h in headers]
    natural, least = [], []
    for header, *cells in columns:
        header_em = text_width_em(header)
        full = max([header_em, *(text_width_em(c) for c in cells)])
        floor = max([math.ceil(header_em / 2), 2.0, *(_unbreakable_em(c) for c in cells)])
        least.append(min(floor, full) * em_cm + CELL_PADDING_CM)
        natural.append(full * em_cm + CELL_PADDING_CM)
    if sum(least) >= width_cm:
        return [round(x * width_cm / sum(least), 2) for x in least]

    def at(lines: float) -> list[float]:
        return [max(lo, min(n, n / lines)) for lo, n in zip(least, natural, strict=True)]

    low, high = 1.0, 1000.0  # the number of lines the longest texts take
    if sum(at(low)) > width_cm:
        for _step in range(60):
            middle = (low + high) / 2
            if sum(at(middle)) > width_cm:
                low = middle
            else:
                high = middle
        low = high
    widths = at(low)
    extra = width_cm - sum(widths)  # what is left goes to the columns by their length
    return [round(w + extra * n / sum(natural), 2) for w, n in zip(widths, natural, strict=True)]


def _fixed_layout(table, widths: list[float]) -> None:
    """Write the widths where both Word and LibreOffice read them: the table's
    grid, each cell, and a fixed layout (so no program re-fits the columns)."""
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(int(Cm(sum(widths)).twips)))
    total.set(qn("w:type"), "dxa")
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    properties.append(total)
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(_run(cell.paragraphs[0], text), name=HEADING_FONT, size=TABLE_SIZE, bold=True)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row again on each page
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _font(_run(cell.paragraphs[0], text), size=TABLE_SIZE)
    _fixed_layout(table, column_widths(headers, rows, width_cm=TEXT_WIDTH_CM))
    document.add_paragraph()


def _page_number_footer(section) -> None:
    """ "— 3 —" centred at the foot of every page: a PAGE field, so Word and
    LibreOffice number the pages themselves."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), size=14)
    run = paragraph.add_run()
    _font(run, size=14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), size=14)


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def bulletin_render(content: BulletinContent) -> bytes:
    """The bulletin as the bytes of a .docx file: an A4 page with the
    government document's margins, then each section in turn (``SECTIONS``)."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = PAGE_HEIGHT, PAGE_WIDTH
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    section.footer_distance = Cm(2.5)
    _page_number_footer(section)
    for write in SECTIONS:
        write(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _masthead(document, content: BulletinContent) -> None:
    """The masthead (红头), the issue number, the document number and the red rule."""
    _headline(
        document,
        _("%(zone)s supervision bulletin") % {"zone": content.zone},
        largest=MASTHEAD_SIZE,
        smallest=MASTHEAD_MIN,
        space_after=6,
    )
    _paragraph(
        document,
        _("Issue %(number)s") % {"number": content.number},
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=16,
    )
    rule = _paragraph(document, content.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER, size=16, space_after=12)
    _red_rule(rule)


def _opening(document, content: BulletinContent) -> None:
    """The title, the address and the opening sentence."""
    _headline(document, content.title, largest=TITLE_SIZE, smallest=TITLE_MIN, space_after=12)
    _paragraph(document, _("To all units:"))
    _paragraph(
        document,
        _("The progress of the key work of “%(plan)s” in %(period)s is reported as follows.")
        % {"plan": content.plan, "period": content.period_text},
        indent=True,
    )


def _overall(document, content: BulletinContent) -> None:
    """1. The overall figures: the targets by progress status."""
    _paragraph(document, _("1. Overall"), name=HEADING_FONT, indent=True)
    counts = content.counts
    good = counts.get(Status.COMPLETED, 0) + counts.get(Status.ON_TRACK, 0)
    share = f"{good * 100 / content.total:.1f}" if content.total else "—"
    _paragraph(
        document,
        _(
            "Of the %(total)d targets followed, %(completed)d are completed, %(on_track)d on track, "
            "%(lagging)d lagging, %(serious)d seriously lagging, %(overdue)d overdue and %(no_data)d without "
            "figures; %(share)s%% are completed or on track."
        )
        % {
            "total": content.total,
            "completed": counts.get(Status.COMPLETED, 0),
            "on_track": counts.get(Status.ON_TRACK, 0),
            "lagging": counts.get(Status.LAGGING, 0),
            "serious": counts.get(Status.SERIOUS, 0),
            "overdue": counts.get(Status.OVERDUE, 0),
            "no_data": counts.get(Status.NO_DATA, 0),
            "share": share,
        },
        indent=True,
    )


def _reporting(document, content: BulletinContent) -> None:
    """1, continued: the reporting statuses, apart from progress, and the units that have not reported."""
    reporting = content.reporting
    _paragraph(
        document,
        _(
            "Reporting in %(period)s: %(reported)d reported on time, %(late)d reported late, %(pending)d awaiting "
            "review, %(missing)d overdue and not reported, %(not_yet)d not yet due. Only approved figures are "
            "counted above."
        )
        % {
            "period": content.period_text,
            "reported": reporting.get(ReportingStatus.REPORTED, 0),
            "late": reporting.get(ReportingStatus.LATE, 0),
            "pending": reporting.get(ReportingStatus.PENDING, 0),
            "missing": reporting.get(ReportingStatus.MISSING, 0),
            "not_yet": reporting.get(ReportingStatus.NOT_YET, 0),
        },
        indent=True,
    )
    if content.missing_by_unit:
        missing = "、".join(_("%(unit)s (%(n)d)") % {"unit": unit, "n": n} for unit, n in content.missing_by_unit)
        _paragraph(document, _("Reports overdue and not sent: %(units)s.") % {"units": missing}, indent=True)


def _ranking(document, content: BulletinContent) -> None:
    """2. The units ranked, under the ranking's basis."""
    _paragraph(document, _("2. %(ranking)s") % {"ranking": content.ranking_title}, name=HEADING_FONT, indent=True)
    if content.ranking:
        _table(
            document,
            [
                _("Rank"),
                _("Unit"),
                _("Score"),
                _("Completion"),
                _("On-time reporting"),
                _("Red targets"),
                _("Overdue notices"),
            ],
            [
                [
                    str(s.rank),
                    s.name,
                    str(s.score),
                    _percent(s.completion),
                    _percent(s.on_time_rate),
                    str(s.red),
                    str(s.overdue_notices),
                ]
                for s in content.ranking
            ],
        )
    else:
        _paragraph(document, _("No unit leads a target of the plan yet."), indent=True)


def _red_and_black_lists(document, content: BulletinContent) -> None:
    """3. The red list and the black list."""
    _paragraph(document, _("3. Red list and black list"), name=HEADING_FONT, indent=True)
    red = "、".join(_("%(unit)s (%(score)s points)") % {"unit": s.name, "score": s.score} for s in content.red_list)
    _paragraph(document, _("Red list: %(units)s.") % {"units": red or _("none")}, indent=True)
    black = "、".join(
        _("%(unit)s (%(red)d red targets, %(notices)d overdue notices)")
        % {"unit": s.name, "red": s.red, "notices": s.overdue_notices}
        for s in content.black_list
    )
    _paragraph(document, _("Black list: %(units)s.") % {"units": black or _("none")}, indent=True)


def _lagging(document, content: BulletinContent) -> None:
    """4. The lagging items, the first ``LAGGING_SHOWN`` of them."""
    _paragraph(document, _("4. Lagging items"), name=HEADING_FONT, indent=True)
    if content.lagging:
        _table(
            document,
            [
                _("No."),
                _("Indicator"),
                _("Situation"),
                _("Lead unit"),
                _("Responsible leader"),
                _("Progress status"),
                _("Reporting status"),
            ],
            [
                [str(index), item.indicator, item.explanation, item.unit, item.leader, item.status, item.reporting]
                for index, item in enumerate(content.lagging, start=1)
            ],
        )
        if content.lagging_more:
            _paragraph(
                document, _("… and %(n)d more, listed in the export.") % {"n": content.lagging_more}, indent=True
            )
    else:
        _paragraph(document, _("Nothing lags in %(period)s.") % {"period": content.period_text}, indent=True)


def _notices(document, content: BulletinContent) -> None:
    """5. The follow-up notices: the counts and the open ones."""
    _paragraph(document, _("5. Follow-up notices"), name=HEADING_FONT, indent=True)
    n = content.notices
    _paragraph(
        document,
        _(
            "%(issued)d follow-up notices issued so far: %(answered)d answered, %(closed)d closed, %(open)d open, "
            "of which %(overdue)d past their answer date without an answer and %(red)d red."
        )
        % {
            "issued": n.issued,
            "answered": n.answered,
            "closed": n.closed,
            "open": n.open,
            "overdue": n.overdue,
            "red": n.red,
        },
        indent=True,
    )
    if content.open_notices:
        _table(
            document,
            [_("Number"), _("Lead unit"), _("Subject"), _("Answer by"), _("State")],
            [
                [
                    o.number,
                    o.unit,
                    o.title,
                    o.reply_by.isoformat(),
                    f"{o.state}{_(' (red)') if o.red else ''}",
                ]
                for o in content.open_notices
            ],
        )
        if content.open_notices_more:
            _paragraph(
                document,
                _("… and %(n)d more open notices, listed on the notices page.") % {"n": content.open_notices_more},
                indent=True,
            )


def _instructions(document, content: BulletinContent) -> None:
    """6. The leaders' instructions written in the period and the units' answers."""
    _paragraph(document, _("6. Leaders' instructions"), name=HEADING_FONT, indent=True)
    if not content.instructions:
        _paragraph(
            document,
            _("No leader's instruction was written in %(period)s.") % {"period": content.period_text},
            indent=True,
        )
        return
    _paragraph(
        document,
        ngettext(
            "%(n)d instruction written in %(period)s, %(answered)d of them answered.",
            "%(n)d instructions written in %(period)s, %(answered)d of them answered.",
            len(content.instructions),
        )
        % {
            "n": len(content.instructions),
            "period": content.period_text,
            "answered": sum(1 for line in content.instructions if line.answer),
        },
        indent=True,
    )
    _table(
        document,
        [_("No."), _("Leader"), _("On"), _("Instruction"), _("Answering unit"), _("Answer")],
        [
            [
                str(index),
                f"{line.leader}\n{line.day}",
                line.subject,
                line.text,
                line.unit,
                line.answer or line.state,
            ]
            for index, line in enumerate(content.instructions, start=1)
        ],
    )


def _requirements(document, content: BulletinContent) -> None:
    """6. What is asked of the units, and the 落款: the issuing office and the
    date, kept on one page with the text before them (an official document
    never leaves its signature alone on a page)."""
    heading = _paragraph(document, _("7. Requirements"), name=HEADING_FONT, indent=True)
    text = _paragraph(
        document,
        _(
            "Lead units of lagging items shall analyse the causes, take measures and catch up with time "
            "progress; units with open follow-up notices shall answer by the dates set."
        ),
        indent=True,
    )
    blank = _paragraph(document)
    office = content.office or _("%(zone)s supervision team") % {"zone": content.zone}
    signed = [_paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT) for line in (office, _date_text(content.date))]
    for paragraph in (heading, text, blank, signed[0]):
        paragraph.paragraph_format.keep_with_next = True
    for paragraph in signed:  # four characters in from the right margin
        paragraph.paragraph_format.right_indent = Pt(16 * 4)


# The bulletin's sections, in order: each writes itself into the document.
SECTIONS = (
    _masthead,
    _opening,
    _overall,
    _reporting,
    _ranking,
    _red_and_black_lists,
    _lagging,
    _notices,
    _instructions,
    _requirements,
)
