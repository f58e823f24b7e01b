"""The places a signed-in person can take: for each cohort, what enrolling now would give
them for each organisation they may enrol for, or where they already stand on it.

This is what the course page and each step of enrolling show. It is decided by the same
``places.prospect_for`` that ``enrolment_create`` decides on under the cohort's lock, from
the same counts, so what the page says is what enrolling does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from localdigital.accounts.models import User

from .. import wording
from ..links import enrolment_path
from ..models import LIVE_STATUSES, Cohort, Enrolment, EnrolmentStatus
from ..places import PLACE, WAITING, organisations_on_cohorts, prospect_for
from .cohorts import (
    CohortRow,
    CourseRow,
    cohorts_with_places,
    course_page,
    places_of,
    upcoming_cohorts,
)
from .eligibility import enrolment_eligibility, is_priority_organisation

ENROL = "Enrol"
JOIN_THE_WAITING_LIST = "Join the waiting list"


@dataclass(frozen=True)
class PlaceForOrganisation:
    """What enrolling on a cohort now would give the person, for one organisation.

    ``outcome`` is ``places.PLACE``, ``places.WAITING`` (at ``waiting_position``) or
    ``places.ORGANISATION_FULL``. ``message`` says so before they start; ``confirm_message``
    on the page where they confirm; ``button`` is what the button that does it says.
    """

    organisation_id: int
    organisation_name: str
    outcome: str
    waiting_position: int | None
    situation: str
    can: str
    will: str
    after: str

    @property
    def message(self) -> str:
        return " ".join(part for part in (self.situation, self.can, self.after) if part)

    @property
    def confirm_message(self) -> str:
        return " ".join(part for part in (self.situation, self.will, self.after) if part)

    @property
    def button(self) -> str:
        return {PLACE: ENROL, WAITING: JOIN_THE_WAITING_LIST}.get(self.outcome, "")

    @property
    def gets_a_place(self) -> bool:
        return self.outcome == PLACE


@dataclass(frozen=True)
class PlacesForYou:
    """A cohort as one signed-in person may join it.

    Someone already on it is told where they stand (``already``), with a link to their
    enrolment; anyone else what enrolling would give them for each of their organisations.
    ``button`` says what enrolling will do ("Enrol", "Join the waiting list", or both when
    it depends on the organisation); it is empty when they cannot enrol.
    """

    cohort_id: int
    organisations: list[PlaceForOrganisation]
    already: str = ""
    enrolment_url: str = ""

    @property
    def button(self) -> str:
        if self.already:
            return ""
        labels = {place.button for place in self.organisations if place.button}
        if len(labels) > 1:
            return "Enrol or join the waiting list"
        return labels.pop() if labels else ""

    def for_organisation(self, organisation_id: int) -> PlaceForOrganisation | None:
        return next((p for p in self.organisations if p.organisation_id == organisation_id), None)


def _already(status: str, waiting_position: int | None) -> str:
    if status == EnrolmentStatus.WAITING:
        return f"You are number {waiting_position} on the waiting list for this cohort."
    if status == EnrolmentStatus.OFFERED:
        return "You have been offered a place on this cohort."
    return "You have a place on this cohort."


def places_for_you(
    *, user: User | AnonymousUser, cohort_ids: Iterable[int], now: datetime | None = None
) -> dict[int, PlacesForYou]:
    """Return, by cohort id, the places ``user`` can take on each of these cohorts; empty
    for anyone who may not enrol (not signed in, or of no signatory), who see the general
    count. A fixed number of queries however many cohorts: one more for each organisation
    the person may enrol for, to learn whether it has a funded project."""
    now = now or timezone.now()
    cohort_ids = list(cohort_ids)
    if not user.is_authenticated or not cohort_ids:
        return {}
    user = cast(User, user)
    eligibility = enrolment_eligibility(user=user)
    if not eligibility.is_eligible:
        return {}
    organisations = eligibility.organisations
    priority = {o.pk: is_priority_organisation(o.pk) for o in organisations}
    on_cohorts = organisations_on_cohorts(
        cohort_ids=cohort_ids, organisation_ids=[o.pk for o in organisations]
    )
    own = {
        cohort_id: (pk, status, position)
        for cohort_id, pk, status, position in Enrolment.objects.filter(
            user=user, cohort_id__in=cohort_ids, status__in=LIVE_STATUSES
        ).values_list("cohort_id", "pk", "status", "waiting_position")
    }
    found = {}
    for cohort in cohorts_with_places().filter(pk__in=cohort_ids):
        if cohort.pk in own:
            pk, status, position = own[cohort.pk]
            found[cohort.pk] = PlacesForYou(
                cohort_id=cohort.pk,
                organisations=[],
                already=_already(status, position),
                enrolment_url=enrolment_path(pk),
            )
            continue
        places = places_of(cohort, now=now)
        options = []
        for organisation in organisations:
            prospect = prospect_for(
                places,
                cohort=cohort,
                is_priority=priority[organisation.pk],
                organisation_on_cohort=on_cohorts.get((cohort.pk, organisation.pk), 0),
            )
            name = organisation.name
            options.append(
                PlaceForOrganisation(
                    organisation_id=organisation.pk,
                    organisation_name=name,
                    outcome=prospect.outcome,
                    waiting_position=prospect.waiting_position,
                    situation=wording.prospect_situation(prospect, name),
                    can=wording.prospect_outcome(prospect, name, decided=False),
                    will=wording.prospect_outcome(prospect, name, decided=True),
                    after=wording.prospect_after(prospect),
                )
            )
        found[cohort.pk] = PlacesForYou(cohort_id=cohort.pk, organisations=options)
    return found


def _with_you(
    rows: list[CohortRow], *, user: User | AnonymousUser, now: datetime
) -> list[CohortRow]:
    found = places_for_you(user=user, cohort_ids=[row.pk for row in rows], now=now)
    return [replace(row, you=found.get(row.pk)) for row in rows]


def course_page_for(
    *, slug: str, user: User | AnonymousUser, now: datetime | None = None
) -> CourseRow | None:
    """Return a published course with its upcoming cohorts, each with the places ``user``
    can take on it, for the course's page; None if there is no such published course."""
    now = now or timezone.now()
    page = course_page(slug=slug, now=now)
    if page is None:
        return None
    return replace(page, cohorts=_with_you(page.cohorts, user=user, now=now))


def cohort_row_for(*, cohort: Cohort, user: User, now: datetime | None = None) -> CohortRow | None:
    """Return the cohort's sessions and places, with the places ``user`` can take on it,
    for the steps of enrolling; None once it has started."""
    now = now or timezone.now()
    rows = upcoming_cohorts(course_ids=[cohort.course_id], now=now).get(cohort.course_id, [])
    row = next((row for row in rows if row.pk == cohort.pk), None)
    return _with_you([row], user=user, now=now)[0] if row is not None else None
