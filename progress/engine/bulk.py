"""Recomputing whole plans in the database: the set-based path (PostgreSQL).

The rules are those of ``targets.metrics.judge``, written a second time as SQL
``CASE`` expressions so that PostgreSQL reads and aggregates the reports itself
and the results are written in bulk: no query, and no Python loop, per target
or per report. What differs by kind of target comes from the kinds' entries
(``targets.kinds``: each holds its SQL piece of every CASE beside its Python
rule), so the statement is built from the kinds registered, once per change
of the registry (``_statements``). ``tests/targets/test_bulk.py`` runs every case of the metrics
table, and random multi-period targets, through this path and the Python one
(``progress.engine.recompute.targets_recompute``) and asserts that they agree: change
one and that test tells you to change the other.

A call is one statement (``_statements``), a chain of CTEs each commented
below: parse the trajectories, last year's figures and the baselines once per
target; lay out the grid of (target, period) pairs to judge; join the counted
figures; compute expected progress (on the trajectory, last year's seasonal
share or the straight line), completion, gap, status and reason as ``judge``
does, and the way ahead (pace, projection, band and outlook) as
``targets.outlook.ahead`` does, the band from each plan's ``spread``; set each
status beside the previous period's for the flags, as
``services.transition`` does; then compare with the stored results and flags
in one pass and write the difference: update what changed, insert what is
new, delete what is no longer judged. ``tests/targets/test_outlook.py`` holds
the way ahead's cases, run through both paths as the metrics table is.

Writes touch only what changed, so a second run over unchanged reports writes
no row and leaves ``computed_at`` and ``at`` alone; the counts returned are
those of the Python path (rows inserted or actually changed). Changed rows are
updated by id and new rows go in by plain ``INSERT``: the statement runs under
an exclusive advisory lock on each of its plans (``plans_lock``), and the
single-target path takes the same lock shared (``plan_lock_shared``), so no
other recompute can insert a row of these plans meanwhile. (``INSERT … ON
CONFLICT`` would cover that race without the lock, at half again the cost of
the insert: a speculative insertion per row.)

Arithmetic is ``numeric`` throughout and every figure is rounded with
``round(x, 1)``, which rounds half away from zero as ``ROUND_HALF_UP`` does;
statuses are decided on the rounded figures, as ``judge`` decides them.
Divisions carry 30 decimals (``HUNDRED_SQL`` and ``ONE``), more than Python's 28
significant digits, so that no quotient is rounded across a half before
``round(x, 1)`` sees it. (The two could still differ where Python's own
rounding of a quotient to 28 digits tips a half: figures of twenty and more
significant digits, far beyond anything reported.)
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min

from core import clock
from core.threads import map_on_connections
from plans.choices import TimeBasis
from plans.models import Plan
from plans.periods import REPORTING_START_INDEX_SQL, last_judged_index_sql
from progress.choices import COUNTED, SENT
from progress.engine.locks import plans_lock
from targets import kinds
from targets.choices import Outlook, ReportingStatus, Status
from targets.judgement import HUNDRED_SQL, PLAN_COLUMNS, Reason, share_sql
from targets.metrics import period_end, transition_sql
from targets.models import Target
from targets.outlook import LARGEST_TWO_DECIMALS, MIN_SPREAD_TARGETS
from targets.task_status import task_counting_sql, task_results_sql

# A scale-30 one (as judgement.HUNDRED_SQL): PostgreSQL gives a quotient at
# least the scale of its operands, so multiplying by it keeps 30 decimals
# through a division.
ONE = "1.000000000000000000000000000000"
# The carried figure's period and last year's share by its month in one
# number (``carried``): a share in millionths plus one stays below it.
DATA_CODE = 10_000_000
# Shares are carried in millionths (six decimals) as integers.
MILLION = 1_000_000
# A million at scale 12: (figure − start) × it ÷ a share in millionths keeps
# at least twelve decimals (``observed``).
MILLION_12 = "1000000.000000000000"
# The series of ``points``: a trajectory's, last year's figures.
PLAN_SERIES, LAST_YEAR_SERIES = 0, 1


# Session settings for the transaction: memory for the sorts and hashes of a
# whole-plan run (the default is 4 MB), and no JIT, which spends seconds
# compiling these wide CASE expressions and wins nothing back.
SETTINGS = "SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)"
SAVE_SETTINGS = "SELECT current_setting('work_mem'), current_setting('jit')"
RESTORE_SETTINGS = "SELECT set_config('work_mem', %s, true), set_config('jit', %s, true)"


def _whens(column: str, piece) -> str:
    """The WHENs of a CASE on a kind column, each kind's piece
    (``piece(kind)``, None for none) under its key, kinds with the same piece
    in one WHEN. A piece's % is doubled for the statement's parameter style."""
    pieces: dict[str, list[str]] = {}
    for kind in kinds.ALL:
        sql = piece(kind)
        if sql is not None:
            pieces.setdefault(sql.replace("%", "%%"), []).append(kind.key)
    return " ".join(
        f"WHEN {kinds.sql_in(column, lambda kind, keys=keys: kind.key in keys)} THEN {sql}"
        for sql, keys in pieces.items()
    )


def _by_kind(column: str, piece) -> str:
    """A CASE of each kind's piece (``_whens``); NULL for a kind without one."""
    whens = _whens(column, piece)
    return f"CASE {whens} END" if whens else "NULL"


def _round2(value: str) -> str:
    """SQL of ``outlook.round2``: a figure kept within ±LARGEST_TWO_DECIMALS,
    then rounded to two decimals. Only for a value that is not NULL: least and
    greatest pass over a NULL."""
    return f"round(least({LARGEST_TWO_DECIMALS}, greatest(-{LARGEST_TWO_DECIMALS}, {value})), 2)"


def _lag_points() -> str:
    """The plan's threshold each kind reads (judgement.PLAN_COLUMNS)."""
    return _by_kind("t.kind", lambda kind: f"p.{PLAN_COLUMNS[kind.judging.threshold]}")


