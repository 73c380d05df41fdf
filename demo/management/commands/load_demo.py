"""python manage.py load_demo [--if-empty | --reset] [--seeds DIR]"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.overlay import DemoDataError
from demo.services import DEMO_PASSWORD, demo_load, demo_reset
from zones.models import Zone


class Command(BaseCommand):
    help = (
        "Load the five demo zones: their plans imported from the seed documents as plans of the current year, "
        "demo users and demo figures (a second run changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Load only when the database holds no zone at all.")
        parser.add_argument("--reset", action="store_true", help="Delete the demo zones first and build them again.")
        parser.add_argument("--seeds", help="the folder of the seed documents (default: settings.DEMO_SEEDS_DIR)")

    def handle(self, *args, if_empty: bool = False, reset: bool = False, seeds: str | None = None, **options):
        if if_empty and reset:
            raise CommandError(_("Choose either --if-empty or --reset."))
        if if_empty and Zone.objects.exists():
            self.stdout.write(_("The database already holds zones; the demo was not loaded."))
            return
        started = time.monotonic()
        try:
            if reset:
                deleted = demo_reset()
                self.stdout.write(_("Demo: %(n)d zones deleted.") % {"n": deleted})
            result = demo_load(seeds_dir=Path(seeds) if seeds else None)
        except DemoDataError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Demo: %(created)d zones created, %(skipped)d already present.")
            % {"created": result.zones_created, "skipped": result.zones_skipped}
        )
        if result.zones_created:
            self.stdout.write(", ".join(f"{key}={value}" for key, value in sorted(result.counts.items())))
            self.stdout.write(_("Demo users share the password %(password)s.") % {"password": DEMO_PASSWORD})
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
