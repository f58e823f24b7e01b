"""Reads of organisations and memberships, for views and for other apps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, QuerySet

from declaration.models import Membership, Organisation, OrganisationType, Signing, SigningStatus
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


def is_signatory_expression(organisation_ref: str = "pk") -> Exists:
    """Return an expression that is true where the organisation (``OuterRef`` to
    ``organisation_ref``) is a published signatory, for other apps to annotate lists with."""
    return Exists(
        Signing.objects.filter(
            organisation=OuterRef(organisation_ref), status=SigningStatus.PUBLISHED
        )
    )


def signatory_organisation_ids(*, organisation_ids: Iterable[int]) -> set[int]:
    """Return those of ``organisation_ids`` that are published signatories, in one query."""
    wanted = set(organisation_ids)
    if not wanted:
        return set()
    return set(
        Signing.objects.filter(
            organisation_id__in=wanted, status=SigningStatus.PUBLISHED
        ).values_list("organisation_id", flat=True)
    )


def organisation_ids_for_member(*, user: User) -> set[int]:
    """Return the ids of the organisations ``user`` is an approved member of."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, approved_at__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )


def signatories_for_member(*, user: User) -> list[Organisation]:
    """Return the published signatories ``user`` is an approved member of, by name."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__approved_at__isnull=False)
        .filter(is_signatory_expression())
        .order_by("name")
    )


def organisations_active() -> QuerySet[Organisation]:
    """Return every organisation that has not closed, by name: those a bid may name."""
    return Organisation.objects.filter(closed_on__isnull=True).order_by("name")


def organisations_with_ids(*, organisation_ids: Iterable[int]) -> QuerySet[Organisation]:
    """Return the organisations with these ids, by name: for a form choosing among them."""
    return Organisation.objects.filter(pk__in=list(organisation_ids)).order_by("name")


def organisation_names(*, organisation_ids: Iterable[int] | QuerySet) -> list[tuple[int, str]]:
    """Return the id and name of the organisations with these ids, by name: the choices of a
    filter. ``organisation_ids`` may be another app's query of ids, read as a subquery so that
    one query answers."""
    ids = organisation_ids if isinstance(organisation_ids, QuerySet) else list(organisation_ids)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def local_authorities() -> QuerySet[Organisation]:
    """Return every organisation that is a council (a local authority of any type), for other
    apps to count among them."""
    return Organisation.objects.filter(
        organisation_type__in=OrganisationType.local_authority_types()
    )


def organisations_last_changed() -> datetime | None:
    """Return when any organisation last changed (its name, its codes, its website), or None
    when there is none: what open data naming organisations depends on."""
    return Organisation.objects.aggregate(changed=Max("updated_at"))["changed"]


def organisation_member_users(*, organisation_ids: Iterable[int]) -> QuerySet[User]:
    """Return the active users who are approved members of any of ``organisation_ids``."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id__in=list(organisation_ids),
        memberships__approved_at__isnull=False,
    ).distinct()
