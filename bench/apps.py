from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """Benchmarks and load-test data, run as ``manage.py bench_…`` commands.

    Kept out of the production apps: they build synthetic zones, plans and
    users (codes starting ``bench-``) and time the production code on them.
    The top layer beside demo; no production app imports it."""

    name = "bench"
    verbose_name = _("Benchmarks")
