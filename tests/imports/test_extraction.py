"""Targets in the grammar of Chinese plans: numbers, units, ranges, stretch values, comparators,
kinds, deadlines, and past results kept apart from targets."""

import datetime as dt
from decimal import Decimal

import pytest

from imports.services import plan_parse


def parse(body: str, *, year: int = 2014, heading: str = "一、重点工作\n1.推进项目。"):
    return plan_parse(text=heading + body + "\n", year=year)


def only(body: str, **kwargs):
    parsed = parse(body, **kwargs)
    assert len(parsed.targets) == 1, [(t.quote, t.value, t.unit) for t in parsed.targets]
    return parsed.targets[0]


# ---- numbers and units ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "value", "unit"),
    [
        ("全年新增企业十家。", 10, "家"),
        ("完成征地三百亩。", 300, "亩"),
        ("组织两次银企对接活动。", 2, "次"),
        ("利用外资6540万美元。", 6540, "万美元"),
        ("完成投资1.25亿元。", Decimal("1.25"), "亿元"),
        ("新增绿化面积8万平方米。", 8, "万平方米"),
        ("新建道路全长3.6千米。", Decimal("3.6"), "千米"),
        ("完成投资１２０亿元。", 120, "亿元"),
        ("新增就业1,200人。", 1200, "人"),
        ("引进人才2万名。", 2, "万名"),
    ],
)
def test_it_reads_the_number_and_keeps_the_unit_as_written(body, value, unit):
    target = only(body)
    assert target.value == Decimal(value)
    assert target.unit == unit


def test_a_target_quote_is_the_exact_source_text_at_its_offsets():
    parsed = parse("全年计划引进项目18个,利用市外资金36亿元。")
    for target in parsed.targets:
        assert parsed.text[target.start : target.end] == target.quote
    assert [t.quote for t in parsed.targets] == ["全年计划引进项目18个", "利用市外资金36亿元"]


def test_a_list_of_counts_in_one_clause_gives_one_target_each():
    parsed = parse("抓好2个龙头企业、3个特色产业链和12个重大项目建设。")
    assert [(t.value, t.quote) for t in parsed.targets] == [
        (2, "抓好2个龙头企业"),
        (3, "3个特色产业链"),
        (12, "12个重大项目建设"),
    ]


# ---- ranges, stretch values, comparators --------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "新开工项目10-15个。",
        "新开工项目10—15个。",
        "新开工项目10～15个。",
        "新开工项目10~15个。",
        "新开工项目10至15个。",
        "新开工项目10到15个。",
    ],
)
def test_it_reads_a_range_whatever_the_separator(body):
    target = only(body)
    assert (target.value, target.value_high, target.comparator) == (10, 15, "range")


def test_it_reads_a_range_in_chinese_numerals():
    target = only("力争培育两到三家领军企业。")
    assert (target.value, target.value_high, target.unit, target.comparator) == (2, 3, "家", "range")


def test_a_range_with_the_unit_on_both_ends():
    target = only("税收同比增长8%-10%。")
    assert (target.value, target.value_high, target.kind) == (8, 10, "growth_rate")


def test_a_stretch_value_belongs_to_the_target_before_it():
    target = only("一般预算收入同比增长10%,力争12%。")
    assert (target.value, target.stretch, target.kind, target.comparator) == (10, 12, "growth_rate", ">=")
    assert target.quote == "一般预算收入同比增长10%,力争12%"


def test_a_stretch_value_after_a_restated_verb():
    target = only("确保完成拆迁面积20万平方米,力争完成25万平方米。")
    assert (target.value, target.stretch, target.unit) == (20, 25, "万平方米")


def test_forcing_words_before_a_target_are_not_a_stretch():
    target = only("力争年内新引进企业6家。")
    assert (target.value, target.stretch, target.comparator) == (6, None, ">=")


@pytest.mark.parametrize(
    ("body", "comparator"),
    [
        ("新增专利300件以上。", ">="),
        ("引进项目不少于5个。", ">="),
        ("网签安置房不低于9000套。", ">="),
        ("服务业收入突破30亿元。", ">="),
        ("完成上报600余亩。", ">="),
        ("引进企业20家。", ">="),
    ],
)
def test_at_least_comparators(body, comparator):
    assert only(body).comparator == comparator


