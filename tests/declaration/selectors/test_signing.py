"""Reads for signing: the current version, possible duplicates, drafts' missing answers and
the signer's list on their account page."""

import datetime

import pytest
from django.utils import timezone

from declaration.models import DeclarationVersion, SigningStatus
from declaration.selectors.signing import (
    declaration_version_current,
    organisation_live_signing_summary,
    organisation_name_normalise,
    organisations_similar_to,
    signing_for_signer_get,
    signing_missing_answers,
    signing_name_is_possible_duplicate,
    signing_next_step,
    signings_for_account,
    signings_unlisted_similar_to,
)
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    OrganisationFactory,
    SigningFactory,
)

pytestmark = pytest.mark.django_db


class TestDeclarationVersionCurrent:
    def test_returns_the_highest_published_version_whose_date_has_come(self):
        today = timezone.localdate()
        DeclarationVersionFactory(number=2, published_on=today - datetime.timedelta(days=1))
        DeclarationVersionFactory(number=3, published_on=today)
        DeclarationVersionFactory(number=4, published_on=today + datetime.timedelta(days=1))
        DeclarationVersionFactory(number=5, draft=True)

        assert declaration_version_current().number == 3

    def test_returns_the_first_version_when_it_is_the_only_one(self):
        assert declaration_version_current() == DeclarationVersion.objects.get(number=1)

    def test_returns_none_before_any_version_is_published(self):
        DeclarationVersion.objects.all().delete()
        DeclarationVersionFactory(number=1, draft=True)

        assert declaration_version_current() is None


class TestOrganisationNameNormalise:
    @pytest.mark.parametrize(
        ("name", "normalised"),
        [
            ("London Borough of Hackney", "london hackney"),
            ("Hackney Council", "hackney"),
            ("The Borough Council of King's Lynn & West Norfolk", "kings lynn west norfolk"),
            ("Kingston upon Hull, City of", "kingston upon hull"),
            ("Bath and North East Somerset Council", "bath north east somerset"),
            ("Stockton-on-Tees Borough Council", "stockton on tees"),
            ("County Durham", "durham"),
            ("  BIRMINGHAM   CITY COUNCIL ", "birmingham"),
            ("The Council", ""),
        ],
    )
    def test_keeps_only_the_words_that_name_the_organisation(self, name, normalised):
        assert organisation_name_normalise(name) == normalised


class TestOrganisationsSimilarTo:
    @pytest.fixture
    def hackney(self):
        return OrganisationFactory(
            name="London Borough of Hackney", slug="hackney", alternative_names=["LB Hackney"]
        )

    @pytest.mark.parametrize(
        "name",
        [
            "Hackney",  # contained in the register's name
            "hackney council",  # equal, once normalised
            "London Borough of Hackney Council",  # equal, once normalised
            "Hackney and the City",  # equal, once normalised
            "LB Hackney",  # an alternative name
            "London Hackney Digital Partnership",  # contains the register's name
        ],
    )
    def test_finds_the_organisation_when_the_names_match(self, hackney, name):
        assert organisations_similar_to(name=name) == [hackney]
        assert signing_name_is_possible_duplicate(name=name)

    @pytest.mark.parametrize(
        "name",
        ["Hackney Wick Trust", "Borsetshire Fire and Rescue Service", "The Council", ""],
    )
    def test_finds_nothing_when_the_names_differ(self, hackney, name):
        assert organisations_similar_to(name=name) == []
        assert not signing_name_is_possible_duplicate(name=name)

    def test_matches_whole_words_only(self):
        """York is not North Yorkshire."""
        OrganisationFactory(name="North Yorkshire Council")

        assert not signing_name_is_possible_duplicate(name="York")

    def test_matches_an_organisation_that_has_closed(self):
        closed = OrganisationFactory(name="Allerdale Borough Council", closed=True)

        assert organisations_similar_to(name="Allerdale") == [closed]


class TestSigningsUnlistedSimilarTo:
    """Other signers may describe the same unlisted organisation before staff check either."""

    def test_finds_a_pending_unlisted_organisation_with_a_like_name(self):
        waiting = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire and Rescue Service"
        )

        assert signings_unlisted_similar_to(name="Borsetshire Fire & Rescue") == [waiting]
        assert signing_name_is_possible_duplicate(name="Borsetshire Fire & Rescue")

    @pytest.mark.parametrize("state", ["draft", "rejected", "withdrawn"])
    def test_ignores_an_unlisted_organisation_whose_signing_is_not_live(self, state):
        SigningFactory(
            **{state: True}, unlisted=True, proposed_name="Borsetshire Fire and Rescue Service"
        )

        assert signings_unlisted_similar_to(name="Borsetshire Fire and Rescue") == []
        assert not signing_name_is_possible_duplicate(name="Borsetshire Fire and Rescue")

    def test_leaves_out_the_signing_being_checked(self):
        signing = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire and Rescue Service"
        )

        assert signings_unlisted_similar_to(name=signing.proposed_name, exclude=signing) == []
        assert not signing_name_is_possible_duplicate(name=signing.proposed_name, signing=signing)

    def test_finds_nothing_when_the_names_differ(self):
        SigningFactory(submitted=True, unlisted=True, proposed_name="Ambridge Parish Council")

        assert signings_unlisted_similar_to(name="Borsetshire Fire and Rescue") == []


