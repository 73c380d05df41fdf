"""Last year's figures from last year's ledger (从上年台账导入): the approved year-to-date
figures of the zone's plan of the previous year, matched to this plan's targets.

A target of this plan's grid (``targets.last_year``) matches a target of last year's plan
with the same indicator (normalised: full-width forms folded, white space and punctuation
dropped) and the same unit, that reported the same way (an amount for an amount; a growth
target's amount for a growth target reported as its amount: a rate is no year-to-date
figure). Two of last year's targets answering to one name are no match: the page says so
rather than guess. Only approved figures count (``progress.choices.COUNTED``), of the
previous calendar year, month by month as they were approved. Nothing is written here: the
page shows what matched and what did not, and saves through ``targets.last_year``.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from plans.models import Plan
from progress.choices import COUNTED
from progress.models import Report
from targets.last_year import grid_filter, grid_targets
from targets.models import Target


def previous_plans(plan: Plan) -> list[Plan]:
    """The zone's plans whose years hold the year before this plan's first, newest first."""
    year = plan.start_year - 1
    return list(
        Plan.objects.filter(zone_id=plan.zone_id, start_year__lte=year, end_year__gte=year)
        .exclude(pk=plan.pk)
        .order_by("-start_year", "-created_at", "-pk")
    )


def normalised(text: str) -> str:
    """An indicator or a unit as compared: NFKC, lower case, without white space and punctuation."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZC")


def measure(target: Target) -> str:
    """How a target's figures are year-to-date amounts: as an amount, or a growth rate's amount."""
    return "rate-amount" if target.reports_amount else "amount"


def match_key(target: Target) -> tuple[str, str, str]:
    return normalised(target.indicator), normalised(target.unit), measure(target)


@dataclass
class Match:
    """A target of this plan and what last year's ledger gives it."""

    target: Target
    source: Target | None = None
    months: dict[int, Decimal] = field(default_factory=dict)
    reason: str = ""  # why there is no figure, in words

    @property
    def found(self) -> bool:
        return bool(self.months)


def ledger_matches(plan: Plan, source: Plan) -> list[Match]:
    """Every target of the plan's grid with its match in ``source`` and the approved figures of
    the year before the plan's (three queries, whatever the number of targets)."""
    year = plan.start_year - 1
    candidates: dict[tuple[str, str, str], list[Target]] = defaultdict(list)
    for target in Target.objects.filter(grid_filter(), task__plan=source).order_by("task__order", "order", "pk"):
        candidates[match_key(target)].append(target)
    matches: list[Match] = []
    for target in grid_targets(plan):
        found = candidates.get(match_key(target), [])
        if not found:
            matches.append(Match(target, reason=_("No target of that name and unit in last year's plan.")))
        elif len(found) > 1:
            matches.append(Match(target, reason=_("Several targets of last year's plan carry that name and unit.")))
        else:
            matches.append(Match(target, source=found[0]))
    sources = [match.source.pk for match in matches if match.source is not None]
    figures: dict[int, dict[int, Decimal]] = defaultdict(dict)
    approved = Report.objects.filter(
        Q(target_id__in=sources), year=year, status__in=COUNTED, value__isnull=False
    ).values_list("target_id", "month", "value")
    for target_id, month, value in approved:
        figures[target_id][month] = value
    for match in matches:
        if match.source is not None:
            match.months = dict(sorted(figures.get(match.source.pk, {}).items()))
            if not match.months:
                match.reason = _("No approved figure of %(year)s.") % {"year": year}
    return matches
