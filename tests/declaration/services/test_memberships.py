"""The membership services behind the organisation admin's pages
(declaration/services/memberships.py): approving, refusing and removing members and setting
their role, each with its email. Handing over the admin role, and the checks on who acts, are
tested beside it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from declaration.errors import MembershipAlreadyApprovedError, MembershipLastAdminError
from declaration.models import Membership, MembershipRole
from declaration.services import memberships
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


class TestMembershipApprove:
    def test_emails_the_member_when_their_request_is_approved(self, organisation, admin):
        """The person waiting hears that they can now act for the organisation."""
        waiting = MembershipFactory(
            organisation=organisation, pending=True, user=UserFactory(email="bo@example.org")
        )

        memberships.membership_approve(membership=waiting, approved_by=admin.user)

        (email,) = emails_to("bo@example.org")
        assert (
            email.subject == "You are now a member of Borsetshire County Council on Local Digital"
        )
        assert "has been approved" in email.body_text
        assert "http://testserver/account/" in email.body_text

    def test_emails_once_when_approved_twice(self, organisation, admin):
        """A second approval is refused, so the member is told once."""
        waiting = MembershipFactory(
            organisation=organisation, pending=True, user=UserFactory(email="bo@example.org")
        )
        memberships.membership_approve(membership=waiting, approved_by=admin.user)

        with pytest.raises(MembershipAlreadyApprovedError):
            memberships.membership_approve(membership=waiting, approved_by=admin.user)

        assert len(emails_to("bo@example.org")) == 1

    def test_queues_no_email_when_the_audit_fails(self, organisation, broken_audit):
        waiting = MembershipFactory(organisation=organisation, pending=True)

        with pytest.raises(IntegrityError):
            memberships.membership_approve(membership=waiting, approved_by=None)

        assert not OutgoingEmail.objects.exists()


class TestMembershipRefuse:
    def test_deletes_audits_and_emails_when_the_request_is_waiting(self, organisation, admin):
        waiting = MembershipFactory(
            organisation=organisation, pending=True, user=UserFactory(email="bo@example.org")
        )

        memberships.membership_refuse(membership=waiting, refused_by=admin.user)

        assert not Membership.objects.filter(pk=waiting.pk).exists()
        event = AuditEvent.objects.get()
        assert (event.verb, event.actor) == ("declaration.membership.refused", admin.user)
        assert event.data == {
            "user": "bo@example.org",
            "organisation": "Borsetshire County Council",
        }
        (email,) = emails_to("bo@example.org")
        assert email.subject == "Your request to join Borsetshire County Council on Local Digital"
        assert "was not approved" in email.body_text

    def test_refuses_and_keeps_the_member_when_they_are_approved(self, organisation, admin):
        member = MembershipFactory(organisation=organisation)

        with pytest.raises(MembershipAlreadyApprovedError):
            memberships.membership_refuse(membership=member, refused_by=admin.user)

        assert Membership.objects.filter(pk=member.pk).exists()
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_emails_once_when_refused_twice(self, organisation, admin):
        """The second refusal finds no request; the person is told once."""
        waiting = MembershipFactory(
            organisation=organisation, pending=True, user=UserFactory(email="bo@example.org")
        )
        memberships.membership_refuse(membership=waiting, refused_by=admin.user)

        with pytest.raises(Membership.DoesNotExist):
            memberships.membership_refuse(membership=waiting, refused_by=admin.user)

        assert len(emails_to("bo@example.org")) == 1

    def test_writes_nothing_when_the_audit_fails(self, organisation, broken_audit):
        """The refusal, its audit event and its email are one transaction."""
        waiting = MembershipFactory(organisation=organisation, pending=True)

        with pytest.raises(IntegrityError):
            memberships.membership_refuse(membership=waiting, refused_by=None)

        assert Membership.objects.filter(pk=waiting.pk, approved_at__isnull=True).exists()
        assert not OutgoingEmail.objects.exists()

    def test_keeps_the_request_and_no_audit_when_the_email_fails(self, organisation, broken_outbox):
        waiting = MembershipFactory(organisation=organisation, pending=True)

        with pytest.raises(IntegrityError):
            memberships.membership_refuse(membership=waiting, refused_by=None)

        assert Membership.objects.filter(pk=waiting.pk).exists()
        assert not AuditEvent.objects.exists()


class TestMembershipRemove:
    def test_emails_the_member_when_an_admin_removes_them(self, organisation, admin):
        member = MembershipFactory(
            organisation=organisation, user=UserFactory(email="cy@borsetshire.gov.uk")
        )

        memberships.membership_remove(membership=member, removed_by=admin.user)

        assert not Membership.objects.filter(pk=member.pk).exists()
        (email,) = emails_to("cy@borsetshire.gov.uk")
        assert email.subject == "You have been removed from Borsetshire County Council"

    def test_emails_nobody_when_a_member_leaves(self, organisation, admin):
        """Someone who leaves knows it already."""
        MembershipFactory(organisation=organisation, admin=True)

        memberships.membership_remove(membership=admin, removed_by=admin.user)

        assert not Membership.objects.filter(pk=admin.pk).exists()
        assert not OutgoingEmail.objects.exists()

    def test_emails_nobody_when_a_request_to_join_is_taken_away(self, organisation):
        waiting = MembershipFactory(organisation=organisation, pending=True)

        memberships.membership_remove(membership=waiting, removed_by=UserFactory(staff=True))

        assert not OutgoingEmail.objects.exists()

    def test_refuses_when_the_only_admin_removes_themselves(self, organisation, admin):
        """The last admin hands the role over before leaving."""
        MembershipFactory(organisation=organisation)

        with pytest.raises(MembershipLastAdminError):
            memberships.membership_remove(membership=admin, removed_by=admin.user)

        assert Membership.objects.filter(pk=admin.pk).exists()
        assert not AuditEvent.objects.exists()

    def test_counts_only_approved_admins_when_deciding_who_is_last(self, organisation, admin):
        """An admin still waiting for approval cannot manage members, so does not count."""
        MembershipFactory(organisation=organisation, admin=True, pending=True)

        with pytest.raises(MembershipLastAdminError):
            memberships.membership_remove(membership=admin, removed_by=admin.user)

    def test_lets_staff_remove_the_only_admin(self, organisation, admin):
        """Staff can take out an admin who has left the organisation."""
        memberships.membership_remove(membership=admin, removed_by=UserFactory(staff=True))

        assert not Membership.objects.filter(pk=admin.pk).exists()
        assert len(emails_to("ada@borsetshire.gov.uk")) == 1

    def test_emails_once_when_removed_twice(self, organisation, admin):
        member = MembershipFactory(
            organisation=organisation, user=UserFactory(email="cy@borsetshire.gov.uk")
        )
        memberships.membership_remove(membership=member, removed_by=admin.user)

        with pytest.raises(Membership.DoesNotExist):
            memberships.membership_remove(membership=member, removed_by=admin.user)

        assert len(emails_to("cy@borsetshire.gov.uk")) == 1

    def test_writes_nothing_when_the_audit_fails(self, organisation, admin, broken_audit):
        member = MembershipFactory(organisation=organisation)

        with pytest.raises(IntegrityError):
            memberships.membership_remove(membership=member, removed_by=admin.user)

        assert Membership.objects.filter(pk=member.pk).exists()
        assert not OutgoingEmail.objects.exists()

    def test_keeps_the_member_and_no_audit_when_the_email_fails(
        self, organisation, admin, broken_outbox
    ):
        member = MembershipFactory(organisation=organisation)

        with pytest.raises(IntegrityError):
            memberships.membership_remove(membership=member, removed_by=admin.user)

        assert Membership.objects.filter(pk=member.pk).exists()
        assert not AuditEvent.objects.exists()


class TestMembershipRoleSet:
    def test_refuses_when_the_only_admin_steps_down_themselves(self, organisation, admin):
        with pytest.raises(MembershipLastAdminError):
            memberships.membership_role_set(
                membership=admin, role=MembershipRole.MEMBER, changed_by=admin.user
            )

        admin.refresh_from_db()
        assert admin.is_admin
        assert not AuditEvent.objects.exists()

    def test_lets_an_admin_step_down_when_another_admin_remains(self, organisation, admin):
        MembershipFactory(organisation=organisation, admin=True)

        memberships.membership_role_set(
            membership=admin, role=MembershipRole.MEMBER, changed_by=admin.user
        )

        admin.refresh_from_db()
        assert not admin.is_admin

    def test_lets_staff_make_the_only_admin_a_member(self, organisation, admin):
        memberships.membership_role_set(
            membership=admin, role=MembershipRole.MEMBER, changed_by=UserFactory(staff=True)
        )

        admin.refresh_from_db()
        assert not admin.is_admin
