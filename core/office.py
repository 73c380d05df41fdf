"""Office documents turned into PDF by LibreOffice, where it is installed.

A supervision office sends its bulletin as a PDF as well as a Word file; the
conversion runs ``soffice --headless --convert-to pdf`` in a temporary
directory with its own LibreOffice profile (so two conversions at once, or a
desktop LibreOffice of the same user, do not lock each other out). Where
LibreOffice is missing the callers say so in words instead of offering a PDF.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)
CONVERT_SECONDS = 180


def office_command() -> str | None:
    """The LibreOffice program on this machine, or None when it is not
    installed (or switched off with the setting ``OFFICE_PDF = False``, as the
    tests do except where they check the PDF: a conversion takes seconds)."""
    if not getattr(settings, "OFFICE_PDF", True):
        return None
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_available() -> bool:
    return office_command() is not None


def to_pdf(content: bytes, *, suffix: str = ".docx") -> bytes | None:
    """``content`` (a .docx or .xlsx file's bytes) as a PDF's bytes, or None
    when LibreOffice is not installed or the conversion failed (logged)."""
    command = office_command()
    if command is None:
        return None
    with tempfile.TemporaryDirectory(prefix="taizhang-office-") as folder:
        directory = Path(folder)
        source = directory / f"document{suffix}"
        source.write_bytes(content)
        try:
            subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
                [
                    command,
                    f"-env:UserInstallation={(directory / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(directory),
                    str(source),
                ],
                capture_output=True,
                timeout=CONVERT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            log.exception("LibreOffice could not convert a document to PDF")
            return None
        pdf = directory / "document.pdf"
        if not pdf.exists():
            log.error("LibreOffice wrote no PDF for a document")
            return None
        return pdf.read_bytes()
