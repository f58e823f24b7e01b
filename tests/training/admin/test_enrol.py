"""Enrolling someone by hand from a cohort's page in the admin (training/admin/enrol.py)."""

from __future__ import annotations

import pytest

from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import SignatoryFactory, member_of
from tests.support.messages import messages_of
from tests.training.admin_support import cohort_url
from tests.training.factories import CohortFactory, EnrolmentFactory, signatory_member
from training.models import Enrolment, EnrolmentStatus

pytestmark = pytest.mark.django_db


class TestEnrolByHand:
    def post(self, client, cohort, **data):
        return client.post(
            cohort_url(cohort, "enrol"),
            {"email": "", "organisation": "", "job_title": "Head of IT", **data},
        )

    def test_enrols_an_eligible_person_in_a_free_place(self, trainer, trainer_user):
        cohort = CohortFactory(capacity=2)
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email, needs="Step-free access")

        assert response.status_code == 302
        enrolment = Enrolment.objects.get(cohort=cohort, user=person)
        assert enrolment.status == EnrolmentStatus.ENROLLED
        assert enrolment.created_by == trainer_user
        assert enrolment.needs == "Step-free access"
        assert any("They have a place." in m for m in messages_of(response))

    def test_enrols_after_enrolment_closes_until_the_cohort_starts(self, trainer):
        cohort = CohortFactory(closed=True)
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 302
        assert Enrolment.objects.filter(cohort=cohort, user=person).exists()

    def test_puts_them_on_the_waiting_list_when_the_cohort_is_full(self, trainer):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 302
        enrolment = Enrolment.objects.get(cohort=cohort, user=person)
        assert (enrolment.status, enrolment.waiting_position) == (EnrolmentStatus.WAITING, 1)
        assert any("waiting list at number 1" in m for m in messages_of(response))

    def test_nobody_with_that_email(self, trainer):
        cohort = CohortFactory()

        response = self.post(trainer, cohort, email="nobody@example.gov.uk")

        assert response.status_code == 200
        assert "Nobody has an account with nobody@example.gov.uk" in " ".join(
            response.context["form"].errors["email"]
        )

    def test_someone_whose_organisation_has_not_signed(self, trainer):
        cohort = CohortFactory()
        person = MembershipFactory(organisation=OrganisationFactory()).user

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 200
        assert "cannot enrol" in " ".join(response.context["form"].errors["email"])
        assert not Enrolment.objects.filter(user=person).exists()

    def test_an_organisation_they_do_not_belong_to(self, trainer):
        cohort = CohortFactory()
        person = signatory_member()
        elsewhere = SignatoryFactory()

        response = self.post(trainer, cohort, email=person.email, organisation=elsewhere.pk)

        assert response.status_code == 200
        assert f"is not a member of {elsewhere.name}" in response.text

    def test_someone_in_two_signatories_must_say_which(self, trainer):
        cohort = CohortFactory()
        person = signatory_member()
        MembershipFactory(user=person, organisation=SignatoryFactory())

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 200
        assert "Choose which one they are enrolling for." in " ".join(
            response.context["form"].errors["organisation"]
        )

    def test_the_organisations_maximum_holds(self, trainer):
        cohort = CohortFactory(max_per_organisation=1)
        first = EnrolmentFactory(cohort=cohort)
        colleague = member_of(first.organisation)

        response = self.post(trainer, cohort, email=colleague.email)

        assert response.status_code == 200
        assert "which is the most one organisation may have" in response.text
        assert not Enrolment.objects.filter(user=colleague).exists()

    def test_someone_already_on_the_cohort(self, trainer):
        enrolment = EnrolmentFactory()

        response = self.post(trainer, enrolment.cohort, email=enrolment.user.email)

        assert response.status_code == 200
        assert "They have a place on this cohort already." in response.text

    def test_missing_details_are_named(self, trainer):
        cohort = CohortFactory()

        response = self.post(trainer, cohort, email="not an email", job_title="")

        errors = response.context["form"].errors
        assert errors["email"] == [
            "Enter an email address in the correct format, like name@example.gov.uk."
        ]
        assert errors["job_title"] == ["Enter their job title."]

    @pytest.mark.parametrize("state", ["draft", "cancelled", "past"])
    def test_a_cohort_that_takes_nobody_says_why(self, trainer, state):
        cohort = CohortFactory(**{state: True})
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 200
        assert "so nobody can be enrolled on it" in response.context["refusal"]
        assert not Enrolment.objects.filter(user=person).exists()
