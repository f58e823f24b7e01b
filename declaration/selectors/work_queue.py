"""What is waiting for staff in the Declaration: signings to check, and requests to join an
organisation that has no admin to answer them.

Each set is a function of a queryset, which the admin's list filter for it calls too, so
that the work queue counts exactly the rows that its link shows. The counts are a fixed
number of queries however many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from ..models import (
    Membership,
    MembershipRole,
    Signing,
    SigningStatus,
)


def signings_to_check(signings: QuerySet[Signing]) -> QuerySet[Signing]:
    """Return the submitted signings, waiting for staff to publish or reject them."""
    return signings.filter(status=SigningStatus.SUBMITTED)


def join_requests_for_staff(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Return the requests to join an organisation (memberships not yet approved) whose
    organisation has no active admin to answer them, so that staff must: the same rule by
    which such a request is emailed to staff rather than to the organisation's admins."""
    admins = Membership.objects.filter(
        organisation=OuterRef("organisation"),
        role=MembershipRole.ADMIN,
        approved_at__isnull=False,
        user__is_active=True,
    )
    return memberships.filter(~Exists(admins), approved_at__isnull=True)


@dataclass(frozen=True)
class DeclarationWaiting:
    """How many signings and requests to join wait for staff."""

    signings_to_check: int
    join_requests: int


def declaration_waiting() -> DeclarationWaiting:
    """Return what in the Declaration waits for staff, in two queries."""
    return DeclarationWaiting(
        signings_to_check=signings_to_check(Signing.objects.all()).count(),
        join_requests=join_requests_for_staff(Membership.objects.all()).count(),
    )
