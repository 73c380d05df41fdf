"""Quantitative targets, past results and dated milestones in the text of a plan.

The engine reads the normalised text (see ``numbering.normalize``: same offsets as the source)
sentence by sentence and clause by clause. In each clause it finds quantities — a number
(Arabic or Chinese, ranges 10-15个 / 两到三家 / 30至35个, 670余亩, 5000多名) followed by a unit — and
decides for each:

* whether it is a quantity at all: not an ordinal (第二批), a rank (前10名), a frequency
  (每周一次), a phase (一期), a size qualifier of the thing counted (1个10亿元以上项目), a count of
  the plan's own parts (六项重点工作, 8个方面), or text in quotation marks (“三个一”);
* whether it is a target or a past result: a section that reviews an earlier year, a sentence
  opening with an earlier year (2011年,…), 去年/截至目前/今年以来, a verb in the perfective
  (完成了), or a figure of last year inside a target (由去年的47.8%提升至50%);
* its kind (amount, growth_rate, ratio, ceiling, decrease), comparator (>=, <=, range, == for
  counts of a named or pre-existing set), stretch value (…,力争15%), deadline and indicator.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core import figures
from imports.clause import FIXED_TOTAL_TAIL_RE, STEER_TAIL_RE, Clause, share_threshold
from imports.numbering import CN_DIGITS, Outline, TaskNode, cn_to_int
from targets import kinds

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

COUNT_UNITS = tuple(sorted(figures.COUNT_UNITS))  # the units that count whole things (core.figures)
_COUNT_UNIT_SET = frozenset(COUNT_UNITS)


def counts_whole_things(unit: str) -> bool:
    """个, 家, 万人 …: a unit that counts whole things (a prefix of size 万/亿 aside)."""
    return (unit.lstrip("千万亿百十") or unit) in _COUNT_UNIT_SET


MEASURE_UNITS = (
    "元", "美元", "欧元", "港元", "平方米", "平米", "平方公里", "平方千米", "公顷", "亩", "米", "延米", "千米",
    "公里", "吨", "吨级", "千克", "公斤", "立方米", "千瓦", "千瓦时", "兆瓦", "吨标准煤", "吨标煤", "标箱",
    "微克/立方米", "毫克/立方米", "毫克/升",
    "%", "‰", "个百分点", "百分点", "倍", "成", "人次", "家次", "户次", "架次", "艘次", "批次", "单", "列",
)  # fmt: skip
# Durations are targets only as ceilings (办结时限压缩至3个工作日以内).
TIME_UNITS = ("个工作日", "工作日", "小时", "分钟", "天")
_PREFIXES = ("千万", "百万", "十万", "万", "亿", "千")
_UNPREFIXED = ("%", "‰", "个百分点", "百分点", "倍", "成")


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_BASES = COUNT_UNITS + MEASURE_UNITS + TIME_UNITS
# 个百分点 before 个; a prefixed unit (万平方米) before a bare 万.
_PREFIXABLE = [b for b in _BASES if b not in _UNPREFIXED]
UNIT_RE = f"(?:{_alternation(_UNPREFIXED)}|(?:{_alternation(_PREFIXES)})?(?:{_alternation(_PREFIXABLE)})|万|亿)"
# Chinese numerals may only count these (一期 is a phase, 二次 is "secondary", 两张图 a slogan).
CN_COUNTABLE = {
    "个", "家", "项", "件", "名", "人", "位", "户", "套", "座", "幢", "栋", "条", "处", "所", "场", "次", "台",
    "亩", "倍", "辆", "艘",
}  # fmt: skip
# A unit that runs on into a word is not a unit: 个月, 家庭, 项目, 次要, 期间, 条件, 人民 …
UNIT_BLOCKED_BY_NEXT = {
    "个": "月体人性",
    "家": "庭园乡属电具居长",
    "项": "目",
    "件": "事",
    "名": "单称义牌片额次",
    "人": "民员口大们均才群",
    "位": "于置",
    "户": "籍口外",
    "次": "性要日年月",
    "期": "间限末初中",
    "条": "件例款",
    "处": "理置室长级",
    "所": "有以属在得",
    "场": "所景地馆",
    "部": "门署分长委",
    "支": "持付出",
    "种": "植类子",
    "批": "准复示",
    "台": "账风阶",
    "元": "素旦宵",
    "座": "谈",
    "张": "贴",
    "成": "为功立员本果交效绩熟型",
    "单": "位元价独项据一个体品",
    "列": "入为出举",
}
TARGETLESS_FOLLOWERS = "性化型式级" + "届"  # 一次性, 百万级 … (吨级 is a unit of its own)

NUM_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUM_CN = f"[{CN_DIGITS}十百千]+"
NUM = f"(?:{NUM_AR}|{NUM_CN})"
RANGE_SEP = r"(?:-{1,2}|~|至|到)"
QUANTITY_RE = re.compile(
    rf"(?<![\dA-Za-z.])(?P<n1>{NUM})(?P<a1>余|多)?"
    rf"(?:(?P<u1>{UNIT_RE})?(?P<sep>{RANGE_SEP})(?P<n2>{NUM})(?P<a2>余|多)?)?"
    rf"(?P<unit>{UNIT_RE}(?:/(?:亩|人|户|年|月|天|平方米|吨|千瓦时|立方米|公斤|标箱))?)"
    rf"(?P<a3>余|多)?(?P<cmp>及以上|以上|以下|以内|左右)?"
)
DOUBLING_RE = re.compile(r"翻(?P<n>[一两二三]?)番")
PERCENT_WORDS_RE = re.compile(r"(?P<kind>百分之|千分之)(?P<n>[\d.]+|[零〇一二两三四五六七八九十百]+)")

SENTENCE_END = "。!?\n"
SUBSENTENCE_END = ";"
CLAUSE_END = ",:…"
QUOTE_PAIRS = {"“": "”", "《": "》", "「": "」", "『": "』", '"': '"'}

# Words that open a sentence about the past (checked against the plan's year for NNNN年).
PAST_OPENER_RE = re.compile(
    r"[\s(]*(?:(?P<year>\d{4})年(?!底前|前|度)|去年|上年|过去|今年以来|年初以来|本年以来|截至|截止|目前|近年来|"
    r"近?[一二三四五两\d]年(?:来|以来))"
)
PERFECTIVE_RE = re.compile(r"[\u4e00-\u9fff](?<!为)(?<!除)(?<!不)了(?![解结])")
SUCCESS_RE = re.compile(r"成功(?=[\u4e00-\u9fff])")
FUTURE_MODAL_RE = re.compile(
    r"争取|力争|确保|(?<![主重需只纲])要(?![求素点闻务件])|将|努力|推动|计划|积极|全力|支持|鼓励|引导"
)
STATE_RE = re.compile(r"共有|现有(?!的)|拥有(?!量|率)|已有|已达|在手|累计达(?!到)")
# Verbs that report an event that has happened (a result announced, an award received).
PAST_EVENT_RE = re.compile(
    r"荣获|获评|获批|入选|揭晓|榜上有名|通过评审|被评为|被认定为|被授予|授予|参加会议|出席会议|参加了会议"
)
PAST_FIGURE_TAIL_RE = re.compile(r"(?<![比较同于])(?:去年|上年|(?P<year>\d{4})年(?:底|末)?|年初)(?:的|为|是|达)?$")

# Kinds: the last kind word before the number decides; the words are the
# kinds' (targets.kinds, their entries' hints).
AT_LEAST_TAIL_RE = re.compile(r"(?:不少于|不低于|至少|突破|超过|超|逾|多于|(?<!不)高于|大于)\s*$")
AT_MOST_TAIL_RE = re.compile(r"(?:不超过|不高于|(?<!不)低于|(?<!不)少于|最多|控制在|以内)\s*$")
NEAR_TAIL_RE = re.compile(r"近\s*$")
SCOPE_COMPLETION_RE = re.compile(r"^[^,;。]{0,20}?(?:全面|全部)(?:开工|建成|完成|竣工|结顶|投产|运营|启动|实施)")
# The plan's own structure, not a target: 六项重点工作, 8个方面的工作, 三个保障.
META_NOUN_RE = re.compile(
    r"^(?:的)?(?:重点|主要|大|项)?(?:工作|方面|部分|等次|等级|档次|任务|举措|措施|保障|机制|制度|原则|要求|理念|战略|目标|意识|自信|维护|"
    r"到位|常态|领导小组|步骤|阶段|环节)"
)
DEMONSTRATIVE_TAIL_RE = re.compile(r"(?:这|那|该|此|上述|以下|下列|前述|各|每)\s*$")
ORDINAL_TAIL_RE = re.compile(r"(?:第|前|后|排名|位列|居|首批|届|连续|No\.?)\s*$")

STRETCH_RE = re.compile(r"^[\s(]*(?:并|同时)?(?:力争|争取|最好)(?:达到|达|完成|实现|突破|增长|超过|增加)?\s*$")
LEADING_FILLER_RE = re.compile(
    r"^(?:[\s,、()]|其中|同时|并且?|另外|此外|全年|年内|年度|今年|明年|当年|全区|全县|全市|区内|园区|力争|争取|确保|"
    r"计划|预计|努力|要|将|再|继续|进一步|共|累计|实现|完成|即|约|未来\d+年|未来[一二三四五]年)+"
)
TRAILING_FILLER_RE = re.compile(
    r"(?:[\s,、(]|同比|比上年|较上年|年均|分别|达到|达|突破|超过|超|为|控制在|保持在|不低于|不少于|至少|提高到|提高至|提升至|"
    r"提升到|提高|提升|上升|增长|下降|降低|减少|约|近|逾|实现|完成|是|在|的|到|至|力争|争取|确保|要|将|共计|合计)+$"
)
VERBISH_RE = re.compile(
    r"实现|完成|引进|新增|培育|建成|开工|达到|新建|组织|申报|推动|打造|招引|争取|力争|确保|计划|全年|累计|认定|培训|"
    r"引导|支持|举办|发展|提升|提高|增长"
)

# Deadlines. Relative words are resolved against the plan's year.
DEADLINE_RE = re.compile(
    r"(?P<pre>到|至|于|在|截至|截止到?)?\s*"
    r"(?:(?P<year>\d{4})年(?:(?P<ymonth>\d{1,2})月)?(?P<yend>年底|年末|底|末)?"
    r"|(?P<rel>今明两年|今明年|(?<!今)明年|今年|后年|本年)(?P<relend>年底|年末|底|上半年|下半年)?"
    r"|(?P<month>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?P<mpart>底|末|中旬|上旬|下旬|份|(?P<day>\d{1,2})日)?"
    r"|(?P<end>年底|年末)"
    r"|(?P<half>上半年|下半年|年中)"
    r"|第?(?P<quarter>[一二三四1-4])季度末?)"
    r"(?P<before>前|之前|以前)?"
)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass
class ParsedTarget:
    """A target (or a past result) as found, with its place in the source text."""

    quote: str
    start: int
    end: int
    indicator: str
    kind: str
    unit: str
    comparator: str
    value: Decimal
    value_high: Decimal | None = None
    stretch: Decimal | None = None
    deadline: str | None = None
    deadline_date: dt.date | None = None
    task_path: str = ""
    inline_path: str = ""
    start_value: Decimal | None = None
    note: str = ""
    alt_quotes: list[str] = field(default_factory=list)
    accepted: bool = True
    sentence: int = field(default=0, repr=False, compare=False)  # offset of its sentence, to spot a repeat
    # Stated in the plan's summary of goals (its opening, or an item headed …目标), where the body's
    # targets are restated in other words.
    summary: bool = field(default=False, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "indicator": self.indicator,
            "kind": self.kind,
            "unit": self.unit,
            "comparator": self.comparator,
            "value": _number(self.value),
            "value_high": _number(self.value_high),
            "stretch": _number(self.stretch),
            "start_value": _number(self.start_value),
            "deadline": self.deadline,
            "deadline_date": self.deadline_date.isoformat() if self.deadline_date else None,
            "task_path": self.task_path,
            "inline_path": self.inline_path,
            "note": self.note or None,
            "alt_quotes": self.alt_quotes or None,
            "accepted": self.accepted,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ParsedTarget:
        """The inverse of ``as_dict``: a review screen posts the proposal back, edited."""
        return cls(
            quote=data.get("quote") or "",
            start=int(data.get("start") or 0),
            end=int(data.get("end") or 0),
            indicator=data.get("indicator") or "",
            kind=data.get("kind") or _default_kind().key,
            unit=data.get("unit") or "",
            comparator=data.get("comparator") or ">=",
            value=_to_decimal(data.get("value")),  # type: ignore[arg-type]
            value_high=_to_decimal(data.get("value_high")),
            stretch=_to_decimal(data.get("stretch")),
            deadline=data.get("deadline"),
            deadline_date=_to_date(data.get("deadline_date")),
            task_path=data.get("task_path") or "",
            inline_path=data.get("inline_path") or "",
            start_value=_to_decimal(data.get("start_value")),
            note=data.get("note") or "",
            alt_quotes=list(data.get("alt_quotes") or []),
            accepted=bool(data.get("accepted", True)),
        )


@dataclass
class ParsedMilestone:
    """A dated commitment without a number (8月底制度落地): a milestone to propose."""

    quote: str
    start: int
    end: int
    deadline: str
    deadline_date: dt.date
    task_path: str = ""
    inline_path: str = ""
    accepted: bool = True

    def as_dict(self) -> dict:
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "deadline": self.deadline,
            "deadline_date": self.deadline_date.isoformat(),
            "task_path": self.task_path,
            "inline_path": self.inline_path,
            "accepted": self.accepted,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ParsedMilestone:
        return cls(
            quote=data.get("quote") or "",
            start=int(data.get("start") or 0),
            end=int(data.get("end") or 0),
            deadline=data.get("deadline") or "",
            deadline_date=_to_date(data.get("deadline_date")),  # type: ignore[arg-type]
            task_path=data.get("task_path") or "",
            inline_path=data.get("inline_path") or "",
            accepted=bool(data.get("accepted", True)),
        )


@dataclass
class Extraction:
    targets: list[ParsedTarget]
    achievements: list[ParsedTarget]
    milestones: list[ParsedMilestone]


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _to_date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --------------------------------------------------------------------------------------------
# Quantities
# --------------------------------------------------------------------------------------------


@dataclass
class Quantity:
    start: int  # first digit
    end: int  # after the unit and 以上/以内
    unit_start: int
    unit_end: int
    value: Decimal
    value_high: Decimal | None
    unit: str
    approx: str  # 余/多 after the number
    suffix_cmp: str  # 以上/以下/以内/左右
    chinese: bool
    special: str = ""  # "doubling" for 翻一番

    @property
    def is_count(self) -> bool:
        return counts_whole_things(self.unit)

    @property
    def is_rate(self) -> bool:
        return self.unit in ("%", "‰", "个百分点", "百分点", "成")

    @property
    def is_time(self) -> bool:
        return self.unit in TIME_UNITS


def _parse_number(text: str) -> Decimal | None:
    if text[0].isdigit():
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    value = cn_to_int(text)
    return None if value is None else Decimal(value)


def _chinese_count(numeral: str, unit: str) -> bool:
    """百亿/千家 are adjectives, 二次/二期 ordinals (two is 两 before a measure word), 一期/三元 names."""
    if numeral in ("百", "千", "二"):
        return False
    return unit.startswith(("万", "亿")) or unit in CN_COUNTABLE


# Where a quantity can start: a digit, a Chinese numeral, or the 翻 of 翻一番 and 分 of 百分之.
_NUMERAL_RE = re.compile(f"[0-9{CN_DIGITS}十百千翻分]")


def quantities_in(norm: str, lo: int, hi: int, blocked: bytearray) -> list[Quantity]:
    """Every number-with-unit in ``norm[lo:hi]`` that reads as a quantity (screened below)."""
    found: list[Quantity] = []
    for m in QUANTITY_RE.finditer(norm, lo, hi):
        if blocked[m.start()]:
            continue
        n1, n2, unit = m.group("n1"), m.group("n2"), m.group("unit")
        chinese = not n1[0].isdigit()
        u1 = m.group("u1")
        if u1 and n2 and u1 != unit and not unit.startswith(u1):
            continue  # 10%-15个 is not a range
        if chinese and not _chinese_count(n1, unit):
            continue
        unit_start = m.start("unit")
        unit_end = m.end("unit")
        nxt = norm[unit_end : unit_end + 1]
        base = unit.split("/")[0].lstrip("千万亿百十") or unit
        if nxt and nxt in UNIT_BLOCKED_BY_NEXT.get(base, "") and not m.group("cmp") and not m.group("a3"):
            continue
        if nxt and nxt in TARGETLESS_FOLLOWERS and not m.group("cmp"):
            continue
        value = _parse_number(n1)
        high = _parse_number(n2) if n2 else None
        if value is None or (n2 and high is None):
            continue
        if high is not None and high <= value:
            continue  # 2012-17104 and such: not a range of a target
        found.append(
            Quantity(
                start=m.start(),
                end=m.end(),
                unit_start=unit_start,
                unit_end=unit_end,
                value=value,
                value_high=high,
                unit=unit,
                approx=m.group("a1") or m.group("a2") or m.group("a3") or "",
                suffix_cmp=m.group("cmp") or "",
                chinese=chinese,
            )
        )
    for m in DOUBLING_RE.finditer(norm, lo, hi) if norm.find("翻", lo, hi) >= 0 else ():
        if blocked[m.start()]:
            continue
        times = {"": 1, "一": 1, "两": 2, "二": 2, "三": 3}[m.group("n")]
        found.append(
            Quantity(
                start=m.start(),
                end=m.end(),
                unit_start=m.end(),
                unit_end=m.end(),
                value=Decimal(2**times - 1) * 100,
                value_high=None,
                unit="%",
                approx="",
                suffix_cmp="",
                chinese=True,
                special="doubling",
            )
        )
    for m in PERCENT_WORDS_RE.finditer(norm, lo, hi) if norm.find("分之", lo, hi) >= 0 else ():
        if blocked[m.start()]:
            continue
        value = _parse_number(m.group("n"))
        if value is None:
            continue
        cmp_match = re.match(r"以上|以下|以内", norm[m.end() : m.end() + 2])
        found.append(
            Quantity(
                start=m.start(),
                end=m.end() + (cmp_match.end() if cmp_match else 0),
                unit_start=m.start(),
                unit_end=m.end(),
                value=value,
                value_high=None,
                unit="%" if m.group("kind") == "百分之" else "‰",
                approx="",
                suffix_cmp=cmp_match.group(0) if cmp_match else "",
                chinese=True,
            )
        )
    found.sort(key=lambda q: q.start)
    return found


# --------------------------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------------------------


@dataclass
class Deadline:
    start: int
    end: int
    text: str
    date: dt.date | None  # None: the plan's end
    as_of: bool = False  # 截至…: a point of measurement of past results, not a deadline


def _month_value(text: str) -> int:
    return int(text) if text.isdigit() else (cn_to_int(text) or 0)


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# Relative years (今年, 明年 …) as years after the plan's.
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "明年": 1, "后年": 2, "今明年": 1, "今明两年": 1}
# Parts of a month that make a month a deadline on their own (8月底, 9月中旬).
_DEADLINE_MONTH_PARTS = ("底", "末", "中旬", "上旬", "下旬")


_DATE_WORD_RE = re.compile("[年月季]")


def deadlines_in(source: str, norm: str, lo: int, hi: int, year: int) -> list[Deadline]:
    """The deadlines written in ``norm[lo:hi]`` of a plan for ``year``: the
    dates targets are due by, and the points at which past results were
    measured (截至…). A deadline at the plan's end has no date of its own."""
    plan_end = dt.date(year, 12, 31)
    found: list[Deadline] = []
    if not _DATE_WORD_RE.search(norm, lo, hi):
        return found  # every form of a deadline names a 年, a 月 or a 季度
    for m in DEADLINE_RE.finditer(norm, lo, hi):
        if m.end() == m.start() or not m.group(0).strip():
            continue
        date = _deadline_date(m, norm, year)
        if date is None:
            continue
        found.append(
            Deadline(
                start=m.start(),
                end=m.end(),
                text=source[m.start() : m.end()].strip(),
                date=None if date == plan_end else date,
                as_of=(m.group("pre") or "").startswith(("截至", "截止")),
            )
        )
    return found


