import os

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zones.choices import Role
from zones.models import Membership, Zone


class Command(BaseCommand):
    help = "Create leaders (bench_leader_N) for the bench zones, for the dashboard load test."

    def add_arguments(self, parser):
        parser.add_argument("--leaders", type=int, default=50)

    def handle(self, *args, leaders: int, **options):
        password = os.environ.get("BENCH_PASSWORD", "bench-password-not-secret")
        zones = list(Zone.objects.filter(code__startswith="bench-").order_by("pk")[:leaders])
        if not zones:
            raise CommandError("No bench zones: run bench_recompute --keep first.")
        hashed = make_password(password)
        User = get_user_model()
        with transaction.atomic():
            for index, zone in enumerate(zones):
                user, _ = User.objects.update_or_create(
                    username=f"bench_leader_{index}", defaults={"password": hashed, "first_name": f"bench {index}"}
                )
                Membership.objects.get_or_create(user=user, zone=zone, role=Role.LEADER)
        self.stdout.write(f"{len(zones)} bench leaders ready")
