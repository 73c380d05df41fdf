"""Drop the database connection in the middle of a submission, against the
real server: the request fails cleanly and nothing half-written remains.

Run by db_drop.sh (gunicorn with production settings, PostgreSQL). No hook
in the code: this script holds an uncommitted report row for the third
target of the period, so the server's transaction, having written the first
two reports and their history, waits on the unique index for the third. The
script then terminates that server session (pg_terminate_backend, as a
restart or failover would) and lets its own row go.
"""

from __future__ import annotations

import os
import threading
import time

from common import api_submit, fault_zone, say, wait_for
from django.db import connection, transaction

from progress.models import Report, ReportEvent
from targets.models import PendingRecompute

CODE = "faults-dbdrop"
WEB = os.environ["FAULTS_WEB_URL"]
WAITING = """
    SELECT pid, clock_timestamp() - xact_start FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "progress_report"%%'
"""


def main() -> int:
    if connection.vendor != "postgresql":
        say("FAIL: this fault needs PostgreSQL (DATABASE_URL=postgres://…)")
        return 1
    period, targets, tokens = fault_zone(CODE, ("A",))
    mine = targets["A"]
    say(f"zone {CODE}: unit A, 3 targets, period {period}; web {WEB}")
    answer: dict = {}

    def submit() -> None:
        answer["response"], answer["seconds"] = api_submit(WEB, period, mine, tokens["A"])

    with transaction.atomic():
        Report.objects.create(target=mine[2], year=period.year, month=period.month)  # uncommitted: a row lock
        request = threading.Thread(target=submit)
        request.start()
        with connection.cursor() as cursor:

            def waiting():
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view inside our transaction
                cursor.execute(WAITING)
                return cursor.fetchone()

            pid, in_transaction = wait_for("the submission to wait on report 3", waiting, timeout=30, every=0.05)
            say(f"the server's session {pid} has written reports 1-2 and waits on report 3 "
                f"({in_transaction.total_seconds() * 1000:.0f} ms into its transaction); terminating it")  # fmt: skip
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        transaction.set_rollback(True)  # and let our own row go
    request.join(60)

    response = answer["response"]
    body = response.text
    clean = response.status_code == 503 and "Traceback" not in body and "psycopg" not in body
    say(f"the request answered HTTP {response.status_code} in {answer['seconds'] * 1000:.0f} ms, "
        f"Retry-After {response.headers.get('Retry-After')}: {body[:120]}")  # fmt: skip
    reports = Report.objects.filter(target__in=mine).count()
    events = ReportEvent.objects.filter(report__target__in=mine).count()
    marks = PendingRecompute.objects.filter(target__in=mine).count()
    say(f"left behind: {reports} reports, {events} history events, {marks} recompute marks")

    time.sleep(0.5)
    again, seconds = api_submit(WEB, period, mine, tokens["A"])
    submitted = Report.objects.filter(target__in=mine, status="submitted").count()
    say(f"the same submission again: HTTP {again.status_code} in {seconds * 1000:.0f} ms; "
        f"{submitted} reports submitted")  # fmt: skip

    ok = clean and reports == events == marks == 0 and again.status_code == 200 and submitted == 3
    say("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
