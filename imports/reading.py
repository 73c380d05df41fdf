"""From what the user gives (a file's bytes, a path, pasted text) to the plan's text.

Plain text may be UTF-8, GB18030 (GBK, GB2312) or UTF-16, with or without a byte-order mark.
Word documents (.docx) are read through python-docx, paragraphs and tables in document order,
with Word's automatic numbering written out (Word keeps 一、 or 1. out of the paragraph's text).
Everything else is refused with a message that says what to do: empty input, images and other
binary files, legacy .doc, PDF, files over 10 MB (refused before they are read).

What is too long to be one plan is refused before it is parsed: texts are counted (characters,
lines), and a .docx is counted as a stream (paragraphs, characters, XML elements) before
python-docx builds its tree, so that a small file that expands to millions of paragraphs is
refused at the cost of reading the first of them. The limits are the ``MAX_*`` constants below.
"""

from __future__ import annotations

import io
import os
import pyexpat
import re
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

# The limits of what is read, all checked before any parsing. The parser takes time in step with
# the text (about 1.5 s a megabyte), so these keep one import within seconds and the worker's
# memory within tens of megabytes; real plans are far inside them (the seeds: 4,000 to 12,000
# characters in 15 to 143 lines; a long plan of several hundred KB: ~2,000 lines).
MAX_BYTES = 10 * 1024 * 1024
# A million characters is a book (three megabytes of Chinese).
MAX_CHARS = 1_000_000
# Lines of a text, paragraphs of a .docx (blank ones too: they cost the same to read).
MAX_LINES = 20_000
# A .docx is a zip: refuse archives that would expand beyond this (a zip bomb).
MAX_DOCX_EXPANDED = 64 * 1024 * 1024
# XML elements in all the parts of a .docx: python-docx keeps about 110 bytes for each (~55 MB
# here), and a plan written in Word has some 20 to 60 per paragraph.
MAX_DOCX_ELEMENTS = 500_000

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


def refuse_too_long(*, characters: int = 0, lines: int = 0) -> ImportRefused:
    """A text over ``MAX_CHARS`` characters or ``MAX_LINES`` lines: how long it is, and the most."""
    if lines:
        message = _(
            "The plan's text is too long: %(count)s lines, where at most %(limit)s can be imported. "
            "Import the plan alone, without annexes or other documents."
        ) % {"count": f"{lines:,}", "limit": f"{MAX_LINES:,}"}
    else:
        message = _(
            "The plan's text is too long: %(count)s characters, where at most %(limit)s can be imported. "
            "Import the plan alone, without annexes or other documents."
        ) % {"count": f"{characters:,}", "limit": f"{MAX_CHARS:,}"}
    return ImportRefused(message, code="too_long")


def refuse_bad_docx() -> ImportRefused:
    return ImportRefused(_("This .docx file is damaged or not a Word document."), code="bad_docx")