def _deadline_date(m: re.Match[str], norm: str, year: int) -> dt.date | None:
    """The date a match of DEADLINE_RE names, by the form it takes; None
    where the words do not make it a deadline."""
    g = m.groupdict()
    if g["year"]:
        return _year_deadline(g, year)
    if g["rel"]:
        return _relative_deadline(g, norm[m.end() : m.end() + 2], year)
    if g["month"]:
        return _month_deadline(g, year)
    if g["end"]:
        return dt.date(year, 12, 31)
    if g["half"]:
        return dt.date(year, 6, 30) if g["half"] in ("上半年", "年中") else dt.date(year, 12, 31)
    if g["quarter"]:
        return _last_day(year, 3 * _month_value(g["quarter"]))
    return None


def _year_deadline(g: dict[str, str | None], year: int) -> dt.date | None:
    """2015年底, 到2015年, 2015年6月: the end of that year (or month), within the
    plan's next thirty years. A bare year is a deadline only when it lies
    beyond the plan's year."""
    y = int(g["year"] or 0)
    marked = g["pre"] or g["before"] or g["yend"] or g["ymonth"]
    if not (marked or y > year) or not year <= y <= year + 30:
        return None
    month = int(g["ymonth"]) if g["ymonth"] else 12
    return _last_day(y, month) if 1 <= month <= 12 else None


