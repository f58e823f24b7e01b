"""A published cohort's pages of their own in the admin (training/admin/cohort_pages.py): its
places, a session's time and place, and cancelling it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from localdigital.mail.models import OutgoingEmail
from tests.support.messages import messages_of
from tests.training.admin_support import DAY, cohort_url, split
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    OfferFactory,
)
from training.models import CohortSession, CohortStatus, EnrolmentStatus, Offer, OfferStatus

pytestmark = pytest.mark.django_db


class TestCapacity:
    def test_raising_it_offers_the_new_places_to_the_waiting_list(
        self, trainer, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        with django_capture_on_commit_callbacks(execute=True):
            response = trainer.post(cohort_url(cohort, "capacity"), {"capacity": "2"})

        assert response.status_code == 302
        cohort.refresh_from_db()
        waiting.refresh_from_db()
        assert cohort.capacity == 2
        assert waiting.status == EnrolmentStatus.OFFERED
        assert Offer.objects.get(enrolment=waiting).status == OfferStatus.PENDING
        assert OutgoingEmail.objects.filter(recipient=waiting.user.email).exists()

    def test_it_cannot_go_below_the_places_taken(self, trainer):
        cohort = CohortFactory(capacity=3)
        EnrolmentFactory.create_batch(2, cohort=cohort)

        response = trainer.post(cohort_url(cohort, "capacity"), {"capacity": "1"})

        assert response.status_code == 200
        assert "2 places are taken or offered, so the cohort needs at least 2." in " ".join(
            response.context["form"].errors["capacity"]
        )
        assert "There is a problem" in response.text
        cohort.refresh_from_db()
        assert cohort.capacity == 3

    @pytest.mark.parametrize(
        ("value", "message"),
        [("", "Enter the number of places."), ("lots", "whole number"), ("0", "at least 1")],
    )
    def test_what_is_not_a_number_of_places_is_refused(self, trainer, value, message):
        cohort = CohortFactory(capacity=3)

        response = trainer.post(cohort_url(cohort, "capacity"), {"capacity": value})

        assert response.status_code == 200
        assert message in response.text

    @pytest.mark.parametrize("state", ["draft", "cancelled", "past"])
    def test_a_draft_cancelled_or_completed_cohort_says_why_not(self, trainer, state):
        cohort = CohortFactory(capacity=3, **{state: True})

        response = trainer.post(cohort_url(cohort, "capacity"), {"capacity": "5"})

        assert response.status_code == 200
        assert response.context["refusal"]
        assert response.context["form"] is None
        cohort.refresh_from_db()
        assert cohort.capacity == 3


class TestSessionChange:
    def test_everyone_with_a_place_or_an_offer_is_emailed_once(self, trainer):
        cohort = CohortFactory()
        session = cohort.sessions.first()
        enrolled = EnrolmentFactory(cohort=cohort)
        offered = OfferFactory(enrolment__cohort=cohort).enrolment
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        new_start = session.starts_at + 7 * DAY

        response = trainer.post(
            cohort_url(cohort, "session", session.pk),
            {
                "starts_at_0": split(new_start)["0"],
                "starts_at_1": "10:00",
                "ends_at_0": split(new_start)["0"],
                "ends_at_1": "15:00",
                "location": "Library, Borchester",
            },
        )

        assert response.status_code == 302
        session.refresh_from_db()
        assert session.location == "Library, Borchester"
        assert timezone.localtime(session.starts_at).hour == 10
        told = set(
            OutgoingEmail.objects.filter(subject__contains="has changed").values_list(
                "recipient", flat=True
            )
        )
        assert told == {enrolled.user.email, offered.user.email}
        assert waiting.user.email not in told
        assert any("2 people are being emailed" in m for m in messages_of(response))

    def test_saving_it_unchanged_tells_nobody(self, trainer):
        start = (timezone.now() + 30 * DAY).replace(second=0, microsecond=0)
        cohort = CohortFactory(sessions=[start])
        session = cohort.sessions.first()
        EnrolmentFactory(cohort=cohort)

        response = trainer.post(
            cohort_url(cohort, "session", session.pk),
            {
                "starts_at_0": split(session.starts_at)["0"],
                "starts_at_1": split(session.starts_at)["1"],
                "ends_at_0": split(session.ends_at)["0"],
                "ends_at_1": split(session.ends_at)["1"],
                "location": session.location,
            },
        )

        assert response.status_code == 302
        assert not OutgoingEmail.objects.filter(subject__contains="has changed").exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"starts_at_0": "2030-03-03", "starts_at_1": "10:00", "ends_at_0": "2030-03-03",
                 "ends_at_1": "09:00", "location": "Hall"},
                "The session must end after it starts.",
            ),
            (
                {"starts_at_0": "2030-03-03", "starts_at_1": "10:00", "ends_at_0": "2030-03-03",
                 "ends_at_1": "15:00", "location": ""},
                "Give the venue, or tick online.",
            ),
            (
                {"starts_at_0": "not a date", "starts_at_1": "10:00", "ends_at_0": "2030-03-03",
                 "ends_at_1": "15:00", "location": "Hall"},
                "Enter a real date",
            ),
        ],
        ids=["order", "venue", "date"],
    )  # fmt: skip
    def test_a_problem_is_shown_and_nothing_changes(self, trainer, data, message):
        cohort = CohortFactory()
        session = cohort.sessions.first()

        response = trainer.post(cohort_url(cohort, "session", session.pk), data)

        assert response.status_code == 200
        assert message in response.text
        assert CohortSession.objects.get(pk=session.pk).location == session.location

    def test_a_session_that_has_taken_place_cannot_change(self, trainer):
        cohort = CohortFactory(status=CohortStatus.RUNNING, sessions=[])
        past = CohortSessionFactory(cohort=cohort, starts_at=timezone.now() - 2 * DAY)

        response = trainer.get(cohort_url(cohort, "session", past.pk))

        assert response.context["refusal"] == "This session has taken place, so it cannot change."

    def test_a_session_of_another_cohort_is_not_found(self, trainer):
        cohort = CohortFactory()
        other = CohortFactory().sessions.first()

        assert trainer.get(cohort_url(cohort, "session", other.pk)).status_code == 404


class TestCancel:
    def test_needs_a_reason_and_a_confirmation(self, trainer):
        cohort = CohortFactory()

        response = trainer.post(cohort_url(cohort, "cancel"), {"reason": ""})

        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["reason"] == [
            "Say why the cohort is cancelled: the people on it are told."
        ]
        assert form.errors["confirmed"] == ["Confirm that you want to cancel the cohort."]
        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.OPEN

    def test_cancels_and_tells_everyone_on_it_once(self, trainer):
        cohort = CohortFactory()
        enrolled = EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        response = trainer.post(
            cohort_url(cohort, "cancel"), {"reason": "The trainer is ill.", "confirmed": "on"}
        )

        assert response.status_code == 302
        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.CANCELLED
        assert cohort.cancellation_reason == "The trainer is ill."
        assert set(
            OutgoingEmail.objects.filter(subject__contains="is cancelled").values_list(
                "recipient", flat=True
            )
        ) == {enrolled.user.email, waiting.user.email}

    def test_a_cancelled_cohort_says_so(self, trainer):
        cohort = CohortFactory(cancelled=True)

        response = trainer.post(cohort_url(cohort, "cancel"), {"reason": "x", "confirmed": "on"})

        assert response.status_code == 200
        assert response.context["refusal"] == "This cohort is cancelled already."
