"""Reads for the Declaration's text and versions, and for staff moderating signings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from declaration.models import (
    DeclarationVersion,
    Organisation,
    ProjectUpdate,
    Signing,
    SigningStatus,
)
from localdigital.markdown import markdown_to_html

from .signing import (
    declaration_version_current,
    organisations_similar_to,
    signings_unlisted_similar_to,
)

LIVE_STATUSES = (SigningStatus.SUBMITTED, SigningStatus.PUBLISHED)


@dataclass(frozen=True)
class DeclarationText:
    """The current version of the Declaration, ready for the page."""

    number: int
    published_on: datetime.date
    html: SafeString


def declaration_text_current() -> DeclarationText | None:
    """Return the current version of the Declaration as HTML, or None before any is published."""
    version = declaration_version_current()
    if version is None or version.published_on is None:
        return None
    # markdown_to_html escapes any raw HTML in the source, so its output is safe to show.
    html = mark_safe(markdown_to_html(version.text))  # noqa: S308
    return DeclarationText(number=version.number, published_on=version.published_on, html=html)


def declaration_version_is_signed(*, version: DeclarationVersion) -> bool:
    """Return whether any signing, in any state, records this version as the one signed."""
    return Signing.objects.filter(version=version).exists()


def declaration_versions_for_admin() -> QuerySet[DeclarationVersion]:
    """Return every version, newest first, with how many signings record it as signed and
    the number of the current version."""
    signings = (
        Signing.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(count=Count("pk"))
        .values("count")
    )
    current = (
        DeclarationVersion.objects.filter(
            published_on__isnull=False, published_on__lte=timezone.localdate()
        )
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        DeclarationVersion.objects.select_related("created_by")
        .annotate(
            signing_count=Coalesce(Subquery(signings), 0),
            current_number=Subquery(current),
        )
        .order_by("-number")
    )


def project_updates_for_admin() -> QuerySet[ProjectUpdate]:
    """Return declaration project updates with their signatory and poster, for the staff
    list and detail page, in one query."""
    return ProjectUpdate.objects.select_related("signing__organisation", "posted_by")


def signings_for_admin() -> QuerySet[Signing]:
    """Return signings with what the staff list and detail page show, in one query."""
    return Signing.objects.select_related("organisation", "signer", "version")


def declaration_version_on(*, day: datetime.date) -> DeclarationVersion | None:
    """Return the version that was current on ``day``: the published version with the
    highest number whose date had come, or None if none had."""
    return (
        DeclarationVersion.objects.filter(published_on__isnull=False, published_on__lte=day)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class SimilarName:
    """An organisation, or another unlisted organisation waiting for checks, whose name is
    like the one a signer described; for staff checking a possible duplicate."""

    name: str
    detail: str


def signing_similar_names(*, signing: Signing) -> list[SimilarName]:
    """Return the organisations, then the other pending unlisted organisations, whose names
    are like the one this signing describes; nothing for a signing of a listed organisation.
    """
    if not signing.is_organisation_unlisted:
        return []
    organisations = [
        SimilarName(name=organisation.name, detail=f"in the register ({organisation.slug})")
        for organisation in organisations_similar_to(name=signing.proposed_name)
    ]
    proposals = [
        SimilarName(name=other.proposed_name, detail=f"waiting for checks ({other.reference})")
        for other in signings_unlisted_similar_to(name=signing.proposed_name, exclude=signing)
    ]
    return organisations + proposals


def organisations_for_signing_import() -> list[Organisation]:
    """Return every organisation, for matching an import's register codes and names."""
    return list(
        Organisation.objects.only("pk", "name", "slug", "register_code", "alternative_names")
    )


def live_signings_by_organisation(*, organisation_ids: set[int]) -> dict[int, Signing]:
    """Return the pending or published signing of each of these organisations, by its id."""
    signings = Signing.objects.filter(
        organisation_id__in=organisation_ids, status__in=LIVE_STATUSES
    ).only("pk", "organisation_id", "status", "signed_on", "reference")
    return {signing.organisation_id: signing for signing in signings if signing.organisation_id}


def published_versions() -> list[DeclarationVersion]:
    """Return the published versions, lowest number first."""
    return list(
        DeclarationVersion.objects.filter(published_on__isnull=False)
        .only("pk", "number", "published_on")
        .order_by("number")
    )