def _relative_deadline(g: dict[str, str | None], following: str, year: int) -> dt.date | None:
    """明年底, 到今年, 今明两年, 后年上半年: the end of that year (or of its first
    half); 今年 alone only when it opens a clause (今年,…)."""
    relative = g["rel"] or ""
    end = g["relend"] or ""
    standalone = relative in ("今年", "本年") and re.match(r"\s*[,:]", following)
    if not (g["pre"] or g["before"] or end or relative.startswith("今明") or standalone):
        return None
    y = year + _RELATIVE_YEARS[relative]
    return dt.date(y, 6, 30) if end == "上半年" else dt.date(y, 12, 31)


def _month_deadline(g: dict[str, str | None], year: int) -> dt.date | None:
    """8月底, 11月底前, 到9月, 6月15日, 9月中旬 of the plan's year: the month's
    last day, its 10th (上旬), its 20th (中旬) or the day named."""
    part = g["mpart"] or ""
    if not (g["before"] or part in _DEADLINE_MONTH_PARTS or g["pre"] in ("到", "于", "在")):
        return None
    month = _month_value(g["month"] or "")
    if not 1 <= month <= 12:
        return None
    if g["day"]:
        day = int(g["day"])
        return dt.date(year, month, day) if 1 <= day <= calendar.monthrange(year, month)[1] else None
    if part == "上旬":
        return dt.date(year, month, 10)
    if part == "中旬":
        return dt.date(year, month, 20)
    return _last_day(year, month)


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------


def _spans(norm: str, lo: int, hi: int, ends: str) -> list[tuple[int, int]]:
    """Split ``norm[lo:hi]`` at any of ``ends`` (a comma between digits, as in 1,000, does not split)."""
    out: list[tuple[int, int]] = []
    start = lo
    for m in _ends_pattern(ends).finditer(norm, lo, hi):
        i = m.start()
        if norm[i] == "," and 0 < i < len(norm) - 3 and norm[i - 1].isdigit() and norm[i + 1 : i + 4].isdigit():
            continue
        if start < i:
            out.append((start, i))
        start = i + 1
    if start < hi:
        out.append((start, hi))
    return out


@functools.lru_cache(maxsize=8)
def _ends_pattern(ends: str) -> re.Pattern[str]:
    """One character of ``ends``, found by the regex engine rather than a loop over the text."""
    return re.compile(f"[{re.escape(ends)}]")


def _trim(norm: str, lo: int, hi: int, chars: str = " \t\u3000\xa0\ufeff") -> tuple[int, int]:
    while lo < hi and norm[lo] in chars:
        lo += 1
    while hi > lo and norm[hi - 1] in chars:
        hi -= 1
    return lo, hi


