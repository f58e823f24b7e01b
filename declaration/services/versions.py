"""Versions of the Declaration's text: drafting, editing and publishing one."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.locks import advisory_lock, lock_register
from localdigital.public_cache import content_changed

from ..errors import (
    VersionSigned,
)
from ..models import (
    DeclarationVersion,
)
from ..selectors import moderation as selectors

VERSION_NUMBER_LOCK = lock_register("declaration.version_number")


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
