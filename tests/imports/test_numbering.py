"""The heading grammar: Chinese numerals, numbering styles and the paths of the task tree."""

import pytest

from imports.numbering import cn_to_int, normalize, outline_build
from imports.services import plan_parse


def tree(text: str) -> list[tuple[str, str]]:
    outline = outline_build(text, normalize(text))
    return [(node.path, node.heading) for node in outline.nodes]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("三百", 300),
        ("一千零五", 1005),
        ("两万", 20_000),
        ("三千万", 30_000_000),
        ("一亿二千万", 120_000_000),
        ("二〇一四", 2014),
    ],
)
def test_it_reads_chinese_numerals(numeral, value):
    assert cn_to_int(numeral) == value


def test_it_agrees_with_cn2an_on_the_first_thousand_numbers():
    cn2an = pytest.importorskip("cn2an")
    for n in range(1, 1000):
        assert cn_to_int(cn2an.an2cn(n)) == n


def test_normalize_keeps_offsets():
    text = "（一）１．增长１５％，力争２０％～２５％"
    assert len(normalize(text)) == len(text)
    assert normalize(text) == "(一)1.增长15%,力争20%~25%"


def test_it_builds_the_tree_from_the_order_of_styles():
    text = (
        "总体要求\n"
        "一、发展目标\n"
        "（一）经济指标\n"
        "1.工业。全年新增企业5家。\n"
        "（1）子项。内容。\n"
        "2.服务业。内容。\n"
        "（二）社会指标\n"
        "1、民生。内容。\n"
        "二、保障措施\n"
    )
    assert tree(text) == [
        ("一", "发展目标"),
        ("一 > (一)", "经济指标"),
        ("一 > (一) > 1", "工业"),
        ("一 > (一) > 1 > (1)", "子项"),
        ("一 > (一) > 2", "服务业"),
        ("一 > (二)", "社会指标"),
        ("一 > (二) > 1", "民生"),
        ("二", "保障措施"),
    ]


def test_a_document_may_start_below_the_top_style():
    text = "(一)指导思想\n1.坚持创新。内容。\n(二)工作目标\n1.主要指标。内容。\n"
    assert [path for path, _ in tree(text)] == ["(一)", "(一) > 1", "(二)", "(二) > 1"]


def test_inline_items_hang_under_the_item_that_holds_them():
    text = "一、招商\n3.产业招商。开展招商。一是围绕汽车招商。内容。二是围绕电子招商。内容;三是围绕安防招商。\n"
    outline = outline_build(text, normalize(text))
    paths = [node.path for node in outline.nodes]
    assert paths == ["一", "一 > 3", "一 > 3 > 一是", "一 > 3 > 二是", "一 > 3 > 三是"]
    second = outline.nodes[3]
    assert second.number == "二是"
    assert second.heading == "围绕电子招商"
    assert second.task_path == "一 > 3"
    assert outline.owner(text.index("电子")).path == "一 > 3 > 二是"
    assert outline.owner(text.index("开展")).path == "一 > 3"


def test_an_inline_item_out_of_sequence_is_text():
    text = "1.保障。一是加强领导。二是定期调度。三是加强督查。三是加强督查。\n"
    paths = [node.path for node in outline_build(text, normalize(text)).nodes]
    assert paths == ["1", "1 > 一是", "1 > 二是", "1 > 三是"]


def test_a_restarted_inline_series_gets_a_distinct_path():
    text = "1.机制。一是甲。二是乙。另有三个保障。一是丙。二是丁。\n"
    paths = [node.path for node in outline_build(text, normalize(text)).nodes]
    assert paths == ["1", "1 > 一是", "1 > 二是", "1 > 一是-2", "1 > 二是-2"]


def test_numbers_that_are_not_headings_stay_text():
    text = "一、目标\n1.5亿元的项目已经落地。\n2014年是关键一年。\n1.产业。内容。\n"
    assert [path for path, _ in tree(text)] == ["一", "一 > 1"]