def _blocked_mask(norm: str, masked: list[tuple[int, int]]) -> bytearray:
    """1 for characters inside quotation marks or numbering markers."""
    mask = bytearray(len(norm))
    for a, b in masked:
        mask[a:b] = b"\x01" * (b - a)
    i = 0
    n = len(norm)
    while i < n:
        close = QUOTE_PAIRS.get(norm[i])
        if close:
            j = norm.find(close, i + 1, min(n, i + 40))
            newline = norm.find("\n", i + 1, j if j > 0 else i + 1)
            if j > 0 and newline < 0:
                mask[i : j + 1] = b"\x01" * (j + 1 - i)
                i = j + 1
                continue
        i += 1
    return mask


def node_is_past(node: TaskNode | None, year: int, cache: dict[int, bool]) -> bool:
    if node is None:
        return False
    key = id(node)
    if key not in cache:
        heading = node.heading
        years = [int(y) for y in re.findall(r"(\d{4})年", heading)]
        reviews = re.search(r"回顾|总结|成绩|成效|完成情况|工作情况", heading) and not re.search(
            r"安排|计划|要点|打算|思路|目标|任务", heading
        )
        past = bool(years and all(y < year for y in years)) or bool(reviews)
        cache[key] = past or node_is_past(node.parent, year, cache)
    return cache[key]


def _clean_indicator(text: str) -> str:
    text = LEADING_FILLER_RE.sub("", text)
    text = TRAILING_FILLER_RE.sub("", text)
    text = LEADING_FILLER_RE.sub("", text)
    text = text.strip(' ,、()"')
    if text.startswith("“") and "”" not in text:
        text = text[1:]
    if text.endswith("”") and "“" not in text:
        text = text[:-1]
    if text.startswith("”"):
        text = text[1:]
    return text


@dataclass
class _Found:
    """A quantity in its clause, before it becomes a target or a past result."""

    q: Quantity
    seg_start: int
    seg_end: int
    clause_start: int
    clause_end: int
    prefix: str  # normalised text from the segment start to the number
    suffix: str  # normalised text after the quantity to the segment end
    kind: str = ""  # set by _kind_and_comparator
    comparator: str = ">="
    indicator: str = ""
    past: bool = False
    stretch_of_previous: bool = False
    deadline: Deadline | None = None
    stretch: Decimal | None = None
    sentence_start: int = 0
    clause: Clause | None = None  # read once, by _clause_of


def _kind_and_comparator(f: _Found, norm: str) -> None:
    kind = _kind_of(f)
    f.kind = kind.key
    f.comparator = _comparator_of(f, kind, norm)


def _kind_of(f: _Found) -> kinds.Kind:
    """A doubling is a growth; a limit (a ceiling word, 以内/以下, 不超过 …) a
    ceiling; a rate (or a multiple) the kind its word names, else a ratio;
    anything else an amount. Each of these is a kind's hint (targets.kinds)."""
    q = f.q
    word, level = _governing_word(f.prefix)
    named = _word_kind(word, level=False)
    if q.special == "doubling":
        return _hinted(lambda hints: hints.multiple)
    if named is not None and named.hints.limit:
        return named
    if q.suffix_cmp in ("以内", "以下") or AT_MOST_TAIL_RE.search(f.prefix[-12:]):
        return _hinted(lambda hints: hints.limit)
    if not (q.is_rate or q.unit == "倍"):
        return _default_kind()
    kind = _word_kind(word, level=level) or _hinted(lambda hints: hints.rate)
    if q.unit == "倍" and not kind.hints.multiple:
        return _default_kind()
    return kind


def _comparator_of(f: _Found, kind: kinds.Kind, norm: str) -> str:
    q = f.q
    tail = f.prefix[-12:]
    if q.value_high is not None:
        return "range"
    if kind.at_most:
        return "<="
    if q.suffix_cmp in ("以上", "及以上") or q.approx in ("余", "多") or AT_LEAST_TAIL_RE.search(tail):
        return ">="
    if NEAR_TAIL_RE.search(tail):
        return "<="
    if (
        kind.hints.sets
        and (_is_fixed_set(f, norm) or _clause_of(f, norm).acts_on_set())
        and not _clause_of(f, norm).distributed()
    ):
        return "=="
    return ">="


def _clause_of(f: _Found, norm: str) -> Clause:
    """The grammar of the quantity's clause (``imports.clause``), read once."""
    if f.clause is None:
        f.clause = Clause(norm[f.clause_start : f.q.start], norm[f.q.end : f.clause_end])
    return f.clause


def _governing_word(prefix: str) -> tuple[str | None, bool]:
    """The last kind word before the number, if it stands close enough to
    govern it, and whether it leads to a level (提高至, 下降到, 达到)."""
    last = None
    for m in _kind_words(kinds.revision()).finditer(prefix):
        last = m
    if last is None:
        return None, False
    after_word = prefix[last.end() :]
    if len(after_word) > 6:
        return None, False
    return last.group(0), bool(re.match(r"\s*(?:至|到|达到|达)", after_word))


@functools.lru_cache(maxsize=4)
def _kind_words(revision: int) -> re.Pattern[str]:
    """Every kind word of the kinds registered (at ``revision``), as one pattern."""
    patterns: list[str] = []
    for kind in kinds.ALL:
        for pattern in (kind.hints.words, kind.hints.to_level):
            if pattern and pattern not in patterns:
                patterns.append(pattern)
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns) or "(?!)")


def _word_kind(word: str | None, *, level: bool) -> kinds.Kind | None:
    """The kind a kind word names: leading to a level, a kind's ``to_level``
    word (提高至 is a ratio, 下降到 a ceiling) before its ``words``."""
    if word is None:
        return None
    return _word_kind_of(word, level, kinds.revision())


@functools.lru_cache(maxsize=512)
def _word_kind_of(word: str, level: bool, revision: int) -> kinds.Kind | None:
    """``_word_kind`` for the kinds registered at ``revision`` (the same word, the same answer)."""
    if level:
        for kind in kinds.ALL:
            if kind.hints.to_level and re.fullmatch(kind.hints.to_level, word):
                return kind
    for kind in kinds.ALL:
        if kind.hints.words and re.fullmatch(kind.hints.words, word):
            return kind
    return None


def _hinted(test) -> kinds.Kind:
    """The first kind whose hints pass ``test``."""
    return next(kind for kind in kinds.ALL if test(kind.hints))


def _default_kind() -> kinds.Kind:
    """The kind of a count or a measure without a kind word (an amount)."""
    return _default_kind_of(kinds.revision())


@functools.lru_cache(maxsize=4)
def _default_kind_of(revision: int) -> kinds.Kind:
    return _hinted(lambda hints: hints.figure)


def _with_kind_name(name: str, kind: str) -> str:
    """An indicator's name with its kind's ending (…增速) unless it names it already."""
    hints = kinds.get(kind).hints
    return name + hints.name if hints.name and not name.endswith(hints.names) else name


def _is_fixed_set(f: _Found, norm: str) -> bool:
    """A count of a named or pre-existing set (等7条道路, 锦诚明都、皇冠花园2家, 6个已供地项目),
    a descriptor (总投资47亿元, 全长9.12千米), or a set acted upon (加快4个新型农村社区建设)."""
    q, prefix, suffix = f.q, f.prefix, f.suffix
    if prefix.endswith("等"):
        return True
    if q.is_count and prefix.endswith("的") and re.match(r"[\u4e00-\u9fff]", suffix):
        return True  # 年初确定的20件民生实事: a set fixed before
    if "已" in prefix[-3:] or suffix.startswith("已"):
        return True
    if FIXED_TOTAL_TAIL_RE.search(prefix):
        return True
    if not q.is_count:
        return False
    has_noun = bool(re.match(r"[\u4e00-\u9fff]", suffix))
    if has_noun and STEER_TAIL_RE.search(prefix):
        return True
    if has_noun and SCOPE_COMPLETION_RE.search(suffix):
        return True
    if has_noun and "、" in prefix:
        named = prefix[prefix.rfind("、") + 1 :]
        if 0 < len(named) <= 8 and not VERBISH_RE.search(named) and not re.search(r"[\d,;]", named):
            return True
    return False


