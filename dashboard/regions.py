"""Comparing the zones of a region on the same indicator, in the same year.

Zones name the same indicator differently (规上工业总产值, 规模以上工业总产值),
so indicators are matched through a table of synonyms after light
normalisation. A match also needs the same kind: a growth rate is never
compared with an amount.

A comparison reads one year for every zone (a 2014 plan is never set beside
a 2020 one): by default the latest year in which the most zones have a plan.
Each zone is read at its own month just closed within that year
(``plans.periods.default_period``, the rule of every page), so zones
whose reporting settings differ may stand at different months; the page
says so. Only targets due in that year are compared (a target's deadline,
else its plan's end, as the engine measures it: ``progress.engine.recompute.facts_of``):
a three-year goal or a 2015 target is not set beside an annual one, and a
zone whose target is due in another year is named with that year. Every
zone of the region that is not compared is listed with the reason
(``dashboard.choices.LeftOut``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dashboard.choices import LeftOut
from plans.choices import READABLE
from plans.models import Plan
from plans.periods import Period, default_period, period_label
from progress.models import Report
from progress.selectors import pending_figures
from targets import kinds
from targets.models import Target, TargetResult
from targets.selectors import result_explanation
from zones.models import Region, Zone

# canonical name → the names zones use for it (the canonical one included).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "规模以上工业总产值": ("规模以上工业总产值", "规上工业总产值", "规模以上工业产值", "工业总产值"),
    "规模以上工业增加值": ("规模以上工业增加值", "规上工业增加值", "工业增加值"),
    "固定资产投资": ("固定资产投资", "全社会固定资产投资", "固投"),
    "一般公共预算收入": (
        "一般公共预算收入",
        "地方公共财政一般预算收入",
        "公共财政预算收入",
        "财政一般预算收入",
        "地方一般公共预算收入",
        "一般预算收入",
    ),
    "社会消费品零售总额": ("社会消费品零售总额", "社消零", "社会消费品零售额"),
    "实际利用外资": ("实际利用外资", "实际到账外资", "利用境外资金", "到位外资"),
    "地区生产总值": ("地区生产总值", "生产总值", "GDP", "经济总量"),
    # 高新技术企业 are the enterprises the state recognises: 国家高新技术企业 is their full name.
    "高新技术企业": ("高新技术企业", "国家高新技术企业", "新增高新技术企业", "高新技术企业数"),
    "技工贸总收入": ("技工贸总收入", "技工贸收入"),
    "规模以上工业企业利润": ("规模以上工业企业利润", "规上工业企业利润", "工业企业利润", "利润"),
    "新开工项目": ("新开工项目", "新开工亿元以上项目", "新开工超亿元项目"),
    "研发投入强度": ("研发投入强度", "全社会研发投入强度", "R&D投入强度"),
}
_STRIP = re.compile(r"(同比)?(增长率|增速|增幅|增长|总额增速)$|^(全年|新增)?|[\s·、()（）]")


@lru_cache(maxsize=4096)
def canonical(indicator: str) -> str:
    """The canonical name of an indicator, or its normalised self."""
    name = _STRIP.sub("", indicator.strip())
    for key, names in SYNONYMS.items():
        for variant in sorted(names, key=len, reverse=True):
            if _STRIP.sub("", variant) == name or name.startswith(_STRIP.sub("", variant)):
                return key
    return name


@dataclass(frozen=True)
class YearChoice:
    year: int
    zone_count: int


@dataclass(frozen=True)
class IndicatorChoice:
    """An indicator (canonical name and kind) that two or more zones set
    targets for in the year; ``key`` is what the page's chooser sends."""

    key: str
    name: str
    kind: str
    zone_count: int

    @property
    def kind_label(self) -> str:
        return kinds.label(self.kind)


@dataclass
class ZoneRow:
    zone: Zone
    plan: Plan
    target: Target
    period: Period  # the zone's month just closed within the year
    result: TargetResult | None
    pending: Report | None = None  # the month's figure waiting for review: shown marked, never counted
    rank: int = 0

    @property
    def completion(self) -> Decimal | None:
        return self.result.completion if self.result else None

    @property
    def explanation(self) -> str:
        return result_explanation(self.result, target=self.target, plan=self.plan) if self.result else ""

    @property
    def period_label(self) -> str:
        return period_label(None, self.period.month)


@dataclass(frozen=True)
class LeftOutZone:
    zone: Zone
    reason: LeftOut
    # The spans of the zone's plans (no plan for the year), or the years its targets are due.
    years: tuple[str, ...] = ()

    @property
    def reason_label(self) -> str:
        return self.reason.label

    @property
    def note(self) -> str:
        if not self.years:
            return ""
        if self.reason in (LeftOut.NO_PLAN, LeftOut.NOT_PUBLISHED):
            return _("Its plans: %(spans)s") % {"spans": ", ".join(self.years)}
        return _("Due in %(years)s") % {"years": ", ".join(self.years)}