def _judge() -> str:
    """The statement's judging CTEs, for the kinds registered now. Periods
    are numbered ``year * 12 + month - 1`` (the "period index") so that they
    compare and step as integers."""
    trajectory_kinds = kinds.sql_in("t.kind", lambda kind: kind.judging.trajectory)
    year_on_year_kinds = kinds.sql_in("t.kind", lambda kind: kind.year_on_year)
    figure_kinds = kinds.sql_in("m.kind", lambda kind: kind.judging.sql.rate is None)
    against_time = kinds.sql_in("j.kind", lambda kind: kind.judging.against_time)
    looks_ahead_kinds = kinds.sql_in("c.kind", lambda kind: kind.judging.trajectory)
    low = _round2("s.start_value + (s.projected - s.start_value) * (1 - h.half)")
    high = _round2("s.start_value + (s.projected - s.start_value) * (1 + h.half)")
    return f"""
WITH
-- points: the monthly year-to-date series of an amount, parsed from their
-- JSON objects once per target (never once per period): the trajectory's
-- planned values (series {PLAN_SERIES}, only for an amount with a value, from its
-- start value: metrics.time_progress) and last year's figures (series
-- {LAST_YEAR_SERIES}, from 0: metrics.seasonal_share). When two keys name one month ("6" and "06") the
-- later wins, as in the Python dict: jsonb_each yields the keys in the order
-- Python loads them.
points AS (
    SELECT DISTINCT ON (p.series, p.target_id, p.month) p.series, p.target_id, p.origin, p.month, p.planned
    FROM (
        SELECT {PLAN_SERIES} AS series, t.id AS target_id, coalesce(t.start_value, 0) AS origin,
            e.key::int AS month, (e.value #>> '{{}}')::numeric AS planned, e.position
        FROM targets_target t
        JOIN plans_task k ON k.id = t.task_id
        CROSS JOIN LATERAL jsonb_each(t.trajectory) WITH ORDINALITY AS e(key, value, position)
        WHERE k.plan_id = ANY(%(plan_ids)s)
            AND {trajectory_kinds} AND t.value IS NOT NULL AND jsonb_typeof(t.trajectory) = 'object'
        UNION ALL
        SELECT {LAST_YEAR_SERIES}, t.id, 0, e.key::int, (e.value #>> '{{}}')::numeric, e.position
        FROM targets_target t
        JOIN plans_task k ON k.id = t.task_id
        CROSS JOIN LATERAL jsonb_each(t.baseline_by_month) WITH ORDINALITY AS e(key, value, position)
        WHERE k.plan_id = ANY(%(plan_ids)s)
            AND {trajectory_kinds} AND jsonb_typeof(t.baseline_by_month) = 'object'
    ) p
    ORDER BY p.series, p.target_id, p.month, p.position DESC
),
-- segments: consecutive points of a series as (from_month, from_value] →
-- (to_month, to_value], the first from (0, its origin), as
-- metrics._trajectory_at pairs them.
segments AS (
    SELECT
        series,
        target_id,
        coalesce(lag(month) OVER w, 0) AS from_month,
        coalesce(lag(planned) OVER w, origin) AS from_value,
        month AS to_month,
        planned AS to_value
    FROM points
    WINDOW w AS (PARTITION BY series, target_id ORDER BY month)
),
-- trajectories: per target and series, the value of months 1, 2, … up to
-- the last point (or December) as an array indexed by month: the point
-- itself, or interpolated linearly within its segment. The segments cover
-- those months once each, from January on, so position = month; after the
-- last point the array has no element (NULL): for the plan's series time
-- progress applies there, last year's gives no share.
trajectories AS (
    SELECT
        s.series,
        s.target_id,
        array_agg(
            CASE WHEN m = s.to_month THEN s.to_value
                ELSE s.from_value
                    + (s.to_value - s.from_value) * (m - s.from_month) * {ONE} / (s.to_month - s.from_month)
            END
            ORDER BY m
        ) AS planned
    FROM segments s
    JOIN generate_series(1, 12) AS m ON s.from_month < m AND m <= s.to_month
    GROUP BY s.series, s.target_id
),
-- baseline_points: the prior year's year-to-date figure by month of a
-- year-on-year target (a growth, a decrease) reported as an amount, parsed
-- once per target.
baseline_points AS (
    SELECT DISTINCT ON (t.id, e.key::int)
        t.id AS target_id,
        e.key::int AS month,
        (e.value #>> '{{}}')::numeric AS baseline
    FROM targets_target t
    JOIN plans_task k ON k.id = t.task_id
    CROSS JOIN LATERAL jsonb_each(t.baseline_by_month) WITH ORDINALITY AS e(key, value, position)
    WHERE k.plan_id = ANY(%(plan_ids)s)
        AND {year_on_year_kinds} AND t.reported_as = 'amount'
        AND jsonb_typeof(t.baseline_by_month) = 'object'
    ORDER BY t.id, e.key::int, e.position DESC
),
-- baselines: the same as two arrays per target, the months and their
-- figures; a period looks its month up with array_position.
baselines AS (
    SELECT target_id, array_agg(month ORDER BY month) AS months, array_agg(baseline ORDER BY month) AS baselines
    FROM baseline_points
    GROUP BY target_id
),
-- facts: what judge() reads from each target of the plans and from its plan
-- (services.facts_of), with the span in period indexes -- the plan's first
-- and last months and the month of the span's end (the target's deadline,
-- else the plan's last day), which may fall mid-month -- and lag_points, the
-- plan's threshold for the target's kind. For looking ahead
-- (targets.outlook): last year's series and its whole, the figure at the
-- span's last month where the span lies within the plan's first year and it
-- is above 0 (NULL otherwise: no seasonal share, metrics.seasonal_share), and
-- band_plan_id, the plan whose spread bands the projection (only a span
-- within one year has one). For the task statuses: the target's task, its
-- rank there and whether it counts (targets.task_status), carried through
-- the judging so that no step joins the judgements back to their targets.
facts AS MATERIALIZED (
    SELECT
        t.id AS target_id,
        k.plan_id,
        t.value IS NOT NULL AS has_value,
        p.time_basis = '{TimeBasis.SEASONAL}' AS judges_seasonally,
        ly.planned AS last_year,
        CASE WHEN extract(year FROM span.span_end) = p.start_year
            AND ly.planned[extract(month FROM span.span_end)::int] > 0
            THEN ly.planned[extract(month FROM span.span_end)::int]
        END AS last_year_whole,
        CASE WHEN extract(year FROM span.span_end) = p.start_year THEN k.plan_id END AS band_plan_id,
        t.task_id,
        {task_counting_sql("t")},
        t.kind,
        t.frequency,
        t.reported_as,
        coalesce(t.value, 0) AS target_value,
        coalesce(t.start_value, 0) AS start_value,
        {_lag_points()} AS lag_points,
        p.jan_feb_combined,
        p.due_day,
        p.start_year * 12 AS start_index,
        greatest(p.start_year * 12, {REPORTING_START_INDEX_SQL}) AS first_counted_index,
        {last_judged_index_sql("%(last_index)s", "%(as_of_index)s")} AS last_judged_index,
        p.end_year * 12 + 11 AS end_index,
        extract(year FROM span.span_end)::int * 12 + extract(month FROM span.span_end)::int - 1 AS span_end_index,
        extract(day FROM span.span_end + 1) <> 1 AS span_ends_mid_month,
        tr.planned,
        bl.months AS baseline_months,
        bl.baselines
    FROM targets_target t
    JOIN plans_task k ON k.id = t.task_id
    JOIN plans_plan p ON p.id = k.plan_id
    CROSS JOIN LATERAL (SELECT coalesce(t.deadline, make_date(p.end_year, 12, 31)) AS span_end) span
    LEFT JOIN trajectories tr ON tr.series = {PLAN_SERIES} AND tr.target_id = t.id
    LEFT JOIN trajectories ly ON ly.series = {LAST_YEAR_SERIES} AND ly.target_id = t.id
    LEFT JOIN baselines bl ON bl.target_id = t.id
    WHERE k.plan_id = ANY(%(plan_ids)s)
),
-- spread_shapes: for the band (targets.outlook.spread), each amount of the
-- plans with a value and last year's shape within the plan's first year, at
-- each month before its span's last: last year's share by the month and the
-- straight line's, both in millionths (six decimals) within 0..1, and the
-- mean share of the plan's such amounts at the month, and how many they are
-- ...
spread_shapes AS (
    SELECT
        x.*,
        round(avg(x.share) OVER w) AS mean_share,
        count(*) OVER w AS shapes
    FROM (
        SELECT
            f.plan_id,
            m AS month,
            least({MILLION}, greatest(0, round(f.last_year[m] * {MILLION} * {ONE} / f.last_year_whole)))::bigint
                AS share,
            (2 * {MILLION} * m + f.span_end_index %% 12 + 1) / (2 * (f.span_end_index %% 12 + 1)) AS linear
        FROM facts f
        JOIN generate_series(1, 11) AS m ON m <= f.span_end_index %% 12
        WHERE f.last_year_whole IS NOT NULL AND f.has_value
    ) x
    WINDOW w AS (PARTITION BY x.plan_id, x.month)
),
-- ... and per plan and month with at least MIN_SPREAD_TARGETS of them, the
-- band's half-width of each basis: the mean of how far projecting last
-- year's total from the month would have missed, s/σ − 1, to four decimals;
-- σ the straight line's share for the run-rate, the mean share for the
-- seasonal projection (none where that mean is 0; an aggregate's argument is
-- computed before the CASE looks, hence the nullif).
spreads AS (
    SELECT
        plan_id,
        month,
        round(avg(abs(share * {ONE} / linear - 1)), 4) AS linear_half,
        CASE WHEN min(mean_share) > 0 THEN round(avg(abs(share * {ONE} / nullif(mean_share, 0) - 1)), 4) END
            AS seasonal_half
    FROM spread_shapes
    WHERE shapes >= {MIN_SPREAD_TARGETS}
    GROUP BY plan_id, month
),
-- grid: the periods to judge (services.periods_to_judge): the reporting
-- months of the plan's years -- quarter ends for a quarterly target, no
-- January when January is reported with February -- that have ended by
-- as_of, from the plan's reporting start, whose own month is judged once it
-- has begun (plans.periods.period_judged). Each target's months are generated from its plan's span, cut to
-- the first plan's first month (%(first_index)s) and the last that has
-- ended (%(last_index)s), so no month is made only to be filtered out.
-- seasonal_share: last year's share of the span by the month
-- (metrics.seasonal_share) in millionths: within the span's year, all of it
-- from its last month on, before it the month's figure over the whole, to
-- six decimals within 0..1; NULL without one.
grid AS (
    SELECT
        f.target_id,
        f.plan_id,
        f.band_plan_id,
        f.has_value,
        f.judges_seasonally,
        f.task_id,
        f.task_rank,
        f.counts,
        CASE WHEN f.last_year_whole IS NOT NULL AND n / 12 = f.span_end_index / 12 THEN
            CASE WHEN n %% 12 >= f.span_end_index %% 12 THEN {MILLION}
                ELSE least({MILLION}, greatest(0,
                    round(f.last_year[n %% 12 + 1] * {MILLION} * {ONE} / f.last_year_whole)))
            END::bigint
        END AS seasonal_share,
        f.kind,
        f.reported_as,
        f.target_value,
        f.start_value,
        f.lag_points,
        f.due_day,
        f.start_index,
        f.span_end_index,
        f.span_ends_mid_month,
        f.baseline_months,
        f.baselines,
        n AS period_index,
        n / 12 AS year,
        n %% 12 + 1 AS month,
        f.planned[n %% 12 + 1] AS planned_value
    FROM facts f
    CROSS JOIN LATERAL generate_series(
        greatest(f.first_counted_index, %(first_index)s), least(f.end_index, f.last_judged_index)
    ) AS n
    WHERE CASE
        WHEN f.frequency = 'quarterly' THEN n %% 3 = 2
        ELSE NOT (f.jan_feb_combined AND n %% 12 = 0)
    END
),
-- reported: each period with its report if one was sent for review
-- (progress.choices.SENT; drafts and returned reports were not), the
-- approved figure if it is approved (progress.choices.COUNTED), and the
-- reporting status (metrics.reporting_status): approved and submitted by the
-- due day (plan.due_day of the next month, in the zone's time) is reported,
-- approved after it late; submitted is pending; nothing sent is missing
-- once as_of is past the due day (comparing days is enough: no as_of day
-- exceeds its month's length), not yet before.
reported AS (
    SELECT
        g.*,
        CASE WHEN r.status = ANY(%(counted)s) THEN r.value END AS approved_value,
        CASE
            WHEN r.status = ANY(%(counted)s) THEN CASE
                WHEN (r.submitted_at AT TIME ZONE %(time_zone)s)::date
                    > make_date((g.period_index + 1) / 12, (g.period_index + 1) %% 12 + 1, g.due_day)
                    THEN '{ReportingStatus.LATE}'
                ELSE '{ReportingStatus.REPORTED}'
            END
            WHEN r.status IS NOT NULL THEN '{ReportingStatus.PENDING}'
            WHEN %(as_of_index)s > g.period_index + 1
                OR (%(as_of_index)s = g.period_index + 1 AND %(as_of_day)s > g.due_day)
                THEN '{ReportingStatus.MISSING}'
            ELSE '{ReportingStatus.NOT_YET}'
        END AS reporting
    FROM grid g
    LEFT JOIN progress_report r
        ON r.target_id = g.target_id AND r.year = g.year AND r.month = g.month AND r.status = ANY(%(sent)s)
),
-- carried: the period of the figure each period is judged on: the latest
-- with an approved figure up to it (services.judge_target carries the latest
-- approved figure forward the same way), and last year's share by that
-- period's month, which a projection divides by (outlook.projection_share).
-- One running max carries both, in integers: the period index times
-- {DATA_CODE} plus the share in millionths plus one (0 for none). Partitioned
-- and ordered as the flags' window below ...
carried AS (
    SELECT
        c.*,
        c.data_code / {DATA_CODE} AS data_index,
        c.data_code %% {DATA_CODE} - 1 AS data_seasonal_share
    FROM (
        SELECT
            r.*,
            max(CASE WHEN r.approved_value IS NOT NULL THEN
                r.period_index::bigint * {DATA_CODE} + coalesce(r.seasonal_share + 1, 0)
            END) OVER (
                PARTITION BY r.target_id ORDER BY r.period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS data_code
        FROM reported r
    ) c
),
-- ... and the figure itself: this period's own, or for a period that has none
-- the approved figure of data_index, read through the reports' unique index
-- only for those periods (none where every month is approved).
figured AS (
    SELECT
        c.*,
        CASE
            WHEN c.data_index = c.period_index THEN c.approved_value
            WHEN c.data_index IS NOT NULL THEN (
                SELECT x.value FROM progress_report x
                WHERE x.target_id = c.target_id AND x.year = c.data_index / 12 AND x.month = c.data_index %% 12 + 1
            )
        END AS actual_value
    FROM carried c
    OFFSET 0
),
-- observed: what judge() derives before it looks at the kind:
-- * expected: time progress in percent, rounded: the trajectory's planned
--   share of the way from start to target where it plans the month, else
--   where the plan judges seasonally last year's share by the month, else
--   the elapsed share of the span's months within 0..100 (100 for a span
--   that ends before it starts); expected_seasonal: last year's share in
--   percent, rounded, whichever judges (metrics.seasonal_progress);
-- * past_deadline: the period ends after the span;
-- * final: the period is the span's last month (or later);
-- * rate: the level a growth, ratio or decrease target is judged on,
--   rounded (its kind's piece, kinds.JudgeSql.rate): the reported rate, or
--   for one reported as an amount the rate against the baseline of the
--   figure's own month (none without a positive baseline), a decline
--   counting positive for a decrease; kept within ±MAX_RATE. None for a kind
--   judged on the figure itself;
-- * the way ahead (targets.outlook.ahead), for an amount with a value and a
--   figure before the span's last month: the monthly pace so far from the
--   start to the figure's month and the pace still needed over the months
--   left (none once reached); the projection, start + (figure − start) ÷ the
--   share of the span the figure's month stands for: last year's where it is
--   above 0, else the straight line's; that basis names the band (spreads).
--   These divisions need not carry 30 decimals to round to two as Python
--   does: figures have at most four decimals, so a pace (over a whole number
--   of months, at most a few dozen) is a half-cent tie exactly or lies
--   1e-4/months or more from one, and PostgreSQL's own quotient (at least
--   the dividend's four decimals and 16 significant digits, correctly
--   rounded) is far closer than that; a projection's quotient by a share
--   in millionths lies 1e-9 or more from a tie, so it carries twelve
--   decimals more ({MILLION_12}).
-- OFFSET 0 keeps this and the next steps subqueries of their own, so that a
-- figure is computed once per row rather than copied into every CASE that
-- reads it.
observed AS (
    SELECT
        g.target_id,
        g.period_index,
        g.year,
        g.month,
        g.kind,
        g.target_value,
        g.start_value,
        g.lag_points,
        g.reporting,
        g.actual_value AS actual,
        g.data_index,
        g.band_plan_id,
        g.task_id,
        g.task_rank,
        g.counts,
        round(g.seasonal_share / 10000.0, 1) AS expected_seasonal,
        round(CASE
            WHEN g.planned_value IS NOT NULL THEN
                least(100, {share_sql("g.planned_value - g.start_value", "g.target_value - g.start_value")})
            WHEN g.judges_seasonally AND g.seasonal_share IS NOT NULL THEN g.seasonal_share / 10000.0
            WHEN g.span_end_index < g.start_index THEN 100
            ELSE least(100, greatest(0,
                (g.period_index - g.start_index + 1) * {HUNDRED_SQL} / (g.span_end_index - g.start_index + 1)))
        END, 1) AS expected,
        g.period_index > g.span_end_index
            OR (g.period_index = g.span_end_index AND g.span_ends_mid_month) AS past_deadline,
        g.period_index >= g.span_end_index AS final,
        CASE WHEN g.actual_value IS NOT NULL THEN {_by_kind("g.kind", lambda kind: kind.judging.sql.rate)} END AS rate,
        CASE WHEN g.looks_ahead THEN
            {_round2("(g.actual_value - g.start_value) / (g.data_index - g.start_index + 1)")}
        END AS pace_so_far,
        CASE WHEN g.looks_ahead AND g.actual_value < g.target_value THEN
            {_round2("(g.target_value - g.actual_value) / (g.span_end_index - g.period_index)")}
        END AS pace_needed,
        CASE WHEN g.looks_ahead AND g.actual_value > g.start_value THEN
            {_round2(f"g.start_value + (g.actual_value - g.start_value) * {MILLION_12} / g.projection_share")}
        END AS projected,
        g.data_seasonal_share > 0 AS projects_seasonally
    FROM (
        SELECT
            c.*,
            c.actual_value AS actual,
            c.baselines[array_position(c.baseline_months, c.data_index %% 12 + 1)] AS baseline,
            c.has_value AND {looks_ahead_kinds} AND c.actual_value IS NOT NULL
                AND c.period_index < c.span_end_index AS looks_ahead,
            CASE WHEN c.data_seasonal_share > 0 THEN c.data_seasonal_share
                ELSE (2 * {MILLION} * (c.data_index - c.start_index + 1) + c.span_end_index - c.start_index + 1)
                    / (2 * greatest(1, c.span_end_index - c.start_index + 1))
            END AS projection_share
        FROM figured c
    ) g
    OFFSET 0
),
-- measured: completion by kind, rounded (kinds.JudgeSql.completion): a
-- milestone's share done within 0..100; an amount's progress from its start
-- towards its target; a ceiling 100 when kept, else the share the ceiling
-- is of the actual (a zero ceiling: 100 or 0); a rate's level against the
-- target level.
measured AS (
    SELECT
        o.*,
        {_by_kind("o.kind", lambda kind: kind.judging.sql.completion)} AS completion
    FROM observed o
    OFFSET 0
),
-- gapped: the gap in points by kind (kinds.JudgeSql.gap): completion minus
-- expected for milestones and amounts; the room left under a ceiling in
-- percent of it (none for a zero ceiling broken); the rate minus the target
-- rate. measured: there is a figure to judge (for a rate reported as an
-- amount, a baseline too).
gapped AS (
    SELECT
        m.*,
        m.actual IS NOT NULL AND ({figure_kinds} OR m.rate IS NOT NULL) AS measured,
        {_by_kind("m.kind", lambda kind: kind.judging.sql.gap)} AS gap
    FROM measured m
    OFFSET 0
),
-- judged: status and reason, tried in judge()'s order: without a figure
-- no data, or overdue for a kind measured against time past its date; with
-- one, by kind (kinds.JudgeSql.status and reason). With them the figures
-- judge() returns (NULL where it returns None: no figure, no baseline;
-- expected only for kinds measured against time, or without a figure; the
-- rate as the actual of a kind judged on one); the figure's period where
-- there is a figure.
judged AS (
    SELECT
        j.target_id,
        j.period_index,
        j.year,
        j.month,
        CASE
            WHEN j.actual IS NULL THEN CASE
                WHEN {against_time} AND j.past_deadline THEN '{Status.OVERDUE}'
                ELSE '{Status.NO_DATA}'
            END
            {_whens("j.kind", lambda kind: kind.judging.sql.status)}
        END AS status,
        CASE
            WHEN j.actual IS NULL THEN CASE
                WHEN {against_time} AND j.past_deadline THEN '{Reason.PAST_DEADLINE}'
                ELSE '{Reason.NOT_REPORTED}'
            END
            {_whens("j.kind", lambda kind: kind.judging.sql.reason)}
        END AS reason,
        j.reporting,
        CASE WHEN {kinds.sql_in("j.kind", lambda kind: kind.judging.sql.rate is None)} THEN j.actual ELSE j.rate END
            AS actual,
        CASE WHEN j.measured THEN j.completion END AS completion,
        CASE WHEN j.actual IS NULL OR {against_time} THEN j.expected END AS expected,
        CASE WHEN j.measured THEN j.gap END AS gap,
        j.data_index / 12 AS data_year,
        j.data_index %% 12 + 1 AS data_month,
        j.target_value,
        j.start_value,
        j.task_id,
        j.task_rank,
        j.counts,
        j.expected_seasonal,
        j.pace_needed,
        j.pace_so_far,
        j.projected,
        j.band_plan_id,
        j.projects_seasonally
    FROM gapped j
    OFFSET 0
),
-- sequenced: each judgement beside the status of the target's previous
-- judged period (NULL for its first) and the index of its next (NULL for its
-- last: the task statuses below read how long a result stands), one window.
sequenced AS (
    SELECT
        s.*,
        lag(s.status) OVER w AS previous_status,
        lead(s.period_index) OVER w AS next_index
    FROM judged s
    WINDOW w AS (PARTITION BY s.target_id ORDER BY s.period_index)
),
-- flagged: the judgements with the flag their change of status raises
-- (metrics.transition_sql): into a bad status (targets.choices.BAD) raised,
-- out of one recovered, between two escalated or eased by SEVERITY; and the
-- band about the projection, its way from the start ± the plan's spread
-- for the projection's basis and the figure's month (joined after the
-- window, so that the window's sort serves the one before it too), and the
-- outlook: met once reached, else missed below the target, at risk where
-- only the band's low end (never below the figure done) is, else met
-- (targets.outlook.ahead). Read by the writes below and by the
-- task statuses (targets.task_status), so kept.
flagged AS MATERIALIZED (
    SELECT
        s.target_id, s.period_index, s.next_index, s.year, s.month, s.status, s.reason, s.reporting, s.actual,
        s.completion, s.expected, s.gap, s.data_year, s.data_month,
        s.task_id, s.task_rank, s.counts,
        s.expected_seasonal, s.pace_needed, s.pace_so_far, s.projected,
        CASE WHEN h.half IS NOT NULL THEN greatest({low}, s.actual) END AS projected_low,
        CASE WHEN h.half IS NOT NULL THEN {high} END AS projected_high,
        CASE
            WHEN s.projected IS NULL THEN ''
            WHEN s.actual >= s.target_value THEN '{Outlook.MEET}'
            WHEN s.projected < s.target_value THEN '{Outlook.MISS}'
            WHEN h.half IS NOT NULL AND greatest({low}, s.actual) < s.target_value THEN '{Outlook.RISK}'
            ELSE '{Outlook.MEET}'
        END AS outlook,
        coalesce(s.previous_status, '') AS from_status,
        {transition_sql("s.previous_status", "s.status")} AS change
    FROM sequenced s
    LEFT JOIN spreads b ON b.plan_id = s.band_plan_id AND b.month = s.data_month
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN s.projected IS NULL THEN NULL
            WHEN s.projects_seasonally THEN b.seasonal_half
            ELSE b.linear_half
        END AS half
    ) h
),
{task_results_sql("flagged", "facts")}
"""  # noqa: S608 -- the f-string holds only constants (the kinds' keys and pieces); every value is a bound parameter


