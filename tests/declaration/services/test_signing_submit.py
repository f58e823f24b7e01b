"""Submitting a signing: every answer checked, one live signing per organisation, the emails it
sends, and nothing written when a part fails."""

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
from declaration.models import DeclarationVersion, Signing, SigningStatus
from declaration.services import signing as services
from declaration.services.signing import signing_submit
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    OrganisationFactory,
    SigningFactory,
)
from tests.declaration.support import complete_draft
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


def signer_at(organisation, **kwargs):
    """A signer whose email address is at the organisation's own domain."""
    return UserFactory(email=f"clerk@{organisation.email_domains[0]}", **kwargs)


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
