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
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, advisory_lock_take, lock_register
from localdigital.mail.services import email_queue
from localdigital.public_cache import content_changed

from ..errors import (
    MembershipAlreadyApprovedError,
    NotOrganisationAdmin,
    OrganisationClosed,
    PossibleDuplicateOrganisation,
    ReasonRequired,
    TransitionNotAllowed,
    VersionSigned,
)
from ..models import (
    DeclarationVersion,
    MembershipRole,
    Organisation,
    OrganisationType,
    Signing,
    SigningStatus,
)
from ..selectors import membership_get
from ..selectors import moderation as selectors
from ..selectors.organisation_admin import organisation_admins_active
from ..selectors.signing import organisations_similar_to
from .memberships import membership_add, membership_approve, membership_role_set
from .organisations import organisation_create, organisation_update
from .signing import UNLISTED_SUBMIT_LOCK

# The 45 co-publishers launched the Declaration on this day.
CO_PUBLISHED_ON = datetime.date(2018, 7, 4)
# Two versions written at once would race for the next number; this lock serialises them.
VERSION_NUMBER_LOCK = lock_register("declaration.version_number")
SLUG_MAX_LENGTH = Organisation._meta.get_field("slug").max_length or 200


# The Declaration's versions


def declaration_version_create(
    *, text: str, created_by: User | None, published_on: datetime.date | None = None
) -> DeclarationVersion:
    """Write a new version of the Declaration, numbered after the latest one.

    It is a draft, unless ``published_on`` is given: then it is published from that day,
    through ``declaration_version_publish``.
    """
    with advisory_lock(VERSION_NUMBER_LOCK, wait=True):
        latest = DeclarationVersion.objects.aggregate(latest=Max("number"))["latest"] or 0
        version = DeclarationVersion.objects.create(
            number=latest + 1, text=text, created_at=timezone.now(), created_by=created_by
        )
        audit_record(
            actor=created_by,
            verb="declaration.version.created",
            target=version,
            data={"number": version.number},
        )
        if published_on is not None:
            version = declaration_version_publish(
                version=version, published_on=published_on, published_by=created_by
            )
    return version


def declaration_version_text_update(
    *, version: DeclarationVersion, text: str, updated_by: User | None
) -> DeclarationVersion:
    """Change the text of a version that nobody has signed.

    Raise ``VersionSigned`` once anyone has signed it: signatories signed those words.
    The same text again changes nothing.
    """
    with transaction.atomic():
        version = DeclarationVersion.objects.select_for_update().get(pk=version.pk)
        if selectors.declaration_version_is_signed(version=version):
            raise VersionSigned(f"{version} has been signed, so its text cannot change.")
        if version.text == text:
            return version
        version.text = text
        version.save(update_fields=["text"])
        content_changed("declaration")
        audit_record(actor=updated_by, verb="declaration.version.updated", target=version)
    return version


def declaration_version_publish(
    *, version: DeclarationVersion, published_on: datetime.date, published_by: User | None
) -> DeclarationVersion:
    """Publish the version from ``published_on``.

    From that day it is the current version, shown on ``/declaration/`` and recorded on new
    signings, unless a version with a higher number is current too. A date still to come
    schedules it. The date of a version nobody has signed may be moved; publishing on the
    date it already has changes nothing. Raise ``VersionSigned`` once anyone has signed it.
    """
    with transaction.atomic():
        version = DeclarationVersion.objects.select_for_update().get(pk=version.pk)
        if selectors.declaration_version_is_signed(version=version):
            raise VersionSigned(f"{version} has been signed, so its date cannot change.")
        if version.published_on == published_on:
            return version
        previous = version.published_on
        version.published_on = published_on
        version.save(update_fields=["published_on"])
        content_changed("declaration")
        audit_record(
            actor=published_by,
            verb="declaration.version.published",
            target=version,
            data={"published_on": published_on, "previous": previous},
        )
    return version


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
                    f"{signing.organisation.name} closed on {closed_on:%-d %B %Y}, so its "
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
        signing.status = SigningStatus.WITHDRAWN
        signing.withdrawn_at = timezone.now()
        signing.withdrawn_by = withdrawn_by
        signing.withdrawal_reason = reason
        signing.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "withdrawn_by",
                "withdrawal_reason",
                "updated_at",
            ]
        )
        content_changed("declaration")
        audit_record(
            actor=withdrawn_by,
            verb="declaration.signing.withdrawn",
            target=signing,
            data={"reason": reason, "from": SigningStatus.PUBLISHED},
        )
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
