"""Handing over an organisation's admin role to another member, and stepping down: never leaving
the organisation without an admin, with the emails it sends."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from declaration.errors import (
    MembershipAlreadyAdminError,
    MembershipNotAdminError,
    MembershipNotApprovedError,
    MembershipNotInOrganisationError,
)
from declaration.models import MembershipRole
from declaration.services import memberships
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


class TestMembershipAdminHandOver:
    @pytest.fixture
    def member(self, organisation):
        return MembershipFactory(
            organisation=organisation, user=UserFactory(email="cy@borsetshire.gov.uk")
        )

    def test_swaps_the_roles_audits_and_emails_the_new_admin(self, organisation, admin, member):
        new_admin = memberships.membership_admin_hand_over(
            organisation=organisation,
            from_membership=admin,
            to_membership=member,
            handed_over_by=admin.user,
        )

        assert new_admin.pk == member.pk
        admin.refresh_from_db()
        member.refresh_from_db()
        assert (admin.role, member.role) == (MembershipRole.MEMBER, MembershipRole.ADMIN)
        event = AuditEvent.objects.get()
        assert (event.verb, event.actor) == (
            "declaration.membership.admin_handed_over",
            admin.user,
        )
        assert event.data == {
            "organisation": "Borsetshire County Council",
            "from": "ada@borsetshire.gov.uk",
            "to": "cy@borsetshire.gov.uk",
            "stayed_admin": False,
        }
        (email,) = emails_to("cy@borsetshire.gov.uk")
        assert email.subject == "You are now an organisation admin for Borsetshire County Council"
        assert "http://testserver/account/organisations/borsetshire/members/" in email.body_text
        assert not emails_to("ada@borsetshire.gov.uk")

    def test_keeps_the_giver_an_admin_when_they_choose_to_stay(self, organisation, admin, member):
        memberships.membership_admin_hand_over(
            organisation=organisation,
            from_membership=admin,
            to_membership=member,
            handed_over_by=admin.user,
            stay_admin=True,
        )

        admin.refresh_from_db()
        member.refresh_from_db()
        assert admin.is_admin and member.is_admin
        assert AuditEvent.objects.get().data["stayed_admin"] is True

    def test_emails_once_when_handed_over_twice(self, organisation, admin, member):
        """The second hand-over is refused: the giver is no longer an admin."""
        memberships.membership_admin_hand_over(
            organisation=organisation,
            from_membership=admin,
            to_membership=member,
            handed_over_by=admin.user,
        )

        with pytest.raises(MembershipNotAdminError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=member,
                handed_over_by=admin.user,
            )

        assert len(emails_to("cy@borsetshire.gov.uk")) == 1

    def test_emails_again_when_the_role_comes_back_later(self, organisation, admin, member):
        """Each hand-over is a new event, so a member given the role twice is told twice."""
        for giver, taker in ((admin, member), (member, admin), (admin, member)):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=giver,
                to_membership=taker,
                handed_over_by=giver.user,
            )

        assert len(emails_to("cy@borsetshire.gov.uk")) == 2

    def test_refuses_when_the_new_admin_is_still_waiting(self, organisation, admin):
        waiting = MembershipFactory(organisation=organisation, pending=True)

        with pytest.raises(MembershipNotApprovedError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=waiting,
                handed_over_by=admin.user,
            )

        waiting.refresh_from_db()
        assert not waiting.is_admin

    def test_refuses_when_the_new_admin_is_one_already(self, organisation, admin):
        other_admin = MembershipFactory(organisation=organisation, admin=True)

        with pytest.raises(MembershipAlreadyAdminError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=other_admin,
                handed_over_by=admin.user,
            )

        admin.refresh_from_db()
        assert admin.is_admin

    def test_refuses_when_handing_over_to_themselves(self, organisation, admin):
        with pytest.raises(MembershipAlreadyAdminError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=admin,
                handed_over_by=admin.user,
            )

        admin.refresh_from_db()
        assert admin.is_admin

    def test_refuses_when_the_giver_is_not_an_admin(self, organisation, member):
        other = MembershipFactory(organisation=organisation)

        with pytest.raises(MembershipNotAdminError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=member,
                to_membership=other,
                handed_over_by=member.user,
            )

        other.refresh_from_db()
        assert not other.is_admin

    def test_refuses_when_the_new_admin_is_in_another_organisation(self, organisation, admin):
        """Nobody can hand an organisation's admin role to someone outside it."""
        outsider = MembershipFactory()

        with pytest.raises(MembershipNotInOrganisationError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=outsider,
                handed_over_by=admin.user,
            )

        outsider.refresh_from_db()
        admin.refresh_from_db()
        assert not outsider.is_admin
        assert admin.is_admin

    def test_refuses_when_the_giver_administers_another_organisation(self, organisation, member):
        """An admin of one organisation cannot hand over another's admin role."""
        elsewhere = MembershipFactory(admin=True)

        with pytest.raises(MembershipNotInOrganisationError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=elsewhere,
                to_membership=member,
                handed_over_by=elsewhere.user,
            )

        member.refresh_from_db()
        assert not member.is_admin

    def test_writes_nothing_when_the_audit_fails(self, organisation, admin, member, broken_audit):
        """Both roles, the audit event and the email are one transaction."""
        with pytest.raises(IntegrityError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=member,
                handed_over_by=admin.user,
            )

        admin.refresh_from_db()
        member.refresh_from_db()
        assert (admin.role, member.role) == (MembershipRole.ADMIN, MembershipRole.MEMBER)
        assert not OutgoingEmail.objects.exists()

    def test_keeps_both_roles_and_no_audit_when_the_email_fails(
        self, organisation, admin, member, broken_outbox
    ):
        with pytest.raises(IntegrityError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=member,
                handed_over_by=admin.user,
            )

        admin.refresh_from_db()
        member.refresh_from_db()
        assert (admin.role, member.role) == (MembershipRole.ADMIN, MembershipRole.MEMBER)
        assert not AuditEvent.objects.exists()
