"""Files the page fuzzer uploads: the unit's own period sheet with nasty values written into
its cells (the visible rows and the hidden ``meta`` sheet), plans as text or as Word documents
with nasty figures and automatic numbering of any level, and files that are none of these."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from tests.fuzz.values import NUMBERS, PERIODS, control_text, long_text, nasty


@dataclass(frozen=True)
class Upload:
    """A file to post: its name and content (shown short in a failure's parameters)."""

    name: str
    content: bytes

    def __repr__(self) -> str:
        return f"Upload({self.name!r}, {len(self.content)} bytes, {self.content[:40]!r}…)"


NAMES = ("sheet.xlsx", "plan.docx", "plan.txt", "plan.pdf", "名称.xlsx", "x" * 240 + ".docx", "noext")
CELL_VALUES = st.one_of(
    nasty(),
    st.sampled_from((10**30, -(10**30), 1e308, -1e-308, 0, True, dt.datetime(1900, 1, 1), dt.date(9999, 12, 31))),
    st.sampled_from(("=1/0", "=A1", "是", "否", "", None)),
)


@st.composite
def sheet_upload(draw, base: Upload) -> Upload:
    """The downloaded sheet ``base`` with a few cells (of either sheet) changed."""
    workbook = load_workbook(io.BytesIO(base.content))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        sheet = workbook.worksheets[draw(st.integers(min_value=0, max_value=len(workbook.worksheets) - 1))]
        row = draw(st.integers(min_value=1, max_value=sheet.max_row + 1))
        column = draw(st.integers(min_value=1, max_value=sheet.max_column + 1))
        cell = sheet.cell(row=row, column=column)
        if type(cell).__name__ == "MergedCell":
            continue
        try:
            cell.value = draw(CELL_VALUES)
        except (IllegalCharacterError, ValueError, TypeError):
            continue  # a value no workbook can hold
    out = io.BytesIO()
    try:
        workbook.save(out)
    except (ValueError, TypeError):  # a value openpyxl itself will not write: upload the base
        return base
    return Upload(draw(st.sampled_from(("sheet.xlsx", *NAMES))), out.getvalue())


PLAN_LINES = (
    "一、发展目标",
    "二、重点任务",
    "（一）强化招商引资",
    "(二)推进项目建设",
    "{n}.新增企业{x}家。",
    "{n}、地区生产总值增长{x}%以上。",
    "{n}.固定资产投资达到{x}亿元,力争{x}亿元。",
    "（{n}）{x}月底前完成招商中心建设。",
    "一是规上工业增加值增长{x}%;二是研发投入占比达到{x}%。",
    "{x}",
)


@st.composite
def plan_text(draw) -> str:
    """A plan's text: headings and numbered targets with nasty figures and numbers."""
    lines = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        line = draw(st.sampled_from(PLAN_LINES))
        number = draw(st.sampled_from(("1", "2", "9" * 30, "²", "０", "一")))
        figure = draw(st.one_of(st.sampled_from(NUMBERS), st.sampled_from(PERIODS), control_text()))
        lines.append(line.replace("{n}", number).replace("{x}", figure))
    return "\n".join(lines)


# What no XML text node may hold, so no Word document carries it.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NUMBER_FORMATS = ("decimal", "chineseCounting", "decimalEnclosedCircle", "decimalFullWidth", "bullet", "", "bogus")
LEVELS = ("0", "1", "8", "9", "-1", "10", "abc", "²", "", "9" * 30)


def _set(parent, tag: str, value: str):
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    parent.append(element)
    return element


@st.composite
def plan_docx(draw) -> Upload:
    """A Word plan whose paragraphs use automatic numbering of drawn formats and levels,
    some levels that no list defines and numbering ids that do not exist."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for level in draw(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3)):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), level)
        _set(lvl, "w:numFmt", draw(st.sampled_from(NUMBER_FORMATS)))
        _set(lvl, "w:lvlText", draw(st.sampled_from(("%1、", "(%1)", "%1.%2.", "%9", "%0", "", "%1%1%1"))))
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    _set(num, "w:abstractNumId", "90")
    numbering.append(num)
    for line in draw(plan_text()).split("\n"):
        paragraph = document.add_paragraph(_XML_UNSAFE.sub("", line))
        if draw(st.booleans()):
            properties = paragraph._p.get_or_add_pPr()
            numbered = OxmlElement("w:numPr")
            _set(numbered, "w:ilvl", draw(st.sampled_from(LEVELS)))
            _set(numbered, "w:numId", draw(st.sampled_from(("90", "1", "0", "999", "x"))))
            properties.append(numbered)
    out = io.BytesIO()
    document.save(out)
    return Upload(draw(st.sampled_from(("plan.docx", *NAMES))), out.getvalue())


@st.composite
def odd_file(draw) -> Upload:
    """Files that are not what the page asks for: empty, binary, text, a zip of junk."""
    junk = io.BytesIO()
    with zipfile.ZipFile(junk, "w") as archive:
        archive.writestr("word/document.xml", draw(st.sampled_from(("", "<w:document/>", "<<<"))))
    content = draw(
        st.one_of(
            st.just(b""),
            st.binary(max_size=200),
            st.builds(lambda s: s.encode("utf-8"), st.one_of(plan_text(), long_text(), control_text())),
            st.builds(lambda s: s.encode("gb18030", errors="replace"), plan_text()),
            st.just(b"%PDF-1.4\n"),
            st.just(junk.getvalue()),
        )
    )
    return Upload(draw(st.sampled_from(NAMES)), content)


def uploads(*, sheet: bytes | None) -> st.SearchStrategy[Upload]:
    """Any file for an upload field; the period sheet first when the page has one."""
    options = [plan_docx(), odd_file()]
    if sheet is not None:
        options.insert(0, sheet_upload(Upload("sheet.xlsx", sheet)))
    return st.one_of(*options)