# The writes when the plans have stored results or flags: each judgement
# against what is stored, writing only the difference.
WRITE_DIFFERENCE = """
-- results_diff: the judgements against the stored results of the plans'
-- targets, in one pass: 'new' (no stored row), 'changed' (a figure differs),
-- 'stale' (a stored period no longer judged: a changed frequency, span or
-- as_of); identical rows drop out.
results_diff AS MATERIALIZED (
    SELECT * FROM (
        SELECT
            j.*,
            e.id AS result_id,
            CASE
                WHEN j.target_id IS NULL THEN 'stale'
                WHEN e.id IS NULL THEN 'new'
                WHEN (e.status, e.reason, e.reporting, e.actual, e.completion, e.expected, e.gap,
                    e.data_year, e.data_month, e.expected_seasonal, e.pace_needed, e.pace_so_far, e.projected,
                    e.projected_low, e.projected_high, e.outlook)
                    IS DISTINCT FROM (j.status, j.reason, j.reporting, j.actual, j.completion, j.expected, j.gap,
                    j.data_year, j.data_month, j.expected_seasonal, j.pace_needed, j.pace_so_far, j.projected,
                    j.projected_low, j.projected_high, j.outlook) THEN 'changed'
            END AS action
        FROM flagged j
        FULL JOIN (
            SELECT e.* FROM targets_targetresult e
            JOIN targets_target t ON t.id = e.target_id
            JOIN plans_task k ON k.id = t.task_id
            WHERE k.plan_id = ANY(%(plan_ids)s)
        ) e ON e.target_id = j.target_id AND e.year = j.year AND e.month = j.month
    ) d
    WHERE d.action IS NOT NULL
),
-- Rewrite (and stamp) the changed results ...
results_updated AS (
    UPDATE targets_targetresult r SET
        status = d.status,
        reason = d.reason,
        reporting = d.reporting,
        data_year = d.data_year,
        data_month = d.data_month,
        actual = d.actual,
        completion = d.completion,
        expected = d.expected,
        gap = d.gap,
        expected_seasonal = d.expected_seasonal,
        pace_needed = d.pace_needed,
        pace_so_far = d.pace_so_far,
        projected = d.projected,
        projected_low = d.projected_low,
        projected_high = d.projected_high,
        outlook = d.outlook,
        computed_at = %(now)s
    FROM results_diff d
    WHERE d.action = 'changed' AND r.id = d.result_id
    RETURNING 1
),
-- ... insert the new ones in key order (the unique index grows at its end):
-- no other recompute of these plans can have inserted them meanwhile, as
-- every one of them holds the plans' advisory lock ...
results_inserted AS (
    INSERT INTO targets_targetresult
        (target_id, year, month, status, reason, reporting, actual, completion, expected, gap, data_year, data_month,
        expected_seasonal, pace_needed, pace_so_far, projected, projected_low, projected_high, outlook, computed_at)
    SELECT d.target_id, d.year, d.month, d.status, d.reason, d.reporting, d.actual, d.completion, d.expected, d.gap,
        d.data_year, d.data_month, d.expected_seasonal, d.pace_needed, d.pace_so_far, d.projected, d.projected_low,
        d.projected_high, d.outlook, %(now)s
    FROM results_diff d
    WHERE d.action = 'new'
    ORDER BY d.target_id, d.year, d.month
    RETURNING 1
),
-- ... and delete the stale ones.
results_deleted AS (
    DELETE FROM targets_targetresult r
    USING results_diff d
    WHERE d.action = 'stale' AND r.id = d.result_id
    RETURNING 1
),
-- flags_diff: the same comparison for the flags: the periods whose change of
-- status raises one against the stored flags of the plans' targets.
flags_diff AS MATERIALIZED (
    SELECT * FROM (
        SELECT
            j.target_id, j.year, j.month, j.change, j.from_status, j.status AS to_status,
            e.id AS flag_id,
            CASE
                WHEN j.target_id IS NULL THEN 'stale'
                WHEN e.id IS NULL THEN 'new'
                WHEN (e.change, e.from_status, e.to_status) IS DISTINCT FROM (j.change, j.from_status, j.status)
                    THEN 'changed'
            END AS action
        FROM (SELECT * FROM flagged WHERE change IS NOT NULL) j
        FULL JOIN (
            SELECT e.* FROM targets_targetflag e
            JOIN targets_target t ON t.id = e.target_id
            JOIN plans_task k ON k.id = t.task_id
            WHERE k.plan_id = ANY(%(plan_ids)s)
        ) e ON e.target_id = j.target_id AND e.year = j.year AND e.month = j.month
    ) d
    WHERE d.action IS NOT NULL
),
flags_updated AS (
    UPDATE targets_targetflag f SET
        change = d.change,
        from_status = d.from_status,
        to_status = d.to_status,
        at = %(now)s
    FROM flags_diff d
    WHERE d.action = 'changed' AND f.id = d.flag_id
    RETURNING 1
),
flags_inserted AS (
    INSERT INTO targets_targetflag (target_id, year, month, change, from_status, to_status, at)
    SELECT d.target_id, d.year, d.month, d.change, d.from_status, d.to_status, %(now)s
    FROM flags_diff d
    WHERE d.action = 'new'
    ORDER BY d.target_id, d.year, d.month
    RETURNING 1
),
flags_deleted AS (
    DELETE FROM targets_targetflag f
    USING flags_diff d
    WHERE d.action = 'stale' AND f.id = d.flag_id
    RETURNING 1
),
-- task_results_diff and task_flags_diff: the tasks' statuses and flags
-- (targets.task_status) against those stored for the plans' tasks, written
-- the same way: what changed rewritten and stamped, what is new inserted,
-- what is no longer judged deleted.
task_results_diff AS MATERIALIZED (
    SELECT * FROM (
        SELECT
            j.task_id, j.year, j.month, j.status, j.decided_by_id,
            e.id AS result_id,
            CASE
                WHEN j.task_id IS NULL THEN 'stale'
                WHEN e.id IS NULL THEN 'new'
                WHEN (e.status, e.decided_by_id) IS DISTINCT FROM (j.status, j.decided_by_id) THEN 'changed'
            END AS action
        FROM task_flagged j
        FULL JOIN (
            SELECT e.* FROM targets_taskresult e
            JOIN plans_task k ON k.id = e.task_id
            WHERE k.plan_id = ANY(%(plan_ids)s)
        ) e ON e.task_id = j.task_id AND e.year = j.year AND e.month = j.month
    ) d
    WHERE d.action IS NOT NULL
),
task_results_updated AS (
    UPDATE targets_taskresult r SET status = d.status, decided_by_id = d.decided_by_id, computed_at = %(now)s
    FROM task_results_diff d
    WHERE d.action = 'changed' AND r.id = d.result_id
    RETURNING 1
),
task_results_inserted AS (
    INSERT INTO targets_taskresult (task_id, year, month, status, decided_by_id, computed_at)
    SELECT d.task_id, d.year, d.month, d.status, d.decided_by_id, %(now)s
    FROM task_results_diff d
    WHERE d.action = 'new'
    ORDER BY d.task_id, d.year, d.month
    RETURNING 1
),
task_results_deleted AS (
    DELETE FROM targets_taskresult r
    USING task_results_diff d
    WHERE d.action = 'stale' AND r.id = d.result_id
    RETURNING 1
),
task_flags_diff AS MATERIALIZED (
    SELECT * FROM (
        SELECT
            j.task_id, j.year, j.month, j.change, j.from_status, j.status AS to_status,
            e.id AS flag_id,
            CASE
                WHEN j.task_id IS NULL THEN 'stale'
                WHEN e.id IS NULL THEN 'new'
                WHEN (e.change, e.from_status, e.to_status) IS DISTINCT FROM (j.change, j.from_status, j.status)
                    THEN 'changed'
            END AS action
        FROM (SELECT * FROM task_flagged WHERE change IS NOT NULL) j
        FULL JOIN (
            SELECT e.* FROM targets_taskflag e
            JOIN plans_task k ON k.id = e.task_id
            WHERE k.plan_id = ANY(%(plan_ids)s)
        ) e ON e.task_id = j.task_id AND e.year = j.year AND e.month = j.month
    ) d
    WHERE d.action IS NOT NULL
),
task_flags_updated AS (
    UPDATE targets_taskflag f SET change = d.change, from_status = d.from_status, to_status = d.to_status, at = %(now)s
    FROM task_flags_diff d
    WHERE d.action = 'changed' AND f.id = d.flag_id
    RETURNING 1
),
task_flags_inserted AS (
    INSERT INTO targets_taskflag (task_id, year, month, change, from_status, to_status, at)
    SELECT d.task_id, d.year, d.month, d.change, d.from_status, d.to_status, %(now)s
    FROM task_flags_diff d
    WHERE d.action = 'new'
    ORDER BY d.task_id, d.year, d.month
    RETURNING 1
),
task_flags_deleted AS (
    DELETE FROM targets_taskflag f
    USING task_flags_diff d
    WHERE d.action = 'stale' AND f.id = d.flag_id
    RETURNING 1
)
SELECT
    (SELECT count(*) FROM facts),
    (SELECT count(*) FROM results_updated) + (SELECT count(*) FROM results_inserted),
    (SELECT count(*) FROM results_deleted),
    (SELECT count(*) FROM flags_updated) + (SELECT count(*) FROM flags_inserted),
    (SELECT count(*) FROM flags_deleted)
"""