@dataclass
class Comparison:
    zone_count: int
    years: list[YearChoice]
    year: int | None
    choices: list[IndicatorChoice]
    indicator: IndicatorChoice | None
    rows: list[ZoneRow] = field(default_factory=list)
    left_out: list[LeftOutZone] = field(default_factory=list)
    refused_year: int | None = None  # asked for, but no zone has a plan for it
    refused_indicator: str = ""  # asked for, but not shared in the year

    @property
    def zones_in_year(self) -> int:
        """How many zones have a plan for the year compared."""
        return next((choice.zone_count for choice in self.years if choice.year == self.year), 0)

    @property
    def periods(self) -> list[Period]:
        """The months the compared zones are read at, earliest first."""
        return sorted({row.period for row in self.rows}, key=lambda p: (p.year, p.month))

    @property
    def same_month(self) -> bool:
        return len(self.periods) <= 1

    @property
    def newest(self) -> dt.datetime | None:
        """When the newest result shown was computed."""
        return max((row.result.computed_at for row in self.rows if row.result), default=None)


def _covers(plan: Plan, year: int) -> bool:
    return plan.start_year <= year <= plan.end_year


def _span(plan: Plan) -> str:
    return str(plan.start_year) if plan.start_year == plan.end_year else f"{plan.start_year}–{plan.end_year}"


def _year_choices(plans: list[Plan]) -> list[YearChoice]:
    zones_by_year: dict[int, set[int]] = {}
    for plan in plans:
        for year in range(plan.start_year, plan.end_year + 1):
            zones_by_year.setdefault(year, set()).add(plan.zone_id)
    return [YearChoice(year, len(zones)) for year, zones in sorted(zones_by_year.items(), reverse=True)]


def _due_year(deadline: dt.date | None, plan_end_year: int) -> int:
    """The year a target is due: its deadline's, else its plan's last (the
    span end of progress.engine.recompute.facts_of, as the engine measures it)."""
    return deadline.year if deadline else plan_end_year


def compare(*, zones: QuerySet[Zone], year: int | None, indicator: str, today: dt.date) -> Comparison:
    """The comparison of ``zones`` in ``year`` on ``indicator`` (a choice's
    key); either missing or not on offer, the defaults: the latest year with
    the most zones, the indicator most zones share. Six queries, whatever
    the number of zones, plans and targets."""
    zone_list = list(zones.order_by("code"))
    plans = list(Plan.objects.filter(zone__in=[z.pk for z in zone_list]).order_by("-start_year", "-pk"))
    readable = [plan for plan in plans if plan.status in READABLE]
    years = _year_choices(readable)
    comparison = Comparison(zone_count=len(zone_list), years=years, year=None, choices=[], indicator=None)
    offered = {choice.year for choice in years}
    if year is not None and year not in offered:
        comparison.refused_year = year
    if years:
        default = max(years, key=lambda choice: (choice.zone_count, choice.year)).year
        comparison.year = year if year in offered else default
    chosen = comparison.year
    in_year = [plan for plan in readable if chosen is not None and _covers(plan, chosen)]
    # The targets of the zones' plans for the year, each zone's newest plan's
    # first (a match takes the first); compared only when due in that year.
    rows = (
        Target.objects.filter(task__plan__in=[plan.pk for plan in in_year])
        .exclude(kinds.q(lambda kind: not kind.needs_value))
        .order_by("-task__plan__start_year", "-task__plan_id", "task__order", "order", "pk")
        .values_list("pk", "indicator", "kind", "task__plan__zone_id", "deadline", "task__plan__end_year")
        if in_year
        else []
    )
    seen: dict[str, set[int]] = {}
    first: dict[str, dict[int, int]] = {}  # key → zone → target
    names: dict[str, tuple[str, str]] = {}
    due = Due()
    for pk, name, kind, zone_id, deadline, end_year in rows:
        key = f"{canonical(name)}|{kind}"
        year_due = _due_year(deadline, end_year)
        due.years.setdefault(zone_id, set()).add(year_due)
        if year_due != chosen:
            due.elsewhere.setdefault(key, {}).setdefault(zone_id, year_due)
            continue
        seen.setdefault(key, set()).add(zone_id)
        first.setdefault(key, {}).setdefault(zone_id, pk)
        names[key] = (canonical(name), kind)
    comparison.choices = [
        IndicatorChoice(key=key, name=names[key][0], kind=names[key][1], zone_count=len(seen[key]))
        # The most shared first; among as many, the indicators of the synonyms
        # table (a zone's headline figures) before names that merely coincide.
        for key in sorted(
            (k for k, zs in seen.items() if len(zs) > 1),
            key=lambda k: (-len(seen[k]), names[k][0] not in SYNONYMS, k),
        )
    ]
    by_key = {choice.key: choice for choice in comparison.choices}
    if indicator and indicator not in by_key:
        comparison.refused_indicator = indicator
    comparison.indicator = by_key.get(indicator) or (comparison.choices[0] if comparison.choices else None)
    matches = first.get(comparison.indicator.key, {}) if comparison.indicator else {}
    if matches and chosen is not None:
        comparison.rows = _rows(matches, year=chosen, today=today)
    comparison.left_out = _left_out(
        zone_list,
        plans,
        year=chosen,
        compared={row.zone.pk for row in comparison.rows},
        shared=seen,
        due=due,
        indicator=comparison.indicator.key if comparison.indicator else "",
    )
    return comparison


