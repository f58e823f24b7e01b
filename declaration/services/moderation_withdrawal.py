"""Taking a published signing down: unpublishing it, or withdrawing it when its signatory asks."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from declaration.services.moderation import _email, _reason_clean, _signing_lock
from declaration.services.signing_withdrawal import _withdrawal_save
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.public_cache import content_changed

from ..errors import (
    NotOrganisationAdmin,
    TransitionNotAllowed,
)
from ..models import (
    Signing,
    SigningStatus,
)
from ..selectors import membership_get
from ..selectors.organisation_admin import organisation_admins_active


def signing_unpublish(*, signing: Signing, unpublished_by: User | None, reason: str) -> Signing:
    """Take a published signatory off the public list, with a reason its active admins are
    emailed.

    Raise ``ReasonRequired`` without a reason, and ``TransitionNotAllowed`` unless the
    signing is published.
    """
    reason = _reason_clean(reason, action="unpublishing")
    with transaction.atomic():
        signing = _signing_lock(signing)
        if signing.status != SigningStatus.PUBLISHED or signing.organisation is None:
            raise TransitionNotAllowed(
                f"Only a published signing can be unpublished; {signing.reference} is "
                f"{signing.get_status_display().lower()}."
            )
        signing.status = SigningStatus.UNPUBLISHED
        signing.unpublished_at = timezone.now()
        signing.unpublished_by = unpublished_by
        signing.unpublish_reason = reason
        signing.save(
            update_fields=[
                "status",
                "unpublished_at",
                "unpublished_by",
                "unpublish_reason",
                "updated_at",
            ]
        )
        content_changed("declaration")
        audit_record(
            actor=unpublished_by,
            verb="declaration.signing.unpublished",
            target=signing,
            data={"reason": reason},
        )
        organisation = signing.organisation
        for membership in organisation_admins_active(organisation=organisation):
            _email(
                to=membership.user.email,
                subject=f"{organisation.name} has been taken off the list of signatories",
                template="unpublished",
                context={
                    "signing": signing,
                    "organisation": organisation,
                    "reason": reason,
                    "feedback_email": settings.FEEDBACK_EMAIL,
                },
                idempotency_key=(
                    f"declaration.signing.unpublished.{signing.pk}.{membership.user_id}"
                ),
            )
    return signing


def signing_withdraw_published(*, signing: Signing, withdrawn_by: User, reason: str) -> Signing:
    """Withdraw a signatory from the Declaration, at the request of its organisation admin.

    The organisation leaves the public list. Its active admins are emailed, and so is the Local
    Digital team (``FEEDBACK_EMAIL``). Raise ``ReasonRequired`` without a reason,
    ``NotOrganisationAdmin`` unless ``withdrawn_by`` is an approved admin of the
    organisation, and ``TransitionNotAllowed`` unless the signing is published.
    """
    reason = _reason_clean(reason, action="withdrawing")
    with transaction.atomic():
        signing = _signing_lock(signing)
        if signing.status != SigningStatus.PUBLISHED or signing.organisation is None:
            raise TransitionNotAllowed(
                f"Only a published signing can be withdrawn this way; {signing.reference} is "
                f"{signing.get_status_display().lower()}."
            )
        organisation = signing.organisation
        membership = membership_get(user=withdrawn_by, organisation=organisation)
        if membership is None or not (membership.is_approved and membership.is_admin):
            raise NotOrganisationAdmin(
                f"Only an admin of {organisation.name} can withdraw it from the Declaration."
            )
        _withdrawal_save(signing, withdrawn_by=withdrawn_by, reason=reason)
        content_changed("declaration")
        context = {
            "signing": signing,
            "organisation": organisation,
            "reason": reason,
            "withdrawn_by": withdrawn_by,
            "feedback_email": settings.FEEDBACK_EMAIL,
            "admin_url": absolute_url("admin:declaration_signing_change", signing.pk),
        }
        key = f"declaration.signing.withdrawn_published.{signing.pk}"
        for admin in organisation_admins_active(organisation=organisation):
            _email(
                to=admin.user.email,
                subject=f"{organisation.name} has left the Local Digital Declaration",
                template="withdrawn",
                context=context,
                idempotency_key=f"{key}.{admin.user_id}",
            )
        _email(
            to=settings.FEEDBACK_EMAIL,
            subject=f"Signatory withdrawn: {organisation.name}",
            template="withdrawn_staff",
            context=context,
            idempotency_key=f"{key}.staff",
        )
    return signing
