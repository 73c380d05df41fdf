"""LibreOffice for the tests: convert a document to PDF headless and read
back the PDF's pages (how many, and each page's size from its MediaBox).

Nothing is downloaded: the tests use ``soffice`` from Debian's packages
(.ci/run installs libreoffice-calc and libreoffice-writer). Without it the
tests that need it are skipped, saying so, unless TAIZHANG_REQUIRE_OFFICE is
set (as in CI), where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = os.environ.get("TAIZHANG_SOFFICE") or shutil.which("soffice") or "/usr/bin/soffice"
CONVERT_SECONDS = 180

# A page object of the PDF and the box it is printed on (LibreOffice writes
# page dictionaries uncompressed; only their content streams are compressed).
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


def require_soffice() -> str:
    """The path of soffice, or skip (fail under TAIZHANG_REQUIRE_OFFICE) with the reason."""
    if not Path(SOFFICE).exists():
        message = f"LibreOffice ({SOFFICE}) is missing: apt-get install libreoffice-calc libreoffice-writer"
        if os.environ.get("TAIZHANG_REQUIRE_OFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    return SOFFICE


def convert_to_pdf(source: Path, *, workdir: Path) -> bytes:
    """``source`` converted to PDF by LibreOffice headless, with a profile of
    its own (so that a running LibreOffice or another test does not interfere)."""
    soffice = require_soffice()
    profile = workdir / "lo-profile"
    out = workdir / "pdf"
    command = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(source),
    ]
    done = subprocess.run(command, capture_output=True, timeout=CONVERT_SECONDS, check=False)  # noqa: S603 (our own soffice and paths)
    pdf = out / (source.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice made no PDF: {done.stdout!r} {done.stderr!r}"
    return pdf.read_bytes()


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, in file order, from its MediaBox
    (a page without its own takes the first box found, the page tree's)."""
    boxes = [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in _MEDIA_BOX.findall(data)]
    count = len(_PAGE.findall(data))
    if len(boxes) >= count:
        return boxes[-count:] if count else []
    return [boxes[0] if boxes else (0.0, 0.0)] * count
