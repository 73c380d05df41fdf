"""Background jobs of the zones app: posting to the work groups' robots."""

from __future__ import annotations

from celery import shared_task

from core.services import job_run_record
from zones.webhook_delivery import WebhookDeferred, WebhookFailed, webhook_deliver


@shared_task(name="zones.tasks.post_webhook", bind=True, ignore_result=True, max_retries=None)
def post_webhook(self, post_id: int) -> bool:
    """Post one owed message to a group robot (``zones.webhook_delivery``), recorded
    as a job run; a transient failure is retried after the post's backoff and
    the post's own count of attempts decides when it is given up."""
    try:
        with job_run_record(kind="post_webhook", subject=f"webhook post {post_id}") as run:
            sent = webhook_deliver(post_id=post_id)
            run.counts = {"sent": int(sent)}
    except WebhookDeferred as deferred:
        raise self.retry(countdown=deferred.after) from None
    except WebhookFailed:
        return False
    return sent
