"""How a cohort's places divide: held, free to anyone, free to priority organisations only;
and what joining the cohort now would give someone (``prospect_for``).

The counts come from one query of the cohort's enrolments (``PLACE_COUNTS``); the services
decide on them only under the cohort's lock, and the pages show what the same decision
would be for the person reading them, so the page and the outcome never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from .models import LIVE_STATUSES, PLACE_STATUSES, Cohort, Enrolment, EnrolmentStatus

RESERVED = "reserved"
GENERAL = "general"

# What joining a cohort now would give someone: a place, the end of the waiting list, or
# nothing, since their organisation already has as many people on it as one may have.
PLACE = "place"
WAITING = "waiting"
ORGANISATION_FULL = "organisation-full"


@dataclass(frozen=True)
class Places:
    """A cohort's places at one moment: how many are held, and which are free to whom.

    While reserved places are kept, ``reserved_free`` of them are free to people of
    priority organisations only, and ``general_free`` to anyone; after the release every
    free place is general.
    """

    capacity: int
    held: int
    held_reserved: int
    waiting: int
    waiting_priority: int
    general_free: int
    reserved_free: int

    @property
    def free(self) -> int:
        return self.general_free + self.reserved_free

    def place_for_newcomer(self, *, is_priority: bool) -> str | None:
        """Return the kind of place (``RESERVED`` or ``GENERAL``) free for someone joining
        now, or None if they must wait.

        A free place that someone already waiting could take is theirs, not a newcomer's:
        it is being offered to them. A priority person takes a reserved place before a
        general one, leaving the general places for others.
        """
        if is_priority and self.reserved_free > 0 and self.waiting_priority == 0:
            return RESERVED
        if self.general_free > 0 and self.waiting == 0:
            return GENERAL
        return None


@dataclass(frozen=True)
class Prospect:
    """What joining the cohort now would give someone of one organisation, and why.

    ``outcome`` is ``PLACE`` (of ``kind`` ``RESERVED`` or ``GENERAL``), ``WAITING`` (at
    ``waiting_position``) or ``ORGANISATION_FULL``. For someone who would wait, ``free``
    places they could take may still be free but offered first to the ``waiting`` people
    ahead of them, and ``kept`` places are free but kept for priority organisations until
    ``kept_until``.
    """

    outcome: str
    kind: str | None
    waiting_position: int | None
    free: int
    kept: int
    kept_until: datetime | None
    waiting: int
    organisation_on_cohort: int


def prospect_for(
    places: Places, *, cohort: Cohort, is_priority: bool, organisation_on_cohort: int
) -> Prospect:
    """Return what joining ``cohort`` now would give someone whose organisation is a
    priority one or not, and already has ``organisation_on_cohort`` people on it, holding
    or waiting for a place.

    The services decide on this under the cohort's lock; the pages show it to the person
    before they start, from the same counts read without the lock.
    """
    kind = places.place_for_newcomer(is_priority=is_priority)
    limit = cohort.max_per_organisation
    if limit is not None and organisation_on_cohort >= limit:
        outcome = ORGANISATION_FULL
    elif kind is None:
        outcome = WAITING
    else:
        outcome = PLACE
    waits = outcome == WAITING
    kept = 0 if is_priority else places.reserved_free
    return Prospect(
        outcome=outcome,
        kind=kind if outcome == PLACE else None,
        waiting_position=places.waiting + 1 if waits else None,
        free=places.free - kept if waits else 0,
        kept=kept if waits else 0,
        kept_until=cohort.reserved_release_at if waits and kept else None,
        waiting=places.waiting,
        organisation_on_cohort=organisation_on_cohort,
    )


def organisations_on_cohorts(
    *, cohort_ids: Iterable[int], organisation_ids: Iterable[int]
) -> dict[tuple[int, int], int]:
    """Return how many people of each organisation are on each cohort, holding or waiting
    for a place (what the per-organisation maximum counts), by (cohort, organisation), in
    one query. Pairs with nobody are left out."""
    rows = (
        Enrolment.objects.filter(
            cohort_id__in=list(cohort_ids),
            organisation_id__in=list(organisation_ids),
            status__in=LIVE_STATUSES,
        )
        .order_by()
        .values_list("cohort_id", "organisation_id")
        .annotate(n=Count("pk"))
    )
    return {(cohort_id, organisation_id): n for cohort_id, organisation_id, n in rows}


def places_compute(
    *,
    cohort: Cohort,
    held: int,
    held_reserved: int,
    waiting: int,
    waiting_priority: int,
    now: datetime,
) -> Places:
    """Return the cohort's places from the counts of its enrolments."""
    if cohort.has_reserved_places_at(now):
        reserved_free = max(cohort.reserved_places - held_reserved, 0)
        general_free = max(cohort.capacity - cohort.reserved_places - (held - held_reserved), 0)
    else:
        reserved_free = 0
        general_free = max(cohort.capacity - held, 0)
    return Places(
        capacity=cohort.capacity,
        held=held,
        held_reserved=held_reserved,
        waiting=waiting,
        waiting_priority=waiting_priority,
        general_free=general_free,
        reserved_free=reserved_free,
    )


PLACE_COUNTS = {
    "held": Count("pk", filter=Q(status__in=PLACE_STATUSES)),
    "held_reserved": Count("pk", filter=Q(status__in=PLACE_STATUSES, is_reserved_place=True)),
    "waiting": Count("pk", filter=Q(status=EnrolmentStatus.WAITING)),
    "waiting_priority": Count("pk", filter=Q(status=EnrolmentStatus.WAITING, is_priority=True)),
}
