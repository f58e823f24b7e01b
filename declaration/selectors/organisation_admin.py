"""Reads for the organisation admin's pages: members, requests to join, hand-over, withdrawal.

Every read here is scoped to one organisation, and the views reach it only through
``managed_membership_get``, so an admin of one organisation never sees another's members.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from declaration.models import Membership, MembershipRole, Organisation, Signing, SigningStatus
from localdigital.accounts.models import User


@dataclass(frozen=True)
class MemberRow:
    """One person on the members page: an approved member, or someone asking to join."""

    pk: int
    name: str
    email: str
    role_label: str
    is_admin: bool
    is_you: bool
    asked_at: datetime.datetime
    can_remove: bool


@dataclass(frozen=True)
class MembersPage:
    """Everything the members page shows, for one organisation's admin."""

    organisation: Organisation
    members: list[MemberRow]
    requests: list[MemberRow]
    can_hand_over: bool
    signing: Signing | None


@dataclass(frozen=True)
class ManagedOrganisation:
    """An organisation the person administers, for their account page."""

    name: str
    slug: str
    pending_requests: int


@dataclass(frozen=True)
class HandOverCandidate:
    """An approved member who could become the organisation admin."""

    pk: int
    name: str
    email: str


def _person_name(user: User) -> str:
    return user.full_name or user.email


def managed_membership_get(*, user: User, slug: str) -> Membership | None:
    """Return the user's approved admin membership of the organisation with this slug.

    None when there is no such organisation, or the user is not its approved admin: the
    organisation admin's pages refuse them alike, so they tell nobody which slugs exist.
    """
    return (
        Membership.objects.filter(
            user=user,
            organisation__slug=slug,
            role=MembershipRole.ADMIN,
            approved_at__isnull=False,
        )
        .select_related("organisation", "user")
        .first()
    )


def organisation_members_page(*, admin_membership: Membership) -> MembersPage:
    """Return the organisation's approved members and its requests to join, in two queries.

    Members are listed admins first, then by name; requests oldest first. An admin may remove
    anyone but themselves while they are the organisation's only admin.
    """
    organisation = admin_membership.organisation
    memberships = list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    approved = [m for m in memberships if m.is_approved]
    admin_count = sum(1 for m in approved if m.is_admin)

    def row(membership: Membership) -> MemberRow:
        is_you = membership.pk == admin_membership.pk
        return MemberRow(
            pk=membership.pk,
            name=_person_name(membership.user),
            email=membership.user.email,
            role_label=membership.get_role_display(),
            is_admin=membership.is_admin,
            is_you=is_you,
            asked_at=membership.created_at,
            can_remove=not is_you or admin_count > 1,
        )

    members = sorted(
        (row(m) for m in approved), key=lambda r: (not r.is_admin, r.name.lower(), r.pk)
    )
    requests = [row(m) for m in memberships if not m.is_approved]
    return MembersPage(
        organisation=organisation,
        members=members,
        requests=requests,
        can_hand_over=any(not m.is_admin for m in approved),
        signing=signing_published_get(organisation=organisation),
    )


def organisation_membership_get(*, organisation: Organisation, pk: int) -> Membership | None:
    """Return the membership with this id if it is in the organisation, approved or not."""
    return (
        Membership.objects.filter(organisation=organisation, pk=pk)
        .select_related("user", "organisation")
        .first()
    )


def organisation_member_get(*, organisation: Organisation, pk: int) -> Membership | None:
    """Return the approved member with this id if they are in the organisation."""
    return (
        Membership.objects.filter(organisation=organisation, pk=pk, approved_at__isnull=False)
        .select_related("user", "organisation")
        .first()
    )


def organisation_member_is_last_admin(*, membership: Membership) -> bool:
    """Return whether the member is their organisation's only approved admin."""
    if not (membership.is_admin and membership.is_approved):
        return False
    return (
        not Membership.objects.filter(
            organisation_id=membership.organisation_id,
            role=MembershipRole.ADMIN,
            approved_at__isnull=False,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def organisation_admins_active(*, organisation: Organisation) -> QuerySet[Membership]:
    """Return the organisation's approved admins whose accounts are active, by email address,
    with their accounts: the people to email about the organisation.

    A deactivated account cannot sign in to act on an email, so it is never sent one.
    """
    return (
        Membership.objects.filter(
            organisation=organisation,
            role=MembershipRole.ADMIN,
            approved_at__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email", "pk")
    )


def organisation_member_is_admin(*, organisation_id: int, user: User) -> bool:
    """Return whether ``user`` is an approved admin of the organisation with this id."""
    return Membership.objects.filter(
        organisation_id=organisation_id,
        user=user,
        role=MembershipRole.ADMIN,
        approved_at__isnull=False,
    ).exists()


def hand_over_candidates(*, organisation: Organisation) -> list[HandOverCandidate]:
    """Return the approved members who are not admins, by name: who the role can go to."""
    memberships = Membership.objects.filter(
        organisation=organisation, approved_at__isnull=False, role=MembershipRole.MEMBER
    ).select_related("user")
    candidates = [
        HandOverCandidate(pk=m.pk, name=_person_name(m.user), email=m.user.email)
        for m in memberships
    ]
    return sorted(candidates, key=lambda c: (c.name.lower(), c.pk))


def signing_published_get(*, organisation: Organisation) -> Signing | None:
    """Return the organisation's published signing, or None if it is not a signatory."""
    return (
        Signing.objects.filter(organisation=organisation, status=SigningStatus.PUBLISHED)
        .select_related("organisation")
        .first()
    )


def signing_withdrawn_latest(*, organisation: Organisation) -> Signing | None:
    """Return the organisation's most recently withdrawn signing, or None if it has none."""
    return (
        Signing.objects.filter(
            organisation=organisation,
            status=SigningStatus.WITHDRAWN,
            withdrawn_at__isnull=False,
        )
        .select_related("organisation")
        .order_by("-withdrawn_at", "-pk")
        .first()
    )


def organisations_managed_by(*, user: User) -> list[ManagedOrganisation]:
    """Return the organisations the user is an approved admin of, with their requests to join.

    One query, whatever the number of organisations or requests.
    """
    managed = Membership.objects.filter(
        user=user, role=MembershipRole.ADMIN, approved_at__isnull=False
    ).values("organisation_id")
    rows = (
        Organisation.objects.filter(pk__in=managed)
        .annotate(
            pending_requests=Count("memberships", filter=Q(memberships__approved_at__isnull=True))
        )
        .order_by("name")
        .values_list("name", "slug", "pending_requests")
    )
    return [
        ManagedOrganisation(name=name, slug=slug, pending_requests=pending)
        for name, slug, pending in rows
    ]
