"""The signer's side of signing (declaration/services/signing.py): starting a draft, for a
listed or an unlisted organisation, choosing or proposing the organisation, and saving answers.
Submitting is tested in test_signing_submit.py, deleting a draft and withdrawing in
test_signing_withdrawal.py."""

import pytest
from django.db import IntegrityError

from declaration.errors import AlreadySigned, OrganisationClosed, TransitionNotAllowed
from declaration.models import OrganisationType, Signing, SigningStatus
from declaration.services import signing as services
from declaration.services.signing import (
    signing_answers_save,
    signing_organisation_choose,
    signing_organisation_propose,
    signing_start,
    signing_start_unlisted,
)
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.declaration.support import complete_draft

pytestmark = pytest.mark.django_db


class TestSigningStart:
    def test_creates_and_audits_a_draft_for_the_organisation_chosen(self):
        """A draft starts with its first answer, the organisation: never empty."""
        signer = UserFactory()
        organisation = OrganisationFactory()

        signing = signing_start(signer=signer, organisation=organisation)

        stored = Signing.objects.get(pk=signing.pk)
        assert (stored.status, stored.signer, stored.organisation) == (
            SigningStatus.DRAFT,
            signer,
            organisation,
        )
        assert stored.reference.startswith("LDD-")
        event = AuditEvent.objects.get(verb="declaration.signing.started")
        assert (event.actor, event.target_object_id) == (signer, str(signing.pk))
        assert event.data == {"organisation": organisation.name, "unlisted": False}

    def test_returns_the_signers_draft_for_that_organisation_when_started_again(self):
        """A double press of Continue, or starting again, leaves one draft."""
        signer = UserFactory()
        organisation = OrganisationFactory()
        first = signing_start(signer=signer, organisation=organisation)

        second = signing_start(signer=signer, organisation=organisation)

        assert second.pk == first.pk
        assert Signing.objects.filter(signer=signer).count() == 1
        assert AuditEvent.objects.filter(verb="declaration.signing.started").count() == 1

    def test_starts_another_draft_for_another_organisation(self):
        signer = UserFactory()
        first = signing_start(signer=signer, organisation=OrganisationFactory())

        second = signing_start(signer=signer, organisation=OrganisationFactory())

        assert second.pk != first.pk
        assert Signing.objects.filter(signer=signer, status=SigningStatus.DRAFT).count() == 2

    @pytest.mark.parametrize("trait", ["submitted", "published"])
    def test_raises_already_signed_and_starts_nothing_when_the_organisation_has_signed(self, trait):
        organisation = OrganisationFactory()
        SigningFactory(organisation=organisation, **({trait: True} if trait != "published" else {}))
        signer = UserFactory()

        with pytest.raises(AlreadySigned):
            signing_start(signer=signer, organisation=organisation)

        assert not Signing.objects.filter(signer=signer).exists()

    def test_raises_organisation_closed_and_starts_nothing_when_it_has_closed(self):
        signer = UserFactory()

        with pytest.raises(OrganisationClosed):
            signing_start(signer=signer, organisation=OrganisationFactory(closed=True))

        assert not Signing.objects.filter(signer=signer).exists()

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        with pytest.raises(IntegrityError):
            signing_start(signer=UserFactory(), organisation=OrganisationFactory())

        assert not Signing.objects.exists()


class TestSigningStartUnlisted:
    DETAILS = {
        "name": "  Borsetshire Fire and Rescue Service ",
        "organisation_type": OrganisationType.FIRE_AND_RESCUE,
        "website": "https://www.borsetshire-fire.example",
        "region": "South West",
    }

    def test_creates_and_audits_a_draft_for_the_organisation_described(self):
        signer = UserFactory()

        signing = signing_start_unlisted(signer=signer, **self.DETAILS)

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.organisation is None
        assert stored.proposed_name == "Borsetshire Fire and Rescue Service"
        assert (stored.proposed_type, stored.proposed_region) == ("fire", "South West")
        assert stored.is_organisation_unlisted
        event = AuditEvent.objects.get(verb="declaration.signing.started")
        assert event.data == {
            "organisation": "Borsetshire Fire and Rescue Service",
            "unlisted": True,
        }

    def test_returns_the_signers_draft_for_the_same_name_when_started_again(self):
        signer = UserFactory()
        first = signing_start_unlisted(signer=signer, **self.DETAILS)

        second = signing_start_unlisted(
            signer=signer, **{**self.DETAILS, "name": "borsetshire fire and rescue service"}
        )

        assert second.pk == first.pk
        assert Signing.objects.filter(signer=signer).count() == 1

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        with pytest.raises(IntegrityError):
            signing_start_unlisted(signer=UserFactory(), **self.DETAILS)

        assert not Signing.objects.exists()


