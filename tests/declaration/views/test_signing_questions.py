"""Each question of the signing journey, its errors and where it leads."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from declaration.errors import TransitionNotAllowed
from declaration.models import Signing
from declaration.services import signing as services
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.declaration.support import (
    DIGITAL_LEAD,
    ORGANISATION_DETAILS,
    PROJECT,
    SENIOR_LEADER,
    assert_error,
    step_url,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


class TestOrganisationQuestion:
    def test_offers_open_organisations_in_a_plain_select_with_autocomplete(
        self, signer_client, draft
    ):
        OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")
        OrganisationFactory(name="Old Borsetshire", slug="old", closed=True)

        response = signer_client.get(step_url("organisation", draft))

        assertContains(response, '<option value="borsetshire">Borsetshire County Council</option>')
        assertNotContains(response, "Old Borsetshire")
        assertContains(response, "data-organisation-autocomplete")
        assertContains(response, "accessible-autocomplete.min.js")
        assertContains(response, "js/organisation-autocomplete.js")
        assertContains(response, "accessible-autocomplete.min.css")
        assertContains(response, "My organisation is not listed")

    def test_saves_the_choice_and_asks_the_role(self, signer_client, draft):
        organisation = OrganisationFactory(slug="borsetshire")

        response = signer_client.post(
            step_url("organisation", draft), {"organisation": "borsetshire"}
        )

        assertRedirects(response, step_url("role", draft))
        assert Signing.objects.get(pk=draft.pk).organisation == organisation

    def test_shows_an_error_when_nothing_is_chosen(self, signer_client, draft):
        response = signer_client.post(step_url("organisation", draft), {"organisation": ""})

        assert_error(response, "Select your organisation")
        assert Signing.objects.get(pk=draft.pk).organisation is None

    def test_shows_an_error_when_the_choice_is_not_on_the_list(self, signer_client, draft):
        OrganisationFactory(slug="old", closed=True)

        response = signer_client.post(step_url("organisation", draft), {"organisation": "old"})

        assert_error(response, "Select your organisation from the list")

    def test_keeps_the_earlier_choice_when_the_signer_comes_back(self, signer_client, draft):
        OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")
        signer_client.post(step_url("organisation", draft), {"organisation": "borsetshire"})

        response = signer_client.get(step_url("organisation", draft))

        assertContains(
            response, '<option value="borsetshire" selected>Borsetshire County Council</option>'
        )

    @pytest.mark.parametrize("trait", ["submitted", "published"])
    def test_shows_the_already_signed_page_when_the_organisation_has_signed(
        self, signer_client, draft, trait
    ):
        organisation = OrganisationFactory(slug="borsetshire")
        SigningFactory(organisation=organisation, **({trait: True} if trait == "submitted" else {}))

        response = signer_client.post(
            step_url("organisation", draft), {"organisation": "borsetshire"}
        )

        assertRedirects(
            response,
            f"{reverse('declaration:sign-already-signed', args=['borsetshire'])}"
            f"?reference={draft.reference}",
        )
        assert Signing.objects.get(pk=draft.pk).organisation is None


class TestOrganisationDetailsQuestion:
    VALID = ORGANISATION_DETAILS

    def test_saves_the_described_organisation_and_asks_the_role(self, signer_client, draft):
        response = signer_client.post(step_url("organisation-details", draft), self.VALID)

        assertRedirects(response, step_url("role", draft))
        stored = Signing.objects.get(pk=draft.pk)
        assert stored.proposed_name == "Borsetshire Fire and Rescue Service"
        assert stored.proposed_website == "https://www.borsetshire-fire.example"
        assert stored.is_organisation_unlisted

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("name", "", "Enter the name of your organisation"),
            ("name", "x" * 201, "Organisation name must be 200 characters or fewer"),
            ("organisation_type", "", "Select the type of organisation"),
            ("organisation_type", "castle", "Select a valid choice"),
            ("website", "", "Enter your organisation&#x27;s website"),
            ("website", "not a website", "Enter a website address in the correct format"),
            ("region", "", "Select the region your organisation works in"),
            ("region", "Atlantis", "Select a valid choice"),
        ],
    )
    def test_shows_an_error_and_keeps_the_other_answers_when_invalid(
        self, signer_client, draft, field, value, message
    ):
        response = signer_client.post(
            step_url("organisation-details", draft), {**self.VALID, field: value}
        )

        assert_error(response, message)
        if field != "name":
            assertContains(response, 'value="Borsetshire Fire and Rescue Service"')
        assert Signing.objects.get(pk=draft.pk).proposed_name == ""


class TestRoleQuestion:
    def test_saves_the_role_and_asks_about_the_senior_leader(self, signer_client, draft):
        response = signer_client.post(step_url("role", draft), {"signer_role": "Head of digital"})

        assertRedirects(response, step_url("senior-leader", draft))
        assert Signing.objects.get(pk=draft.pk).signer_role == "Head of digital"

    def test_carries_on_without_a_word_when_the_email_domain_does_not_match(self, draft):
        """The flag is for staff: the signer is not told."""
        organisation = OrganisationFactory(email_domains=["borsetshire.gov.uk"])
        Signing.objects.filter(pk=draft.pk).update(organisation=organisation)

        response = client_for(draft.signer).post(
            step_url("role", draft), {"signer_role": "Clerk"}, follow=True
        )

        assert response.status_code == 200
        assertNotContains(response, "flag")
        assertNotContains(response, "domain")

    def test_shows_an_error_when_empty(self, signer_client, draft):
        response = signer_client.post(step_url("role", draft), {"signer_role": "  "})

        assert_error(response, "Enter your role")

    def test_shows_an_error_and_keeps_the_answer_when_too_long(self, signer_client, draft):
        response = signer_client.post(step_url("role", draft), {"signer_role": "r" * 201})

        assert_error(response, "Your role must be 200 characters or fewer")
        assertContains(response, "r" * 201)

    def test_sends_the_signer_to_their_account_when_it_was_submitted_meanwhile(
        self, signer_client, draft, monkeypatch
    ):
        """Submitted from another tab between loading the draft and saving: no 500."""

        def submitted_meanwhile(**kwargs):
            raise TransitionNotAllowed("submitted")

        monkeypatch.setattr(services, "signing_answers_save", submitted_meanwhile)

        response = signer_client.post(step_url("role", draft), {"signer_role": "Clerk"})

        assertRedirects(response, reverse("pages:account"), fetch_redirect_response=False)

    def test_goes_back_to_the_organisation_details_when_the_organisation_is_unlisted(self):
        signing = SigningFactory(draft=True, unlisted=True)

        response = client_for(signing.signer).get(step_url("role", signing))

        assertContains(response, f'href="{step_url("organisation-details", signing)}"')


class TestSeniorLeaderQuestion:
    VALID = SENIOR_LEADER

    def test_saves_the_senior_leader_and_asks_about_the_digital_lead(self, signer_client, draft):
        response = signer_client.post(
            step_url("senior-leader", draft),
            {**self.VALID, "elected_member_name": "Cllr Sam Lee", "elected_member_role": "Leader"},
        )

        assertRedirects(response, step_url("digital-lead", draft))
        stored = Signing.objects.get(pk=draft.pk)
        assert (stored.senior_leader_name, stored.elected_member_role) == ("Pat Jones", "Leader")

    def test_saves_without_an_elected_member(self, signer_client, draft):
        response = signer_client.post(step_url("senior-leader", draft), self.VALID)

        assertRedirects(response, step_url("digital-lead", draft))

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"senior_leader_name": ""}, "Enter the senior leader's full name"),
            ({"senior_leader_job_title": ""}, "Enter the senior leader's job title"),
            ({"elected_member_name": "Cllr Sam Lee"}, "Enter the elected member's role"),
            ({"elected_member_role": "Leader"}, "Enter the elected member's full name"),
        ],
    )
    def test_shows_an_error_and_keeps_the_answers_when_invalid(
        self, signer_client, draft, changes, message
    ):
        response = signer_client.post(step_url("senior-leader", draft), {**self.VALID, **changes})

        assert_error(response, message.replace("'", "&#x27;"))
        for value in {**self.VALID, **changes}.values():
            if value:
                assertContains(response, f'value="{value}"')
        assert Signing.objects.get(pk=draft.pk).senior_leader_name == ""


class TestDigitalLeadQuestion:
    VALID = DIGITAL_LEAD

    def test_saves_the_digital_lead_and_asks_about_the_project(self, signer_client, draft):
        response = signer_client.post(step_url("digital-lead", draft), self.VALID)

        assertRedirects(response, step_url("project", draft))
        assert Signing.objects.get(pk=draft.pk).digital_lead_email == "ada@borsetshire.gov.uk"

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("digital_lead_name", "", "Enter the digital lead&#x27;s full name"),
            ("digital_lead_job_title", "", "Enter the digital lead&#x27;s job title"),
            ("digital_lead_email", "", "Enter the digital lead&#x27;s email address"),
            ("digital_lead_email", "ada at borsetshire", "Enter an email address in the correct"),
        ],
    )
    def test_shows_an_error_and_keeps_the_answers_when_invalid(
        self, signer_client, draft, field, value, message
    ):
        response = signer_client.post(step_url("digital-lead", draft), {**self.VALID, field: value})

        assert_error(response, message)
        for kept in {**self.VALID, field: value}.values():
            if kept:
                assertContains(response, f'value="{kept}"')
        assert Signing.objects.get(pk=draft.pk).digital_lead_name == ""


class TestProjectQuestion:
    VALID = PROJECT

    def test_saves_the_project_and_shows_the_answers_to_check(self, signer_client, draft):
        response = signer_client.post(step_url("project", draft), self.VALID)

        assertRedirects(response, step_url("check", draft))
        assert Signing.objects.get(pk=draft.pk).project_principles == ["services", "open"]

    def test_shows_an_error_linked_to_the_first_checkbox_when_no_principle_is_chosen(
        self, signer_client, draft
    ):
        response = signer_client.post(
            step_url("project", draft), {**self.VALID, "project_principles": []}
        )

        assert_error(response, "Select at least one principle that the project serves")
        assertContains(response, 'href="#id_project_principles_1"')
        assertContains(response, 'id="id_project_principles_1"')
        assertContains(response, "One booking component, shared.")

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"project_title": ""}, "Enter a title for your declaration project"),
            ({"project_description": ""}, "Describe your declaration project"),
            ({"project_principles": ["world-peace"]}, "Select principles from the list"),
        ],
    )
    def test_shows_an_error_when_invalid(self, signer_client, draft, changes, message):
        response = signer_client.post(step_url("project", draft), {**self.VALID, **changes})

        assert_error(response, message)
        if "project_principles" not in changes:
            assert re.search(r'value="services"\s+checked="checked"', response.content.decode())
        assert Signing.objects.get(pk=draft.pk).project_title == ""
