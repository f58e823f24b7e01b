"""The signer's side of signing: starting a draft, answering, submitting and withdrawing."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from declaration.errors import (
    AlreadySigned,
    NoDeclarationVersion,
    OrganisationClosed,
    SigningIncomplete,
    TransitionNotAllowed,
)
from declaration.models import (
    DeclarationVersion,
    OrganisationType,
    Signing,
    SigningStatus,
)
from declaration.services import signing as services
from declaration.services import signing_withdrawal as withdrawal_services
from declaration.services.signing import (
    signing_answers_save,
    signing_organisation_choose,
    signing_organisation_propose,
    signing_start,
    signing_start_unlisted,
    signing_submit,
)
from declaration.services.signing_withdrawal import signing_draft_delete, signing_withdraw_pending
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    OrganisationFactory,
    SigningFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_audit(monkeypatch):
    """Make the service's audit write fail, as a lost connection would."""

    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (services, withdrawal_services):
        monkeypatch.setattr(module, "audit_record", fail)


def signer_at(organisation, **kwargs):
    """A signer whose email address is at the organisation's own domain."""
    return UserFactory(email=f"clerk@{organisation.email_domains[0]}", **kwargs)


def complete_draft(**kwargs) -> Signing:
    """A draft answering every question (the factory fills them), for a listed organisation."""
    return SigningFactory.create(draft=True, **kwargs)


def emails_to(address: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(recipient=address).order_by("pk"))


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


class TestSigningDraftDelete:
    def test_deletes_the_draft_and_audits_what_it_was(self):
        draft = SigningFactory(draft=True, signer_role="Head of digital")
        signer = draft.signer

        signing_draft_delete(signing=draft, deleted_by=signer)

        assert not Signing.objects.filter(pk=draft.pk).exists()
        event = AuditEvent.objects.get(verb="declaration.signing.draft_deleted")
        assert (event.actor, event.target_object_id) == (signer, str(draft.pk))
        assert event.data["reference"] == draft.reference
        assert event.data["organisation"] == draft.organisation.name
        assert event.data["answers"]["signer_role"] == "Head of digital"

    @pytest.mark.parametrize("trait", ["submitted", "published", "withdrawn", "rejected"])
    def test_refuses_and_keeps_a_signing_that_was_submitted(self, trait):
        signing = SigningFactory(**({trait: True} if trait != "published" else {}))

        with pytest.raises(TransitionNotAllowed):
            signing_draft_delete(signing=signing, deleted_by=signing.signer)

        assert Signing.objects.filter(pk=signing.pk).exists()
        assert not AuditEvent.objects.filter(verb="declaration.signing.draft_deleted").exists()

    def test_refuses_someone_elses_draft(self):
        draft = SigningFactory(draft=True)

        with pytest.raises(TransitionNotAllowed):
            signing_draft_delete(signing=draft, deleted_by=UserFactory())

        assert Signing.objects.filter(pk=draft.pk).exists()

    def test_refuses_a_second_time_when_it_is_already_deleted(self):
        """Two presses of Delete: the second finds nothing, and says so."""
        draft = SigningFactory(draft=True)
        signing_draft_delete(signing=draft, deleted_by=draft.signer)

        with pytest.raises(TransitionNotAllowed, match="already been deleted"):
            signing_draft_delete(signing=draft, deleted_by=draft.signer)

        assert AuditEvent.objects.filter(verb="declaration.signing.draft_deleted").count() == 1

    def test_keeps_the_draft_when_the_audit_fails(self, broken_audit):
        draft = SigningFactory(draft=True)

        with pytest.raises(IntegrityError):
            signing_draft_delete(signing=draft, deleted_by=draft.signer)

        assert Signing.objects.filter(pk=draft.pk).exists()


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


