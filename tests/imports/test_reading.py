"""From bytes to text: encodings, Word documents, and every kind of bad input refused quickly
with a message that says what to do."""

import io
import random

import pytest

from imports.reading import MAX_BYTES, ImportRefused, text_from_bytes, text_from_path, text_from_stream
from imports.services import plan_parse

PLAN = "一、发展目标\n1.主要指标。全年新增企业5家,固定资产投资同比增长15%。\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def refused(call, *args, **kwargs) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        call(*args, **kwargs)
    assert info.value.message
    return info.value


@pytest.mark.parametrize(
    "data",
    [
        PLAN.encode("utf-8"),
        b"\xef\xbb\xbf" + PLAN.encode("utf-8"),
        PLAN.encode("gb18030"),
        PLAN.encode("gbk"),
        PLAN.encode("utf-16"),  # with its byte-order mark
        PLAN.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-bom", "crlf"],
)
def test_it_decodes_the_encodings_of_chinese_text(data):
    assert text_from_bytes(data, name="plan.txt") == PLAN


def test_it_reads_a_docx_with_paragraphs_and_a_table_of_tasks():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("示范区2014年工作要点")
    document.add_paragraph("一、重点工作")
    table = document.add_table(rows=3, cols=4)
    for cell, text in zip(table.rows[0].cells, ["序号", "工作任务", "牵头单位", "完成时限"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "新开工项目10-15个", "经济发展局", "6月底"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[2].cells, ["2", "新增绿化面积8万平方米", "城市管理局", ""], strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)

    text = text_from_bytes(buffer.getvalue(), name="plan.docx")

    assert "一、重点工作" in text
    assert "1.新开工项目10-15个。(牵头单位:经济发展局)(完成时限:6月底)" in text
    parsed = plan_parse(text=text, year=2014)
    assert [(t.path, t.lead_unit) for t in parsed.tasks] == [
        ("一", ""),
        ("一 > 1", "经济发展局"),
        ("一 > 2", "城市管理局"),
    ]
    assert [(t.value, t.value_high, t.unit) for t in parsed.targets] == [(10, 15, "个"), (8, None, "万平方米")]


def test_it_writes_out_words_automatic_numbering():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("推进重点项目。新开工项目12个。", style="List Number")
    document.add_paragraph("完善基础设施。新建道路5条。", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    text = text_from_bytes(buffer.getvalue(), name="plan.docx")
    assert text.splitlines() == ["1.推进重点项目。新开工项目12个。", "2.完善基础设施。新建道路5条。"]


# ---- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n", "\u3000\n".encode()])
def test_an_empty_document_is_refused(data):
    assert refused(text_from_bytes, data, name="plan.txt").code == "empty"


def test_empty_pasted_text_is_refused():
    assert refused(plan_parse, text="  \n ", year=2014).code == "empty"


def test_an_image_is_refused():
    assert refused(text_from_bytes, PNG, name="plan.txt").code == "image"
    assert refused(text_from_bytes, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", name="scan.jpg").code == "image"
    assert refused(text_from_bytes, b"GIF89a\x01\x00\x01\x00", name="a.gif").code == "image"


@pytest.mark.parametrize("seed", range(5))
def test_random_binary_is_refused(seed):
    data = random.Random(seed).randbytes(64 * 1024)
    assert refused(text_from_bytes, data, name="plan.txt").code in ("binary", "encoding")


def test_other_documents_are_refused_with_what_to_do():
    assert refused(text_from_bytes, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", name="plan.pdf").code == "pdf"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert refused(text_from_bytes, ole, name="plan.doc").code == "doc"
    assert refused(text_from_bytes, b"PK\x03\x04garbage", name="plan.docx").code == "bad_docx"


def test_a_zip_that_is_not_a_word_document_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    assert refused(text_from_bytes, buffer.getvalue(), name="plan.zip").code == "not_docx"


def test_a_file_over_10_mb_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: 10 MB + 1 byte without writing them

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(type(path), "open", no_reading)
    assert refused(text_from_path, path).code == "too_large"


def test_an_upload_over_10_mb_is_refused_after_reading_no_more_than_the_limit():
    class Stream(io.RawIOBase):
        asked: list[int] = []

        def read(self, size=-1):
            self.asked.append(size)
            return b"a" * (MAX_BYTES + 1 if size < 0 else size)

    stream = Stream()
    assert refused(text_from_stream, stream, name="big.txt").code == "too_large"
    assert stream.asked == [MAX_BYTES + 1]


def test_exactly_10_mb_passes_the_size_gate_and_meets_the_length_limit():
    data = ("一、目标\n1.新增企业5家。\n" * 400_000).encode("utf-8")[:MAX_BYTES]
    data = data.decode("utf-8", errors="ignore").encode("utf-8")
    assert len(data) <= MAX_BYTES
    assert refused(text_from_bytes, data, name="plan.txt").code == "too_long"


def test_text_without_numbering_is_refused():
    text = "全年新增企业5家,固定资产投资同比增长15%,登记失业率控制在4%以内。"
    assert refused(plan_parse, text=text, year=2014).code == "no_numbering"


def test_a_text_longer_than_a_million_characters_is_refused():
    assert refused(plan_parse, text="一、目标\n" + "字" * 1_000_001, year=2014).code == "too_long"


def test_a_docx_whose_paragraphs_open_in_bold_keeps_those_openings_as_its_items():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("云岭高新区2019年重点工作安排")
    document.add_paragraph("今年全区工作的总体要求是稳中求进、提质增效。")
    for heading, body in (
        ("全力稳住经济基本盘。", "全年新开工项目30个,引进亿元以上项目20个。"),
        ("持续优化营商环境。", "一网通办率达到95%,为企业减负5亿元。"),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(heading).bold = True
        paragraph.add_run(body)
    paragraph = document.add_paragraph()
    paragraph.add_run("1.").bold = True  # a bold number is a number, not a heading
    paragraph.add_run("其他工作。")
    buffer = io.BytesIO()
    document.save(buffer)

    text = text_from_bytes(buffer.getvalue(), name="plan.docx")

    assert "\n全力稳住经济基本盘\n全年新开工项目30个" in text
    assert "\n1.其他工作。" in text
    parsed = plan_parse(text=text.replace("\n1.其他工作。", ""), year=2019)
    assert [(t.path, t.heading) for t in parsed.tasks if not t.preamble] == [
        ("1", "全力稳住经济基本盘"),
        ("2", "持续优化营商环境"),
    ]
    assert [t.task_path for t in parsed.targets] == ["1", "1", "2", "2"]


def test_a_table_pasted_from_a_spreadsheet_is_read_as_a_word_table_is():
    text = (
        "江川高新区2021年重点工作任务分解表\n"
        "序号\t重点任务\t工作目标\t牵头单位\t完成时限\n"
        "一、经济发展\t\t\t\t\n"
        "1\t推动工业增长\t规上工业增加值增长10%\t经济发展局\t2021年12月底\n"
        "2\t扩大有效投资\t完成固定资产投资120亿元，力争130亿元\t发展改革局\t2021年12月底\n"
        "二、科技创新\t\t\t\t\n"
        "3\t培育创新主体\t新增高新技术企业50家以上\t科技创新局\t2021年12月底\n"
    )
    read = text_from_bytes(text.encode("utf-8"), name="plan.txt")
    assert "\t" not in read
    assert "1.推动工业增长。规上工业增加值增长10%。(牵头单位:经济发展局)(完成时限:2021年12月底)" in read
    parsed = plan_parse(text=read, year=2021)
    assert [(t.task_path, t.value, t.stretch) for t in parsed.targets] == [
        ("一 > 1", 10, None),
        ("一 > 2", 120, 130),
        ("二 > 3", 50, None),
    ]
    assert {t.path: t.lead_unit for t in parsed.tasks}["一 > 1"] == "经济发展局"


def test_a_few_lines_with_tabs_are_not_a_table():
    text = "一、重点工作\n1.项目\t新开工项目30个\t年内\n2.招商\t引进项目20个\t年内\n"
    assert text_from_bytes(text.encode("utf-8"), name="plan.txt") == text
