"""Scheduled jobs about accounts."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from localdigital.scheduling import run_time

from . import services


@shared_task
def prune_unverified_users(run_at: str | None = None) -> int:
    """Delete accounts made by a sign-in request and never used, 7 days on; return how many."""
    return services.unverified_users_prune(now=run_time(run_at), older_than=timedelta(days=7))