class TestSigningSubmit:
    def test_submits_dates_versions_and_audits_when_the_draft_is_complete(self):
        organisation = OrganisationFactory()
        signer = signer_at(organisation)
        signing = complete_draft(organisation=organisation, signer=signer)

        signing_submit(signing=signing, submitted_by=signer)

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.status == SigningStatus.SUBMITTED
        assert stored.submitted_at is not None
        assert stored.signed_on == timezone.localdate()
        assert stored.version == DeclarationVersion.objects.get(number=1)
        assert (stored.domain_mismatch, stored.possible_duplicate) == (False, False)
        event = AuditEvent.objects.get(verb="declaration.signing.submitted")
        assert event.actor == signer
        assert event.data["organisation"] == organisation.name
        assert event.data["domain_mismatch"] is False

    def test_signs_on_the_london_date_when_submitted_after_midnight_in_summer(self, monkeypatch):
        """At 23:30 UTC on 1 July it is already 2 July in London."""
        late = datetime.datetime(2025, 7, 1, 23, 30, tzinfo=datetime.UTC)
        monkeypatch.setattr(services.timezone, "now", lambda: late)
        signing = complete_draft()

        signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).signed_on == datetime.date(2025, 7, 2)

    def test_records_the_current_version_when_a_newer_one_is_published(self):
        today = timezone.localdate()
        DeclarationVersionFactory(number=2, published_on=today)
        DeclarationVersionFactory(number=3, published_on=today + datetime.timedelta(days=1))
        DeclarationVersionFactory(number=4, draft=True)
        signing = complete_draft()

        signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).version.number == 2

    def test_refuses_when_no_version_has_been_published(self):
        DeclarationVersion.objects.all().delete()
        signing = complete_draft(version=None)

        with pytest.raises(NoDeclarationVersion):
            signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.DRAFT

    def test_flags_a_domain_mismatch_when_the_signer_email_is_elsewhere(self):
        """The signer is not told; staff see the flag."""
        organisation = OrganisationFactory()
        signing = complete_draft(
            organisation=organisation, signer=UserFactory(email="me@gmail.example")
        )

        signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).domain_mismatch is True

    def test_flags_an_unlisted_organisation_and_a_possible_duplicate_when_its_name_is_listed(
        self,
    ):
        OrganisationFactory(name="London Borough of Hackney", slug="hackney")
        signing = complete_draft(
            unlisted=True,
            proposed_name="Hackney Council",
            digital_lead_email="lead@hackney.example",
        )

        signing_submit(signing=signing, submitted_by=signing.signer)

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.status == SigningStatus.SUBMITTED
        assert (stored.domain_mismatch, stored.possible_duplicate) == (True, True)
        assert AuditEvent.objects.get().data["unlisted"] is True

    def test_flags_a_possible_duplicate_when_another_unlisted_signing_waits_with_a_like_name(
        self,
    ):
        """Two signers describing one unlisted organisation: staff see the second flagged."""
        SigningFactory(submitted=True, unlisted=True, proposed_name="Ambridge Fire Service")
        signing = complete_draft(
            unlisted=True, proposed_name="Ambridge Fire", digital_lead_email="lead@ambridge.example"
        )

        signing_submit(signing=signing, submitted_by=signing.signer)

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.possible_duplicate is True
        assert AuditEvent.objects.get().data["possible_duplicate"] is True

    def test_does_not_flag_a_duplicate_when_the_like_unlisted_signing_was_rejected(self):
        SigningFactory(rejected=True, unlisted=True, proposed_name="Ambridge Fire Service")
        signing = complete_draft(
            unlisted=True, proposed_name="Ambridge Fire", digital_lead_email="lead@ambridge.example"
        )

        signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).possible_duplicate is False

    def test_does_not_flag_a_duplicate_when_the_unlisted_name_is_new(self):
        OrganisationFactory(name="London Borough of Hackney", slug="hackney")
        signing = complete_draft(
            unlisted=True,
            proposed_name="Borsetshire Fire and Rescue Service",
            digital_lead_email="lead@borsetshire-fire.example",
        )

        signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).possible_duplicate is False

    def test_emails_the_signer_and_the_digital_lead_once_when_submitted(self):
        organisation = OrganisationFactory(name="Borsetshire County Council")
        signer = signer_at(organisation)
        signing = complete_draft(
            organisation=organisation,
            signer=signer,
            digital_lead_name="Ada Lovelace",
            digital_lead_email="ada@borsetshire.example",
            project_title="Open booking",
        )

        signing_submit(signing=signing, submitted_by=signer)
        with pytest.raises(TransitionNotAllowed):
            signing_submit(signing=signing, submitted_by=signer)

        [to_signer] = emails_to(signer.email)
        assert signing.reference in to_signer.subject
        assert signing.reference in to_signer.body_text
        assert "What happens next" in to_signer.body_text
        assert "organisation admin" in to_signer.body_text
        [to_lead] = emails_to("ada@borsetshire.example")
        assert "digital lead" in to_lead.subject
        assert "Dear Ada Lovelace" in to_lead.body_text
        assert "IT, digital and transformation teams" in to_lead.body_text
        assert "Open booking" in to_lead.body_text
        assert AuditEvent.objects.filter(verb="declaration.signing.submitted").count() == 1

    def test_refuses_and_names_the_questions_when_the_draft_is_incomplete(self):
        signing = SigningFactory(
            draft=True, signer_role="", digital_lead_email="", project_principles=[]
        )

        with pytest.raises(SigningIncomplete) as raised:
            signing_submit(signing=signing, submitted_by=signing.signer)

        assert [answer.step for answer in raised.value.missing] == [
            "role",
            "digital-lead",
            "project",
        ]
        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.DRAFT
        assert not OutgoingEmail.objects.exists()

    def test_refuses_when_only_half_of_the_elected_member_is_given(self):
        signing = complete_draft(elected_member_name="Cllr Jo Bloggs", elected_member_role="")

        with pytest.raises(SigningIncomplete):
            signing_submit(signing=signing, submitted_by=signing.signer)

    def test_refuses_when_someone_other_than_the_signer_submits(self):
        signing = complete_draft()

        with pytest.raises(TransitionNotAllowed):
            signing_submit(signing=signing, submitted_by=UserFactory())

        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.DRAFT

    @pytest.mark.parametrize(
        "trait", ["submitted", "published", "rejected", "withdrawn", "unpublished"]
    )
    def test_refuses_when_the_signing_is_not_a_draft(self, trait):
        signing = SigningFactory(**({trait: True} if trait != "published" else {}))
        status = signing.status

        with pytest.raises(TransitionNotAllowed):
            signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).status == status

    def test_raises_already_signed_when_the_organisation_signed_meanwhile(self):
        organisation = OrganisationFactory()
        signing = complete_draft(organisation=organisation)
        SigningFactory(organisation=organisation, submitted=True)

        with pytest.raises(AlreadySigned):
            signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.DRAFT
        assert not OutgoingEmail.objects.exists()

    def test_raises_already_signed_when_the_database_constraint_catches_a_race(self, monkeypatch):
        """A live signing the check could not see (it committed after) still stops this one:
        the unique constraint is turned into AlreadySigned, and nothing is written."""
        organisation = OrganisationFactory()
        signing = complete_draft(organisation=organisation)
        SigningFactory(organisation=organisation)
        monkeypatch.setattr(services, "signing_live_get", lambda **kwargs: None)

        with pytest.raises(AlreadySigned):
            signing_submit(signing=signing, submitted_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.DRAFT
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_refuses_when_the_organisation_closed_meanwhile(self):
        organisation = OrganisationFactory()
        signing = complete_draft(organisation=organisation)
        organisation.closed_on = timezone.localdate()
        organisation.save()

        with pytest.raises(OrganisationClosed):
            signing_submit(signing=signing, submitted_by=signing.signer)

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        signing = complete_draft()

        with pytest.raises(IntegrityError):
            signing_submit(signing=signing, submitted_by=signing.signer)

        stored = Signing.objects.get(pk=signing.pk)
        assert (stored.status, stored.submitted_at, stored.signed_on) == (
            SigningStatus.DRAFT,
            None,
            None,
        )
        assert not OutgoingEmail.objects.exists()


class TestSigningWithdrawPending:
    def test_withdraws_audits_and_emails_the_signer_once_when_pending(self):
        signing = SigningFactory(submitted=True)

        signing_withdraw_pending(
            signing=signing, withdrawn_by=signing.signer, reason=" We signed too early. "
        )
        with pytest.raises(TransitionNotAllowed):
            signing_withdraw_pending(signing=signing, withdrawn_by=signing.signer)

        stored = Signing.objects.get(pk=signing.pk)
        assert stored.status == SigningStatus.WITHDRAWN
        assert stored.withdrawn_by == signing.signer
        assert stored.withdrawn_at is not None
        assert stored.withdrawal_reason == "We signed too early."
        event = AuditEvent.objects.get(verb="declaration.signing.withdrawn")
        assert event.data == {"from": "submitted", "reason": "We signed too early."}
        [email] = emails_to(signing.signer.email)
        assert "withdrawn" in email.subject
        assert "We signed too early." in email.body_text

    def test_frees_the_organisation_to_sign_again(self):
        pending = SigningFactory(submitted=True)
        signing_withdraw_pending(signing=pending, withdrawn_by=pending.signer)
        another = complete_draft(organisation=pending.organisation)

        signing_submit(signing=another, submitted_by=another.signer)

        assert Signing.objects.get(pk=another.pk).status == SigningStatus.SUBMITTED

    @pytest.mark.parametrize("trait", ["draft", "published", "rejected", "withdrawn"])
    def test_refuses_when_the_signing_is_not_pending(self, trait):
        signing = SigningFactory(**({trait: True} if trait != "published" else {}))
        status = signing.status

        with pytest.raises(TransitionNotAllowed):
            signing_withdraw_pending(signing=signing, withdrawn_by=signing.signer)

        assert Signing.objects.get(pk=signing.pk).status == status
        assert not OutgoingEmail.objects.exists()

    def test_refuses_when_someone_other_than_the_signer_withdraws(self):
        signing = SigningFactory(submitted=True)

        with pytest.raises(TransitionNotAllowed):
            signing_withdraw_pending(signing=signing, withdrawn_by=UserFactory())

        assert Signing.objects.get(pk=signing.pk).status == SigningStatus.SUBMITTED

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        signing = SigningFactory(submitted=True)

        with pytest.raises(IntegrityError):
            signing_withdraw_pending(signing=signing, withdrawn_by=signing.signer)

        stored = Signing.objects.get(pk=signing.pk)
        assert (stored.status, stored.withdrawn_at) == (SigningStatus.SUBMITTED, None)
        assert not OutgoingEmail.objects.exists()


def test_answer_fields_are_all_fields_of_a_signing():
    """Every answer the journey saves is a real field, so none can be lost silently."""
    names = {field.name for field in Signing._meta.get_fields()}
    assert names >= services.ANSWER_FIELDS
