"""Checking the answers of a signing and submitting it, its confirmation, withdrawing it, and
deleting a draft (declaration/views/signing_check.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from declaration.models import Signing, SigningStatus
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.declaration.support import ERROR_SUMMARY, assert_error, step_url
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


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
