"""Withdrawing a signing before it is published: deleting a draft, or one waiting for staff."""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from declaration.services.signing import ANSWER_FIELDS, _email_context
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.mail.services import email_queue

from ..errors import (
    TransitionNotAllowed,
)
from ..models import Signing, SigningStatus


def signing_draft_delete(*, signing: Signing, deleted_by: User) -> None:
    """Delete the signer's draft, which nobody else has seen: they no longer want it.

    Only its signer may, and only before it is submitted; a submitted signing is withdrawn
    instead. The audit event keeps its reference, organisation and answers. Raise
    ``TransitionNotAllowed`` otherwise, or when it has already been deleted.
    """
    with transaction.atomic():
        locked = (
            Signing.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=signing.pk)
            .first()
        )
        if locked is None:
            raise TransitionNotAllowed(
                f"Draft signing {signing.reference} has already been deleted."
            )
        if locked.status != SigningStatus.DRAFT:
            raise TransitionNotAllowed(
                f"Signing {locked.reference} has been submitted, so it cannot be deleted."
            )
        if locked.signer_id != deleted_by.pk:
            raise TransitionNotAllowed(f"Only its signer can delete signing {locked.reference}.")
        audit_record(
            actor=deleted_by,
            verb="declaration.signing.draft_deleted",
            target=locked,
            data={
                "reference": locked.reference,
                "organisation": locked.organisation_name,
                "unlisted": locked.is_organisation_unlisted,
                "answers": {name: getattr(locked, name) for name in sorted(ANSWER_FIELDS)},
            },
        )
        locked.delete()


def _withdrawal_save(signing: Signing, *, withdrawn_by: User, reason: str) -> None:
    """Record that ``withdrawn_by`` withdrew the locked ``signing`` (pending or published),
    and why, in the signing and the audit log."""
    was = signing.status
    signing.status = SigningStatus.WITHDRAWN
    signing.withdrawn_at = timezone.now()
    signing.withdrawn_by = withdrawn_by
    signing.withdrawal_reason = reason
    signing.save(
        update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"]
    )
    audit_record(
        actor=withdrawn_by,
        verb="declaration.signing.withdrawn",
        target=signing,
        data={"from": was, "reason": reason},
    )


def signing_withdraw_pending(*, signing: Signing, withdrawn_by: User, reason: str = "") -> Signing:
    """Take back a signing that staff have not checked yet: submitted → withdrawn.

    Only its signer may, and only while it is pending; a published signing is withdrawn by
    the organisation admin instead. The organisation is free to sign again at once. The
    signer is emailed.
    """
    with transaction.atomic():
        signing = (
            Signing.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=signing.pk)
        )
        if signing.status != SigningStatus.SUBMITTED:
            raise TransitionNotAllowed(
                f"Signing {signing.reference} is not waiting for checks, so it cannot be "
                "withdrawn here."
            )
        if signing.signer_id != withdrawn_by.pk:
            raise TransitionNotAllowed(f"Only its signer can withdraw signing {signing.reference}.")
        _withdrawal_save(signing, withdrawn_by=withdrawn_by, reason=reason.strip())
        email_queue(
            to=withdrawn_by.email,
            subject=(
                f"You have withdrawn the signing of the Local Digital Declaration for "
                f"{signing.organisation_name} (reference {signing.reference})"
            ),
            body=render_to_string(
                "declaration/email/signing_withdrawn_signer.txt", _email_context(signing)
            ),
            idempotency_key=f"declaration.signing.withdrawn.{signing.pk}.signer",
        )
    return signing