def _subject(prefix: str) -> str:
    """The name before the number, without deadlines, last year's figure and filler words."""
    prefix = prefix.replace(":", "")  # 工业投资:增长15% (a label line)
    if any(c.isdigit() or c in "年月" for c in prefix):
        prefix = DEADLINE_RE.sub("", prefix)
    # 占比由去年的47.8%提升至 → 占比
    prefix = re.sub(r"(?:由|从)[^,;由从]*?(?:提升|提高|增加|增长|下降|降低|减少|上升)?(?:至|到)$", "", prefix)
    return _clean_indicator(prefix)


def _indicator(f: _Found) -> str:
    subject = _subject(f.prefix)
    noun = ""
    m = re.match(r"[^,;。]*", re.sub(r"\([^)]*\)?", "", f.suffix))
    if m:
        noun = m.group(0).strip(" 、()")
        noun = re.sub(r"^(?:以上|及以上|的)", "", noun)
    if f.prefix.rstrip().endswith("等") and noun:
        listed = subject[:-1] if subject.endswith("等") else subject
        return f"{_clean_indicator(noun)}({listed}等)" if listed else _clean_indicator(noun)
    if noun and re.match(r"[\u4e00-\u9fff]", noun):
        # Count before noun: 引进10家以上核心伙伴企业 → 引进核心伙伴企业.
        verb = subject if len(subject) <= 8 else ""
        if subject and not verb:
            return subject[:200]
        return (verb + _clean_indicator(noun))[:200]
    if subject:
        subject = _with_kind_name(subject, f.kind)
    return subject[:200]


def _split_subjects(f: _Found) -> list[str]:
    """工业总产值、工业增加值同比增长15%: one rate for several indicators."""
    if not kinds.get(f.kind).year_on_year:
        return []
    subject = _clean_indicator(f.prefix)
    for word in _rate_names():
        subject = subject.removesuffix(word)
    if "、" not in subject or "等" in subject:
        return []
    items = subject.split("、")
    if not 2 <= len(items) <= 4 or any(not item or len(item) > 12 for item in items[1:]):
        return []
    first = re.split(r"实现|完成|达到|的|中", items[0])[-1]
    if not first:
        return []
    items[0] = first
    suffix = kinds.get(f.kind).hints.name
    return [item + suffix for item in items]


def _rate_names() -> list[str]:
    """The endings that name a rate (增速, 增长率, 增幅), of every kind."""
    names: list[str] = []
    for kind in kinds.ALL:
        names.extend(name for name in kind.hints.names if name not in names)
    return names


def _pair_respectively(found: list[_Found], norm: str) -> None:
    """X、Y分别增长2%和3%: the values go to the listed indicators in order, with the first one's
    kind and comparator, each quoting the whole clause."""
    by_clause: dict[int, list[_Found]] = {}
    for f in found:
        by_clause.setdefault(f.clause_start, []).append(f)
    for start, group in by_clause.items():
        if len(group) < 2:
            continue
        head = norm[start : group[0].q.start]
        if "分别" not in head:
            continue
        subject = _subject(head[: head.index("分别")])
        items = [item for item in re.split(r"、|和|及|与", subject) if item]
        if len(items) != len(group):
            continue
        first = group[0]
        for f, item in zip(group, items, strict=True):
            f.kind = first.kind
            if f.comparator != "range":
                f.comparator = first.comparator
            f.indicator = _with_kind_name(item, f.kind)
            f.seg_start, f.seg_end = f.clause_start, f.clause_end


def _is_past_clause(norm: str, clause_start: int, clause_end: int, number_start: int) -> bool:
    text = norm[clause_start:clause_end]
    if STATE_RE.search(norm, clause_start, number_start):
        return True
    for pattern in (PERFECTIVE_RE, SUCCESS_RE, PAST_EVENT_RE):
        m = pattern.search(text)
        if m and not FUTURE_MODAL_RE.search(text[: m.start()]):
            return True
    return False


# A clause that names the plan's own time (今年…的目标, 到2020年) speaks of a commitment, even in a
# sentence that reports what a meeting did (会议回顾了2017年工作,提出今年…增长9%以上的目标).
_FUTURE_MARK_RE = re.compile(r"今年(?!以来)|明年|到20\d\d年|的目标|目标是|预期目标")


def _label_start(norm: str, c_lo: int) -> int | None:
    """Where the label of a "名称:值" line starts (a table of main indicators written as text:
    工业投资:增长15%以上), when the clause at ``c_lo`` is the value after such a label."""
    if c_lo == 0 or norm[c_lo - 1] != ":":
        return None
    line_start = norm.rfind("\n", 0, c_lo - 1) + 1
    label = norm[line_start : c_lo - 1].strip()
    if not label or len(label) > 20 or re.search(r"[,;。:]", label) or VERBISH_RE.search(label):
        return None
    return line_start + (len(norm[line_start : c_lo - 1]) - len(norm[line_start : c_lo - 1].lstrip()))


_FROM_TAIL_RE = re.compile(r"(?:由|从)(?:目前|现在|现有|当前)?的?$")


def _starting_level(norm: str, c_lo: int, q: Quantity, kept: list[Quantity]) -> bool:
    """日处理能力由6万吨提高到10万吨: the level the target starts from (由/从 X …到 Y), a figure of
    today, not a second target."""
    if not _FROM_TAIL_RE.search(norm, max(c_lo, q.start - 6), q.start):
        return False
    following = [o for o in kept if o.start > q.end]
    return bool(following) and bool(
        re.fullmatch(
            r"(?:提高|提升|增加|增长|扩大|上升|下降|降低|减少|压缩|缩短|缩减)?(?:到|至)(?:约|为)?",
            norm[q.end : following[0].start],
        )
    )


def _past_figure(prefix: str, year: int) -> bool:
    m = PAST_FIGURE_TAIL_RE.search(prefix)
    if not m:
        return False
    return not m.group("year") or int(m.group("year")) < year


_FREQUENCY_RE = re.compile(r"每(?:周|月|年|季度?|半年|半月|天|日|旬|两周|星期)")


def _screened_out(f: _Found, norm: str, clause_prefix: str) -> bool:
    """Quantities that are not quantities of the plan (see the module docstring)."""
    q = f.q
    tail = f.prefix[-4:]
    if ORDINAL_TAIL_RE.search(tail):
        return True
    if q.is_count and _clause_of(f, norm).uses():
        return True  # a resource used, not an output: 围绕…三个方向, 用好…两个重点区域
    if q.is_rate and re.search(r"权重(?:占|为)?$", f.prefix):
        return True  # the weight of an item in the plan's own assessment: 权重占40%
    if q.chinese and re.match(r"(?:规定|条例|禁令)", f.suffix):
        return True  # a rule set's name: 八项规定
    if q.chinese and f.prefix.endswith("”"):
        return True  # part of a quoted name: “青陂英才”十条政策, “科创中国”三年行动
    if DEMONSTRATIVE_TAIL_RE.search(tail) and q.chinese and not Clause(clause_prefix, f.suffix).distributed():
        return True
    if (
        "每" in clause_prefix
        and _FREQUENCY_RE.search(clause_prefix)
        and q.unit
        in (
            "次",
            "场",
            "期",
            "轮",
            "个",
            "项",
        )
    ):
        return True  # a frequency: 每周召开一次
    if q.is_count and META_NOUN_RE.match(f.suffix):
        return True
    if q.is_time and not kinds.get(f.kind).at_most:
        return True
    # A size in an example of a list: 原市行政中心2平方公里预留地等重点区域.
    return (
        not q.is_count
        and not q.is_rate
        and "等" in f.suffix[:9]
        and bool(re.match(r"[\u4e00-\u9fff]{1,8}等", f.suffix))
    )


