"""Writes about the people in organisations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from ..errors import (
    MembershipAlreadyAdminError,
    MembershipAlreadyApprovedError,
    MembershipExistsError,
    MembershipLastAdminError,
    MembershipNotAdminError,
    MembershipNotApprovedError,
    MembershipNotInOrganisationError,
)
from ..models import Membership, MembershipRole, Organisation
from ..selectors.organisation_admin import (
    organisation_member_is_admin,
    organisation_member_is_last_admin,
)


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

    ``approved_by`` must be an approved admin of the organisation, staff, or None for the
    system. They are emailed to say so. Raise ``MembershipNotAdminError`` for anyone else,
    and ``MembershipAlreadyApprovedError`` if they are approved already.
    """
    with transaction.atomic():
        _organisation_lock(membership)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _actor_check(membership, actor=approved_by, action="approve requests to join")
        if membership.is_approved:
            raise MembershipAlreadyApprovedError(f"{membership} is already approved.")
        membership.approved_at = timezone.now()
        membership.approved_by = approved_by
        membership.save(update_fields=["approved_at", "approved_by"])
        audit_record(actor=approved_by, verb="declaration.membership.approved", target=membership)
        _membership_email(
            membership=membership,
            template="declaration/email/membership_approved.txt",
            subject=f"You are now a member of {membership.organisation.name} on Local Digital",
            idempotency_key=f"declaration.membership.approved.{membership.pk}",
        )
    return membership