class TestSigningMissingAnswers:
    def test_returns_nothing_when_every_question_is_answered(self):
        signing = SigningFactory(draft=True)

        assert signing_missing_answers(signing) == []
        assert signing_next_step(signing) == "check"

    def test_lists_every_question_in_journey_order_when_nothing_is_answered(self):
        signing = SigningFactory.build(
            draft=True,
            organisation=None,
            signer_role="",
            senior_leader_name="",
            digital_lead_name="",
            project_title="",
        )

        steps = [answer.step for answer in signing_missing_answers(signing)]

        assert steps == ["organisation", "role", "senior-leader", "digital-lead", "project"]
        assert signing_next_step(signing) == "organisation"

    def test_accepts_an_unlisted_organisation_when_described_fully(self):
        signing = SigningFactory(draft=True, unlisted=True, digital_lead_email="a@b.example")

        assert signing_missing_answers(signing) == []

    def test_asks_again_when_an_unlisted_organisation_has_no_region(self):
        signing = SigningFactory.build(
            draft=True, unlisted=True, proposed_region="", digital_lead_email="a@b.example"
        )

        assert [a.step for a in signing_missing_answers(signing)] == ["organisation"]

    @pytest.mark.parametrize(
        ("name", "role", "complete"),
        [("", "", True), ("Cllr Jo Bloggs", "Leader", True), ("Cllr Jo Bloggs", "", False)],
    )
    def test_needs_both_or_neither_of_the_elected_member_answers(self, name, role, complete):
        signing = SigningFactory(draft=True, elected_member_name=name, elected_member_role=role)

        assert (signing_missing_answers(signing) == []) is complete


class TestSigningForSignerGet:
    def test_returns_the_signing_only_to_its_signer(self):
        signing = SigningFactory(draft=True)

        assert signing_for_signer_get(reference=signing.reference, signer=signing.signer) == signing
        assert signing_for_signer_get(reference=signing.reference, signer=UserFactory()) is None

    def test_returns_none_when_the_status_differs(self):
        signing = SigningFactory(submitted=True)

        found = signing_for_signer_get(
            reference=signing.reference, signer=signing.signer, status=SigningStatus.DRAFT
        )

        assert found is None


class TestOrganisationLiveSigningSummary:
    def test_says_who_signed_and_when_when_published(self):
        signing = SigningFactory(
            senior_leader_name="Pat Jones",
            senior_leader_job_title="Chief executive",
            signer_role="Head of digital",
            signed_on=datetime.date(2024, 5, 1),
        )

        summary = organisation_live_signing_summary(organisation=signing.organisation)

        assert summary.is_published
        assert (summary.senior_leader_name, summary.senior_leader_job_title) == (
            "Pat Jones",
            "Chief executive",
        )
        assert (summary.signer_role, summary.signed_on) == (
            "Head of digital",
            datetime.date(2024, 5, 1),
        )

    def test_says_who_signed_and_when_while_pending(self):
        signing = SigningFactory(
            submitted=True,
            senior_leader_name="Pat Jones",
            senior_leader_job_title="Chief executive",
            signer_role="Head of digital",
            signed_on=datetime.date(2026, 11, 30),
        )

        summary = organisation_live_signing_summary(organisation=signing.organisation)

        assert not summary.is_published
        assert (
            summary.senior_leader_name,
            summary.senior_leader_job_title,
            summary.signer_role,
            summary.signed_on,
        ) == ("Pat Jones", "Chief executive", "Head of digital", datetime.date(2026, 11, 30))

    def test_returns_none_when_the_organisation_has_no_live_signing(self):
        signing = SigningFactory(rejected=True)

        assert organisation_live_signing_summary(organisation=signing.organisation) is None


class TestSigningsForAccount:
    def test_lists_each_state_with_its_action(self):
        user = UserFactory()
        draft = SigningFactory(draft=True, signer=user, signer_role="")
        pending = SigningFactory(submitted=True, signer=user)
        rejected = SigningFactory(rejected=True, signer=user, rejection_reason="Not a council.")
        published = SigningFactory(signer=user)
        SigningFactory(draft=True)  # someone else's

        listed = {row.reference: row for row in signings_for_account(user=user)}

        assert set(listed) == {s.reference for s in (draft, pending, rejected, published)}
        assert listed[draft.reference].status_label == "Not finished"
        assert listed[draft.reference].continue_url == f"/declaration/sign/{draft.reference}/role/"
        assert not listed[draft.reference].can_withdraw
        assert listed[pending.reference].status_label == "Waiting for checks"
        assert listed[pending.reference].withdraw_url == (
            f"/declaration/sign/{pending.reference}/withdraw/"
        )
        assert not listed[pending.reference].can_continue
        assert listed[rejected.reference].rejection_reason == "Not a council."
        assert not listed[rejected.reference].can_withdraw
        assert listed[published.reference].status_label == "Published"
        assert listed[published.reference].tag_class == "govuk-tag--green"

    def test_names_a_draft_with_no_organisation_yet(self):
        user = UserFactory()
        SigningFactory(draft=True, signer=user, organisation=None)

        [row] = signings_for_account(user=user)

        assert row.organisation_name == "Organisation not chosen yet"
        assert row.continue_url.endswith("/organisation/")
