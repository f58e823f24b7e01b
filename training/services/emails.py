"""The emails that tell people where they stand on a cohort, queued in the caller's
transaction. Each has an idempotency key of its own, so a repeat queues nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from .. import formats
from ..links import account_url, calendar_url, course_url, offer_url
from ..models import (
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentReminder,
    Offer,
    ReminderKind,
)
from .common import CohortDates, email_send_later, person_name

# Joining instructions go out this long before the first session; someone who takes a
# place later than that has them in the email that confirms it.
JOINING_INSTRUCTIONS_BEFORE = timedelta(days=7)


def session_lines(cohort_id: int) -> list[str]:
    """Return each session of the cohort as a line of an email: when, and where."""
    return [
        f"{formats.session_when(session.starts_at, session.ends_at)}: {session.place}"
        for session in CohortSession.objects.filter(cohort_id=cohort_id).order_by("starts_at")
    ]


def _context(enrolment: Enrolment, cohort: Cohort, **extra: object) -> dict:
    return {
        "name": person_name(enrolment.user),
        "course": cohort.course,
        "cohort": cohort,
        "organisation": enrolment.organisation,
        "sessions": session_lines(cohort.pk),
        "account_url": account_url(),
        "calendar_url": calendar_url(enrolment.pk),
        "course_url": course_url(cohort.course.slug),
        "enrolment": enrolment,
        "offer_hold_hours": int(settings.TRAINING_OFFER_HOLD.total_seconds() // 3600),
        **extra,
    }


def place_confirmed(
    *,
    enrolment: Enrolment,
    cohort: Cohort,
    dates: CohortDates,
    now: datetime,
    moved_from: Cohort | None = None,
) -> None:
    """Tell the person they have a place, and their line manager of it.

    Within 7 days of the first session, the email carries the joining instructions, and
    records them as sent, since their scheduled moment has passed.
    """
    with_instructions = bool(
        cohort.joining_instructions
        and dates.first_starts_at is not None
        and dates.first_starts_at - now <= JOINING_INSTRUCTIONS_BEFORE
    )
    if with_instructions:
        EnrolmentReminder.objects.get_or_create(
            enrolment=enrolment,
            kind=ReminderKind.JOINING_INSTRUCTIONS,
            defaults={"sent_at": now},
        )
    email_send_later(
        to=enrolment.user.email,
        subject=f"You have a place on {cohort.course.title}",
        template="place_confirmed",
        context=_context(
            enrolment, cohort, with_instructions=with_instructions, moved_from=moved_from
        ),
        idempotency_key=f"training.enrolment.{enrolment.pk}.place",
    )
    if enrolment.line_manager_email:
        email_send_later(
            to=enrolment.line_manager_email,
            subject=f"{person_name(enrolment.user)} has a place on {cohort.course.title}",
            template="line_manager",
            context=_context(enrolment, cohort),
            idempotency_key=f"training.enrolment.{enrolment.pk}.line-manager",
        )


def waiting_confirmed(
    *, enrolment: Enrolment, cohort: Cohort, moved_from: Cohort | None = None
) -> None:
    """Tell the person they are on the waiting list, and at which position."""
    email_send_later(
        to=enrolment.user.email,
        subject=f"You are on the waiting list for {cohort.course.title}",
        template="waiting_confirmed",
        context=_context(
            enrolment, cohort, position=enrolment.waiting_position, moved_from=moved_from
        ),
        idempotency_key=f"training.enrolment.{enrolment.pk}.waiting",
    )


def offer_made(*, offer: Offer, enrolment: Enrolment, cohort: Cohort) -> None:
    """Email the offer of a place, with the link to accept or decline it."""
    email_send_later(
        to=enrolment.user.email,
        subject=f"A place on {cohort.course.title} is free for you",
        template="offer_made",
        context=_context(
            enrolment,
            cohort,
            offer=offer,
            offer_url=offer_url(offer.pk),
            expires=formats.date_and_time(offer.expires_at),
        ),
        idempotency_key=f"training.offer.{offer.pk}",
    )


def offer_lapsed(*, offer: Offer, enrolment: Enrolment, cohort: Cohort) -> None:
    email_send_later(
        to=enrolment.user.email,
        subject=f"Your offer of a place on {cohort.course.title} has expired",
        template="offer_lapsed",
        context=_context(enrolment, cohort, expires=formats.date_and_time(offer.expires_at)),
        idempotency_key=f"training.offer.{offer.pk}.lapsed",
    )


def _left_subject(title: str, *, what: str, was_waiting: bool, by_administrator: bool) -> str:
    if what != "cancelled":
        return f"You have declined the place on {title}"
    if was_waiting:
        if by_administrator:
            return f"You are no longer on the waiting list for {title}"
        return f"You have left the waiting list for {title}"
    if by_administrator:
        return f"Your enrolment on {title} has been cancelled"
    return f"You have cancelled your place on {title}"


def enrolment_left(
    *,
    enrolment: Enrolment,
    cohort: Cohort,
    what: str,
    was_waiting: bool = False,
    by_administrator: bool = False,
) -> None:
    """Confirm that the person has cancelled (``what`` "cancelled"; someone
    ``was_waiting`` has left the waiting list), or been taken off by a training
    administrator, or declined an offer ("declined")."""
    email_send_later(
        to=enrolment.user.email,
        subject=_left_subject(
            cohort.course.title,
            what=what,
            was_waiting=was_waiting,
            by_administrator=by_administrator,
        ),
        template=f"enrolment_{what}",
        context=_context(
            enrolment, cohort, was_waiting=was_waiting, by_administrator=by_administrator
        ),
        idempotency_key=f"training.enrolment.{enrolment.pk}.{what}",
    )
