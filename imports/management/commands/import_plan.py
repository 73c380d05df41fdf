"""python manage.py import_plan FILE --zone CODE --year YYYY [--dry-run] [--json] [--title …]"""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.figures import figure_text
from imports.reading import ImportRefused, text_from_path, text_from_str
from imports.services import plan_import_create, plan_parse, replaced_note
from zones.models import Zone


class Command(BaseCommand):
    help = "Import a plan from its document (.txt or .docx) as a draft plan of a zone."
    # The system checks import every URL module (about a second); this command needs none of them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the plan: .txt (UTF-8, GBK/GB18030, UTF-16) or .docx; '-' reads stdin")
        parser.add_argument("--zone", required=True, help="the zone's code")
        parser.add_argument("--year", type=int, required=True, help="the plan's (first) year")
        parser.add_argument("--end-year", type=int, help="the plan's last year (default: --year)")
        parser.add_argument("--title", help="the plan's title (default: found in the document)")
        parser.add_argument("--dry-run", action="store_true", help="parse and report only; touch no data")
        parser.add_argument("--json", action="store_true", help="print the proposal as JSON")

    def handle(self, *args, **options):
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(_("The year must be between 2000 and 2100."))
        try:
            source = options["file"]
            text = text_from_str(sys.stdin.read()) if source == "-" else text_from_path(source)
            parsed = plan_parse(text=text, year=year)
        except FileNotFoundError:
            raise CommandError(_("No such file: %(file)s") % {"file": options["file"]}) from None
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": options["file"], "error": error.strerror or error}
            ) from None
        except ImportRefused as refusal:
            raise CommandError(refusal.message) from None

        if options["json"]:
            self.stdout.write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=1))
        if options["dry_run"]:
            if not options["json"]:
                self._summary(parsed)
            return

        zone = Zone.objects.filter(code=options["zone"]).first()
        if zone is None:
            raise CommandError(_("No zone with the code “%(code)s”.") % {"code": options["zone"]})
        by = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        try:
            plan = plan_import_create(
                parsed=parsed, zone=zone, by=by, title=options.get("title"), end_year=options.get("end_year")
            )
        except ImportRefused as refusal:
            raise CommandError(refusal.message) from None
        if not options["json"]:
            self._summary(parsed)
            self.stdout.write(
                self.style.SUCCESS(
                    _("Created the draft plan “%(title)s” (id %(id)s) in %(zone)s.")
                    % {"title": plan.title, "id": plan.pk, "zone": zone}
                )
            )

    def _summary(self, parsed) -> None:
        write = self.stdout.write
        write(_("Title: %(title)s") % {"title": parsed.title})
        if parsed.replaced_characters:
            write(replaced_note(parsed))
        write(
            _("%(tasks)s tasks, %(targets)s targets, %(past)s past results, %(milestones)s dated milestones")
            % {
                "tasks": len(parsed.tasks),
                "targets": len(parsed.targets),
                "past": len(parsed.achievements),
                "milestones": sum(len(t.milestones) for t in parsed.tasks),
            }
        )
        targets_by_path: dict[str, list] = {}
        for target in parsed.targets:
            targets_by_path.setdefault(target.inline_path, []).append(target)
        for task in parsed.tasks:
            indent = "  " * task.depth
            marker = " [past]" if task.past else ""
            write(f"{indent}{task.number}{task.heading}{marker}")
            for target in targets_by_path.get(task.path, []):
                write(f"{indent}    · {_label(target)}")
            for milestone in task.milestones:
                write(f"{indent}    ◦ {milestone.deadline}: {milestone.quote}")


def _label(target) -> str:
    value = figure_text(target.value)
    if target.value_high is not None:
        value += f"–{figure_text(target.value_high)}"
    text = f"{target.indicator}: {target.comparator} {value}{target.unit} ({target.kind})"
    if target.stretch is not None:
        text += f" 力争 {figure_text(target.stretch)}"
    if target.deadline:
        text += f" {target.deadline}"
    return text
