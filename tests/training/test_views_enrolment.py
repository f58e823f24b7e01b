"""Enrolling on a cohort from its course page: who may, the form and its errors, check your
answers, the confirmation, and every rule the service refuses shown as a GOV.UK error with
what was typed kept."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import SignatoryFactory
from tests.training.factories import CohortFactory, EnrolmentFactory, signatory_member
from training.models import Enrolment, EnrolmentStatus
from training.selectors import Eligibility

pytestmark = pytest.mark.django_db

ANSWERS = {
    "job_title": "Service designer",
    "line_manager_email": "manager@borchester.gov.uk",
    "needs": "Step-free access, please.",
    "consent": "on",
}


def enrol_url(cohort) -> str:
    return f"/training/{cohort.course.slug}/cohorts/{cohort.pk}/enrol/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_error_page(response, message: str) -> None:
    """The form is shown again, with a GOV.UK error summary saying ``message``: no 500."""
    assert response.status_code == 200
    assertContains(response, '<div class="govuk-error-summary"')
    assertContains(response, message)
    assert response.context["form"].errors


class TestWhoMayEnrol:
    def test_anyone_not_signed_in_is_sent_to_sign_in(self, client):
        cohort = CohortFactory()
        response = client.get(enrol_url(cohort))
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/")

    def test_a_member_of_an_organisation_that_has_not_signed_is_told_how_it_can(self):
        cohort = CohortFactory()
        organisation = OrganisationFactory(name="Ambridge Parish Council")
        user = MembershipFactory(organisation=organisation).user
        response = signed_in(user).get(enrol_url(cohort))
        assertContains(response, "You cannot enrol yet")
        assertContains(response, "Ambridge Parish Council has not signed the Local Digital")
        assertContains(response, 'href="http://testserver/declaration/sign/"')
        assertNotContains(response, 'name="job_title"')

    def test_someone_with_no_organisation_is_told_to_join_or_sign(self):
        from tests.accounts.factories import UserFactory

        response = signed_in(UserFactory()).get(enrol_url(CohortFactory()))
        assertContains(response, "You can enrol once you belong to an organisation")
        assertContains(response, "/declaration/sign/")

    def test_someone_waiting_for_approval_is_told_so(self):
        user = MembershipFactory(
            organisation=SignatoryFactory(name="Borchester"), pending=True
        ).user
        response = signed_in(user).get(enrol_url(CohortFactory()))
        assertContains(response, "Your request to join Borchester is waiting for its")

    def test_a_cohort_of_another_course_or_a_draft_is_not_found(self):
        user = signatory_member()
        cohort = CohortFactory()
        other = CohortFactory()
        client = signed_in(user)
        assert (
            client.get(f"/training/{other.course.slug}/cohorts/{cohort.pk}/enrol/").status_code
            == 404
        )
        assert client.get(enrol_url(CohortFactory(draft=True))).status_code == 404


class TestTheForm:
    def test_one_organisation_is_taken_as_theirs_and_the_needs_explained(self):
        organisation = SignatoryFactory(name="Borchester City Council")
        response = signed_in(signatory_member(organisation)).get(enrol_url(CohortFactory()))
        assertContains(response, "Borchester City Council")
        assertNotContains(response, 'name="organisation"')
        assertContains(response, "Only training administrators see this")
        assertContains(response, "deleted 30 days after the course ends")
        assertContains(response, "I agree to the attendance terms")

    def test_a_member_of_several_signatories_chooses(self):
        first = SignatoryFactory(name="Borchester City Council")
        second = SignatoryFactory(name="Borsetshire County Council")
        user = signatory_member(first)
        MembershipFactory(user=user, organisation=second)
        cohort = CohortFactory()
        client = signed_in(user)
        assertContains(client.get(enrol_url(cohort)), 'name="organisation"', count=2)
        response = client.post(enrol_url(cohort), ANSWERS)
        assert_error_page(response, "Select the organisation you are enrolling for")
        answers = {**ANSWERS, "organisation": str(second.pk), "confirm": "yes"}
        response = client.post(enrol_url(cohort), answers)
        assert response.status_code == 302
        assert Enrolment.objects.get(user=user).organisation == second

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"job_title": "  "}, "Enter your job title"),
            ({"job_title": "x" * 201}, "Your job title must be 200 characters or fewer"),
            ({"line_manager_email": ""}, "Enter your line manager&#x27;s email address"),
            ({"line_manager_email": "not-an-email"}, "in the correct format, like"),
            ({"needs": "x" * 2001}, "Your needs must be 2,000 characters or fewer"),
            ({"consent": ""}, "Agree to the attendance terms to enrol"),
        ],
    )
    def test_each_invalid_answer_is_a_gov_uk_error_with_the_answers_kept(self, change, message):
        cohort = CohortFactory()
        client = signed_in(signatory_member())
        answers = {key: value for key, value in {**ANSWERS, **change}.items() if value != ""}
        response = client.post(enrol_url(cohort), {**answers, "confirm": "yes"})
        assert_error_page(response, message)
        for name in ("job_title", "line_manager_email"):
            if name not in change:
                assertContains(response, f'value="{ANSWERS[name]}"')
        if "needs" not in change:
            assertContains(response, "Step-free access, please.</textarea>")
        assert not Enrolment.objects.exists()


class TestCheckAndConfirm:
    def test_continue_shows_the_answers_to_check_and_enrols_nobody_yet(self):
        cohort = CohortFactory()
        response = signed_in(signatory_member()).post(enrol_url(cohort), ANSWERS)
        assertContains(response, "Check your answers before enrolling")
        assertContains(response, "manager@borchester.gov.uk")
        assertContains(response, 'name="confirm" value="yes"')
        assert not Enrolment.objects.exists()

    def test_change_goes_back_to_the_form_with_the_answers_kept(self):
        cohort = CohortFactory()
        response = signed_in(signatory_member()).post(
            enrol_url(cohort), {**ANSWERS, "confirm": "yes", "change": "yes"}
        )
        assertContains(response, "Enrol on ")
        assertContains(response, 'value="Service designer"')
        assertNotContains(response, "govuk-error-summary")
        assert not Enrolment.objects.exists()

    def test_confirming_enrols_and_says_so(self, django_capture_on_commit_callbacks, mailoutbox):
        cohort = CohortFactory(capacity=2)
        user = signatory_member()
        client = signed_in(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(enrol_url(cohort), {**ANSWERS, "confirm": "yes"})
        enrolment = Enrolment.objects.get(user=user)
        assert enrolment.status == EnrolmentStatus.ENROLLED
        assert enrolment.needs == "Step-free access, please."
        assert enrolment.consented_at is not None
        assert response["Location"] == f"/account/training/enrolments/{enrolment.pk}/confirmation/"
        response = client.get(response["Location"])
        assertContains(response, "You are enrolled")
        assert {m.to[0] for m in mailoutbox} == {user.email, "manager@borchester.gov.uk"}

    def test_a_full_cohort_puts_them_on_the_waiting_list_at_their_position(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        client = signed_in(signatory_member())
        assertContains(client.get(enrol_url(cohort)), "This cohort is full")
        response = client.post(enrol_url(cohort), {**ANSWERS, "confirm": "yes"}, follow=True)
        assertContains(response, "You are on the waiting list")
        assertContains(response, "number 2")


class TestRulesTheServiceRefuses:
    def test_already_enrolled(self):
        cohort = CohortFactory()
        enrolment = EnrolmentFactory(cohort=cohort)
        response = signed_in(enrolment.user).post(enrol_url(cohort), {**ANSWERS, "confirm": "yes"})
        assert_error_page(response, "You have a place on this cohort already.")
        assertContains(response, 'value="Service designer"')

    def test_already_waiting(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        response = signed_in(waiting.user).post(enrol_url(cohort), {**ANSWERS, "confirm": "yes"})
        assert_error_page(response, "already on the waiting list for this cohort, at number 1")

    def test_the_organisations_maximum_reached(self):
        cohort = CohortFactory(max_per_organisation=1)
        colleague = EnrolmentFactory(cohort=cohort)
        user = signatory_member(colleague.organisation)
        response = signed_in(user).post(enrol_url(cohort), {**ANSWERS, "confirm": "yes"})
        assert_error_page(response, "which is the most one organisation may have")
        assert not Enrolment.objects.filter(user=user).exists()

    def test_enrolment_closing_after_the_form_was_opened(self):
        """The page said enrolment was open; by the time they confirm it has closed."""
        cohort = CohortFactory()
        client = signed_in(signatory_member())
        assertContains(client.get(enrol_url(cohort)), 'name="job_title"')
        cohort.enrolment_closes_at = timezone.now() - timezone.timedelta(minutes=1)
        cohort.save(update_fields=["enrolment_closes_at"])
        assertContains(client.get(enrol_url(cohort)), "You cannot enrol on this cohort")
        response = client.post(enrol_url(cohort), {**ANSWERS, "confirm": "yes"})
        assert_error_page(response, "Enrolment for this cohort closed at")
        assertContains(response, 'value="manager@borchester.gov.uk"')

    def test_a_cancelled_cohort_is_not_found(self):
        cohort = CohortFactory(cancelled=True)
        assert signed_in(signatory_member()).get(enrol_url(cohort)).status_code == 404

    def test_not_eligible_for_the_organisation_says_how_it_can_sign(self, monkeypatch):
        """Should the organisation stop being a signatory between the page and the
        submission, the service's refusal is shown with the way to sign."""
        organisation = OrganisationFactory(name="Ambridge Parish Council")
        user = MembershipFactory(organisation=organisation).user
        monkeypatch.setattr(
            "training.views.enrolment.selectors.enrolment_eligibility",
            lambda *, user: Eligibility([organisation]),
        )
        response = signed_in(user).post(enrol_url(CohortFactory()), {**ANSWERS, "confirm": "yes"})
        assert_error_page(response, "Ambridge Parish Council has not signed")
        assertContains(response, "sign the Declaration for it</a>")
        assert not Enrolment.objects.exists()
