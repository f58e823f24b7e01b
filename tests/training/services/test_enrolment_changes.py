"""Cancelling an enrolment and moving it to another cohort
(training/services/enrolment_changes.py), and the places they free."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.support.mail import emails_to
from tests.training.factories import CohortFactory, CourseFactory, EnrolmentFactory, OfferFactory
from training.errors import NoPlaceFree, NotPermitted, TrainingError, TransitionNotAllowed
from training.models import Enrolment, EnrolmentStatus, OfferStatus
from training.services import enrolment_changes as change_services

DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


class TestEnrolmentCancel:
    def test_cancelling_a_place_frees_it_for_the_waiting_list_once_committed(
        self, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(capacity=1)
        leaving = EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        with django_capture_on_commit_callbacks(execute=True):
            change_services.enrolment_cancel(enrolment=leaving, cancelled_by=leaving.user)

        leaving.refresh_from_db()
        waiting.refresh_from_db()
        assert (leaving.status, leaving.left_by) == (EnrolmentStatus.CANCELLED, leaving.user)
        assert waiting.status == EnrolmentStatus.OFFERED
        assert waiting.offer.status == OfferStatus.PENDING
        assert "cancelled your enrolment" in emails_to(leaving.user.email)[-1].body_text

    def test_leaving_the_waiting_list_closes_the_gap(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        queue = [
            EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=n) for n in (1, 2, 3)
        ]

        change_services.enrolment_cancel(enrolment=queue[0], cancelled_by=queue[0].user)

        positions = [Enrolment.objects.get(pk=e.pk).waiting_position for e in queue]
        assert positions == [None, 1, 2]

    def test_someone_taken_off_the_waiting_list_by_an_administrator_is_told_so(self, administrator):
        cohort = CohortFactory(capacity=1, course__title="Cyber for councils")
        EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        change_services.enrolment_cancel(enrolment=waiting, cancelled_by=administrator)

        (email,) = emails_to(waiting.user.email)
        assert email.subject == "You are no longer on the waiting list for Cyber for councils"
        assert "A training administrator has taken you off the waiting list" in email.body_text

    def test_cancelling_an_offer_withdraws_it(self):
        offer = OfferFactory()
        enrolment = offer.enrolment

        change_services.enrolment_cancel(enrolment=enrolment, cancelled_by=enrolment.user)

        offer.refresh_from_db()
        assert offer.status == OfferStatus.WITHDRAWN

    def test_refuses_once_the_course_has_started(self):
        now = timezone.now()
        enrolment = EnrolmentFactory(
            cohort=CohortFactory(closed=True, sessions=[now - DAY, now + DAY])
        )

        with pytest.raises(TransitionNotAllowed, match="no longer cancel"):
            change_services.enrolment_cancel(enrolment=enrolment, cancelled_by=enrolment.user)

    def test_refuses_someone_else_and_what_is_already_cancelled(self):
        enrolment = EnrolmentFactory()
        cancelled = EnrolmentFactory(cancelled=True)

        with pytest.raises(NotPermitted, match="only cancel your own"):
            change_services.enrolment_cancel(enrolment=enrolment, cancelled_by=UserFactory())
        with pytest.raises(TransitionNotAllowed, match="nothing to cancel"):
            change_services.enrolment_cancel(enrolment=cancelled, cancelled_by=cancelled.user)

    def test_a_training_administrator_may_cancel_anyones(self, administrator):
        enrolment = EnrolmentFactory()

        change_services.enrolment_cancel(enrolment=enrolment, cancelled_by=administrator)

        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.left_by) == (EnrolmentStatus.CANCELLED, administrator)


class TestEnrolmentMove:
    def test_moves_a_person_with_a_place_into_a_free_place_of_another_cohort(
        self, administrator, django_capture_on_commit_callbacks
    ):
        course = CourseFactory()
        source = CohortFactory(course=course, capacity=1)
        target = CohortFactory(course=course)
        enrolment = EnrolmentFactory(cohort=source, needs="Vegetarian")
        waiting = EnrolmentFactory(cohort=source, waiting=True, waiting_position=1)

        with django_capture_on_commit_callbacks(execute=True):
            new = change_services.enrolment_move(
                enrolment=enrolment, to_cohort=target, moved_by=administrator
            )

        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.moved_to) == (EnrolmentStatus.MOVED, new)
        assert (new.cohort, new.status, new.needs) == (
            target,
            EnrolmentStatus.ENROLLED,
            "Vegetarian",
        )
        assert Enrolment.objects.get(pk=waiting.pk).status == EnrolmentStatus.OFFERED
        assert "moved you from another cohort" in emails_to(new.user.email)[-1].body_text
        assert AuditEvent.objects.filter(verb="training.enrolment.moved").exists()

    def test_refuses_a_full_cohort_and_the_person_keeps_their_place(self, administrator):
        course = CourseFactory()
        source = CohortFactory(course=course)
        target = CohortFactory(course=course, capacity=1)
        EnrolmentFactory(cohort=target)
        enrolment = EnrolmentFactory(cohort=source)

        with pytest.raises(NoPlaceFree, match="keep their place"):
            change_services.enrolment_move(
                enrolment=enrolment, to_cohort=target, moved_by=administrator
            )

        assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ENROLLED

    def test_someone_waiting_joins_the_end_of_the_other_waiting_list(self, administrator):
        course = CourseFactory()
        source = CohortFactory(course=course, capacity=1)
        target = CohortFactory(course=course, capacity=1)
        EnrolmentFactory(cohort=target)
        EnrolmentFactory(cohort=target, waiting=True, waiting_position=1)
        waiting = EnrolmentFactory(cohort=source, waiting=True, waiting_position=1)

        new = change_services.enrolment_move(
            enrolment=waiting, to_cohort=target, moved_by=administrator
        )

        assert (new.status, new.waiting_position) == (EnrolmentStatus.WAITING, 2)

    def test_refuses_a_cohort_of_another_course(self, administrator):
        enrolment = EnrolmentFactory()

        with pytest.raises(TrainingError, match="same course"):
            change_services.enrolment_move(
                enrolment=enrolment, to_cohort=CohortFactory(), moved_by=administrator
            )
