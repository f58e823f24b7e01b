"""A person's training from their account: the enrolments on the account page, an
enrolment's page with joining instructions for enrolled people only, cancelling, answering
an offer, and the certificate. Nobody sees or acts on anyone else's (404)."""

from __future__ import annotations

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.support.clients import client_for
from tests.training.factories import (
    CohortFactory,
    EnrolmentFactory,
    OfferFactory,
    enrol,
    signatory_member,
)
from training.models import EnrolmentStatus, OfferStatus

pytestmark = pytest.mark.django_db

INSTRUCTIONS = "Meet at reception, 1 Council Street, Borchester. Bring a laptop."


def detail(enrolment) -> str:
    return f"/account/training/enrolments/{enrolment.pk}/"


class TestAccountPage:
    def test_lists_the_persons_enrolments_with_what_they_can_do(self):
        enrolled = EnrolmentFactory(cohort__course__title="Cyber for councils")
        user = enrolled.user
        waiting_cohort = CohortFactory(capacity=1, course__title="Agile delivery")
        EnrolmentFactory(cohort=waiting_cohort)
        EnrolmentFactory(
            cohort=waiting_cohort,
            user=user,
            organisation=enrolled.organisation,
            waiting=True,
            waiting_position=1,
        )
        offer = OfferFactory(
            enrolment__user=user,
            enrolment__organisation=enrolled.organisation,
            enrolment__cohort__course__title="Digital leadership",
        )
        EnrolmentFactory(cohort__course__title="Someone else's course")
        response = client_for(user).get("/account/")
        assertContains(response, f'href="{detail(enrolled)}">Cyber for councils</a>')
        assertContains(response, "Number 1 on the waiting list")
        assertContains(response, f'href="/account/training/offers/{offer.pk}/"')
        assertContains(response, f'href="{detail(enrolled)}cancel/"')
        assertNotContains(response, "Someone else&#x27;s course")

    def test_says_when_there_are_none(self):
        response = client_for(signatory_member()).get("/account/")
        assertContains(response, "You have not enrolled on a course.")
        assertContains(response, 'href="/training/">See the courses you can take</a>')


