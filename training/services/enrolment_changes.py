"""Changing an enrolment: cancelling it, or moving it to another cohort."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import count_of
from training.services.enrolments import _join, _prospect, _require_joinable, _require_not_on

from .. import formats
from ..errors import (
    NoPlaceFree,
    NotPermitted,
    TrainingError,
    TransitionNotAllowed,
)
from ..models import (
    CANCELLABLE_STATUSES,
    PLACE_STATUSES,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
)
from ..places import (
    PLACE,
)
from . import emails
from .common import (
    cohort_dates,
    cohort_lock,
    is_priority_organisation,
    is_training_administrator,
    offer_places_later,
    queue_renumber,
    require_training_administrator,
)


def _enrolment_lock(enrolment_id: int) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=enrolment_id)
    )


def _leave(enrolment: Enrolment, *, status: str, left_by: User | None, now: datetime) -> bool:
    """Take the enrolment off the cohort as ``status``, withdrawing a pending offer; return
    whether it held a place. The caller holds the cohort's lock and renumbers the queue."""
    held = enrolment.status in PLACE_STATUSES
    if enrolment.status == EnrolmentStatus.OFFERED:
        Offer.objects.filter(enrolment=enrolment, status=OfferStatus.PENDING).update(
            status=OfferStatus.WITHDRAWN, answered_at=now
        )
    enrolment.status = status
    enrolment.waiting_position = None
    enrolment.is_reserved_place = False
    enrolment.left_at = now
    enrolment.left_by = left_by
    enrolment.save(
        update_fields=["status", "waiting_position", "is_reserved_place", "left_at", "left_by"]
    )
    return held


def enrolment_cancel(
    *, enrolment: Enrolment, cancelled_by: User, now: datetime | None = None
) -> Enrolment:
    """Cancel an enrolment, a place on the waiting list or an offer, up to the cohort's
    first session: → cancelled. A freed place is offered to the waiting list once this
    commits.

    The person cancels their own; a training administrator may cancel anyone's.
    """
    now = now or timezone.now()
    if cancelled_by.pk != enrolment.user_id and not is_training_administrator(cancelled_by):
        raise NotPermitted("You can only cancel your own place.")
    with transaction.atomic():
        cohort = cohort_lock(enrolment.cohort_id)
        enrolment = _enrolment_lock(enrolment.pk)
        if enrolment.status not in CANCELLABLE_STATUSES:
            raise TransitionNotAllowed(
                f"This enrolment is {enrolment.get_status_display().lower()}, so there is "
                "nothing to cancel."
            )
        dates = cohort_dates(cohort.pk)
        if dates.has_started(now) and dates.first_starts_at is not None:
            raise TransitionNotAllowed(
                "You can no longer cancel: the course started at "
                f"{formats.date_and_time(dates.first_starts_at)}."
            )
        was = enrolment.status
        held = _leave(enrolment, status=EnrolmentStatus.CANCELLED, left_by=cancelled_by, now=now)
        queue_renumber(cohort.pk)
        audit_record(
            actor=cancelled_by,
            verb="training.enrolment.cancelled",
            target=enrolment,
            data={"cohort": cohort.pk, "was": was},
        )
        emails.enrolment_left(
            enrolment=enrolment,
            cohort=cohort,
            what="cancelled",
            was_waiting=was == EnrolmentStatus.WAITING,
            by_administrator=cancelled_by.pk != enrolment.user_id,
        )
        if held:
            offer_places_later(cohort.pk)
    return enrolment


def enrolment_move(
    *, enrolment: Enrolment, to_cohort: Cohort, moved_by: User, now: datetime | None = None
) -> Enrolment:
    """Move a person to another cohort of the same course, as a training administrator;
    return their new enrolment (the old one is moved, pointing at it).

    Someone holding a place moves only into a place free to them (reserved places and the
    organisation's maximum apply, and people already waiting there come first); otherwise
    nothing changes. Someone waiting joins the other cohort as a newcomer would: in a free
    place, or at the end of its waiting list. They are told where they now stand, and a
    place freed is offered to the waiting list.
    """
    now = now or timezone.now()
    require_training_administrator(moved_by, "move people between cohorts")
    if to_cohort.pk == enrolment.cohort_id:
        raise TrainingError("Choose a different cohort to move them to.")
    is_priority = is_priority_organisation(enrolment.organisation_id)
    with transaction.atomic():
        # Both cohorts are locked, always in the same order, so two moves cannot deadlock.
        first, second = sorted([enrolment.cohort_id, to_cohort.pk])
        locked = {first: cohort_lock(first), second: cohort_lock(second)}
        source, target = locked[enrolment.cohort_id], locked[to_cohort.pk]
        enrolment = _enrolment_lock(enrolment.pk)
        if target.course_id != source.course_id:
            raise TrainingError("People can only move between cohorts of the same course.")
        if enrolment.status not in CANCELLABLE_STATUSES:
            raise TransitionNotAllowed(
                f"This enrolment is {enrolment.get_status_display().lower()}, so it cannot move."
            )
        dates = cohort_dates(target.pk)
        _require_joinable(target, dates, now=now, by_hand=True)
        _require_not_on(target, enrolment.user, by_hand=True)
        prospect = _prospect(target, enrolment.organisation, is_priority=is_priority, now=now)
        if enrolment.status in PLACE_STATUSES and prospect.outcome != PLACE:
            waiting = count_of(prospect.waiting, "person is", "people are")
            raise NoPlaceFree(
                f"{target} has no place free for them"
                + (f" ({waiting} waiting)" if prospect.waiting else "")
                + f", so they keep their place on {source}."
            )
        was = enrolment.status
        held = _leave(enrolment, status=EnrolmentStatus.MOVED, left_by=moved_by, now=now)
        queue_renumber(source.pk)
        new = _join(
            cohort=target,
            dates=dates,
            user=enrolment.user,
            organisation=enrolment.organisation,
            job_title=enrolment.job_title,
            line_manager_email=enrolment.line_manager_email,
            needs=enrolment.needs,
            consented_at=enrolment.consented_at,
            created_by=moved_by,
            is_priority=is_priority,
            prospect=prospect,
            now=now,
            moved_from=source,
        )
        enrolment.moved_to = new
        enrolment.save(update_fields=["moved_to"])
        audit_record(
            actor=moved_by,
            verb="training.enrolment.moved",
            target=enrolment,
            data={"from_cohort": source.pk, "to_cohort": target.pk, "was": was, "new": new.pk},
        )
        if held:
            offer_places_later(source.pk)
    return new