# The writes when the plans have no stored result nor flag (a new plan, or
# after the derived tables were emptied): every judgement is new, so no
# comparison is made and no key looked up.
WRITE_FRESH = """
results_inserted AS (
    INSERT INTO targets_targetresult
        (target_id, year, month, status, reason, reporting, actual, completion, expected, gap, data_year, data_month,
        expected_seasonal, pace_needed, pace_so_far, projected, projected_low, projected_high, outlook, computed_at)
    SELECT j.target_id, j.year, j.month, j.status, j.reason, j.reporting, j.actual, j.completion, j.expected, j.gap,
        j.data_year, j.data_month, j.expected_seasonal, j.pace_needed, j.pace_so_far, j.projected, j.projected_low,
        j.projected_high, j.outlook, %(now)s
    FROM flagged j
    ORDER BY j.target_id, j.year, j.month
    RETURNING 1
),
flags_inserted AS (
    INSERT INTO targets_targetflag (target_id, year, month, change, from_status, to_status, at)
    SELECT j.target_id, j.year, j.month, j.change, j.from_status, j.status, %(now)s
    FROM flagged j
    WHERE j.change IS NOT NULL
    ORDER BY j.target_id, j.year, j.month
    RETURNING 1
),
task_results_inserted AS (
    INSERT INTO targets_taskresult (task_id, year, month, status, decided_by_id, computed_at)
    SELECT j.task_id, j.year, j.month, j.status, j.decided_by_id, %(now)s
    FROM task_flagged j
    ORDER BY j.task_id, j.year, j.month
    RETURNING 1
),
task_flags_inserted AS (
    INSERT INTO targets_taskflag (task_id, year, month, change, from_status, to_status, at)
    SELECT j.task_id, j.year, j.month, j.change, j.from_status, j.status, %(now)s
    FROM task_flagged j
    WHERE j.change IS NOT NULL
    ORDER BY j.task_id, j.year, j.month
    RETURNING 1
)
SELECT
    (SELECT count(*) FROM facts),
    (SELECT count(*) FROM results_inserted),
    0,
    (SELECT count(*) FROM flags_inserted),
    0
"""


