"""The grammar of a target's clause: who (subject), does what (action), how much (quantity), of
what (the head noun and the modifier that qualifies it), and then what happens to it (predicate).

The extraction engine (``imports.extraction``) finds the quantities of a clause; this module reads
the words around one of them and answers the questions that decide what the quantity is:

* does it *describe* a thing whose commitment is an event ("总投资5亿元的康华项目开工建设":
  the size of the project, not an amount to deliver; the commitment is the milestone);
* is it the *share of entities* that reach a threshold ("50%以上村营业收入超50万元": one ratio,
  the 50万元 is part of the indicator);
* is it a *floor each entity* must reach ("所有村营收入超30万元", "每家孵化器…不少于10家");
* is it *distributed* over a list ("农技站、植保站和水利服务站各1个": one target per entity).

These are rules of the clause, not of particular words of one plan: each names the grammatical
slot it looks at, so a plan the rules were not written for is read the same way.
"""

from __future__ import annotations

import re

# Verbs whose object is an output to count up: what they take is a target.
PRODUCE_VERBS = (
    "完成", "实现", "新增", "新建", "建成", "建设", "开工建设", "实施", "改造", "整治", "绿化", "硬化", "铺设",
    "流转", "征收", "拆迁", "供应", "收储", "盘活", "处置", "出让", "交付", "引进", "招引", "融资", "投入",
    "发放", "打造", "培育", "开发", "新开工", "签约", "培训", "安置", "治理", "修复", "造林", "种植", "建",
    "认定", "新认定", "创建", "申报", "建立", "设立", "组建", "成立", "举办", "新上", "招引", "落地",
    "达到", "达", "突破", "超过", "超", "增加", "提高", "提升", "增长", "不低于", "不少于",
)  # fmt: skip
# The size words of a thing, three views of one vocabulary:
# - the total of a fixed thing (总投资47亿元, 全长9.12千米): counted exactly when it stands alone;
# - a project's own attribute (年产, 占地): a size it has, whatever follows;
# - any word that may introduce a size before 的 (投资…的, 一期…的).
FIXED_TOTAL_WORDS = ("总投资", "计划总投资", "全长", "总长", "总规模", "总面积", "占地面积", "占地", "规划面积")
ATTRIBUTE_WORDS = ("总投资", "计划总投资", "年产", "年产能", "设计产能", "占地面积", "占地", "建筑面积", "用地面积")
DESCRIPTOR_WORDS = tuple(
    dict.fromkeys(
        FIXED_TOTAL_WORDS + ATTRIBUTE_WORDS + ("投资", "总投入", "一期", "二期", "三期", "首期", "规模", "面积")
    )
)
# Steering verbs: what follows them is a set already given (加快4个社区建设, 推进175个在建项目,
# 加快通海港区3个泊位建设, 续建…安置房1800套).
STEER_VERBS = ("加快", "推进", "续建", "加快推进", "高效推进", "统筹规划", "统筹推进", "统筹")


def _tail(words: tuple[str, ...], after: str = "") -> re.Pattern[str]:
    """One of ``words`` at the end of the text (longest first), then ``after``."""
    return re.compile("(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")" + after + r"\s*$")


