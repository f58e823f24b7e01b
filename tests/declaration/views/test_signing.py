"""The signing journey's pages: each question, check your answers, confirmation, withdrawal,
and the account page's list of signings."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from declaration.errors import TransitionNotAllowed
from declaration.models import OrganisationType, Signing, SigningStatus
from declaration.services import signing as services
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory, SigningFactory

pytestmark = pytest.mark.django_db

ERROR_SUMMARY = '<div class="govuk-error-summary" data-module="govuk-error-summary">'


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_url(step: str, signing: Signing) -> str:
    return reverse(f"declaration:sign-{step}", args=[signing.reference])


@pytest.fixture
def draft() -> Signing:
    """A draft with no answers yet."""
    return SigningFactory.create(
        draft=True,
        organisation=None,
        signer_role="",
        senior_leader_name="",
        senior_leader_job_title="",
        digital_lead_name="",
        digital_lead_job_title="",
        digital_lead_email="",
        project_title="",
        project_description="",
        project_principles=[],
    )


@pytest.fixture
def signer_client(draft) -> Client:
    return client_for(draft.signer)


def assert_error(response, message: str) -> None:
    """The page is shown again with a GOV.UK error summary naming ``message``, no 500."""
    assert response.status_code == 200
    assertContains(response, ERROR_SUMMARY)
    assertContains(response, message)
    assert response.content.decode().count(message) >= 2, "in the summary and by the field"
    assertContains(response, "<title>Error: ")


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


class TestDeleteDraft:
    def test_asks_the_signer_to_confirm_with_a_warning(self, draft):
        response = client_for(draft.signer).get(step_url("delete", draft))

        assertContains(response, "Are you sure you want to delete this draft?")
        assertContains(response, "govuk-warning-text")
        assertContains(response, "You cannot undo this")
        assertContains(response, "Delete draft</button>")
        assertContains(response, f'href="{reverse("pages:account")}">Cancel')
        assert Signing.objects.filter(pk=draft.pk).exists()

    def test_deletes_the_draft_and_says_so_on_the_account_page(self, draft):
        response = client_for(draft.signer).post(step_url("delete", draft), follow=True)

        assertRedirects(response, reverse("pages:account"))
        assertContains(response, f"You have deleted your draft signing {draft.reference}")
        assertNotContains(response, "Organisation not chosen yet")
        assert not Signing.objects.filter(pk=draft.pk).exists()

    def test_a_second_press_goes_to_the_account_page_too(self, draft):
        client = client_for(draft.signer)
        client.post(step_url("delete", draft))

        response = client.post(step_url("delete", draft))

        assertRedirects(response, reverse("pages:account"), fetch_redirect_response=False)

    def test_cancel_goes_back_to_check_your_answers_when_opened_from_there(self):
        signing = SigningFactory(draft=True)
        client = client_for(signing.signer)

        check = client.get(step_url("check", signing))
        response = client.get(f"{step_url('delete', signing)}?from=check")

        assertContains(check, f'href="{step_url("delete", signing)}?from=check">Delete this draft')
        assertContains(response, f'href="{step_url("check", signing)}">Cancel')

    def test_not_found_and_nothing_deleted_for_someone_else(self, draft):
        other = client_for(UserFactory())

        assert other.get(step_url("delete", draft)).status_code == 404
        other.post(step_url("delete", draft))

        assert Signing.objects.filter(pk=draft.pk).exists()

    def test_keeps_a_submitted_signing_and_says_why(self):
        signing = SigningFactory(submitted=True)

        response = client_for(signing.signer).post(step_url("delete", signing), follow=True)

        assertRedirects(response, reverse("pages:account"))
        assertContains(response, "has been submitted, so it cannot be deleted")
        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.SUBMITTED


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
    VALID = {
        "name": "Borsetshire Fire and Rescue Service",
        "organisation_type": OrganisationType.FIRE_AND_RESCUE,
        "website": "www.borsetshire-fire.example",
        "region": "South West",
    }

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
    VALID = {
        "senior_leader_name": "Pat Jones",
        "senior_leader_job_title": "Chief executive",
        "elected_member_name": "",
        "elected_member_role": "",
    }

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
    VALID = {
        "digital_lead_name": "Ada Lovelace",
        "digital_lead_job_title": "Head of digital and IT",
        "digital_lead_email": "ada@borsetshire.gov.uk",
    }

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
    VALID = {
        "project_title": "Open booking",
        "project_description": "One booking component, shared.",
        "project_principles": ["services", "open"],
    }

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


class TestCheckYourAnswers:
    def test_lists_every_answer_with_a_change_link_back_to_check(self):
        signing = SigningFactory(
            draft=True,
            signer_role="Head of digital",
            elected_member_name="Cllr Sam Lee",
            elected_member_role="Leader",
            project_principles=["services", "open"],
        )

        response = client_for(signing.signer).get(step_url("check", signing))

        for text in (
            signing.organisation.name,
            "Head of digital",
            signing.senior_leader_name,
            "Cllr Sam Lee",
            signing.digital_lead_email,
            signing.project_title,
            "Redesign services around the needs of the people using them",
        ):
            # As the page writes it: a made-up name may hold an apostrophe (O'Brien).
            assertContains(response, escape(text))
        for step in ("organisation", "role", "senior-leader", "digital-lead", "project"):
            assertContains(response, f'href="{step_url(step, signing)}?from=check"')
        assertContains(response, "Sign the Declaration</button>")

    def test_shows_the_described_organisation_when_unlisted(self):
        signing = SigningFactory(draft=True, unlisted=True, digital_lead_email="a@b.example")

        response = client_for(signing.signer).get(step_url("check", signing))

        assertContains(response, signing.proposed_name)
        assertContains(response, "Fire and rescue authority")
        assertContains(response, f'href="{step_url("organisation-details", signing)}?from=check"')

    def test_a_change_returns_to_check_after_saving(self):
        signing = SigningFactory(draft=True)
        client = client_for(signing.signer)

        page = client.get(f"{step_url('role', signing)}?from=check")
        response = client.post(f"{step_url('role', signing)}?from=check", {"signer_role": "CTO"})

        assertContains(page, f'href="{step_url("check", signing)}" class="govuk-back-link"')
        assertRedirects(response, step_url("check", signing))
        assert Signing.objects.get(pk=signing.pk).signer_role == "CTO"

    def test_submits_and_shows_the_confirmation_with_the_reference(self):
        organisation = OrganisationFactory()
        signer = UserFactory(email=f"clerk@{organisation.email_domains[0]}")
        signing = SigningFactory(draft=True, organisation=organisation, signer=signer)
        client = client_for(signer)

        response = client.post(step_url("check", signing), follow=True)

        assertRedirects(response, step_url("confirmation", signing))
        assertContains(response, "govuk-panel--confirmation")
        assertContains(response, signing.reference)
        assertContains(response, "What happens next")
        assertContains(response, "organisation admin")
        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.SUBMITTED
        assert OutgoingEmail.objects.filter(recipient=signer.email).count() == 1

    def test_lists_missing_answers_and_does_not_submit_when_incomplete(self, draft):
        client = client_for(draft.signer)

        page = client.get(step_url("check", draft))
        response = client.post(step_url("check", draft))

        assertContains(page, "You have not finished")
        assertNotContains(page, "Sign the Declaration</button>")
        assertNotContains(page, ERROR_SUMMARY)
        assertContains(response, ERROR_SUMMARY)
        assertContains(response, "<title>Error: ")
        assertContains(response, f'href="{step_url("role", draft)}?from=check">Enter your role')
        assert Signing.objects.get(pk=draft.pk).status == SigningStatus.DRAFT

    def test_shows_the_already_signed_page_when_the_organisation_signed_meanwhile(self):
        signing = SigningFactory(draft=True)
        SigningFactory(organisation=signing.organisation, submitted=True)

        response = client_for(signing.signer).post(step_url("check", signing))

        assertRedirects(
            response,
            f"{reverse('declaration:sign-already-signed', args=[signing.organisation.slug])}"
            f"?reference={signing.reference}",
        )
        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.DRAFT

    def test_explains_rather_than_fails_when_the_organisation_closed_meanwhile(self):
        signing = SigningFactory(draft=True)
        signing.organisation.closed_on = signing.created_at.date()
        signing.organisation.save()

        response = client_for(signing.signer).post(step_url("check", signing))

        assert response.status_code == 200
        assertContains(response, ERROR_SUMMARY)
        assertContains(response, "has closed, so it cannot sign")


class TestConfirmation:
    def test_not_found_for_someone_else(self):
        signing = SigningFactory(submitted=True)

        response = client_for(UserFactory()).get(step_url("confirmation", signing))

        assert response.status_code == 404

    def test_sends_the_signer_to_their_account_once_it_is_no_longer_pending(self):
        signing = SigningFactory()

        response = client_for(signing.signer).get(step_url("confirmation", signing))

        assertRedirects(response, reverse("pages:account"), fetch_redirect_response=False)


class TestWithdraw:
    def test_warns_before_withdrawing(self):
        signing = SigningFactory(submitted=True)

        response = client_for(signing.signer).get(step_url("withdraw", signing))

        assertContains(response, "govuk-warning-text")
        assertContains(response, "Withdraw signing</button>")

    def test_withdraws_and_says_so_on_the_account_page(self):
        signing = SigningFactory(submitted=True)

        response = client_for(signing.signer).post(
            step_url("withdraw", signing), {"reason": "Wrong organisation"}, follow=True
        )

        assertRedirects(response, reverse("pages:account"))
        assertContains(response, f"You have withdrawn signing {signing.reference}")
        stored = Signing.objects.get(pk=signing.pk)
        assert (stored.status, stored.withdrawal_reason) == (
            SigningStatus.WITHDRAWN,
            "Wrong organisation",
        )

    def test_shows_an_error_and_keeps_the_reason_when_too_long(self):
        signing = SigningFactory(submitted=True)

        response = client_for(signing.signer).post(
            step_url("withdraw", signing), {"reason": "w" * 2001}
        )

        assert_error(response, "Reason must be 2,000 characters or fewer")
        assertContains(response, "w" * 2001)
        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.SUBMITTED

    def test_not_found_for_someone_else(self):
        signing = SigningFactory(submitted=True)

        response = client_for(UserFactory()).post(step_url("withdraw", signing))

        assert response.status_code == 404
        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.SUBMITTED

    def test_explains_when_the_signing_is_already_published(self):
        signing = SigningFactory()

        response = client_for(signing.signer).post(step_url("withdraw", signing), follow=True)

        assertRedirects(response, reverse("pages:account"))
        assertContains(response, "is not waiting for checks")
        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.PUBLISHED


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
        assertContains(response, "We could not confirm it.")
        assertContains(response, "govuk-tag--green")
        assertContains(response, "Waiting for checks")

    def test_offers_to_sign_when_the_user_has_no_signings(self):
        response = client_for(UserFactory()).get(reverse("pages:account"))

        assertNotContains(response, "Your signings")
        assertContains(response, 'href="/declaration/sign/"')


def _signer_of(signing: Signing) -> Client:
    return client_for(signing.signer)


def _posts() -> dict[str, object]:
    """Each form of the signing journey and of sign-in, filled in validly: a function that
    makes what it needs and returns (client, url, data)."""

    def new_signing():
        OrganisationFactory(slug="borsetshire")
        return (
            client_for(UserFactory()),
            reverse("declaration:sign-new"),
            {"organisation": "borsetshire"},
        )

    def new_unlisted():
        return (
            client_for(UserFactory()),
            reverse("declaration:sign-new-organisation-details"),
            (TestOrganisationDetailsQuestion.VALID),
        )

    def question(step: str, data: Mapping[str, object], **traits: object):
        def make():
            signing = SigningFactory(draft=True, **traits)
            return _signer_of(signing), step_url(step, signing), data

        return make

    def organisation():
        OrganisationFactory(slug="borsetshire")
        signing = SigningFactory(draft=True, organisation=None)
        return (
            _signer_of(signing),
            step_url("organisation", signing),
            {"organisation": "borsetshire"},
        )

    def check():
        organisation = OrganisationFactory()
        signer = UserFactory(email=f"clerk@{organisation.email_domains[0]}")
        signing = SigningFactory(draft=True, organisation=organisation, signer=signer)
        return client_for(signer), step_url("check", signing), {}

    def withdraw():
        signing = SigningFactory(submitted=True)
        return _signer_of(signing), step_url("withdraw", signing), {"reason": ""}

    def delete():
        signing = SigningFactory(draft=True)
        return _signer_of(signing), step_url("delete", signing), {}

    def join():
        organisation = OrganisationFactory(slug="borsetshire")
        SigningFactory(organisation=organisation)
        return client_for(UserFactory()), reverse("declaration:sign-join", args=["borsetshire"]), {}

    def sign_in():
        return Client(), reverse("accounts:sign-in"), {"email": "clerk@borsetshire.gov.uk"}

    def sign_in_continue():
        client = Client()
        UserFactory(email="clerk@borsetshire.gov.uk")
        client.post(reverse("accounts:sign-in"), {"email": "clerk@borsetshire.gov.uk"})
        body = OutgoingEmail.objects.get(recipient="clerk@borsetshire.gov.uk").body_text
        link = re.search(r"https?://[^/\s]+(/account/sign-in/link/\?\S+)", body)
        assert link is not None
        client.get(link.group(1))
        return client, reverse("accounts:link"), {}

    return {
        "organisation, starting the draft": new_signing,
        "organisation not listed, starting the draft": new_unlisted,
        "organisation": organisation,
        "organisation details": question(
            "organisation-details", TestOrganisationDetailsQuestion.VALID
        ),
        "role": question("role", {"signer_role": "Head of digital"}),
        "senior leader": question("senior-leader", TestSeniorLeaderQuestion.VALID),
        "digital lead": question("digital-lead", TestDigitalLeadQuestion.VALID),
        "project": question("project", TestProjectQuestion.VALID),
        "check your answers: sign": check,
        "withdraw": withdraw,
        "delete a draft": delete,
        "join an organisation that has signed": join,
        "sign in: send the link": sign_in,
        "sign in: continue": sign_in_continue,
    }


@pytest.mark.parametrize("form", list(_posts()))
def test_every_successful_post_redirects_to_a_page_that_opens(
    form, django_capture_on_commit_callbacks
):
    """Post/Redirect/Get: after any form is sent, Back or reload never sends it again."""
    with django_capture_on_commit_callbacks(execute=False):
        client, url, data = _posts()[form]()

        response = client.post(url, data)

    assert response.status_code in (302, 303), response.status_code
    assert client.get(response["Location"]).status_code == 200