@functools.lru_cache(maxsize=4)
def _statements(revision: int) -> tuple[str, str]:
    """The recompute for plans with stored rows and the one for fresh plans,
    built from the kinds registered at ``revision`` (kinds.revision)."""
    judge = _judge()
    return judge + WRITE_DIFFERENCE, judge + WRITE_FRESH


# Whether the plans have anything stored: a stored result or flag of one of their targets or tasks.
STORED = """
SELECT EXISTS (
    SELECT 1 FROM targets_targetresult e
    JOIN targets_target t ON t.id = e.target_id JOIN plans_task k ON k.id = t.task_id
    WHERE k.plan_id = ANY(%(plan_ids)s)
) OR EXISTS (
    SELECT 1 FROM targets_targetflag e
    JOIN targets_target t ON t.id = e.target_id JOIN plans_task k ON k.id = t.task_id
    WHERE k.plan_id = ANY(%(plan_ids)s)
) OR EXISTS (
    SELECT 1 FROM targets_taskresult e JOIN plans_task k ON k.id = e.task_id WHERE k.plan_id = ANY(%(plan_ids)s)
) OR EXISTS (
    SELECT 1 FROM targets_taskflag e JOIN plans_task k ON k.id = e.task_id WHERE k.plan_id = ANY(%(plan_ids)s)
)
"""


