"""Celery tasks that send the outbox. Each is safe to run twice."""

from __future__ import annotations

from celery import Task, shared_task

from localdigital.scheduling import run_time

from . import services


@shared_task(bind=True, max_retries=None)
def send_email(self: Task, email_id: int) -> str:
    """Send one queued email, and try a temporary failure again when its backoff ends.

    Return what happened (a ``SendOutcome`` value). The attempts are counted on the row, not
    by Celery, so the task itself retries without limit.
    """
    result = services.email_send(email_id=email_id)
    if result.retry_at is not None:
        raise self.retry(eta=result.retry_at)
    return result.outcome.value


@shared_task(bind=True, max_retries=None)
def send_newsletter_email(self: Task, email_id: int) -> str:
    """Send one queued newsletter email once the newsletter throttle allows it.

    It is queued on ``MAIL_NEWSLETTER_QUEUE``, apart from transactional email, so that a long
    newsletter never queues ahead of it; a retry goes back to that queue. Return what
    happened, as ``send_email`` does.
    """
    result = services.email_send(email_id=email_id)
    if result.retry_at is not None:
        raise self.retry(eta=result.retry_at)
    return result.outcome.value


@shared_task
def requeue_stuck_emails(run_at: str | None = None) -> int:
    """Queue again the emails left in queued or sending for too long; return how many.

    ``run_at`` is an ISO 8601 time (default now; without an offset it is London time), so a
    re-run for the same time selects the same emails.
    """
    return len(services.emails_requeue_stuck(now=run_time(run_at)) or [])
