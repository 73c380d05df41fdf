from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zones.models import Zone


class Command(BaseCommand):
    help = "Load the five demo zones of the seed documents, demo users and demo figures (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Load only when the database holds no zone at all.")

    def handle(self, *args, if_empty: bool = False, **options):
        from demo.data import ZONES
        from demo.services import DEMO_PASSWORD, demo_load, demo_notices_issue
        from targets.services import plan_recompute_job

        if if_empty and Zone.objects.exists():
            self.stdout.write(_("The database already holds zones; the demo was not loaded."))
            return
        result = demo_load(zones=ZONES)
        counts = result.counts
        self.stdout.write(
            _("Demo: %(created)d zones created, %(skipped)d already present.")
            % {"created": result.zones_created, "skipped": result.zones_skipped}
        )
        if result.zones_created:
            self.stdout.write(", ".join(f"{key}={value}" for key, value in sorted(counts.items())))
            self.stdout.write(_("Demo users share the password %(password)s.") % {"password": DEMO_PASSWORD})
        for plan_id in result.plan_ids:
            counts = plan_recompute_job(plan_id=plan_id)
            self.stdout.write(
                _("Computed the statuses of plan %(plan)s: %(counts)s")
                % {"plan": plan_id, "counts": ", ".join(f"{k}={v}" for k, v in sorted((counts or {}).items()))}
            )
            issued = demo_notices_issue(plan_id=plan_id)
            self.stdout.write(
                _("Issued %(n)d demo follow-up notices for plan %(plan)s.") % {"n": issued, "plan": plan_id}
            )