def last_period_index(as_of: dt.date) -> int:
    """The period index (year * 12 + month - 1) of the last month ended by ``as_of``."""
    index = as_of.year * 12 + as_of.month - 1
    return index if period_end(as_of.year, as_of.month) <= as_of else index - 1


def plans_recompute_sql(*, plan_ids: list[int], as_of: dt.date) -> dict[str, int]:
    """Recompute every target of the given plans for every period ended by
    ``as_of`` in one set-based statement (PostgreSQL).

    Returns the counts of ``progress.engine.recompute.targets_recompute``: targets,
    results written (inserted or changed), results deleted, flags written.
    """
    if connection.vendor != "postgresql":
        raise NotImplementedError("plans_recompute_sql needs PostgreSQL; elsewhere use services.targets_recompute")
    plan_ids = [int(pk) for pk in plan_ids]
    first_year = Plan.objects.filter(pk__in=plan_ids).aggregate(first=Min("start_year"))["first"]
    if first_year is None:
        return {"targets": 0, "results_written": 0, "results_deleted": 0, "flags_written": 0}
    params = {
        "plan_ids": plan_ids,
        "first_index": first_year * 12,
        "last_index": last_period_index(as_of),
        "as_of_index": as_of.year * 12 + as_of.month - 1,
        "as_of_day": as_of.day,
        "counted": list(COUNTED),
        "sent": list(SENT),
        "time_zone": settings.TIME_ZONE,
        "now": clock.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        plans_lock(plan_ids)
        cursor.execute(SAVE_SETTINGS)
        saved = cursor.fetchone()
        cursor.execute(SETTINGS)
        cursor.execute(STORED, params)
        (stored,) = cursor.fetchone()
        recompute, recompute_fresh = _statements(kinds.revision())
        cursor.execute(recompute if stored else recompute_fresh, params)
        targets, results_written, results_deleted, flags_written, _flags_deleted = cursor.fetchone()
        cursor.execute(RESTORE_SETTINGS, saved)  # for the rest of a caller's transaction
    return {
        "targets": targets,
        "results_written": results_written,
        "results_deleted": results_deleted,
        "flags_written": flags_written,
    }


def plan_recompute_sql(*, plan, as_of: dt.date) -> dict[str, int]:
    """Recompute one plan (``progress.engine.recompute.plan_recompute`` on PostgreSQL)."""
    return plans_recompute_sql(plan_ids=[plan.pk], as_of=as_of)


def plan_groups(plan_ids: list[int], *, groups: int) -> list[list[int]]:
    """The plans split into at most ``groups`` runs of consecutive ids with
    about as many targets each (a plan is never split)."""
    sizes = dict(
        Target.objects.filter(task__plan__in=plan_ids)
        .values_list("task__plan")
        .annotate(n=Count("id"))
        .values_list("task__plan", "n")
    )
    ordered = sorted({int(pk) for pk in plan_ids})
    total = sum(sizes.values())
    share = total / max(1, groups)
    result: list[list[int]] = [[]]
    filled = 0
    for pk in ordered:
        if result[-1] and filled >= share * len(result) and len(result) < groups:
            result.append([])
        result[-1].append(pk)
        filled += sizes.get(pk, 0)
    return [group for group in result if group]


def plans_recompute_parallel(*, plan_ids: list[int], as_of: dt.date, jobs: int) -> dict[str, int]:
    """``plans_recompute_sql`` over ``jobs`` groups of the plans at once, each
    group on a connection and in a transaction of its own (PostgreSQL).

    A whole-zone-set recompute is CPU work in the database: one statement uses
    one core, so the groups use as many as ``jobs``. Each group commits on
    its own; the counts returned are the sums.
    """
    totals = {"targets": 0, "results_written": 0, "results_deleted": 0, "flags_written": 0}
    groups = plan_groups(plan_ids, groups=max(1, jobs))
    for counts in map_on_connections(lambda group: plans_recompute_sql(plan_ids=group, as_of=as_of), groups, jobs=jobs):
        for key, value in counts.items():
            totals[key] += value
    return totals