class TestSigningOrganisationChoose:
    def test_records_the_organisation_and_forgets_a_described_one_when_listed(self):
        signing = SigningFactory(draft=True, unlisted=True)
        organisation = OrganisationFactory()

        signing_organisation_choose(
            signing=signing, organisation=organisation, chosen_by=signing.signer
        )

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.organisation == organisation
        assert (stored.proposed_name, stored.proposed_type, stored.proposed_website) == ("", "", "")

    @pytest.mark.parametrize("trait", ["submitted", "published"])
    def test_refuses_with_already_signed_when_the_organisation_has_a_live_signing(self, trait):
        organisation = OrganisationFactory()
        SigningFactory(organisation=organisation, **({trait: True} if trait != "published" else {}))
        signing = SigningFactory(draft=True, organisation=None)

        with pytest.raises(AlreadySigned):
            signing_organisation_choose(
                signing=signing, organisation=organisation, chosen_by=signing.signer
            )

        assert Signing.objects.get(pk=signing.pk).organisation is None

    @pytest.mark.parametrize("trait", ["rejected", "withdrawn", "unpublished", "draft"])
    def test_allows_it_when_the_organisation_has_only_signings_that_are_not_live(self, trait):
        organisation = OrganisationFactory()
        SigningFactory(organisation=organisation, **{trait: True})
        signing = SigningFactory(draft=True, organisation=None)

        signing_organisation_choose(
            signing=signing, organisation=organisation, chosen_by=signing.signer
        )

        assert Signing.objects.get(pk=signing.pk).organisation == organisation

    def test_refuses_when_the_organisation_has_closed(self):
        signing = SigningFactory(draft=True, organisation=None)

        with pytest.raises(OrganisationClosed):
            signing_organisation_choose(
                signing=signing,
                organisation=OrganisationFactory(closed=True),
                chosen_by=signing.signer,
            )

    def test_refuses_when_someone_other_than_the_signer_changes_it(self):
        signing = SigningFactory(draft=True, organisation=None)

        with pytest.raises(TransitionNotAllowed):
            signing_organisation_choose(
                signing=signing, organisation=OrganisationFactory(), chosen_by=UserFactory()
            )

        assert Signing.objects.get(pk=signing.pk).organisation is None

    def test_refuses_when_the_signing_is_no_longer_a_draft(self):
        signing = SigningFactory(submitted=True)
        chosen = OrganisationFactory()

        with pytest.raises(TransitionNotAllowed):
            signing_organisation_choose(
                signing=signing, organisation=chosen, chosen_by=signing.signer
            )


class TestSigningOrganisationPropose:
    def test_records_the_described_organisation_and_forgets_a_listed_one(self):
        signing = complete_draft()

        signing_organisation_propose(
            signing=signing,
            name=" Borsetshire Fire and Rescue Service ",
            organisation_type=OrganisationType.FIRE_AND_RESCUE,
            website="https://www.borsetshire-fire.example",
            region="South West",
            proposed_by=signing.signer,
        )

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.organisation is None
        assert stored.proposed_name == "Borsetshire Fire and Rescue Service"
        assert stored.is_organisation_unlisted

    def test_refuses_when_someone_other_than_the_signer_changes_it(self):
        signing = complete_draft()

        with pytest.raises(TransitionNotAllowed):
            signing_organisation_propose(
                signing=signing,
                name="Elsewhere",
                organisation_type=OrganisationType.OTHER,
                website="https://elsewhere.example",
                region="London",
                proposed_by=UserFactory(),
            )

        assert Signing.objects.get(pk=signing.pk).proposed_name == ""


class TestSigningAnswersSave:
    def test_keeps_the_answers_without_surrounding_spaces(self):
        signing = SigningFactory(draft=True, signer_role="")

        signing_answers_save(
            signing=signing,
            answers={"signer_role": "  Head of digital ", "project_principles": ["open"]},
            saved_by=signing.signer,
        )

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.signer_role == "Head of digital"
        assert stored.project_principles == ["open"]

    def test_refuses_a_field_that_is_not_an_answer(self):
        signing = SigningFactory(draft=True)

        with pytest.raises(ValueError, match="status"):
            signing_answers_save(
                signing=signing, answers={"status": "published"}, saved_by=signing.signer
            )

        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.DRAFT

    def test_refuses_when_the_signing_has_been_submitted(self):
        signing = SigningFactory(submitted=True, signer_role="Head of digital")

        with pytest.raises(TransitionNotAllowed):
            signing_answers_save(
                signing=signing, answers={"signer_role": "Clerk"}, saved_by=signing.signer
            )

        assert Signing.objects.get(pk=signing.pk).signer_role == "Head of digital"

    def test_refuses_when_someone_other_than_the_signer_saves(self):
        signing = SigningFactory(draft=True, signer_role="Head of digital")

        with pytest.raises(TransitionNotAllowed):
            signing_answers_save(
                signing=signing, answers={"signer_role": "Clerk"}, saved_by=UserFactory()
            )

        assert Signing.objects.get(pk=signing.pk).signer_role == "Head of digital"


def test_answer_fields_are_all_fields_of_a_signing():
    """Every answer the journey saves is a real field, so none can be lost silently."""
    names = {field.name for field in Signing._meta.get_fields()}
    assert names >= services.ANSWER_FIELDS
