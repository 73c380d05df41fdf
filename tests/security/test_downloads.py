"""Every file the app hands out is a download that no cache keeps: the exports, the ledgers,
the period sheet, the bulletin and the reports' evidence hold a zone's figures and its staff's words, and a shared
or proxy cache (or the browser's disk cache on a shared office computer) must not keep them."""

from __future__ import annotations

import pathlib

import pytest
from django.test import Client

ROOT = pathlib.Path(__file__).resolve().parents[2]


def downloads(world) -> dict[str, tuple[object, str]]:
    z = world.zone
    query = f"?plan={z.plan.pk}&period=2014-06&list="
    return {
        "list export (xlsx)": (z.supervisor, f"/supervision/export.xlsx{query}"),
        "list export (csv)": (z.supervisor, f"/supervision/export.csv{query}"),
        "unit ledger": (z.supervisor, f"/supervision/ledger/{z.plan.pk}/units/{z.econ.pk}.xlsx?period=2014-06"),
        "leader ledger": (z.leader, f"/supervision/ledger/{z.plan.pk}/leaders/{z.leader.pk}.xlsx"),
        "period sheet": (z.staff, f"/progress/plans/{z.plan.pk}/units/{z.econ.pk}/periods/2014-06/sheet.xlsx"),
        "bulletin": (z.supervisor, f"/supervision/bulletins/{world.bulletin.pk}/download/"),
        "evidence": (z.reviewer, f"/progress/attachments/{world.attachment.pk}/"),
    }


@pytest.mark.parametrize(
    "name",
    ["list export (xlsx)", "list export (csv)", "unit ledger", "leader ledger", "period sheet", "bulletin", "evidence"],
)
def test_each_download_is_private_and_not_stored(world, clock_at, name):
    clock_at(world.zone.today)
    user, url = downloads(world)[name]
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


def test_every_attachment_is_made_by_the_one_download_helper():
    """A new download cannot forget the header: only core.downloads writes a Content-Disposition."""
    writers = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "var", "node_modules"} or "migrations" in relative.parts:
            continue
        if "Content-Disposition" in path.read_text(encoding="utf-8"):
            writers.append(str(relative))
    assert writers == ["core/downloads.py"]
