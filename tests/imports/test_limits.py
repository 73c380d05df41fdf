"""What is too long to import is refused before any parsing, and a damaged Word document is
refused with a message, never an error page.

Texts are counted (characters, lines) before the parser sees them; a Word document's parts are
counted as a stream (paragraphs, characters, elements) before python-docx builds its tree, so a
small file that expands to millions of paragraphs costs neither time nor memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.utils import translation

from imports.reading import (
    MAX_CHARS,
    MAX_DOCX_ELEMENTS,
    MAX_LINES,
    ImportRefused,
    text_from_bytes,
    text_from_str,
)
from imports.services import plan_parse

docx = pytest.importorskip("docx")

PLAN_LINE = "1.推进重点任务,新增企业5家。\n"


def refusal(call: Callable[[], object]) -> ImportRefused:
    with translation.override("en"), pytest.raises(ImportRefused) as info:
        call()
    return info.value


@pytest.fixture
def no_parsing(monkeypatch):
    """Call it once the test's input is built: from then on, the test fails if the plan's text
    reaches the parser or a document reaches python-docx."""

    def parsed(*args, **kwargs):
        # pytest.fail raises a BaseException, which no ``except Exception`` of the reader catches.
        pytest.fail("parsed although it was over a limit")

    def forbid() -> None:
        monkeypatch.setattr("imports.services.outline_build", parsed)
        monkeypatch.setattr(docx, "Document", parsed)

    return forbid


# ---- text ------------------------------------------------------------------------------------


def test_a_text_of_more_lines_than_the_limit_is_refused_before_parsing(no_parsing):
    text = "一、重点工作\n" + PLAN_LINE * MAX_LINES
    no_parsing()
    refused = refusal(lambda: plan_parse(text=text, year=2014))
    assert refused.code == "too_long"
    assert refused.message.startswith("The plan's text is too long:")
    assert f"{MAX_LINES + 1:,} lines" in refused.message


def test_blank_lines_count_as_lines():
    refused = refusal(lambda: text_from_str("一、重点工作" + "\n" * (MAX_LINES + 5)))
    assert refused.code == "too_long"


def test_a_text_of_exactly_the_line_limit_is_read():
    text = "一、重点工作\n" + PLAN_LINE * (MAX_LINES - 1)
    assert text_from_str(text) == text
    assert text_from_str(text.rstrip("\n")) == text.rstrip("\n")


def test_a_text_of_more_characters_than_the_limit_is_refused_before_parsing(no_parsing):
    text = "一、目标\n" + "字" * MAX_CHARS
    no_parsing()
    refused = refusal(lambda: plan_parse(text=text, year=2014))
    assert refused.code == "too_long"
    assert f"{MAX_CHARS + 5:,} characters" in refused.message


def test_a_text_file_of_too_many_lines_is_refused_in_any_encoding():
    data = ("一、重点工作\r\n" + PLAN_LINE.replace("\n", "\r\n") * MAX_LINES).encode("utf-16")
    assert refusal(lambda: text_from_bytes(data, name="plan.txt")).code == "too_long"


# ---- .docx: a document built from parts ----------------------------------------------------


def document_bytes(*paragraphs: str, style: str | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, edits: dict[str, Callable[[str], str]], *, body: tuple[str, int] | None = None) -> bytes:
    """``data`` with some parts edited; ``body`` = (xml, n) replaces the document's body with
    ``xml`` written n times, streamed into the archive so that millions of paragraphs fit in a
    few kilobytes of the test's memory."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            xml = source.read(info.filename)
            if info.filename in edits:
                xml = edits[info.filename](xml.decode("utf-8")).encode("utf-8")
            if body is not None and info.filename == "word/document.xml":
                head, _, rest = xml.decode("utf-8").partition("<w:body>")
                repeated, times = body
                with archive.open(info.filename, "w", force_zip64=True) as part:
                    part.write(f"{head}<w:body>".encode())
                    chunk = (repeated * 10_000).encode()
                    for _ in range(times // 10_000):
                        part.write(chunk)
                    part.write((repeated * (times % 10_000)).encode())
                    part.write(("</w:body>" + rest.partition("</w:body>")[2]).encode())
                continue
            archive.writestr(info.filename, xml)
    return out.getvalue()


def test_a_small_docx_of_eight_million_empty_paragraphs_is_refused_without_building_it(no_parsing):
    data = rewritten(document_bytes("一、重点工作"), {}, body=("<w:p/>", 8_000_000))
    assert len(data) < 200 * 1024  # what was uploaded: tens of kilobytes

    no_parsing()
    refused = refusal(lambda: text_from_bytes(data, name="plan.docx"))

    assert refused.code == "too_long"
    assert refused.message.startswith("The plan's text is too long:")
    assert f"{MAX_LINES:,} paragraphs" in refused.message


def test_paragraphs_are_counted_in_whatever_part_holds_the_document(no_parsing):
    """The package's relationships, not the name word/document.xml, say which part python-docx
    reads: a small decoy under the usual name does not hide the real one."""
    plain = document_bytes("一、重点工作")
    moved = rewritten(
        plain,
        {
            "_rels/.rels": lambda xml: xml.replace("word/document.xml", "word/main.xml"),
            "[Content_Types].xml": lambda xml: xml.replace("/word/document.xml", "/word/main.xml"),
        },
        body=("<w:p/>", MAX_LINES + 1),
    )
    source = zipfile.ZipFile(io.BytesIO(moved))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            name = "word/main.xml" if info.filename == "word/document.xml" else info.filename
            archive.writestr(name, source.read(info.filename))
        archive.writestr("word/document.xml", zipfile.ZipFile(io.BytesIO(plain)).read("word/document.xml"))

    no_parsing()
    assert refusal(lambda: text_from_bytes(out.getvalue(), name="plan.docx")).code == "too_long"


def test_a_docx_of_too_many_elements_is_refused_without_building_it(no_parsing):
    data = rewritten(document_bytes("一、重点工作"), {}, body=("<w:p>" + "<w:r/>" * 1000 + "</w:p>", 600))
    assert MAX_DOCX_ELEMENTS < 600_000

    no_parsing()
    refused = refusal(lambda: text_from_bytes(data, name="plan.docx"))

    assert refused.code == "too_large"


def test_a_docx_of_too_many_characters_is_refused_without_building_it(no_parsing):
    paragraph = "<w:p><w:r><w:t>" + "字" * 1000 + "</w:t></w:r></w:p>"
    data = rewritten(document_bytes("一、重点工作"), {}, body=(paragraph, MAX_CHARS // 1000 + 1))

    no_parsing()
    refused = refusal(lambda: text_from_bytes(data, name="plan.docx"))

    assert refused.code == "too_long"
    assert f"{MAX_CHARS:,} characters" in refused.message


def test_a_docx_that_declares_entities_is_refused(no_parsing):
    data = rewritten(
        document_bytes("一、重点工作"),
        {
            "word/document.xml": lambda xml: xml.replace(
                "<w:document", '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]><w:document', 1
            ).replace("重点工作", "&a;&a;&a;")
        },
    )
    no_parsing()
    assert refusal(lambda: text_from_bytes(data, name="plan.docx")).code == "bad_docx"


def test_a_docx_within_the_limits_is_read_with_its_pictures_and_numbering():
    data = document_bytes("推进重点项目。新开工项目12个。", "完善基础设施。", style="List Number")
    assert "docProps/thumbnail.jpeg" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert text_from_bytes(data, name="plan.docx").splitlines() == [
        "1.推进重点项目。新开工项目12个。",
        "2.完善基础设施。",
    ]


def test_a_docx_of_exactly_the_paragraph_limit_is_read():
    data = rewritten(document_bytes("x"), {}, body=("<w:p><w:r><w:t>一、重点工作</w:t></w:r></w:p>", MAX_LINES))
    assert text_from_bytes(data, name="plan.docx").count("一、重点工作") == MAX_LINES


# ---- .docx: damaged list levels ----------------------------------------------------------


BAD_LEVELS = ["x", "12", "abc", "-1", "9", "１", "99999999999999999999999999"]


def numbered(part: str, edit: Callable[[str], str]) -> bytes:
    """A document numbered by Word (the List Number style), with one part edited."""
    data = document_bytes("推进重点项目。新开工项目12个。", "完善基础设施。", style="List Number")
    return rewritten(data, {part: edit})


def in_the_definition(level: str) -> bytes:
    return numbered("word/numbering.xml", lambda xml: xml.replace('w:ilvl="0"', f'w:ilvl="{level}"'))


def in_a_paragraph(level: str) -> bytes:
    return numbered(
        "word/document.xml",
        lambda xml: re.sub(
            r'<w:pStyle w:val="ListNumber"/>',
            f'<w:pStyle w:val="ListNumber"/><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="5"/></w:numPr>',
            xml,
            count=1,
        ),
    )


def in_a_style(level: str) -> bytes:
    return numbered(
        "word/styles.xml",
        lambda xml: xml.replace(
            '<w:numPr><w:numId w:val="5"/></w:numPr>',
            f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="5"/></w:numPr>',
        ),
    )


@pytest.mark.parametrize("level", BAD_LEVELS)
@pytest.mark.parametrize("place", [in_the_definition, in_a_paragraph, in_a_style], ids=lambda f: f.__name__)
def test_a_list_level_that_is_not_0_to_8_is_refused_as_damaged_numbering(place, level):
    data = place(level)
    assert data != place("0")  # the edit took place

    refused = refusal(lambda: text_from_bytes(data, name="plan.docx"))

    assert refused.code == "bad_numbering"
    assert "list numbering is damaged" in refused.message


@pytest.mark.parametrize("place", [in_the_definition, in_a_paragraph, in_a_style], ids=lambda f: f.__name__)
def test_list_levels_0_to_8_are_read(place):
    assert text_from_bytes(place("0"), name="plan.docx").splitlines()[0] == "1.推进重点项目。新开工项目12个。"


# ---- .docx: tables -----------------------------------------------------------------------


def test_a_table_nested_in_a_cell_is_read_once_as_part_of_that_cell():
    document = docx.Document()
    document.add_paragraph("一、重点工作")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table.rows[0].cells, ["序号", "工作任务"], strict=True):
        cell.text = text
    table.cell(1, 0).text = "1"
    outer = table.cell(1, 1)
    outer.text = "新开工项目10个"
    middle = outer.add_table(rows=1, cols=2)
    middle.cell(0, 0).text = "甲"
    middle.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "乙"
    buffer = io.BytesIO()
    document.save(buffer)

    text = text_from_bytes(buffer.getvalue(), name="plan.docx")

    assert text.splitlines() == ["一、重点工作", "1.新开工项目10个甲乙。"]


@pytest.mark.parametrize(
    ("declared", "codec"),
    [("gb18030", "gb18030"), ("UCS-4", "utf-32-be"), ("UTF-32", "utf-32"), ("x-unknown", "utf-8")],
)
def test_a_docx_part_in_an_encoding_that_cannot_be_counted_is_refused(no_parsing, declared, codec):
    """libxml2 reads encodings expat does not (UCS-4 is read by python-docx): such a part could
    not be counted, so it is not built either."""
    source = zipfile.ZipFile(io.BytesIO(document_bytes("一、重点工作")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8").replace("encoding='UTF-8'", f"encoding='{declared}'", 1)
                assert declared in xml
                data = xml.encode(codec)
            archive.writestr(info.filename, data)
    no_parsing()
    assert refusal(lambda: text_from_bytes(out.getvalue(), name="plan.docx")).code == "bad_docx"
