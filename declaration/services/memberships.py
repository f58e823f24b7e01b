"""Writes about the people in organisations."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from ..models import Membership, MembershipRole, Organisation


class MembershipError(Exception):
    """Raised when a change to a membership is not allowed."""


class MembershipExistsError(MembershipError):
    """Raised when adding someone to an organisation they already belong to."""


class MembershipAlreadyApprovedError(MembershipError):
    """Raised when approving a membership that is already approved."""


class MembershipNotApprovedError(MembershipError):
    """Raised when making a member who is still waiting for approval an organisation admin."""


def membership_add(
    *,
    organisation: Organisation,
    user: User,
    role: MembershipRole = MembershipRole.MEMBER,
    added_by: User | None,
) -> Membership:
    """Add someone to an organisation, approved at once, on the word of staff.

    ``added_by`` is recorded as the approver. Raise ``MembershipExistsError`` if they already
    belong to it.
    """
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if Membership.objects.filter(organisation=organisation, user=user).exists():
            raise MembershipExistsError(f"{user} already belongs to {organisation}.")
        now = timezone.now()
        membership = Membership.objects.create(
            organisation=organisation,
            user=user,
            role=role,
            created_at=now,
            approved_at=now,
            approved_by=added_by,
        )
        audit_record(
            actor=added_by,
            verb="declaration.membership.added",
            target=membership,
            data={"role": role},
        )
    return membership


def membership_approve(*, membership: Membership, approved_by: User | None) -> Membership:
    """Approve a member who is waiting, so that they can act for the organisation.

    Raise ``MembershipAlreadyApprovedError`` if they are approved already.
    """
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.is_approved:
            raise MembershipAlreadyApprovedError(f"{membership} is already approved.")
        membership.approved_at = timezone.now()
        membership.approved_by = approved_by
        membership.save(update_fields=["approved_at", "approved_by"])
        audit_record(actor=approved_by, verb="declaration.membership.approved", target=membership)
    return membership


def membership_role_set(
    *, membership: Membership, role: MembershipRole, changed_by: User | None
) -> Membership:
    """Make the member an organisation admin, or an ordinary member again.

    Setting the role a member already has changes nothing. Raise
    ``MembershipNotApprovedError`` when making an admin of someone still waiting.
    """
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == role:
            return membership
        if role == MembershipRole.ADMIN and not membership.is_approved:
            raise MembershipNotApprovedError(
                f"{membership} must be approved before becoming an organisation admin."
            )
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=changed_by,
            verb="declaration.membership.role_changed",
            target=membership,
            data={"from": previous, "to": role},
        )
    return membership


def membership_remove(*, membership: Membership, removed_by: User | None) -> None:
    """Take someone out of an organisation."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        audit_record(
            actor=removed_by,
            verb="declaration.membership.removed",
            target=membership,
            data={
                "user": membership.user.email,
                "organisation": membership.organisation.name,
                "role": membership.role,
            },
        )
        membership.delete()
