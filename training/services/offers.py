"""Offers of free places to the waiting list, in queue order, and their answers; raising
capacity and releasing reserved places, which free places to offer.

A place frees when someone holding one cancels, declines, lets an offer lapse or is moved,
when capacity is raised, and (to people of any organisation) when reserved places are
released. ``cohort_places_offer`` offers every free place to the next person waiting who
may take it, under the cohort's lock, so however many runs race, each free place is
offered to exactly one person. An offer holds its place for ``TRAINING_OFFER_HOLD`` (48
hours unless set), or until the cohort starts if that is sooner.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import count_of

from .. import formats
from ..errors import NotPermitted, TrainingError, TransitionNotAllowed
from ..models import (
    Cohort,
    CohortSession,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
)
from . import emails
from .common import (
    cohort_dates,
    cohort_lock,
    cohort_places_count,
    offer_hold,
    offer_places_later,
    queue_renumber,
    require_training_administrator,
)

logger = logging.getLogger(__name__)

# Cohorts whose free places may still be offered: published, and not started (checked too).
OFFERING_STATUSES = (CohortStatus.OPEN, CohortStatus.CLOSED)


def _offer_free_places(cohort: Cohort, *, now: datetime) -> list[Offer]:
    """Offer the locked cohort's free places to the people waiting, in queue order; return
    the offers made.

    While reserved places are kept, a free reserved place goes to the first person waiting
    from a priority organisation, passing over others; a general place to the first person
    waiting.
    """
    if cohort.status not in OFFERING_STATUSES:
        return []
    dates = cohort_dates(cohort.pk)
    if dates.first_starts_at is None or dates.has_started(now):
        return []
    places = cohort_places_count(cohort, now=now)
    general, reserved = places.general_free, places.reserved_free
    if not places.waiting or not (general or reserved):
        return []
    chosen: list[tuple[Enrolment, bool]] = []
    waiting = (
        Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.WAITING)
        .select_related("user", "organisation")
        .order_by("waiting_position")
    )
    for enrolment in waiting:
        if reserved and enrolment.is_priority:
            reserved -= 1
            chosen.append((enrolment, True))
        elif general:
            general -= 1
            chosen.append((enrolment, False))
        if not (general or reserved):
            break
    expires_at = min(now + offer_hold(), dates.first_starts_at)
    offers = []
    for enrolment, is_reserved in chosen:
        enrolment.status = EnrolmentStatus.OFFERED
        enrolment.waiting_position = None
        enrolment.is_reserved_place = is_reserved
        enrolment.save(update_fields=["status", "waiting_position", "is_reserved_place"])
        offer = Offer.objects.create(
            enrolment=enrolment,
            is_reserved_place=is_reserved,
            offered_at=now,
            expires_at=expires_at,
        )
        audit_record(
            actor=None,
            verb="training.enrolment.offered",
            target=enrolment,
            data={"cohort": cohort.pk, "reserved_place": is_reserved, "expires_at": expires_at},
        )
        emails.offer_made(offer=offer, enrolment=enrolment, cohort=cohort)
        offers.append(offer)
    if offers:
        queue_renumber(cohort.pk)
        logger.info("Offered %d places on cohort %s.", len(offers), cohort.pk)
    return offers


def cohort_places_offer(*, cohort_id: int, now: datetime | None = None) -> list[Offer]:
    """Offer the cohort's free places to the next people on its waiting list; return the
    offers made. Safe to run any number of times at once: each place is offered once."""
    now = now or timezone.now()
    with transaction.atomic():
        return _offer_free_places(cohort_lock(cohort_id), now=now)


def _offer_lock(offer: Offer) -> tuple[Cohort, Offer]:
    cohort_id = Enrolment.objects.filter(offer=offer).values_list("cohort_id", flat=True).get()
    cohort = cohort_lock(cohort_id)
    offer = (
        Offer.objects.select_for_update(of=("self", "enrolment"))
        .select_related("enrolment__user", "enrolment__organisation")
        .get(pk=offer.pk)
    )
    return cohort, offer


def _require_answerable(offer: Offer, user: User, now: datetime) -> None:
    if user.pk != offer.enrolment.user_id:
        raise NotPermitted("This offer was made to someone else.")
    if offer.status != OfferStatus.PENDING:
        raise TransitionNotAllowed(
            f"This offer has been {offer.get_status_display().lower()} already."
        )
    if now >= offer.expires_at:
        raise TransitionNotAllowed(
            f"This offer expired at {formats.date_and_time(offer.expires_at)}."
        )


def offer_accept(*, offer: Offer, accepted_by: User, now: datetime | None = None) -> Enrolment:
    """Accept an offer of a place before it expires: offered → enrolled. The person and
    their line manager are told."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort, offer = _offer_lock(offer)
        _require_answerable(offer, accepted_by, now)
        enrolment = offer.enrolment
        offer.status = OfferStatus.ACCEPTED
        offer.answered_at = now
        offer.save(update_fields=["status", "answered_at"])
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = now
        enrolment.save(update_fields=["status", "enrolled_at"])
        audit_record(
            actor=accepted_by,
            verb="training.enrolment.offer_accepted",
            target=enrolment,
            data={"cohort": cohort.pk, "offer": offer.pk},
        )
        emails.place_confirmed(
            enrolment=enrolment, cohort=cohort, dates=cohort_dates(cohort.pk), now=now
        )
    return enrolment


