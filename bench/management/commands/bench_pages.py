"""Time the pages and API calls of month end, one request at a time.

On the month-end dataset of ``bench_month_end_users`` (``--build`` makes it
first), each request of a clerk's month end and of the leaders' dashboards is
sent ``--n`` times in turn through Django's test client with a real session
(``force_login``) or a real API token, and the command prints its server time
(median and p95 of wall time from the request to the finished response,
middleware and template included), the Python CPU time of the same (the rest
is the database and waiting), and the number of queries it ran.

Requests that change data take a fresh unit each time, so every one of them
does the same work as the first: the drafts of ``--n`` units, the autosaves of
``--n`` others, the submissions of the units that saved a draft (as the load
test does: draft, read back, submit), the API submissions of another ``--n``.
The period just ended is emptied of the dataset's reports first, so a second
run measures the same thing as the first. Nothing is rolled back: the
on-commit work (queueing the recomputes) is part of what is timed.

Settings ``DEBUG`` is switched off while measuring (no query log), as in
production. ``--profile NAME`` writes a cProfile of every request of that
name to ``--profile-out`` and prints its 40 most expensive functions.

Every client shares one request handler, loaded (and warmed by one untimed
request) before anything is timed: a new test ``Client`` otherwise builds its
own middleware chain on its first request (whitenoise scanning the static
files among it), work a server does once at start, not per user.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from rest_framework.authtoken.models import Token

from bench.management.commands.bench_month_end_users import CITY, PREFIX
from plans.models import Plan
from plans.periods import Period
from progress.models import Report
from targets.models import PendingRecompute, Target
from zones.models import Region

HOST = "127.0.0.1"


@dataclass
class Measure:
    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)


class _Counter:
    """Counts the queries run (a wrapper, not Django's query log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Time each page and API call of month end (server time and queries, one request at a time)."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=20, help="Requests of each kind (each POST on a fresh unit).")
        parser.add_argument("--build", action="store_true", help="Build the month-end dataset first.")
        parser.add_argument(
            "--dir", dest="dataset", default=str(Path(settings.VAR_DIR) / "month_end"), help="The manifest's folder."
        )
        parser.add_argument("--profile", default="", help="Profile the requests whose name contains this.")
        parser.add_argument("--profile-out", default=str(Path(settings.VAR_DIR) / "bench_pages.prof"))
        parser.add_argument("--json", dest="json_out", default="", help="Also write the figures to this file.")

    def handle(self, *args, n: int, build: bool, dataset: str, profile: str, profile_out: str, json_out: str, **opts):
        if build:
            call_command("bench_month_end_users", out=dataset, stdout=io.StringIO())
        manifest_path = Path(dataset) / "manifest.json"
        if not manifest_path.exists() or not Plan.objects.filter(zone__code__startswith=PREFIX).exists():
            raise CommandError("No month-end dataset: run with --build (or manage.py bench_month_end_users).")
        manifest = json.loads(manifest_path.read_text())
        staff = manifest["staff"]
        if len(staff) < 3 * n:
            raise CommandError(f"--n {n} needs {3 * n} staff units; the dataset has {len(staff)}.")
        period = Period.parse(manifest["period"])
        self.reset(period)
        self.profile = profile
        self.profiler = cProfile.Profile() if profile else None
        self.handler = None
        self.measures: dict[str, Measure] = {}
        debug, settings.DEBUG = settings.DEBUG, False
        try:
            self.run_all(staff, manifest, period, n)
        finally:
            settings.DEBUG = debug
        self.report(n)
        if json_out:
            Path(json_out).write_text(
                json.dumps({m.name: self.summary(m) for m in self.measures.values()}, ensure_ascii=False, indent=1)
            )
        if self.profiler is not None:
            self.profiler.dump_stats(profile_out)
            out = io.StringIO()
            pstats.Stats(self.profiler, stream=out).sort_stats("cumulative").print_stats(40)
            self.stdout.write(out.getvalue())
            self.stdout.write(f"profile written to {profile_out}")

    def reset(self, period: Period) -> None:
        """Take away what an earlier run submitted for the period."""
        targets = Target.objects.filter(task__plan__zone__code__startswith=PREFIX)
        with transaction.atomic():
            Report.objects.filter(target__in=targets, year=period.year, month=period.month).delete()
            PendingRecompute.objects.filter(target__in=targets).delete()

    # --- the requests -------------------------------------------------------------------------------

    def new_client(self, **defaults) -> Client:
        """A client on the shared, already loaded handler (see the module's docstring)."""
        client = Client(HTTP_HOST=HOST, **defaults)
        if getattr(self, "handler", None) is None:
            self.handler = client.handler
            client.get("/accounts/login/")  # loads the middleware chain, untimed
        client.handler = self.handler
        return client

    def client_for(self, username: str) -> Client:
        client = self.new_client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    def time(self, name: str, send: Callable[[], object]) -> object:
        """Send one request, measuring it."""
        measure = self.measures.setdefault(name, Measure(name))
        counter = _Counter()
        profiling = self.profiler is not None and self.profile in name
        with connection.execute_wrapper(counter):
            if profiling:
                self.profiler.enable()
            cpu, wall = time.process_time(), time.perf_counter()
            response = send()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if profiling:
                self.profiler.disable()
        measure.wall.append(wall)
        measure.cpu.append(cpu)
        measure.queries.append(counter.count)
        measure.statuses.add(response.status_code)
        return response

    def run_all(self, staff: list[dict], manifest: dict, period: Period, n: int) -> None:
        drafting, autosaving, api = staff[:n], staff[n : 2 * n], staff[2 * n : 3 * n]
        clients = {entry["username"]: self.client_for(entry["username"]) for entry in staff[: 2 * n]}
        url = "/progress/plans/{plan}/units/{unit}/periods/" + str(period) + "/"

        def form_data(entry: dict, page: str | None, *, action: str, text: str) -> dict:
            versions = {}
            if page is not None:
                versions = dict(re.findall(r'name="r(\d+)-version" value="(\d*)"', page))
            data = {"action": action}
            for row in entry["targets"]:
                prefix = f"r{row['target']}-"
                value = row["previous"] or "1"
                data |= {
                    f"{prefix}present": "1",
                    f"{prefix}version": versions.get(str(row["target"]), ""),
                    f"{prefix}value": value,
                    f"{prefix}progress": text,
                    f"{prefix}problems": "",
                    f"{prefix}next_steps": "",
                    f"{prefix}value_note": "",
                }
            return data

        # A clerk: my reports, the empty form, a draft, the form again, an autosave, a submission.
        pages: dict[str, str] = {}
        for entry in drafting:
            client, form_url = clients[entry["username"]], url.format(**entry)
            self.time("my reports", lambda c=client: c.get("/progress/"))
            self.time("period form GET (empty)", lambda c=client, u=form_url: c.get(u))
            data = form_data(entry, None, action="save", text="")
            self.time("period form: save draft POST", lambda c=client, u=form_url, d=data: c.post(u, d))
            response = self.time("period form GET (drafts)", lambda c=client, u=form_url: c.get(u))
            pages[entry["username"]] = response.content.decode()
        for entry in autosaving:
            client, draft_url = clients[entry["username"]], url.format(**entry) + "draft/"
            data = form_data(entry, None, action="save", text="")
            self.time("autosave draft POST", lambda c=client, u=draft_url, d=data: c.post(u, d))
        for entry in drafting:
            client, form_url = clients[entry["username"]], url.format(**entry)
            data = form_data(entry, pages[entry["username"]], action="submit", text="月末填报:按计划推进")
            self.time("period form: submit POST", lambda c=client, u=form_url, d=data: c.post(u, d))
        # A unit's own system, by the API.
        for entry in api:
            user = get_user_model().objects.get(username=entry["username"])
            token, _ = Token.objects.get_or_create(user=user)
            client = self.new_client(HTTP_AUTHORIZATION=f"Token {token.key}")
            self.time(
                "API targets of the unit",
                lambda c=client, e=entry: c.get(f"/api/v1/targets/?plan={e['plan']}&lead_unit={e['unit']}"),
            )
            self.time(
                "API reports of the period",
                lambda c=client, e=entry: c.get(
                    f"/api/v1/reports/?plan={e['plan']}&unit={e['unit']}&year={period.year}&month={period.month}"
                ),
            )
            body = {
                "plan": entry["plan"],
                "unit": entry["unit"],
                "period": str(period),
                "submit": True,
                "rows": [
                    {"target": row["target"], "value": row["previous"] or "1", "progress": "月末填报", "version": None}
                    for row in entry["targets"]
                ],
            }
            self.time(
                "API period submission POST",
                lambda c=client, b=body: c.post("/api/v1/period-submissions/", b, content_type="application/json"),
            )
        # Leaders and the dashboards.
        leaders = manifest["leaders"]
        region = Region.objects.filter(name=CITY).values_list("pk", flat=True).first()
        for i in range(n):
            leader = leaders[i % len(leaders)]
            client = self.client_for(leader)
            plan = Plan.objects.filter(zone__memberships__user__username=leader).values_list("pk", flat=True).first()
            cache.clear()
            self.time("plan dashboard (cold cache)", lambda c=client, p=plan: c.get(f"/dashboard/plans/{p}/"))
            self.time("plan dashboard (cached)", lambda c=client, p=plan: c.get(f"/dashboard/plans/{p}/"))
            if region:
                self.time("region", lambda c=client: c.get(f"/dashboard/regions/{region}/"))
            staff_client = clients[drafting[i]["username"]]
            self.time("my tasks (staff)", lambda c=staff_client: c.get("/dashboard/mine/"))
            self.time("my tasks (leader)", lambda c=client: c.get("/dashboard/mine/"))
            # A target's page: the leader opens one of the plan's, the clerk one of the unit's (every kind in turn).
            own = drafting[i]["targets"][i % len(drafting[i]["targets"])]["target"]
            led = next((e for e in drafting + staff if e["plan"] == plan), None)
            led = led["targets"][i % len(led["targets"])]["target"] if led else own
            self.time("target page (leader)", lambda c=client, t=led: c.get(f"/progress/targets/{t}/"))
            self.time("target page (staff)", lambda c=staff_client, t=own: c.get(f"/progress/targets/{t}/"))
        self.run_overhead(manifest, n)

    def run_overhead(self, manifest: dict, n: int) -> None:
        """The task tree, the login page and a trivial page of a logged-in
        leader (the fixed cost every page pays: middleware, session, context
        processors, the base template). Each client's first request is sent
        untimed: a new client builds its middleware once (whitenoise scans
        the static files), which a running server does once per process."""
        leaders = manifest["leaders"]
        anonymous = Client(HTTP_HOST=HOST)
        anonymous.get("/accounts/login/")
        for i in range(n):
            leader = leaders[i % len(leaders)]
            client = self.client_for(leader)
            client.get("/accounts/")
            plan = Plan.objects.filter(zone__memberships__user__username=leader).values_list("pk", flat=True).first()
            self.time("task tree", lambda c=client, p=plan: c.get(f"/dashboard/plans/{p}/tree/"))
            self.time("my account (overhead)", lambda c=client: c.get("/accounts/"))
            self.time("login page GET", lambda: anonymous.get("/accounts/login/"))

    # --- the report ---------------------------------------------------------------------------------

    @staticmethod
    def summary(m: Measure) -> dict:
        return {
            "n": len(m.wall),
            "median_ms": round(statistics.median(m.wall) * 1000, 1),
            "p95_ms": round(_p95(m.wall) * 1000, 1),
            "cpu_median_ms": round(statistics.median(m.cpu) * 1000, 1),
            "queries": sorted(set(m.queries)),
            "statuses": sorted(m.statuses),
        }

    def report(self, n: int) -> None:
        self.stdout.write(f"{'request':<34} {'n':>3} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7}  queries  status")
        for m in self.measures.values():
            s = self.summary(m)
            queries = (
                "–".join(str(q) for q in (min(m.queries), max(m.queries))) if len(s["queries"]) > 1 else s["queries"][0]
            )
            self.stdout.write(
                f"{m.name:<34} {s['n']:>3} {s['median_ms']:>10.1f} {s['p95_ms']:>8.1f} {s['cpu_median_ms']:>7.1f}"
                f"  {queries!s:>7}  {','.join(map(str, s['statuses']))}"
            )
