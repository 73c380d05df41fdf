"""The bulletin as a zone office issues it, read back from the .docx: its
文号 counted per zone and year under the zone's prefix, a headline that stays
on one line, full-width punctuation, tables sized to their content, page
numbers, the issuing office and date at the end; and the PDF beside it."""

import io
import os
import re

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from core.office import office_command
from plans.periods import Period
from supervision.bulletin import column_widths, fitting_size, sensible_lines, text_width_em
from supervision.models import SupervisionSetting
from supervision.services import bulletin_generate

pytestmark = pytest.mark.django_db
ASCII_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _document(bulletin):
    with bulletin.file.open("rb") as handle:
        return Document(io.BytesIO(handle.read()))


def _texts(document) -> list[str]:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_document_number_has_the_zones_prefix_and_counts_per_zone_and_year(zone, issue):
    SupervisionSetting.objects.create(zone=zone.zone, document_prefix="测试管督", issuing_office="测试区督查办公室")
    issue(zone.serious)
    june = bulletin_generate(plan=zone.plan, period=zone.period, by=zone.supervisor, today=zone.today)
    may = bulletin_generate(plan=zone.plan, period=Period(2014, 5), by=zone.supervisor, today=zone.today)
    again = bulletin_generate(plan=zone.plan, period=zone.period, by=zone.supervisor, today=zone.today)
    other = bulletin_generate(plan=zone.other_plan, period=Period(zone.other_plan.start_year, 6), today=zone.today)

    assert (june.document_number, may.document_number) == ("测试管督〔2014〕1号", "测试管督〔2014〕2号")
    assert again.pk == june.pk and again.document_number == "测试管督〔2014〕1号"  # generated again: same 文号
    assert other.document_number == "他区管督〔2014〕1号"  # another zone counts on its own, under its default
    document = _document(again)
    texts = [p.text for p in document.paragraphs]
    assert "测试管督〔2014〕1号" in texts
    # 落款: the issuing office and the date, the last two lines, right-aligned.
    assert texts[-2:] == ["测试区督查办公室", "2014年7月10日"]
    assert all(p.alignment == 2 for p in document.paragraphs[-2:])


def test_every_sentence_has_full_width_punctuation(zone, issue):
    issue(zone.serious)
    document = _document(bulletin_generate(plan=zone.plan, period=zone.period, today=zone.today))
    texts = _texts(document)
    assert "各单位：" in texts and "红榜：无。" in texts
    assert [t for t in texts if ASCII_IN_CHINESE.search(t)] == []


def test_the_headlines_stay_on_one_line_and_the_footer_numbers_the_pages(zone):
    document = _document(bulletin_generate(plan=zone.plan, period=zone.period, today=zone.today))
    masthead, title = document.paragraphs[0], document.paragraphs[3]
    assert title.text == "关于2014年1-6月重点工作推进情况的通报"
    for headline in (masthead, title):
        assert "\n" not in headline.text and len(headline.runs) == 1  # one line, no break inside
        size = headline.runs[0].font.size.pt
        assert size * text_width_em(headline.text) <= 15.6 / 2.54 * 72  # fits the text width
    footer = document.sections[0].footer._element
    assert " PAGE " in [node.text for node in footer.iter(qn("w:instrText"))]
    assert document.sections[0].footer.paragraphs[0].text.startswith("— ")


def test_tables_are_sized_to_their_content(zone, issue):
    issue(zone.serious)
    document = _document(bulletin_generate(plan=zone.plan, period=zone.period, today=zone.today))
    ranking, lagging, notices = document.tables
    for table in (ranking, lagging, notices):
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - 15.6 * 567) < 15  # the text width, in twips
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    lagging_grid = [int(col.get(qn("w:w"))) for col in lagging._tbl.tblGrid.findall(qn("w:gridCol"))]
    # The situation (long text) gets the widest column; the number column stays narrow but holds "序号".
    assert lagging_grid[2] == max(lagging_grid)
    assert 2 * 10.5 / 72 * 2.54 * 567 <= lagging_grid[0] < lagging_grid[2] / 3
    notice_grid = [int(col.get(qn("w:w"))) for col in notices._tbl.tblGrid.findall(qn("w:gridCol"))]
    # The 文号 "督办〔2014〕1号" and the date never wrap: their columns hold them whole.
    assert notice_grid[0] >= text_width_em("督办〔2014〕1号") * 10.5 / 72 * 2.54 * 567
    assert notice_grid[3] >= text_width_em("2014-07-17") * 10.5 / 72 * 2.54 * 567


def test_column_widths_keep_short_columns_whole_and_share_the_rest():
    widths = column_widths(["序号", "情况", "状态"], [["1", "很长的说明" * 20, "严重滞后"]], width_cm=15.6)
    assert round(sum(widths), 1) == 15.6
    assert widths[2] >= 4 * 10.5 / 72 * 2.54  # 严重滞后 on one line
    assert widths[1] > widths[0] + widths[2]


def test_a_title_too_long_for_one_line_breaks_at_a_sensible_point():
    title = "关于2026年1-12月经济开发区重点项目建设和招商引资工作推进情况的通报"
    assert fitting_size(title, width_cm=15.6, largest=22, smallest=18) is None
    lines = sensible_lines(title)
    assert "".join(lines) == title and len(lines) == 2
    assert lines[0].endswith(("关于", "年", "月", "的", "、"))


def test_the_bulletins_page_says_plainly_when_no_pdf_could_be_made(zone, client):
    bulletin_generate(plan=zone.plan, period=zone.period, today=zone.today)  # OFFICE_PDF off: no LibreOffice
    client.force_login(zone.supervisor)
    page = client.get(reverse("supervision:bulletins"), {"plan": zone.plan.pk}).content.decode()
    assert "未安装 LibreOffice" in page


def pdf_pages(data: bytes) -> tuple[int, list[tuple[float, float]]]:
    """The page count and the pages' (width, height) in points of a PDF as
    LibreOffice writes it (page objects as plain dictionaries)."""
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    boxes = [
        (float(x1) - float(x0), float(y1) - float(y0))
        for x0, y0, x1, y1 in re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    ]
    return pages, boxes


def _office_or_skip() -> None:
    if office_command() is None:
        if os.environ.get("TAIZHANG_REQUIRE_OFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (TAIZHANG_REQUIRE_OFFICE=1) but not installed")
        pytest.skip("LibreOffice (soffice) is not installed: no PDF to check")


def test_the_pdf_beside_the_docx_is_portrait_a4_of_a_few_pages(zone, issue, settings, client):
    settings.OFFICE_PDF = True
    _office_or_skip()
    issue(zone.serious)
    bulletin = bulletin_generate(plan=zone.plan, period=zone.period, by=zone.supervisor, today=zone.today)
    assert bulletin.pdf, "LibreOffice is installed, so the PDF is made"
    with bulletin.pdf.open("rb") as handle:
        data = handle.read()
    pages, boxes = pdf_pages(data)
    print(f"bulletin PDF: {pages} pages")
    assert 1 <= pages <= 4
    assert boxes and all(height > width and abs(width - 595) < 3 for width, height in boxes)  # portrait A4
    client.force_login(zone.leader)
    response = client.get(reverse("supervision:bulletin_pdf", args=[bulletin.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
