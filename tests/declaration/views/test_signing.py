"""The signing journey's pages: starting, a new signing for a listed or unlisted organisation,
who sees a draft, and the account page's list of signings. The questions, and checking,
confirming, withdrawing and deleting, are tested beside it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from declaration.models import OrganisationType, Signing, SigningStatus
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.declaration.support import assert_error, step_url
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


class TestStartPage:
    def test_says_what_signing_commits_to_gives_and_needs_when_anonymous(self, client):
        response = client.get(reverse("declaration:sign-start"))

        assertContains(response, "Sign the Local Digital Declaration")
        assertContains(response, "declaration project")
        assertContains(response, "12 months")
        assertContains(response, "free training")
        assertContains(response, "Local Digital Fund")
        assertContains(response, "digital, IT or transformation lead")
        assertContains(response, "Redesign services around the needs of the people using them")
        # Start now leads to the email-link sign-in, and from it to the first question.
        assertContains(response, 'href="/account/sign-in/?next=%2Fdeclaration%2Fsign%2Fnew%2F"')

    def test_start_now_asks_the_first_question_when_signed_in(self):
        response = client_for(UserFactory()).get(reverse("declaration:sign-start"))

        assertContains(response, f'href="{reverse("declaration:sign-new")}" role="button"')


class TestFindingHowToSign:
    """Signing is a press away from the home page and the Declaration."""

    START_BUTTON = re.compile(
        r'<a href="/declaration/sign/" role="button" draggable="false" '
        r'class="govuk-button govuk-button--start" data-module="govuk-button">\s*'
        r"Sign the Declaration"
    )

    def test_the_home_page_has_a_start_button(self, client):
        response = client.get(reverse("pages:home"))

        assert self.START_BUTTON.search(response.text)

    def test_the_declaration_has_a_start_button_and_says_so_before_its_text(self, client):
        response = client.get(reverse("declaration:declaration"))

        assert self.START_BUTTON.search(response.text)
        inset = re.search(r'<div class="govuk-inset-text">(.*?)</div>', response.text, re.S)
        assert inset is not None
        assert 'href="/declaration/sign/">sign the Declaration</a>' in inset.group(1)

    def test_who_can_sign_links_to_signing_for_an_organisation_not_listed(self, client):
        response = client.get(reverse("pages:home"))

        assertContains(
            response,
            'If yours is not one of them, <a class="govuk-link" href="/declaration/sign/">'
            "you can still sign</a>",
        )


class TestNewSigning:
    """The first question, the organisation, before any draft exists: the answer starts it."""

    def test_asks_which_organisation_without_starting_a_draft(self):
        user = UserFactory()
        OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")

        response = client_for(user).get(reverse("declaration:sign-new"))

        assertContains(response, "Which organisation are you signing for?")
        assertContains(response, '<option value="borsetshire">Borsetshire County Council</option>')
        assertContains(response, f'href="{reverse("declaration:sign-new-organisation-details")}"')
        assertContains(response, f'href="{reverse("declaration:sign-start")}" class="govuk-back')
        assert not Signing.objects.exists()

    def test_starts_the_draft_with_the_organisation_and_asks_the_role(self):
        user = UserFactory()
        organisation = OrganisationFactory(slug="borsetshire")

        response = client_for(user).post(
            reverse("declaration:sign-new"), {"organisation": "borsetshire"}
        )

        signing = Signing.objects.get(signer=user)
        assert (signing.status, signing.organisation) == (SigningStatus.DRAFT, organisation)
        assertRedirects(response, step_url("role", signing))

    def test_a_second_press_leaves_one_draft(self):
        user = UserFactory()
        OrganisationFactory(slug="borsetshire")
        client = client_for(user)

        client.post(reverse("declaration:sign-new"), {"organisation": "borsetshire"})
        response = client.post(reverse("declaration:sign-new"), {"organisation": "borsetshire"})

        signing = Signing.objects.get(signer=user)
        assertRedirects(response, step_url("role", signing))

    @pytest.mark.parametrize(
        ("value", "message"),
        [("", "Select your organisation"), ("old", "Select your organisation from the list")],
    )
    def test_shows_an_error_and_starts_nothing_when_invalid(self, value, message):
        user = UserFactory()
        OrganisationFactory(slug="old", closed=True)

        response = client_for(user).post(reverse("declaration:sign-new"), {"organisation": value})

        assert_error(response, message)
        assert not Signing.objects.exists()

    def test_shows_the_already_signed_page_and_starts_nothing_when_it_has_signed(self):
        user = UserFactory()
        SigningFactory(organisation=OrganisationFactory(slug="borsetshire"))

        response = client_for(user).post(
            reverse("declaration:sign-new"), {"organisation": "borsetshire"}
        )

        assertRedirects(response, reverse("declaration:sign-already-signed", args=["borsetshire"]))
        assert not Signing.objects.filter(signer=user).exists()

    def test_the_already_signed_page_goes_back_to_the_first_question(self):
        SigningFactory(organisation=OrganisationFactory(slug="borsetshire"))

        response = client_for(UserFactory()).get(
            reverse("declaration:sign-already-signed", args=["borsetshire"])
        )

        assertContains(response, f'href="{reverse("declaration:sign-new")}" class="govuk-back')

    def test_sends_an_anonymous_visitor_to_sign_in_and_back_here(self, client):
        response = client.get(reverse("declaration:sign-new"))

        assertRedirects(
            response,
            f"{reverse('accounts:sign-in')}?next=%2Fdeclaration%2Fsign%2Fnew%2F",
            fetch_redirect_response=False,
        )


class TestNewSigningForAnUnlistedOrganisation:
    VALID = {
        "name": "Borsetshire Fire and Rescue Service",
        "organisation_type": OrganisationType.FIRE_AND_RESCUE,
        "website": "www.borsetshire-fire.example",
        "region": "South West",
    }
    URL = "/declaration/sign/new/organisation-details/"

    def test_asks_about_the_organisation_without_starting_a_draft(self):
        response = client_for(UserFactory()).get(self.URL)

        assertContains(response, "Tell us about your organisation")
        assertContains(response, f'href="{reverse("declaration:sign-new")}" class="govuk-back')
        assert not Signing.objects.exists()

    def test_starts_the_draft_with_the_organisation_described_and_asks_the_role(self):
        user = UserFactory()

        response = client_for(user).post(self.URL, self.VALID)

        signing = Signing.objects.get(signer=user)
        assert signing.proposed_name == "Borsetshire Fire and Rescue Service"
        assert signing.proposed_website == "https://www.borsetshire-fire.example"
        assertRedirects(response, step_url("role", signing))

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("name", "", "Enter the name of your organisation"),
            ("organisation_type", "", "Select the type of organisation"),
            ("website", "not a website", "Enter a website address in the correct format"),
            ("region", "", "Select the region your organisation works in"),
        ],
    )
    def test_shows_an_error_keeps_the_answers_and_starts_nothing_when_invalid(
        self, field, value, message
    ):
        response = client_for(UserFactory()).post(self.URL, {**self.VALID, field: value})

        assert_error(response, message)
        if field != "name":
            assertContains(response, 'value="Borsetshire Fire and Rescue Service"')
        assert not Signing.objects.exists()


class TestOnlyTheSignerSeesTheirDraft:
    STEPS = ["organisation", "organisation-details", "role", "senior-leader", "digital-lead"]

    @pytest.mark.parametrize("step", [*STEPS, "project", "check"])
    def test_answers_not_found_when_someone_else_opens_it(self, draft, step):
        other = client_for(UserFactory())

        assert other.get(step_url(step, draft)).status_code == 404
        assert other.post(step_url(step, draft), {"signer_role": "Chief"}).status_code == 404
        assert Signing.objects.get(pk=draft.pk).signer_role == ""

    @pytest.mark.parametrize("step", ["organisation", "role", "check"])
    def test_sends_an_anonymous_visitor_to_sign_in_with_a_way_back(self, client, draft, step):
        response = client.get(step_url(step, draft))

        assert response.status_code == 302
        assert "next=" in response["Location"]

    def test_answers_not_found_for_an_unknown_reference(self, signer_client):
        response = signer_client.get("/declaration/sign/LDD-NOSUCH/role/")

        assert response.status_code == 404

    @pytest.mark.parametrize("step", ["organisation", "role", "check"])
    def test_sends_the_signer_to_their_account_when_it_is_submitted(self, step):
        signing = SigningFactory(submitted=True)

        response = client_for(signing.signer).get(step_url(step, signing))

        assertRedirects(response, reverse("pages:account"), fetch_redirect_response=False)

    @pytest.mark.parametrize("step", ["organisation", "role", "senior-leader"])
    def test_each_page_opens_for_the_signer(self, signer_client, draft, step):
        response = signer_client.get(step_url(step, draft))

        assert response.status_code == 200
        assertContains(response, 'class="govuk-back-link"')


class TestAccountPage:
    def test_lists_the_signers_signings_with_their_actions(self):
        user = UserFactory()
        draft = SigningFactory(draft=True, signer=user, signer_role="")
        pending = SigningFactory(submitted=True, signer=user)
        SigningFactory(rejected=True, signer=user, rejection_reason="We could not confirm it.")
        SigningFactory(signer=user)

        response = client_for(user).get(reverse("pages:account"))

        assertContains(response, "Your signings")
        assertContains(response, f'href="{step_url("role", draft)}">Continue')
        assertContains(response, f'href="{step_url("delete", draft)}">Delete')
        assertContains(response, f'href="{step_url("withdraw", pending)}">Withdraw')
        assertContains(response, "Reason: We could not confirm it.")
        assertContains(response, "Started on ", count=1)
        assertContains(response, "Signed on ", count=3)
        assertContains(response, "govuk-tag--green")
        assertContains(response, "Waiting for checks")

    def test_offers_to_sign_when_the_user_has_no_signings(self):
        response = client_for(UserFactory()).get(reverse("pages:account"))

        assertNotContains(response, "Your signings")
        assertContains(response, 'href="/declaration/sign/"')
