"""The scheduled jobs Celery beat runs: ``CELERY_BEAT_SCHEDULE``, which ``base`` takes."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

# Scheduled jobs. Each entry's task takes the run time itself; see each app's tasks.py.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "mail-requeue-stuck": {
        "task": "localdigital.mail.tasks.requeue_stuck_emails",
        "schedule": timedelta(minutes=5),
    },
    "accounts-prune-unused": {
        "task": "localdigital.accounts.tasks.prune_unverified_users",
        "schedule": crontab(hour=3, minute=30),
    },
    # Starts scheduled newsletter issues, resumes a fan-out whose worker died, finishes issues.
    "newsletter-tick": {
        "task": "newsletter.tasks.newsletter_tick",
        "schedule": timedelta(minutes=1),
    },
    "declaration-anniversary-reminders": {
        "task": "declaration.tasks.send_anniversary_reminders",
        "schedule": crontab(hour=9, minute=15),
    },
    # Deadline reminders fall due at an hour before a close, so look every quarter hour.
    "funding-deadline-reminders": {
        "task": "funding.tasks.send_deadline_reminders",
        "schedule": timedelta(minutes=15),
    },
    # Announces a round's approved decisions at its announcement time; within 5 minutes.
    "funding-announce-decisions": {
        "task": "funding.tasks.announce_decisions",
        "schedule": timedelta(minutes=5),
    },
    # Reminds assessors 2 days before an assessment is due; tells fund managers of overdue.
    "funding-assessment-reminders": {
        "task": "funding.tasks.send_assessment_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Progress reports: reminders 14 and 3 days before one is due, and the day after, from 9am.
    "funding-report-reminders": {
        "task": "funding.tasks.send_report_reminders",
        "schedule": timedelta(minutes=15),
    },
    # Offers of a place lapse 48 hours after they are made, and their places go on.
    "training-expire-offers": {
        "task": "training.tasks.expire_offers",
        "schedule": timedelta(minutes=5),
    },
    "training-release-reserved-places": {
        "task": "training.tasks.release_reserved_places",
        "schedule": timedelta(minutes=15),
    },
    # Reminders fall due at a session's time less 7 days or 1 day, so look every quarter hour.
    "training-cohort-reminders": {
        "task": "training.tasks.send_cohort_reminders",
        "schedule": timedelta(minutes=15),
    },
    "training-advance-cohort-statuses": {
        "task": "training.tasks.advance_cohort_statuses",
        "schedule": timedelta(minutes=15),
    },
    "training-delete-expired-needs": {
        "task": "training.tasks.delete_expired_needs",
        "schedule": crontab(hour=3, minute=45),
    },
}
