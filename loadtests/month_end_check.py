"""After a month-end load run: is every confirmed figure in the database
exactly once, and did the recompute of each submitted target finish?

    python loadtests/month_end_check.py [--dir var/month_end] [--wait 300]

Reads the manifest written by ``manage.py bench_month_end_users`` and the
JSONL files the locust users wrote (``submitted-*.jsonl``: the server
confirmed; ``attempts-*.jsonl``: it did not), then checks against
progress.models.Report and friends:

- every confirmed figure: one report for its target and period, submitted,
  by that user, with exactly the value sent, and one "submitted" event;
- no unit confirmed twice, no duplicate (target, year, month) rows;
- a unit whose submission was sent but not confirmed (the run ended, the
  request failed) was written all or nothing, with the figures sent;
- no submitted report that no user sent;
- every submitted target recomputed exactly once (no mark left in the
  recompute outbox, no failed recompute run since the dataset was built, as
  many targets paid by the runs as were marked), its result for the period
  computed after the submission and holding the figure.

Waits up to ``--wait`` seconds for the Celery worker to finish the recomputes.
Prints the findings; exits 1 when anything is wrong.

Freshness (``--probe SECONDS``, started beside the load by run_month_end.sh):
every few seconds a reviewer approves one figure submitted in the run (the
service a review page calls: its recompute queued after the commit, as
there), then a leader of its zone reloads the plan dashboard until it was
drawn from a result at least as new as the approved one (the page's
``data-computed``). Each delay, from the approval to that page, goes to
``freshness-<pid>.jsonl``; the check prints their p50/p95 and accepts the probed
figures as approved.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Findings:
    confirmed_units: int = 0
    confirmed_figures: int = 0
    unconfirmed_units: int = 0  # sent, written, the answer lost (the run ended)
    sent_unanswered: int = 0
    figures_in_db: int = 0
    recomputed: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)
        elif len(self.problems) == 50:
            self.problems.append("… more problems left out")

    @property
    def ok(self) -> bool:
        return not self.problems


def read_jsonl(directory: Path, kind: str) -> list[dict]:
    entries = []
    for path in sorted(directory.glob(f"{kind}-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entries.append(json.loads(line))
    return entries


def check_figures(
    manifest: dict, confirmed: list[dict], attempts: list[dict], findings: Findings, probed: frozenset = frozenset()
) -> dict[int, object]:
    """Compare what the users were told was saved with the reports; the
    submitted reports by target id (with those the freshness probe
    approved, ``probed``)."""
    from plans.periods import Period
    from progress.models import Report, ReportEvent

    period = Period.parse(manifest["period"])
    all_targets = [row["target"] for unit in manifest["staff"] for row in unit["targets"]]
    reports = {
        r.target_id: r
        for r in Report.objects.filter(target_id__in=all_targets, year=period.year, month=period.month).select_related(
            "submitted_by"
        )
    }
    per_key = Counter(
        Report.objects.filter(target_id__in=all_targets, year=period.year, month=period.month).values_list(
            "target_id", flat=True
        )
    )
    for target_id, n in per_key.items():
        if n > 1:
            findings.problem(f"target {target_id}: {n} reports for {period}")
    events = Counter(
        ReportEvent.objects.filter(report__in=reports.values(), action=ReportEvent.Action.SUBMITTED).values_list(
            "report__target_id", flat=True
        )
    )
    units_seen = Counter(entry["unit"] for entry in confirmed)
    for unit, n in units_seen.items():
        if n > 1:
            findings.problem(f"unit {unit}: confirmed {n} times")
    findings.confirmed_units = len(units_seen)
    accounted: set[int] = set()
    for entry in confirmed:
        for target_text, sent in entry["figures"].items():
            target_id = int(target_text)
            accounted.add(target_id)
            findings.confirmed_figures += 1
            report = reports.get(target_id)
            if report is None:
                findings.problem(f"target {target_id} ({entry['username']}): confirmed but not in the database")
                continue
            if report.status != "submitted" and not (report.status == "approved" and target_id in probed):
                findings.problem(f"target {target_id}: status {report.status}, expected submitted")
            if report.value != Decimal(sent):
                findings.problem(f"target {target_id}: value {report.value} in the database, {sent} sent")
            if report.submitted_by is None or report.submitted_by.get_username() != entry["username"]:
                findings.problem(f"target {target_id}: submitted by {report.submitted_by}, not {entry['username']}")
            if events[target_id] != 1:
                findings.problem(f"target {target_id}: {events[target_id]} submitted events, expected 1")
    submitted = {t: r for t, r in reports.items() if r.status == "submitted" or t in probed}
    findings.figures_in_db = len(submitted)
    targets_of_unit = {unit["unit"]: [row["target"] for row in unit["targets"]] for unit in manifest["staff"]}
    sent = {entry["unit"]: entry for entry in attempts}
    for unit, targets in targets_of_unit.items():
        written = [t for t in targets if t in submitted]
        if unit in units_seen or not written:
            continue
        entry = sent.get(unit)
        if entry is None:
            findings.problem(f"unit {unit}: {len(written)} figures submitted that its user never sent")
            continue
        findings.unconfirmed_units += 1
        if len(written) != len(targets):
            findings.problem(f"unit {unit}: half written ({len(written)} of {len(targets)} targets submitted)")
        for target_id in written:
            if submitted[target_id].value != Decimal(entry["figures"][str(target_id)]):
                findings.problem(f"target {target_id}: value {submitted[target_id].value}, sent something else")
            if events[target_id] != 1:
                findings.problem(f"target {target_id}: {events[target_id]} submitted events, expected 1")
            accounted.add(target_id)
        findings.notes.append(f"unit {unit} ({entry['username']}, {entry['via']}): written, the answer not received")
    for target_id in sorted(set(submitted) - accounted):
        findings.problem(f"target {target_id}: submitted in the database, not among the figures sent")
    findings.sent_unanswered = sum(1 for unit in sent if unit not in units_seen)
    return submitted


def recompute_state(
    submitted: dict, *, since: dt.datetime, period, probed: frozenset = frozenset()
) -> tuple[list[int], list[str]]:
    """Targets still waiting for their recompute, and what is wrong with the
    finished ones. Recomputes are coalesced per plan (progress.engine.queue):
    a run pays every mark of its plan, so exactly once is counted over the
    runs (the targets they paid against the marks made: one per submitted
    target, two for a target the probe approved too)."""
    from core.models import JobRun
    from targets.models import TargetResult

    runs = list(JobRun.objects.filter(kind__in=RECOMPUTE_RUNS, started_at__gte=since))
    failed_plans = {run.subject_id for run in runs if run.outcome == JobRun.Outcome.FAILED}
    results = {
        r.target_id: r
        for r in TargetResult.objects.filter(
            target_id__in=list(submitted), year=period.year, month=period.month
        ).select_related("target__task")
    }
    owed = _owed(list(submitted))
    waiting, wrong = [], []
    for target_id, report in submitted.items():
        result = results.get(target_id)
        if target_id in owed:
            waiting.append(target_id)
            continue
        if result is not None and result.target.task.plan_id in failed_plans:
            wrong.append(f"target {target_id}: a recompute of its plan failed")
            continue
        if result is None or result.computed_at < report.submitted_at:
            waiting.append(target_id)
            continue
        # A submitted figure waits for review: the result says so, and does not count it.
        expected = "pending" if target_id not in probed else None
        if expected and result.reporting != expected:
            wrong.append(f"target {target_id}: reporting status {result.reporting}, expected {expected}")
        if target_id in probed and result.reporting == "pending":
            waiting.append(target_id)
    if not waiting:
        paid = sum((run.counts or {}).get("targets", 0) for run in runs if run.outcome == JobRun.Outcome.SUCCEEDED)
        marks = len(submitted) + len(probed)
        if paid > marks:
            wrong.append(f"recomputes paid {paid} target marks for {marks} marks made: some twice")
    return waiting, wrong


# The runs that pay the outbox's marks: the coalesced message, the catch-up
# sweep, and the one-target task of older releases.
RECOMPUTE_RUNS = ("recompute_owed", "recompute_catch_up", "recompute_target")


def _owed(target_ids: list[int]) -> set[int]:
    """Targets still marked in the recompute outbox (when the project has one)."""
    from targets import models

    pending = getattr(models, "PendingRecompute", None)
    if pending is None:
        return set()
    return set(pending.objects.filter(target_id__in=target_ids).values_list("target_id", flat=True))


def probe(directory: Path, manifest: dict, *, seconds: float, host: str, every: float = 3.0) -> int:
    """The freshness probe (see the module's docstring); the number of approvals probed."""
    import random

    import requests
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from plans.periods import Period
    from progress.choices import ReportStatus
    from progress.models import Report
    from progress.services import reports_approve
    from targets.models import TargetResult
    from zones.choices import Role
    from zones.models import Membership

    period = Period.parse(manifest["period"])
    credentials = json.loads((directory / "credentials.json").read_text(encoding="utf-8"))
    leader_of_zone = dict(
        Membership.objects.filter(role=Role.LEADER, user__username__in=manifest["leaders"]).values_list(
            "zone_id", "user__username"
        )
    )
    all_targets = [row["target"] for unit in manifest["staff"] for row in unit["targets"]]
    reviewer, _ = get_user_model().objects.get_or_create(username="monthend-probe-reviewer")
    rng = random.Random(7)  # noqa: S311 -- which figure to approve, not security
    probed = 0
    end = time.monotonic() + seconds
    with (directory / f"freshness-{os.getpid()}.jsonl").open("a", encoding="utf-8") as out:
        while time.monotonic() < end:
            next_at = time.monotonic() + every
            waiting = list(
                Report.objects.filter(
                    target_id__in=all_targets, year=period.year, month=period.month, status=ReportStatus.SUBMITTED
                ).values_list("pk", flat=True)[:500]
            )
            if waiting:
                entry = _probe_one(rng.choice(waiting), reviewer, period, credentials, leader_of_zone, out=out,
                                   host=host, reverse=reverse, requests=requests, approve=reports_approve,
                                   results=TargetResult)  # fmt: skip
                out.write(json.dumps(entry) + "\n")
                out.flush()
                probed += 1
            time.sleep(max(0.0, next_at - time.monotonic()))
    return probed


_COMPUTED = re.compile(r'data-computed="([^"]+)"')


def _probe_one(
    report_id, reviewer, period, credentials, leader_of_zone, *, out, host, reverse, requests, approve, results
):
    """Approve one figure (a line says so at once: the check must know it even
    when the run ends before the figure shows), then time the result and the
    leader's page that shows it."""
    from progress.models import Report
    from zones.choices import Role
    from zones.models import Membership

    report = Report.objects.select_related("target__task__lead_unit", "target__task__plan").get(pk=report_id)
    unit, plan = report.target.task.lead_unit, report.target.task.plan
    Membership.objects.get_or_create(user=reviewer, zone_id=unit.zone_id, unit=unit, role=Role.REVIEWER)
    started = time.monotonic()
    approve(reports=[report], by=reviewer)  # its recompute is queued after the commit, as from the review page
    report.refresh_from_db()
    entry = {"target": report.target_id, "plan": plan.pk}
    out.write(json.dumps(entry | {"approved": True}) + "\n")
    out.flush()
    deadline = started + 120
    result = None
    while time.monotonic() < deadline:
        result = results.objects.filter(target_id=report.target_id, year=period.year, month=period.month).first()
        if result is not None and result.reporting != "pending" and result.computed_at >= report.approved_at:
            break
        time.sleep(0.2)
    else:
        return entry | {"timeout": "result"}
    entry["result_s"] = round(time.monotonic() - started, 3)
    session = requests.Session()
    session.cookies.set(credentials["cookie"], credentials["sessions"][leader_of_zone[unit.zone_id]])
    url = host + reverse("dashboard:plan", args=[plan.pk]) + f"?period={period}"
    while time.monotonic() < deadline:
        shown = _COMPUTED.search(session.get(url, timeout=30).text)
        if shown and dt.datetime.fromisoformat(shown.group(1)) >= result.computed_at:
            return entry | {"page_s": round(time.monotonic() - started, 3)}
        time.sleep(0.25)
    return entry | {"timeout": "page"}


def freshness_summary(directory: Path, findings: Findings) -> frozenset:
    """Print the probe's delays (p50/p95 from the approval to the page); the targets it approved."""
    entries = read_jsonl(directory, "freshness")
    if not entries:
        return frozenset()
    delays = sorted(entry["page_s"] for entry in entries if "page_s" in entry)
    timeouts = [entry for entry in entries if "timeout" in entry]
    if delays:
        p50, p95 = delays[len(delays) // 2], delays[min(len(delays) - 1, int(len(delays) * 0.95))]
        print(f"freshness (approval to the leader's dashboard): {len(delays)} probes, p50={p50:.1f} s p95={p95:.1f} s "
              f"max={delays[-1]:.1f} s")  # fmt: skip
    for entry in timeouts:
        findings.problem(f"freshness probe: target {entry['target']} not shown on the dashboard within 120 s")
    return frozenset(entry["target"] for entry in entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=str(ROOT / "var" / "month_end"))
    parser.add_argument("--wait", type=int, default=300, help="Seconds to wait for the recomputes.")
    parser.add_argument("--probe", type=float, help="Run the freshness probe for this many seconds instead.")
    parser.add_argument("--host", default="http://127.0.0.1:8766", help="The server the probe's leader reads.")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from plans.periods import Period

    directory = Path(args.dir)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if args.probe:
        probed = probe(directory, manifest, seconds=args.probe, host=args.host)
        print(f"freshness probe: {probed} approvals timed")
        return 0
    confirmed, attempts = read_jsonl(directory, "submitted"), read_jsonl(directory, "attempts")
    findings = Findings()
    probed = freshness_summary(directory, findings)
    submitted = check_figures(manifest, confirmed, attempts, findings, probed)

    since = dt.datetime.fromisoformat(manifest["built_at"])
    period = Period.parse(manifest["period"])
    deadline = time.monotonic() + args.wait
    started = time.monotonic()
    while True:
        waiting, wrong = recompute_state(submitted, since=since, period=period, probed=probed)
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(2)
    for text in wrong:
        findings.problem(text)
    if waiting:
        findings.problem(f"{len(waiting)} targets not recomputed after {args.wait} s (e.g. {waiting[:5]})")
    findings.recomputed = len(submitted) - len(waiting)

    print(
        f"units confirmed: {findings.confirmed_units} ({findings.confirmed_figures} figures); "
        f"sent without an answer: {findings.sent_unanswered} (of which written whole: {findings.unconfirmed_units})"
    )
    print(f"submitted figures in the database: {findings.figures_in_db}")
    print(
        f"recomputed: {findings.recomputed} of {len(submitted)} targets "
        f"(queue drained {time.monotonic() - started:.0f} s after the load ended)"
    )
    for note in findings.notes[:20]:
        print(f"note: {note}")
    for text in findings.problems:
        print(f"PROBLEM: {text}")
    print("exactly once: OK" if findings.ok else f"exactly once: FAILED ({len(findings.problems)} problems)")
    return 0 if findings.ok else 1


if __name__ == "__main__":
    sys.exit(main())
