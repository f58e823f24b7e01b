"""Celery tasks of the declaration app. Each is safe to run twice."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from localdigital.scheduling import run_time

from .services import reminders


@shared_task
def send_anniversary_reminders(run_at: str | None = None) -> int:
    """Queue a reminder task for each signatory whose anniversary fell due within the window;
    return how many were queued.

    ``run_at`` is an ISO 8601 time (default now; without an offset it is London time), so a
    re-run for the same time finds the same anniversaries, less the reminders already sent.
    """
    return len(reminders.anniversary_reminders_queue(now=run_time(run_at)) or [])


@shared_task
def send_anniversary_reminder(signing_id: int, anniversary: str, run_at: str) -> bool:
    """Email one signatory's reminder for the anniversary on ``anniversary`` (ISO 8601 date),
    judged as at ``run_at``; return whether it was sent (it is sent once at most)."""
    reminder = reminders.anniversary_reminder_send(
        signing_id=signing_id,
        anniversary=date.fromisoformat(anniversary),
        now=run_time(run_at),
    )
    return reminder is not None
