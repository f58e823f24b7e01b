"""Celery tasks of the training app. Each is safe to run twice, and each scheduled one
takes its run time, so a re-run for the same time gives the same result."""

from __future__ import annotations

from celery import shared_task

from localdigital.scheduling import run_time

from .services import cohorts, offers, reminders


@shared_task
def offer_cohort_places(cohort_id: int, run_at: str | None = None) -> int:
    """Offer a cohort's free places to the next people on its waiting list; return how
    many offers were made. Queued once a place frees; under the cohort's lock, so runs at
    once offer each place once."""
    return len(offers.cohort_places_offer(cohort_id=cohort_id, now=run_time(run_at)))


@shared_task
def expire_offers(run_at: str | None = None) -> int:
    """Let offers whose time is up lapse, offering their places on, and offer any place
    left free; return how many lapsed."""
    return offers.offers_expire_due(now=run_time(run_at))


@shared_task
def release_reserved_places(run_at: str | None = None) -> int:
    """Release the reserved places of cohorts whose release time has come, offering them
    to the waiting list; return how many cohorts were released."""
    return len(offers.reserved_places_release_due(now=run_time(run_at)))


@shared_task
def send_cohort_reminders(run_at: str | None = None) -> int:
    """Queue a task for each cohort's reminder, joining instructions or feedback survey
    due now (never late, never backfilled); return how many were queued."""
    return len(reminders.reminders_queue(now=run_time(run_at)) or [])


@shared_task
def send_cohort_reminder(cohort_id: int, kind: str, run_at: str) -> int:
    """Send one kind of reminder to the people on one cohort, as at ``run_at``; return
    how many were emailed (each person once per kind, at most)."""
    return len(reminders.cohort_reminder_send(cohort_id=cohort_id, kind=kind, now=run_time(run_at)))


@shared_task
def delete_expired_needs(run_at: str | None = None) -> int:
    """Delete accessibility and dietary needs 30 days after their cohort ended; return
    how many enrolments' needs were deleted."""
    return reminders.needs_delete_due(now=run_time(run_at))


@shared_task
def advance_cohort_statuses(run_at: str | None = None) -> int:
    """Close enrolment, start and complete cohorts as their dates pass; return how many
    cohorts moved."""
    return sum(cohorts.cohort_statuses_advance(now=run_time(run_at)).values())
