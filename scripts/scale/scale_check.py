"""Steps of the two-worker demonstration (scripts/scale/two_workers.sh).

    python scripts/scale/scale_check.py reset
    python scripts/scale/scale_check.py trigger --as-of YYYY-MM-DD     # prints the start time
    python scripts/scale/scale_check.py wait --since ISO [--timeout 900]
    python scripts/scale/scale_check.py report --since ISO --label NAME [--logs DIR]
    python scripts/scale/scale_check.py compare var/scale/one.json var/scale/two.json

``reset`` deletes every stored result and flag, so that the next recompute
writes every row again. ``trigger`` queues progress.engine.tasks.recompute_published_plans,
which fans out one recompute_plan task per published plan. ``wait`` returns
once the sweep and one recompute_plan job run per plan have finished.
``report`` counts, per worker, the plans it recomputed (from the workers'
task logs written by scripts/scale/worker_app.py), checks that every plan
was recomputed exactly once (one job run per plan, each plan in one worker's
log only) and fingerprints the results and flags (SHA-256 over every row,
computed_at left out); ``compare`` says whether two runs agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAN_SUBJECT = re.compile(r"^plan (\d+) as of ")
RECOMPUTE_PLAN = "progress.engine.tasks.recompute_plan"


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def reset() -> None:
    from targets.models import TargetFlag, TargetResult

    results, _ = TargetResult.objects.all().delete()
    flags, _ = TargetFlag.objects.all().delete()
    print(f"deleted {results} results and {flags} flags")


def trigger(as_of: str) -> None:
    from core import clock
    from progress.engine.tasks import recompute_published_plans

    since = clock.now()
    recompute_published_plans.delay(as_of)
    print(since.isoformat())


def published_plan_ids() -> set[int]:
    from plans.choices import PlanStatus
    from plans.models import Plan

    return set(Plan.objects.filter(status=PlanStatus.PUBLISHED).values_list("pk", flat=True))


def plan_runs(since: dt.datetime):
    from core.models import JobRun

    return JobRun.objects.filter(kind="recompute_plan", started_at__gte=since)


def wait(since: dt.datetime, timeout: int) -> int:
    from core.models import JobRun

    expected = len(published_plan_ids())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sweep_done = JobRun.objects.filter(
            kind="recompute_sweep", started_at__gte=since, outcome=JobRun.Outcome.SUCCEEDED
        ).exists()
        finished = plan_runs(since).exclude(outcome=JobRun.Outcome.RUNNING).count()
        if sweep_done and finished >= expected:
            print(f"{finished} plan recomputes finished")
            return 0
        time.sleep(1)
    print(f"timed out after {timeout} s", file=sys.stderr)
    return 1


def fingerprint() -> tuple[str, int, int]:
    """SHA-256 over every stored result and flag in key order (the time of
    computation left out), with the row counts."""
    from targets.models import TargetFlag, TargetResult

    digest = hashlib.sha256()
    results = flags = 0
    fields = ("target_id", "year", "month", "status", "reason", "actual", "completion", "expected", "gap")
    for row in TargetResult.objects.order_by("target_id", "year", "month").values_list(*fields).iterator(10000):
        digest.update(("R|" + "|".join(map(str, row)) + "\n").encode())
        results += 1
    flag_fields = ("target_id", "year", "month", "change", "from_status", "to_status")
    for row in TargetFlag.objects.order_by("target_id", "year", "month").values_list(*flag_fields).iterator(10000):
        digest.update(("F|" + "|".join(map(str, row)) + "\n").encode())
        flags += 1
    return digest.hexdigest(), results, flags


def read_logs(directory: Path) -> dict[str, list[dict]]:
    """The recompute_plan tasks each worker finished, by worker name."""
    per_worker: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["task"] == RECOMPUTE_PLAN:
                per_worker[entry["worker"]].append(entry)
    return per_worker


def report(since: dt.datetime, label: str, logs: Path) -> int:
    from core.models import JobRun

    plans = published_plan_ids()
    runs = list(plan_runs(since))
    per_plan = Counter(int(m.group(1)) for run in runs if (m := PLAN_SUBJECT.match(run.subject)))
    failed = [run for run in runs if run.outcome == JobRun.Outcome.FAILED]
    problems = []
    if set(per_plan) != plans:
        problems.append(f"{len(plans - set(per_plan))} plans without a recompute, {len(set(per_plan) - plans)} extra")
    twice = {plan: n for plan, n in per_plan.items() if n > 1}
    if twice:
        problems.append(f"{len(twice)} plans recomputed more than once, e.g. {list(twice.items())[:5]}")
    if failed:
        problems.append(f"{len(failed)} recomputes failed, e.g. {failed[0].error[:200]}")

    per_worker = read_logs(logs)
    done_by: dict[int, list[str]] = defaultdict(list)
    counts = {}
    for worker, entries in sorted(per_worker.items()):
        succeeded = [e for e in entries if e["state"] == "SUCCESS"]
        retried = len(entries) - len(succeeded)
        for entry in succeeded:
            done_by[int(entry["args"][0])].append(worker)
        counts[worker] = {"plans": len(succeeded), "retried_or_failed": retried}
        print(f"{worker}: recomputed {len(succeeded)} plans ({retried} retried or failed)")
    overlap = {plan: workers for plan, workers in done_by.items() if len(workers) > 1}
    if overlap:
        problems.append(f"{len(overlap)} plans done by more than one worker, e.g. {list(overlap.items())[:5]}")
    if set(done_by) != plans:
        problems.append(f"the workers' logs name {len(done_by)} plans, {len(plans)} are published")

    started = min((run.started_at for run in runs), default=None)
    finished = max((run.finished_at for run in runs if run.finished_at), default=None)
    seconds = (finished - started).total_seconds() if started and finished else None
    digest, results, flags = fingerprint()
    summary = {
        "label": label,
        "plans": len(plans),
        "job_runs": len(runs),
        "workers": counts,
        "seconds": seconds,
        "sha256": digest,
        "results": results,
        "flags": flags,
        "problems": problems,
    }
    logs.mkdir(parents=True, exist_ok=True)
    (logs.parent / f"{label}.json").write_text(json.dumps(summary, indent=1))
    print(
        f"{label}: {len(plans)} published plans, {len(runs)} plan job runs, each plan once: "
        f"{'yes' if not problems else 'NO'}; first start to last finish {seconds:.1f} s"
        if seconds is not None
        else f"{label}: no job runs"
    )
    print(f"{label}: {results} results, {flags} flags, sha256 {digest}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 0 if not problems else 1


def compare(first: Path, second: Path) -> int:
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    same = (a["sha256"], a["results"], a["flags"]) == (b["sha256"], b["results"], b["flags"])
    print(
        f"{a['label']} and {b['label']}: results {'IDENTICAL' if same else 'DIFFERENT'} "
        f"({a['results']} vs {b['results']} results, {a['flags']} vs {b['flags']} flags)"
    )
    if a.get("seconds") and b.get("seconds"):
        print(f"time: {a['label']} {a['seconds']:.1f} s, {b['label']} {b['seconds']:.1f} s")
    return 0 if same else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("reset")
    sub.add_parser("today")
    p = sub.add_parser("trigger")
    p.add_argument("--as-of", required=True)
    p = sub.add_parser("wait")
    p.add_argument("--since", required=True)
    p.add_argument("--timeout", type=int, default=900)
    p = sub.add_parser("report")
    p.add_argument("--since", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--logs", required=True)
    p = sub.add_parser("compare")
    p.add_argument("first")
    p.add_argument("second")
    args = parser.parse_args(argv)
    if args.step == "compare":
        return compare(Path(args.first), Path(args.second))
    setup()
    if args.step == "reset":
        reset()
    elif args.step == "today":
        from core import clock

        print(clock.today().isoformat())
    elif args.step == "trigger":
        trigger(dt.date.fromisoformat(args.as_of).isoformat())
    elif args.step == "wait":
        return wait(dt.datetime.fromisoformat(args.since), args.timeout)
    elif args.step == "report":
        return report(dt.datetime.fromisoformat(args.since), args.label, Path(args.logs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
