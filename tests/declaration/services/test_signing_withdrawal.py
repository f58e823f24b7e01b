"""Deleting a draft signing, and a signer withdrawing one that waits for checks
(declaration/services/signing_withdrawal.py)."""

import pytest
from django.db import IntegrityError

from declaration.errors import TransitionNotAllowed
from declaration.models import Signing, SigningStatus
from declaration.services.signing import signing_submit
from declaration.services.signing_withdrawal import signing_draft_delete, signing_withdraw_pending
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import SigningFactory
from tests.declaration.support import complete_draft
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


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
