"""Joining a cohort, by the person or by a training administrator; cancelling; moving
between cohorts of a course.

Each of these locks the cohort (``cohort_lock``) before it counts places, so whatever the
concurrency, a cohort never has more people holding places than its capacity, and its
waiting list is numbered 1, 2, 3… with no gaps or repeats.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from .. import formats, wording
from ..errors import (
    AlreadyEnrolled,
    EnrolmentClosed,
    OrganisationLimitReached,
    TrainingError,
)
from ..models import (
    LIVE_STATUSES,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
)
from ..places import (
    ORGANISATION_FULL,
    RESERVED,
    Prospect,
    organisations_on_cohorts,
    prospect_for,
)
from . import emails
from .common import (
    CohortDates,
    cohort_dates,
    cohort_lock,
    cohort_places_count,
    is_priority_organisation,
    offer_places_later,
    require_eligible,
    require_training_administrator,
)


class _Details(NamedTuple):
    """What a person enrolling tells the service about themselves, checked."""

    job_title: str
    line_manager_email: str
    needs: str


def _details_clean(
    *, job_title: str, line_manager_email: str, needs: str, manager_required: bool
) -> _Details:
    """Return the person's details with the job title and line manager's address stripped,
    or say what is missing or wrong. The line manager's address may be left out only when
    ``manager_required`` is false."""
    job_title = job_title.strip()
    line_manager_email = line_manager_email.strip()
    if not job_title:
        raise TrainingError("Enter your job title.")
    if not line_manager_email:
        if manager_required:
            raise TrainingError("Enter your line manager's email address.")
        return _Details(job_title, "", needs)
    try:
        validate_email(line_manager_email)
    except ValidationError:
        raise TrainingError(
            "Enter your line manager's email address in the correct format, like "
            "name@example.gov.uk."
        ) from None
    return _Details(job_title, line_manager_email, needs)


def _require_joinable(cohort: Cohort, dates: CohortDates, *, now: datetime, by_hand: bool) -> None:
    """Raise unless the cohort takes people now: open and within its enrolment window,
    or, for a training administrator, open or closed and not yet started."""
    if cohort.status == CohortStatus.CANCELLED:
        raise EnrolmentClosed("This cohort has been cancelled.")
    if dates.has_started(now):
        raise EnrolmentClosed("This cohort has started, so nobody can join it now.")
    if by_hand:
        if cohort.status not in (CohortStatus.OPEN, CohortStatus.CLOSED):
            raise EnrolmentClosed("This cohort is not published, so nobody can join it yet.")
        return
    if cohort.status != CohortStatus.OPEN:
        raise EnrolmentClosed("This cohort is not taking enrolments.")
    if now < cohort.enrolment_opens_at:
        raise EnrolmentClosed(
            "Enrolment for this cohort opens at "
            f"{formats.date_and_time(cohort.enrolment_opens_at)}."
        )
    if now >= cohort.enrolment_closes_at:
        raise EnrolmentClosed(
            f"Enrolment for this cohort closed at "
            f"{formats.date_and_time(cohort.enrolment_closes_at)}."
        )


def _require_not_on(cohort: Cohort, user: User, *, by_hand: bool) -> None:
    current = (
        Enrolment.objects.filter(cohort=cohort, user=user, status__in=LIVE_STATUSES)
        .only("status", "waiting_position")
        .first()
    )
    if current is None:
        return
    who = "They are" if by_hand else "You are"
    has = "They have" if by_hand else "You have"
    if current.status == EnrolmentStatus.WAITING:
        raise AlreadyEnrolled(
            f"{who} already on the waiting list for this cohort, at number "
            f"{current.waiting_position}."
        )
    if current.status == EnrolmentStatus.OFFERED:
        raise AlreadyEnrolled(f"{has} been offered a place on this cohort already.")
    raise AlreadyEnrolled(f"{has} a place on this cohort already.")


def _prospect(
    cohort: Cohort, organisation: Organisation, *, is_priority: bool, now: datetime
) -> Prospect:
    """Return what joining the locked cohort gives someone of ``organisation`` now, as the
    pages told them (``places.prospect_for``); raise if the organisation is at its
    maximum."""
    on_cohort = organisations_on_cohorts(
        cohort_ids=[cohort.pk], organisation_ids=[organisation.pk]
    ).get((cohort.pk, organisation.pk), 0)
    prospect = prospect_for(
        cohort_places_count(cohort, now=now),
        cohort=cohort,
        is_priority=is_priority,
        organisation_on_cohort=on_cohort,
    )
    if prospect.outcome == ORGANISATION_FULL:
        raise OrganisationLimitReached(wording.organisation_full(organisation.name, on_cohort))
    return prospect


def _join(
    *,
    cohort: Cohort,
    dates: CohortDates,
    user: User,
    organisation: Organisation,
    job_title: str,
    line_manager_email: str,
    needs: str,
    consented_at: datetime | None,
    created_by: User | None,
    is_priority: bool,
    prospect: Prospect,
    now: datetime,
    moved_from: Cohort | None = None,
) -> Enrolment:
    """Add the person to the locked cohort as ``prospect`` (``_prospect``) says: in a free
    place if one is theirs to take, else at the end of the waiting list; tell them, and
    their line manager of a place.

    ``is_priority`` (whether the organisation leads or partners on a funded project) is
    read before the lock is taken, since it does not depend on the cohort, so the lock is
    held no longer than the cohort's own reads and writes need."""
    kind = prospect.kind
    enrolment = Enrolment(
        cohort=cohort,
        user=user,
        organisation=organisation,
        job_title=job_title,
        line_manager_email=line_manager_email,
        needs=needs.strip(),
        consented_at=consented_at,
        is_priority=is_priority,
        created_at=now,
        created_by=created_by,
    )
    if kind is None:
        enrolment.status = EnrolmentStatus.WAITING
        enrolment.waiting_position = prospect.waiting_position
    else:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = now
        enrolment.is_reserved_place = kind == RESERVED
    enrolment.save()
    audit_record(
        actor=created_by or user,
        verb=(
            "training.enrolment.enrolled" if kind is not None else "training.enrolment.waitlisted"
        ),
        target=enrolment,
        data={
            "cohort": cohort.pk,
            "organisation": organisation.pk,
            "reserved_place": enrolment.is_reserved_place,
            "waiting_position": enrolment.waiting_position,
            "by_administrator": created_by is not None,
        },
    )
    if kind is None:
        emails.waiting_confirmed(enrolment=enrolment, cohort=cohort, moved_from=moved_from)
        if prospect.free or prospect.kept:
            # A place is free but someone waiting is ahead for it: make sure it is offered.
            offer_places_later(cohort.pk)
    else:
        emails.place_confirmed(
            enrolment=enrolment, cohort=cohort, dates=dates, now=now, moved_from=moved_from
        )
    return enrolment


