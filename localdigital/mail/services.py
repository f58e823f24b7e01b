"""Writes to the outbox. Every email is queued here, inside the caller's transaction."""

from __future__ import annotations

from django.db import transaction

from .models import OutgoingEmail, Stream


def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    idempotency_key: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    stream: str = Stream.TRANSACTIONAL,
) -> OutgoingEmail:
    """Queue an email and send it once the caller's transaction commits.

    Queuing the same ``idempotency_key`` again returns the first row and sends nothing more,
    so a caller that runs twice emails once.
    """
    email, created = OutgoingEmail.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "recipient": to,
            "subject": subject,
            "body_text": body,
            "body_html": html,
            "headers": headers or {},
            "stream": stream,
        },
    )
    if created:
        from .tasks import send_email

        transaction.on_commit(lambda: send_email.delay(email.pk))
    return email
