"""Back-test the year-end projection on last year's figures (``targets.outlook.spread``).

For each plan and each month 1–11: how far projecting last year's totals from the month would
have missed, on average across the plan's amounts with last year's figures, with the run-rate
(the straight line's share) and with the zone's mean seasonal shape; and how many targets were
measured. These are the band half-widths the engine puts around each projection. Without
arguments, every plan with such amounts (the demo's, once loaded); ``--zone`` and ``--plan``
narrow it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from targets.facts import facts_of
from targets.judgement import TargetFacts
from targets.metrics import Basis, elapsed_share, is_final_period, seasonal_share
from targets.models import Target
from targets.outlook import MIN_SPREAD_TARGETS, looks_ahead, spread

MONTHS = range(1, 12)


def measured(facts: list[TargetFacts], *, year: int, month: int) -> int:
    """How many targets ``spread`` measures at the month (its own filter, read from outside)."""
    return sum(
        1
        for item in facts
        if looks_ahead(item)
        and seasonal_share(item, year, 1) is not None
        and not is_final_period(item, year, month)
        and seasonal_share(item, year, month) is not None
        and elapsed_share(item, year, month) > 0
    )


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def plan_backtest(plan: Plan) -> list[tuple[int, int, Decimal | None, Decimal | None]]:
    """(month, targets measured, run-rate error, seasonal error) for months 1–11."""
    amounts = Target.objects.filter(task__plan=plan, baseline_by_month__isnull=False, value__isnull=False)
    facts = [facts_of(target, plan) for target in amounts]
    year = plan.start_year
    band = spread(facts, year=year)
    return [
        (
            month,
            measured(facts, year=year, month=month),
            band.get((Basis.LINEAR, month)),
            band.get((Basis.SEASONAL, month)),
        )
        for month in MONTHS
    ]


class Command(BaseCommand):
    help = (
        "Back-test the year-end projection on last year's figures: per month 1-11, the mean absolute error "
        "of projecting last year's totals with the run-rate and with the zone's seasonal shape."
    )

    def add_arguments(self, parser):
        parser.add_argument("--zone", action="append", default=[], help="a zone's code (repeatable)")
        parser.add_argument("--plan", action="append", type=int, default=[], help="a plan's id (repeatable)")

    def handle(self, *args, zone: list[str], plan: list[int], **options):
        plans = Plan.objects.select_related("zone").order_by("zone__code", "-start_year", "pk")
        if zone:
            plans = plans.filter(zone__code__in=zone)
        if plan:
            plans = plans.filter(pk__in=plan)
        if not zone and not plan:
            with_figures = Target.objects.filter(baseline_by_month__isnull=False, value__isnull=False)
            plans = plans.filter(pk__in=with_figures.values("task__plan"))
        plans = list(plans)
        if not plans:
            raise CommandError("No plan to back-test: load the demo (load_demo) or name a zone or a plan.")
        totals: dict[str, list[Decimal]] = {Basis.LINEAR: [], Basis.SEASONAL: []}
        for item in plans:
            rows = plan_backtest(item)
            self.stdout.write(
                f"\n{item.zone.code} · plan {item.pk} · {item.title} · {item.start_year} · {item.time_basis}"
            )
            self.stdout.write(f"{'month':>5}  {'targets':>7}  {'run-rate':>9}  {'seasonal':>9}")
            for month, count, linear, seasonal in rows:
                self.stdout.write(f"{month:>5}  {count:>7}  {percent(linear):>9}  {percent(seasonal):>9}")
                if linear is not None:
                    totals[Basis.LINEAR].append(linear)
                if seasonal is not None:
                    totals[Basis.SEASONAL].append(seasonal)
            measured_rows = [row for row in rows if row[2] is not None]
            if not measured_rows:
                self.stdout.write(f"  no band: fewer than {MIN_SPREAD_TARGETS} amounts with last year's figures")
        self.stdout.write("")
        for basis, label in ((Basis.LINEAR, "run-rate"), (Basis.SEASONAL, "seasonal")):
            values = totals[basis]
            mean = sum(values) / len(values) if values else None
            self.stdout.write(f"mean error, {label}: {percent(mean)} over {len(values)} plan-months")