def membership_role_set(
    *, membership: Membership, role: MembershipRole, changed_by: User | None
) -> Membership:
    """Make the member an organisation admin, or an ordinary member again.

    ``changed_by`` must be an approved admin of the organisation, staff, or None for the
    system; anyone else gets ``MembershipNotAdminError``. Setting the role a member already
    has changes nothing. Raise ``MembershipNotApprovedError`` when making an admin of
    someone still waiting, and ``MembershipLastAdminError`` when the organisation's only
    admin steps down themselves: they hand the role over instead
    (``membership_admin_hand_over``, which also tells the new admin). Staff may still make
    that admin an ordinary member, say when they have left.
    """
    with transaction.atomic():
        _organisation_lock(membership)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _actor_check(membership, actor=changed_by, action="change its members' roles")
        if membership.role == role:
            return membership
        if role == MembershipRole.ADMIN and not membership.is_approved:
            raise MembershipNotApprovedError(
                f"{membership} must be approved before becoming an organisation admin."
            )
        if _is_self(membership, changed_by) and organisation_member_is_last_admin(
            membership=membership
        ):
            raise MembershipLastAdminError(
                f"{membership} is the only organisation admin, so must hand the role over."
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
    """Take someone out of an organisation.

    ``removed_by`` must be the person themselves (leaving, or taking back their request to
    join), an approved admin of the organisation, staff, or None for the system; anyone else
    gets ``MembershipNotAdminError``. An approved member removed by someone else is emailed
    to say so; someone who leaves, or whose request to join is taken away, is not. Raise
    ``MembershipLastAdminError`` when the organisation's only admin tries to leave: they hand
    the role over first. Staff may still remove that admin, say when they have left.
    """
    with transaction.atomic():
        _organisation_lock(membership)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        leaving = _is_self(membership, removed_by)
        if not leaving:
            _actor_check(membership, actor=removed_by, action="remove its members")
        if leaving and organisation_member_is_last_admin(membership=membership):
            raise MembershipLastAdminError(
                f"{membership} is the only organisation admin, so must hand the role over."
            )
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
        if membership.is_approved and not leaving:
            _membership_email(
                membership=membership,
                template="declaration/email/membership_removed.txt",
                subject=f"You have been removed from {membership.organisation.name}",
                idempotency_key=f"declaration.membership.removed.{membership.pk}",
            )
        membership.delete()


def membership_refuse(*, membership: Membership, refused_by: User | None) -> None:
    """Refuse a request to join an organisation, and email the person who asked.

    ``refused_by`` must be an approved admin of the organisation, staff, or None for the
    system; anyone else gets ``MembershipNotAdminError``. The request is deleted, so they may
    ask again. Raise ``MembershipAlreadyApprovedError`` if they were approved meanwhile: an
    approved member is removed, not refused.
    """
    with transaction.atomic():
        _organisation_lock(membership)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _actor_check(membership, actor=refused_by, action="refuse requests to join")
        if membership.is_approved:
            raise MembershipAlreadyApprovedError(f"{membership} is already approved.")
        audit_record(
            actor=refused_by,
            verb="declaration.membership.refused",
            target=membership,
            data={"user": membership.user.email, "organisation": membership.organisation.name},
        )
        _membership_email(
            membership=membership,
            template="declaration/email/membership_refused.txt",
            subject=f"Your request to join {membership.organisation.name} on Local Digital",
            idempotency_key=f"declaration.membership.refused.{membership.pk}",
        )
        membership.delete()


def membership_admin_hand_over(
    *,
    organisation: Organisation,
    from_membership: Membership,
    to_membership: Membership,
    handed_over_by: User | None,
    stay_admin: bool = False,
) -> Membership:
    """Make another approved member the organisation admin, and return their membership.

    The admin handing over becomes an ordinary member, unless ``stay_admin`` keeps them an
    admin beside the new one. The new admin is emailed. ``handed_over_by`` must be an
    approved admin of the organisation, staff, or None for the system. Raise
    ``MembershipNotInOrganisationError`` if either membership is not (or no longer) in the
    organisation, ``MembershipNotAdminError`` if ``from_membership`` is not an approved admin
    or ``handed_over_by`` may not act, ``MembershipNotApprovedError`` if ``to_membership`` is
    still waiting, and ``MembershipAlreadyAdminError`` if it is an admin already.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        # Locked in one order (by id) so that two hand-overs between the same people cannot
        # deadlock.
        locked = {
            locked_membership.pk: locked_membership
            for locked_membership in Membership.objects.select_for_update()
            .filter(pk__in=[from_membership.pk, to_membership.pk], organisation=organisation)
            .order_by("pk")
        }
        giver = locked.get(from_membership.pk)
        taker = locked.get(to_membership.pk)
        if giver is None or taker is None:
            raise MembershipNotInOrganisationError(
                f"Both people must be members of {organisation} to hand over its admin role."
            )
        _actor_check_in(organisation, actor=handed_over_by, action="hand over its admin role")
        if not (giver.is_admin and giver.is_approved):
            raise MembershipNotAdminError(f"{giver} is not an organisation admin.")
        if not taker.is_approved:
            raise MembershipNotApprovedError(
                f"{taker} must be approved before becoming an organisation admin."
            )
        if taker.is_admin:
            raise MembershipAlreadyAdminError(f"{taker} is already an organisation admin.")
        taker.role = MembershipRole.ADMIN
        taker.save(update_fields=["role"])
        if not stay_admin:
            giver.role = MembershipRole.MEMBER
            giver.save(update_fields=["role"])
        event = audit_record(
            actor=handed_over_by,
            verb="declaration.membership.admin_handed_over",
            target=taker,
            data={
                "organisation": organisation.name,
                "from": giver.user.email,
                "to": taker.user.email,
                "stayed_admin": stay_admin,
            },
        )
        _admin_email(membership=taker, event_pk=event.pk)
    return taker


def _organisation_lock(membership: Membership) -> None:
    """Lock the membership's organisation, so that its admins are counted one change at a time."""
    Organisation.objects.select_for_update().filter(pk=membership.organisation_id).first()


def _is_self(membership: Membership, actor: User | None) -> bool:
    return actor is not None and actor.pk == membership.user_id


def _actor_check(membership: Membership, *, actor: User | None, action: str) -> None:
    """Raise ``MembershipNotAdminError`` unless ``actor`` may manage the membership's
    organisation. Called with the organisation locked, so a role changed a moment ago counts.
    """
    _actor_check_in(membership.organisation, actor=actor, action=action)


def _actor_check_in(organisation: Organisation, *, actor: User | None, action: str) -> None:
    """Raise ``MembershipNotAdminError`` unless ``actor`` is None (the system), staff, or an
    approved admin of ``organisation``, whose row the caller has locked."""
    if actor is None or actor.is_staff:
        return
    if not organisation_member_is_admin(organisation_id=organisation.pk, user=actor):
        raise MembershipNotAdminError(
            f"Only an organisation admin of {organisation.name}, or staff, can {action}."
        )


def _admin_email(*, membership: Membership, event_pk: int) -> None:
    """Tell a member they are now an organisation admin.

    The key names the audit event of the hand-over, so each hand-over is told once, and a
    member handed the role again after giving it up is told again.
    """
    organisation = membership.organisation
    _membership_email(
        membership=membership,
        template="declaration/email/membership_admin.txt",
        subject=f"You are now an organisation admin for {organisation.name}",
        idempotency_key=f"declaration.membership.admin.{membership.pk}.{event_pk}",
        context={
            "members_url": absolute_url("declaration:organisation-members", slug=organisation.slug)
        },
    )


def _membership_email(
    *,
    membership: Membership,
    template: str,
    subject: str,
    idempotency_key: str,
    context: dict[str, Any] | None = None,
) -> None:
    """Queue an email to the member about their membership, in the caller's transaction."""
    email_queue(
        to=membership.user.email,
        subject=subject,
        body=render_to_string(
            template,
            {
                "membership": membership,
                "organisation": membership.organisation,
                "account_url": absolute_url("pages:account"),
                "feedback_email": settings.FEEDBACK_EMAIL,
                **(context or {}),
            },
        ),
        idempotency_key=idempotency_key,
    )