class _Engine:
    def __init__(self, source: str, norm: str, outline: Outline, year: int, masked: list[tuple[int, int]]):
        self.source = source
        self.norm = norm
        self.outline = outline
        self.year = year
        self.blocked = _blocked_mask(norm, masked)
        self.marker = bytearray(len(norm))
        for a, b in masked:
            self.marker[a:b] = b"\x01" * (b - a)
        self.past_cache: dict[int, bool] = {}
        self.targets: list[ParsedTarget] = []
        self.achievements: list[ParsedTarget] = []
        self.milestones: list[ParsedMilestone] = []
        self._milestone_keys: list[tuple[Deadline, str]] = []
        self._first_sentence: dict[tuple, int] = {}  # a clause's figure → the sentence first giving it

    def run(self) -> Extraction:
        norm = self.norm
        review_until = -1  # the end of a paragraph that reviews an earlier year
        for s_lo, s_hi in _spans(norm, 0, len(norm), SENTENCE_END):
            s_lo, s_hi = _trim(norm, s_lo, s_hi)
            if s_lo >= s_hi:
                continue
            paragraph_start = norm.rfind("\n", 0, s_lo) + 1
            if not norm[paragraph_start:s_lo].strip() and self._opens_past(s_lo, s_hi):
                # 2020年是极不平凡的一年。…: the paragraph it opens reviews that year.
                line_end = norm.find("\n", s_lo)
                review_until = len(norm) if line_end < 0 else line_end
            elif s_lo < review_until and self._opens_future(s_lo, s_hi):
                review_until = -1  # 2021年是…; 今年要…: the paragraph turns to the plan's year
            self._sentence(s_lo, s_hi, review=s_lo < review_until)
        return Extraction(_dedupe(self.targets), _dedupe(self.achievements), self.milestones)

    # A sentence: past or not as a whole; deadlines scoped to its ;-parts.
    def _opens_past(self, lo: int, hi: int) -> bool:
        opener = PAST_OPENER_RE.match(self.norm, lo, hi)
        return bool(opener) and (not opener.group("year") or int(opener.group("year")) < self.year)

    def _opens_future(self, lo: int, hi: int) -> bool:
        m = re.match(r"[\s(]*(?:(?P<year>\d{4})年|今年|明年|新的一年|下一步|未来)", self.norm[lo:hi])
        return bool(m) and (not m.group("year") or int(m.group("year")) >= self.year)

    def _sentence(self, lo: int, hi: int, *, review: bool = False) -> None:
        norm = self.norm
        sentence_past = review or self._opens_past(lo, hi)
        found: list[_Found] = []
        for p_lo, p_hi in _spans(norm, lo, hi, SUBSENTENCE_END):
            p_lo, p_hi = _trim(norm, p_lo, p_hi)
            if p_lo < p_hi:
                found.extend(self._part(p_lo, p_hi, sentence_past))
        for f in found:
            f.sentence_start = lo
        self._link(found)
        for f in found:
            if not f.stretch_of_previous:
                self._emit(f)

    def _part(self, lo: int, hi: int, sentence_past: bool) -> list[_Found]:
        """The quantities of one ;-part of a sentence (the scope of its deadlines)."""
        norm = self.norm
        deadlines = deadlines_in(self.source, norm, lo, hi, self.year)
        blocked = self.blocked
        found: list[_Found] = []
        clauses = [self._clause_bounds(a, b) for a, b in _spans(norm, lo, hi, CLAUSE_END)]
        clauses = [c for c in clauses if c[0] < c[1]]
        per_clause = []
        shares: dict[int, str] = {}  # a share of entities (50%以上村…) → its indicator
        for c_lo, c_hi in clauses:
            if not _NUMERAL_RE.search(norm, c_lo, c_hi):
                continue  # no number, Chinese numeral or 翻番 in the clause: nothing to find
            quantities = quantities_in(norm, c_lo, c_hi, blocked)
            # Quantities inside a deadline (到2015年) are dates, not targets.
            quantities = [q for q in quantities if not any(d.start <= q.start < d.end for d in deadlines)]
            kept = self._drop_qualifiers(quantities, c_lo, c_hi)
            kept = self._drop_thresholds(kept, c_lo, shares)
            if kept:
                per_clause.append((c_lo, c_hi, kept))
        found_quantities = [q for _lo, _hi, kept in per_clause for q in kept]
        described: list[tuple[int, int]] = []
        # A perfective verb anywhere in the part (…,圆满完成了任务) makes it a report of results.
        perfective = PERFECTIVE_RE.search(norm, lo, hi)
        part_past = bool(perfective) and not FUTURE_MODAL_RE.search(norm, lo, perfective.start())
        for c_lo, c_hi, kept in per_clause:
            # Last year's figure before this year's (由去年的47.8%提升至50%) is a past result
            # inside the target's clause: it does not cut the clause into two segments.
            starting = [q for q in kept if _starting_level(norm, c_lo, q, kept)]
            baselines = [
                q
                for q in kept
                if any(q is o for o in starting)
                or (any(o.start > q.end for o in kept) and _past_figure(norm[c_lo : q.start], self.year))
            ]
            main = [q for q in kept if not any(q is o for o in baselines)]
            segments = []
            for i, q in enumerate(main):
                seg_start = c_lo if i == 0 else _boundary(norm, main[i - 1], q)[1]
                seg_end = c_hi if i + 1 == len(main) else _boundary(norm, q, main[i + 1])[0]
                segments.append((q, seg_start, seg_end))
            segments.extend((q, c_lo, c_hi) for q in baselines)
            segments.sort(key=lambda item: item[0].start)
            label_start = _label_start(norm, c_lo)
            for q, seg_start, seg_end in segments:
                if label_start is not None and seg_start == c_lo:
                    seg_start = label_start  # 工业投资:增长15%以上: the label names the indicator
                seg_start, seg_end = _trim(norm, seg_start, max(seg_end, q.end), " 、和及与")
                f = _Found(
                    q=q,
                    seg_start=seg_start,
                    seg_end=seg_end,
                    clause_start=c_lo,
                    clause_end=c_hi,
                    prefix=norm[seg_start : q.start],
                    suffix=norm[q.end : seg_end],
                )
                _kind_and_comparator(f, norm)
                if _screened_out(f, norm, norm[c_lo : q.start]):
                    continue
                clause = _clause_of(f, norm)
                if not q.is_rate and clause.describes() and (not q.is_count or clause.sized()):
                    # The size of a project or an area whose commitment is an event (总投资5亿元的
                    # X项目开工建设): not a target; the dated event is a milestone.
                    described.append((c_lo, c_hi))
                    continue
                if q.start in shares:
                    f.indicator = shares[q.start]
                if (
                    q.chinese
                    and q.value == 1
                    and not q.special
                    and not q.suffix_cmp
                    and not any(o.value != 1 for o in kept if o is not q)
                    and not clause.distributed()
                    and not re.search(r"至少|不少于", f.prefix[-6:])
                ):
                    continue  # 一个/一项/一套 alone: an article, not a count
                f.past = (
                    ((sentence_past or part_past) and not self._future_clause(f, c_lo, deadlines))
                    or _is_past_clause(norm, c_lo, c_hi, q.start)
                    or _past_figure(f.prefix, self.year)
                    or any(q is o for o in starting)
                    or any(d.as_of and d.start < q.start for d in deadlines)
                )
                f.deadline = _deadline_for(norm, deadlines, q, found_quantities)
                found.append(f)
        _pair_respectively(found, norm)
        if not found:
            self._milestones(lo, hi, deadlines)
        else:
            for c_lo, c_hi in described:
                # The event of a described project, dated by a deadline before it in the part.
                dated = [d for d in deadlines if d.end <= c_hi and not any(f.q.start < d.start < c_lo for f in found)]
                self._milestones(lo, hi, dated[-1:])
        return found

    def _clause_bounds(self, lo: int, hi: int) -> tuple[int, int]:
        """The clause without surrounding space and without the number of the item it opens (1．)."""
        lo, hi = _trim(self.norm, lo, hi)
        moved = False
        while lo < hi and self.marker[lo]:
            lo += 1
            moved = True
        return _trim(self.norm, lo, hi) if moved else (lo, hi)

    def _drop_qualifiers(self, quantities: list[Quantity], c_lo: int, c_hi: int) -> list[Quantity]:
        """A size that qualifies the thing counted (1个10亿元以上重大项目, 投资1000万元以上项目11个,
        引进1-2家1亿美元或10亿元人民币的行业龙头企业, 超10亿元的大项目) is part of the indicator,
        not a target."""
        norm = self.norm
        counts = [q for q in quantities if q.is_count]
        kept = []
        for q in quantities:
            if q.is_count:
                kept.append(q)
                continue
            after = norm[q.end : c_hi]
            before = norm[c_lo : q.start]
            if q.unit in ("万", "亿") and re.match(r"[\u4e00-\u9fff]", after[:1]):
                continue  # a bare 万/亿 before a noun is an adjective: 百亿产业集群, 22万伏
            threshold = q.suffix_cmp in ("以上", "及以上", "以下") or before.endswith(("超", "超过", "逾"))
            share = q.is_rate and not any(c.start > q.end for c in counts)  # 80%以上的规上企业实现…
            if threshold and not share and re.match(r"(?:、[^,;]{0,12})?的[\u4e00-\u9fff]", after):
                continue  # 超10亿元、超百亿元的大项目, 注册资本1000万元以上的企业
            if not counts:
                kept.append(q)
                continue
            runs_into_noun = bool(re.match(r"(?:或|的|人民币)?[\u4e00-\u9fff]", after)) and not re.match(
                r"(?:以上|以下|以内|左右)?[,;。]", after
            )
            adjacent_count = any(0 <= q.start - c.end <= 1 for c in counts)
            later_count = any(c.start > q.end for c in counts)
            # Inside the noun phrase of a count before it: 引进1-2家1亿美元或10亿元人民币的行业龙头企业.
            in_phrase = any(
                c.end <= q.start
                and q.start - c.end <= 10
                and not VERBISH_RE.search(norm, c.end, q.start)
                and not re.search(r"[,;]", norm[c.end : q.start])
                for c in counts
            )
            if adjacent_count or (runs_into_noun and (later_count or in_phrase)) or re.match(r"\d", after):
                continue
            if runs_into_noun and "的" in before[-2:]:
                continue
            kept.append(q)
        return kept

    def _future_clause(self, f: _Found, c_lo: int, deadlines: list[Deadline]) -> bool:
        """The clause names the plan's own time (``_FUTURE_MARK_RE``, or a deadline of the plan's
        year or later before the number), so a perfective or a review around it does not make its
        figure a past result."""
        q = f.q
        marked = _FUTURE_MARK_RE.search(self.norm, c_lo, q.start) is not None or any(
            d.date and d.date.year >= self.year and d.end <= q.start and not d.as_of for d in deadlines
        )
        return marked and not _past_figure(f.prefix, self.year)

    def _drop_thresholds(self, quantities: list[Quantity], c_lo: int, shares: dict[int, str]) -> list[Quantity]:
        """50%以上村营业收入超50万元: the share of the entities that pass a threshold is one ratio;
        the threshold (50万元) goes into its indicator (see ``clause.share_threshold``)."""
        norm = self.norm
        kept = list(quantities)
        for share in quantities:
            if not share.is_rate or share not in kept:
                continue
            later = [q for q in kept if q.start > share.end]
            if not later:
                continue
            threshold = later[0]
            if share_threshold(norm[c_lo : share.start], norm[share.end : threshold.start]):
                entities = re.sub(r"^(?:以上|以下)?的?", "", norm[share.end : threshold.end])
                shares[share.start] = f"{entities}的占比"
                kept.remove(threshold)
        return kept

    def _link(self, found: list[_Found]) -> None:
        """Stretch values (…,力争15%) and rates that lean on the figure before them (…,同比增长23.5%)."""
        previous: _Found | None = None
        for f in found:
            bare_suffix = not re.search(r"[\u4e00-\u9fff]", f.suffix)
            if (
                previous is not None
                and STRETCH_RE.match(f.prefix)
                and bare_suffix
                and f.q.unit == previous.q.unit
                and previous.comparator != "<="
                and previous.q.value_high is None
                and f.q.value > previous.q.value
                and not previous.past
            ):
                previous.stretch = f.q.value
                previous.seg_end = max(previous.seg_end, f.seg_end)
                f.stretch_of_previous = True
                continue
            if previous is None or f.indicator or re.match(r"[\u4e00-\u9fff]", f.suffix):
                previous = f
                continue
            rate, before = kinds.get(f.kind).hints, kinds.get(previous.kind).hints
            leans = (rate.of_base and before.base) or (f.kind == previous.kind and f.q.unit == previous.q.unit)
            if leans and not _subject(f.prefix):
                base = previous.indicator or _indicator(previous)
                if rate.of_base and before.base:
                    # 实现地区生产总值210亿元,同比增长23.5%: the rate of the amount before it.
                    if previous.clause_end <= f.clause_start and previous.seg_start >= f.clause_start - 80:
                        f.seg_start = previous.seg_start
                    f.indicator = base + (rate.of_level if before.level else rate.of_base)
                elif f.kind == previous.kind and f.q.unit == previous.q.unit:
                    # 比重要达到20%,到明年要达到25%: the same indicator at a later date.
                    f.indicator = base
            previous = f

    def _emit(self, f: _Found) -> None:
        node = self.outline.owner(f.q.start)
        past = f.past or node_is_past(node, self.year, self.past_cache)
        seg_start, seg_end = f.seg_start, f.seg_end
        quote_text = self.norm[seg_start:seg_end]
        if not re.search(r"[\u4e00-\u9fff]", quote_text.replace(self.norm[f.q.start : f.q.end], "")):
            seg_start, seg_end = f.clause_start, max(f.clause_end, seg_end)
        quote = self.source[seg_start:seg_end]
        # A clause written again in another sentence gives nothing new (``_dedupe`` keeps the first):
        # skip the naming below, the costly part, for it.
        key = (past, quote, f.q.value, f.q.value_high, f.q.unit, f.kind)
        first_sentence = self._first_sentence.setdefault(key, f.sentence_start)
        if first_sentence != f.sentence_start:
            return
        clause = _clause_of(f, self.norm)
        distributed = [] if f.indicator else clause.distributed()
        if f.q.is_rate:
            distributed = [_with_kind_name(item, f.kind) for item in distributed]
        indicators = [f.indicator] if f.indicator else (distributed or _split_subjects(f) or [_indicator(f)])
        if indicators == [""]:
            indicators = [self._heading_above(f.clause_start)]
        comparator = f.comparator
        if past and comparator not in ("range", "<="):
            comparator = ">=" if f.q.approx or f.q.suffix_cmp or AT_LEAST_TAIL_RE.search(f.prefix[-6:]) else "=="
        start_value = None
        m = re.search(r"(?:由|从)(?:去年|上年|\d{4}年(?:底|末)?|年初)?的?(" + NUM_AR + r")", f.prefix)
        if m and not past:
            start_value = Decimal(m.group(1).replace(",", ""))
        note = ""
        entity = clause.each()
        if entity and not f.q.is_rate and not past:
            note = _("Each %(entity)s must reach it on its own: a floor per %(entity)s, not a total.") % {
                "entity": entity
            }
        elif distributed:
            note = _("One target for each of the %(count)d items listed.") % {"count": len(distributed)}
        for indicator in indicators:
            item = ParsedTarget(
                quote=quote,
                start=seg_start,
                end=seg_end,
                indicator=indicator or _clean_indicator(quote)[:200],
                kind=f.kind,
                unit=f.q.unit,
                comparator=comparator,
                value=f.q.value,
                value_high=f.q.value_high,
                stretch=f.stretch,
                deadline=f.deadline.text if f.deadline and f.deadline.date else None,
                deadline_date=f.deadline.date if f.deadline else None,
                task_path=node.task_path if node else "",
                inline_path=node.path if node else "",
                start_value=start_value,
                note=note,
                sentence=f.sentence_start,
                summary=_in_summary(node),
            )
            (self.achievements if past else self.targets).append(item)

    def _heading_above(self, pos: int) -> str:
        """For a figure standing alone at the start of a line (a news headline's second line,
        力争突破700亿元), the short line above names the indicator."""
        norm = self.norm
        line_start = norm.rfind("\n", 0, pos) + 1
        if norm[line_start:pos].strip():
            return ""
        above_end = line_start - 1
        while above_end > 0 and not norm[norm.rfind("\n", 0, above_end) + 1 : above_end].strip():
            above_end = norm.rfind("\n", 0, above_end)
        above = norm[norm.rfind("\n", 0, max(above_end, 0)) + 1 : max(above_end, 0)].strip()
        if not above or len(above) > 24 or re.search(r"[。,;:]", above):
            return ""
        return _clean_indicator(above)

    def _milestones(self, lo: int, hi: int, deadlines: list[Deadline]) -> None:
        """A dated commitment without a number: 8月底制度落地, 11月底前全面完成."""
        for d in deadlines:
            if d.date is None or d.as_of:
                continue
            opened = self.norm.rfind("(", lo, d.start)
            if opened >= 0 and self.norm.find(")", opened, d.start) < 0:
                continue  # 中期建设目标(2015年): a date in an aside

            node = self.outline.owner(d.start)
            if node_is_past(node, self.year, self.past_cache):
                continue
            # The clause holding the deadline, or the one after it when the deadline stands alone.
            c_lo, c_hi = next(((a, b) for a, b in _spans(self.norm, lo, hi, CLAUSE_END) if a <= d.start < b), (lo, hi))
            if d.end >= c_hi - 1:
                nxt = [(a, b) for a, b in _spans(self.norm, lo, hi, CLAUSE_END) if a >= c_hi]
                if nxt:
                    c_hi = nxt[0][1]
            c_lo, c_hi = self._clause_bounds(c_lo, c_hi)
            if not re.search(_commitment_words(), self.norm[c_lo:c_hi]):
                continue
            key = _milestone_key(self.norm[c_lo:c_hi])
            if any(m.date == d.date and (key in k or k in key) for m, k in self._milestone_keys):
                continue  # the same commitment restated (a headline and its paragraph)
            self._milestone_keys.append((d, key))
            self.milestones.append(
                ParsedMilestone(
                    quote=self.source[c_lo:c_hi],
                    start=c_lo,
                    end=c_hi,
                    deadline=d.text,
                    deadline_date=d.date,
                    task_path=node.task_path if node else "",
                    inline_path=node.path if node else "",
                )
            )


