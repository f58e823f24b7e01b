from __future__ import annotations

from celery import shared_task


@shared_task
def send_email(email_id: int) -> None:
    """Send one queued email."""
    raise NotImplementedError


@shared_task
def requeue_stuck_emails(run_at: str | None = None) -> int:
    """Queue again the emails left in queued or sending for too long."""
    raise NotImplementedError
