from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def prune_unverified_users(run_at: str | None = None) -> int:
    """Delete accounts created by a sign-in request that were never used, after 7 days."""
    now = datetime.fromisoformat(run_at) if run_at else timezone.now()
    return services.unverified_users_prune(now=now, older_than=timedelta(days=7))