def _commitment_words() -> str:
    """The verbs of a dated commitment without a number, of every kind (a milestone's)."""
    return "|".join(kind.hints.commitment for kind in kinds.ALL if kind.hints.commitment) or "(?!)"


def _milestone_key(text: str) -> str:
    text = re.sub(r"【[^】]*】", "", text)
    text = re.sub(r"[^\u4e00-\u9fff\d]", "", text)
    return re.sub(r"^(?:确保|力争|争取|要|将)", "", text)


def _boundary(norm: str, left: Quantity, right: Quantity) -> tuple[int, int]:
    """Where the segment of ``left`` ends and that of ``right`` starts: at the first 、 following
    ``left``, else at the last 和/及/与 before ``right``, else right after ``left``."""
    between = norm[left.end : right.start]
    comma = between.find("、")
    if comma >= 0:
        return left.end + comma, left.end + comma + 1
    for word in ("以及", "和", "及", "与", "并"):
        k = between.rfind(word)
        if k >= 0:
            return left.end + k, left.end + k + len(word)
    return left.end, left.end


def _deadline_for(norm: str, deadlines: list[Deadline], q: Quantity, others: list[Quantity]) -> Deadline | None:
    """The last deadline before the quantity in its sentence part, else the first after it when no
    other quantity stands between (…20件民生实事,11月底前全面完成)."""
    before = [d for d in deadlines if d.end <= q.start and not d.as_of]
    if before:
        return before[-1]
    after = [d for d in deadlines if d.start >= q.end and not d.as_of]
    if after:
        clause_end = norm.find(",", after[0].end)
        clause_end = len(norm) if clause_end < 0 else clause_end
        if not any(q.end <= o.start < clause_end for o in others if o is not q):
            return after[0]
    return None


