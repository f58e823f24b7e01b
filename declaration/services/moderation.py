"""Staff moderation of signings, the organisation admin's withdrawal, and the Declaration's
versions.

Every transition locks the signing, checks that its state allows the change, records who made
it and when, writes an audit event and queues its emails through the outbox, all in one
transaction.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import calendar_date
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock_take
from localdigital.mail.services import email_queue
from localdigital.public_cache import content_changed

from ..errors import (
    MembershipAlreadyApprovedError,
    OrganisationClosed,
    PossibleDuplicateOrganisation,
    ReasonRequired,
    TransitionNotAllowed,
)
from ..models import (
    MembershipRole,
    Organisation,
    OrganisationType,
    Signing,
    SigningStatus,
)
from ..selectors import membership_get
from ..selectors import moderation as selectors
from ..selectors.signing import organisations_similar_to
from .memberships import membership_add, membership_approve, membership_role_set
from .organisations import organisation_create, organisation_update
from .signing import UNLISTED_SUBMIT_LOCK

# The 45 co-publishers launched the Declaration on this day.
CO_PUBLISHED_ON = datetime.date(2018, 7, 4)
# Two versions written at once would race for the next number; this lock serialises them.
SLUG_MAX_LENGTH = Organisation._meta.get_field("slug").max_length or 200


# The Declaration's versions


# Signings


def signing_publish(
    *,
    signing: Signing,
    published_by: User | None,
    different_organisation_confirmed: bool = False,
) -> Signing:
    """Publish a pending signing: the organisation joins the public list of signatories.

    An organisation the signer described because the register lacks it is created first,
    and the signing linked to it. Its name is compared again with every organisation's, as
    one with a like name may have been added since it was submitted: raise
    ``PossibleDuplicateOrganisation`` if one has, unless staff have confirmed that it is a
    different organisation (``different_organisation_confirmed``), which the audit event
    records. The signer becomes the organisation's admin (added, or approved and made admin,
    through the membership services). The signer is emailed a link to the organisation's
    signatory page, and the digital lead is told too. Raise ``TransitionNotAllowed`` unless
    the signing is pending, and ``OrganisationClosed`` if its organisation has closed.
    """
    with transaction.atomic():
        signing = _signing_lock(signing)
        if signing.status != SigningStatus.SUBMITTED:
            raise TransitionNotAllowed(
                f"Only a signing waiting for checks can be published; {signing.reference} is "
                f"{signing.get_status_display().lower()}."
            )
        unlisted = signing.organisation is None
        similar: list[Organisation] = []
        if signing.organisation is None:
            # Publishing two like-named unlisted organisations at once: the second must see
            # the organisation the first creates.
            advisory_lock_take(UNLISTED_SUBMIT_LOCK, wait=True)
            similar = organisations_similar_to(name=signing.proposed_name)
            if similar and not different_organisation_confirmed:
                names = "; ".join(f"{o.name} ({o.slug})" for o in similar[:5])
                raise PossibleDuplicateOrganisation(
                    f"{signing.proposed_name} may be an organisation that is already listed: "
                    f"{names}. If it is a different organisation, publish it with “Publish "
                    "anyway: it is a different organisation”; if not, reject it."
                )
            signing.organisation = _organisation_create_for(signing, created_by=published_by)
        else:
            # Closing an organisation locks its row too, so it cannot close meanwhile.
            closed_on = (
                Organisation.objects.select_for_update()
                .values_list("closed_on", flat=True)
                .get(pk=signing.organisation.pk)
            )
            if closed_on is not None:
                raise OrganisationClosed(
                    f"{signing.organisation.name} closed on {calendar_date(closed_on)}, so its "
                    "signing cannot be published. Reject it, with a reason."
                )
        organisation = signing.organisation
        signing.status = SigningStatus.PUBLISHED
        signing.published_at = timezone.now()
        signing.published_by = published_by
        signing.save(
            update_fields=["status", "organisation", "published_at", "published_by", "updated_at"]
        )
        if signing.signer is not None:
            _signer_make_admin(signing.signer, organisation=organisation, by=published_by)
        data: dict[str, Any] = {"organisation": organisation.slug}
        if unlisted and similar:
            data["confirmed_different_from"] = [o.slug for o in similar]
        content_changed("declaration")
        audit_record(
            actor=published_by,
            verb="declaration.signing.published",
            target=signing,
            data=data,
        )
        context = {
            "signing": signing,
            "organisation": organisation,
            "signatory_url": _signatory_url(organisation),
            "declaration_url": absolute_url("declaration:declaration"),
            "account_url": absolute_url("pages:account"),
        }
        if signing.signer is not None:
            _email(
                to=signing.signer.email,
                subject=f"{organisation.name} has signed the Local Digital Declaration",
                template="published_signer",
                context=context,
                idempotency_key=f"declaration.signing.published.{signing.pk}.signer",
            )
        if signing.digital_lead_email and not _same_address(
            signing.digital_lead_email, signing.signer.email if signing.signer else ""
        ):
            _email(
                to=signing.digital_lead_email,
                subject=f"{organisation.name} has signed the Local Digital Declaration",
                template="published_digital_lead",
                context=context,
                idempotency_key=f"declaration.signing.published.{signing.pk}.digital_lead",
            )
    return signing


def signing_reject(*, signing: Signing, rejected_by: User | None, reason: str) -> Signing:
    """Refuse a pending signing, with a reason that the signer is emailed and shown.

    Raise ``ReasonRequired`` without a reason, and ``TransitionNotAllowed`` unless the
    signing is pending.
    """
    reason = _reason_clean(reason, action="rejecting")
    with transaction.atomic():
        signing = _signing_lock(signing)
        if signing.status != SigningStatus.SUBMITTED:
            raise TransitionNotAllowed(
                f"Only a signing waiting for checks can be rejected; {signing.reference} is "
                f"{signing.get_status_display().lower()}."
            )
        signing.status = SigningStatus.REJECTED
        signing.rejected_at = timezone.now()
        signing.rejected_by = rejected_by
        signing.rejection_reason = reason
        signing.save(
            update_fields=[
                "status",
                "rejected_at",
                "rejected_by",
                "rejection_reason",
                "updated_at",
            ]
        )
        audit_record(
            actor=rejected_by,
            verb="declaration.signing.rejected",
            target=signing,
            data={"reason": reason},
        )
        if signing.signer is not None:
            _email(
                to=signing.signer.email,
                subject="Your signing of the Local Digital Declaration was not published",
                template="rejected",
                context={
                    "signing": signing,
                    "reason": reason,
                    "account_url": absolute_url("pages:account"),
                    "feedback_email": settings.FEEDBACK_EMAIL,
                },
                idempotency_key=f"declaration.signing.rejected.{signing.pk}",
            )
    return signing


def signing_co_publisher_set(
    *, signing: Signing, co_publisher: bool, changed_by: User | None
) -> Signing:
    """Mark a signatory as one of the Declaration's co-publishers, or unmark it.

    A co-publisher signed on 4 July 2018, the day it published the Declaration, so marking
    one sets that date and the version current that day (version 1). Unmarking leaves the
    date and the version; the audit event of each change keeps the old ones. Setting what
    is already set changes nothing. Raise ``TransitionNotAllowed`` unless the signing is
    published: only signatories on the public list are co-publishers.
    """
    with transaction.atomic():
        signing = _signing_lock(signing)
        if signing.status != SigningStatus.PUBLISHED:
            verb = "marked as a co-publisher" if co_publisher else "unmarked as a co-publisher"
            raise TransitionNotAllowed(
                f"Only a published signing can be {verb}; "
                f"{signing.reference} is {signing.get_status_display().lower()}."
            )
        if signing.co_publisher == co_publisher:
            return signing
        previous_signed_on = signing.signed_on
        previous_version = signing.version
        signing.co_publisher = co_publisher
        if co_publisher:
            signing.signed_on = CO_PUBLISHED_ON
            signing.version = (
                selectors.declaration_version_on(day=CO_PUBLISHED_ON) or signing.version
            )
        signing.save(update_fields=["co_publisher", "signed_on", "version", "updated_at"])
        content_changed("declaration")
        audit_record(
            actor=changed_by,
            verb="declaration.signing.co_publisher_set",
            target=signing,
            data={
                "co_publisher": co_publisher,
                "signed_on": signing.signed_on,
                "previous_signed_on": previous_signed_on,
                "version": signing.version.number if signing.version else None,
                "previous_version": previous_version.number if previous_version else None,
            },
        )
    return signing


def _signing_lock(signing: Signing) -> Signing:
    """Lock the signing's row and return it fresh, for the rest of the transaction."""
    return (
        Signing.objects.select_related("organisation", "signer")
        .select_for_update(of=("self",))
        .get(pk=signing.pk)
    )


