"""The staff-side transitions of a signing (declaration/services/moderation.py): rejecting it
and marking co-publishers. Publishing is tested in test_moderation_publish.py, unpublishing and
the organisation admin's withdrawal in test_moderation_withdrawal.py."""

import datetime

import pytest
from django.db import IntegrityError

from declaration.errors import ReasonRequired, TransitionNotAllowed
from declaration.models import SigningStatus
from declaration.services.moderation import signing_co_publisher_set, signing_reject
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.declaration.factories import DeclarationVersionFactory, SigningFactory
from tests.declaration.support import OTHER_STATES, signing_in, snapshot
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


class TestSigningReject:
    def test_rejects_with_the_reason_when_the_signing_is_pending(self, staff):
        signing = SigningFactory(submitted=True)

        signing_reject(signing=signing, rejected_by=staff, reason="  We could not verify you. ")

        signing.refresh_from_db()
        assert signing.status == SigningStatus.REJECTED
        assert signing.rejection_reason == "We could not verify you."
        assert signing.rejected_by == staff
        assert signing.rejected_at is not None
        event = AuditEvent.objects.get(verb="declaration.signing.rejected")
        assert event.data == {"reason": "We could not verify you."}

    def test_emails_the_signer_the_reason_when_rejecting(self, staff):
        signing = SigningFactory(submitted=True)

        signing_reject(signing=signing, rejected_by=staff, reason="We could not verify you.")

        (email,) = emails_to(signing.signer.email)
        assert "We could not verify you." in email.body_text
        assert signing.reference in email.body_text
        assert "http://testserver/account/" in email.body_text

    @pytest.mark.parametrize("reason", ["", "   \n "])
    def test_refuses_and_changes_nothing_when_no_reason_is_given(self, staff, reason):
        signing = SigningFactory(submitted=True)
        before = snapshot(signing)

        with pytest.raises(ReasonRequired):
            signing_reject(signing=signing, rejected_by=staff, reason=reason)

        assert snapshot(signing) == before
        assert not OutgoingEmail.objects.exists()

    @pytest.mark.parametrize("state", [s for s in OTHER_STATES if s != "submitted"])
    def test_refuses_and_changes_nothing_when_the_signing_is_not_pending(self, staff, state):
        signing = signing_in(state)
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed):
            signing_reject(signing=signing, rejected_by=staff, reason="No.")

        assert snapshot(signing) == before
        assert not AuditEvent.objects.exists()

    def test_sends_once_when_rejecting_is_tried_twice(self, staff):
        signing = SigningFactory(submitted=True)
        signing_reject(signing=signing, rejected_by=staff, reason="No.")

        with pytest.raises(TransitionNotAllowed):
            signing_reject(signing=signing, rejected_by=staff, reason="No.")

        assert OutgoingEmail.objects.count() == 1

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit):
        signing = SigningFactory(submitted=True)
        before = snapshot(signing)

        with pytest.raises(IntegrityError):
            signing_reject(signing=signing, rejected_by=staff, reason="No.")

        assert snapshot(signing) == before
        assert not OutgoingEmail.objects.exists()


class TestSigningCoPublisherSet:
    @pytest.fixture
    def version_2(self):
        return DeclarationVersionFactory(number=2, published_on=datetime.date(2019, 1, 1))

    def test_marks_dates_and_versions_it_4_july_2018_when_the_signing_is_published(
        self, staff, version_2
    ):
        """A co-publisher signed the Declaration as published that day: version 1."""
        signing = SigningFactory(signed_on=datetime.date(2019, 1, 10), version=version_2)

        signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        signing.refresh_from_db()
        assert signing.co_publisher
        assert signing.signed_on == datetime.date(2018, 7, 4)
        assert signing.version.number == 1
        event = AuditEvent.objects.get(verb="declaration.signing.co_publisher_set")
        assert event.data == {
            "co_publisher": True,
            "signed_on": "2018-07-04",
            "previous_signed_on": "2019-01-10",
            "version": 1,
            "previous_version": 2,
        }

    def test_changes_nothing_when_it_is_already_a_co_publisher(self, staff):
        signing = SigningFactory(co_published=True)

        signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        assert not AuditEvent.objects.exists()

    def test_keeps_the_date_and_version_and_audits_when_unmarking(self, staff):
        signing = SigningFactory(co_published=True)

        signing_co_publisher_set(signing=signing, co_publisher=False, changed_by=staff)

        signing.refresh_from_db()
        assert not signing.co_publisher
        assert signing.signed_on == datetime.date(2018, 7, 4)
        assert signing.version.number == 1
        event = AuditEvent.objects.get(verb="declaration.signing.co_publisher_set")
        assert (event.actor, event.data["co_publisher"]) == (staff, False)

    @pytest.mark.parametrize(
        "state", ["draft", "submitted", "rejected", "withdrawn", "unpublished"]
    )
    def test_refuses_to_mark_when_the_signing_is_not_published(self, staff, state):
        """A pending signing may yet be rejected: only signatories are co-publishers."""
        signing = signing_in(state)
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed, match="Only a published signing can be marked"):
            signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        assert snapshot(signing) == before
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("state", ["submitted", "unpublished", "withdrawn"])
    def test_refuses_to_unmark_when_the_signing_is_not_published(self, staff, state):
        signing = signing_in(state, co_publisher=True, signed_on=datetime.date(2018, 7, 4))
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed, match="Only a published signing can be unmarked"):
            signing_co_publisher_set(signing=signing, co_publisher=False, changed_by=staff)

        assert snapshot(signing) == before

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit, version_2):
        signing = SigningFactory(version=version_2)
        before = snapshot(signing)

        with pytest.raises(IntegrityError):
            signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        assert snapshot(signing) == before
