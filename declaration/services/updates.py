"""Writes about declaration project updates, which members of a signatory post."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from ..errors import DeclarationError
from ..models import Membership, ProjectUpdate, Signing, SigningStatus


class UpdateNotAllowed(DeclarationError):
    """The person may not post an update for this signing, or the signing takes none."""


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
        audit_record(
            actor=posted_by,
            verb="declaration.project_update.posted",
            target=update,
            data={"signing": signing.reference, "title": title},
        )
    return update
