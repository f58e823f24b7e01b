"""Places under load: enrolments, cancellations and the offer job on real connections.

Every attempt runs in a thread of its own, so on a database connection of its own, and
all are released together from a ``threading.Barrier``. The cohort's lock is what keeps
the count of places right: with it removed, these tests fail (see the note on issue 6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.funding.factories import SignatoryFactory, member_of
from tests.support.concurrency import run_together
from tests.training.factories import CohortFactory, EnrolmentFactory, enrol
from training.models import Enrolment, EnrolmentStatus, Offer
from training.services.enrolment_changes import enrolment_cancel
from training.services.offers import cohort_places_offer

pytestmark = pytest.mark.django_db(transaction=True)


def enrolling(cohort, user, organisation) -> Callable[[], Enrolment]:
    return lambda: enrol(cohort, user, organisation)


def waiting_positions(cohort) -> list[int | None]:
    return list(
        Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.WAITING)
        .order_by("waiting_position")
        .values_list("waiting_position", flat=True)
    )


class TestEnrolmentsRacing:
    def test_fifty_attempts_on_ten_places_enrol_ten_and_queue_forty_in_order(self):
        """50 people enrol at once on a cohort of 10: exactly 10 get places, and 40 wait
        at positions 1 to 40, with no errors."""
        cohort = CohortFactory(capacity=10)
        organisation = SignatoryFactory()
        people = [member_of(organisation) for _ in range(50)]

        results, errors = run_together([enrolling(cohort, user, organisation) for user in people])

        assert errors == []
        statuses = [enrolment.status for enrolment in results]
        assert statuses.count(EnrolmentStatus.ENROLLED) == 10
        assert statuses.count(EnrolmentStatus.WAITING) == 40
        enrolled = Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED)
        assert enrolled.count() == 10
        assert waiting_positions(cohort) == list(range(1, 41))
        # Each person was told the position they hold.
        told = sorted(e.waiting_position for e in results if e.status == EnrolmentStatus.WAITING)
        assert told == list(range(1, 41))


class TestCancellationsRacingTheOfferJob:
    def full_cohort_with_waiting_list(self, waiting: int = 5):
        cohort = CohortFactory(capacity=10)
        enrolled = EnrolmentFactory.create_batch(10, cohort=cohort)
        queue = [
            EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=position)
            for position in range(1, waiting + 1)
        ]
        return cohort, enrolled, queue

    def test_a_freed_place_is_offered_to_exactly_one_person(self):
        """One cancellation (which queues the offer job as it commits) races nine more
        runs of the offer job: the place is offered once, to the first person waiting."""
        cohort, enrolled, queue = self.full_cohort_with_waiting_list()
        leaving = enrolled[0]
        attempts: list[Callable[[], Any]] = [
            lambda: enrolment_cancel(enrolment=leaving, cancelled_by=leaving.user)
        ]
        attempts += [lambda: cohort_places_offer(cohort_id=cohort.pk) for _ in range(9)]

        _, errors = run_together(attempts)

        assert errors == []
        offers = list(Offer.objects.filter(enrolment__cohort=cohort))
        assert [offer.enrolment_id for offer in offers] == [queue[0].pk]
        held = Enrolment.objects.filter(
            cohort=cohort, status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED)
        ).count()
        assert held == 10
        assert waiting_positions(cohort) == [1, 2, 3, 4]

    def test_three_cancellations_racing_the_job_make_three_offers_in_queue_order(self):
        """Three people cancel while ten workers run the offer job again and again: three
        offers, to the first three waiting, and never more places held than the capacity."""
        cohort, enrolled, queue = self.full_cohort_with_waiting_list(waiting=6)

        def offer_job_repeatedly() -> None:
            for _ in range(5):
                cohort_places_offer(cohort_id=cohort.pk)

        def cancel(enrolment: Enrolment) -> Callable[[], Any]:
            return lambda: enrolment_cancel(enrolment=enrolment, cancelled_by=enrolment.user)

        attempts: list[Callable[[], Any]] = [cancel(enrolment) for enrolment in enrolled[:3]]
        attempts += [offer_job_repeatedly for _ in range(10)]

        _, errors = run_together(attempts)

        assert errors == []
        offered = set(
            Offer.objects.filter(enrolment__cohort=cohort).values_list("enrolment_id", flat=True)
        )
        assert offered == {queue[0].pk, queue[1].pk, queue[2].pk}
        assert waiting_positions(cohort) == [1, 2, 3]
        held = Enrolment.objects.filter(
            cohort=cohort, status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED)
        ).count()
        assert held == 10