@pytest.mark.parametrize(
    "body",
    [
        "登记失业率控制在4%以内。",
        "人口自然增长率控制在6‰以内。",
        "办件超期率不超过2%。",
        "综合能耗控制在5万吨标准煤以内。",
    ],
)
def test_at_most_comparators_are_ceilings(body):
    target = only(body)
    assert (target.kind, target.comparator) == ("ceiling", "<=")


def test_a_count_of_a_named_set_is_exact():
    assert only("推进幸福路、和平路等7条道路建设。").comparator == "=="
    assert only("新开甲园、乙园2家公办幼儿园。").comparator == "=="
    assert only("推动8个已供地项目全面开工。").comparator == "=="
    assert only("项目总投资47亿元。").comparator == "=="


# ---- kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("固定资产投资同比增长20%。", "growth_rate"),
        ("研发经费年增长率达到30%。", "growth_rate"),
        ("万元工业增加值能耗同比下降5%。", "decrease"),
        ("第三产业占生产总值比重达到40%。", "ratio"),
        ("孵化企业毕业率达20%。", "ratio"),
        ("网上办理率95%以上。", "ratio"),
        ("失业率控制在4%以内。", "ceiling"),
        ("新增高新技术企业5家。", "amount"),
        ("地区生产总值翻一番。", "growth_rate"),
    ],
)
def test_kinds(body, kind):
    assert only(body).kind == kind


def test_doubling_is_a_growth_of_a_hundred_percent():
    target = only("到2020年经济总量翻一番。")
    assert (target.value, target.unit, target.kind) == (100, "%", "growth_rate")


def test_one_rate_for_two_indicators_gives_two_targets():
    parsed = parse("全区实现工业总产值、工业增加值同比增长15%。")
    assert [(t.indicator, t.value) for t in parsed.targets] == [("工业总产值增速", 15), ("工业增加值增速", 15)]


def test_a_rate_after_an_amount_is_the_rate_of_that_amount():
    parsed = parse("实现地区生产总值210亿元,同比增长12%。")
    amount, rate = parsed.targets
    assert (amount.kind, amount.value, amount.indicator) == ("amount", 210, "地区生产总值")
    assert (rate.kind, rate.value, rate.indicator) == ("growth_rate", 12, "地区生产总值增速")
    assert rate.quote == "实现地区生产总值210亿元,同比增长12%"


# ---- what is not a target ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "认真落实十八届三中全会精神。",
        "第二批企业名单公布。",
        "各小组每周召开一次推进会。",
        "重点抓好六项重点工作。",
        "从以下五个方面推进。",
        "推进软件园二期建设。",
        "实施“三个一”工程。",
        "打造百亿产业集群。",
        "坚持一个目标。",
        "居全市第四位。",
    ],
)
def test_numbers_that_are_not_targets(body):
    assert parse(body).targets == []


def test_a_size_that_qualifies_what_is_counted_is_not_a_target():
    parsed = parse("新开工1个10亿元以上重大项目,2个5-10亿元重大项目,引进注册资本1000万元以上企业20家以上。")
    assert [(t.value, t.unit) for t in parsed.targets] == [(1, "个"), (2, "个"), (20, "家")]


# ---- deadlines -------------------------------------------------------------------------------


def test_deadlines_other_than_the_plans_end():
    parsed = parse("到年底新增企业18家;到2015年新增企业31家;6月底前建成平台2个。")
    assert [(t.value, t.deadline, t.deadline_date) for t in parsed.targets] == [
        (18, None, None),
        (31, "到2015年", dt.date(2015, 12, 31)),
        (2, "6月底前", dt.date(2014, 6, 30)),
    ]


def test_a_dated_commitment_without_a_number_is_a_milestone_of_its_task():
    parsed = parse("8月底制度落地,10月底全面运营。")
    task = next(t for t in parsed.tasks if t.path == "一 > 1")
    assert [(m.quote, m.deadline_date) for m in task.milestones] == [
        ("8月底制度落地", dt.date(2014, 8, 31)),
        ("10月底全面运营", dt.date(2014, 10, 31)),
    ]
    assert parsed.targets == []


