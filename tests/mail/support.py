"""Helpers the outbox's tests share: reading what was queued on commit, and drafts of emails."""

from __future__ import annotations

from typing import Any

from localdigital.mail.models import Stream
from localdigital.mail.services import EmailDraft
from localdigital.mail.services import outbox as outbox_services


def sends_queued(callbacks: list[Any]) -> int:
    """Return how many of the on-commit callbacks queue sends (others tell that emails
    finished)."""
    return sum(
        getattr(callback, "func", None) is outbox_services._emails_send_later
        for callback in callbacks
    )


def drafts(count: int, prefix: str = "tests.batch") -> list[EmailDraft]:
    return [
        EmailDraft(
            to=f"reader{n}@borsetshire.gov.uk",
            subject="Local Digital news",
            body="News.",
            html="<p>News.</p>",
            headers={"List-Unsubscribe": f"<https://example.org/u/{n}>"},
            stream=Stream.NEWSLETTER,
            idempotency_key=f"{prefix}.{n}",
        )
        for n in range(count)
    ]