class TestEnrolmentPage:
    def test_an_enrolled_person_sees_the_joining_instructions(self):
        enrolment = EnrolmentFactory()
        response = client_for(enrolment.user).get(detail(enrolment))
        assertContains(response, "Joining instructions")
        assertContains(response, INSTRUCTIONS)
        assertContains(response, "Cancel your enrolment")

    def test_someone_waiting_sees_their_position_and_no_joining_instructions(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        enrolment = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        response = client_for(enrolment.user).get(detail(enrolment))
        assertContains(response, "You are number 1 on the waiting list.")
        assertNotContains(response, INSTRUCTIONS)

    def test_someone_offered_a_place_is_sent_to_answer_it(self):
        offer = OfferFactory()
        response = client_for(offer.enrolment.user).get(detail(offer.enrolment))
        assertContains(response, f'href="/account/training/offers/{offer.pk}/"')
        assertNotContains(response, INSTRUCTIONS)

    def test_a_completed_person_is_given_the_certificate(self):
        enrolment = EnrolmentFactory(cohort=CohortFactory(past=True), completed=True)
        response = client_for(enrolment.user).get(detail(enrolment))
        assertContains(response, f'href="{detail(enrolment)}certificate/"')
        assertNotContains(response, "Cancel your enrolment")

    def test_anyone_elses_is_not_found(self):
        enrolment = EnrolmentFactory()
        client = client_for(signatory_member())
        for suffix in ("", "confirmation/", "cancel/", "certificate/"):
            assert client.get(detail(enrolment) + suffix).status_code == 404


class TestCancel:
    def test_asks_to_confirm_then_cancels_and_offers_the_place(
        self, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(capacity=1)
        enrolment = EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        client = client_for(enrolment.user)
        response = client.get(detail(enrolment) + "cancel/")
        assertContains(response, "Are you sure you want to cancel your enrolment?")
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(detail(enrolment) + "cancel/", follow=True)
        assertContains(response, "You have cancelled your enrolment on")
        enrolment.refresh_from_db()
        waiting.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.CANCELLED
        assert waiting.status == EnrolmentStatus.OFFERED

    def test_once_the_cohort_has_started_it_cannot_be_cancelled(self):
        now = datetime.datetime.now(datetime.UTC)
        cohort = CohortFactory(sessions=[now - datetime.timedelta(hours=1)])
        enrolment = EnrolmentFactory(cohort=cohort)
        client = client_for(enrolment.user)
        response = client.post(detail(enrolment) + "cancel/", follow=True)
        assertContains(response, "You can no longer cancel your enrolment.")
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED

    def test_nobody_can_cancel_anyone_elses(self):
        enrolment = EnrolmentFactory()
        response = client_for(signatory_member()).post(detail(enrolment) + "cancel/")
        assert response.status_code == 404
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED


def offer_url(offer) -> str:
    return f"/account/training/offers/{offer.pk}/"


class TestOffer:
    def test_accepting_enrols(self, mailoutbox):
        offer = OfferFactory()
        client = client_for(offer.enrolment.user)
        response = client.get(offer_url(offer))
        assertContains(response, "Do you want this place?")
        response = client.post(offer_url(offer), {"answer": "accept"}, follow=True)
        assertContains(response, "You have accepted your place on")
        assertContains(response, INSTRUCTIONS)
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ACCEPTED
        assert offer.enrolment.status == EnrolmentStatus.ENROLLED

    def test_declining_gives_the_place_up(self):
        offer = OfferFactory()
        response = client_for(offer.enrolment.user).post(
            offer_url(offer), {"answer": "decline"}, follow=True
        )
        assertContains(response, "You have declined the place on")
        offer.refresh_from_db()
        assert offer.status == OfferStatus.DECLINED

    def test_no_answer_is_a_gov_uk_error(self):
        offer = OfferFactory()
        response = client_for(offer.enrolment.user).post(offer_url(offer), {})
        assertContains(response, '<div class="govuk-error-summary"')
        assertContains(response, "Select whether you want the place")

    def test_an_expired_offer_says_so_and_cannot_be_accepted(self):
        offer = OfferFactory(
            offered_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=50)
        )
        client = client_for(offer.enrolment.user)
        response = client.get(offer_url(offer))
        assertContains(response, "This offer expired at")
        assertNotContains(response, "Do you want this place?")
        response = client.post(offer_url(offer), {"answer": "accept"})
        assertContains(response, "This offer expired at")
        offer.refresh_from_db()
        assert offer.status == OfferStatus.PENDING
        assert offer.enrolment.status == EnrolmentStatus.OFFERED

    def test_an_answered_offer_says_so(self):
        offer = OfferFactory(
            status=OfferStatus.ACCEPTED, answered_at=datetime.datetime.now(datetime.UTC)
        )
        response = client_for(offer.enrolment.user).get(offer_url(offer))
        assertContains(response, "This offer is accepted.")

    def test_nobody_can_see_or_answer_anyone_elses(self):
        offer = OfferFactory()
        client = client_for(signatory_member())
        assert client.get(offer_url(offer)).status_code == 404
        assert client.post(offer_url(offer), {"answer": "accept"}).status_code == 404
        offer.refresh_from_db()
        assert offer.status == OfferStatus.PENDING


class TestCertificate:
    def test_a_completed_person_gets_a_printable_certificate(self):
        enrolment = EnrolmentFactory(
            cohort=CohortFactory(past=True, course__title="Cyber for councils"),
            completed=True,
            user=UserFactory(full_name="Pat Practitioner"),
        )
        response = client_for(enrolment.user).get(detail(enrolment) + "certificate/")
        assertContains(response, "Certificate of completion")
        assertContains(response, "Pat Practitioner")
        assertContains(response, "Cyber for councils")
        assertContains(response, enrolment.organisation.name)
        assertContains(response, f"LD-T-{enrolment.cohort_id}-{enrolment.pk}")
        assertContains(response, "training/training.css")

    @pytest.mark.parametrize("state", ["enrolled", "no_show"])
    def test_there_is_none_before_completing(self, state):
        enrolment = EnrolmentFactory(**({state: True} if state != "enrolled" else {}))
        response = client_for(enrolment.user).get(detail(enrolment) + "certificate/")
        assert response.status_code == 404

    def test_nobody_sees_anyone_elses(self):
        enrolment = EnrolmentFactory(cohort=CohortFactory(past=True), completed=True)
        response = client_for(signatory_member()).get(detail(enrolment) + "certificate/")
        assert response.status_code == 404


class TestLeavingTheWaitingList:
    """Someone waiting has no place to cancel: everywhere they are offered to leave the
    waiting list, and told they have left it."""

    def waiting(self):
        cohort = CohortFactory(capacity=1, course__title="Agile delivery")
        EnrolmentFactory(cohort=cohort)
        return EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

    def test_the_account_page_offers_to_leave_the_waiting_list(self):
        enrolment = self.waiting()
        response = client_for(enrolment.user).get("/account/")
        assertContains(
            response,
            f'href="{detail(enrolment)}cancel/">Leave the waiting list'
            '<span class="govuk-visually-hidden"> for Agile delivery</span>',
        )
        assertNotContains(response, "Cancel<span")

    def test_the_enrolment_page_and_the_confirmation_say_leave_the_waiting_list(self):
        enrolment = self.waiting()
        client = client_for(enrolment.user)
        response = client.get(detail(enrolment))
        assertContains(response, ">Leave the waiting list</a>")
        assertNotContains(response, "Cancel your enrolment")
        response = client.get(detail(enrolment) + "confirmation/")
        assertContains(response, f'<a class="govuk-link" href="{detail(enrolment)}">leave the')

    def test_leaving_asks_to_confirm_and_says_it_is_done(self):
        enrolment = self.waiting()
        client = client_for(enrolment.user)
        response = client.get(detail(enrolment) + "cancel/")
        assertContains(response, "Are you sure you want to leave the waiting list?")
        assertContains(response, "Yes, leave the waiting list")
        assertNotContains(response, "cancel your enrolment")
        response = client.post(detail(enrolment) + "cancel/")
        assert response.status_code == 302
        response = client.get(response["Location"])
        assertContains(response, "You have left the waiting list for Agile delivery")
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.CANCELLED
        (email,) = OutgoingEmail.objects.filter(recipient=enrolment.user.email)
        assert email.subject == "You have left the waiting list for Agile delivery"
        assert "You have left the waiting list for Agile delivery" in email.body_text

    def test_someone_with_a_place_still_cancels_their_enrolment(self):
        enrolment = EnrolmentFactory(cohort__course__title="Agile delivery")
        client = client_for(enrolment.user)
        assertContains(client.get(detail(enrolment)), "Cancel your enrolment")
        client.post(detail(enrolment) + "cancel/")
        (email,) = OutgoingEmail.objects.filter(recipient=enrolment.user.email)
        assert email.subject == "You have cancelled your place on Agile delivery"

    def test_the_waiting_list_email_says_how_to_leave_it(self):
        cohort = CohortFactory(capacity=1, course__title="Agile delivery")
        EnrolmentFactory(cohort=cohort)
        user = signatory_member()
        enrol(cohort, user)
        (email,) = OutgoingEmail.objects.filter(recipient=user.email)
        assert "You can leave the waiting list from your account" in email.body_text
        assert "cancel" not in email.body_text.lower()
