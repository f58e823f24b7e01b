"""Scheduled emails to the people on a cohort, and the deletion of their needs.

- reminders 7 days and 1 day before the first session, to everyone holding a place;
- the joining instructions 7 days before (someone enrolling later has them in the email
  confirming their place);
- the feedback survey link after the last session, when the cohort has a survey.

Each falls due at its moment, and is sent from then until ``TRAINING_REMINDER_LATEST``
after it (6 hours unless set) and never once the first session has started; the feedback
survey until ``TRAINING_FEEDBACK_LATEST`` after the last session ends (7 days). A moment
missed, by the job being down or the person enrolling late, is never made up for later,
so nothing is sent late and nothing is backfilled. An ``EnrolmentReminder`` row, unique
per enrolment and kind, is written in the same transaction as each email, so a repeat, or
a second beat, sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from localdigital.audit.services import audit_record
from localdigital.locks import advisory_lock, lock_register
from localdigital.queueing import enqueue_each_on_commit

from ..links import account_url, calendar_url
from ..models import (
    COHORT_LIVE_STATUSES,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentReminder,
    EnrolmentStatus,
    ReminderKind,
)
from ..selectors.cohorts import cohorts_with_dates
from .common import cohort_dates, cohort_lock, email_send_later, person_name
from .emails import session_lines

logger = logging.getLogger(__name__)

# The Postgres advisory lock that keeps two runs from overlapping.
REMINDER_LOCK = lock_register("training.cohort_reminders")

BEFORE_FIRST_SESSION = {
    ReminderKind.SEVEN_DAYS: timedelta(days=7),
    ReminderKind.ONE_DAY: timedelta(days=1),
    ReminderKind.JOINING_INSTRUCTIONS: timedelta(days=7),
}
SCHEDULED_KINDS = (*BEFORE_FIRST_SESSION, ReminderKind.FEEDBACK)


@dataclass(frozen=True)
class DueReminder:
    """A reminder to send: of this kind, to the people on this cohort."""

    cohort_id: int
    kind: str


def is_due(
    *,
    kind: str,
    first_starts_at: datetime | None,
    last_ends_at: datetime | None,
    now: datetime,
) -> bool:
    """Return whether the reminder ``kind`` of a cohort with these dates is due at ``now``:
    its moment has come, not too long ago, and (before the course) the course has not."""
    if kind == ReminderKind.FEEDBACK:
        if last_ends_at is None:
            return False
        return last_ends_at <= now < last_ends_at + settings.TRAINING_FEEDBACK_LATEST
    if first_starts_at is None:
        return False
    moment = first_starts_at - BEFORE_FIRST_SESSION[ReminderKind(kind)]
    return moment <= now < min(moment + settings.TRAINING_REMINDER_LATEST, first_starts_at)


def _applies(kind: str, cohort: Cohort) -> bool:
    if kind == ReminderKind.JOINING_INSTRUCTIONS:
        return bool(cohort.joining_instructions.strip())
    if kind == ReminderKind.FEEDBACK:
        return bool(cohort.feedback_survey_url)
    return True


def _recipients(kind: str):
    if kind == ReminderKind.FEEDBACK:
        # Everyone who took their place, but those recorded as attending nothing.
        return (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.INCOMPLETE)
    return (EnrolmentStatus.ENROLLED,)


def reminders_due(*, now: datetime) -> list[DueReminder]:
    """Return the cohorts' reminders due at ``now``: only cohorts whose first session is
    within the coming week, or whose last ended within the feedback window, are read."""
    soonest_latest = max(BEFORE_FIRST_SESSION.values())
    cohorts = (
        cohorts_with_dates()
        .filter(status__in=COHORT_LIVE_STATUSES)
        .filter(
            Q(first_starts_at__gt=now, first_starts_at__lte=now + soonest_latest)
            | Q(
                last_ends_at__lte=now,
                last_ends_at__gt=now - settings.TRAINING_FEEDBACK_LATEST,
            )
        )
        .order_by("pk")
    )
    due = []
    for cohort in cohorts:
        for kind in SCHEDULED_KINDS:
            if _applies(kind, cohort) and is_due(
                kind=kind,
                first_starts_at=getattr(cohort, "first_starts_at", None),
                last_ends_at=getattr(cohort, "last_ends_at", None),
                now=now,
            ):
                due.append(DueReminder(cohort.pk, kind))
    return due


def reminders_queue(*, now: datetime) -> list[DueReminder] | None:
    """Find the reminders due at ``now`` and queue one ``send_cohort_reminder`` task for
    each once this commits; return them.

    A Postgres advisory lock keeps two runs from overlapping: while another holds it, this
    does nothing and returns None. Each task checks again, and sends only to people not yet
    sent that kind.
    """
    with advisory_lock(REMINDER_LOCK) as locked:
        if not locked:
            logger.info("Another run of the training reminders holds the lock; skipping.")
            return None
        due = reminders_due(now=now)
        if due:
            logger.info("Queuing %d training reminders.", len(due))
            from ..tasks import send_cohort_reminder

            run_at = now.isoformat()
            enqueue_each_on_commit(
                send_cohort_reminder, ((r.cohort_id, r.kind, run_at) for r in due)
            )
    return due


SUBJECTS = {
    ReminderKind.SEVEN_DAYS: "{course} starts in 7 days",
    ReminderKind.ONE_DAY: "{course} starts tomorrow",
    ReminderKind.JOINING_INSTRUCTIONS: "Joining instructions for {course}",
    ReminderKind.FEEDBACK: "Tell us what you thought of {course}",
}
TEMPLATES = {
    ReminderKind.SEVEN_DAYS: "reminder",
    ReminderKind.ONE_DAY: "reminder",
    ReminderKind.JOINING_INSTRUCTIONS: "joining_instructions",
    ReminderKind.FEEDBACK: "feedback",
}


def cohort_reminder_send(*, cohort_id: int, kind: str, now: datetime) -> list[EnrolmentReminder]:
    """Send one kind of reminder to everyone on the cohort who should have it and has not;
    return the records written, one per person.

    Nothing is sent unless the reminder is due at ``now``. The cohort is locked while this
    is checked, and each record is written in the same transaction as its email, so runs
    at once send once.
    """
    kind = ReminderKind(kind)
    if kind not in SCHEDULED_KINDS:
        raise ValueError(f"{kind} is not a scheduled reminder.")
    with transaction.atomic():
        cohort = cohort_lock(cohort_id)
        if cohort.status not in COHORT_LIVE_STATUSES or not _applies(kind, cohort):
            return []
        dates = cohort_dates(cohort.pk)
        if not is_due(
            kind=kind,
            first_starts_at=dates.first_starts_at,
            last_ends_at=dates.last_ends_at,
            now=now,
        ):
            return []
        sent = EnrolmentReminder.objects.filter(enrolment__cohort=cohort, kind=kind)
        recipients = list(
            Enrolment.objects.filter(cohort=cohort, status__in=_recipients(kind))
            .exclude(pk__in=sent.values("enrolment_id"))
            .select_related("user")
            .order_by("pk")
        )
        if not recipients:
            return []
        records = EnrolmentReminder.objects.bulk_create(
            EnrolmentReminder(enrolment=enrolment, kind=kind, sent_at=now)
            for enrolment in recipients
        )
        context = {
            "kind": kind,
            "course": cohort.course,
            "cohort": cohort,
            "sessions": session_lines(cohort.pk),
            "account_url": account_url(),
        }
        subject = SUBJECTS[kind].format(course=cohort.course.title)
        for enrolment in recipients:
            email_send_later(
                to=enrolment.user.email,
                subject=subject,
                template=TEMPLATES[kind],
                context={
                    **context,
                    "name": person_name(enrolment.user),
                    "calendar_url": calendar_url(enrolment.pk),
                },
                idempotency_key=f"training.reminder.{kind}.{enrolment.pk}",
            )
        audit_record(
            actor=None,
            verb=f"training.cohort.{kind.replace('-', '_')}_sent",
            target=cohort,
            data={"recipients": len(recipients)},
        )
    return records


def needs_delete_due(*, now: datetime) -> int:
    """Delete the accessibility and dietary needs of everyone on a cohort that ended (its
    last session) or was cancelled more than ``TRAINING_NEEDS_RETENTION`` (30 days) before
    ``now``; return how many enrolments' needs were deleted. Whatever its age, a cohort's
    data is deleted: this job catches up."""
    cutoff = now - settings.TRAINING_NEEDS_RETENTION
    cohorts = (
        cohorts_with_dates()
        .filter(
            Q(status=CohortStatus.CANCELLED, cancelled_at__lte=cutoff) | Q(last_ends_at__lte=cutoff)
        )
        .filter(enrolments__needs__gt="")
        .distinct()
        .order_by("pk")
    )
    deleted = 0
    for cohort in cohorts:
        with transaction.atomic():
            count = (
                Enrolment.objects.filter(cohort=cohort)
                .exclude(needs="")
                .update(needs="", needs_deleted_at=now)
            )
            if count:
                audit_record(
                    actor=None,
                    verb="training.cohort.needs_deleted",
                    target=cohort,
                    data={"enrolments": count},
                )
            deleted += count
    return deleted