def _reason_clean(reason: str, *, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(f"Give a reason for {action} the signing.")
    return reason


def _organisation_create_for(signing: Signing, *, created_by: User | None) -> Organisation:
    """Create the organisation the signer described, which the register does not have."""
    organisation = organisation_create(
        name=signing.proposed_name,
        slug=_free_slug(signing.proposed_name),
        organisation_type=signing.proposed_type or OrganisationType.OTHER,
        website=signing.proposed_website,
        created_by=created_by,
    )
    if signing.proposed_region:
        organisation = organisation_update(
            organisation=organisation,
            changes={"region": signing.proposed_region},
            updated_by=created_by,
        )
    return organisation


def _free_slug(name: str) -> str:
    """Return a slug from ``name`` that no organisation has, numbered if it must be."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 10].strip("-") or "organisation"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _signer_make_admin(signer: User, *, organisation: Organisation, by: User | None) -> None:
    """Make the signer an approved admin of the organisation, whatever their place in it."""
    membership = membership_get(user=signer, organisation=organisation)
    if membership is None:
        membership_add(
            organisation=organisation, user=signer, role=MembershipRole.ADMIN, added_by=by
        )
        return
    if not membership.is_approved:
        # If the organisation's admin approved them a moment ago, that will do.
        with contextlib.suppress(MembershipAlreadyApprovedError):
            membership_approve(membership=membership, approved_by=by)
    membership_role_set(membership=membership, role=MembershipRole.ADMIN, changed_by=by)


def _same_address(first: str, second: str) -> bool:
    return first.strip().lower() == second.strip().lower()


def _signatory_url(organisation: Organisation) -> str:
    return absolute_url("declaration:signatory", slug=organisation.slug)


def _email(
    *, to: str, subject: str, template: str, context: Mapping[str, Any], idempotency_key: str
) -> None:
    email_queue(
        to=to,
        subject=subject,
        body=render_to_string(f"declaration/email/moderation_{template}.txt", dict(context)),
        idempotency_key=idempotency_key,
    )