def _rows(matches: dict[int, int], *, year: int, today: dt.date) -> list[ZoneRow]:
    """The matched targets with each one's result at its zone's month just
    closed in ``year`` (its latest at or before that month: a quarterly
    target reads its last quarter) and the month's figure waiting for
    review, ranked by completion. Two queries, and one per month the zones
    stand at (progress.selectors.pending_figures reads one month)."""
    targets = Target.objects.filter(pk__in=matches.values()).select_related("task__plan__zone__region")
    results: dict[int, list[TargetResult]] = {}
    for result in TargetResult.objects.filter(target_id__in=matches.values(), year=year).order_by("month"):
        results.setdefault(result.target_id, []).append(result)
    table = []
    for target in targets:
        plan = target.task.plan
        period = default_period(plan, today=today, year=year)
        read = [result for result in results.get(target.pk, []) if result.month <= period.month]
        table.append(
            ZoneRow(zone=plan.zone, plan=plan, target=target, period=period, result=read[-1] if read else None)
        )
    by_period: dict[Period, list[ZoneRow]] = {}
    for row in table:
        by_period.setdefault(row.period, []).append(row)
    for period, rows in by_period.items():
        pending = pending_figures(targets=[row.target.pk for row in rows], period=period)
        for row in rows:
            row.pending = pending.get(row.target.pk)
    table.sort(key=lambda row: (row.completion is None, -(row.completion or 0), row.zone.code))
    for index, row in enumerate(table, start=1):
        row.rank = index
    return table


@dataclass
class Due:
    """When the targets of the zones' plans for the year are due: the years
    of each zone's targets, and per indicator the zones whose target for it is
    due in another year (with that year)."""

    years: dict[int, set[int]] = field(default_factory=dict)
    elsewhere: dict[str, dict[int, int]] = field(default_factory=dict)


def _left_out(
    zones: list[Zone],
    plans: list[Plan],
    *,
    year: int | None,
    compared: set[int],
    shared: dict[str, set[int]],
    due: Due,
    indicator: str,
) -> list[LeftOutZone]:
    """Each zone not compared, with the reason."""
    sharing = {zone_id for zones_of_key in shared.values() if len(zones_of_key) > 1 for zone_id in zones_of_key}
    with_plan = {plan.zone_id for plan in plans if plan.status in READABLE and year and _covers(plan, year)}
    drafted = {plan.zone_id for plan in plans if plan.status not in READABLE and year and _covers(plan, year)}
    left = []
    for zone in zones:
        if zone.pk in compared:
            continue
        due_years = due.years.get(zone.pk, set())
        if zone.pk not in with_plan:
            reason = LeftOut.NOT_PUBLISHED if zone.pk in drafted else LeftOut.NO_PLAN
            spans = tuple(sorted({_span(p) for p in plans if p.zone_id == zone.pk and p.status in READABLE}))
            left.append(LeftOutZone(zone=zone, reason=reason, years=spans))
        elif len(with_plan) == 1:
            left.append(LeftOutZone(zone=zone, reason=LeftOut.ALONE))
        elif zone.pk in due.elsewhere.get(indicator, {}):
            years = (str(due.elsewhere[indicator][zone.pk]),)
            left.append(LeftOutZone(zone=zone, reason=LeftOut.DUE_ANOTHER_YEAR, years=years))
        elif due_years and year not in due_years:
            years = tuple(str(y) for y in sorted(due_years))
            left.append(LeftOutZone(zone=zone, reason=LeftOut.NOTHING_DUE, years=years))
        elif zone.pk in sharing:
            left.append(LeftOutZone(zone=zone, reason=LeftOut.NOT_THIS_INDICATOR))
        else:
            left.append(LeftOutZone(zone=zone, reason=LeftOut.NO_COMMON_INDICATOR))
    order = list(LeftOut)  # those with a plan for the year first, as the reasons are declared
    return sorted(left, key=lambda item: (order.index(item.reason), item.zone.code))


@dataclass(frozen=True)
class NearbyRegion:
    pk: int
    name: str
    zone_count: int
    is_province: bool


def nearby(area: Region, *, seen: QuerySet[Zone]) -> list[NearbyRegion]:
    """The province of ``area`` and its cities, each with the zones of
    ``seen`` (the user's) in it, to move between their comparisons; empty
    when the province holds the user's zones in fewer than two cities
    (there is nowhere else to go). One query."""
    province = area.parent or area
    cities: dict[int, tuple[str, int]] = {}
    total = 0
    for region_id, name in seen.filter(Q(region=province) | Q(region__parent=province)).values_list(
        "region_id", "region__name"
    ):
        total += 1
        if region_id != province.pk:
            cities[region_id] = (name, cities.get(region_id, (name, 0))[1] + 1)
    if len(cities) < 2:
        return []
    return [NearbyRegion(province.pk, province.name, total, True)] + [
        NearbyRegion(pk, name, count, False) for pk, (name, count) in sorted(cities.items(), key=lambda i: i[1][0])
    ]
