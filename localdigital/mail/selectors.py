"""Reads from the outbox and the suppression list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, Trim

from .models import SUPPRESSED_ERROR, EmailStatus, OutgoingEmail, Stream, Suppression


def suppressions_for_address(*, email: str) -> QuerySet[Suppression]:
    """Return the suppression of ``email``, whatever its case, as a queryset of at most one.

    Compares in lower case, so the lookup uses the unique index on ``Lower(email)``.
    """
    return Suppression.objects.alias(email_lower=Lower("email")).filter(
        email_lower=email.strip().lower()
    )


def recipient_is_suppressed_expression() -> Exists:
    """Return, for a query of outbox emails, whether each one's recipient is suppressed."""
    return Exists(
        Suppression.objects.alias(email_lower=Lower("email")).filter(
            email_lower=Lower(Trim(OuterRef("recipient")))
        )
    )


def recipient_is_suppressed(*, email: str) -> bool:
    """Return whether nothing may be sent to ``email``."""
    return suppressions_for_address(email=email).exists()


def suppressed_addresses(*, emails: Iterable[str]) -> set[str]:
    """Return those of ``emails`` that are on the suppression list, in lower case."""
    lowered = {email.strip().lower() for email in emails}
    if not lowered:
        return set()
    return set(
        Suppression.objects.alias(email_lower=Lower("email"))
        .filter(email_lower__in=lowered)
        .values_list(Lower("email"), flat=True)
    )


def emails_status_counts(*, email_ids: Iterable[int] | QuerySet) -> dict[str, int]:
    """Return how many of the emails ``email_ids`` are in each status, in one query.

    The keys are every ``EmailStatus`` value and ``"suppressed"``: a failed email that was
    not sent because its recipient was on the suppression list counts there, not as failed.
    """
    suppressed = Q(status=EmailStatus.FAILED, last_error=SUPPRESSED_ERROR)
    counts = {
        status.value: Count("pk", filter=Q(status=status) & ~suppressed) for status in EmailStatus
    }
    return OutgoingEmail.objects.filter(pk__in=email_ids).aggregate(
        **counts, suppressed=Count("pk", filter=suppressed)
    )


def emails_are_finished(*, email_ids: Iterable[int] | QuerySet) -> bool:
    """Return whether none of the emails ``email_ids`` is queued, being sent or held."""
    return not OutgoingEmail.objects.filter(
        pk__in=email_ids,
        status__in=[EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.HELD],
    ).exists()


def newsletter_has_progressed(*, since: datetime, until: datetime) -> bool:
    """Return whether a newsletter email was claimed for sending between the two times.

    Every send begins with a claim, paced by the throttle, so a stream with a backlog claims
    steadily until it is done; one with no claim for ``MAIL_STUCK_AFTER`` has stalled. A
    partial index on the claim time of newsletter rows keeps this one index probe.
    """
    return OutgoingEmail.objects.filter(
        stream=Stream.NEWSLETTER, sending_started_at__gte=since, sending_started_at__lte=until
    ).exists()