def refuse_no_numbering() -> ImportRefused:
    return ImportRefused(
        _(
            "No items were found: neither numbered ones (一、 (一) 1. (1) 一是 …) nor headings standing "
            "on lines of their own. Paste or upload the plan with its numbering and headings as written."
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
        raise refuse_bad_docx()
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
    """Pasted or decoded text, checked and with its line ends unified; a table pasted from a
    spreadsheet (rows of TAB-separated cells) is read as a Word table is (``rows_lines``)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise refuse_empty()
    _check_length(text)
    if not _looks_textual_str(text):
        raise _refuse_kind("binary")
    if "\t" in text:
        text = _pasted_tables(text)
    return text


_TABLE_MIN_ROWS = 3  # fewer rows of cells are a few indented lines, not a table


def _pasted_tables(text: str) -> str:
    """Each run of at least three lines with two or more TABs, read as a table."""
    lines = text.split("\n")
    out: list[str] = []
    block: list[list[str]] = []

    def flush() -> None:
        if len(block) >= _TABLE_MIN_ROWS:
            out.extend(rows_lines(block))
        else:
            out.extend("\t".join(cells) for cells in block)
        block.clear()

    for line in lines:
        if line.count("\t") >= 2 and line.strip():
            block.append([cell.strip() for cell in line.split("\t")])
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def _check_length(text: str) -> None:
    """Refuse a text over ``MAX_CHARS`` characters or ``MAX_LINES`` lines (counted, not parsed)."""
    if len(text) > MAX_CHARS:
        raise refuse_too_long(characters=len(text))
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines > MAX_LINES:
        raise refuse_too_long(lines=lines)


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
        raise refuse_bad_docx() from None
    if "word/document.xml" not in names:
        raise ImportRefused(
            _("This archive is not a Word document. Upload the plan as .docx or .txt, or paste its text."),
            code="not_docx",
        )
    if expanded > MAX_DOCX_EXPANDED:
        raise refuse_too_large()
    _docx_measure(archive)
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - a deployment without python-docx
        raise ImportRefused(
            _("Word documents cannot be read on this server; paste the text instead."), code="docx"
        ) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds on malformed parts
        raise refuse_bad_docx() from None
    numbering = _Numbering(document)
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            prefix = numbering.prefix(child)
            heading = "" if prefix else _run_in_heading(child)
            text = _paragraph_text(child)
            if heading:
                # A bold opening (全力稳住经济基本盘。…) heads the paragraph: its own line, as a
                # heading standing alone would be, so the plan's structure survives.
                lines.append(_HEADING_END.sub("", heading))
                text = text.lstrip()[len(heading) :].lstrip()
            lines.append(prefix + text)
        elif child.tag == f"{_W}tbl":
            lines.extend(_table_lines(child))
    return text_from_str("\n".join(lines))


class _DocxCount:
    """Paragraphs, characters and elements of a .docx, counted as its XML streams past.

    Every part of the archive is counted, whatever its name: the package's relationships, not
    the name word/document.xml, say which part python-docx reads as the document. Parts that
    are not XML (pictures) stop the parser at their first bytes and are passed over.
    """

    _P = f"{_W[1:-1]} p"
    _T = f"{_W[1:-1]} t"

    def __init__(self) -> None:
        self.paragraphs = self.characters = self.elements = 0
        self.in_text = False

    def start(self, name: str, attrs: object) -> None:
        self.elements += 1
        if self.elements > MAX_DOCX_ELEMENTS:
            raise ImportRefused(
                _(
                    "This Word document is too large to read: it holds more than %(limit)s XML elements, far "
                    "more than one plan needs. Import the plan alone, or save it as .txt."
                )
                % {"limit": f"{MAX_DOCX_ELEMENTS:,}"},
                code="too_large",
            )
        if name == self._P:
            self.paragraphs += 1
            if self.paragraphs > MAX_LINES:
                raise ImportRefused(
                    _(
                        "The plan's text is too long: the document has more than %(limit)s paragraphs. "
                        "Import the plan alone, without annexes or other documents."
                    )
                    % {"limit": f"{MAX_LINES:,}"},
                    code="too_long",
                )
        elif name == self._T:
            self.in_text = True

    def end(self, name: str) -> None:
        self.in_text = False

    def text(self, data: str) -> None:
        if self.in_text:
            self.characters += len(data)
            if self.characters > MAX_CHARS:
                raise ImportRefused(
                    _(
                        "The plan's text is too long: the document has more than %(limit)s characters. "
                        "Import the plan alone, without annexes or other documents."
                    )
                    % {"limit": f"{MAX_CHARS:,}"},
                    code="too_long",
                )


def _forbidden(*args: object) -> None:
    raise ValueError("a DTD or an entity in a Word document")


def _docx_measure(archive: zipfile.ZipFile) -> None:
    """Refuse a .docx over the limits before python-docx builds its tree of it.

    Expat reads each part in chunks and calls back for each element; nothing is kept but three
    counts, so memory stays flat however many elements the part expands to, and reading stops
    at the first count over its limit. As defusedxml would, a DTD (where entities are declared:
    "billion laughs") is refused; Word never writes one.
    """
    count = _DocxCount()
    for info in archive.infolist():
        parser = pyexpat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = count.start
        parser.EndElementHandler = count.end
        parser.CharacterDataHandler = count.text
        parser.StartDoctypeDeclHandler = _forbidden
        parser.EntityDeclHandler = _forbidden
        parser.ExternalEntityRefHandler = _forbidden
        parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        head = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(64 * 1024):
                    head = head or chunk[:64]
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except pyexpat.ExpatError:
            if _looks_like_xml(head):
                # Damaged, or in an encoding expat does not read but libxml2 (python-docx) may:
                # either way it cannot be counted, so it is not built.
                raise refuse_bad_docx() from None
            continue  # not XML: a picture
        except (
            ValueError,
            LookupError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ):
            # a DTD, an encoding unknown or multi-byte (expat reads UTF-8 and UTF-16 itself and
            # one-byte encodings through Python), a bad checksum or compression, an unsupported
            # method, an encrypted part
            raise refuse_bad_docx() from None


def _looks_like_xml(head: bytes) -> bool:
    """Whether a part's first bytes are those of XML in an encoding libxml2 (python-docx) detects
    by itself: UTF-8, UTF-16 or UTF-32 with or without a mark, or EBCDIC."""
    if head.startswith(b"\x4c\x6f\xa7\x94"):  # "<?xm" in EBCDIC
        return True
    return head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith(b"<")


_HEADING_END = re.compile(r"[。.::,, ]+$")  # the stop after a bold opening
_NUMBERED_START = re.compile(r"\s*(?:[一二三四五六七八九十]+[、是]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．])")


def _run_in_heading(p) -> str:
    """The bold words a paragraph opens with, when plain text follows them in the same
    paragraph and they are not a number of their own: "" otherwise."""
    bold_text: list[str] = []
    rest = False
    for run in p.iter(f"{_W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{_W}t"))
        if not text:
            continue
        rpr = run.find(f"{_W}rPr")
        b = rpr.find(f"{_W}b") if rpr is not None else None
        bold = b is not None and b.get(f"{_W}val") not in ("0", "false")
        if bold and not rest:
            bold_text.append(text)
        elif text.strip():
            rest = True
            break
    heading = "".join(bold_text).strip()
    stripped = _HEADING_END.sub("", heading)
    if not rest or not 2 <= len(stripped) <= 40 or _NUMBERED_START.match(stripped):
        return ""
    return heading


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
    """A Word table of tasks, read as ``rows_lines`` reads any table."""
    rows = []
    for tr in _own(tbl, f"{_W}tr"):
        cells = []
        for tc in _own(tr, f"{_W}tc"):
            text = "".join(_paragraph_text(p) for p in tc.iter(f"{_W}p")).replace("\n", " ").strip()
            cells.append(text)
        rows.append(cells)
    return rows_lines(rows)


def rows_lines(rows: list[list[str]]) -> list[str]:
    """A table of tasks (序号 | 任务 | 目标 | 牵头单位 | 责任领导 | 完成时限) becomes one line per row,
    the columns that name a unit, a leader or a date labelled by their header. A row with one
    cell (一、经济发展, a section of the table) stays as it is written."""
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
        filled = [text for text in cells if text]
        if len(filled) == 1:
            lines.append(filled[0])
            continue
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


def _own(element, tag: str):
    """The descendants of ``element`` named ``tag``, not looking into nested tables: the rows and
    cells of a table are its own, and a nested table is read once, as part of its outer cell's
    text (read as a row of every table around it, a paragraph nested n deep came out n times)."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag != f"{_W}tbl":
            yield from _own(child, tag)


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
                ilvl = _list_level(lvl.get(f"{_W}ilvl"))
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
            ilvl = _list_level(ilvl_node.get(f"{_W}val")) if ilvl_node is not None else 0
        if num_id is None and ppr is not None:
            style = ppr.find(f"{_W}pStyle")
            if style is not None:
                num_id, ilvl = self.style_numbering.get(style.get(f"{_W}val"), (None, 0))
        if num_id is None:
            return ""
        spec = self.formats.get((num_id, ilvl))
        if spec is None or num_id == "0":
            return ""
        counters = self.counters.setdefault(num_id, [0] * _LEVELS)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, _LEVELS):
            counters[deeper] = 0
        fmt, template = spec
        if fmt == "bullet":
            return ""

        def level_text(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            return _format_number(counters[level] if 0 <= level < _LEVELS else 0, fmt)

        return re.sub(r"%(\d)", level_text, template)


_LEVELS = 9  # Word's lists have nine levels, 0 to 8


def _list_level(value: str | None) -> int:
    """A list level as Word writes it (0 to 8); anything else means the numbering is damaged."""
    if value is None:
        return 0
    if not re.fullmatch(r"[0-8]", value.strip()):
        raise ImportRefused(
            _(
                "This .docx file's list numbering is damaged: “%(level)s” is not a list level (0 to 8). "
                "Open the file in Word, save it again and retry, or paste its text."
            )
            % {"level": value[:20]},
            code="bad_numbering",
        )
    return int(value)


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
                _list_level(ilvl.get(f"{_W}val")) if ilvl is not None else 0,
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
