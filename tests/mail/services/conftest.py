"""Fixtures of the outbox's service tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def published(monkeypatch):
    """Record the send tasks published, by task and queue, instead of running them."""
    calls: list[tuple[str, int, str]] = []

    def send_email_apply_async(args, **options):
        calls.append(("send_email", args[0], "celery"))

    def send_newsletter_apply_async(args, queue, **options):
        calls.append(("send_newsletter_email", args[0], queue))

    def send_chunk_apply_async(args, queue, **options):
        # A chunk is the sends of its emails, each recorded as one.
        calls.extend(("send_newsletter_email", email_id, queue) for email_id in args[0])

    monkeypatch.setattr("localdigital.mail.tasks.send_email.apply_async", send_email_apply_async)
    monkeypatch.setattr(
        "localdigital.mail.tasks.send_newsletter_email.apply_async", send_newsletter_apply_async
    )
    monkeypatch.setattr(
        "localdigital.mail.tasks.send_newsletter_emails.apply_async", send_chunk_apply_async
    )
    return calls
