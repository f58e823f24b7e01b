"""Staff writes to cohorts: publishing, cancelling, changing a session, and the job that
moves cohorts on as their dates pass."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from .. import formats
from ..errors import TrainingError, TransitionNotAllowed
from ..links import account_url, course_url
from ..models import (
    CANCELLABLE_STATUSES,
    Cohort,
    CohortSession,
    CohortStatus,
    Enrolment,
    EnrolmentReminder,
    EnrolmentStatus,
    Offer,
    OfferStatus,
    ReminderKind,
    SessionChange,
    SessionChangeNotice,
)
from ..selectors.cohorts import cohorts_with_dates
from .common import (
    cohort_dates,
    cohort_lock,
    email_send_later,
    person_name,
    require_training_administrator,
)
from .emails import session_lines

logger = logging.getLogger(__name__)


def cohort_publish(*, cohort: Cohort, published_by: User, now: datetime | None = None) -> Cohort:
    """Publish a draft cohort: draft → open. It needs a session, and its enrolment must
    close before its first session starts."""
    now = now or timezone.now()
    require_training_administrator(published_by, "publish cohorts")
    with transaction.atomic():
        cohort = cohort_lock(cohort.pk)
        if cohort.status != CohortStatus.DRAFT:
            raise TransitionNotAllowed(
                f"This cohort is {cohort.get_status_display().lower()}, not a draft."
            )
        dates = cohort_dates(cohort.pk)
        if dates.first_starts_at is None:
            raise TrainingError("Add the cohort's sessions before publishing it.")
        if dates.first_starts_at <= now:
            raise TrainingError("The cohort's first session has passed.")
        if cohort.enrolment_closes_at > dates.first_starts_at:
            raise TrainingError("Enrolment must close before the first session starts.")
        cohort.status = CohortStatus.OPEN
        cohort.published_at = now
        cohort.save(update_fields=["status", "published_at"])
        audit_record(actor=published_by, verb="training.cohort.published", target=cohort)
    return cohort


def cohort_cancel(
    *, cohort: Cohort, reason: str, cancelled_by: User, now: datetime | None = None
) -> Cohort:
    """Cancel a cohort that has not completed: → cancelled. Everyone holding a place,
    offered one or waiting is taken off it and emailed once, with the reason."""
    now = now or timezone.now()
    require_training_administrator(cancelled_by, "cancel cohorts")
    reason = reason.strip()
    if not reason:
        raise TrainingError("Say why the cohort is cancelled: the people on it are told.")
    with transaction.atomic():
        cohort = cohort_lock(cohort.pk)
        if cohort.status in (CohortStatus.CANCELLED, CohortStatus.COMPLETED):
            raise TransitionNotAllowed(
                f"This cohort is {cohort.get_status_display().lower()} already."
            )
        cohort.status = CohortStatus.CANCELLED
        cohort.cancelled_at = now
        cohort.cancelled_by = cancelled_by
        cohort.cancellation_reason = reason
        cohort.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason"])
        affected = list(
            Enrolment.objects.filter(cohort=cohort, status__in=CANCELLABLE_STATUSES)
            .select_related("user")
            .order_by("pk")
        )
        Offer.objects.filter(enrolment__in=affected, status=OfferStatus.PENDING).update(
            status=OfferStatus.WITHDRAWN, answered_at=now
        )
        Enrolment.objects.filter(pk__in=[e.pk for e in affected]).update(
            status=EnrolmentStatus.COHORT_CANCELLED,
            waiting_position=None,
            is_reserved_place=False,
            left_at=now,
        )
        already = set(
            EnrolmentReminder.objects.filter(
                enrolment__in=affected, kind=ReminderKind.COHORT_CANCELLED
            ).values_list("enrolment_id", flat=True)
        )
        to_tell = [e for e in affected if e.pk not in already]
        EnrolmentReminder.objects.bulk_create(
            EnrolmentReminder(enrolment=e, kind=ReminderKind.COHORT_CANCELLED, sent_at=now)
            for e in to_tell
        )
        sessions = session_lines(cohort.pk)
        for enrolment in to_tell:
            email_send_later(
                to=enrolment.user.email,
                subject=f"{cohort.course.title} is cancelled",
                template="cohort_cancelled",
                context={
                    "name": person_name(enrolment.user),
                    "course": cohort.course,
                    "cohort": cohort,
                    "sessions": sessions,
                    "reason": reason,
                    "was": EnrolmentStatus(enrolment.status),
                    "course_url": course_url(cohort.course.slug),
                },
                idempotency_key=f"training.enrolment.{enrolment.pk}.cohort-cancelled",
            )
        audit_record(
            actor=cancelled_by,
            verb="training.cohort.cancelled",
            target=cohort,
            data={"reason": reason, "people_told": len(to_tell)},
        )
    return cohort


def _session_values(session: CohortSession) -> dict:
    return {
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "is_online": session.is_online,
        "location": session.location,
    }


def cohort_session_change(
    *,
    session: CohortSession,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    is_online: bool,
    changed_by: User,
    now: datetime | None = None,
) -> SessionChange | None:
    """Change a session's date, time or place; return the change, or None if nothing
    changed.

    Everyone holding a place or offered one is emailed once with what it was and what it
    is now. A session that has ended, or one of a cancelled or completed cohort, cannot
    change.
    """
    now = now or timezone.now()
    require_training_administrator(changed_by, "change sessions")
    location = location.strip()
    if starts_at >= ends_at:
        raise TrainingError("The session must end after it starts.")
    if not is_online and not location:
        raise TrainingError("Give the venue, or say the session is online.")
    with transaction.atomic():
        cohort = cohort_lock(session.cohort_id)
        session = CohortSession.objects.select_for_update().get(pk=session.pk)
        if cohort.status in (CohortStatus.CANCELLED, CohortStatus.COMPLETED):
            raise TransitionNotAllowed(
                f"This cohort is {cohort.get_status_display().lower()}, so its sessions are fixed."
            )
        if session.ends_at <= now:
            raise TransitionNotAllowed("This session has taken place, so it cannot change.")
        before = _session_values(session)
        old_place, old_when = (
            session.place,
            formats.session_when(session.starts_at, session.ends_at),
        )
        session.starts_at, session.ends_at = starts_at, ends_at
        session.location, session.is_online = location, is_online
        after = _session_values(session)
        if before == after:
            return None
        session.save(update_fields=["starts_at", "ends_at", "location", "is_online"])
        change = SessionChange.objects.create(
            session=session, before=before, after=after, changed_at=now, changed_by=changed_by
        )
        told = list(
            Enrolment.objects.filter(
                cohort=cohort, status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED)
            )
            .select_related("user")
            .order_by("pk")
        )
        SessionChangeNotice.objects.bulk_create(
            SessionChangeNotice(change=change, enrolment=enrolment, sent_at=now)
            for enrolment in told
        )
        context = {
            "course": cohort.course,
            "cohort": cohort,
            "was": f"{old_when}: {old_place}",
            "now": f"{formats.session_when(starts_at, ends_at)}: {session.place}",
            "sessions": session_lines(cohort.pk),
            "account_url": account_url(),
        }
        for enrolment in told:
            email_send_later(
                to=enrolment.user.email,
                subject=f"A session of {cohort.course.title} has changed",
                template="session_changed",
                context={**context, "name": person_name(enrolment.user)},
                idempotency_key=f"training.session-change.{change.pk}.{enrolment.pk}",
            )
        audit_record(
            actor=changed_by,
            verb="training.session.changed",
            target=session,
            data={"before": before, "after": after, "people_told": len(told)},
        )
    return change


def cohort_statuses_advance(*, now: datetime) -> dict[str, int]:
    """Move cohorts on as their dates pass at ``now``: open → closed once enrolment has
    closed, open or closed → running once the first session has started, running →
    completed once the last has ended. Return how many made each move."""
    moves = {
        "closed": (
            [CohortStatus.OPEN],
            {"enrolment_closes_at__lte": now},
            CohortStatus.CLOSED,
        ),
        "running": (
            [CohortStatus.OPEN, CohortStatus.CLOSED],
            {"first_starts_at__lte": now},
            CohortStatus.RUNNING,
        ),
        "completed": (
            [CohortStatus.RUNNING],
            {"last_ends_at__lte": now},
            CohortStatus.COMPLETED,
        ),
    }
    moved = {}
    for name, (from_statuses, when, to_status) in moves.items():
        ids = list(
            cohorts_with_dates()
            .filter(status__in=from_statuses, **when)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        count = 0
        for cohort_id in ids:
            with transaction.atomic():
                cohort = cohort_lock(cohort_id)
                if cohort.status not in from_statuses:
                    continue
                previous = cohort.status
                cohort.status = to_status
                cohort.save(update_fields=["status"])
                audit_record(
                    actor=None,
                    verb=f"training.cohort.{name}",
                    target=cohort,
                    data={"from": previous},
                )
                count += 1
        moved[name] = count
    return moved
