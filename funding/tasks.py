"""Celery tasks of the funding app. Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from funding.services import assessment_reminders as reminder_services
from localdigital.scheduling import run_time

from .services import decisions, reminders, report_reminders


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


@shared_task
def send_assessment_reminders(run_at: str | None = None) -> int:
    """Queue a task for each open assessment due a reminder or an overdue notice; return
    how many were queued."""
    return len(reminder_services.assessment_reminders_queue(now=run_time(run_at)) or [])


@shared_task
def send_assessment_reminder(assessment_id: int, run_at: str) -> str:
    """Remind one assessor, or tell the fund managers it is overdue; each once."""
    return reminder_services.assessment_reminder_send(
        assessment_id=assessment_id, now=run_time(run_at)
    )


@shared_task
def announce_decisions(run_at: str | None = None) -> int:
    """Queue an announcement for each round whose announcement time has come (within the
    window, never backfilling); return how many were queued.

    ``run_at`` is an ISO 8601 time (default now), so tests and the end-to-end run call it
    with an explicit time instead of moving the clock.
    """
    return len(decisions.decisions_announce_due(now=run_time(run_at)) or [])


@shared_task
def announce_round_decisions(round_id: int, run_at: str) -> str:
    """Announce one round's decisions as at ``run_at``: exactly once."""
    return decisions.round_decisions_announce(round_id=round_id, now=run_time(run_at))


@shared_task
def send_report_reminders(run_at: str | None = None) -> int:
    """Queue a task for each progress report not yet submitted that is due a reminder
    (14 or 3 days before it is due, or the day after); return how many were queued."""
    return len(report_reminders.report_reminders_queue(now=run_time(run_at)) or [])


@shared_task
def send_report_reminder(report_id: int, kind: str, run_at: str) -> int:
    """Send one reminder about one report, judged as at ``run_at``; return how many people
    were emailed (none when it was sent already)."""
    return report_reminders.report_reminder_send(
        report_id=report_id, kind=kind, now=run_time(run_at)
    )
