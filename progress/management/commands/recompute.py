from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import clock
from core.threads import map_on_connections
from plans.choices import PlanStatus
from plans.models import Plan
from plans.periods import Period
from progress.engine.jobs import PlanBusy, plan_recompute_job
from targets.metrics import period_end


class Command(BaseCommand):
    help = "Recompute targets' results and flags now (what the nightly job does), showing progress."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="Only this plan (by id); default: every published plan.")
        parser.add_argument("--as-of", help="Judge as at the end of this month (YYYY-MM); default: today.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Recompute this many plans at once, one database connection each (default 1).",
        )

    def handle(self, *args, plan=None, as_of=None, jobs=1, **options):
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        if jobs > 1 and connection.vendor == "sqlite":
            self.stderr.write("SQLite takes one writer at a time: recomputing one plan after another")
            jobs = 1
        as_of_date = clock.today()
        if as_of:
            try:
                period = Period.parse(as_of)
            except ValueError:
                raise CommandError(f"--as-of {as_of!r} is not a month written as YYYY-MM") from None
            as_of_date = period_end(period.year, period.month)
        if plan is not None:
            plans = list(Plan.objects.filter(pk=plan))
            if not plans:
                raise CommandError(f"No plan with id {plan}")
        else:
            plans = list(Plan.objects.filter(status=PlanStatus.PUBLISHED).order_by("pk"))
        total = len(plans)

        def one(item: Plan) -> tuple[Plan, dict | None, bool]:
            try:
                return item, plan_recompute_job(plan_id=item.pk, as_of=as_of_date), False
            except PlanBusy:
                return item, None, True

        for index, (item, counts, busy) in enumerate(map_on_connections(one, plans, jobs=jobs), start=1):
            if busy:
                self.stderr.write(f"[{index}/{total}] {item.title}: another recompute is running; skipped")
                continue
            summary = ", ".join(f"{key}={value}" for key, value in sorted((counts or {}).items()))
            self.stdout.write(f"[{index}/{total}] {item.title}: {summary}")
        self.stdout.write(f"recomputed {total} plan(s) as of {as_of_date.isoformat()}")
