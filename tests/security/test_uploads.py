"""Upload limits: a plan's file (imports) and a unit's period sheet (progress) are refused when
larger than settings.UPLOAD_MAX_BYTES or not of their kind by content (whatever their name
says), with a clear message, and nothing is changed."""

from __future__ import annotations

import io
import zipfile
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.uploads import megabytes
from plans.models import Plan
from progress.models import Report
from progress.selectors import period_rows
from progress.sheets import period_sheet_build
from tests.factories import MembershipFactory, UserFactory, ZoneFactory
from zones.choices import Role

PLAN_TEXT = "示范区2027年重点工作计划\n一、项目建设\n1.招商引资。全年引进亿元以上项目10个。\n"
NEW = "/imports/new/"


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(text: str = PLAN_TEXT) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def without(data: bytes, part: str) -> bytes:
    """The same archive with one part left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return zip_of({name: source.read(name) for name in source.namelist() if name != part})


@pytest.fixture
def english():
    with translation.override("en"):
        yield


# --- plan import --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db, english):
    zone = ZoneFactory(code="up-zone")
    admin = MembershipFactory(user=UserFactory(username="up-admin"), zone=zone, unit=None, role=Role.ADMIN).user
    client.force_login(admin)
    client.zone = zone
    return client


def post_plan(client, name: str, data: bytes):
    return client.post(
        NEW,
        {"zone": client.zone.pk, "year": 2027, "file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_plan_file_over_the_limit_is_refused_and_only_limit_plus_one_byte_is_kept(admin_client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = post_plan(admin_client, "plan.txt", PLAN_TEXT.encode() * 30_000)  # 3 MB
    page = response.content.decode()
    assert response.status_code == 200
    assert "larger than 1 MB" in page
    assert response.context["form"].files["file"].size == 1024 * 1024 + 1  # the handler dropped the rest
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("plan.docx", zip_of({"a.txt": b"hello"}), "not a Word document"),
        ("plan.docx", lambda: without(docx_bytes(), "[Content_Types].xml"), "not a Word document"),
        ("plan.txt", docx_bytes, "not plain text"),
        ("plan.txt", b"%PDF-1.7\n" + bytes(range(256)) * 8, "PDF files cannot be read"),
        ("plan.txt", bytes(range(128, 256)) * 40, "not recognised"),
        ("plan.html", PLAN_TEXT.encode(), "Only .txt and .docx files"),
        ("plan.exe", PLAN_TEXT.encode(), "Only .txt and .docx files"),
    ],
    ids=["zip-as-docx", "docx-without-content-types", "docx-as-txt", "pdf-as-txt", "bytes-as-txt", "html", "exe"],
)
def test_a_plan_file_not_of_its_kind_is_refused(admin_client, name, data, words):
    content = data() if callable(data) else data
    response = post_plan(admin_client, name, content)
    page = response.content.decode()
    assert response.status_code == 200 and "review" not in response.context
    assert words in page, page[:2000]
    assert not Plan.objects.exists()


@pytest.mark.parametrize(("name", "data"), [("plan.txt", PLAN_TEXT.encode("gb18030")), ("plan.docx", docx_bytes)])
def test_a_real_text_or_word_plan_is_read(admin_client, name, data):
    response = post_plan(admin_client, name, data() if callable(data) else data)
    assert response.status_code == 200
    assert response.context["review"].parsed.targets


# --- period sheet -------------------------------------------------------------------------------


@pytest.fixture
def sheet(desk, client, english):
    client.force_login(desk.staff)
    with patch("core.clock.today", return_value=desk.today):
        yield desk


def sheet_url(desk) -> str:
    kwargs = {"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": str(desk.period)}
    return reverse("progress:sheet_upload", kwargs=kwargs)


def good_sheet(desk) -> bytes:
    rows = period_rows(plan=desk.plan, unit=desk.unit, period=desk.period)
    return period_sheet_build(plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows)


def post_sheet(client, desk, name: str, data: bytes):
    return client.post(sheet_url(desk), {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en")


def test_a_sheet_over_the_limit_is_refused(client, sheet, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = post_sheet(client, sheet, "填报.xlsx", good_sheet(sheet) + b"\0" * (1024 * 1024))
    assert response.status_code == 400
    assert f"larger than {megabytes(1024 * 1024)} MB" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("填报.xlsx", lambda desk: docx_bytes()),  # a Word document renamed
        ("填报.xlsx", lambda desk: zip_of({"xl/workbook.xml": b"<workbook/>"})),  # a zip that only looks like one
        ("填报.xlsx", lambda desk: without(good_sheet(desk), "[Content_Types].xml")),
        ("填报.csv", good_sheet),  # the real sheet under another name
        ("填报.xlsx", lambda desk: "目标,数值\n=cmd|' /C calc'!A0,1\n".encode()),
    ],
    ids=["docx", "bare-zip", "no-content-types", "csv-name", "csv-content"],
)
def test_a_sheet_not_an_xlsx_is_refused(client, sheet, name, data):
    response = post_sheet(client, sheet, name, data(sheet))
    assert response.status_code == 400
    assert "not an Excel workbook (.xlsx)" in response.content.decode()
    assert not Report.objects.exists()


def test_the_real_sheet_is_read_into_a_preview(client, sheet):
    response = post_sheet(client, sheet, "填报.xlsx", good_sheet(sheet))
    assert response.status_code == 200
    assert "preview" in response.context
