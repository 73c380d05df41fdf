"""From what the user gives (a file's bytes, a path, pasted text) to the plan's text.

Plain text may be UTF-8, GB18030 (GBK, GB2312) or UTF-16, with or without a byte-order mark.
Word documents (.docx) are read through python-docx, paragraphs and tables in document order,
with Word's automatic numbering written out (Word keeps 一、 or 1. out of the paragraph's text).
Everything else is refused with a message that says what to do: empty input, images and other
binary files, legacy .doc, PDF, files over 10 MB (refused before they are read).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# A plan is tens of thousands of characters; a million is a book, and would take seconds to parse.
MAX_CHARS = 1_000_000
# A .docx is a zip: refuse archives that would expand beyond this (a zip bomb).
MAX_DOCX_EXPANDED = 64 * 1024 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\x00\x00\x01\x00", "image"),  # .ico
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE: .doc, .xls, .ppt
    (b"{\\rtf", "rtf"),
    (b"\x7fELF", "binary"),
    (b"MZ", "binary"),
    (b"\x1f\x8b", "binary"),  # gzip
    (b"7z\xbc\xaf\x27\x1c", "binary"),
    (b"Rar!", "binary"),
    (b"BZh", "binary"),
)


class ImportRefused(Exception):
    """The input cannot be imported; ``message`` says why in the user's language."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def refuse_empty() -> ImportRefused:
    return ImportRefused(_("The document is empty: there is no text to import."), code="empty")


def refuse_too_large() -> ImportRefused:
    return ImportRefused(
        _("The file is larger than 10 MB. A plan's text is far smaller: save the plan alone as .txt or .docx."),
        code="too_large",
    )


def refuse_too_long() -> ImportRefused:
    return ImportRefused(
        _("The text is longer than a million characters, far more than one plan. Import the plan alone."),
        code="too_long",
    )


def refuse_no_numbering() -> ImportRefused:
    return ImportRefused(
        _(
            "No numbered items were found (一、 (一) 1. (1) 一是 …). Paste or upload the plan with its "
            "numbering as written."
        ),
        code="no_numbering",
    )


def _refuse_kind(kind: str) -> ImportRefused:
    if kind == "image":
        return ImportRefused(
            _("This is an image, not a text document. Upload the plan as .txt or .docx, or paste its text."),
            code="image",
        )
    if kind == "pdf":
        return ImportRefused(
            _("PDF files cannot be read yet. Save the plan as .docx or .txt, or paste its text."), code="pdf"
        )
    if kind == "doc":
        return ImportRefused(
            _("Old Word documents (.doc) cannot be read. Save the plan as .docx (Word 2007 or later) or .txt."),
            code="doc",
        )
    if kind == "rtf":
        return ImportRefused(_("RTF files cannot be read. Save the plan as .docx or .txt."), code="rtf")
    return ImportRefused(
        _("This is a binary file, not a text document. Upload the plan as .txt or .docx, or paste its text."),
        code="binary",
    )


def text_from_path(path: str | os.PathLike[str]) -> str:
    """The text of the file at ``path``; its size is checked before anything is read."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise refuse_too_large()
    with path.open("rb") as handle:
        return text_from_stream(handle, name=path.name)


def text_from_stream(stream: BinaryIO, *, name: str = "") -> str:
    """The text of an open binary stream (an upload): at most 10 MB are read."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise refuse_too_large()
    return text_from_bytes(data, name=name)


def text_from_bytes(data: bytes, *, name: str = "") -> str:
    if len(data) > MAX_BYTES:
        raise refuse_too_large()
    if not data.strip():
        raise refuse_empty()
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data)
    if name.lower().endswith(".docx"):
        raise ImportRefused(_("This .docx file is damaged or not a Word document."), code="bad_docx")
    head = data[:16]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind == "binary" and magic == b"MZ" and _looks_textual(data[:4096]):
                continue  # a text that happens to begin with "MZ"
            raise _refuse_kind(kind)
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        raise _refuse_kind("image" if data[8:12] == b"WEBP" else "binary")
    return text_from_str(_decode(data))


