"""Enrolling on a cohort from its course page: who may, the form and its errors, check your
answers, the confirmation, and every rule the service refuses shown as a GOV.UK error with
what was typed kept. Each step that succeeds redirects (Post/Redirect/Get)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import SignatoryFactory
from tests.support.clients import client_for
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


def check_url(cohort) -> str:
    return enrol_url(cohort) + "check/"


def answers_given(client: Client, cohort, answers: dict | None = None) -> None:
    """Fill in the form: it keeps the answers and sends the person on to check them."""
    response = client.post(enrol_url(cohort), answers or ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == check_url(cohort)


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
        response = client_for(user).get(enrol_url(cohort))
        assertContains(response, "You cannot enrol yet")
        assertContains(response, "Ambridge Parish Council has not signed the Local Digital")
        assertContains(response, 'href="http://testserver/declaration/sign/"')
        assertNotContains(response, 'name="job_title"')

    def test_someone_with_no_organisation_is_told_to_join_or_sign(self):
        from tests.accounts.factories import UserFactory

        response = client_for(UserFactory()).get(enrol_url(CohortFactory()))
        assertContains(response, "You can enrol once you belong to an organisation")
        assertContains(response, "/declaration/sign/")

    def test_someone_waiting_for_approval_is_told_so(self):
        user = MembershipFactory(
            organisation=SignatoryFactory(name="Borchester"), pending=True
        ).user
        response = client_for(user).get(enrol_url(CohortFactory()))
        assertContains(response, "Your request to join Borchester is waiting for its")

    def test_a_cohort_of_another_course_or_a_draft_is_not_found(self):
        user = signatory_member()
        cohort = CohortFactory()
        other = CohortFactory()
        client = client_for(user)
        assert (
            client.get(f"/training/{other.course.slug}/cohorts/{cohort.pk}/enrol/").status_code
            == 404
        )
        assert client.get(enrol_url(CohortFactory(draft=True))).status_code == 404


class TestTheForm:
    def test_one_organisation_is_taken_as_theirs_and_the_needs_explained(self):
        organisation = SignatoryFactory(name="Borchester City Council")
        response = client_for(signatory_member(organisation)).get(enrol_url(CohortFactory()))
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
        client = client_for(user)
        assertContains(client.get(enrol_url(cohort)), 'name="organisation"', count=2)
        response = client.post(enrol_url(cohort), ANSWERS)
        assert_error_page(response, "Select the organisation you are enrolling for")
        answers_given(client, cohort, {**ANSWERS, "organisation": str(second.pk)})
        check = client.get(check_url(cohort))
        assertContains(check, "Borsetshire County Council")
        assertContains(check, "You will have a place for Borsetshire County Council.")
        response = client.post(check_url(cohort))
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
        client = client_for(signatory_member())
        answers = {key: value for key, value in {**ANSWERS, **change}.items() if value != ""}
        response = client.post(enrol_url(cohort), answers)
        assert_error_page(response, message)
        for name in ("job_title", "line_manager_email"):
            if name not in change:
                assertContains(response, f'value="{ANSWERS[name]}"')
        if "needs" not in change:
            assertContains(response, "Step-free access, please.</textarea>")
        assert not Enrolment.objects.exists()
        # Nothing is kept to check: checking sends them back to the form.
        response = client.get(check_url(cohort))
        assert response["Location"] == enrol_url(cohort)


class TestCheckAndConfirm:
    def test_continue_keeps_the_answers_to_check_and_enrols_nobody_yet(self):
        cohort = CohortFactory()
        client = client_for(signatory_member())
        answers_given(client, cohort)
        response = client.get(check_url(cohort))
        assertContains(response, "Check your answers before enrolling")
        assertContains(response, "manager@borchester.gov.uk")
        assertContains(response, "Step-free access, please.")
        assertContains(response, "You will have a place for")
        assertContains(response, ">Enrol</button>")
        assertNotContains(response, 'type="hidden" name="job_title"')
        assert not Enrolment.objects.exists()

    def test_change_goes_back_to_the_form_with_the_answers_kept(self):
        cohort = CohortFactory()
        client = client_for(signatory_member())
        answers_given(client, cohort)
        check = client.get(check_url(cohort))
        assertContains(
            check,
            f'href="{enrol_url(cohort)}">Change<span class="govuk-visually-hidden"> your job title',
        )
        response = client.get(enrol_url(cohort))
        assertContains(response, "Enrol on ")
        assertContains(response, 'value="Service designer"')
        assertContains(response, 'value="manager@borchester.gov.uk"')
        assertContains(response, "Step-free access, please.</textarea>")
        assertNotContains(response, "govuk-error-summary")
        answers_given(client, cohort, {**ANSWERS, "job_title": "Head of digital"})
        assertContains(client.get(check_url(cohort)), "Head of digital")
        assert not Enrolment.objects.exists()

    def test_checking_without_answers_goes_to_the_form(self):
        cohort = CohortFactory()
        response = client_for(signatory_member()).get(check_url(cohort))
        assert response.status_code == 302
        assert response["Location"] == enrol_url(cohort)

    def test_confirming_enrols_and_says_so(self, django_capture_on_commit_callbacks, mailoutbox):
        cohort = CohortFactory(capacity=2)
        user = signatory_member()
        client = client_for(user)
        answers_given(client, cohort)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(check_url(cohort))
        enrolment = Enrolment.objects.get(user=user)
        assert enrolment.status == EnrolmentStatus.ENROLLED
        assert enrolment.needs == "Step-free access, please."
        assert enrolment.consented_at is not None
        assert response["Location"] == f"/account/training/enrolments/{enrolment.pk}/confirmation/"
        response = client.get(response["Location"])
        assertContains(response, "You are enrolled")
        assert {m.to[0] for m in mailoutbox} == {user.email, "manager@borchester.gov.uk"}

    def test_back_to_check_your_answers_after_enrolling_says_where_they_stand(self):
        """The answers are forgotten once used: the page Back returns to says they are on
        the cohort, and nothing can be sent twice."""
        cohort = CohortFactory(capacity=2)
        user = signatory_member()
        client = client_for(user)
        answers_given(client, cohort)
        client.post(check_url(cohort))
        response = client.get(check_url(cohort))
        assert response.status_code == 200
        assertContains(response, "You are already on this cohort")
        assertContains(response, "You have a place on this cohort.")
        assertNotContains(response, 'class="govuk-button"')
        client.post(check_url(cohort))
        assert Enrolment.objects.filter(user=user).count() == 1

    def test_a_full_cohort_puts_them_on_the_waiting_list_at_their_position(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        client = client_for(signatory_member())
        assertContains(
            client.get(enrol_url(cohort)),
            "Every place is taken. You can join the waiting list, at number 2.",
        )
        answers_given(client, cohort)
        check = client.get(check_url(cohort))
        assertContains(check, "Every place is taken. You will join the waiting list, at number 2.")
        assertContains(check, ">Join the waiting list</button>")
        response = client.post(check_url(cohort), follow=True)
        assertContains(response, "You are on the waiting list")
        assertContains(response, "number 2")
        assertContains(response, "leave the waiting list</a>")


class TestRulesTheServiceRefuses:
    def test_already_enrolled(self):
        cohort = CohortFactory()
        enrolment = EnrolmentFactory(cohort=cohort)
        client = client_for(enrolment.user)
        response = client.get(enrol_url(cohort))
        assertContains(response, "You have a place on this cohort.")
        assertContains(response, f'href="/account/training/enrolments/{enrolment.pk}/"')
        assertNotContains(response, 'name="job_title"')
        assertContains(client.post(check_url(cohort)), "You are already on this cohort")
        assert Enrolment.objects.filter(user=enrolment.user).count() == 1

    def test_already_waiting(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        response = client_for(waiting.user).get(enrol_url(cohort))
        assertContains(response, "You are number 1 on the waiting list for this cohort.")

    def test_the_organisations_maximum_reached_while_checking(self):
        """A colleague takes the organisation's last place between the check page and the
        button: the service's refusal is shown on the form, with the answers kept."""
        cohort = CohortFactory(max_per_organisation=1)
        organisation = SignatoryFactory(name="Borchester City Council")
        user = signatory_member(organisation)
        client = client_for(user)
        answers_given(client, cohort)
        EnrolmentFactory(cohort=cohort, organisation=organisation)
        response = client.post(check_url(cohort))
        assert_error_page(response, "which is the most one organisation may have")
        assertContains(response, 'value="Service designer"')
        assertContains(response, f'action="{enrol_url(cohort)}"')
        assert not Enrolment.objects.filter(user=user).exists()

    def test_the_organisations_maximum_reached_before_starting(self):
        cohort = CohortFactory(max_per_organisation=1)
        colleague = EnrolmentFactory(cohort=cohort)
        user = signatory_member(colleague.organisation)
        client = client_for(user)
        response = client.get(enrol_url(cohort))
        assertContains(response, "which is the most one organisation may have")
        answers_given(client, cohort)
        check = client.get(check_url(cohort))
        assertContains(check, "which is the most one organisation may have")
        assertNotContains(check, 'class="govuk-button"')
        assert_error_page(client.post(check_url(cohort)), "the most one organisation may have")
        assert not Enrolment.objects.filter(user=user).exists()

    def test_enrolment_closing_after_the_form_was_opened(self):
        """The page said enrolment was open; by the time they confirm it has closed."""
        cohort = CohortFactory()
        client = client_for(signatory_member())
        assertContains(client.get(enrol_url(cohort)), 'name="job_title"')
        answers_given(client, cohort)
        cohort.enrolment_closes_at = timezone.now() - timezone.timedelta(minutes=1)
        cohort.save(update_fields=["enrolment_closes_at"])
        assertContains(client.get(enrol_url(cohort)), "You cannot enrol on this cohort")
        assertContains(client.get(check_url(cohort)), "You cannot enrol on this cohort")
        response = client.post(check_url(cohort))
        assert_error_page(response, "Enrolment for this cohort closed at")
        assertContains(response, 'value="manager@borchester.gov.uk"')

    def test_a_cancelled_cohort_is_not_found(self):
        cohort = CohortFactory(cancelled=True)
        client = client_for(signatory_member())
        assert client.get(enrol_url(cohort)).status_code == 404
        assert client.get(check_url(cohort)).status_code == 404

    def test_not_eligible_for_the_organisation_says_how_it_can_sign(self, monkeypatch):
        """Should the organisation stop being a signatory between the page and the
        submission, the service's refusal is shown with the way to sign."""
        organisation = OrganisationFactory(name="Ambridge Parish Council")
        user = MembershipFactory(organisation=organisation).user
        monkeypatch.setattr(
            "training.views.enrolment.selectors.enrolment_eligibility",
            lambda *, user: Eligibility([organisation]),
        )
        cohort = CohortFactory()
        client = client_for(user)
        answers_given(client, cohort)
        response = client.post(check_url(cohort))
        assert_error_page(response, "Ambridge Parish Council has not signed")
        assertContains(response, "sign the Declaration for it</a>")
        assert not Enrolment.objects.exists()
