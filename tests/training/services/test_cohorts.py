"""Publishing and cancelling cohorts, changing a session, and the status job."""

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
from training.models import (
    CohortStatus,
    EnrolmentReminder,
    EnrolmentStatus,
    OfferStatus,
    ReminderKind,
    SessionChange,
    SessionChangeNotice,
)
from training.services import cohorts as services

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


class TestCohortPublish:
    def test_publishes_a_draft_with_sessions(self, administrator):
        cohort = CohortFactory(draft=True)

        services.cohort_publish(cohort=cohort, published_by=administrator)

        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.OPEN and cohort.published_at is not None

    def test_refuses_a_draft_without_sessions_or_one_already_open(self, administrator):
        with pytest.raises(TrainingError, match="Add the cohort's sessions"):
            services.cohort_publish(
                cohort=CohortFactory(draft=True, sessions=[]), published_by=administrator
            )
        with pytest.raises(TransitionNotAllowed, match="not a draft"):
            services.cohort_publish(cohort=CohortFactory(), published_by=administrator)


class TestCohortCancel:
    def test_everyone_enrolled_offered_or_waiting_is_told_once(self, administrator):
        cohort = CohortFactory(capacity=2)
        enrolled = EnrolmentFactory(cohort=cohort)
        offer = OfferFactory(enrolment__cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        cancelled = EnrolmentFactory(cohort=cohort, cancelled=True)

        services.cohort_cancel(
            cohort=cohort, reason="The trainer is ill.", cancelled_by=administrator
        )

        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.CANCELLED
        told = {enrolled.user.email, offer.enrolment.user.email, waiting.user.email}
        emails = OutgoingEmail.objects.filter(subject__endswith="is cancelled")
        assert sorted(emails.values_list("recipient", flat=True)) == sorted(told)
        assert all("The trainer is ill." in email.body_text for email in emails)
        for enrolment in (enrolled, offer.enrolment, waiting):
            enrolment.refresh_from_db()
            assert (enrolment.status, enrolment.waiting_position) == (
                EnrolmentStatus.COHORT_CANCELLED,
                None,
            )
        offer.refresh_from_db()
        assert offer.status == OfferStatus.WITHDRAWN
        cancelled.refresh_from_db()
        assert cancelled.status == EnrolmentStatus.CANCELLED
        assert EnrolmentReminder.objects.filter(kind=ReminderKind.COHORT_CANCELLED).count() == 3

        with pytest.raises(TransitionNotAllowed, match="cancelled already"):
            services.cohort_cancel(cohort=cohort, reason="Again", cancelled_by=administrator)
        assert OutgoingEmail.objects.filter(subject__endswith="is cancelled").count() == 3

    def test_needs_a_reason_and_a_training_administrator(self, administrator):
        with pytest.raises(TrainingError, match="Say why"):
            services.cohort_cancel(cohort=CohortFactory(), reason=" ", cancelled_by=administrator)
        with pytest.raises(NotPermitted):
            services.cohort_cancel(
                cohort=CohortFactory(), reason="Ill", cancelled_by=UserFactory(staff=True)
            )


class TestCohortSessionChange:
    def test_everyone_enrolled_or_offered_is_emailed_once_with_the_change(self, administrator):
        cohort = CohortFactory()
        enrolled = EnrolmentFactory(cohort=cohort)
        offer = OfferFactory(enrolment__cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        session = cohort.sessions.first()
        starts_at = session.starts_at + DAY

        change = services.cohort_session_change(
            session=session,
            starts_at=starts_at,
            ends_at=starts_at + 3 * HOUR,
            location="",
            is_online=True,
            changed_by=administrator,
        )

        assert change is not None
        emails = OutgoingEmail.objects.filter(subject__contains="has changed")
        assert sorted(emails.values_list("recipient", flat=True)) == sorted(
            [enrolled.user.email, offer.enrolment.user.email]
        )
        body = emails.first().body_text
        assert "It was: " in body and "Committee Room 2" in body
        assert "It is now: " in body and ": Online" in body
        assert SessionChangeNotice.objects.filter(change=change).count() == 2
        session.refresh_from_db()
        assert (session.starts_at, session.is_online) == (starts_at, True)

    def test_no_change_sends_nothing(self, administrator):
        session = EnrolmentFactory().cohort.sessions.first()

        assert (
            services.cohort_session_change(
                session=session,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                location=session.location,
                is_online=False,
                changed_by=administrator,
            )
            is None
        )
        assert not SessionChange.objects.exists()
        assert not OutgoingEmail.objects.filter(subject__contains="has changed").exists()

    def test_refuses_a_session_that_has_taken_place_or_nonsense_times(self, administrator):
        now = timezone.now()
        cohort = CohortFactory(closed=True, sessions=[now - 2 * DAY, now + DAY])
        past = cohort.sessions.order_by("starts_at").first()

        with pytest.raises(TransitionNotAllowed, match="has taken place"):
            services.cohort_session_change(
                session=past,
                starts_at=now + DAY,
                ends_at=now + DAY + HOUR,
                location="Hall",
                is_online=False,
                changed_by=administrator,
            )
        with pytest.raises(TrainingError, match="must end after it starts"):
            services.cohort_session_change(
                session=past,
                starts_at=now + DAY,
                ends_at=now + DAY,
                location="Hall",
                is_online=False,
                changed_by=administrator,
            )


class TestCohortStatusesAdvance:
    def test_cohorts_close_start_and_complete_as_their_dates_pass(self):
        now = timezone.now()
        cohort = CohortFactory(sessions=[now + 30 * DAY, now + 31 * DAY])
        closes = cohort.enrolment_closes_at

        assert tasks.advance_cohort_statuses((closes - HOUR).isoformat()) == 0
        tasks.advance_cohort_statuses(closes.isoformat())
        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.CLOSED
        tasks.advance_cohort_statuses((now + 30 * DAY).isoformat())
        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.RUNNING
        tasks.advance_cohort_statuses((now + 32 * DAY).isoformat())
        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.COMPLETED
        assert tasks.advance_cohort_statuses((now + 32 * DAY).isoformat()) == 0
        assert AuditEvent.objects.filter(verb__startswith="training.cohort.").count() == 3

    def test_a_cancelled_cohort_stays_cancelled(self):
        cohort = CohortFactory(cancelled=True)

        tasks.advance_cohort_statuses((timezone.now() + 90 * DAY).isoformat())

        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.CANCELLED