def text_from_str(text: str) -> str:
    """Pasted or decoded text, checked and with its line ends unified."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise refuse_empty()
    if len(text) > MAX_CHARS:
        raise refuse_too_long()
    if not _looks_textual_str(text):
        raise _refuse_kind("binary")
    return text


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        # UTF-16 without a mark: every other byte is NUL in mostly-ASCII text; CJK text in
        # UTF-16 has no NUL pattern, so a NUL here in 8-bit text means a binary file.
        sample = data[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 8 and even == 0:
            return data.decode("utf-16-le", errors="replace")
        if even > len(sample) // 8 and odd == 0:
            return data.decode("utf-16-be", errors="replace")
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_textual_str(text) and _cjk_share(text) > 0.3:
                return text
        raise _refuse_kind("binary")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        _("The text's encoding was not recognised. Save it as UTF-8 (or GBK) text and try again."),
        code="encoding",
    )


def _looks_textual(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        return _looks_textual_str(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def _looks_textual_str(text: str) -> bool:
    """Few control, private-use or unassigned characters: text, not bytes read as text."""
    sample = text[:20000]
    if not sample:
        return True
    bad = 0
    for ch in sample:
        if ch in "\n\t\r\f":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
            bad += 1
    return bad / len(sample) < 0.02


def _cjk_share(text: str) -> float:
    sample = text[:4000]
    if not sample:
        return 0.0
    return sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff") / len(sample)


# --------------------------------------------------------------------------------------------
# .docx
# --------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_COUNTING = "零一二三四五六七八九"


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRefused(_("This .docx file is damaged or not a Word document."), code="bad_docx") from None
    if "word/document.xml" not in names:
        raise ImportRefused(
            _("This archive is not a Word document. Upload the plan as .docx or .txt, or paste its text."),
            code="not_docx",
        )
    if expanded > MAX_DOCX_EXPANDED:
        raise refuse_too_large()
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - a deployment without python-docx
        raise ImportRefused(
            _("Word documents cannot be read on this server; paste the text instead."), code="docx"
        ) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds on malformed parts
        raise ImportRefused(_("This .docx file is damaged or not a Word document."), code="bad_docx") from None
    numbering = _Numbering(document)
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(numbering.prefix(child) + _paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            lines.extend(_table_lines(child))
    return text_from_str("\n".join(lines))


def _paragraph_text(p) -> str:
    parts = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table_lines(tbl) -> list[str]:
    """A table of tasks (序号 | 任务 | 目标 | 牵头单位 | 责任领导 | 完成时限) becomes one line per row,
    the columns that name a unit, a leader or a date labelled by their header."""
    rows = []
    for tr in tbl.iter(f"{_W}tr"):
        cells = []
        for tc in tr.iter(f"{_W}tc"):
            text = "".join(_paragraph_text(p) for p in tc.iter(f"{_W}p")).replace("\n", " ").strip()
            cells.append(text)
        rows.append(cells)
    if not rows:
        return []
    header = rows[0]
    labelled = {
        i: name
        for i, name in enumerate(header)
        if re.search(r"单位|部门|领导|责任人|时限|时间|节点", name) and len(name) <= 10
    }
    has_header = bool(labelled) or any(re.search(r"序号|任务|内容|目标|指标", c) for c in header)
    lines = []
    for cells in rows[1:] if has_header else rows:
        marker, texts, labels = "", [], []
        for i, text in enumerate(cells):
            if not text:
                continue
            if i == 0 and re.fullmatch(r"\d{1,3}", text):
                marker = f"{text}."
            elif i == 0 and re.fullmatch(f"[{_CN_COUNTING}十]{{1,3}}", text):
                marker = f"{text}、"
            elif i in labelled:
                labels.append(f"({labelled[i]}:{text})")
            else:
                texts.append(text.rstrip("。"))
        if texts or labels:
            lines.append(marker + "。".join(texts) + ("。" if texts else "") + "".join(labels))
    return lines


class _Numbering:
    """Word's automatic list numbers, written out as the reader sees them (一、 (一) 1.)."""

    def __init__(self, document):
        self.formats: dict[tuple[str, int], tuple[str, str]] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_numbering = _style_numbering(document)
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                levels[ilvl] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "%1.",
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{_W}val"), {}).items():
                self.formats[(num.get(f"{_W}numId"), ilvl)] = spec

    def prefix(self, p) -> str:
        ppr = p.find(f"{_W}pPr")
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        num_id, ilvl = None, 0
        if numpr is not None:
            num_id_node = numpr.find(f"{_W}numId")
            ilvl_node = numpr.find(f"{_W}ilvl")
            num_id = num_id_node.get(f"{_W}val") if num_id_node is not None else None
            ilvl = int(ilvl_node.get(f"{_W}val")) if ilvl_node is not None else 0
        if num_id is None and ppr is not None:
            style = ppr.find(f"{_W}pStyle")
            if style is not None:
                num_id, ilvl = self.style_numbering.get(style.get(f"{_W}val"), (None, 0))
        if num_id is None:
            return ""
        spec = self.formats.get((num_id, ilvl))
        if spec is None or num_id == "0":
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, template = spec
        if fmt == "bullet":
            return ""

        def level_text(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            return _format_number(counters[level] if 0 <= level < 9 else 0, fmt)

        return re.sub(r"%(\d)", level_text, template)


def _style_numbering(document) -> dict[str, tuple[str, int]]:
    """Paragraph styles that number their paragraphs (List Number, 标题 1 …), through basedOn."""
    try:
        root = document.styles.element
    except AttributeError:
        return {}
    own: dict[str, tuple[str | None, int]] = {}
    based: dict[str, str] = {}
    for style in root.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId")
        base = style.find(f"{_W}basedOn")
        if base is not None:
            based[style_id] = base.get(f"{_W}val")
        numpr = style.find(f"{_W}pPr/{_W}numPr")
        if numpr is not None:
            num_id = numpr.find(f"{_W}numId")
            ilvl = numpr.find(f"{_W}ilvl")
            own[style_id] = (
                num_id.get(f"{_W}val") if num_id is not None else None,
                int(ilvl.get(f"{_W}val")) if ilvl is not None else 0,
            )
    resolved: dict[str, tuple[str, int]] = {}
    for style_id in set(own) | set(based):
        seen, current = set(), style_id
        while current and current not in own and current not in seen:
            seen.add(current)
            current = based.get(current)
        if current in own and own[current][0] is not None:
            resolved[style_id] = own[current]  # type: ignore[assignment]
    return resolved


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting"):
        return _cn_numeral(n)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(ord("①") + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    return str(n)


def _cn_numeral(n: int) -> str:
    if n < 10:
        return _CN_COUNTING[n]
    if n < 20:
        return "十" + (_CN_COUNTING[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_COUNTING[n // 10] + "十" + (_CN_COUNTING[n % 10] if n % 10 else "")
    return str(n)
