"""Background jobs of the core app."""

from __future__ import annotations

import logging

from celery import shared_task

from core.mail_delivery import MailDeferred, MailFailed, mail_deliver, mails_due
from core.models import JobRun
from core.services import job_run_record

log = logging.getLogger(__name__)


@shared_task(name="core.tasks.heartbeat", ignore_result=False)
def heartbeat() -> int:
    """Record that the worker and beat are alive; returns the run's id."""
    with job_run_record(kind="heartbeat") as run:
        run.counts = {"ok": 1}
    return run.pk


@shared_task(name="core.tasks.deliver_mail", bind=True, ignore_result=True, max_retries=None)
def deliver_mail(self, mail_id: int) -> bool:
    """Send one owed mail (core.mail), recording the attempt as a job run. A
    transient failure is retried after the mail's backoff; the mail's own
    count of attempts decides when it is given up (hence no max_retries)."""
    try:
        with job_run_record(
            kind="deliver_mail", subject=f"mail {mail_id}", subject_kind=JobRun.SubjectKind.MAIL, subject_id=mail_id
        ) as run:
            sent = mail_deliver(mail_id=mail_id)
            run.counts = {"sent": int(sent)}
    except MailDeferred as deferred:
        raise self.retry(countdown=deferred.after) from None
    except MailFailed:
        return False  # recorded on the mail and on the run
    return sent


@shared_task(name="core.tasks.mail_catch_up", ignore_result=True)
def mail_catch_up() -> dict[str, int]:
    """Every minute: queue again the mails still owed whose on-commit task
    never ran (a broker that was down, a message lost with its worker) or
    whose retry was lost. Records a run only when there was something to do."""
    ids = mails_due()
    if not ids:
        return {}
    with job_run_record(kind="mail_catch_up") as run:
        for pk in ids:
            deliver_mail.delay(pk)
        run.counts = {"queued": len(ids)}
    return run.counts