def _lock_and_join(
    cohort: Cohort,
    user: User,
    organisation: Organisation,
    details: _Details,
    *,
    added_by: User | None,
    now: datetime,
) -> Enrolment:
    """Lock the cohort, check that the person may join it, and add them (``_join``). With
    ``added_by``, a training administrator enrols them by hand, and the person has given no
    consent of their own."""
    by_hand = added_by is not None
    is_priority = is_priority_organisation(organisation.pk)
    with transaction.atomic():
        cohort = cohort_lock(cohort.pk)
        dates = cohort_dates(cohort.pk)
        _require_joinable(cohort, dates, now=now, by_hand=by_hand)
        _require_not_on(cohort, user, by_hand=by_hand)
        prospect = _prospect(cohort, organisation, is_priority=is_priority, now=now)
        return _join(
            cohort=cohort,
            dates=dates,
            user=user,
            organisation=organisation,
            job_title=details.job_title,
            line_manager_email=details.line_manager_email,
            needs=details.needs,
            consented_at=None if by_hand else now,
            created_by=added_by,
            is_priority=is_priority,
            prospect=prospect,
            now=now,
        )


def enrolment_create(
    *,
    cohort: Cohort,
    user: User,
    organisation: Organisation,
    job_title: str,
    line_manager_email: str,
    needs: str = "",
    consent: bool,
    now: datetime | None = None,
) -> Enrolment:
    """Enrol ``user`` on ``cohort`` for ``organisation``: in a place if one is free to them,
    else on the waiting list, at the next position; return the enrolment.

    The person must be an approved member of the organisation, and it a published
    signatory; the cohort must be open and within its enrolment window; they must agree to
    the attendance terms; and the organisation must be within the cohort's maximum. Reserved
    places go only to people of organisations that lead or partner on a funded project,
    until their release. The person is emailed; so is their line manager, of a place.
    """
    now = now or timezone.now()
    details = _details_clean(
        job_title=job_title,
        line_manager_email=line_manager_email,
        needs=needs,
        manager_required=True,
    )
    if not consent:
        raise TrainingError("Agree to the attendance terms to enrol.")
    require_eligible(user=user, organisation=organisation)
    return _lock_and_join(cohort, user, organisation, details, added_by=None, now=now)


def enrolment_add_by_administrator(
    *,
    cohort: Cohort,
    user: User,
    organisation: Organisation,
    job_title: str,
    line_manager_email: str = "",
    needs: str = "",
    added_by: User,
    now: datetime | None = None,
) -> Enrolment:
    """Enrol an eligible person by hand, as a training administrator; return the
    enrolment.

    The same rules hold as for the person, except the enrolment window: a published cohort
    that has not started takes them even after enrolment closes. Capacity still applies, so
    they join the waiting list if no place is free to them; so do reserved places and the
    organisation's maximum. The audit log records who added them.
    """
    now = now or timezone.now()
    require_training_administrator(added_by, "enrol people by hand")
    details = _details_clean(
        job_title=job_title,
        line_manager_email=line_manager_email,
        needs=needs,
        manager_required=False,
    )
    require_eligible(user=user, organisation=organisation)
    return _lock_and_join(cohort, user, organisation, details, added_by=added_by, now=now)