def _dedupe(items: list[ParsedTarget]) -> list[ParsedTarget]:
    """A clause written again elsewhere (a repeated paragraph, a summary restating a target)
    gives its target once; within one task, a restatement with the same value, unit and kind
    and a name that contains the other's is folded into the first as an alternative quote (a
    headline and its paragraph). The same clause twice in one sentence is two targets."""
    out: list[ParsedTarget] = []
    by_quote: dict[tuple, ParsedTarget] = {}
    by_value: dict[tuple, list[ParsedTarget]] = {}
    by_figure: dict[tuple, list[ParsedTarget]] = {}  # same value, range, unit and kind
    for item in items:
        key_quote = (item.quote, item.value, item.value_high, item.unit, item.kind)
        first = by_quote.get(key_quote)
        if first is not None and first.sentence != item.sentence:
            continue
        key_value = (item.inline_path, item.value, item.value_high, item.unit, item.kind)
        duplicate = None
        for other in by_value.get(key_value, ()):
            if (
                other.sentence != item.sentence
                and (other.deadline == item.deadline or not other.deadline or not item.deadline)
                and min(len(item.indicator), len(other.indicator)) >= 2
                and (item.indicator in other.indicator or other.indicator in item.indicator)
            ):
                duplicate = other
                break
        if duplicate is None:
            duplicate = _restated(item, by_figure.get((item.value, item.value_high, item.unit, item.kind), ()))
        if duplicate is not None:
            if duplicate.stretch is None and item.stretch is not None and duplicate.comparator != "range":
                duplicate.stretch = item.stretch  # the summary's figure, the body's 力争
            if not duplicate.deadline and item.deadline:
                duplicate.deadline, duplicate.deadline_date = item.deadline, item.deadline_date
            if item.quote != duplicate.quote and item.quote not in duplicate.alt_quotes:
                duplicate.alt_quotes.append(item.quote)
            continue
        by_quote.setdefault(key_quote, item)
        by_value.setdefault(key_value, []).append(item)
        by_figure.setdefault((item.value, item.value_high, item.unit, item.kind), []).append(item)
        out.append(item)
    return out


_RESTATED_VERB_RE = re.compile(r"^(?:新|再)?(?:增|认定|引进|培育|招引|建成|新建|实现|完成|打造|达到|达)+")
_RESTATEMENT_FILLER_RE = re.compile(
    r"^(?:全年|年内|今年|全区|全县|全市|区内|园区|力争|确保|至少|再|共|要|将)+|(?:以上|及以上)$"
)


def _restated(item: ParsedTarget, earlier) -> ParsedTarget | None:
    """An earlier target that ``item`` states again elsewhere in the document (the summary up
    front and the task later, a headline and its article): the same value, range, unit and kind,
    and a name that is the other's, or its abbreviation (新增高企 in 新增高新技术企业认定: the
    shorter name's characters appear in order in the longer one). Small counts (1-3) must name
    the same thing word for word, so that two tasks' "2家" stay two targets."""
    name = _RESTATEMENT_FILLER_RE.sub("", item.indicator)
    for other in earlier:
        if other.sentence == item.sentence or (other.deadline and item.deadline and other.deadline != item.deadline):
            continue
        other_name = _RESTATEMENT_FILLER_RE.sub("", other.indicator)
        if item.quote in other.quote or other.quote in item.quote:
            return other  # 今年启动秦屯、和屯两个试点村 … 启动秦屯、和屯两个试点村
        if len(name) >= 6 and _RESTATED_VERB_RE.sub("", name) == _RESTATED_VERB_RE.sub("", other_name):
            return other  # 新认定国家高新技术企业 … 新增国家高新技术企业: another verb, the same thing
        small_count = item.value <= 3 and counts_whole_things(item.unit)
        if other.summary != item.summary and not small_count and _bigram_overlap(name, other_name) >= 0.5:
            return other  # 工作目标: 实际利用外资4800万美元 … 全年实际使用外资达到4800万美元以上
        short, long = sorted((name, other_name), key=len)
        if short == long or (len(short) >= 4 and short in long):
            return other
        if item.value <= 3 or len(short) < 2:
            continue
        if short in long or (len(short) >= 4 and _subsequence(short, long)):
            return other
    return None


def _in_summary(node: TaskNode | None) -> bool:
    """Text before the first item, or in an item headed as the goals (主要目标, 工作目标) and not
    in one of its sub-items (第二部分 主要目标和重点任务 → 一、…: the tasks, not the summary)."""
    while node is not None and node.inline:
        node = node.parent  # 一是 … of the item that holds them
    return node is None or "目标" in node.heading


def _bigram_overlap(a: str, b: str) -> float:
    """The share of the shorter name's character pairs found in the other name."""
    pairs_a = {a[i : i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not pairs_a or not pairs_b:
        return 0.0
    return len(pairs_a & pairs_b) / min(len(pairs_a), len(pairs_b))


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def extract(source: str, norm: str, outline: Outline, *, year: int, masked: list[tuple[int, int]]) -> Extraction:
    """Targets, past results and dated milestones of the document."""
    return _Engine(source, norm, outline, year, masked).run()
