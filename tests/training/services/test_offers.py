"""Offers from the waiting list: made in queue order, accepted, declined and lapsing;
raising capacity and releasing reserved places, which free places to offer."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.training.factories import CohortFactory, EnrolmentFactory, OfferFactory
from training import tasks
from training.errors import NotPermitted, TrainingError, TransitionNotAllowed
from training.models import Enrolment, EnrolmentStatus, Offer, OfferStatus
from training.services import offers as services

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def full_cohort(capacity: int = 2, waiting: int = 3, **kwargs):
    cohort = CohortFactory(capacity=capacity, **kwargs)
    held = EnrolmentFactory.create_batch(capacity, cohort=cohort)
    queue = [
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=n)
        for n in range(1, waiting + 1)
    ]
    return cohort, held, queue


def status(enrolment) -> str:
    return Enrolment.objects.get(pk=enrolment.pk).status


class TestCohortPlacesOffer:
    def test_offers_a_free_place_to_the_first_person_waiting_and_emails_the_link(self):
        cohort, held, queue = full_cohort()
        held[0].status = EnrolmentStatus.CANCELLED
        held[0].save()
        now = timezone.now()

        (offer,) = services.cohort_places_offer(cohort_id=cohort.pk, now=now)

        assert offer.enrolment == queue[0]
        assert offer.expires_at == now + 48 * HOUR
        assert [status(e) for e in queue] == ["offered", "waiting", "waiting"]
        assert [Enrolment.objects.get(pk=e.pk).waiting_position for e in queue] == [None, 1, 2]
        email = OutgoingEmail.objects.get(recipient=queue[0].user.email)
        assert f"http://testserver/account/training/offers/{offer.pk}/" in email.body_text
        assert email.subject.startswith("A place on")

    def test_running_twice_offers_the_place_once(self):
        cohort, held, _queue = full_cohort()
        held[0].status = EnrolmentStatus.CANCELLED
        held[0].save()

        assert tasks.offer_cohort_places(cohort.pk) == 1
        assert tasks.offer_cohort_places(cohort.pk) == 0

        assert Offer.objects.count() == 1
        assert OutgoingEmail.objects.filter(subject__startswith="A place on").count() == 1

    def test_the_hold_is_a_setting_and_never_runs_past_the_start(self, settings):
        settings.TRAINING_OFFER_HOLD = 4 * HOUR
        now = timezone.now()
        soon = now + 2 * HOUR
        cohort, held, _ = full_cohort(enrolment_closes_at=now + HOUR, sessions=[soon])
        later, held_later, _ = full_cohort()
        for enrolment in (held[0], held_later[0]):
            enrolment.status = EnrolmentStatus.CANCELLED
            enrolment.save()

        (offer,) = services.cohort_places_offer(cohort_id=cohort.pk, now=now)
        (offer_later,) = services.cohort_places_offer(cohort_id=later.pk, now=now)

        assert offer.expires_at == soon
        assert offer_later.expires_at == now + 4 * HOUR

    def test_offers_nothing_once_the_cohort_has_started_or_is_cancelled(self):
        now = timezone.now()
        started, held, _ = full_cohort(closed=True, sessions=[now - HOUR, now + DAY])
        held[0].status = EnrolmentStatus.CANCELLED
        held[0].save()

        assert services.cohort_places_offer(cohort_id=started.pk, now=now) == []

    def test_a_free_reserved_place_passes_over_people_of_other_organisations(self):
        cohort = CohortFactory(capacity=2, reserved=True)
        reserved_holder = EnrolmentFactory(cohort=cohort, is_priority=True, is_reserved_place=True)
        EnrolmentFactory(cohort=cohort)
        other = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        funded = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=2, is_priority=True)
        reserved_holder.status = EnrolmentStatus.CANCELLED
        reserved_holder.is_reserved_place = False
        reserved_holder.save()

        (offer,) = services.cohort_places_offer(cohort_id=cohort.pk)

        assert (offer.enrolment, offer.is_reserved_place) == (funded, True)
        assert Enrolment.objects.get(pk=other.pk).waiting_position == 1


class TestOfferAccept:
    def test_accepting_enrols_and_tells_the_line_manager(self):
        offer = OfferFactory()
        enrolment = offer.enrolment

        services.offer_accept(offer=offer, accepted_by=enrolment.user)

        offer.refresh_from_db()
        enrolment.refresh_from_db()
        assert (offer.status, enrolment.status) == (OfferStatus.ACCEPTED, EnrolmentStatus.ENROLLED)
        assert enrolment.enrolled_at is not None
        assert OutgoingEmail.objects.filter(recipient=enrolment.line_manager_email).exists()
        assert AuditEvent.objects.filter(verb="training.enrolment.offer_accepted").exists()

    def test_refuses_an_expired_answered_or_someone_elses_offer(self):
        offer = OfferFactory()
        user = offer.enrolment.user

        with pytest.raises(NotPermitted):
            services.offer_accept(offer=offer, accepted_by=UserFactory())
        with pytest.raises(TransitionNotAllowed, match="expired at"):
            services.offer_accept(offer=offer, accepted_by=user, now=offer.expires_at)
        services.offer_decline(offer=offer, declined_by=user)
        with pytest.raises(TransitionNotAllowed, match="declined already"):
            services.offer_accept(offer=offer, accepted_by=user)


def offered_to_the_first_of_two_waiting():
    """A cohort of one place, freed, and offered to the first of the two people waiting."""
    cohort, held, queue = full_cohort(capacity=1, waiting=2)
    held[0].status = EnrolmentStatus.CANCELLED
    held[0].save()
    (offer,) = services.cohort_places_offer(cohort_id=cohort.pk)
    return offer, queue


class TestOfferDecline:
    def test_declining_offers_the_place_to_the_next_person(
        self, django_capture_on_commit_callbacks
    ):
        offer, queue = offered_to_the_first_of_two_waiting()

        with django_capture_on_commit_callbacks(execute=True):
            services.offer_decline(offer=offer, declined_by=queue[0].user)

        assert [status(e) for e in queue] == ["declined", "offered"]


class TestOfferExpiry:
    def test_an_offer_lapses_at_its_time_and_the_place_goes_on(
        self, django_capture_on_commit_callbacks
    ):
        offer, queue = offered_to_the_first_of_two_waiting()

        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.expire_offers((offer.expires_at - HOUR).isoformat()) == 0
            assert tasks.expire_offers(offer.expires_at.isoformat()) == 1
            assert tasks.expire_offers(offer.expires_at.isoformat()) == 0

        offer.refresh_from_db()
        assert offer.status == OfferStatus.EXPIRED
        assert [status(e) for e in queue] == ["lapsed", "offered"]
        assert OutgoingEmail.objects.filter(subject__contains="has expired").count() == 1

    def test_the_sweep_offers_a_place_whose_task_was_lost(self):
        _cohort, held, queue = full_cohort(capacity=1, waiting=1)
        held[0].status = EnrolmentStatus.CANCELLED
        held[0].save()

        tasks.expire_offers()

        assert status(queue[0]) == "offered"


class TestCohortCapacityChange:
    def test_raising_capacity_offers_the_new_places_in_queue_order(
        self, administrator, django_capture_on_commit_callbacks
    ):
        cohort, _, queue = full_cohort(capacity=2, waiting=3)

        with django_capture_on_commit_callbacks(execute=True):
            services.cohort_capacity_change(cohort=cohort, capacity=4, changed_by=administrator)

        assert [status(e) for e in queue] == ["offered", "offered", "waiting"]
        assert Enrolment.objects.get(pk=queue[2].pk).waiting_position == 1
        event = AuditEvent.objects.get(verb="training.cohort.capacity_changed")
        assert event.data == {"from": 2, "to": 4}

    def test_refuses_fewer_places_than_are_held(self, administrator):
        cohort, _, _ = full_cohort(capacity=2)

        with pytest.raises(TrainingError, match="needs at least 2"):
            services.cohort_capacity_change(cohort=cohort, capacity=1, changed_by=administrator)

    def test_one_place_held_is_said_in_the_singular(self, administrator):
        cohort, _, _ = full_cohort(capacity=1)

        with pytest.raises(TrainingError) as refused:
            services.cohort_capacity_change(cohort=cohort, capacity=0, changed_by=administrator)

        assert str(refused.value) == (
            "1 place is taken or offered, so the cohort needs at least 1."
        )

    def test_only_a_training_administrator_may(self):
        with pytest.raises(NotPermitted):
            services.cohort_capacity_change(
                cohort=CohortFactory(), capacity=20, changed_by=UserFactory(staff=True)
            )


class TestReservedPlacesRelease:
    def test_at_release_the_free_reserved_places_go_to_the_waiting_list_in_order(self):
        now = timezone.now()
        cohort = CohortFactory(capacity=3, reserved=True, reserved_release_at=now + DAY)
        EnrolmentFactory(cohort=cohort)
        queue = [
            EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=n) for n in (1, 2, 3)
        ]

        assert tasks.release_reserved_places(now.isoformat()) == 0
        assert tasks.release_reserved_places((now + DAY).isoformat()) == 1
        assert tasks.release_reserved_places((now + DAY).isoformat()) == 0

        assert [status(e) for e in queue] == ["offered", "offered", "waiting"]
        cohort.refresh_from_db()
        assert cohort.reserved_released_at == now + DAY
        assert (
            AuditEvent.objects.filter(verb="training.cohort.reserved_places_released").count() == 1
        )
