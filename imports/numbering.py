"""The heading grammar of Chinese plans and the task tree built from it.

Plans number their items as 一、 → (一)/（一） → 1. / 1、 / １． → (1)/（1） → 一是/二是 …, but a
document may start at any of these styles and skip some. The tree is built from the order in
which styles appear (the first style seen is the top level, a new style opens a level below the
current one, a style already open closes every level below it), so the grammar does not have to
guess a fixed depth per style.

Paths join the labels from the top with `` > ``: ``二 > (三) > 1 > 一是``. Labels drop the
punctuation that follows a number (一、 → 一, 1. → 1) and keep the brackets of bracketed styles
in ASCII form ((一), (1)).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

CN_DIGITS = "零〇一二两三四五六七八九"
_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}

# Full-width ASCII, ideographic space and the dashes and tildes of ranges, folded one character
# to one character so that offsets in the normalised text are offsets in the source.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0xA0: 0x20, 0x2014: 0x2D, 0x2013: 0x2D, 0x2012: 0x2D, 0x2212: 0x2D, 0x301C: 0x7E})


def normalize(text: str) -> str:
    """The text with full-width forms folded to ASCII, same length as ``text``."""
    return text.translate(_FOLD)


def cn_to_int(numeral: str) -> int | None:
    """Value of a Chinese numeral (三百 → 300, 两万 → 20000, 一千零五 → 1005); None if malformed."""
    if not numeral:
        return None
    if all(ch in _CN_VALUE for ch in numeral) and len(numeral) > 1:
        # Digit by digit, as in 二〇一四.
        return int("".join(str(_CN_VALUE[ch]) for ch in numeral))
    total = section = digit = 0
    seen_digit = False
    for ch in numeral:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
            seen_digit = True
        elif ch in _CN_SMALL_UNIT:
            section += (digit if seen_digit else 1) * _CN_SMALL_UNIT[ch]
            digit, seen_digit = 0, False
        elif ch in _CN_BIG_UNIT:
            section += digit
            if ch == "亿":  # 一亿二千万: everything so far is in 亿
                total = (total + section) * _CN_BIG_UNIT[ch]
            else:
                total += section * _CN_BIG_UNIT[ch]
            section, digit, seen_digit = 0, 0, False
        else:
            return None
    return total + section + digit


# Line-level markers, matched on the normalised text (full-width forms folded to ASCII) at the
# start of a line after indentation. The look-aheads keep 1.5亿元 or 2014年 from being headings.
_CN = f"[{CN_DIGITS}十]{{1,3}}"
LINE_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(rf"({_CN})(?:、|\.(?![\d.]))")),
    ("paren_cn", re.compile(rf"\(({_CN})\)")),
    # 2.3月底前… is item 2 (a decimal is never followed by 月); 2．3 in full-width dots too.
    ("num", re.compile(r"(\d{1,2})(?:、|\.(?![\d.])|\.(?=\d{1,2}月))")),
    ("paren_num", re.compile(r"\((\d{1,2})\)")),
    ("num_paren", re.compile(r"(\d{1,2})\)(?!\d)")),
    ("circled", re.compile(r"([①-⑳])")),
    ("di", re.compile(rf"第({_CN})(?:部分|章|节|、|,|:)")),
)
# 一是/二是 … inside running text, after the start of a line or a sentence/clause boundary.
INLINE_MARKER = re.compile(rf"(?:(?<=^)|(?<=[。;:,!?\s]))({_CN})是(?![是,])", re.MULTILINE)
_INDENT = " \t\u3000\xa0\ufeff"
# A full-width dot after a number is a heading's, never a decimal point: 2．3月底前….
_FULLWIDTH_NUM = re.compile(r"([0-9０-９]{1,2})．")


@dataclass
class TaskNode:
    """One numbered item as written: its number, place in the tree and span in the text."""

    number: str  # as written, e.g. "一、", "(三)", "1.", "一是"
    label: str  # as used in paths, e.g. "一", "(三)", "1", "一是"
    ordinal: int  # 3 for 三/3/(三)/③
    style: str
    path: str
    depth: int
    start: int  # offset of the number
    heading_start: int
    heading_end: int
    heading: str
    end: int = 0  # end of the item's own text (its sub-items excluded for line-level items)
    parent: TaskNode | None = field(default=None, repr=False)
    inline: bool = False
    index: int = 0  # document order

    @property
    def parent_path(self) -> str:
        return self.parent.path if self.parent else ""

    @property
    def task_path(self) -> str:
        """The path without 一是/二是 items (the eval's ``task_path``)."""
        node: TaskNode | None = self
        while node is not None and node.inline:
            node = node.parent
        return node.path if node else ""


@dataclass
class Outline:
    """The task tree of a document, with a lookup from a text offset to its task."""

    nodes: list[TaskNode]
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _line_nodes: list[TaskNode] = field(default_factory=list, repr=False)
    # The inline items under each line-level item (0: before the first one), in document order,
    # and their offsets: they never overlap (each one ends where the next begins at the latest).
    _inline_by_parent: dict[int, list[TaskNode]] = field(default_factory=dict, repr=False)
    _inline_starts: dict[int, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._line_nodes = [node for node in self.nodes if not node.inline]
        self._line_starts = [node.start for node in self._line_nodes]
        for node in self.nodes:
            if node.inline:
                key = id(node.parent) if node.parent else 0
                self._inline_by_parent.setdefault(key, []).append(node)
                self._inline_starts.setdefault(key, []).append(node.start)

    def owner(self, offset: int) -> TaskNode | None:
        """The deepest item whose own text holds ``offset`` (None before the first item).

        Two binary searches: the line-level item, then among its inline items the last one
        starting at or before ``offset`` (the only one that can hold it, as they do not overlap).
        """
        i = bisect.bisect_right(self._line_starts, offset) - 1
        line_node = self._line_nodes[i] if i >= 0 else None
        key = id(line_node) if line_node else 0
        j = bisect.bisect_right(self._inline_starts.get(key, ()), offset) - 1
        if j >= 0:
            node = self._inline_by_parent[key][j]
            if offset < node.end:
                return node
        return line_node


def _label(style: str, digits: str) -> str:
    if style in ("paren_cn", "paren_num"):
        return f"({digits})"
    if style == "num_paren":
        return f"{digits})"
    if style == "di":
        return f"第{digits}"
    if style == "inline":
        return f"{digits}是"
    return digits


def _ordinal(style: str, digits: str) -> int:
    if style in ("num", "paren_num", "num_paren"):
        return int(digits)
    if style == "circled":
        return ord(digits) - ord("①") + 1
    return cn_to_int(digits) or 0


def _heading(norm: str, start: int, line_end: int) -> tuple[int, int]:
    """A heading runs to the first 。 (a run-in heading: 1.指导思想。坚持…) or to the line's end."""
    stop = norm.find("。", start, line_end)
    end = stop if stop >= 0 else line_end
    # A run-in heading that is really a long sentence: keep its first clause only.
    if end - start > 60:
        comma = min((p for p in (norm.find(c, start, end) for c in ",;:") if p >= 0), default=-1)
        if comma > start:
            end = comma
    return start, end


class _Paths:
    """The paths given so far; a path taken again gets the first free suffix (1, 1-2, 1-3 …).

    Each path remembers the last suffix it handed out, so that the thousandth 1. finds 1-1000
    at once instead of trying 1-2 … 1-999 again: the tree is built in time linear in its items.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next_suffix: dict[str, int] = {}

    def claim(self, path: str) -> str:
        unique = path
        if path in self._taken:
            n = self._next_suffix.get(path, 2)
            while f"{path}-{n}" in self._taken:
                n += 1
            self._next_suffix[path] = n + 1
            unique = f"{path}-{n}"
        self._taken.add(unique)
        return unique


def outline_build(source: str, norm: str, *, masked: list[tuple[int, int]] | None = None) -> Outline:
    """Find the numbered items of ``source`` (``norm`` is its normalised twin) and build the tree.

    ``masked`` collects the spans of the numbers themselves, so that the target extraction does
    not read 2.目标任务 as a quantity.

    A plan whose sections are headed by unnumbered lines, each starting its items again at 1.
    (全力稳住经济基本盘 / 1.… 2.… / 持续优化营商环境 / 1.…), gets those lines as its top level.
    """
    scratch: list[tuple[int, int]] = []
    outline = _outline_numbered(source, norm, masked=scratch, sections=frozenset())
    sections = _section_headlines(norm, outline.nodes)
    if sections:
        outline = _outline_numbered(source, norm, masked=masked, sections=sections)
    elif masked is not None:
        masked.extend(scratch)
    return outline


def _section_headlines(norm: str, nodes: list[TaskNode]) -> frozenset[int]:
    """The starts of the unnumbered lines that head the sections of a plan whose top-level
    numbering starts again at 1: the line just above the first top-level item and above each
    restart, when every one of them reads as a heading (``_is_headline``)."""
    top = [node for node in nodes if node.depth == 0 and not node.inline]
    restarts = [node for node in top[1:] if node.ordinal == 1]
    if not top or not restarts:
        return frozenset()
    starts = []
    for node in [top[0], *restarts]:
        line_start = norm.rfind("\n", 0, node.start)
        above_end = line_start
        while above_end > 0:
            above_start = norm.rfind("\n", 0, above_end) + 1
            above = norm[above_start:above_end].strip(_INDENT + "\r")
            if above:
                if not _is_headline(above):
                    return frozenset()
                starts.append(above_start)
                break
            above_end = above_start - 1
        else:
            return frozenset()
    return frozenset(starts)


def _outline_numbered(
    source: str, norm: str, *, masked: list[tuple[int, int]] | None, sections: frozenset[int]
) -> Outline:
    nodes: list[TaskNode] = []
    stack: list[TaskNode] = []
    paths = _Paths()
    masked = masked if masked is not None else []
    pos = 0
    length = len(norm)
    while pos < length:
        line_end = norm.find("\n", pos)
        if line_end < 0:
            line_end = length
        content = pos
        while content < line_end and norm[content] in _INDENT:
            content += 1
        if pos in sections:
            stack = [
                _section_node(source, norm, pos, line_end, paths, ordinal=len([n for n in nodes if n.depth == 0]) + 1)
            ]
            nodes.append(stack[0])
            pos = line_end + 1
            continue
        for style, pattern in LINE_STYLES:
            m = pattern.match(norm, content, line_end)
            if m is None and style == "num":
                m = _FULLWIDTH_NUM.match(source, content, line_end)
            if not m or m.end() >= line_end:
                continue
            digits = normalize(m.group(1))
            ordinal = _ordinal(style, digits)
            open_styles = [node.style for node in stack]
            if style in open_styles:
                while stack[-1].style != style:
                    stack.pop()
                previous = stack.pop()
                # A number that goes backwards within the same parent is not a heading
                # (a list pasted inside a paragraph, a repeated block): keep it as text.
                if ordinal <= previous.ordinal and ordinal != 1:
                    stack.append(previous)
                    break
            parent = stack[-1] if stack else None
            label = _label(style, digits)
            path = paths.claim(f"{parent.path} > {label}" if parent else label)
            h_start, h_end = _heading(norm, m.end(), line_end)
            node = TaskNode(
                number=source[m.start() : m.end()],
                label=label,
                ordinal=ordinal,
                style=style,
                path=path,
                depth=len(stack),
                start=m.start(),
                heading_start=h_start,
                heading_end=h_end,
                heading=source[h_start:h_end].strip(_INDENT),
                parent=parent,
            )
            stack.append(node)
            nodes.append(node)
            masked.append((m.start(), m.end()))
            break
        pos = line_end + 1
    if not nodes:
        nodes = _headline_nodes(source, norm, paths)
    for i, node in enumerate(nodes):
        node.end = nodes[i + 1].start if i + 1 < len(nodes) else length
    nodes.extend(_inline_nodes(source, norm, nodes, paths, masked))
    nodes.sort(key=lambda n: (n.start, n.inline))
    for index, node in enumerate(nodes):
        node.index = index
    return Outline(nodes)


def _section_node(source: str, norm: str, start: int, end: int, paths: _Paths, *, ordinal: int) -> TaskNode:
    """An unnumbered section heading line (see ``_unnumbered_node``)."""
    while start < end and norm[start] in _INDENT:
        start += 1
    return _unnumbered_node(paths, ordinal, start, end, source[start:end].strip(_INDENT + "\r"))


def _unnumbered_node(paths: _Paths, ordinal: int, start: int, end: int, heading: str) -> TaskNode:
    """An item headed by a line the document does not number: numbered 1, 2, 3 … in its path."""
    label = str(ordinal)
    return TaskNode(
        number="",
        label=label,
        ordinal=ordinal,
        style="headline",
        path=paths.claim(label),
        depth=0,
        start=start,
        heading_start=start,
        heading_end=end,
        heading=heading,
    )


# An unnumbered heading of a report written as an article: a short line with no sentence
# punctuation (全力稳住经济基本盘; 持续深化改革 营造高效发展环境), not a byline or a photo credit.
_HEADLINE_MAX = 40
_SENTENCE_MARKS = re.compile(r"[。!?;:]")
_BYLINE = re.compile(r"记者|通讯员|本报讯|摄影?$|文/图")
_REPORT_OPENING = re.compile(r"(?m)^[ \t\u3000]*本报讯")


def _is_headline(line: str) -> bool:
    return (
        2 <= len(line) <= _HEADLINE_MAX
        and not _SENTENCE_MARKS.search(line)
        and line[-1] not in ",、-"
        and not _BYLINE.search(line)
    )


def _headline_nodes(source: str, norm: str, paths: _Paths) -> list[TaskNode]:
    """The items of a plan that numbers none of its lines (a news report of a plan, seed 004):
    each run of heading lines (a headline, and its second line or sub-headline) opens an item,
    numbered 1, 2, 3 … in its path as the document gives no number. The run before the first
    paragraph is the document's own title, not an item (unless the document gathers several
    reports); bylines and blank lines are neither heading nor paragraph."""
    runs: list[list[tuple[int, int]]] = []  # each run: the (start, end) of its heading lines
    current: list[tuple[int, int]] = []
    # Several reports gathered in one document (two or more open with 本报讯): every report's
    # headline opens an item, the first one's too; one report's headline is the document's title.
    seen_paragraph = len(_REPORT_OPENING.findall(norm)) >= 2
    pos = 0
    length = len(norm)
    while pos < length:
        line_end = norm.find("\n", pos)
        if line_end < 0:
            line_end = length
        start, end = pos, line_end
        while start < end and norm[start] in _INDENT:
            start += 1
        while end > start and norm[end - 1] in _INDENT + "\r":
            end -= 1
        line = norm[start:end]
        if line and _is_headline(line):
            current.append((start, end))
        elif line and (_SENTENCE_MARKS.search(line) or not _BYLINE.search(line)):  # a byline is no paragraph
            if current and seen_paragraph:
                runs.append(current)
            current = []
            seen_paragraph = True
        pos = line_end + 1
    nodes: list[TaskNode] = []
    for ordinal, run in enumerate(runs, start=1):
        heading = " ".join(source[s:e].strip(_INDENT) for s, e in run)
        nodes.append(_unnumbered_node(paths, ordinal, run[0][0], run[-1][1], heading))
    return nodes


def _inline_nodes(
    source: str, norm: str, line_nodes: list[TaskNode], paths: _Paths, masked: list[tuple[int, int]]
) -> list[TaskNode]:
    """一是/二是 … items: each runs to the next item of its series or the end of its paragraph."""
    starts = [node.start for node in line_nodes]
    found: list[TaskNode] = []
    last_in_parent: dict[int, TaskNode] = {}
    for m in INLINE_MARKER.finditer(norm):
        ordinal = cn_to_int(m.group(1)) or 0
        i = bisect.bisect_right(starts, m.start()) - 1
        parent = line_nodes[i] if i >= 0 else None
        if parent is not None and m.start() < parent.heading_end:
            continue  # 一是 inside a heading is part of the heading
        key = id(parent) if parent else 0
        previous = last_in_parent.get(key)
        if ordinal != 1 and (previous is None or ordinal != previous.ordinal + 1):
            continue  # out of sequence: a repeated or quoted item, not a new one
        label = _label("inline", m.group(1))
        base = parent.path if parent else ""
        path = paths.claim(f"{base} > {label}" if base else label)
        line_end = norm.find("\n", m.end())
        line_end = len(norm) if line_end < 0 else line_end
        h_start, h_end = _heading(norm, m.end(), line_end)
        node = TaskNode(
            number=source[m.start() : m.end()],
            label=label,
            ordinal=ordinal,
            style="inline",
            path=path,
            depth=(parent.depth + 1) if parent else 0,
            start=m.start(),
            heading_start=h_start,
            heading_end=h_end,
            heading=source[h_start:h_end].strip(_INDENT),
            parent=parent,
            inline=True,
            end=min(line_end, parent.end if parent else len(norm)),
        )
        if previous is not None:
            previous.end = min(previous.end, m.start())
        last_in_parent[key] = node
        masked.append((m.start(), m.end()))
        found.append(node)
    return found
