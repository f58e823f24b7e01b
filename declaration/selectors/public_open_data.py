"""The signatories as open data: the published signatories' fields, and when they last changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q

from declaration.models import (
    Signing,
    SigningStatus,
)


@dataclass(frozen=True)
class OpenDataVersion:
    """What identifies the open data as it stands: the number of signatories, and when any
    signing or signatory organisation last changed (None when nothing has signed yet)."""

    count: int
    last_changed: datetime | None


OPEN_DATA_FIELDS = (
    "organisation__name",
    "organisation__slug",
    "organisation__gss_code",
    "organisation__organisation_type",
    "organisation__region",
    "organisation__nation",
    "signed_on",
    "co_publisher",
    "project_title",
)


def signatories_open_data(*, chunk_size: int = 1000) -> Iterator[tuple]:
    """Yield, for every signatory by name, a tuple of ``OPEN_DATA_FIELDS``' values.

    The rows come through a server-side cursor ``chunk_size`` at a time, so memory stays
    flat however many signatories there are.
    """
    return (
        Signing.objects.filter(status=SigningStatus.PUBLISHED)
        .order_by("organisation__name", "pk")
        .values_list(*OPEN_DATA_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def signatories_open_data_version() -> OpenDataVersion:
    """Return how many signatories there are and when the open data last changed.

    Every change to a signing counts, published or not, because publishing, unpublishing
    and withdrawing change the list; so does any change to a signatory organisation.
    """
    published = Q(status=SigningStatus.PUBLISHED)
    figures = Signing.objects.aggregate(
        count=Count("pk", filter=published),
        updated=Max("updated_at"),
        published=Max("published_at"),
        unpublished=Max("unpublished_at"),
        withdrawn=Max("withdrawn_at"),
        organisation_updated=Max("organisation__updated_at", filter=published),
    )
    moments = [
        figures[name]
        for name in ("updated", "published", "unpublished", "withdrawn", "organisation_updated")
        if figures[name] is not None
    ]
    return OpenDataVersion(count=figures["count"], last_changed=max(moments, default=None))
