"""Reads of organisations and memberships, for views and for other apps."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from declaration.models import Membership, Organisation, OrganisationType
from localdigital.accounts.models import User


@dataclass(frozen=True)
class TypeCount:
    label: str
    count: int


def organisation_counts_by_type() -> list[TypeCount]:
    """Return how many active organisations of each type the service knows, largest first."""
    rows = (
        Organisation.objects.filter(closed_on__isnull=True)
        .values("organisation_type")
        .annotate(count=Count("id"))
        .order_by("-count", "organisation_type")
    )
    labels = dict(OrganisationType.choices)
    return [TypeCount(labels[row["organisation_type"]], row["count"]) for row in rows]


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """Return the user's memberships with their organisations, approved ones first."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("approved_at", "organisation__name")
    )


def organisation_get_by_register_code(*, register_code: str) -> Organisation | None:
    """Return the organisation with this code in the register of local authorities, or None."""
    if not register_code:
        return None
    return Organisation.objects.filter(register_code=register_code).first()


def organisation_get_by_slug(*, slug: str) -> Organisation | None:
    """Return the organisation with this slug, or None."""
    return Organisation.objects.filter(slug=slug).first()


def membership_get(*, user: User, organisation: Organisation) -> Membership | None:
    """Return the user's membership of the organisation, or None if they do not belong."""
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .select_related("user", "organisation")
        .first()
    )
