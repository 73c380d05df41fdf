"""The registry of target kinds (targets.kinds): every kind has every piece,
the model's choices and constraints come from it, and a new kind, registered
here and nowhere else, is judged (in Python and in SQL), explained,
validated, charted and found in a plan's text."""

import dataclasses
import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import translation

from imports.services import plan_parse
from plans.choices import Frequency
from progress.charts import target_chart
from progress.engine.recompute import targets_recompute
from progress.validation import check_figure
from targets import kinds
from targets.choices import Comparator, Status
from targets.explanations import explain
from targets.judgement import (
    HUNDRED,
    HUNDRED_SQL,
    PLAN_COLUMNS,
    ZERO,
    Judgement,
    Observation,
    Reason,
    TargetFacts,
    Thresholds,
    round1,
    share,
    share_sql,
)
from targets.metrics import judge
from targets.models import Target, TargetResult
from tests.factories import PlanFactory, TargetFactory, TaskFactory
from tests.progress.engine.test_bulk import assert_agree, both_paths, report

YEAR = dt.date(2014, 1, 1), dt.date(2014, 12, 31)

# ---------------------------------------------------------------------------
# Every kind has every piece
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", kinds.ALL, ids=lambda kind: kind.key)
def test_every_kind_has_every_piece(kind):
    assert kinds.get(kind.key) is kind
    assert len(kind.key) <= Target._meta.get_field("kind").max_length
    assert str(kind.label).strip()
    assert callable(kind.judging.figure)
    assert kind.judging.threshold in PLAN_COLUMNS
    assert kind.judging.threshold in {field.name for field in dataclasses.fields(Thresholds)}
    sql = kind.judging.sql
    for piece in ("completion", "gap", "status", "reason"):
        assert getattr(sql, piece).strip(), f"{kind.key}: no SQL {piece}"
    assert sql.rate is None or sql.rate.strip()
    assert callable(kind.sentence)
    assert isinstance(kind.figures, kinds.Figures)
    assert isinstance(kind.chart, kinds.Chart)
    assert isinstance(kind.hints, kinds.Hints)
    # A kind without a value is its due date: it needs one; a task's standing
    # is judged against its task's deadline, else the plan's end.
    assert kind.needs_value or kind.needs_deadline or kind.figures.standing


def _value_of(kind: kinds.Kind) -> D | None:
    return D(40) if kind.needs_value else None


@pytest.mark.parametrize("kind", kinds.ALL, ids=lambda kind: kind.key)
def test_every_kind_judges_and_explains_every_figure_it_is_given(kind):
    """Each kind, with no figure, a small one, one on target and one above,
    in a month and at the span's end: a judgement, and a sentence for it."""
    facts = TargetFacts(kind=kind.key, value=_value_of(kind), span_start=YEAR[0], span_end=YEAR[1], unit="%")
    with translation.override("en"):
        for month in (3, 12):
            for actual in (None, "0", "5", "40", "100"):
                observation = Observation(year=2014, month=month, actual=None if actual is None else D(actual))
                judgement = judge(facts, observation)
                assert isinstance(judgement.status, Status) and isinstance(judgement.reason, Reason)
                sentence = explain(facts, judgement, year=2014, month=month)
                assert sentence.strip() and "%(" not in sentence, (kind.key, month, actual, sentence)


@pytest.mark.parametrize("kind", kinds.ALL, ids=lambda kind: kind.key)
def test_every_kind_checks_a_typed_figure(kind):
    if kind.figures.standing:
        assert check_figure("按计划推进", kind=kind.key, unit="", target_value=None, previous=None, month=3).value == 1
        assert check_figure("12", kind=kind.key, unit="", target_value=None, previous=None, month=3).error
        return
    check = check_figure("12", kind=kind.key, unit="%", target_value=_value_of(kind), previous=None, month=3)
    assert check.value == D(12) and not check.blocking
    negative = check_figure("-1", kind=kind.key, unit="%", target_value=_value_of(kind), previous=None, month=3)
    assert bool(negative.error) is not kind.figures.signed


def test_the_models_choices_and_constraints_are_the_registrys():
    assert Target._meta.get_field("kind").choices == kinds.choices()
    constraints = {constraint.name: constraint.condition for constraint in Target._meta.constraints}
    assert constraints["target_quantitative_needs_value"] == ~Q(kind__in=kinds.keys(lambda kind: kind.needs_value)) | Q(
        value__isnull=False
    )
    assert constraints["target_milestone_needs_due_date"] == ~kinds.q(lambda kind: kind.needs_deadline) | Q(
        deadline__isnull=False
    )
    assert constraints["target_ceiling_is_at_most"] == ~kinds.q(lambda kind: kind.at_most) | Q(
        comparator=Comparator.AT_MOST
    )


