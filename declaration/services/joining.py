"""Asking to join an organisation, as a second signer is offered when it has already signed."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from ..errors import OrganisationClosed
from ..models import Membership, MembershipRole, Organisation
from ..selectors.organisation_admin import organisation_admins_active
from .memberships import membership_add


class JoinOutcome(enum.StrEnum):
    """What asking to join an organisation did.

    - joined: the person's verified email domain is the organisation's, so they are an
      approved member at once;
    - requested: they wait for an organisation admin, or staff, to approve or refuse them;
    - already_member: they were an approved member already, and nothing changed;
    - already_requested: they were waiting already, and nothing changed (nobody is emailed
      again).
    """

    JOINED = "joined"
    REQUESTED = "requested"
    ALREADY_MEMBER = "already_member"
    ALREADY_REQUESTED = "already_requested"


@dataclass(frozen=True)
class JoinResult:
    """What ``organisation_join_request`` did, and the person's membership afterwards:
    new, or the one they had already."""

    outcome: JoinOutcome
    membership: Membership

    @property
    def is_approved(self) -> bool:
        """Return whether the person can act for the organisation now."""
        return self.membership.is_approved


def organisation_join_request(*, organisation: Organisation, user: User) -> JoinResult:
    """Ask for ``user`` to join ``organisation``, and return what happened.

    Someone whose verified email address is at one of the organisation's email domains
    joins at once (``JOINED``). Anyone else waits for approval (``REQUESTED``): the
    organisation's admins are emailed to approve or refuse it, or, when it has none, staff
    are, at ``FEEDBACK_EMAIL``. Someone who already belongs, or is already waiting, changes
    nothing and is told so (``ALREADY_MEMBER``, ``ALREADY_REQUESTED``). Raise
    ``OrganisationClosed`` for an organisation that has ended.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not organisation.is_active:
            raise OrganisationClosed(f"{organisation} has closed, so nobody can join it.")
        existing = Membership.objects.filter(organisation=organisation, user=user).first()
        if existing is not None:
            outcome = (
                JoinOutcome.ALREADY_MEMBER
                if existing.is_approved
                else JoinOutcome.ALREADY_REQUESTED
            )
            return JoinResult(outcome, existing)
        if user.email_verified_at is not None and organisation.has_email_domain(user.email_domain):
            membership = membership_add(organisation=organisation, user=user, added_by=None)
            audit_record(
                actor=user,
                verb="declaration.membership.joined",
                target=membership,
                data={"approved_by": "email domain", "domain": user.email_domain},
            )
            return JoinResult(JoinOutcome.JOINED, membership)
        membership = Membership.objects.create(
            organisation=organisation, user=user, role=MembershipRole.MEMBER
        )
        audit_record(actor=user, verb="declaration.membership.requested", target=membership)
        _join_request_emails_queue(membership)
    return JoinResult(JoinOutcome.REQUESTED, membership)


def _join_request_emails_queue(membership: Membership) -> None:
    """Ask the organisation's active admins, or staff when it has none, to approve the
    request."""
    organisation = membership.organisation
    admins = list(organisation_admins_active(organisation=organisation))
    context = {
        "requester": membership.user,
        "organisation_name": organisation.name,
        "account_url": absolute_url("pages:account"),
        "admin_url": absolute_url("admin:declaration_membership_change", membership.pk),
    }
    subject = f"{membership.user.email} has asked to join {organisation.name} on Local Digital"
    for admin in admins:
        email_queue(
            to=admin.user.email,
            subject=subject,
            body=render_to_string("declaration/email/signing_join_request_admin.txt", context),
            idempotency_key=(
                f"declaration.membership.requested.{membership.pk}.admin.{admin.user_id}"
            ),
        )
    if not admins:
        email_queue(
            to=settings.FEEDBACK_EMAIL,
            subject=subject,
            body=render_to_string("declaration/email/signing_join_request_staff.txt", context),
            idempotency_key=f"declaration.membership.requested.{membership.pk}.staff",
        )
