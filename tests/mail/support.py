"""Helpers the outbox's tests share."""

from __future__ import annotations

from typing import Any

from localdigital.mail.services import outbox as outbox_services


def sends_queued(callbacks: list[Any]) -> int:
    """Return how many of the on-commit callbacks queue sends (others tell that emails
    finished)."""
    return sum(
        getattr(callback, "func", None) is outbox_services._emails_send_later
        for callback in callbacks
    )
