"""Celery tasks that send the outbox. Each is safe to run twice."""

from __future__ import annotations

from collections import Counter

from celery import Task, shared_task
from django.conf import settings

from localdigital.queueing import enqueue
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
def send_newsletter_emails(email_ids: list[int]) -> str:
    """Send a chunk of queued newsletter emails one after another; return what happened.

    It is queued on ``MAIL_NEWSLETTER_QUEUE``, as ``send_newsletter_email`` is. An email that
    fails for a temporary reason is tried again by a ``send_newsletter_email`` of its own when
    its backoff ends. Once the chunk has waited for the throttle, the rest of it goes back to
    the queue as a new chunk, so the worker is free for transactional email meanwhile. What
    the broker does not take stays queued in the outbox, for ``requeue_stuck_emails``.
    """
    queue = settings.MAIL_NEWSLETTER_QUEUE
    result = services.emails_send_chunk(
        email_ids=email_ids,
        hand_back=lambda rest: enqueue(send_newsletter_emails, rest, queue=queue),
    )
    for email_id, outcome in result.outcomes.items():
        if outcome.retry_at is not None:
            enqueue(send_newsletter_email, email_id, queue=queue, eta=outcome.retry_at)
    counts = Counter(outcome.outcome.value for outcome in result.outcomes.values())
    summary = ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items()))
    if result.handed_back:
        summary += f", handed back {len(result.handed_back)}"
    return summary or "nothing to do"


@shared_task
def requeue_stuck_emails(run_at: str | None = None) -> int:
    """Queue again the emails left in queued or sending for too long; return how many.

    ``run_at`` is an ISO 8601 time (default now; without an offset it is London time), so a
    re-run for the same time selects the same emails.
    """
    return len(services.emails_requeue_stuck(now=run_time(run_at)) or [])
