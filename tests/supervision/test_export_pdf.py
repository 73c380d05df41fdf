"""The exports as a zone office prints them: LibreOffice converts a list
export and a ledger to PDF, and the pages are landscape A4, one page wide
(the 5-row list on one page, not six portrait pages with 情况说明 cut off)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.office import convert_to_pdf, pdf_pages, require_soffice

pytestmark = pytest.mark.django_db

A4_LANDSCAPE = (842, 595)  # points, within a point


def landscape_a4(pages: list[tuple[float, float]]) -> bool:
    return all(abs(w - A4_LANDSCAPE[0]) < 2 and abs(h - A4_LANDSCAPE[1]) < 2 for w, h in pages)


def download(client, url: str, params: dict, path) -> None:
    response = client.get(url, params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    path.write_bytes(content)


def test_a_list_export_prints_on_one_landscape_a4_page(client, zone, tmp_path):
    require_soffice()
    client.force_login(zone.supervisor)
    source = tmp_path / "list.xlsx"
    download(client, reverse("supervision:export_xlsx"), {"list": "flagged"}, source)
    pages = pdf_pages(convert_to_pdf(source, workdir=tmp_path))
    print(f"list export (5 rows): {len(pages)} PDF page(s), {pages}")
    assert len(pages) == 1
    assert landscape_a4(pages)


def test_the_ledger_prints_each_sheet_one_landscape_page_wide(client, zone, tmp_path):
    require_soffice()
    client.force_login(zone.supervisor)
    source = tmp_path / "ledger.xlsx"
    download(
        client, reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.econ.pk]), {"period": "2014-06"}, source
    )
    pages = pdf_pages(convert_to_pdf(source, workdir=tmp_path))
    print(f"ledger (2 sheets): {len(pages)} PDF page(s), {pages}")
    assert len(pages) == 2  # each sheet on one page: one wide, and its few rows fit one page down
    assert landscape_a4(pages)
