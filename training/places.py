"""How a cohort's places divide: held, free to anyone, free to priority organisations only.

The counts come from one query of the cohort's enrolments (``PLACE_COUNTS``); the services
decide on them only under the cohort's lock, and the public pages show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from .models import PLACE_STATUSES, Cohort, EnrolmentStatus

RESERVED = "reserved"
GENERAL = "general"


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
