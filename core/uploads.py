"""Limits on uploaded files: their size, and that their content is of the kind they claim.

``SizeCapUploadHandler`` runs first among Django's upload handlers: it passes a file's bytes on
until one byte past ``settings.UPLOAD_MAX_BYTES`` and drops the rest, so an oversized upload
never fills memory or disk, yet still arrives ``UPLOAD_MAX_BYTES + 1`` bytes long for the form
to refuse with a clear message. The ``check_*`` functions look at the bytes themselves, not at
the name: an .xlsx or .docx must be a zip with the parts of its kind, a text must decode, and
evidence attached to a report (``check_evidence``) must be a PDF, a PNG or JPEG image, or a
.docx or .xlsx without macros. Evidence has its own, larger limit (``ATTACHMENT_MAX_BYTES``),
which its upload view gives the handler.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from core.text import xml_safe

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
    """Keeps at most ``UPLOAD_MAX_BYTES + 1`` bytes of each uploaded file, or ``limit + 1``
    for a view that installs it with a limit of its own (the evidence upload)."""

    def __init__(self, request=None, *, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = limit

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        limit = upload_max_bytes() if self.limit is None else self.limit
        room = limit + 1 - self.received
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


# --- evidence (佐证材料): what a unit may attach to a report -------------------------------


@dataclass(frozen=True)
class EvidenceKind:
    """A kind of file accepted as evidence: the content type it is stored and served as, and the
    extensions its name may end with (the first is added to a name that has none of them)."""

    content_type: str
    extensions: tuple[str, ...]


PDF = EvidenceKind("application/pdf", (".pdf",))
PNG = EvidenceKind("image/png", (".png",))
JPEG = EvidenceKind("image/jpeg", (".jpg", ".jpeg"))
DOCX = EvidenceKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = EvidenceKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
EVIDENCE_KINDS = (PDF, PNG, JPEG, DOCX, XLSX)
# What a file input offers to choose (a hint only: the content decides).
EVIDENCE_ACCEPT = ",".join(ext for kind in EVIDENCE_KINDS for ext in kind.extensions)
# A macro-enabled Office package keeps its code here; a .docm or .xlsm renamed is refused.
MACRO_PARTS = frozenset({"word/vbaProject.bin", "xl/vbaProject.bin"})
# Characters no file system or header should see in a name, besides control characters.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
NAME_LIMIT = 120


def attachment_max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_BYTES)


def check_evidence(data: bytes) -> EvidenceKind:
    """The kind of an evidence file, told by its bytes alone (the name may say anything): a PDF,
    a PNG or JPEG image, a Word document (.docx) or an Excel workbook (.xlsx) without macros.
    Anything else (a program, an old .doc, an archive) is refused."""
    if not data:
        raise UploadRefused(_("The file is empty."), code="empty")
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    names = _zip_names(data)
    if names is not None and not names & MACRO_PARTS:
        if DOCX_PARTS.issubset(names):
            return DOCX
        if XLSX_PARTS.issubset(names):
            return XLSX
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused(
            _("Old Word and Excel files (.doc, .xls) are not accepted: save the file as .docx or .xlsx."),
            code="old_office",
        )
    raise UploadRefused(
        _("This file is not a PDF, a PNG or JPEG image, a Word document (.docx) or an Excel workbook (.xlsx)."),
        code="not_evidence",
    )


def safe_filename(name: str, *, kind: EvidenceKind) -> str:
    """A file's name as people will see it and download it: the last part of what the browser
    sent, without characters a file system or a header cannot take, at most ``NAME_LIMIT``
    characters, ending with an extension of its ``kind`` (added when it says another)."""
    base = xml_safe(re.split(r"[\\/]", name or "")[-1])
    base = _UNSAFE_NAME.sub("_", base).strip(" ._")
    stem, dot, extension = base.rpartition(".")
    if not dot or f".{extension.lower()}" not in kind.extensions:
        stem = base
        extension = kind.extensions[0].lstrip(".")
    stem = stem.strip(" ._") or str(_("evidence"))
    return f"{stem[: NAME_LIMIT - len(extension) - 1]}.{extension.lower()}"
