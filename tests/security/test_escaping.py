"""User text is shown as text everywhere: escaped in the pages, neutralised in the
spreadsheets (a cell never starts a formula), and literal in the Word bulletin.

The texts a user can type (a narrative, a return reason, a notice's requirement, a unit's
name) carry a script tag and a spreadsheet command ("formula injection").
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

from core.spreadsheets import FORMULA_TRIGGERS
from progress.choices import ReportStatus
from progress.periods import Period
from progress.selectors import period_rows
from progress.sheets import period_sheet_build
from supervision.bulletin import bulletin_build
from supervision.services import notices_issue

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA = "=cmd|' /C calc'!A0"
# Each text starts with the formula (the dangerous place in a cell) and carries the script tag.
UNIT = f"{FORMULA}{SCRIPT}局"
NARRATIVE = f"{FORMULA} 完成投资{SCRIPT}"
PROBLEMS = f"+{SCRIPT}"
RETURN_REASON = f"@SUM(1+1) 口径不一致{SCRIPT}"
REQUIREMENT = f"-2+3 {SCRIPT} 请整改"
TEXTS = (UNIT, NARRATIVE, PROBLEMS, RETURN_REASON, REQUIREMENT)


@pytest.fixture
def hostile(zone, clock_at):
    """The supervision zone with hostile text in every field a user types."""
    clock_at(zone.today)
    zone.econ.name = UNIT
    zone.econ.save()
    june = zone.serious.reports.get(year=2014, month=6)
    june.progress, june.problems = NARRATIVE, PROBLEMS
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


def assert_neutralised(cells: list[str], expected: tuple[str, ...]) -> None:
    for cell in cells:
        if is_number(cell):  # a CSV's figures (a negative gap) are text to the csv module
            continue
        assert not cell.startswith(FORMULA_TRIGGERS), f"a cell that a spreadsheet would run: {cell!r}"
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
    assert_neutralised(cells, (UNIT, NARRATIVE, PROBLEMS))
    assert "'" + UNIT in cells and "'" + NARRATIVE in cells

    text = download(z.supervisor, f"/supervision/export.csv{query}").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    csv_cells = [cell for row in rows for cell in row]
    assert_neutralised(csv_cells, (UNIT, NARRATIVE, PROBLEMS))
    assert "'" + UNIT in csv_cells


def test_the_ledger_neutralises_formulas(hostile):
    z = hostile
    cells = texts_of_xlsx(
        download(z.supervisor, f"/supervision/ledger/{z.plan.pk}/units/{z.econ.pk}.xlsx?period=2014-06")
    )
    assert_neutralised(cells, (UNIT, NARRATIVE, PROBLEMS))


def test_the_period_sheet_neutralises_formulas(hostile):
    z = hostile
    period = Period(2014, 6)
    data = period_sheet_build(
        plan=z.plan, unit=z.econ, period=period, rows=period_rows(plan=z.plan, unit=z.econ, period=period)
    )
    cells = texts_of_xlsx(data)
    assert_neutralised(cells, (NARRATIVE, PROBLEMS))
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