def test_a_number_going_backwards_in_the_same_list_is_not_a_heading():
    text = "1.甲。内容。\n2.乙。内容。\n3.丙。内容。\n2.丁。这一行是误排。\n4.戊。内容。\n"
    assert [path for path, _ in tree(text)] == ["1", "2", "3", "4"]


def test_the_numbers_of_headings_are_kept_as_written():
    text = "一、总体\n（二）目标\n１．指标。内容。\n"
    numbers = [node.number for node in outline_build(text, normalize(text)).nodes]
    assert numbers == ["一、", "（二）", "１．"]


ARTICLE = """未来三年高新区要这样做
记者 某某 文/图
未来3年,高新区经济总量力争突破700亿元。
稳住经济基本盘
坚持重点项目周例会制度,确保全年完成固定资产投资470亿元。
一是抓项目。二是抓招商。
持续深化改革 营造高效发展环境
本报讯(记者 某某)深化“放管服”改革,确保“一网通办”率95%以上。
"""


def test_a_report_that_numbers_no_line_gets_an_item_per_headline():
    outline = outline_build(ARTICLE, normalize(ARTICLE))
    top = [node for node in outline.nodes if not node.inline]
    assert [(n.path, n.number, n.heading) for n in top] == [
        ("1", "", "稳住经济基本盘"),
        ("2", "", "持续深化改革 营造高效发展环境"),
    ]
    # The title before the first paragraph and the byline are no items; 一是 hangs under its headline.
    assert [n.path for n in outline.nodes if n.inline] == ["1 > 一是", "1 > 二是"]
    assert outline.owner(ARTICLE.index("470亿元")).path == "1"
    assert outline.owner(ARTICLE.index("700亿元")) is None  # the lead, before the first headline


def test_a_run_of_heading_lines_is_one_item():
    text = "标题\n导语。\n未来3年经济总量\n力争突破700亿元\n到2022年,经济总量力争突破700亿元。\n"
    top = [node for node in outline_build(text, normalize(text)).nodes if not node.inline]
    assert [n.heading for n in top] == ["未来3年经济总量 力争突破700亿元"]


def test_headlines_are_not_read_where_lines_are_numbered():
    text = "一、总体要求\n坚持稳中求进。\n稳住经济基本盘\n确保投资470亿元。\n"
    nodes = outline_build(text, normalize(text)).nodes
    assert [n.path for n in nodes] == ["一"]


def test_unnumbered_section_lines_over_items_that_start_again_at_1_become_the_top_level():
    text = (
        "某区2020年重点工作安排\n\n今年全区工作的总体要求是稳中求进。\n\n"
        "全力稳住经济基本盘\n1.抓好项目建设。全年新开工项目30个。\n2.抓好招商引资。引进亿元以上项目20个。\n\n"
        "持续优化营商环境\n1.深化放管服改革。一网通办率达到95%。\n2.降低企业成本。为企业减负5亿元。\n"
    )
    parsed = plan_parse(text=text, year=2020)
    assert [(t.path, t.heading) for t in parsed.tasks if not t.preamble] == [
        ("1", "全力稳住经济基本盘"),
        ("1 > 1", "抓好项目建设"),
        ("1 > 2", "抓好招商引资"),
        ("2", "持续优化营商环境"),
        ("2 > 1", "深化放管服改革"),
        ("2 > 2", "降低企业成本"),
    ]
    assert [t.task_path for t in parsed.targets] == ["1 > 1", "1 > 2", "2 > 1", "2 > 2"]


def test_items_that_start_again_without_a_heading_line_above_keep_their_own_numbering():
    text = "1.项目。新开工项目30个。\n这一段是正文,说明项目安排的情况。\n1.招商。引进项目20个。\n"
    parsed = plan_parse(text=text, year=2020)
    assert [t.path for t in parsed.tasks] == ["1", "1-2"]
