"""Writes about organisations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from ..models import Organisation


def organisation_create(
    *,
    name: str,
    slug: str,
    organisation_type: str,
    website: str = "",
    email_domains: Iterable[str] = (),
    alternative_names: Iterable[str] = (),
    created_by: User | None = None,
) -> Organisation:
    """Create an organisation that is not in the register of local authorities.

    Used for central government, sector bodies and other public bodies that sign.
    """
    with transaction.atomic():
        organisation = Organisation(
            name=name,
            slug=slug,
            organisation_type=organisation_type,
            website=website,
            email_domains=sorted({domain.strip().lower() for domain in email_domains}),
            alternative_names=list(alternative_names),
        )
        organisation.full_clean()
        organisation.save()
        content_changed("declaration")
        audit_record(actor=created_by, verb="declaration.organisation.created", target=organisation)
    return organisation


def organisation_update(
    *, organisation: Organisation, changes: Mapping[str, Any], updated_by: User | None
) -> Organisation:
    """Change some of an organisation's fields, and record each change's old and new value.

    ``changes`` maps field names to new values (an ``Organisation`` or None for a link). Only
    the fields whose value differs are saved and audited, as
    ``declaration.organisation.updated``; with none, nothing is written. Those fields are
    validated first (``ValidationError``), and a name that is not an editable field raises
    ``ValueError``. Email domains are kept in lower case, as ``organisation_create`` keeps them.
    """
    editable = _editable_organisation_fields()
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise ValueError(f"These are not fields staff can change: {', '.join(unknown)}.")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed: dict[str, dict[str, Any]] = {}
        for name, value in changes.items():
            if name == "email_domains":
                value = list(dict.fromkeys(domain.strip().lower() for domain in value))
            # A link is compared, and audited, by its id (the field's attname).
            old = getattr(organisation, editable[name])
            setattr(organisation, name, value)
            new = getattr(organisation, editable[name])
            if new != old:
                changed[name] = {"old": old, "new": new}
        if not changed:
            return organisation
        organisation.full_clean(exclude=sorted(set(editable) - set(changed)))
        organisation.save(update_fields=[*sorted(changed), "updated_at"])
        content_changed("declaration")
        audit_record(
            actor=updated_by,
            verb="declaration.organisation.updated",
            target=organisation,
            data={"changed": changed},
        )
    return organisation


def _editable_organisation_fields() -> dict[str, str]:
    """Return the name and column attribute of each field staff may change."""
    return {
        field.name: field.attname
        for field in Organisation._meta.concrete_fields
        if field.editable and not field.primary_key
    }


def organisation_email_domain_add(
    *, organisation: Organisation, domain: str, added_by: User | None
) -> Organisation:
    """Add an email domain to the organisation, so that people with it join at once.

    Adding a domain the organisation already has changes nothing.
    """
    domain = domain.strip().lower()
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.has_email_domain(domain):
            return organisation
        organisation.email_domains = [*organisation.email_domains, domain]
        organisation.save(update_fields=["email_domains", "updated_at"])
        audit_record(
            actor=added_by,
            verb="declaration.organisation.email_domain_added",
            target=organisation,
            data={"domain": domain},
        )
    return organisation
