"""The grammar of a target's clause (imports.clause) and the rules it carries: a described project
is a milestone, not an amount; a share of entities is one ratio; a floor per entity is said so; a
各N distributes; a set acted on or a resource used is no output; a restated target is merged."""

from decimal import Decimal

import pytest

from imports.clause import Clause, share_threshold
from imports.services import plan_parse


def parse(body: str, *, year: int = 2014, heading: str = "一、重点工作\n1.推进项目。"):
    return plan_parse(text=heading + body + "\n", year=year)


def figures(parsed):
    return [(t.value, t.unit, t.kind, t.comparator) for t in parsed.targets]


# ---- the grammar ---------------------------------------------------------------------------


def test_it_reads_subject_action_modifier_head_and_predicate():
    clause = Clause("理工大科技园要完成", "的主体工程建设")
    assert (clause.subject, clause.action, clause.head) == ("理工大科技园要", "完成", "主体工程建设")
    described = Clause("总投资", "的康华医药物流母港项目开工建设")
    assert described.head == "康华医药物流母港项目"
    assert described.predicate == "开工建设"


@pytest.mark.parametrize(
    ("before", "after", "describes"),
    [
        ("今年年底前,总投资", "的康华医药物流母港项目开工建设", True),
        ("一期", "的产业集聚区具备项目入驻条件", True),
        ("选取高新区南部", "的工业区", True),
        ("年产", "新能源汽车驱动电机的华驰项目6月底前投产", True),
        ("理工大科技园要完成", "的主体工程建设", False),
        ("新增绿地", "", False),
        ("总投资", ",年内开工", False),  # a portfolio's total standing alone is kept (seed 000)
    ],
)
def test_a_size_in_an_attributive_phrase_describes_the_thing(before, after, describes):
    assert Clause(before, after).describes() is describes


def test_a_share_passes_a_threshold_only_when_entities_follow_the_percentage():
    assert share_threshold("确保", "以上村营业收入超")
    assert share_threshold("", "以上的村集体经济收入达到")
    assert not share_threshold("占比由", "提升至")
    assert not share_threshold("增长", ",利润增长")


# ---- the rules, through the parser ----------------------------------------------------------


def test_a_described_project_gives_a_dated_milestone_not_an_amount():
    parsed = parse("实施重点工业项目49个;6月底前,总投资5亿元的康华医药物流母港项目开工建设。")
    assert figures(parsed) == [(49, "个", "amount", ">=")]
    milestones = [m for task in parsed.tasks for m in task.milestones]
    assert [m.quote for m in milestones] == ["6月底前,总投资5亿元的康华医药物流母港项目开工建设"]
    assert milestones[0].deadline_date.isoformat() == "2014-06-30"


def test_an_output_measured_in_an_attributive_phrase_is_still_a_target():
    assert figures(parse("理工大科技园要完成6万平方米的主体工程建设。")) == [(6, "万平方米", "amount", ">=")]


def test_a_share_of_villages_over_a_threshold_is_one_ratio_with_the_threshold_in_its_name():
    target = parse("确保全年50%以上村营业收入超50万元。").targets
    assert [(t.value, t.unit, t.kind) for t in target] == [(50, "%", "ratio")]
    assert "50万元" in target[0].indicator


def test_a_share_of_enterprises_doing_something_is_a_ratio_not_a_qualifier():
    assert figures(parse("推动80%以上的规上企业实现数字化改造。")) == [(80, "%", "ratio", ">=")]


def test_a_floor_for_every_village_says_it_is_per_village():
    (target,) = parse("确保全年所有村营收入超30万元。").targets
    assert (target.value, target.unit, target.comparator) == (30, "万元", ">=")
    assert "村" in target.note


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("在园区内建成基层农技站、植保站和水利服务站各1个。", ["建成基层农技站", "建成植保站", "建成水利服务站"]),
        (
            "在梅岭乡、石港镇、龙潭镇各建成1个便民服务中心。",
            ["梅岭乡建成便民服务中心", "石港镇建成便民服务中心", "龙潭镇建成便民服务中心"],
        ),
        ("化学需氧量和氨氮排放总量均下降2%。", ["化学需氧量", "氨氮排放总量"]),
    ],
)
def test_a_figure_for_each_item_listed_gives_one_target_per_item(body, names):
    parsed = parse(body)
    assert [t.indicator for t in parsed.targets] == names
    assert len(parsed.targets) == len(names)
    assert all(t.quote == parsed.targets[0].quote for t in parsed.targets)
    assert {t.comparator for t in parsed.targets} == {">="}


@pytest.mark.parametrize(
    "body",
    [
        "将区内35个家庭农场逐步打造成现代农业家庭农场。",
        "加快通海港区3个7万吨级泊位码头建设速度。",
        "统筹规划中心商务城4个核心地块的开发建设。",
        "新建崇秀新村、绿茵港湾二期等安置房共计13万平方米。",
        "计划投入资金800万元。",
    ],
)
def test_a_set_acted_upon_or_money_put_in_is_counted_exactly(body):
    (target,) = parse(body).targets
    assert target.comparator == "=="


def test_a_resource_used_is_no_target():
    assert parse("围绕功率半导体、新型显示和智能终端三个方向补链延链。").targets == []
    assert parse("要用好长三角、珠三角两个重点区域的驻外招商力量。").targets == []


def test_a_target_stated_in_the_summary_and_again_in_its_task_is_one_target_showing_both():
    text = (
        "2017年工作目标:全年新开工超亿元项目35个以上。\n"
        "一、重点工作\n1.项目建设。全面掀起项目建设新高潮,全年新开工超亿元项目35个以上。\n"
        "2.科技创新。新认定国家高新技术企业50家以上。\n"
        "3.企业培育。全年新增国家高新技术企业50家以上。\n"
    )
    parsed = plan_parse(text=text, year=2017)
    assert [(t.value, t.unit) for t in parsed.targets] == [(35, "个"), (50, "家")]
    first, second = parsed.targets
    assert first.alt_quotes == ["全年新开工超亿元项目35个以上"]
    assert second.alt_quotes == ["全年新增国家高新技术企业50家以上"]


