"""Writes to the suppression list, and the provider's delivery receipts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from localdigital.audit.services import audit_record

from .. import selectors
from ..models import DeliveryStatus, OutgoingEmail, Suppression, SuppressionReason

if TYPE_CHECKING:
    from localdigital.accounts.models import User


def suppression_add(
    *, email: str, reason: str, note: str = "", actor: User | None = None
) -> Suppression:
    """Put an address on the suppression list, or update its reason and note if it is there.

    ``actor`` is the staff member, or None when the provider reported the address.
    """
    address = email.strip().lower()
    with transaction.atomic():
        suppression = selectors.suppressions_for_address(email=address).select_for_update().first()
        if suppression is None:
            try:
                with transaction.atomic():
                    suppression = Suppression.objects.create(
                        email=address, reason=SuppressionReason(reason), note=note
                    )
            except IntegrityError:
                # Added by a concurrent request since the lookup above.
                suppression = (
                    selectors.suppressions_for_address(email=address).select_for_update().get()
                )
            else:
                # Outside the try, so that a failure to audit is never taken for that race.
                audit_record(
                    actor=actor,
                    verb="mail.suppression.added",
                    target=suppression,
                    data={"reason": suppression.reason},
                )
                return suppression
        suppression.reason = SuppressionReason(reason)
        suppression.note = note
        suppression.save(update_fields=["reason", "note"])
        audit_record(
            actor=actor,
            verb="mail.suppression.changed",
            target=suppression,
            data={"reason": suppression.reason},
        )
    return suppression


def suppression_remove(*, suppression_id: int, actor: User) -> None:
    """Take an address off the suppression list, so that it can be sent to again."""
    with transaction.atomic():
        suppression = Suppression.objects.select_for_update().filter(pk=suppression_id).first()
        if suppression is None:
            return
        audit_record(
            actor=actor,
            verb="mail.suppression.removed",
            target=suppression,
            data={"email": suppression.email, "reason": suppression.reason},
        )
        suppression.delete()


def delivery_receipt_record(
    *, reference: str, recipient: str, status: str, notification_id: str
) -> OutgoingEmail | None:
    """Record GOV.UK Notify's delivery receipt on the email it refers to, and return it.

    ``reference`` is the email's Message-ID. A permanent failure (a hard bounce) also puts
    ``recipient`` on the suppression list, whether or not the email is still in the outbox.
    """
    delivery_status = DeliveryStatus(status)
    with transaction.atomic():
        if delivery_status == DeliveryStatus.PERMANENT_FAILURE:
            suppression_add(
                email=recipient,
                reason=SuppressionReason.HARD_BOUNCE,
                note=(
                    "GOV.UK Notify reported a permanent failure "
                    f"(notification {notification_id}, reference {reference or 'none'})."
                ),
            )
        email = (
            OutgoingEmail.objects.select_for_update().filter(message_id=reference).first()
            if reference
            else None
        )
        if email is None:
            return None
        email.delivery_status = delivery_status
        email.delivery_reported_at = timezone.now()
        email.provider_reference = email.provider_reference or notification_id
        email.save(
            update_fields=[
                "delivery_status",
                "delivery_reported_at",
                "provider_reference",
                "updated_at",
            ]
        )
    return email
