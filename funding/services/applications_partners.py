"""An application's partners: adding, editing, removing them, and their confirmation by link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string

from declaration.models import Organisation
from funding.services.applications import _lock, _now, _require_open_draft
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from .. import formats
from ..errors import (
    DeadlinePassed,
    FundingError,
    NotPermitted,
    TransitionNotAllowed,
)
from ..models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationStatus,
)
from .common import (
    person_name,
    require_partner_allowed,
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _confirmation_request_queue(
    partner: ApplicationPartner, *, application: Application, requested_by: User, now: datetime
) -> None:
    """Give the partner a new confirmation link, and email it to its contact."""
    token = secrets.token_urlsafe(32)
    partner.confirmation_token_hash = _token_hash(token)
    partner.confirmation_requested_at = now
    partner.confirmed_at = None
    partner.save(
        update_fields=["confirmation_token_hash", "confirmation_requested_at", "confirmed_at"]
    )
    context = {
        "partner": partner,
        "application": application,
        "round": application.round,
        "requested_by": person_name(requested_by),
        "confirm_url": absolute_url("funding:partner-confirm", query={"token": token}),
        "closes_at": formats.date_and_time(application.round.applications_close_at),
    }
    email_queue(
        to=partner.contact_email,
        subject=(
            f"Confirm that {partner.organisation.name} is a partner in "
            f"{application.lead_organisation.name}'s application to {application.round.name}"
        ),
        body=render_to_string("funding/email/partner_confirmation_request.txt", context),
        idempotency_key=f"funding.partner.confirm.{partner.pk}.{now.timestamp():.6f}",
        sensitive=True,
    )


def application_partner_add(
    *,
    application: Application,
    organisation: Organisation,
    contact_name: str,
    contact_email: str,
    added_by: User,
    now: datetime | None = None,
) -> ApplicationPartner:
    """Add ``organisation`` as a partner, and email its contact a link to confirm."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        _require_open_draft(application, user=added_by, now=now)
        require_partner_allowed(bid=application, organisation=organisation)
        partner, created = ApplicationPartner.objects.get_or_create(
            application=application,
            organisation=organisation,
            defaults={
                "contact_name": contact_name.strip(),
                "contact_email": contact_email.strip(),
                "added_by": added_by,
                "added_at": now,
            },
        )
        if not created:
            raise FundingError(f"{organisation.name} is already a partner in this application.")
        _confirmation_request_queue(
            partner, application=application, requested_by=added_by, now=now
        )
        ApplicationChange.objects.create(
            application=application,
            description=f"Added {organisation.name} as a partner",
            changed_by=added_by,
            changed_at=now,
        )
    return partner


def application_partner_contact_save(
    *,
    partner: ApplicationPartner,
    contact_name: str,
    contact_email: str,
    saved_by: User,
    now: datetime | None = None,
) -> ApplicationPartner:
    """Change a partner's named contact. A new contact email takes back any confirmation
    and sends a new link to the new contact; a partner invited from an EOI, which has no
    contact yet, gets its first link this way."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(partner.application)
        _require_open_draft(application, user=saved_by, now=now)
        partner = ApplicationPartner.objects.select_for_update(of=("self",)).get(
            pk=partner.pk, application=application
        )
        new_email = contact_email.strip()
        email_changed = new_email.lower() != partner.contact_email.lower()
        partner.contact_name = contact_name.strip()
        partner.contact_email = new_email
        partner.save(update_fields=["contact_name", "contact_email"])
        if email_changed:
            _confirmation_request_queue(
                partner, application=application, requested_by=saved_by, now=now
            )
        ApplicationChange.objects.create(
            application=application,
            description=f"Changed the contact for {partner.organisation.name}",
            changed_by=saved_by,
            changed_at=now,
        )
    return partner


def application_partner_confirmation_resend(
    *, partner: ApplicationPartner, requested_by: User, now: datetime | None = None
) -> ApplicationPartner:
    """Send the partner's contact a new confirmation link; the old one stops working."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(partner.application)
        _require_open_draft(application, user=requested_by, now=now)
        partner = ApplicationPartner.objects.select_for_update(of=("self",)).get(
            pk=partner.pk, application=application
        )
        if partner.is_confirmed:
            raise TransitionNotAllowed(f"{partner.organisation.name} has already confirmed.")
        if not partner.contact_email:
            raise FundingError(f"Give a contact for {partner.organisation.name} first.")
        _confirmation_request_queue(
            partner, application=application, requested_by=requested_by, now=now
        )
    return partner


