"""Celery tasks for the newsletter: the fan-out of an issue, and its beat job.

Celery finds them as it finds every app's ``tasks.py``. Each is safe to run twice.
"""

from __future__ import annotations

from celery import shared_task

from localdigital.scheduling import run_time

from . import services


@shared_task
def fan_out_newsletter_issue(issue_id: int, after: int) -> str:
    """Make the next batch of an issue's deliveries after subscriber ``after``; return what.

    It runs on the newsletter queue, and queues the next batch itself once this one commits.
    A repeat of a batch already made does nothing.
    """
    batch = services.newsletter_issue_fan_out(issue_id=issue_id, after=after)
    if batch is None:
        return "nothing to do"
    if batch.is_last:
        return "complete"
    return f"queued {batch.queued}, skipped {batch.skipped}"


@shared_task
def newsletter_tick(run_at: str | None = None) -> str:
    """Start scheduled issues, resume stalled fan-outs and finish sent issues; return what.

    ``run_at`` is an ISO 8601 time (default now; without an offset it is London time), so a
    re-run for the same time does the same.
    """
    result = services.newsletter_tick(now=run_time(run_at))
    if result is None:
        return "another run holds the lock"
    return (
        f"started {len(result.started)}, fan-outs resumed {len(result.fan_outs_resumed)}, "
        f"sent {len(result.sent)}"
    )
