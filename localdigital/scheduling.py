"""Run times for scheduled jobs.

Every periodic task takes the time it runs for as an ISO 8601 string, so that a re-run for the
same time gives the same result and tests can run a job for any moment without moving the
clock.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def run_time(run_at: str | None) -> datetime:
    """Return ``run_at`` as an aware datetime (London time when it has no offset), or now."""
    if not run_at:
        return timezone.now()
    moment = datetime.fromisoformat(run_at)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
