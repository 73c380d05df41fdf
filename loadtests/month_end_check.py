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
- every submitted target recomputed exactly once (one succeeded
  ``recompute_target`` job run since the dataset was built, none failed, no
  mark left in the recompute outbox), its
  result for the period computed after the submission and holding the figure.

Waits up to ``--wait`` seconds for the Celery worker to finish the recomputes.
Prints the findings; exits 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import Counter, defaultdict
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


def check_figures(manifest: dict, confirmed: list[dict], attempts: list[dict], findings: Findings) -> dict[int, object]:
    """Compare what the users were told was saved with the reports; the
    submitted reports by target id."""
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
            if report.status != "submitted":
                findings.problem(f"target {target_id}: status {report.status}, expected submitted")
            if report.value != Decimal(sent):
                findings.problem(f"target {target_id}: value {report.value} in the database, {sent} sent")
            if report.submitted_by is None or report.submitted_by.get_username() != entry["username"]:
                findings.problem(f"target {target_id}: submitted by {report.submitted_by}, not {entry['username']}")
            if events[target_id] != 1:
                findings.problem(f"target {target_id}: {events[target_id]} submitted events, expected 1")
    submitted = {t: r for t, r in reports.items() if r.status == "submitted"}
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


def recompute_state(submitted: dict, *, since: dt.datetime, period) -> tuple[list[int], list[str]]:
    """Targets still waiting for their recompute, and what is wrong with the finished ones."""
    from core.models import JobRun
    from targets.models import TargetResult

    runs: dict[int, list[JobRun]] = defaultdict(list)
    for run in JobRun.objects.filter(
        kind="recompute_target",
        started_at__gte=since,
        subject_kind=JobRun.SubjectKind.TARGET,
        subject_id__in=list(submitted),
    ):
        runs[run.subject_id].append(run)
    results = {
        r.target_id: r
        for r in TargetResult.objects.filter(
            target_id__in=list(submitted), year=period.year, month=period.month
        ).select_related("target")
    }
    owed = _owed(list(submitted))
    waiting, wrong = [], []
    for target_id, report in submitted.items():
        mine = runs.get(target_id, [])
        if target_id in owed:
            waiting.append(target_id)
            continue
        if any(run.outcome == JobRun.Outcome.FAILED for run in mine):
            wrong.append(f"target {target_id}: a recompute failed: {mine[0].error[:200]}")
            continue
        done = [run for run in mine if run.outcome == JobRun.Outcome.SUCCEEDED]
        result = results.get(target_id)
        if not done or result is None or result.computed_at < report.submitted_at:
            waiting.append(target_id)
            continue
        if len(mine) != 1:
            wrong.append(f"target {target_id}: recomputed {len(mine)} times, expected once")
        # A submitted figure waits for review: the result says so, and does not count it.
        if result.reporting != "pending":
            wrong.append(f"target {target_id}: reporting status {result.reporting}, expected pending")
    return waiting, wrong


def _owed(target_ids: list[int]) -> set[int]:
    """Targets still marked in the recompute outbox (when the project has one)."""
    from targets import models

    pending = getattr(models, "PendingRecompute", None)
    if pending is None:
        return set()
    return set(pending.objects.filter(target_id__in=target_ids).values_list("target_id", flat=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=str(ROOT / "var" / "month_end"))
    parser.add_argument("--wait", type=int, default=300, help="Seconds to wait for the recomputes.")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from plans.periods import Period

    directory = Path(args.dir)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    confirmed, attempts = read_jsonl(directory, "submitted"), read_jsonl(directory, "attempts")
    findings = Findings()
    submitted = check_figures(manifest, confirmed, attempts, findings)

    since = dt.datetime.fromisoformat(manifest["built_at"])
    period = Period.parse(manifest["period"])
    deadline = time.monotonic() + args.wait
    started = time.monotonic()
    while True:
        waiting, wrong = recompute_state(submitted, since=since, period=period)
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