FIXED_TOTAL_TAIL_RE = _tail(FIXED_TOTAL_WORDS, "(?:约|为|达)?")
STEER_TAIL_RE = _tail(STEER_VERBS, "(?:实施)?")
# What can happen to a described thing: it starts, is finished, opens, becomes ready …
EVENT_PREDICATE_RE = re.compile(
    r"开工|竣工|投产|建成|具备|办[理竣]|签约|落地|入驻|运营|启用|完工|交付|投用|开业|启动|封顶|结顶|达产|"
    r"通车|验收|备案|立项|动工|复工|挂牌|揭牌"
)
# Entities quantified one by one: 所有村, 每个社区, 每家孵化器, 全部企业.
EACH_RE = re.compile(
    r"(?:所有|全部|每个|每家|每一个|每一家|每所|每座|每条|每户|各个)(?P<entity>[\u4e00-\u9fff]{1,6}?)(?=[\u4e00-\u9fff])"
)
_LIST_SPLIT_RE = re.compile(r"、|和|及|与|以及")
_ACTION_RE = re.compile("|".join(sorted(PRODUCE_VERBS, key=len, reverse=True)))
_DESCRIPTOR_TAIL_RE = _tail(DESCRIPTOR_WORDS, "(?:约|为|达|计)?")
_LEADING_PLACE_RE = re.compile(r"^(?:在|于|对|将|把|为|全区|全年|年内|今年)+")
_USE_RE = re.compile(r"(?:用好|利用|依托|围绕|聚焦|发挥|借助|立足|结合|瞄准|按照|依照)[^,;。]*$")
# A project's own attribute (not 投资 alone: 完成投资30亿元建设… is an output).
_ATTRIBUTE_TAIL_RE = _tail(ATTRIBUTE_WORDS, "(?:约|为|达)?")
_CLAUSE_PART_RE = re.compile(r"[^,;。]*")
_DESCRIBED_LATER_RE = re.compile(r"(?:以上|左右)?[\u4e00-\u9fff]{0,12}的[\u4e00-\u9fffA-Za-z0-9]")
_DISPOSAL_RE = re.compile(r"(?:将|把)[\u4e00-\u9fff]{0,8}$")
_STEER_RE = re.compile(
    "(?:" + "|".join(sorted(STEER_VERBS, key=len, reverse=True)) + r")(?P<place>[\u4e00-\u9fff]{1,8})$"
)
_LIST_TOTAL_RE = re.compile(r"等[\u4e00-\u9fff]{0,10}(?:共计|合计|总计)$")
_PUT_IN_RE = re.compile(r"(?:投入|安排)(?:[\u4e00-\u9fff]{0,8}?资金)?(?:约|为)?$")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_CJK_OR_DIGIT_RE = re.compile(r"[\u4e00-\u9fff\d]")
_HEAD_RE = re.compile(r"(?:以上|以下|左右)?的?(?P<head>[\u4e00-\u9fff“”A-Za-z0-9]*)")
_BOTH_RE = re.compile(
    r"(?P<list>[\u4e00-\u9fff、]+)[均都]"
    r"(?P<verb>下降|降低|减少|增长|提高|达到|达|超过|不超过|不低于|不少于|控制在|保持在)?$"
)
_EACH_TAIL_RE = re.compile(r"各(?P<verb>[\u4e00-\u9fff]{0,4})$")