@pytest.mark.django_db
def test_the_registry_builds_the_same_database_as_the_migrations():
    out = StringIO()
    call_command("makemigrations", "targets", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_a_kind_key_must_fit_the_column_and_sql():
    like = kinds.get("ratio")
    for key in ("Floor", "floor-level", "a_kind_with_a_long_key", "x'); drop"):
        with pytest.raises(ValueError):
            kinds.register(dataclasses.replace(like, key=key))
    with pytest.raises(ValueError):
        kinds.register(like)  # once only
    assert kinds.find("Floor") is None


# ---------------------------------------------------------------------------
# A new kind, in this test only: a floor (保底指标), a level to keep at or above
# ---------------------------------------------------------------------------


def _judge_floor(facts, actual, *, points, final, **_ignored):
    """At or above the floor: on track (completed at the span's end); below
    it lagging, seriously beyond ``points`` percent of the floor."""
    floor = facts.value if facts.value is not None else ZERO
    completion = round1(share(actual, floor))
    gap = round1((actual - floor) * HUNDRED / floor) if floor > 0 else ZERO
    if actual >= floor:
        status = Status.COMPLETED if final else Status.ON_TRACK
        return Judgement(status, Reason.AGAINST_TARGET, actual, completion, None, gap)
    status = Status.LAGGING if -gap <= points else Status.SERIOUS
    return Judgement(status, Reason.AGAINST_TARGET, actual, completion, None, gap)


FLOOR_SQL = kinds.JudgeSql(
    rate=None,
    completion=f"round({share_sql('actual', 'target_value')}, 1)",
    gap=f"CASE WHEN target_value > 0 THEN round((actual - target_value) * {HUNDRED_SQL} / target_value, 1) ELSE 0 END",
    status=(
        "CASE WHEN actual >= target_value THEN CASE WHEN final THEN 'completed' ELSE 'on_track' END"
        " WHEN -gap <= lag_points THEN 'lagging' ELSE 'serious' END"
    ),
    reason="'against_target'",
)


def _floor_sentence(facts, judgement, values):
    if judgement.gap is not None and judgement.gap >= 0:
        return "{period}: {actual}{unit}, at or above the floor of {target}{unit}.".format(**values)
    return "{period}: {actual}{unit}, {gap}% below the floor of {target}{unit}.".format(**values)


FLOOR = kinds.Kind(
    key="floor",
    label="Floor",
    judging=kinds.Judging(figure=_judge_floor, sql=FLOOR_SQL, threshold="ceiling_percent", in_percent=False),
    sentence=_floor_sentence,
    figures=kinds.Figures(),
    chart=kinds.Chart(target_line=True),
    hints=kinds.Hints(words="保持在|不低于"),
)


@pytest.fixture
def floor():
    with kinds.registered(FLOOR) as kind:
        yield kind
    assert kinds.find("floor") is None


def _floor_target(**fields):
    plan = PlanFactory(start_year=2014, end_year=2014)
    fields = {"indicator": "森林覆盖率", "kind": "floor", "unit": "%", "value": D(40)} | fields
    target = TargetFactory(task=TaskFactory(plan=plan), **fields)
    return plan, target


# Month: figure → status, completion, gap (percent of the floor).
FLOOR_MONTHS = {
    1: ("45", Status.ON_TRACK, D("112.5"), D("12.5")),
    2: ("38", Status.LAGGING, D("95.0"), D("-5.0")),
    3: ("30", Status.SERIOUS, D("75.0"), D("-25.0")),
    12: ("41", Status.COMPLETED, D("102.5"), D("2.5")),
}


def test_a_new_kind_is_judged_by_its_entry(floor):
    facts = TargetFacts(kind="floor", value=D(40), span_start=YEAR[0], span_end=YEAR[1], unit="%")
    for month, (figure, status, completion, gap) in FLOOR_MONTHS.items():
        judgement = judge(facts, Observation(year=2014, month=month, actual=D(figure)))
        assert (judgement.status, judgement.completion, judgement.gap) == (status, completion, gap), month
        assert judgement.expected is None and judgement.reason is Reason.AGAINST_TARGET
    # Not measured against time: unreported past its date it has no data, not overdue.
    late = judge(dataclasses.replace(facts, span_end=dt.date(2014, 6, 30)), Observation(2014, 9, None))
    assert late.status is Status.NO_DATA


@pytest.mark.django_db
def test_a_new_kind_is_judged_by_the_engine(floor):
    plan, target = _floor_target()
    for month, (figure, *_judged) in FLOOR_MONTHS.items():
        report(target, 2014, month, figure)
    targets_recompute(targets=[target], plan=plan, as_of=dt.date(2014, 12, 31))
    results = {r.month: r for r in TargetResult.objects.filter(target=target)}
    for month, (_figure, status, completion, gap) in FLOOR_MONTHS.items():
        assert (results[month].status, results[month].completion, results[month].gap) == (status, completion, gap)
    # April has no figure of its own: March's is carried, and judged again.
    assert (results[4].status, results[4].data_month) == (Status.SERIOUS, 3)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL SQL")
def test_a_new_kind_is_judged_alike_by_the_sql_engine(floor):
    plan, target = _floor_target()
    quarterly_plan, quarterly = _floor_target(frequency=Frequency.QUARTERLY, value=D(0))
    for month, (figure, *_judged) in FLOOR_MONTHS.items():
        report(target, 2014, month, figure)
        report(quarterly, 2014, month, figure)
    by_python, by_sql = both_paths([plan, quarterly_plan], dt.date(2014, 12, 31))
    assert_agree(by_python, by_sql, "floor")
    statuses = {key[2]: row[0] for key, row in by_sql[0].items() if key[0] == target.pk}
    assert [statuses[month] for month in FLOOR_MONTHS] == [judged[1] for judged in FLOOR_MONTHS.values()]


def test_a_new_kind_is_explained_by_its_entry(floor):
    facts = TargetFacts(kind="floor", value=D(40), span_start=YEAR[0], span_end=YEAR[1], unit="%")
    with translation.override("en"):
        below = judge(facts, Observation(2014, 3, D(30)))
        assert explain(facts, below, year=2014, month=3) == "months 1–3: 30%, 25.0% below the floor of 40%."
        carried = judge(facts, Observation(2014, 5, D(45), data_year=2014, data_month=4))
        assert explain(facts, carried, year=2014, month=5) == (
            "months 1–4: 45%, at or above the floor of 40%. (figure as of months 1–4)"
        )


def test_a_new_kind_is_validated_by_its_entry(floor):
    def check(raw, **extra):
        return check_figure(raw, kind="floor", unit="%", target_value=D(40), previous=D(50), month=3, **extra)

    assert check("-2").error  # not signed
    assert check("3‰").value == D("0.3")  # typed in the target's unit
    # Not a year-to-date total: below last month's, or far above the target, holds nothing up.
    assert not check("45").blocking and not check("95").blocking


@pytest.mark.django_db
def test_a_new_kind_is_charted_by_its_entry(floor):
    plan, target = _floor_target()
    report(target, 2014, 3, "30")
    targets_recompute(targets=[target], plan=plan, as_of=dt.date(2014, 3, 31))
    chart = target_chart(target=target, plan=plan, results=list(TargetResult.objects.filter(target=target)))
    assert [series["kind"] for series in chart["series"]] == ["actual", "target"]
    assert chart["series"][0]["data"][2] == 30.0 and chart["unit"] == "%"
    assert target.get_kind_display() == "Floor" and target.target_label == "40%"


def test_a_new_kind_is_found_in_a_plan_by_its_words(floor):
    parsed = plan_parse(text="一、生态建设\n森林覆盖率保持在40%以上,新增绿化面积8万平方米。", year=2014)
    found = {target.indicator: (target.kind, target.comparator, target.value) for target in parsed.targets}
    assert found["森林覆盖率"] == ("floor", ">=", D(40))
    assert found["新增绿化面积"][0] == "amount"


def test_without_it_the_same_words_are_what_they_were():
    parsed = plan_parse(text="一、生态建设\n森林覆盖率保持在40%以上。", year=2014)
    assert [target.kind for target in parsed.targets] == ["ratio"]


def test_a_figure_of_a_kind_not_registered_is_refused_by_the_importer_checks(floor):
    from imports.services import target_problems

    parsed = plan_parse(text="一、生态建设\n森林覆盖率保持在40%以上。", year=2014)
    (target,) = parsed.targets
    assert target.kind == "floor" and not target_problems(target)
    target.kind = "gone"
    assert [problem.field for problem in target_problems(target)] == ["kind"]
