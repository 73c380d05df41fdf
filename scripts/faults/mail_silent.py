"""A mail server that accepts connections and never answers: issuing a
notice still answers at once, and the worker's attempt gives up after
EMAIL_TIMEOUT with the mail still owed.

Run by mail_silent.sh, which starts gunicorn with production settings and
points EMAIL_HOST/EMAIL_PORT at this script's silent server. Steps:

1. the supervision team issues two notices through the API, with no worker
   running: the answers' times and statuses, and the connections the mail
   server saw meanwhile (none: the request only queues the mail);
2. a worker starts and takes the mails: an attempt ends after EMAIL_TIMEOUT,
   recorded on the mail and as a failed job run, and the mail stays owed
   with its next attempt scheduled.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time

from common import fault_zone, http, say, wait_for, worker
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from config.celery import app
from core import clock
from core.models import JobRun, OutgoingMail
from supervision.models import Notice
from zones.choices import Role
from zones.models import Membership

CODE = "faults-mail"
WEB = os.environ["FAULTS_WEB_URL"]
SMTP_PORT = int(os.environ["FAULTS_SMTP_PORT"])
TIMEOUT = int(os.environ["EMAIL_TIMEOUT"])
ADDRESS = "staff-a@example.cn"


class SilentServer(threading.Thread):
    """Accepts connections and holds them open without a word."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", port), backlog=16)
        self.connections = 0
        self.held: list[socket.socket] = []

    def run(self) -> None:
        while True:
            connection, _address = self.listener.accept()
            self.connections += 1
            self.held.append(connection)


def main() -> int:
    server = SilentServer(SMTP_PORT)
    server.start()
    Notice.objects.filter(zone__code=CODE).delete()  # a notice keeps its plan: first the last run's
    OutgoingMail.objects.filter(to=ADDRESS).delete()
    period, targets, _tokens = fault_zone(CODE, ("A",))
    staff = get_user_model().objects.get(username=f"{CODE}-a")
    staff.email = ADDRESS
    staff.save(update_fields=["email"])
    supervisor = get_user_model().objects.create_user(f"{CODE}-supervisor", password=None)
    Membership.objects.create(user=supervisor, zone=targets["A"][0].task.plan.zone, role=Role.SUPERVISOR)
    token = Token.objects.create(user=supervisor).key
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()  # this script's Redis database: no old messages
    say(f"zone {CODE}; web {WEB}; silent mail server on port {SMTP_PORT}; EMAIL_TIMEOUT={TIMEOUT}")

    answers = []
    for target in targets["A"][:2]:  # the first request of a fresh web worker also connects to Redis
        body = {
            "targets": [target.pk],
            "period": str(period),
            "reply_by": (clock.today() + dt.timedelta(days=7)).isoformat(),
            "requirement": "请分析滞后原因,提出整改措施,按期书面答复。",
        }
        started = time.perf_counter()
        response = http("POST", f"{WEB}/api/v1/notices/", token=token, body=body)
        seconds = time.perf_counter() - started
        answers.append((response.status_code, seconds))
        say(f"issue a notice (no worker running): HTTP {response.status_code} in {seconds * 1000:.0f} ms")
    during = server.connections
    say(f"  connections to the mail server meanwhile: {during}")
    mail = OutgoingMail.objects.filter(to=staff.email).order_by("pk").last()
    owed = OutgoingMail.objects.filter(to=staff.email, sent_at__isnull=True, failed_at__isnull=True).count()
    say(f"  mails owed to {staff.email}: {owed}")

    process = worker("faults-mail").start()
    try:
        run = wait_for(
            "the worker's attempt",
            lambda: JobRun.objects.filter(
                kind="deliver_mail", subject_kind=JobRun.SubjectKind.MAIL, subject_id=mail.pk, outcome="failed"
            ).first(),
            timeout=TIMEOUT * 4 + 60,
        )
    finally:
        process.stop()
    mail.refresh_from_db()
    attempt = (run.finished_at - run.started_at).total_seconds()
    wait = (mail.due_at - run.finished_at).total_seconds()
    say(f"worker: attempt 1 ended after {attempt:.1f} s: {run.error[:100]}")
    say(f"  mail: attempts {mail.attempts}, sent {mail.sent_at}, given up {mail.failed_at}, "
        f"next try in about {wait:.0f} s; connections in all: {server.connections}")  # fmt: skip

    ok = (
        all(code == 201 and seconds < 2 for code, seconds in answers)
        and during == 0
        and owed == 2
        and mail.sent_at is None
        and mail.failed_at is None
        and mail.attempts == 1
        and TIMEOUT <= attempt < TIMEOUT * 3
    )
    say("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
