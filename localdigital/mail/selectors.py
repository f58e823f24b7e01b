"""Reads from the outbox and the suppression list."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Lower

from .models import Suppression


def suppressions_for_address(*, email: str) -> QuerySet[Suppression]:
    """Return the suppression of ``email``, whatever its case, as a queryset of at most one.

    Compares in lower case, so the lookup uses the unique index on ``Lower(email)``.
    """
    return Suppression.objects.alias(email_lower=Lower("email")).filter(
        email_lower=email.strip().lower()
    )


def recipient_is_suppressed(*, email: str) -> bool:
    """Return whether nothing may be sent to ``email``."""
    return suppressions_for_address(email=email).exists()
