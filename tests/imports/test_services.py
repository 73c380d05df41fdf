"""Creating the draft plan from an accepted proposal: everything or nothing."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from imports.management.commands.import_plan import Command as ImportPlan
from imports.reading import MAX_BYTES, MAX_LINES, ImportRefused
from imports.services import plan_import_create, plan_parse
from plans.models import Plan, Task
from targets.models import Target
from tests.factories import MembershipFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role

PLAN = """示范区2014年工作要点
全年主要目标:地区生产总值增长10%。
一、招商引资
1.强化招商。全年引进亿元以上项目18个,利用境外资金6540万美元。(牵头单位:投资促进局;责任领导:王强)
2.产业招商。一是汽车。争取3个以上项目落地。二是安防。新开工项目10-15个。
二、民生保障
3.人口。确保人口自然增长率控制在6‰以内。8月底前出台奖励办法。
"""


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def zone(db):
    zone = ZoneFactory(code="demo-zone")
    UnitFactory(zone=zone, name="投资促进局")
    leader = UserFactory(username="leader1", first_name="王强")
    MembershipFactory(user=leader, zone=zone, unit=None, role=Role.LEADER)
    return zone


def test_parsing_touches_no_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        plan_parse(text=PLAN, year=2014)


def test_it_creates_a_draft_plan_with_the_tree_targets_and_milestones(zone):
    parsed = plan_parse(text=PLAN, year=2014)
    plan = plan_import_create(parsed=parsed, zone=zone, by=None)

    assert plan.status == "draft"
    assert (plan.title, plan.start_year, plan.end_year, plan.kind) == (
        "示范区2014年工作要点",
        2014,
        2014,
        "work_points",
    )
    tasks = {task.path: task for task in Task.objects.filter(plan=plan)}
    assert set(tasks) == {"0", "一", "一 > 1", "一 > 2", "一 > 2 > 一是", "一 > 2 > 二是", "二", "二 > 3"}
    assert tasks["一 > 2 > 二是"].parent == tasks["一 > 2"]
    assert tasks["一 > 1"].number == "1." and tasks["一 > 1"].heading == "强化招商"
    assert tasks["一 > 1"].lead_unit.name == "投资促进局"
    assert tasks["一 > 1"].leader.username == "leader1"

    targets = {(t.task.path, t.indicator): t for t in Target.objects.filter(task__plan=plan)}
    growth = targets[("0", "地区生产总值增速")]
    assert (growth.kind, growth.value, growth.unit) == ("growth_rate", Decimal(10), "%")
    foreign = targets[("一 > 1", "利用境外资金")]
    assert (foreign.value, foreign.unit, foreign.quote) == (Decimal(6540), "万美元", "利用境外资金6540万美元")
    started = targets[("一 > 2 > 二是", "新开工项目")]
    assert (started.comparator, started.value, started.value_high) == ("range", Decimal(10), Decimal(15))
    ceiling = targets[("二 > 3", "人口自然增长率")]
    assert (ceiling.kind, ceiling.comparator, ceiling.unit) == ("ceiling", "<=", "‰")
    milestone = Target.objects.get(task__plan=plan, kind="milestone")
    assert milestone.deadline == dt.date(2014, 8, 31)
    assert milestone.task == tasks["二 > 3"]


def test_dropped_items_are_not_created(zone):
    parsed = plan_parse(text=PLAN, year=2014)
    for target in parsed.targets:
        target.accepted = target.unit != "万美元"
    for task in parsed.tasks:
        for milestone in task.milestones:
            milestone.accepted = False
    plan = plan_import_create(parsed=parsed, zone=zone, by=None)
    assert not Target.objects.filter(task__plan=plan, unit="万美元").exists()
    assert not Target.objects.filter(task__plan=plan, kind="milestone").exists()
    assert Target.objects.filter(task__plan=plan).stated().count() == len(parsed.targets) - 1


def test_an_edited_target_is_created_as_edited(zone):
    parsed = plan_parse(text=PLAN, year=2014)
    target = next(t for t in parsed.targets if t.unit == "万美元")
    target.value = Decimal(7000)
    target.indicator = "实际利用外资"
    plan = plan_import_create(parsed=parsed, zone=zone, by=None)
    assert Target.objects.get(task__plan=plan, unit="万美元").indicator == "实际利用外资"


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        ({"stretch": Decimal(1)}, "stretch"),
        ({"comparator": "range", "value_high": Decimal(3)}, "high end"),
        ({"kind": "ceiling", "comparator": ">="}, "ceiling"),
        ({"indicator": " "}, "indicator"),
        ({"quote": "字" * 501}, "500"),
        ({"value": None}, "value"),
        ({"value": Decimal("0.000001")}, "the value 0.000001: Use at most 4 decimal places"),  # stored as 0 before
        ({"value": Decimal("1E+400")}, "at most 11 digits before the point"),
        ({"value": Decimal("NaN")}, "finite number"),
        ({"value": Decimal("Infinity")}, "finite number"),
        ({"value": Decimal("1234567890123.4567")}, "at most 11 digits before the point"),  # rounded before
        ({"stretch": Decimal("18.00001")}, "the stretch value 18.00001: Use at most 4 decimal places"),
        ({"start_value": Decimal("0.00005")}, "the starting level 0.00005"),
    ],
)
def test_a_target_that_breaks_a_rule_creates_nothing(zone, edit, words):
    parsed = plan_parse(text=PLAN, year=2014)
    target = next(t for t in parsed.targets if t.unit == "个" and t.value == 18)
    for field, value in edit.items():
        setattr(target, field, value)
    with pytest.raises(ImportRefused) as info:
        plan_import_create(parsed=parsed, zone=zone, by=None)
    assert words in info.value.message
    assert not Plan.objects.exists() and not Task.objects.exists() and not Target.objects.exists()


def test_a_figure_in_the_document_that_would_be_rounded_is_refused_not_rounded(zone):
    text = PLAN.replace("控制在6‰以内", "控制在0.000006‰以内")
    parsed = plan_parse(text=text, year=2014)
    assert any(t.value == Decimal("0.000006") for t in parsed.targets)
    with pytest.raises(ImportRefused) as info:
        plan_import_create(parsed=parsed, zone=zone, by=None)
    assert "0.000006: Use at most 4 decimal places" in info.value.message
    assert not Plan.objects.exists() and not Target.objects.exists()


def test_the_largest_figure_is_created_exactly(zone):
    parsed = plan_parse(text=PLAN, year=2014)
    target = next(t for t in parsed.targets if t.unit == "万美元")
    target.value = Decimal("99999999999.9999")
    plan = plan_import_create(parsed=parsed, zone=zone, by=None)
    assert Target.objects.get(task__plan=plan, unit="万美元").value == Decimal("99999999999.9999")


def test_a_title_already_used_in_the_zone_creates_nothing(zone):
    parsed = plan_parse(text=PLAN, year=2014)
    plan_import_create(parsed=parsed, zone=zone, by=None)
    with pytest.raises(ImportRefused):
        plan_import_create(parsed=parsed, zone=zone, by=None)
    assert Plan.objects.count() == 1


def test_dropping_a_task_that_holds_targets_is_refused(zone):
    parsed = plan_parse(text=PLAN, year=2014)
    next(t for t in parsed.tasks if t.path == "一 > 1").accepted = False
    with pytest.raises(ImportRefused):
        plan_import_create(parsed=parsed, zone=zone, by=None)
    assert not Plan.objects.exists()


# ---- the command ---------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command(ImportPlan(), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_dry_run_prints_the_json_and_touches_no_database(tmp_path):
    # No `db` fixture: pytest-django fails the test on any database access.
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    data = json.loads(run(str(path), "--zone", "nowhere", "--year", "2014", "--dry-run", "--json"))
    assert set(data) == {"tasks", "targets", "achievements"}
    assert {t["quote"] for t in data["targets"]} >= {"利用境外资金6540万美元", "全年引进亿元以上项目18个"}


def test_the_command_creates_the_draft_plan(zone, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="gb18030")
    output = run(str(path), "--zone", "demo-zone", "--year", "2014", "--title", "2014年工作要点(导入)")
    assert "2014年工作要点(导入)" in output
    assert Plan.objects.get().title == "2014年工作要点(导入)"


def test_the_command_replaces_control_characters_and_says_so(zone, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN.replace("\n一、", "\n\x0c一、").replace("强化招商", "强化\x0b招商"), encoding="utf-8")
    with translation.override("en"):
        output = run(str(path), "--zone", "demo-zone", "--year", "2014")
    assert "2 invisible control characters" in output
    texts = [*Task.objects.values_list("heading", flat=True), *Target.objects.values_list("quote", flat=True)]
    assert texts and not any({"\x0b", "\x0c"} & set(text) for text in texts)


def test_an_unknown_zone_creates_nothing(db, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    with pytest.raises(CommandError, match="no-such-zone"):
        run(str(path), "--zone", "no-such-zone", "--year", "2014")
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        bytes(range(256)) * 64,
        "全年新增企业5家,没有任何编号。".encode(),
        None,  # 10 MB + 1
    ],
    ids=["empty", "png", "binary", "no-numbering", "too-large"],
)
def test_bad_input_is_refused_with_a_message_and_creates_nothing(zone, tmp_path, content):
    path = tmp_path / "plan.txt"
    if content is None:
        with path.open("wb") as handle:
            handle.truncate(MAX_BYTES + 1)
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        run(str(path), "--zone", "demo-zone", "--year", "2014")
    assert str(info.value).strip()
    assert not Plan.objects.exists()


def test_a_text_over_the_line_limit_is_refused_by_the_command_with_the_readers_message(zone, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN + "\n" * MAX_LINES, encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match=r"The plan's text is too long: .* lines"):
        run(str(path), "--zone", "demo-zone", "--year", "2014")
    assert not Plan.objects.exists()


def test_the_json_proposal_round_trips_for_a_review_screen(zone):
    parsed = plan_parse(text=PLAN, year=2014)
    data = json.loads(json.dumps(parsed.to_json(), ensure_ascii=False))
    data["targets"][0]["value"] = 11  # an edit on the review screen
    again = type(parsed).from_json(data, text=parsed.text, year=2014)
    assert again.to_json()["targets"][0]["value"] == 11
    assert again.to_json()["tasks"] == parsed.to_json()["tasks"]
    plan = plan_import_create(parsed=again, zone=zone, by=None)
    assert Target.objects.filter(task__plan=plan, value=11).exists()
