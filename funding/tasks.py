"""Celery tasks of the funding app. Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from localdigital.scheduling import run_time

from .services import reminders


@shared_task
def send_deadline_reminders(run_at: str | None = None) -> int:
    """Queue a reminder task for each unsubmitted bid whose reminder is due; return how many
    were queued.

    ``run_at`` is an ISO 8601 time (default now; without an offset it is London time), so a
    re-run for the same time finds the same reminders, less those already sent.
    """
    return len(reminders.deadline_reminders_queue(now=run_time(run_at)) or [])


@shared_task
def send_deadline_reminder(kind: str, bid_id: int, offset_days: int, run_at: str) -> int:
    """Remind the people writing one bid of its deadline, judged as at ``run_at``; return how
    many were emailed (each person once per bid and offset, at most)."""
    return len(
        reminders.deadline_reminder_send(
            kind=kind, bid_id=bid_id, offset_days=offset_days, now=run_time(run_at)
        )
    )