class Clause:
    """One quantity in the words of its clause.

    ``before`` runs from the start of the clause to the number, ``after`` from the end of the
    quantity (unit, 以上 …) to the end of the clause. ``action`` is the last output verb before
    the number and ``subject`` what stands before that verb; ``modifier`` lies between the verb
    and the number; ``head`` is the noun phrase after the quantity and ``predicate`` what follows
    it. The parts are read when a rule first asks for them: most quantities need only one or two.
    """

    def __init__(self, before: str, after: str) -> None:
        self.before = before
        self.after = after

    @property
    def _action_match(self) -> re.Match[str] | None:
        try:
            return self.__dict__["_action"]
        except KeyError:
            found = None
            for m in _ACTION_RE.finditer(self.before):
                found = m
            self.__dict__["_action"] = found
            return found

    @property
    def action(self) -> str:
        return self._action_match.group(0) if self._action_match else ""

    @property
    def subject(self) -> str:
        m = self._action_match
        return self.before[: m.start()] if m else self.before

    @property
    def modifier(self) -> str:
        m = self._action_match
        return self.before[m.end() :] if m else ""

    @property
    def _head_and_predicate(self) -> tuple[str, str]:
        cached = self.__dict__.get("_head")
        if cached is not None:
            return cached
        self.__dict__["_head"] = self._read_head()
        return self.__dict__["_head"]

    def _read_head(self) -> tuple[str, str]:
        head_match = _HEAD_RE.match(self.after)
        head = head_match.group("head") if head_match else ""
        event = EVENT_PREDICATE_RE.search(head)
        if event and event.start() > 0:
            return head[: event.start()], head[event.start() :]
        return head, ""

    @property
    def head(self) -> str:
        return self._head_and_predicate[0]

    @property
    def predicate(self) -> str:
        return self._head_and_predicate[1]

    # -- the rules -----------------------------------------------------------------------------

    def uses(self) -> bool:
        """The count names a resource the action relies on (围绕…三个方向补链, 用好…两个重点区域的
        力量, 依托3个省级园区), not an output and not a set to act on."""
        return bool(_USE_RE.search(self.before)) and not self.action

    def sized(self) -> bool:
        """A descriptor word (总投资, 占地, 年产 …) stands right before the quantity."""
        return bool(_DESCRIPTOR_TAIL_RE.search(self.before))

    def describes_project(self) -> bool:
        """总投资32亿元的年产5万吨磷酸铁锂项目6月底前建成投产: a size that a project's own
        attribute word introduces (年产, 占地, 建筑面积 …), in a clause whose predicate is an event
        of the project, describes the project even without a 的 after it."""
        if not _ATTRIBUTE_TAIL_RE.search(self.before):
            return False
        return bool(EVENT_PREDICATE_RE.search(_CLAUSE_PART_RE.match(self.after).group(0)))

    def describes(self) -> bool:
        """The quantity is the size of the thing its attributive phrase names (…5亿元的X项目), not
        an output: a descriptor word stands before it (总投资, 占地, 一期), or no output verb
        governs it (选取南部17.5平方公里的工业区). "完成6万平方米的主体工程建设" is an output."""
        if _DESCRIPTOR_TAIL_RE.search(self.before) and _DESCRIBED_LATER_RE.match(self.after):
            return True  # 年产50万套驱动电机的华驰项目…
        if self.describes_project():
            return True
        if not re.match(r"(?:以上|左右)?的[\u4e00-\u9fffA-Za-z0-9]", self.after):
            return False
        return not self.action

    def acts_on_set(self) -> bool:
        """The quantity counts a given set the action works on, not an output to count up:
        the disposal construction (将区内35个家庭农场打造成…), a steering verb with the place of
        the set between it and the count (加快通海港区3个泊位建设, 统筹规划中心商务城4个地块的开发),
        the total of a named list (A、B等安置房共计13万平方米), or money put in (投入资金800万元)."""
        before, tail = self.before, self.before[-14:]
        if _DISPOSAL_RE.search(tail) and _CJK_RE.match(self.after):
            return True
        steer = _STEER_RE.search(tail)
        if steer and not _ACTION_RE.search(steer.group("place")) and _CJK_OR_DIGIT_RE.match(self.after):
            return True
        if _LIST_TOTAL_RE.search(before[-20:]) or "续建" in before:
            return True  # …等安置房共计13万平方米; 续建…安置房1800套 (what is being built already)
        return bool(_PUT_IN_RE.search(tail))

    def each(self) -> str:
        """The entity of a per-entity floor (所有村营收入超30万元 → 村), or ""."""
        found = list(EACH_RE.finditer(self.before))
        return found[-1].group("entity") if found else ""

    def distributed(self) -> list[str]:
        """See ``_distribute`` (read once per clause)."""
        cached = self.__dict__.get("_distributed")
        if cached is None:
            cached = self.__dict__["_distributed"] = tuple(self._distribute())
        return list(cached)

    def _distribute(self) -> list[str]:
        """The items a 各N distributes over, each named with its verb: "建成农技站、植保站和
        水利服务站各1个" → 建成农技站, 建成植保站, 建成水利服务站; "甲乡、乙镇各建成1个服务中心" →
        甲乡建成服务中心, 乙镇建成服务中心. Empty when the clause does not distribute."""
        text = self.before.rstrip()
        if "均" not in text and "都" not in text and "各" not in text:
            return []
        both = _BOTH_RE.search(text)
        if both and re.search(_LIST_SPLIT_RE, both.group("list")):
            # 化学需氧量和氨氮排放总量均下降2%: the same figure for each of the things listed.
            items = [item for item in _LIST_SPLIT_RE.split(both.group("list")) if item]
            return items if 2 <= len(items) <= 6 and all(len(item) <= 12 for item in items) else []
        m = _EACH_TAIL_RE.search(text)
        if not m:
            return []
        listed, verb = text[: m.start()], m.group("verb")
        if verb and not _ACTION_RE.fullmatch(verb):
            return []
        if not verb:
            # The verb is inside the list's phrase: 在园区内建成A、B和C各.
            action = None
            for a in _ACTION_RE.finditer(listed):
                action = a
            if action is None:
                items = [item for item in _LIST_SPLIT_RE.split(re.split(r"[,;:]", listed)[-1]) if item]
                return items if 2 <= len(items) <= 8 else []
            listed, verb, after_verb = "", action.group(0), listed[action.end() :]
            items = [item for item in _LIST_SPLIT_RE.split(after_verb) if item]
            if len(items) < 2:
                return []
            return [verb + item for item in items]
        # Subjects before 各: 甲乡、乙镇、丙镇各建成 → each subject, the verb, the head noun.
        listed = re.split(r"[,;:]", listed)[-1]
        listed = _LEADING_PLACE_RE.sub("", listed)
        items = [item for item in _LIST_SPLIT_RE.split(listed) if item]
        if len(items) < 2 or any(len(item) > 12 for item in items):
            return []
        return [item + verb + self.head for item in items]


def share_threshold(before_share: str, between: str) -> bool:
    """ "50%以上村营业收入超50万元": a percentage directly followed by the entities it counts, and a
    second quantity later in the clause that those entities must pass. ``between`` is the text from
    the end of the percentage to the second quantity. The second quantity is then the threshold in
    the indicator of one ratio, not a target of its own."""
    if re.search(r"[由从]\s*$", before_share):
        return False  # 由47.8%提升至50%: a baseline, not a share
    if not re.match(r"(?:以上|以下)?的?[\u4e00-\u9fff]", between):
        return False
    if re.search(r"[,;。]", between):
        return False
    # The entities pass a threshold: 超, 达到, 不低于, 在…以上.
    return bool(re.search(r"(?:超过?|达到?|不低于|不少于|突破|高于|在)\s*$", between))