def offer_decline(*, offer: Offer, declined_by: User, now: datetime | None = None) -> Enrolment:
    """Decline an offer of a place: offered → declined, and the place is offered to the
    next person waiting once this commits."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort, offer = _offer_lock(offer)
        _require_answerable(offer, declined_by, now)
        enrolment = offer.enrolment
        offer.status = OfferStatus.DECLINED
        offer.answered_at = now
        offer.save(update_fields=["status", "answered_at"])
        enrolment.status = EnrolmentStatus.DECLINED
        enrolment.is_reserved_place = False
        enrolment.left_at = now
        enrolment.left_by = declined_by
        enrolment.save(update_fields=["status", "is_reserved_place", "left_at", "left_by"])
        audit_record(
            actor=declined_by,
            verb="training.enrolment.offer_declined",
            target=enrolment,
            data={"cohort": cohort.pk, "offer": offer.pk},
        )
        emails.enrolment_left(enrolment=enrolment, cohort=cohort, what="declined")
        offer_places_later(cohort.pk)
    return enrolment


def offer_expire(*, offer_id: int, now: datetime) -> bool:
    """Let an unanswered offer lapse once its time is up: offered → lapsed; the person is
    told, and the place is offered to the next person waiting. Return whether it lapsed
    now (False if it was answered, or already lapsed, meanwhile)."""
    with transaction.atomic():
        offer = Offer.objects.filter(pk=offer_id).first()
        if offer is None:
            return False
        cohort, offer = _offer_lock(offer)
        if offer.status != OfferStatus.PENDING or offer.expires_at > now:
            return False
        enrolment = offer.enrolment
        offer.status = OfferStatus.EXPIRED
        offer.answered_at = now
        offer.save(update_fields=["status", "answered_at"])
        enrolment.status = EnrolmentStatus.LAPSED
        enrolment.is_reserved_place = False
        enrolment.left_at = now
        enrolment.save(update_fields=["status", "is_reserved_place", "left_at"])
        audit_record(
            actor=None,
            verb="training.enrolment.offer_lapsed",
            target=enrolment,
            data={"cohort": cohort.pk, "offer": offer.pk},
        )
        emails.offer_lapsed(offer=offer, enrolment=enrolment, cohort=cohort)
        offer_places_later(cohort.pk)
    return True


def offers_expire_due(*, now: datetime) -> int:
    """Let every offer whose time is up at ``now`` lapse, each in its own transaction;
    then offer any free place still waiting for someone (a lost task, say). Return how
    many offers lapsed."""
    due = list(
        Offer.objects.filter(status=OfferStatus.PENDING, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)
    )
    lapsed = sum(offer_expire(offer_id=offer_id, now=now) for offer_id in due)
    for cohort_id in cohorts_waiting_for_offers(now=now):
        cohort_places_offer(cohort_id=cohort_id, now=now)
    return lapsed


def cohorts_waiting_for_offers(*, now: datetime) -> list[int]:
    """Return the cohorts not yet started that have people waiting, for the sweep that
    offers any place left free."""
    started = CohortSession.objects.filter(cohort=OuterRef("pk"), starts_at__lte=now)
    waiting = Enrolment.objects.filter(cohort=OuterRef("pk"), status=EnrolmentStatus.WAITING)
    return list(
        Cohort.objects.filter(status__in=OFFERING_STATUSES)
        .filter(Exists(waiting), ~Exists(started))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def cohort_capacity_change(
    *, cohort: Cohort, capacity: int, changed_by: User, now: datetime | None = None
) -> Cohort:
    """Change how many places the cohort has, as a training administrator. It cannot go
    below the places held or the places reserved; places added are offered to the waiting
    list once this commits."""
    now = now or timezone.now()
    require_training_administrator(changed_by, "change a cohort's places")
    with transaction.atomic():
        cohort = cohort_lock(cohort.pk)
        if cohort.status in (CohortStatus.CANCELLED, CohortStatus.COMPLETED):
            raise TransitionNotAllowed(
                f"This cohort is {cohort.get_status_display().lower()}, so its places are fixed."
            )
        places = cohort_places_count(cohort, now=now)
        if capacity < max(places.held, 1):
            raise TrainingError(
                f"{count_of(places.held, 'place is', 'places are')} taken or offered, so the "
                f"cohort needs at least {max(places.held, 1)}."
            )
        if capacity < cohort.reserved_places:
            raise TrainingError(
                f"{count_of(cohort.reserved_places, 'place is', 'places are')} reserved, so the "
                "cohort needs at least that many."
            )
        previous = cohort.capacity
        cohort.capacity = capacity
        cohort.save(update_fields=["capacity"])
        audit_record(
            actor=changed_by,
            verb="training.cohort.capacity_changed",
            target=cohort,
            data={"from": previous, "to": capacity},
        )
        if capacity > previous:
            offer_places_later(cohort.pk)
    return cohort


def cohort_reserved_places_release(*, cohort_id: int, now: datetime) -> list[Offer]:
    """Release the cohort's reserved places to everyone eligible, once their release time
    has come, and offer those still free to the waiting list in queue order; return the
    offers made. It happens once: a second run finds it done."""
    with transaction.atomic():
        cohort = cohort_lock(cohort_id)
        if (
            cohort.reserved_released_at is not None
            or not cohort.reserved_places
            or cohort.reserved_release_at is None
            or cohort.reserved_release_at > now
        ):
            return []
        cohort.reserved_released_at = now
        cohort.save(update_fields=["reserved_released_at"])
        offers = _offer_free_places(cohort, now=now)
        audit_record(
            actor=None,
            verb="training.cohort.reserved_places_released",
            target=cohort,
            data={"reserved_places": cohort.reserved_places, "offers": len(offers)},
        )
    return offers


def reserved_places_release_due(*, now: datetime) -> list[int]:
    """Release the reserved places of every published cohort whose release time has come;
    return the cohorts released."""
    due = list(
        Cohort.objects.filter(
            status__in=OFFERING_STATUSES,
            reserved_places__gt=0,
            reserved_release_at__lte=now,
            reserved_released_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    released = []
    for cohort_id in due:
        cohort_reserved_places_release(cohort_id=cohort_id, now=now)
        released.append(cohort_id)
    return released
