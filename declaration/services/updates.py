"""Writes about declaration project updates, which members of a signatory post and staff
may remove."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from ..errors import ReasonRequired, UpdateAlreadyRemoved, UpdateNotAllowed
from ..models import Membership, ProjectUpdate, Signing, SigningStatus


def project_update_post(
    *, signing: Signing, title: str, body: str, posted_by: User
) -> ProjectUpdate:
    """Post an update on a signatory's declaration project, shown on its public page.

    Raise ``UpdateNotAllowed`` unless the signing is published and ``posted_by`` is an
    approved member of its organisation. The signing is locked while this is checked, so
    an update never lands on a signing that was unpublished or withdrawn meanwhile.
    """
    with transaction.atomic():
        signing = (
            Signing.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=signing.pk)
        )
        if signing.status != SigningStatus.PUBLISHED:
            raise UpdateNotAllowed(
                f"{signing.organisation_name} is not on the public list of signatories, "
                "so it cannot post updates."
            )
        is_member = Membership.objects.filter(
            organisation=signing.organisation, user=posted_by, approved_at__isnull=False
        ).exists()
        if not is_member:
            raise UpdateNotAllowed(
                f"Only approved members of {signing.organisation_name} can post its updates."
            )
        update = ProjectUpdate.objects.create(
            signing=signing,
            title=title,
            body=body,
            posted_by=posted_by,
            posted_at=timezone.now(),
        )
        content_changed("declaration")
        audit_record(
            actor=posted_by,
            verb="declaration.project_update.posted",
            target=update,
            data={"signing": signing.reference, "title": title},
        )
    return update


def project_update_remove(*, update: ProjectUpdate, removed_by: User | None, reason: str) -> None:
    """Remove an update from its signatory's public page, with a reason, as staff moderating.

    The update is deleted; the audit event keeps its title, text, signatory and poster with
    the reason, so what was removed, and why, is on record. Raise ``ReasonRequired`` without
    a reason, and ``UpdateAlreadyRemoved`` if it has gone already.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Give a reason for removing the update.")
    with transaction.atomic():
        locked = (
            ProjectUpdate.objects.select_for_update(of=("self",))
            .select_related("signing__organisation", "posted_by")
            .filter(pk=update.pk)
            .first()
        )
        if locked is None:
            raise UpdateAlreadyRemoved(f"The update “{update.title}” has already been removed.")
        content_changed("declaration")
        audit_record(
            actor=removed_by,
            verb="declaration.project_update.removed",
            target=locked,
            data={
                "signing": locked.signing.reference,
                "organisation": locked.signing.organisation_name,
                "title": locked.title,
                "body": locked.body,
                "posted_by": locked.posted_by.email if locked.posted_by else None,
                "posted_at": locked.posted_at,
                "reason": reason,
            },
        )
        locked.delete()