# ---- past results --------------------------------------------------------------------------


def test_a_section_reviewing_an_earlier_year_holds_past_results():
    text = (
        "一、2013年工作总结\n(一)产业发展\n1.工业。全区实现地区生产总值170亿元,同比增长25%。\n"
        "二、2014年工作安排\n(一)工作目标\n1.主要指标。实现地区生产总值210亿元,同比增长23.5%。\n"
    )
    parsed = plan_parse(text=text, year=2014)
    assert [(t.value, t.task_path) for t in parsed.targets] == [
        (210, "二 > (一) > 1"),
        (Decimal("23.5"), "二 > (一) > 1"),
    ]
    assert [(a.value, a.comparator) for a in parsed.achievements] == [(170, "=="), (25, "==")]
    assert next(t for t in parsed.tasks if t.path == "一").past


@pytest.mark.parametrize(
    "body",
    [
        "2013年,全区新增企业15家。",
        "去年新增企业15家。",
        "截至目前,全区共有科技企业35家。",
        "今年以来新增企业15家。",
        "全年新引进企业15家,圆满完成了任务。",
    ],
)
def test_sentences_about_the_past_are_past_results(body):
    parsed = parse(body)
    assert parsed.targets == []
    assert [a.value for a in parsed.achievements] == [15 if "35" not in body else 35]


def test_last_years_figure_inside_a_target_is_a_past_result_and_the_start():
    parsed = parse("高新技术产值占比由去年的47.8%提升至50%以上。")
    assert [(t.value, t.kind, t.comparator, t.start_value) for t in parsed.targets] == [
        (50, "ratio", ">=", Decimal("47.8"))
    ]
    assert [a.value for a in parsed.achievements] == [Decimal("47.8")]


def test_a_later_year_is_not_the_past():
    assert parse("2014年,全区新增企业15家。").targets[0].value == 15


# ---- tree, units and leaders -----------------------------------------------------------------


def test_targets_carry_the_task_path_and_the_inline_path():
    text = "二、招商\n4.产业招商。一是汽车。争取3个以上项目落地。二是安防。争取5家以上企业签约。\n"
    parsed = plan_parse(text=text, year=2014)
    assert [(t.value, t.task_path, t.inline_path) for t in parsed.targets] == [
        (3, "二 > 4", "二 > 4 > 一是"),
        (5, "二 > 4", "二 > 4 > 二是"),
    ]


def test_targets_before_the_first_numbered_item_get_an_unnumbered_task():
    parsed = plan_parse(text="全年重点目标:完成投资130亿元。\n一、招商\n1.引进项目10个。\n", year=2014)
    assert parsed.tasks[0].preamble and parsed.tasks[0].path == ""
    assert [(t.value, t.task_path) for t in parsed.targets] == [(130, ""), (10, "一 > 1")]


def test_it_reads_the_lead_unit_co_units_leader_and_deadline_of_a_task():
    text = (
        "一、项目\n1.推进重点项目。新开工项目10个。"
        "(牵头单位:经济发展局、规划建设局;配合单位:财政局;责任领导:李明;完成时限:2014年10月底)\n"
    )
    task = next(t for t in plan_parse(text=text, year=2014).tasks if t.path == "一 > 1")
    assert task.lead_unit == "经济发展局"
    assert task.co_units == ["规划建设局", "财政局"]
    assert task.leader == "李明"
    assert task.deadline_date == dt.date(2014, 10, 31)


def test_the_json_holds_exactly_tasks_targets_and_achievements():
    data = parse("新增企业5家。").to_json()
    assert set(data) == {"tasks", "targets", "achievements"}
    target = data["targets"][0]
    for key in ("quote", "start", "end", "indicator", "kind", "unit", "comparator", "value", "value_high"):
        assert key in target
    for key in ("stretch", "deadline", "task_path", "inline_path"):
        assert key in target


# ---- more of the grammar ---------------------------------------------------------------------


