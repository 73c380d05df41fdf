"""The kinds of target, one entry each: the one place that says how a kind is
judged, explained, validated, charted and found in a plan's text.

Every module that treats kinds differently asks its target's entry
(``kinds.get(target.kind)``) or walks ``kinds.ALL``; none compares kind
names. An entry (``Kind``) holds:

- what the plan must say about a target of the kind: a value, a due date, an
  "at most" comparator, whether the value may be negative, whether it may be
  reported as the year-to-date amount from which the rate is computed
  (``targets.models``' constraints and the importer's checks come from these);
- ``judging``: how a figure is judged, once in Python (``targets.metrics.judge``)
  and once as SQL pieces from which the set-based recompute
  (``progress.engine.bulk``) builds its CASE expressions. The two must agree:
  tests/progress/engine/test_bulk.py runs every case of the metrics table
  through both;
- ``sentence``: the sentence that explains a judgement (``targets.explanations``);
- ``figures``: what a reported figure may be (``progress.validation``);
- ``chart``: the lines of the target's chart (``progress.charts``);
- ``hints``: the words that make the importer read a figure of a plan as the
  kind (``imports.extraction``).

A new kind is one more entry, registered here with ``register`` (a test
registers its own with ``registered``), and its tests. A kind's key is stored
in ``Target.kind``: the database's choices and constraints are those of the
kinds registered when the models load (a new built-in kind needs a migration
for them; a kind registered later, as in a test, is judged, explained,
validated and charted all the same).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.figures import figure_text
from plans.choices import TimeBasis
from targets.choices import ReportedAs, Standing, Status
from targets.judgement import (
    HUNDRED,
    HUNDRED_SQL,
    ZERO,
    Judgement,
    Reason,
    TargetFacts,
    behind_status,
    behind_status_sql,
    bounded_rate,
    bounded_rate_sql,
    growth_rate,
    round1,
    share,
    share_sql,
)
from targets.wording import behind_or_ahead, extras, number

# The length of Target.kind: a key must fit it.
KEY_LENGTH = 16

# ---------------------------------------------------------------------------
# What an entry holds
# ---------------------------------------------------------------------------


class JudgeFigure(Protocol):
    """The Python piece of a kind's judgement: a figure judged, given what
    ``metrics.judge`` derived before it looked at the kind.

    ``expected``: time progress in percent, rounded; ``points``: the plan's
    threshold the kind reads (``Judging.threshold``); ``past_deadline``: the
    period ends after the target's span; ``final``: the period is the span's
    last month (or later); ``data_month``: the month of the figure judged.
    """

    def __call__(
        self,
        facts: TargetFacts,
        actual: Decimal,
        *,
        expected: Decimal,
        points: Decimal,
        past_deadline: bool,
        final: bool,
        data_month: int,
    ) -> Judgement: ...


@dataclass(frozen=True)
class JudgeSql:
    """The SQL twin of a kind's ``JudgeFigure``: its piece of each CASE of the
    set-based recompute, one expression each, on unqualified columns.

    - ``rate``: the level a rate is judged on, rounded and kept within
      ±MAX_RATE (None for a kind judged on the figure itself), from
      ``actual`` (the figure), ``reported_as`` and ``baseline`` (the prior
      year's figure of the figure's month, or NULL);
    - ``completion``: percent, rounded, from ``actual``, ``rate``,
      ``target_value`` (0 without a value), ``start_value`` (0 without one)
      and ``expected``;
    - ``gap``: from those and ``completion``;
    - ``status`` and ``reason``: for a period with a figure, from those,
      ``gap``, ``lag_points`` (the plan's threshold the kind reads),
      ``past_deadline`` and ``final`` (booleans).
    """

    rate: str | None
    completion: str
    gap: str
    status: str
    reason: str


@dataclass(frozen=True)
class Judging:
    """How a figure of the kind is judged."""

    figure: JudgeFigure
    sql: JudgeSql
    # The threshold of the plan the kind reads: a field of judgement.Thresholds.
    threshold: str
    # Measured against time progress: without a figure past its date it is
    # overdue, and its judgement keeps the expected progress.
    against_time: bool = False
    # Follows the plan's monthly trajectory, where it has one, instead of the
    # elapsed share of its span.
    trajectory: bool = False
    # The figure judged (the result's actual) is a percentage; else it is in
    # the target's unit.
    in_percent: bool = True


class Sentence(Protocol):
    """The sentence of a judgement (``explanations`` writes two for every
    kind: no approved figure yet, no baseline for the rate). ``values``:
    period, actual, unit, completion, expected, target, gap (its size) and
    deadline, as written; and basis, what the time progress was measured on
    (``metrics.Basis``: "seasonal" is ``plans.choices.TimeBasis.SEASONAL``,
    named so where it judged)."""

    def __call__(self, facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str: ...


@dataclass(frozen=True)
class Figures:
    """What a reported year-to-date figure of the kind may be."""

    # A share done, 0 to 100, typed in % whatever the target's unit; less
    # than last period needs a note.
    share_done: bool = False
    # May be negative (a fall; a rise against a decrease).
    signed: bool = False
    # A year-to-date total: less than last period needs a note; more than
    # twice the target, or a month adding over three times the last monthly
    # increment, needs a confirmation.
    cumulative: bool = False
    # A standing (targets.choices.Standing), typed as its words or its code;
    # lagging needs the reason in 存在问题.
    standing: bool = False


@dataclass(frozen=True)
class Chart:
    """The lines of a target's chart beside its figures."""

    # The reported figures as a line: not for a figure that is no quantity
    # (a task item's standing), whose months a table shows in words.
    figure_line: bool = True
    # A line at the target's value.
    target_line: bool = True
    # The time-progress line: where the figure should be by each month, from
    # the start to the target.
    time_line: bool = False


@dataclass(frozen=True)
class Hints:
    """How the importer (imports.extraction) reads a figure of a plan's text
    as this kind. Word fields are regular expressions (alternatives, longest
    first) of words that stand shortly before the number."""

    # A kind word: 增速, 占比, 控制在 …
    words: str = ""
    # A word that makes the figure this kind when it leads to a level: 提高至50%, 下降到3%.
    to_level: str = ""
    # The kind of a count or a measure without a kind word; the default.
    figure: bool = False
    # The kind of a percentage without a kind word.
    rate: bool = False
    # The kind of a figure written as a limit: 以内, 以下, 不超过 …
    limit: bool = False
    # A doubling (翻一番) or a multiple (增长2倍) is this kind.
    multiple: bool = False
    # A count of a named or existing set is exactly that many (==).
    sets: bool = False
    # A rate written right after a figure of this kind is the rate of it ...
    base: bool = False
    # ... and this figure is a level (the rate is named 提高/降低, not 增速/降幅).
    level: bool = False
    # Appended to an indicator's name that does not end in one of ``names``.
    name: str = ""
    names: tuple[str, ...] = ()
    # The name of this kind's rate of an amount, or of a level, written before it.
    of_base: str = ""
    of_level: str = ""
    # The verbs of a dated commitment without a number (完成, 建成 …).
    commitment: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of target: everything the other modules need to know of it."""

    key: str
    label: str | Promise
    judging: Judging
    sentence: Sentence
    figures: Figures
    chart: Chart
    hints: Hints
    # A value is required (a quantitative kind); else the target is its due date.
    needs_value: bool = True
    # A due date is required.
    needs_deadline: bool = False
    # The value is a ceiling: the comparator is always "at most".
    at_most: bool = False
    # The value may be negative.
    negative_value: bool = False
    # A change against the prior year: it may be reported as the year-to-date
    # amount, from which the rate is computed against the prior year's figure
    # of the same month (the baseline).
    year_on_year: bool = False
    # Counts a decline as positive: a rise is a negative decline.
    decline: bool = False

    def figure_unit(self, unit: str) -> str:
        """The unit a reported figure is typed in."""
        return "%" if self.figures.share_done else unit

    def actual_unit(self, unit: str) -> str:
        """The unit of the figure judged (a result's actual)."""
        return "%" if self.judging.in_percent else unit

    def written(self, value: Decimal | None, *, unit: str = "", grouped: bool = True) -> str:
        """A reported figure or a result's actual as people read it: the
        standing's words for a task item (按计划推进), else the digits with the
        unit (12,345.6亿元); — for none."""
        if value is None:
            return "—"
        if self.figures.standing:
            return str(Standing(int(value)).label) if int(value) in Standing.values else "—"
        return f"{figure_text(value, grouped=grouped)}{unit}"


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

ALL: list[Kind] = []  # in registration order: the order of choices and lists
_BY_KEY: dict[str, Kind] = {}
_revision = 0
_KEY = re.compile(rf"[a-z][a-z0-9_]{{0,{KEY_LENGTH - 1}}}")


def register(kind: Kind) -> Kind:
    """Add a kind. Its key is stored in Target.kind and written into SQL, so
    it is a short lower-case identifier."""
    global _revision
    if not _KEY.fullmatch(kind.key):
        raise ValueError(f"a kind's key is a lower-case identifier of at most {KEY_LENGTH} characters: {kind.key!r}")
    if kind.key in _BY_KEY:
        raise ValueError(f"the kind {kind.key!r} is registered already")
    ALL.append(kind)
    _BY_KEY[kind.key] = kind
    _revision += 1
    return kind


def unregister(key: str) -> None:
    global _revision
    kind = _BY_KEY.pop(key)
    ALL.remove(kind)
    _revision += 1


@contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """The kind registered for the block (a test's own kind)."""
    register(kind)
    try:
        yield kind
    finally:
        unregister(kind.key)


def revision() -> int:
    """Changes whenever a kind is registered or removed: the key of what is built from ``ALL``."""
    return _revision


def get(key: str) -> Kind:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no kind of target {key!r}") from None


def find(key: str) -> Kind | None:
    return _BY_KEY.get(key)


def label(key: str) -> str:
    """The kind's name for people; the key itself for a kind not registered."""
    kind = _BY_KEY.get(key)
    return str(kind.label) if kind else key


def choices() -> list[tuple[str, str | Promise]]:
    return [(kind.key, kind.label) for kind in ALL]


def keys(test: Callable[[Kind], bool]) -> tuple[str, ...]:
    """The keys of the kinds that pass ``test``, in registration order."""
    return tuple(kind.key for kind in ALL if test(kind))


def lookup(test: Callable[[Kind], bool]) -> dict[str, object]:
    """The ORM lookup of the targets whose kind passes ``test``:
    ``{"kind": key}`` for one, ``{"kind__in": keys}`` for several."""
    found = keys(test)
    return {"kind": found[0]} if len(found) == 1 else {"kind__in": found}


def q(test: Callable[[Kind], bool]) -> Q:
    return Q(**lookup(test))


def sql_in(column: str, test: Callable[[Kind], bool]) -> str:
    """A SQL condition on a kind column: it names one of the kinds that pass
    ``test`` (false for none)."""
    found = keys(test)
    if not found:
        return "false"
    if len(found) == 1:
        return f"{column} = '{found[0]}'"
    listed = ", ".join(f"'{key}'" for key in found)
    return f"{column} IN ({listed})"


# ---------------------------------------------------------------------------
# Pieces the kinds share
# ---------------------------------------------------------------------------


def _against_time(
    actual: Decimal, completion: Decimal, expected: Decimal, points: Decimal, *, reached: bool, past_deadline: bool
) -> Judgement:
    """A kind measured against time progress: completed once reached, overdue
    past its date, else on track or behind by its gap to time progress."""
    gap = completion - expected
    if reached:
        return Judgement(Status.COMPLETED, Reason.REACHED, actual, completion, expected, gap)
    if past_deadline:
        return Judgement(Status.OVERDUE, Reason.PAST_DEADLINE, actual, completion, expected, gap)
    return Judgement(behind_status(gap, points), Reason.AGAINST_TIME, actual, completion, expected, gap)


def _against_time_sql(*, completion: str, reached: str) -> JudgeSql:
    """SQL of ``_against_time``, for a completion and a test of "reached"."""
    return JudgeSql(
        rate=None,
        completion=completion,
        gap="completion - expected",
        status=(
            f"CASE WHEN {reached} THEN '{Status.COMPLETED}' WHEN past_deadline THEN '{Status.OVERDUE}'"
            f" ELSE {behind_status_sql('gap', 'lag_points')} END"
        ),
        reason=(
            f"CASE WHEN {reached} THEN '{Reason.REACHED}' WHEN past_deadline THEN '{Reason.PAST_DEADLINE}'"
            f" ELSE '{Reason.AGAINST_TIME}' END"
        ),
    )


def _level(*, year_on_year: bool, decline: bool) -> tuple[JudgeFigure, JudgeSql]:
    """The judgement of a level against the target level (a growth rate, a
    ratio, a decrease): the rate itself, no time proration. A year-on-year
    change may be reported as an amount (the rate is then computed against
    the prior year's figure of the figure's own month; without it there is
    no rate) and a fall against it (a rise against a decline) is seriously
    lagging."""

    def judge_level(
        facts: TargetFacts, actual: Decimal, *, points: Decimal, final: bool, data_month: int, **_ignored
    ) -> Judgement:
        rate = _level_of(facts, actual, data_month=data_month, year_on_year=year_on_year, decline=decline)
        if rate is None:
            return Judgement(Status.NO_DATA, Reason.NO_BASELINE, None, None, None, None)
        target = facts.value if facts.value is not None else ZERO
        gap = rate - round1(target)
        fell = year_on_year and rate < 0 and (decline or target > 0)
        status, reason = _level_status(gap, points, final=final, fell=fell)
        return Judgement(status, reason, rate, round1(share(rate, target)), None, gap)

    return judge_level, _level_sql(year_on_year=year_on_year, decline=decline)


def _level_of(
    facts: TargetFacts, actual: Decimal, *, data_month: int, year_on_year: bool, decline: bool
) -> Decimal | None:
    """The level judged, rounded and kept within ±MAX_RATE: the reported
    rate, or the rate of a reported amount against the prior year's figure of
    the figure's own month (None without one), a decline counting positive."""
    rate = actual
    if year_on_year and facts.reported_as == ReportedAs.AMOUNT:
        computed = growth_rate(actual, (facts.baseline_by_month or {}).get(data_month))
        if computed is None:
            return None
        rate = -computed if decline else computed
    return bounded_rate(round1(rate))


def _level_status(gap: Decimal, points: Decimal, *, final: bool, fell: bool) -> tuple[Status, Reason]:
    """On or above the target: on track (completed at the span's end); a
    fall: seriously lagging; else lagging up to ``points`` below, seriously
    beyond."""
    if gap >= 0:
        return (Status.COMPLETED if final else Status.ON_TRACK), Reason.AGAINST_TARGET
    if fell:
        return Status.SERIOUS, Reason.FALL
    return (Status.LAGGING if -gap <= points else Status.SERIOUS), Reason.AGAINST_TARGET


def _level_sql(*, year_on_year: bool, decline: bool) -> JudgeSql:
    """SQL of ``_level``'s judgement: ``_level_of`` as the rate, then the
    completion, the gap and ``_level_status``."""
    reported = bounded_rate_sql("round(actual, 1)")
    rate = reported
    fell = ""
    if year_on_year:
        sign = " * -1" if decline else ""
        computed = bounded_rate_sql(f"round((actual - baseline) * {HUNDRED_SQL} / baseline{sign}, 1)")
        rate = (
            f"CASE WHEN reported_as = '{ReportedAs.AMOUNT}' THEN CASE WHEN baseline > 0 THEN {computed} END"
            f" ELSE {reported} END"
        )
        fell = "rate < 0" if decline else "rate < 0 AND target_value > 0"
    on_target = f"CASE WHEN final THEN '{Status.COMPLETED}' ELSE '{Status.ON_TRACK}' END"
    return JudgeSql(
        rate=rate,
        completion=f"round({share_sql('rate', 'target_value')}, 1)",
        gap="rate - round(target_value, 1)",
        status=(
            f"CASE WHEN rate IS NULL THEN '{Status.NO_DATA}' WHEN gap >= 0 THEN {on_target}"
            + (f" WHEN {fell} THEN '{Status.SERIOUS}'" if fell else "")
            + f" WHEN -gap <= lag_points THEN '{Status.LAGGING}' ELSE '{Status.SERIOUS}' END"
        ),
        reason=(
            f"CASE WHEN rate IS NULL THEN '{Reason.NO_BASELINE}' WHEN gap >= 0 THEN '{Reason.AGAINST_TARGET}'"
            + (f" WHEN {fell} THEN '{Reason.FALL}'" if fell else "")
            + f" ELSE '{Reason.AGAINST_TARGET}' END"
        ),
    )


def _level_kind(*, year_on_year: bool = False, decline: bool = False, **entry) -> Kind:
    """A kind judged as a level (``_level``): its rule and its entry read the
    same two flags."""
    figure, sql = _level(year_on_year=year_on_year, decline=decline)
    judging = Judging(figure=figure, sql=sql, threshold="rate_points")
    return Kind(judging=judging, year_on_year=year_on_year, decline=decline, **entry)


# Words of the importer's hints (imports.extraction).
_GROWTH_WORDS = r"增长率|增速|增幅|增长(?!点)|增加(?!值)|上升"
_RAISE_WORDS = r"提高|提升"
_DECREASE_WORDS = r"下降率|下降|降低|减少|压减|削减|降幅"
_CEILING_WORDS = r"控制在|控制|不超过|不高于|压缩至|压缩到|降至|降到|缩短至|缩短到"
_RATIO_WORDS = r"比重|占比|比例|覆盖率|率|占"

# ---------------------------------------------------------------------------
# Amount (累计量): a total to reach by the end of the span, reported year to date
# ---------------------------------------------------------------------------


def _judge_amount(
    facts: TargetFacts, actual: Decimal, *, expected: Decimal, points: Decimal, past_deadline: bool, **_ignored
) -> Judgement:
    """Completion is measured from the start: (actual − start) ÷ (target − start)."""
    target = facts.value if facts.value is not None else ZERO
    start = facts.start_value or ZERO
    completion = round1(share(actual - start, target - start))
    return _against_time(actual, completion, expected, points, reached=actual >= target, past_deadline=past_deadline)


def _amount_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    reason = judgement.reason
    if reason is Reason.REACHED:
        sentence = _("%(period)s: %(actual)s%(unit)s done, the target of %(target)s%(unit)s is reached.") % values
    elif reason is Reason.PAST_DEADLINE:
        sentence = (
            _("%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, which was due by %(deadline)s.")
            % values
        )
    elif values.get("basis") == TimeBasis.SEASONAL:
        sentence = _seasonal_amount_sentence(facts, judgement, values)
    elif facts.span_end.year > facts.span_start.year:
        sentence = behind_or_ahead(
            judgement,
            ahead=_(
                "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, "
                "%(gap)s points ahead of time progress."
            ),
            level=_("%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, in step with time progress."),
            behind=_(
                "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the target, "
                "%(gap)s points behind time progress."
            ),
            values=values,
        )
    else:
        sentence = behind_or_ahead(
            judgement,
            ahead=_(
                "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
                "%(gap)s points ahead of time progress."
            ),
            level=_(
                "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
                "in step with time progress."
            ),
            behind=_(
                "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
                "%(gap)s points behind time progress."
            ),
            values=values,
        )
    return sentence + extras(facts)


def _seasonal_amount_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    """An amount judged against last year's share of the year by the month
    (seasonal time progress, ``metrics.progress_basis``): its sentence says
    so. A seasonal span lies within one year."""
    return behind_or_ahead(
        judgement,
        ahead=_(
            "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
            "%(gap)s points ahead of seasonal time progress."
        ),
        level=_(
            "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
            "in step with seasonal time progress."
        ),
        behind=_(
            "%(period)s: %(actual)s%(unit)s done, %(completion)s%% of the annual target, "
            "%(gap)s points behind seasonal time progress."
        ),
        values=values,
    )


AMOUNT = register(
    Kind(
        key="amount",
        label=gettext_lazy("Amount"),
        judging=Judging(
            figure=_judge_amount,
            sql=_against_time_sql(
                completion=f"round({share_sql('actual - start_value', 'target_value - start_value')}, 1)",
                reached="actual >= target_value",
            ),
            threshold="amount_points",
            against_time=True,
            trajectory=True,
            in_percent=False,
        ),
        sentence=_amount_sentence,
        figures=Figures(cumulative=True),
        chart=Chart(time_line=True),
        hints=Hints(figure=True, sets=True, base=True),
    )
)

# ---------------------------------------------------------------------------
# Growth rate (增速): 同比增长15%, the year-to-date rate against the target rate
# ---------------------------------------------------------------------------


def _growth_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    if judgement.reason is Reason.FALL:
        values = values | {"actual": number(abs(judgement.actual)) if judgement.actual is not None else "—"}
        return _("%(period)s: down %(actual)s%% year on year, against a target of %(target)s%% growth.") % values
    return behind_or_ahead(
        judgement,
        ahead=_("%(period)s: up %(actual)s%% year on year, %(gap)s points above the %(target)s%% target."),
        level=_("%(period)s: up %(actual)s%% year on year, on the %(target)s%% target."),
        behind=_("%(period)s: up %(actual)s%% year on year, %(gap)s points below the %(target)s%% target."),
        values=values,
    ) + extras(facts)


GROWTH_RATE = register(
    _level_kind(
        key="growth_rate",
        label=gettext_lazy("Growth rate"),
        sentence=_growth_sentence,
        figures=Figures(signed=True),
        chart=Chart(),
        hints=Hints(
            words=f"{_GROWTH_WORDS}|{_RAISE_WORDS}",
            multiple=True,
            name="增速",
            names=("增速", "增长率", "增幅"),
            of_base="增速",
            of_level="提高",
        ),
        negative_value=True,
        year_on_year=True,
    )
)

# ---------------------------------------------------------------------------
# Ratio (比率/占比): a level to reach, 占比达50%以上
# ---------------------------------------------------------------------------


def _ratio_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    return behind_or_ahead(
        judgement,
        ahead=_("%(period)s: %(actual)s%(unit)s, %(gap)s points above the target of %(target)s%(unit)s."),
        level=_("%(period)s: %(actual)s%(unit)s, on the target of %(target)s%(unit)s."),
        behind=_("%(period)s: %(actual)s%(unit)s, %(gap)s points below the target of %(target)s%(unit)s."),
        values=values,
    )


RATIO = register(
    _level_kind(
        key="ratio",
        label=gettext_lazy("Ratio"),
        sentence=_ratio_sentence,
        figures=Figures(),
        chart=Chart(),
        hints=Hints(words=_RATIO_WORDS, to_level=_RAISE_WORDS, rate=True, base=True, level=True),
    )
)

# ---------------------------------------------------------------------------
# Ceiling (控制指标): must stay at or below, 控制在4%以内
# ---------------------------------------------------------------------------


def _judge_ceiling(facts: TargetFacts, actual: Decimal, *, points: Decimal, final: bool, **_ignored) -> Judgement:
    """Within the ceiling is on track (completed at the span's end); above it
    lagging, seriously beyond ``points`` percent of the ceiling."""
    ceiling = facts.value if facts.value is not None else ZERO
    gap, completion = _room_under(ceiling, actual)
    if actual <= ceiling:
        status = Status.COMPLETED if final else Status.ON_TRACK
        return Judgement(status, Reason.WITHIN, actual, completion, None, gap)
    status = Status.SERIOUS if gap is None or -gap > points else Status.LAGGING
    return Judgement(status, Reason.ABOVE, actual, completion, None, gap)


def _room_under(ceiling: Decimal, actual: Decimal) -> tuple[Decimal | None, Decimal]:
    """The room left under the ceiling in percent of it (negative above it),
    and the completion: 100 when kept, else the share the ceiling is of the
    actual. A ceiling of zero is kept by zero and broken by anything above,
    with no room to measure."""
    if ceiling > 0:
        gap = round1((ceiling - actual) * HUNDRED / ceiling)
        return gap, round1(HUNDRED if actual <= ceiling else share(ceiling, actual))
    if actual <= 0:
        return ZERO, HUNDRED
    return None, ZERO


_CEILING_SQL = JudgeSql(
    rate=None,
    completion=(
        "CASE WHEN target_value > 0 THEN round(CASE WHEN actual <= target_value THEN 100"
        f" ELSE greatest(0, target_value * {HUNDRED_SQL} / actual) END, 1)"
        " WHEN actual <= 0 THEN 100 ELSE 0 END"
    ),
    gap=(
        f"CASE WHEN target_value > 0 THEN round((target_value - actual) * {HUNDRED_SQL} / target_value, 1)"
        " WHEN actual <= 0 THEN 0 END"
    ),
    status=(
        "CASE WHEN actual <= target_value THEN"
        f" CASE WHEN final THEN '{Status.COMPLETED}' ELSE '{Status.ON_TRACK}' END"
        f" WHEN gap IS NULL OR -gap > lag_points THEN '{Status.SERIOUS}' ELSE '{Status.LAGGING}' END"
    ),
    reason=f"CASE WHEN actual <= target_value THEN '{Reason.WITHIN}' ELSE '{Reason.ABOVE}' END",
)


def _ceiling_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    if judgement.reason is Reason.WITHIN:
        return _("%(period)s: %(actual)s%(unit)s, within the ceiling of %(target)s%(unit)s.") % values
    return _("%(period)s: %(actual)s%(unit)s, above the ceiling of %(target)s%(unit)s.") % values


CEILING = register(
    Kind(
        key="ceiling",
        label=gettext_lazy("Ceiling"),
        judging=Judging(figure=_judge_ceiling, sql=_CEILING_SQL, threshold="ceiling_percent", in_percent=False),
        sentence=_ceiling_sentence,
        figures=Figures(),
        chart=Chart(),
        hints=Hints(words=_CEILING_WORDS, to_level=_DECREASE_WORDS, limit=True),
        at_most=True,
    )
)

# ---------------------------------------------------------------------------
# Decrease (下降): 同比下降10%, reported as the rate of decline (a rise is negative)
# ---------------------------------------------------------------------------


def _decrease_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    if judgement.reason is Reason.FALL:
        values = values | {"actual": number(abs(judgement.actual)) if judgement.actual is not None else "—"}
        return _("%(period)s: up %(actual)s%% year on year, against a target of a %(target)s%% decrease.") % values
    return behind_or_ahead(
        judgement,
        ahead=_("%(period)s: down %(actual)s%% year on year, %(gap)s points better than the %(target)s%% target."),
        level=_("%(period)s: down %(actual)s%% year on year, on the %(target)s%% target."),
        behind=_("%(period)s: down %(actual)s%% year on year, %(gap)s points short of the %(target)s%% target."),
        values=values,
    ) + extras(facts)


DECREASE = register(
    _level_kind(
        key="decrease",
        label=gettext_lazy("Decrease"),
        sentence=_decrease_sentence,
        figures=Figures(signed=True),
        chart=Chart(),
        hints=Hints(words=_DECREASE_WORDS, of_base="降幅", of_level="降低"),
        year_on_year=True,
        decline=True,
    )
)

# ---------------------------------------------------------------------------
# Milestone (节点): done by its date, reported as the share done
# ---------------------------------------------------------------------------


def _judge_milestone(
    facts: TargetFacts, actual: Decimal, *, expected: Decimal, points: Decimal, past_deadline: bool, **_ignored
) -> Judgement:
    """The share done (within 0..100) against the share of time elapsed."""
    completion = round1(min(HUNDRED, max(ZERO, actual)))
    return _against_time(
        actual, completion, expected, points, reached=completion >= HUNDRED, past_deadline=past_deadline
    )


def _milestone_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    if judgement.reason is Reason.REACHED:
        return _("Done.")
    if judgement.reason is Reason.PAST_DEADLINE:
        if judgement.completion is None:
            return _("Not done by its date (%(deadline)s), and no approved progress.") % values
        return _("Not done by its date (%(deadline)s): %(completion)s%% done.") % values
    return behind_or_ahead(
        judgement,
        ahead=_("%(completion)s%% done against %(expected)s%% of the time elapsed, %(gap)s points ahead."),
        level=_("%(completion)s%% done, in step with the %(expected)s%% of the time elapsed."),
        behind=_("%(completion)s%% done against %(expected)s%% of the time elapsed, %(gap)s points behind."),
        values=values,
    )


MILESTONE = register(
    Kind(
        key="milestone",
        label=gettext_lazy("Milestone"),
        judging=Judging(
            figure=_judge_milestone,
            sql=_against_time_sql(completion="round(least(100, greatest(0, actual)), 1)", reached="completion >= 100"),
            threshold="milestone_points",
            against_time=True,
        ),
        sentence=_milestone_sentence,
        figures=Figures(share_done=True),
        chart=Chart(target_line=False),
        hints=Hints(commitment=r"完成|建成|落地|开工|投用|投产|运营|启动|出台|实现|交付|竣工|上线|建立|制定|亮点|到位"),
        needs_value=False,
        needs_deadline=True,
    )
)


# ---------------------------------------------------------------------------
# Task progress (工作进展): a task as its lead unit reports it each period
# ---------------------------------------------------------------------------
#
# Every leaf task of a plan has one item of this kind (targets.task_items), so
# that a task without a number is tracked like every figure: its report's value
# is the task's standing (Standing: 0 lagging, 1 on schedule, 2 done), with
# 进展情况, 存在问题 and 下步打算 beside it, reviewed, locked, carried and
# corrected like any figure, judged against the task's deadline.


def _judge_task(
    facts: TargetFacts, actual: Decimal, *, expected: Decimal, past_deadline: bool, **_ignored
) -> Judgement:
    """Done stays done; past the task's deadline and not done, overdue; else
    as the unit reports it: on schedule, or lagging."""
    if actual >= Standing.DONE:
        return Judgement(Status.COMPLETED, Reason.REACHED, actual, round1(HUNDRED), expected, None)
    if past_deadline:
        return Judgement(Status.OVERDUE, Reason.PAST_DEADLINE, actual, None, expected, None)
    status = Status.ON_TRACK if actual >= Standing.ON_SCHEDULE else Status.LAGGING
    return Judgement(status, Reason.STANDING, actual, None, expected, None)


_TASK_SQL = JudgeSql(
    rate=None,
    completion=f"CASE WHEN actual >= {int(Standing.DONE)} THEN {HUNDRED_SQL} END",
    gap="NULL::numeric",
    status=(
        f"CASE WHEN actual >= {int(Standing.DONE)} THEN '{Status.COMPLETED}'"
        f" WHEN past_deadline THEN '{Status.OVERDUE}'"
        f" WHEN actual >= {int(Standing.ON_SCHEDULE)} THEN '{Status.ON_TRACK}' ELSE '{Status.LAGGING}' END"
    ),
    reason=(
        f"CASE WHEN actual >= {int(Standing.DONE)} THEN '{Reason.REACHED}'"
        f" WHEN past_deadline THEN '{Reason.PAST_DEADLINE}' ELSE '{Reason.STANDING}' END"
    ),
)


def _task_sentence(facts: TargetFacts, judgement: Judgement, values: dict[str, str]) -> str:
    if judgement.reason is Reason.REACHED:
        return _("Done.")
    if judgement.reason is Reason.PAST_DEADLINE:
        if judgement.actual is None:
            return _("Not done by its date (%(deadline)s), and no approved progress.") % values
        return _("Not done by its date (%(deadline)s).") % values
    if judgement.status == Status.LAGGING:
        return _("Lagging behind plan, as the unit reports it.")
    return _("On schedule, as the unit reports it.")


TASK = register(
    Kind(
        key="task",
        label=gettext_lazy("Task progress"),
        judging=Judging(
            figure=_judge_task,
            sql=_TASK_SQL,
            threshold="milestone_points",
            against_time=True,
            in_percent=False,
        ),
        sentence=_task_sentence,
        figures=Figures(standing=True),
        chart=Chart(figure_line=False, target_line=False),
        hints=Hints(),
        needs_value=False,
    )
)
