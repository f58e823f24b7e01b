"""What is waiting for training administrators: offers of a place about to expire, and
registers to take (sessions that have ended with someone's attendance not recorded).

Each set is a function of a queryset, which the admin's list filter for it calls too, so
that the work queue counts exactly the rows that its link shows. The counts are a fixed
number of queries however many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from ..models import (
    TAKEN_STATUSES,
    Attendance,
    Cohort,
    CohortSession,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
    OfferStatus,
)

# An offer of a place "expires soon" when it expires within this time.
OFFER_EXPIRY_WARNING = timedelta(hours=24)


def enrolments_with_offer_expiring(
    enrolments: QuerySet[Enrolment], *, now: datetime
) -> QuerySet[Enrolment]:
    """Return the enrolments offered a place that nobody has answered, whose offer expires
    within ``OFFER_EXPIRY_WARNING`` of ``now``."""
    return enrolments.filter(
        status=EnrolmentStatus.OFFERED,
        offer__status=OfferStatus.PENDING,
        offer__expires_at__gt=now,
        offer__expires_at__lte=now + OFFER_EXPIRY_WARNING,
    )


def cohorts_with_register_to_take(cohorts: QuerySet[Cohort], *, now: datetime) -> QuerySet[Cohort]:
    """Return the cohorts (neither draft nor cancelled) with a session that has ended
    without the attendance of everyone holding a place recorded."""
    unrecorded = Enrolment.objects.filter(
        cohort=OuterRef("cohort"), status__in=TAKEN_STATUSES
    ).filter(
        ~Exists(
            Attendance.objects.filter(enrolment=OuterRef("pk"), session=OuterRef(OuterRef("pk")))
        )
    )
    sessions = CohortSession.objects.filter(cohort=OuterRef("pk"), ends_at__lte=now).filter(
        Exists(unrecorded)
    )
    return cohorts.exclude(status__in=(CohortStatus.DRAFT, CohortStatus.CANCELLED)).filter(
        Exists(sessions)
    )


@dataclass(frozen=True)
class TrainingWaiting:
    """How many of each thing wait for training administrators."""

    offers_expiring: int
    cohorts_with_register_to_take: int


def training_waiting(*, now: datetime) -> TrainingWaiting:
    """Return what waits for training administrators, counted in two queries."""
    return TrainingWaiting(
        offers_expiring=enrolments_with_offer_expiring(Enrolment.objects.all(), now=now).count(),
        cohorts_with_register_to_take=cohorts_with_register_to_take(
            Cohort.objects.all(), now=now
        ).count(),
    )
