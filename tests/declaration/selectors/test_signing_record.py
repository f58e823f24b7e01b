"""What a person signed: the answers of a submitted signing, read only, for its signer and
the approved members of its organisation, from their account."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from declaration.models import Signing
from declaration.selectors.signing_record import signing_record_get, signings_for_member_account
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    MembershipFactory,
    OrganisationFactory,
    SigningFactory,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def detail_url(signing: Signing) -> str:
    return reverse("declaration:signing-detail", args=[signing.reference])


@pytest.fixture
def signing() -> Signing:
    """A published signing, with every answer given."""
    return SigningFactory.create(
        organisation=OrganisationFactory(name="Borsetshire County Council"),
        signer=UserFactory(full_name="Robin Signer", email="robin@borsetshire.gov.uk"),
        signer_role="Head of digital",
        senior_leader_name="Pat Jones",
        senior_leader_job_title="Chief executive",
        elected_member_name="Cllr Sam Lee",
        elected_member_role="Leader of the council",
        digital_lead_name="Ada Lovelace",
        digital_lead_job_title="Head of digital and IT",
        digital_lead_email="ada@borsetshire.gov.uk",
        project_title="One booking service",
        project_description="A booking component shared with partners.",
        project_principles=["services", "open"],
        version=DeclarationVersionFactory(
            number=2, text="## Our shared words", published_on=datetime.date(2020, 1, 6)
        ),
        signed_on=datetime.date(2024, 3, 5),
        published_at=timezone.make_aware(datetime.datetime(2024, 3, 8, 10)),
    )


class TestTheSignerSeesWhatTheySigned:
    def test_shows_every_answer_the_version_and_the_dates_read_only(self, signing):
        response = client_for(signing.signer).get(detail_url(signing))

        assert response.status_code == 200
        for text in (
            "What Borsetshire County Council signed",
            signing.reference,
            "Published",
            "Robin Signer",
            "Head of digital",
            "Pat Jones",
            "Chief executive",
            "Cllr Sam Lee",
            "Leader of the council",
            "Ada Lovelace",
            "ada@borsetshire.gov.uk",
            "One booking service",
            "A booking component shared with partners.",
            "Redesign services around the needs of the people using them",
            "Embed an open culture that works in the open, shares and reuses",
            "Version 2, published 6 January 2020",
            "Our shared words",
            "5 March 2024",
            "8 March 2024",
            "You signed the Local Digital Declaration",
            "They cannot be changed",
        ):
            assertContains(response, text)
        assertNotContains(response, '<form method="post" novalidate')
        assertNotContains(response, "Change")

    def test_is_not_kept_in_caches(self, signing):
        response = client_for(signing.signer).get(detail_url(signing))

        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    @pytest.mark.parametrize("trait", ["submitted", "rejected", "withdrawn", "unpublished"])
    def test_shows_a_signing_in_any_state_after_submission(self, trait):
        signing = SigningFactory(**{trait: True})

        response = client_for(signing.signer).get(detail_url(signing))

        assert response.status_code == 200
        assertContains(response, signing.project_title)

    @pytest.mark.parametrize(
        ("trait", "reason"),
        [
            ("rejected", "We could not confirm that you work for this organisation."),
            ("withdrawn", "We are reorganising our digital team."),
            ("unpublished", "The organisation asked us to remove it."),
        ],
    )
    def test_says_when_and_why_it_ended(self, trait, reason):
        signing = SigningFactory(**{trait: True})

        response = client_for(signing.signer).get(detail_url(signing))

        assertContains(response, f"Reason: {reason}")

    def test_shows_the_organisation_described_when_it_was_not_listed(self):
        signing = SigningFactory(submitted=True, unlisted=True)

        response = client_for(signing.signer).get(detail_url(signing))

        assertContains(response, signing.proposed_name)
        assertContains(response, "Fire and rescue authority")
        assertContains(response, "https://www.borsetshire-fire.example")

    def test_a_draft_is_not_shown_here(self):
        """A draft is seen, and changed, in the journey itself."""
        draft = SigningFactory(draft=True)

        assert client_for(draft.signer).get(detail_url(draft)).status_code == 404

    def test_the_account_page_links_to_it(self, signing):
        response = client_for(signing.signer).get(reverse("pages:account"))

        assertContains(response, f'href="{detail_url(signing)}">View')


class TestMembersOfTheOrganisationSeeWhatWasSigned:
    def test_an_approved_member_sees_it_without_being_told_they_signed(self, signing):
        member = MembershipFactory(organisation=signing.organisation).user

        response = client_for(member).get(detail_url(signing))

        assert response.status_code == 200
        assertContains(response, "Pat Jones")
        assertContains(response, "Robin Signer")
        assertContains(response, "These are the answers given when")
        assertNotContains(response, "You signed")

    def test_an_imported_signing_says_what_is_not_recorded(self):
        """Signatories from before the service have no online signer, and maybe no version."""
        signing = SigningFactory(signer=None, version=None)
        member = MembershipFactory(organisation=signing.organisation).user

        response = client_for(member).get(detail_url(signing))

        assertContains(response, "Not recorded")
        assertContains(response, "Which version was signed is not recorded")

    def test_the_members_account_page_links_to_it(self, signing):
        member = MembershipFactory(organisation=signing.organisation).user

        response = client_for(member).get(reverse("pages:account"))

        assertContains(response, "What your organisation signed")
        assertContains(response, f'href="{detail_url(signing)}">View')


class TestNobodyElseSeesIt:
    @pytest.mark.parametrize(
        "who",
        [
            "a member waiting for approval",
            "a member of another organisation",
            "someone signed in",
            "staff",
        ],
    )
    def test_not_found(self, signing, who):
        user = {
            "a member waiting for approval": lambda: (
                MembershipFactory(organisation=signing.organisation, pending=True).user
            ),
            "a member of another organisation": lambda: MembershipFactory().user,
            "someone signed in": UserFactory,
            "staff": lambda: UserFactory(staff=True),
        }[who]()

        response = client_for(user).get(detail_url(signing))

        assert response.status_code == 404
        assertNotContains(response, "Pat Jones", status_code=404)

    def test_an_anonymous_visitor_is_asked_to_sign_in(self, client, signing):
        response = client.get(detail_url(signing))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))

    def test_an_unknown_reference_is_not_found(self, signing):
        response = client_for(signing.signer).get("/declaration/signings/LDD-NOSUCH/")

        assert response.status_code == 404


class TestSelectors:
    def test_reads_a_record_in_one_query(self, signing, django_assert_num_queries):
        with django_assert_num_queries(1):
            record = signing_record_get(reference=signing.reference, viewer=signing.signer)

        assert record is not None
        assert record.viewer_is_signer

    def test_lists_the_live_signings_of_the_members_organisations_signed_by_others(self):
        member = UserFactory()
        published = SigningFactory(organisation=MembershipFactory(user=member).organisation)
        pending = SigningFactory(
            submitted=True, organisation=MembershipFactory(user=member).organisation
        )
        SigningFactory(withdrawn=True, organisation=published.organisation)
        SigningFactory(signer=member, organisation=MembershipFactory(user=member).organisation)
        SigningFactory(organisation=MembershipFactory(user=member, pending=True).organisation)
        SigningFactory()

        rows = signings_for_member_account(user=member)

        assert sorted(row.reference for row in rows) == sorted(
            [published.reference, pending.reference]
        )