def test_two_small_counts_of_different_things_stay_two_targets():
    parsed = parse("新增国家级研发机构2家。\n2.人才。新增省级院士工作站2家。")
    assert len(parsed.targets) == 2


def test_a_paragraph_that_reviews_last_year_keeps_its_figures_out_of_the_targets():
    text = (
        "2020年是极不平凡的一年。全区实现地区生产总值312.6亿元,同比增长4.1%;新增高新技术企业41家。"
        "2021年,全区地区生产总值增长8%。\n一、重点工作\n1.招商。引进项目30个。\n"
    )
    parsed = plan_parse(text=text, year=2021)
    assert [(t.value, t.unit) for t in parsed.targets] == [(8, "%"), (30, "个")]
    assert {(a.value, a.unit) for a in parsed.achievements} >= {(Decimal("312.6"), "亿元"), (41, "家")}


def test_a_label_line_names_its_value():
    text = "主要预期目标\n工业投资:增长15%以上\n社会消费品零售总额:增长9%\n一、重点工作\n1.招商。引进项目30个。\n"
    parsed = plan_parse(text=text, year=2021)
    names = [t.indicator for t in parsed.targets]
    assert names[:2] == ["工业投资增速", "社会消费品零售总额增速"]


def test_the_level_a_target_starts_from_is_no_second_target():
    (target,) = parse("完成污水处理厂扩容,日处理能力由6万吨提高到10万吨。").targets
    assert (target.value, target.unit, target.start_value) == (10, "万吨", 6)


def test_a_meeting_report_that_looked_back_still_sets_this_years_goal():
    text = "一、会议\n会议全面回顾了2017年各项工作,提出今年全区地区生产总值增长9%以上的目标。共200余人参加会议。\n"
    parsed = plan_parse(text=text, year=2018)
    assert [(t.value, t.unit, t.kind) for t in parsed.targets] == [(9, "%", "growth_rate")]


def test_the_goals_of_a_summary_restated_in_other_words_in_the_tasks_are_one_target_each():
    text = (
        "一、总体要求\n(一)工作目标\n全年实际利用外资4800万美元,城镇新增就业3000人。\n"
        "二、重点任务\n(一)开放合作\n1.外资。全年实际使用外资达到4800万美元以上。\n"
        "2.就业。全年新增城镇就业3000人以上。\n"
    )
    parsed = plan_parse(text=text, year=2025)
    assert [(t.value, t.unit, t.task_path) for t in parsed.targets] == [
        (4800, "万美元", "一 > (一)"),
        (3000, "人", "一 > (一)"),
    ]
    assert all(len(t.alt_quotes) == 1 for t in parsed.targets)


def test_two_tasks_with_the_same_figure_in_similar_words_stay_two_targets():
    text = (
        "一、重点任务\n1.人才。新引进海外人才200名以上。\n2.留学人员。引进海外留学人才200名以上。\n"
        "3.企业。新增规模以上工业企业10家。\n4.服务业。新增规模以上服务业企业10家。\n"
    )
    assert len(plan_parse(text=text, year=2025).targets) == 4


def test_the_parts_of_a_report_are_no_target():
    assert parse("我分两个部分向大家作报告。").targets == []


def test_a_collection_of_news_reports_makes_each_headline_an_item_the_first_too():
    text = (
        "示范区推进会要求\n本报讯(记者甲)会议要求,全年引进项目30个。\n\n"
        "示范区建立推进机制\n本报讯(记者乙)会议明确,年内新增企业20家。\n"
    )
    parsed = plan_parse(text=text, year=2014)
    assert [t.task_path for t in parsed.targets] == ["1", "2"]


def test_one_report_keeps_its_headline_as_the_documents_title():
    text = "示范区推进会要求\n本报讯(记者甲)会议要求,全年引进项目30个。\n\n全力抓好招商\n年内新增企业20家。\n"
    parsed = plan_parse(text=text, year=2014)
    assert [t.task_path for t in parsed.targets] == ["", "1"]


def test_a_project_sized_by_its_own_attribute_and_dated_is_a_milestone_not_an_amount():
    parsed = parse("新增企业20家;总投资32亿元的年产5万吨磷酸铁锂项目6月底前建成投产。")
    assert figures(parsed) == [(20, "家", "amount", ">=")]
    assert [m.quote for task in parsed.tasks for m in task.milestones] == [
        "总投资32亿元的年产5万吨磷酸铁锂项目6月底前建成投产"
    ]


def test_money_invested_in_building_something_is_still_a_target():
    assert figures(parse("全年完成投资30亿元建成标准厂房。")) == [(30, "亿元", "amount", ">=")]


def test_the_weight_of_an_item_in_the_plans_own_assessment_is_no_target():
    assert parse("考核结果纳入年度综合考评,权重占40%。").targets == []


def test_a_summary_target_takes_the_stretch_its_task_adds():
    text = (
        "主要预期目标:实际使用外资7500万美元。\n一、对外开放\n1.利用外资。全年实际使用外资7500万美元,力争8000万美元。\n"
    )
    (target,) = plan_parse(text=text, year=2024).targets
    assert (target.value, target.stretch, target.task_path) == (7500, 8000, "")


def test_batches_are_a_unit_of_their_own():
    (target,) = parse("全年外出招商不少于60批次。").targets
    assert (target.value, target.unit) == (60, "批次")
