"""Limits on uploaded files: their size, and that their content is of the kind they claim.

``SizeCapUploadHandler`` runs first among Django's upload handlers: it passes a file's bytes on
until one byte past ``settings.UPLOAD_MAX_BYTES`` and drops the rest, so an oversized upload
never fills memory or disk, yet still arrives ``UPLOAD_MAX_BYTES + 1`` bytes long for the form
to refuse with a clear message. The ``check_*`` functions look at the bytes themselves, not at
the name: an .xlsx or .docx must be a zip with the parts of its kind, a text must decode.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
# Parts every workbook and every Word document has (ECMA-376 part 2, the package's content types
# and the main part the package relationship points to).
XLSX_PARTS = frozenset({"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"})
DOCX_PARTS = frozenset({"[Content_Types].xml", "_rels/.rels", "word/document.xml"})


class UploadRefused(Exception):
    """An upload that is too large or not of the kind expected; ``message`` says why."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def upload_max_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


def megabytes(size: int) -> str:
    """A size in MB as people write it: 5, 2.5."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


class SizeCapUploadHandler(FileUploadHandler):
    """Keeps at most ``UPLOAD_MAX_BYTES + 1`` bytes of each uploaded file."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = upload_max_bytes() + 1 - self.received
        if room <= 0:
            return None  # the later handlers never see the rest
        chunk = raw_data[:room]
        self.received += len(chunk)
        return chunk

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def check_size(size: int, *, limit: int | None = None) -> None:
    limit = upload_max_bytes() if limit is None else limit
    if size > limit:
        raise UploadRefused(
            _("The file is larger than %(size)s MB, the most this site accepts.") % {"size": megabytes(limit)},
            code="too_large",
        )


def _zip_names(data: bytes) -> set[str] | None:
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def check_xlsx(data: bytes, *, name: str = "") -> None:
    """An Excel workbook (.xlsx) by its name and by its content."""
    names = _zip_names(data)
    if not name.lower().endswith(".xlsx") or names is None or not XLSX_PARTS.issubset(names):
        raise UploadRefused(
            _("This file is not an Excel workbook (.xlsx). Download the period sheet, fill it in and upload it."),
            code="not_xlsx",
        )


def check_plan_document(data: bytes, *, name: str) -> None:
    """A plan's file: a Word document (.docx) that is one inside, or a text file (.txt) that
    is not a zip, an Office or PDF file; whether a text decodes is the reader's business."""
    lowered = name.lower()
    if lowered.endswith(".docx"):
        names = _zip_names(data)
        if names is None or not DOCX_PARTS.issubset(names):
            raise UploadRefused(_("This .docx file is damaged or not a Word document."), code="bad_docx")
        return
    if lowered.endswith(".txt"):
        if data.startswith((ZIP_MAGIC, b"%PDF", b"\xd0\xcf\x11\xe0")):
            raise UploadRefused(
                _("This .txt file is not plain text. Save the plan as .txt or .docx, or paste its text."),
                code="not_text",
            )
        return
    raise UploadRefused(
        _("Only .txt and .docx files can be imported. Save the plan as one of them, or paste its text."),
        code="extension",
    )