def application_partner_remove(
    *, partner: ApplicationPartner, removed_by: User, now: datetime | None = None
) -> None:
    """Take a partner out of the draft."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(partner.application)
        _require_open_draft(application, user=removed_by, now=now)
        name = partner.organisation.name
        deleted, _ = ApplicationPartner.objects.filter(
            pk=partner.pk, application=application
        ).delete()
        if deleted:
            ApplicationChange.objects.create(
                application=application,
                description=f"Removed {name} as a partner",
                changed_by=removed_by,
                changed_at=now,
            )


def partner_for_token(token: str) -> ApplicationPartner | None:
    """Return the partner whose current confirmation link carries ``token``, or None."""
    if not token:
        return None
    return (
        ApplicationPartner.objects.filter(confirmation_token_hash=_token_hash(token))
        .select_related("application__round", "application__lead_organisation", "organisation")
        .first()
    )


def application_partner_confirm(*, token: str, now: datetime | None = None) -> ApplicationPartner:
    """Record that the partner's contact confirmed its part in the application.

    The link's token is the proof: only its current one works, only while the application
    is a draft before the close. Confirming twice changes nothing. The person who added the
    partner, and the application's creator, are told.
    """
    now = _now(now)
    with transaction.atomic():
        found = partner_for_token(token)
        if found is None:
            raise NotPermitted("This confirmation link is not valid. Ask for a new one.")
        application = _lock(found.application)
        partner = (
            ApplicationPartner.objects.select_for_update(of=("self",))
            .select_related("organisation", "added_by")
            .get(pk=found.pk)
        )
        if partner.confirmation_token_hash != _token_hash(token):
            raise NotPermitted("This confirmation link has been replaced by a newer one.")
        if partner.is_confirmed:
            return partner
        if application.status != ApplicationStatus.DRAFT:
            raise TransitionNotAllowed(
                f"Application {application.reference} has been "
                f"{application.get_status_display().lower()}, so partners can no longer "
                "confirm it."
            )
        if now >= application.round.applications_close_at:
            raise DeadlinePassed(
                f"The deadline for applications to {application.round.name} has passed."
            )
        partner.confirmed_at = now
        partner.save(update_fields=["confirmed_at"])
        ApplicationChange.objects.create(
            application=application,
            description=(
                f"{partner.contact_name or partner.contact_email} confirmed "
                f"{partner.organisation.name}'s part"
            ),
            changed_at=now,
        )
        audit_record(
            actor=None,
            verb="funding.application.partner_confirmed",
            target=application,
            data={"partner": partner.organisation.name, "contact": partner.contact_email},
        )
        recipients = {u.email: u for u in (application.created_by, partner.added_by) if u}
        for email in sorted(recipients):
            email_queue(
                to=email,
                subject=(
                    f"{partner.organisation.name} has confirmed its part in application "
                    f"{application.reference}"
                ),
                body=render_to_string(
                    "funding/email/partner_confirmed.txt",
                    {
                        "partner": partner,
                        "application": application,
                        "application_url": absolute_url(
                            "funding:application-detail", application.reference
                        ),
                    },
                ),
                idempotency_key=(
                    f"funding.partner.confirmed.{partner.pk}.{now.timestamp():.6f}"
                    f".{recipients[email].pk}"
                ),
            )
    return partner
