"""User text is shown as text everywhere: escaped in the pages, neutralised in the
spreadsheets (a cell never starts a formula), and literal in the Word bulletin.

The texts a user can type (a narrative, a return reason, a notice's requirement, a unit's
name) carry a script tag and a spreadsheet command ("formula injection"), in ASCII and in
the full-width forms Chinese input methods type. Text holding characters XML cannot carry
(stored before they were refused) still gives files that open.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.test import Client
from django.utils.html import escape
from docx import Document
from openpyxl import load_workbook

from plans.periods import Period
from progress.choices import ReportStatus
from progress.models import Report
from progress.selectors import period_rows
from progress.sheets import period_sheet_build, period_sheet_preview, period_sheet_read
from supervision.bulletin import bulletin_build
from supervision.services import notices_issue
from targets.models import Target
from zones.models import Unit

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA = "=cmd|' /C calc'!A0"
# Each text starts with the formula (the dangerous place in a cell) and carries the script tag.
UNIT = f"{FORMULA}{SCRIPT}局"
NARRATIVE = f"{FORMULA} 完成投资{SCRIPT}"
PROBLEMS = f"+{SCRIPT}"
RETURN_REASON = f"@SUM(1+1) 口径不一致{SCRIPT}"
REQUIREMENT = f"-2+3 {SCRIPT} 请整改"
FULL_WIDTH = f"＝1+1 全角公式{SCRIPT}"
TEXTS = (UNIT, NARRATIVE, PROBLEMS, RETURN_REASON, REQUIREMENT, FULL_WIDTH)
# What makes a spreadsheet run a cell as a formula: said here, not taken from the code under test.
STARTS_A_FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@pytest.fixture
def hostile(zone, clock_at):
    """The supervision zone with hostile text in every field a user types."""
    clock_at(zone.today)
    zone.econ.name = UNIT
    zone.econ.save()
    june = zone.serious.reports.get(year=2014, month=6)
    june.progress, june.problems, june.next_steps = NARRATIVE, PROBLEMS, FULL_WIDTH
    june.save()
    returned = zone.returned.reports.get(year=2014, month=6)
    assert returned.status == ReportStatus.RETURNED
    returned.return_reason = RETURN_REASON
    returned.save()
    notice = notices_issue(
        target_ids=[zone.serious.pk],
        period=zone.period,
        reply_by=zone.today,
        requirement=REQUIREMENT,
        by=zone.supervisor,
    ).notices[0]
    zone.notice = notice
    return zone


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_pages_show_user_text_escaped(hostile):
    z = hostile
    unit_period = f"/progress/plans/{z.plan.pk}/units/{z.econ.pk}/periods/2014-06/"
    pages = {
        f"/progress/targets/{z.serious.pk}/": (z.leader, [UNIT, NARRATIVE, PROBLEMS]),
        f"/progress/targets/{z.returned.pk}/": (z.staff, [RETURN_REASON]),
        unit_period: (z.staff, [NARRATIVE, RETURN_REASON]),
        "/progress/": (z.staff, [RETURN_REASON]),
        f"/supervision/notices/{z.notice.pk}/": (z.supervisor, [UNIT, REQUIREMENT]),
        "/supervision/notices/": (z.staff, [UNIT]),
        f"/supervision/?plan={z.plan.pk}&period=2014-06&list=": (z.supervisor, [UNIT]),
        f"/supervision/ranking/?plan={z.plan.pk}&period=2014-06": (z.supervisor, [UNIT]),
        f"/dashboard/plans/{z.plan.pk}/?period=2014-06": (z.leader, [UNIT]),
        f"/dashboard/plans/{z.plan.pk}/tree/?period=2014-06": (z.leader, [UNIT]),
    }
    for url, (user, texts) in pages.items():
        html = page(user, url)
        assert SCRIPT not in html, url
        for text in texts:
            assert escape(text) in html, (url, text)


def texts_of_xlsx(data: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def runs_as_formula(cell: str) -> bool:
    return cell.startswith(STARTS_A_FORMULA) or cell.lstrip(" \u3000\n").startswith(STARTS_A_FORMULA)


def assert_neutralised(cells: list[str], expected: tuple[str, ...]) -> None:
    for cell in cells:
        if is_number(cell):  # a CSV's figures (a negative gap) are text to the csv module
            continue
        assert not runs_as_formula(cell), f"a cell that a spreadsheet would run: {cell!r}"
    joined = "\n".join(cells)
    for text in expected:
        assert "'" + text in joined or text in joined, f"{text!r} is missing"
    assert SCRIPT in joined  # literal text: a spreadsheet shows it and runs nothing


def download(user, url: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_supervision_exports_neutralise_formulas(hostile):
    z = hostile
    query = f"?plan={z.plan.pk}&period=2014-06&list="
    cells = texts_of_xlsx(download(z.supervisor, f"/supervision/export.xlsx{query}"))
    assert_neutralised(cells, (UNIT, NARRATIVE, PROBLEMS, FULL_WIDTH))
    assert "'" + UNIT in cells and "'" + NARRATIVE in cells and "'" + FULL_WIDTH in cells

    text = download(z.supervisor, f"/supervision/export.csv{query}").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    csv_cells = [cell for row in rows for cell in row]
    assert_neutralised(csv_cells, (UNIT, NARRATIVE, PROBLEMS, FULL_WIDTH))
    assert "'" + UNIT in csv_cells and "'" + FULL_WIDTH in csv_cells


def test_the_ledger_neutralises_formulas(hostile):
    z = hostile
    cells = texts_of_xlsx(
        download(z.supervisor, f"/supervision/ledger/{z.plan.pk}/units/{z.econ.pk}.xlsx?period=2014-06")
    )
    assert_neutralised(cells, (UNIT, NARRATIVE, PROBLEMS, FULL_WIDTH))
    assert "'" + FULL_WIDTH in cells


def test_the_period_sheet_neutralises_formulas(hostile):
    z = hostile
    period = Period(2014, 6)
    data = period_sheet_build(
        plan=z.plan, unit=z.econ, period=period, rows=period_rows(plan=z.plan, unit=z.econ, period=period)
    )
    cells = texts_of_xlsx(data)
    assert_neutralised(cells, (NARRATIVE, PROBLEMS, FULL_WIDTH))
    assert "'" + FULL_WIDTH in cells
    assert any(UNIT in cell for cell in cells)  # in the title and the sheet's own record of the unit


def test_the_bulletin_shows_user_text_literally(hostile):
    z = hostile
    data = bulletin_build(plan=z.plan, period=Period(2014, 6), today=z.today)
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    joined = "\n".join(texts)
    assert UNIT in joined  # the unit's name, exactly as typed: text, not markup or a field
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml").decode()
    assert SCRIPT not in body and ESCAPED in body  # XML-escaped in the file itself
    assert "<w:fldSimple" not in body and "<w:instrText" not in body  # no Word field was made of it


# --- characters XML cannot carry, stored before they were refused ---------------------------

# Word's manual line break (U+000B), a page break, other control characters, a non-character.
OLD_UNIT = "经济\x0b发展局\x01"
OLD_INDICATOR = "新开工\x0b项目"
OLD_PROGRESS = "完成\x0b投资\x1f"
OLD_PROBLEMS = "\x0c=1+1 土地"
OLD_NEXT_STEPS = "下步\ufffe措施\x08"
FORBIDDEN = set(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))


@pytest.fixture
def garbled(zone, clock_at):
    """The supervision zone with such characters written straight into the database, as old
    data (or a hand-made fix) could hold them."""
    clock_at(zone.today)
    Unit.objects.filter(pk=zone.econ.pk).update(name=OLD_UNIT)
    Target.objects.filter(pk=zone.serious.pk).update(indicator=OLD_INDICATOR)
    Report.objects.filter(target=zone.serious, year=2014, month=6).update(
        progress=OLD_PROGRESS, problems=OLD_PROBLEMS, next_steps=OLD_NEXT_STEPS
    )
    zone.econ.refresh_from_db()
    return zone


def assert_cleaned(texts: list[str]) -> None:
    joined = "\n".join(texts)
    assert not FORBIDDEN & set(joined), "a character XML forbids reached the file"
    for expected in ("经济\n发展局", "完成\n投资", "下步措施"):
        assert expected in joined, expected


def test_the_list_exports_open_with_control_characters_in_the_stored_text(garbled):
    z = garbled
    query = f"?plan={z.plan.pk}&period=2014-06&list="
    cells = texts_of_xlsx(download(z.supervisor, f"/supervision/export.xlsx{query}"))
    assert_cleaned(cells)
    assert "'\n=1+1 土地" in cells  # the page break became a line break, and the formula is still guarded
    text = download(z.supervisor, f"/supervision/export.csv{query}").decode("utf-8-sig")
    assert_cleaned([cell for row in csv.reader(io.StringIO(text)) for cell in row])


def test_the_ledger_opens_with_control_characters_in_the_stored_text(garbled):
    z = garbled
    cells = texts_of_xlsx(
        download(z.supervisor, f"/supervision/ledger/{z.plan.pk}/units/{z.econ.pk}.xlsx?period=2014-06")
    )
    assert_cleaned(cells)


def test_the_period_sheet_opens_and_reads_back_with_control_characters_in_the_stored_text(garbled):
    z = garbled
    data = download(z.staff, f"/progress/plans/{z.plan.pk}/units/{z.econ.pk}/periods/2014-06/sheet.xlsx")
    assert_cleaned(texts_of_xlsx(data))
    rows = period_sheet_read(data=data, plan=z.plan, unit=z.econ, period=Period(2014, 6))
    assert "完成\n投资" in [row.progress for row in rows]
    preview = period_sheet_preview(plan=z.plan, unit=z.econ, period=Period(2014, 6), rows=rows, by=z.staff)
    assert preview.changed_count == 0  # the sheet as downloaded changes nothing


def test_the_bulletin_opens_with_control_characters_in_the_stored_text(garbled):
    z = garbled
    document = Document(io.BytesIO(bulletin_build(plan=z.plan, period=Period(2014, 6), today=z.today)))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    joined = "\n".join(texts)
    assert not FORBIDDEN & set(joined)
    assert "经济\n发展局" in joined and "新开工\n项目" in joined