def test_respectively_pairs_the_values_with_the_listed_indicators():
    parsed = parse("二氧化硫、氮氧化物排放量分别下降2%和3%。")
    assert [(t.indicator, t.value, t.kind) for t in parsed.targets] == [
        ("二氧化硫", 2, "decrease"),
        ("氮氧化物排放量", 3, "decrease"),
    ]


@pytest.mark.parametrize(
    ("body", "unit"),
    [("亩均税收达到25万元/亩。", "万元/亩"), ("PM2.5平均浓度控制在45微克/立方米以内。", "微克/立方米")],
)
def test_composite_units_are_kept_whole(body, unit):
    assert only(body).unit == unit


def test_an_owned_quantity_is_an_indicator_not_a_past_state():
    target = only("每万人发明专利拥有量达到15件。")
    assert (target.indicator, target.value) == ("每万人发明专利拥有量", 15)


def test_one_with_an_explicit_comparator_is_a_count():
    target = only("引进世界500强企业一家以上。")
    assert (target.value, target.unit, target.comparator) == (1, "家", ">=")


def test_a_later_value_of_the_same_indicator_keeps_its_name_and_its_own_date():
    parsed = parse("今年,服务业占比要达到20%,到明年要达到25%;年底前开工率达到100%。")
    assert [(t.indicator, t.value, t.deadline) for t in parsed.targets] == [
        ("服务业占比", 20, None),
        ("服务业占比", 25, "到明年"),
        ("开工率", 100, None),
    ]


def test_a_review_sentence_opening_with_a_span_of_time_is_past():
    parsed = parse("一年来,全区新引进项目42个。")
    assert parsed.targets == [] and parsed.achievements[0].value == 42


def test_a_lead_unit_in_an_aside():
    text = "一、项目\n1.推进项目。新开工项目25个。(区发改局牵头,区财政局、区科技局配合)\n"
    task = next(t for t in plan_parse(text=text, year=2019).tasks if t.path == "一 > 1")
    assert (task.lead_unit, task.co_units) == ("区发改局", ["区财政局", "区科技局"])


def test_a_month_right_after_the_number_of_an_item():
    text = "一、项目\n1．签约。年初集中签约。\n2．3月底前完成项目集中签约。\n"
    parsed = plan_parse(text=text, year=2019)
    assert [t.path for t in parsed.tasks] == ["一", "一 > 1", "一 > 2"]
    milestone = parsed.tasks[2].milestones[0]
    assert (milestone.quote, milestone.deadline_date) == ("3月底前完成项目集中签约", dt.date(2019, 3, 31))


def test_items_numbered_with_a_closing_parenthesis():
    text = "一、目标\n1)工业。新增企业5家。\n2)服务业。新增企业3家。\n"
    parsed = plan_parse(text=text, year=2019)
    assert [t.path for t in parsed.tasks] == ["一", "一 > 1)", "一 > 2)"]
    assert [t.task_path for t in parsed.targets] == ["一 > 1)", "一 > 2)"]


def test_a_clause_repeated_elsewhere_is_one_target_but_twice_in_one_sentence_is_two():
    text = (
        "一、总体\n1.目标。到年底,新增企业18家,总产值超280亿元。\n"
        "2.重申。到年底,新增企业18家,总产值超280亿元。\n"
        "3.村庄。甲村新开工建设5万平方米;乙村新开工建设5万平方米。\n"
    )
    parsed = plan_parse(text=text, year=2014)
    assert [(t.task_path, t.value) for t in parsed.targets] == [
        ("一 > 1", 18),
        ("一 > 1", 280),
        ("一 > 3", 5),
        ("一 > 3", 5),
    ]


def test_roles_separated_by_commas_and_unit_names_with_he():
    text = "一、就业\n1.稳就业。新增就业5000人。牵头单位：人力资源和社会保障局，配合单位：财政局、住房和城乡建设局\n"
    task = next(t for t in plan_parse(text=text, year=2019).tasks if t.path == "一 > 1")
    assert task.lead_unit == "人力资源和社会保障局"
    assert task.co_units == ["财政局", "住房和城乡建设局"]
