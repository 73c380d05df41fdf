"""Stop the broker: submissions still succeed (and fast), and their recompute
happens once it is back.

Run by broker_down.sh, which starts a Redis of its own and gunicorn. Steps:

1. with the broker up and no worker, unit A submits through the API (its
   recompute message waits in Redis);
2. Redis stops (no persistence: that message is lost with it);
3. units B and C submit through the API while the broker is down;
4. Redis, a worker and beat start; the catch-up sweep computes all nine
   targets from the outbox marks.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

from common import BASE, LOG_DIR, api_submit, beat, fault_zone, http, say, wait_for, worker

from plans.periods import Period
from progress.engine.outbox import GRACE
from progress.models import Report
from targets.models import PendingRecompute, Target, TargetResult

CODE = "faults-broker"
REDIS_PORT = int(os.environ["FAULTS_REDIS_PORT"])
WEB = os.environ["FAULTS_WEB_URL"]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
UNITS = ("A", "B", "C")


def submit(name: str, period: Period, targets: list[Target], token: str) -> tuple[int, float]:
    response, seconds = api_submit(WEB, period, targets, token)
    if response.status_code != 200:
        say(f"  unit {name}: HTTP {response.status_code} {response.text[:200]}")
    return response.status_code, seconds


class Redis:
    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self) -> None:
        log = open(LOG_DIR / "redis.log", "a")  # noqa: SIM115 -- the child owns it
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(  # noqa: S603 -- fixed arguments
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for("Redis", self.ping, timeout=20, every=0.2)

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=1).ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def counted(targets: list[Target], period: Period) -> int:
    return TargetResult.objects.filter(target__in=targets, year=period.year, month=period.month).count()


def main() -> int:
    period, targets, tokens = fault_zone(CODE, UNITS)
    every = [target for name in UNITS for target in targets[name]]
    say(f"zone {CODE}: units A, B and C, 3 targets each, period {period}; web {WEB}; Redis on port {REDIS_PORT}")
    broker = Redis(REDIS_PORT)
    broker.start()
    processes = []
    try:
        warm = http("GET", f"{WEB}/api/v1/targets/", token=tokens["A"])
        assert warm.status_code == 200, warm.status_code
        status_a, seconds_a = submit("A", period, targets["A"], tokens["A"])
        say(f"broker up, no worker: unit A submitted, HTTP {status_a} in {seconds_a * 1000:.0f} ms")
        broker.stop()
        say("Redis stopped (its queue, holding unit A's recompute, is lost with it)")
        down = [submit(name, period, targets[name], tokens[name]) for name in ("B", "C")]
        for name, (status, seconds) in zip(("B", "C"), down, strict=True):
            say(f"broker down: unit {name} submitted, HTTP {status} in {seconds * 1000:.0f} ms")
        saved = Report.objects.filter(target__in=every, status="submitted").count()
        marked = PendingRecompute.objects.filter(target__in=every).count()
        say(f"  reports submitted: {saved} of 9; targets marked owed a recompute: {marked}; "
            f"results: {counted(every, period)}")  # fmt: skip

        time.sleep(2)
        back = time.monotonic()
        broker.start()
        processes = [beat("faults-broker-beat").start(), worker("faults-broker-worker").start()]
        say("Redis, a worker and beat started")
        wait_for("the catch-up sweep", lambda: counted(every, period) == len(every), timeout=300)
        caught_up = time.monotonic() - back
        owed = PendingRecompute.objects.filter(target__in=every)
        wait_for("the marks to clear", lambda: not owed.exists(), timeout=60)
        results = TargetResult.objects.filter(target__in=every, year=period.year, month=period.month)
        statuses = sorted(results.values_list("status", flat=True))
        say(f"all {len(every)} targets computed {caught_up:.0f} s after the broker came back "
            f"(beat runs the sweep every minute; a mark waits {GRACE.seconds} s for its on-commit task); "
            f"statuses {statuses}")  # fmt: skip
        completion = {r.target.indicator: str(r.completion) for r in results.filter(target__in=targets["B"])}
        say(f"  unit B's completion (%): {completion}")
        ok = status_a == 200 and all(status == 200 for status, _ in down)
        ok &= saved == marked == len(statuses) == len(every)
    finally:
        for process in processes:
            process.stop()
        broker.stop()
    say("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    os.chdir(BASE)
    raise SystemExit(main())
