"""Memberships in the admin (declaration/admin/organisations.py): approving, refusing and
removing members, and setting their role, through the services."""

import pytest
from django.urls import reverse

from declaration.models import Membership, MembershipRole
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.admin_support import MEMBERSHIPS
from tests.declaration.factories import MembershipFactory
from tests.support.admin import listed

pytestmark = pytest.mark.django_db


class TestMembershipAdmin:
    def test_lists_matching_members_when_filtering_by_role_or_approval(
        self, otp_verified_superuser_client
    ):
        admin = MembershipFactory(admin=True)
        pending = MembershipFactory(pending=True)
        client = otp_verified_superuser_client

        assert listed(client.get(MEMBERSHIPS, {"role__exact": "admin"})) == [admin]
        assert listed(client.get(MEMBERSHIPS, {"approval": "pending"})) == [pending]
        assert listed(client.get(MEMBERSHIPS, {"approval": "approved"})) == [admin]

    def test_approves_through_the_service_when_staff_use_the_action(
        self, otp_verified_superuser_client
    ):
        pending = MembershipFactory(pending=True)
        approved = MembershipFactory()

        response = otp_verified_superuser_client.post(
            MEMBERSHIPS,
            {"action": "approve", "_selected_action": [pending.pk, approved.pk]},
            follow=True,
        )

        pending.refresh_from_db()
        assert pending.is_approved
        assert pending.approved_by.is_superuser
        assert "Approved 1 member." in response.text
        event = AuditEvent.objects.get(verb="declaration.membership.approved")
        assert event.target_object_id == str(pending.pk)
        assert event.actor.is_superuser

    def test_changes_roles_through_the_service_when_staff_use_the_actions(
        self, otp_verified_superuser_client
    ):
        member = MembershipFactory()
        pending = MembershipFactory(pending=True)

        response = otp_verified_superuser_client.post(
            MEMBERSHIPS,
            {"action": "make_admin", "_selected_action": [member.pk, pending.pk]},
            follow=True,
        )

        member.refresh_from_db()
        pending.refresh_from_db()
        assert member.role == MembershipRole.ADMIN
        assert pending.role == MembershipRole.MEMBER
        assert "Changed the role of 1 member to organisation admin." in response.text
        assert "Approve these members before making them admins" in response.text
        assert AuditEvent.objects.filter(verb="declaration.membership.role_changed").count() == 1

        otp_verified_superuser_client.post(
            MEMBERSHIPS, {"action": "make_member", "_selected_action": [member.pk]}
        )

        member.refresh_from_db()
        assert member.role == MembershipRole.MEMBER

    def test_adds_an_approved_member_by_email_when_staff_fill_in_the_form(
        self, otp_verified_superuser_client, hull
    ):
        user = UserFactory(email="Ada@Hull.gov.uk")

        response = otp_verified_superuser_client.post(
            reverse("admin:declaration_membership_add"),
            {"organisation": hull.pk, "email": "ada@hull.gov.uk", "role": "admin"},
        )

        assert response.status_code == 302
        membership = Membership.objects.get(user=user, organisation=hull)
        assert membership.is_approved
        assert membership.approved_by.is_superuser
        assert membership.is_admin
        assert AuditEvent.objects.filter(
            verb="declaration.membership.added", target_object_id=str(membership.pk)
        ).exists()

    @pytest.mark.parametrize(
        ("email", "error"),
        [
            ("nobody@hull.gov.uk", "There is no account with this email address."),
            ("ada@hull.gov.uk", "This person already belongs to this organisation."),
        ],
    )
    def test_refuses_to_add_when_there_is_no_account_or_already_a_membership(
        self, otp_verified_superuser_client, hull, email, error
    ):
        MembershipFactory(organisation=hull, user=UserFactory(email="ada@hull.gov.uk"))

        response = otp_verified_superuser_client.post(
            reverse("admin:declaration_membership_add"),
            {"organisation": hull.pk, "email": email, "role": "member"},
        )

        assert response.status_code == 200
        assert error in response.text
        assert Membership.objects.count() == 1

    def test_removes_through_the_service_when_staff_delete_a_membership(
        self, otp_verified_superuser_client
    ):
        membership = MembershipFactory(user=UserFactory(email="ada@hull.gov.uk"))

        otp_verified_superuser_client.post(
            reverse("admin:declaration_membership_delete", args=[membership.pk]), {"post": "yes"}
        )

        assert not Membership.objects.exists()
        event = AuditEvent.objects.get(verb="declaration.membership.removed")
        assert event.data["user"] == "ada@hull.gov.uk"

    @pytest.fixture
    def staff_last_admin(self, otp_verified_client_for, hull):
        """A member of staff who is also the only organisation admin of their council, and a
        client signed in to the admin as them."""
        staff = UserFactory(email="ada@hull.gov.uk", staff=True, is_superuser=True)
        membership = MembershipFactory(organisation=hull, user=staff, admin=True)
        return membership, otp_verified_client_for(staff)

    def test_tells_staff_and_keeps_the_role_when_they_demote_themselves_as_the_last_admin(
        self, staff_last_admin
    ):
        """The service refuses (an organisation keeps an admin); staff read why, on the list."""
        membership, client = staff_last_admin
        other = MembershipFactory(organisation=membership.organisation)

        response = client.post(
            MEMBERSHIPS,
            {"action": "make_member", "_selected_action": [membership.pk, other.pk]},
            follow=True,
        )

        assert response.status_code == 200
        membership.refresh_from_db()
        assert membership.role == MembershipRole.ADMIN
        text = [str(message) for message in response.context["messages"]]
        assert any(
            "Not changed:" in message and "is the only organisation admin" in message
            for message in text
        ), text
        assert not AuditEvent.objects.filter(verb="declaration.membership.role_changed").exists()

    def test_tells_staff_and_keeps_them_when_they_remove_themselves_as_the_last_admin(
        self, staff_last_admin
    ):
        membership, client = staff_last_admin

        response = client.post(
            reverse("admin:declaration_membership_delete", args=[membership.pk]),
            {"post": "yes"},
            follow=True,
        )

        assert response.status_code == 200
        assert Membership.objects.filter(pk=membership.pk).exists()
        assert "is the only organisation admin, so must hand the role over" in response.text

    def test_removes_none_when_one_of_several_selected_is_the_last_admin(self, staff_last_admin):
        """Removing several is all or nothing, so the message that nothing changed is true."""
        membership, client = staff_last_admin
        other = MembershipFactory(organisation=membership.organisation)

        response = client.post(
            MEMBERSHIPS,
            {
                "action": "delete_selected",
                "_selected_action": [other.pk, membership.pk],
                "post": "yes",
            },
            follow=True,
        )

        assert response.status_code == 200
        assert Membership.objects.filter(pk__in=[membership.pk, other.pk]).count() == 2
        assert "Nothing was changed." in response.text
        assert "is the only organisation admin" in response.text

    def test_changes_nothing_when_staff_post_the_change_form(self, otp_verified_superuser_client):
        """Memberships change only through the audited actions."""
        membership = MembershipFactory()
        url = reverse("admin:declaration_membership_change", args=[membership.pk])

        form = otp_verified_superuser_client.get(url)
        otp_verified_superuser_client.post(url, {"role": "admin"})

        assert 'name="_save"' not in form.text
        assert 'name="role"' not in form.text
        membership.refresh_from_db()
        assert membership.role == MembershipRole.MEMBER
