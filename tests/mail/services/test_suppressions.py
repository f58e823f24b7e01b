"""Suppressed addresses, added and removed, and the delivery receipts that add them
(localdigital/mail/services/suppressions.py)."""

import pytest
from django.db import DatabaseError, IntegrityError

from localdigital.audit.models import AuditEvent
from localdigital.mail import services
from localdigital.mail.models import DeliveryStatus, OutgoingEmail, Suppression, SuppressionReason
from localdigital.mail.services import SendOutcome
from tests.accounts.factories import UserFactory
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory
from tests.support.audit import audit_unavailable

pytestmark = pytest.mark.django_db


class TestSuppressionAdd:
    def test_adds_the_address_in_lower_case_when_it_is_new(self):
        """Addresses are kept in lower case, and the addition is audited."""
        staff = UserFactory(staff=True)
        suppression = services.suppression_add(
            email=" Complained@Borsetshire.gov.uk ",
            reason=SuppressionReason.COMPLAINT,
            note="Asked us by phone to stop.",
            actor=staff,
        )
        assert suppression.email == "complained@borsetshire.gov.uk"
        event = AuditEvent.objects.get(verb="mail.suppression.added")
        assert (event.actor_id, event.target_object_id) == (staff.pk, str(suppression.pk))

    def test_updates_the_reason_when_the_address_is_there_in_another_case(self):
        """One row per address, whatever the case it is reported in."""
        existing = SuppressionFactory(
            email="officer@borsetshire.gov.uk", reason=SuppressionReason.MANUAL
        )
        suppression = services.suppression_add(
            email="OFFICER@borsetshire.gov.uk", reason=SuppressionReason.HARD_BOUNCE
        )
        assert suppression.pk == existing.pk
        assert Suppression.objects.get().reason == SuppressionReason.HARD_BOUNCE

    @pytest.mark.parametrize("failure", [DatabaseError, IntegrityError])
    def test_writes_nothing_when_the_audit_event_cannot_be_saved_for_a_new_address(
        self, monkeypatch, failure
    ):
        """The addition and its audit event are one transaction, whatever the audit raises."""

        def broken_audit_record(**kwargs):
            raise failure("the audit log is unavailable")

        monkeypatch.setattr(services.suppressions, "audit_record", audit_unavailable)
        with pytest.raises(failure):
            services.suppression_add(
                email="complained@borsetshire.gov.uk", reason=SuppressionReason.COMPLAINT
            )
        assert not Suppression.objects.exists()

    def test_changes_nothing_when_the_audit_event_cannot_be_saved_for_a_listed_address(
        self, monkeypatch
    ):
        """A change of reason is not kept without its audit event."""
        existing = SuppressionFactory(reason=SuppressionReason.MANUAL, note="By phone")

        monkeypatch.setattr(services.suppressions, "audit_record", audit_unavailable)
        with pytest.raises(DatabaseError):
            services.suppression_add(
                email=existing.email, reason=SuppressionReason.COMPLAINT, note="Changed"
            )
        existing.refresh_from_db()
        assert (existing.reason, existing.note) == (SuppressionReason.MANUAL, "By phone")


class TestSuppressionRemove:
    def test_lets_the_address_be_sent_to_again_when_removed(self, mailoutbox):
        """Once off the list, the address is sent to, and the removal is audited."""
        suppression = SuppressionFactory()
        staff = UserFactory(staff=True)
        services.suppression_remove(suppression_id=suppression.pk, actor=staff)
        assert not Suppression.objects.exists()
        assert AuditEvent.objects.get(verb="mail.suppression.removed").actor_id == staff.pk
        queued = OutgoingEmailFactory(recipient=suppression.email)
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SENT

    def test_keeps_the_address_when_the_audit_event_cannot_be_saved(self, monkeypatch):
        """The removal and its audit event are one transaction."""
        suppression = SuppressionFactory()

        monkeypatch.setattr(services.suppressions, "audit_record", audit_unavailable)
        with pytest.raises(DatabaseError):
            services.suppression_remove(
                suppression_id=suppression.pk, actor=UserFactory(staff=True)
            )
        assert Suppression.objects.filter(pk=suppression.pk).exists()


class TestDeliveryReceiptRecord:
    def test_records_the_delivery_on_the_email_when_notify_delivered_it(self):
        """The receipt is matched to its email by the Message-ID given as reference."""
        sent = OutgoingEmailFactory(sent=True)
        recorded = services.delivery_receipt_record(
            reference=sent.message_id,
            recipient=sent.recipient,
            status="delivered",
            notification_id="7a6e1c2b-0000-4000-8000-000000000001",
        )
        assert recorded == sent
        sent.refresh_from_db()
        assert sent.delivery_status == DeliveryStatus.DELIVERED
        assert sent.delivery_reported_at is not None
        assert sent.provider_reference == "7a6e1c2b-0000-4000-8000-000000000001"
        assert not Suppression.objects.exists()

    def test_suppresses_the_address_and_records_it_when_the_failure_is_permanent(self):
        """A hard bounce goes on the suppression list and on the email's row."""
        sent = OutgoingEmailFactory(sent=True, provider_reference="notify-id")
        services.delivery_receipt_record(
            reference=sent.message_id,
            recipient=sent.recipient,
            status="permanent-failure",
            notification_id="notify-id",
        )
        sent.refresh_from_db()
        assert sent.delivery_status == DeliveryStatus.PERMANENT_FAILURE
        suppression = Suppression.objects.get()
        assert (suppression.email, suppression.reason) == (
            sent.recipient,
            SuppressionReason.HARD_BOUNCE,
        )
        assert sent.message_id in suppression.note
        assert AuditEvent.objects.get(verb="mail.suppression.added").actor_id is None

    def test_suppresses_the_address_when_no_email_has_the_reference(self):
        """The bounce still counts after the email has gone from the outbox."""
        recorded = services.delivery_receipt_record(
            reference="<gone@localdigital.gov.uk>",
            recipient="gone@borsetshire.gov.uk",
            status="permanent-failure",
            notification_id="notify-id",
        )
        assert recorded is None
        assert Suppression.objects.get().email == "gone@borsetshire.gov.uk"

    def test_writes_nothing_when_the_email_cannot_be_saved(self, monkeypatch):
        """The suppression and the receipt on the row are one transaction."""
        sent = OutgoingEmailFactory(sent=True)

        def broken_save(*args, **kwargs):
            raise DatabaseError("the outbox is unavailable")

        monkeypatch.setattr(OutgoingEmail, "save", broken_save)
        with pytest.raises(DatabaseError):
            services.delivery_receipt_record(
                reference=sent.message_id,
                recipient=sent.recipient,
                status="permanent-failure",
                notification_id="notify-id",
            )
        assert not Suppression.objects.exists()
        assert not AuditEvent.objects.filter(verb="mail.suppression.added").exists()
