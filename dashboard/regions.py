"""Comparing the zones of a region on the same indicator.

Zones name the same indicator differently (规上工业总产值, 规模以上工业总产值),
so indicators are matched through a table of synonyms after light
normalisation. A match also needs the same kind: a growth rate is never
compared with an amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db.models import Max, OuterRef, QuerySet, Subquery

from plans.choices import PlanStatus
from plans.models import Plan
from targets.choices import TargetKind
from targets.models import Target, TargetResult
from zones.models import Zone

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
    "高新技术企业": ("高新技术企业", "新增高新技术企业", "高新技术企业数"),
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


@dataclass
class ZoneRow:
    zone: Zone
    plan: Plan
    target: Target
    result: TargetResult | None
    rank: int = 0

    @property
    def completion(self) -> Decimal | None:
        return self.result.completion if self.result else None


def _latest_plans(zones: QuerySet[Zone]) -> QuerySet[Plan]:
    newest = (
        Plan.objects.filter(zone=OuterRef("zone"), status=PlanStatus.PUBLISHED)
        .order_by("-start_year", "-pk")
        .values("pk")[:1]
    )
    return Plan.objects.filter(zone__in=zones, status=PlanStatus.PUBLISHED).filter(pk=Subquery(newest))


def compare(*, zones: QuerySet[Zone], indicator: str) -> dict:
    """The indicator choices of the zones' current plans and, for the chosen
    one, each zone's target and its latest result with a reported figure,
    ranked by completion."""
    plans = _latest_plans(zones)
    rows = (
        Target.objects.filter(task__plan__in=plans)
        .exclude(kind=TargetKind.MILESTONE)
        .values_list("pk", "indicator", "kind", "task__plan__zone_id")
    )
    choices: dict[str, set[int]] = {}
    matches: dict[int, int] = {}  # zone → target
    for pk, name, kind, zone_id in rows:
        key = f"{canonical(name)}|{kind}"
        choices.setdefault(key, set()).add(zone_id)
        if key == indicator and zone_id not in matches:
            matches[zone_id] = pk
    shared = sorted((key for key, seen in choices.items() if len(seen) > 1), key=lambda k: (-len(choices[k]), k))
    table: list[ZoneRow] = []
    if matches:
        targets = {t.pk: t for t in Target.objects.filter(pk__in=matches.values()).select_related("task__plan__zone")}
        results = {
            r.target_id: r
            for r in TargetResult.objects.filter(
                pk__in=Target.objects.filter(pk__in=matches.values())
                .annotate(
                    latest=Subquery(
                        TargetResult.objects.filter(target=OuterRef("pk"), actual__isnull=False)
                        .order_by("-year", "-month")
                        .values("pk")[:1]
                    )
                )
                .values("latest")
            )
        }
        for target in targets.values():
            table.append(
                ZoneRow(zone=target.task.plan.zone, plan=target.task.plan, target=target, result=results.get(target.pk))
            )
        table.sort(key=lambda row: (row.completion is None, -(row.completion or 0), row.zone.code))
        for index, row in enumerate(table, start=1):
            row.rank = index
    return {
        "choices": [(key, *key.split("|"), len(choices[key])) for key in shared],
        "indicator": indicator,
        "rows": table,
        "zone_count": zones.count(),
        "newest": TargetResult.objects.filter(target__task__plan__in=plans).aggregate(at=Max("computed_at"))["at"],
    }
