"""The scheduled jobs Celery beat runs: ``CELERY_BEAT_SCHEDULE``, which ``base`` takes."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

# Scheduled jobs: (name, task, schedule). Each task takes the run time itself; see each app's
# tasks.py.
JOBS: tuple[tuple[str, str, timedelta | crontab], ...] = (
    ("mail-requeue-stuck", "localdigital.mail.tasks.requeue_stuck_emails", timedelta(minutes=5)),
    (
        "accounts-prune-unused",
        "localdigital.accounts.tasks.prune_unverified_users",
        crontab(hour=3, minute=30),
    ),
    # Starts scheduled newsletter issues, resumes a fan-out whose worker died, finishes issues.
    ("newsletter-tick", "newsletter.tasks.newsletter_tick", timedelta(minutes=1)),
    (
        "declaration-anniversary-reminders",
        "declaration.tasks.send_anniversary_reminders",
        crontab(hour=9, minute=15),
    ),
    # Deadline reminders fall due at an hour before a close, so look every quarter hour.
    ("funding-deadline-reminders", "funding.tasks.send_deadline_reminders", timedelta(minutes=15)),
    # Announces a round's approved decisions at its announcement time; within 5 minutes.
    ("funding-announce-decisions", "funding.tasks.announce_decisions", timedelta(minutes=5)),
    # Reminds assessors 2 days before an assessment is due; tells fund managers of overdue.
    (
        "funding-assessment-reminders",
        "funding.tasks.send_assessment_reminders",
        crontab(hour=8, minute=30),
    ),
    # Progress reports: reminders 14 and 3 days before one is due, and the day after, from 9am.
    ("funding-report-reminders", "funding.tasks.send_report_reminders", timedelta(minutes=15)),
    # Offers of a place lapse 48 hours after they are made, and their places go on.
    ("training-expire-offers", "training.tasks.expire_offers", timedelta(minutes=5)),
    (
        "training-release-reserved-places",
        "training.tasks.release_reserved_places",
        timedelta(minutes=15),
    ),
    # Reminders fall due at a session's time less 7 days or 1 day, so look every quarter hour.
    ("training-cohort-reminders", "training.tasks.send_cohort_reminders", timedelta(minutes=15)),
    (
        "training-advance-cohort-statuses",
        "training.tasks.advance_cohort_statuses",
        timedelta(minutes=15),
    ),
    (
        "training-delete-expired-needs",
        "training.tasks.delete_expired_needs",
        crontab(hour=3, minute=45),
    ),
)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    name: {"task": task, "schedule": schedule} for name, task, schedule in JOBS
}
