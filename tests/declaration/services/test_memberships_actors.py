"""Who may act on an organisation's members: only its approved admins (or staff), never on
another organisation, and never on themselves where that would leave it without an admin."""

from __future__ import annotations

import pytest

from declaration.errors import MembershipNotAdminError
from declaration.models import Membership, MembershipRole
from declaration.services import memberships
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory

pytestmark = pytest.mark.django_db


class TestActorChecks:
    """Only an approved admin of the organisation, staff or the system (None) may manage its
    members; the services check under the organisation's lock, whatever the page checked."""

    @pytest.fixture
    def waiting(self, organisation):
        return MembershipFactory(
            organisation=organisation, pending=True, user=UserFactory(email="bo@example.org")
        )

    @pytest.fixture
    def member(self, organisation):
        return MembershipFactory(
            organisation=organisation, user=UserFactory(email="cy@borsetshire.gov.uk")
        )

    @pytest.fixture
    def outsiders(self, organisation):
        """Everyone who may not act: a member, an admin waiting for approval, another
        organisation's admin, and someone with no membership at all."""
        return {
            "member": MembershipFactory(organisation=organisation).user,
            "waiting admin": MembershipFactory(
                organisation=organisation, admin=True, pending=True
            ).user,
            "admin elsewhere": MembershipFactory(admin=True).user,
            "stranger": UserFactory(),
        }

    def assert_unchanged(self, *memberships_before: Membership, events: int = 0) -> None:
        for before in memberships_before:
            after = Membership.objects.get(pk=before.pk)
            assert (after.role, after.approved_at) == (before.role, before.approved_at)
        assert AuditEvent.objects.count() == events
        assert not OutgoingEmail.objects.exists()

    @pytest.mark.parametrize("who", ["member", "waiting admin", "admin elsewhere", "stranger"])
    def test_refuses_each_change_when_the_actor_is_not_an_admin_of_the_organisation(
        self, organisation, admin, waiting, member, outsiders, who
    ):
        actor = outsiders[who]

        with pytest.raises(MembershipNotAdminError) as approve:
            memberships.membership_approve(membership=waiting, approved_by=actor)
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_refuse(membership=waiting, refused_by=actor)
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_remove(membership=member, removed_by=actor)
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_role_set(
                membership=member, role=MembershipRole.ADMIN, changed_by=actor
            )
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=member,
                handed_over_by=actor,
            )

        assert str(approve.value) == (
            "Only an organisation admin of Borsetshire County Council, or staff, can approve "
            "requests to join."
        )
        self.assert_unchanged(admin, waiting, member)

    def test_refuses_an_admin_demoted_just_before_acting(
        self, organisation, admin, waiting, member
    ):
        """The page let them in as an admin; another admin made them a member meanwhile."""
        other_admin = MembershipFactory(organisation=organisation, admin=True)
        memberships.membership_role_set(
            membership=admin, role=MembershipRole.MEMBER, changed_by=other_admin.user
        )
        admin.refresh_from_db()

        with pytest.raises(MembershipNotAdminError):
            memberships.membership_approve(membership=waiting, approved_by=admin.user)
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_refuse(membership=waiting, refused_by=admin.user)
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_remove(membership=member, removed_by=admin.user)
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_role_set(
                membership=admin, role=MembershipRole.ADMIN, changed_by=admin.user
            )
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=other_admin,
                to_membership=member,
                handed_over_by=admin.user,
            )

        self.assert_unchanged(admin, other_admin, waiting, member, events=1)

    def test_refuses_an_admin_removed_from_the_organisation_just_before_acting(
        self, organisation, admin, waiting
    ):
        MembershipFactory(organisation=organisation, admin=True)
        Membership.objects.filter(pk=admin.pk).delete()

        with pytest.raises(MembershipNotAdminError):
            memberships.membership_approve(membership=waiting, approved_by=admin.user)

        self.assert_unchanged(waiting)

    def test_lets_a_member_leave_and_take_back_their_own_request(
        self, organisation, admin, waiting, member
    ):
        """Anyone may take themselves out, without being an admin."""
        memberships.membership_remove(membership=member, removed_by=member.user)
        memberships.membership_remove(membership=waiting, removed_by=waiting.user)

        assert not Membership.objects.filter(pk__in=[member.pk, waiting.pk]).exists()
        assert not OutgoingEmail.objects.exists()

    def test_refuses_a_member_who_makes_themselves_an_admin(self, organisation, admin, member):
        with pytest.raises(MembershipNotAdminError):
            memberships.membership_role_set(
                membership=member, role=MembershipRole.ADMIN, changed_by=member.user
            )

        self.assert_unchanged(member)

    @pytest.mark.parametrize("actor", ["staff", "system"])
    def test_lets_staff_and_the_system_act_for_any_organisation(
        self, organisation, admin, waiting, member, actor
    ):
        acting = UserFactory(staff=True) if actor == "staff" else None

        memberships.membership_approve(membership=waiting, approved_by=acting)
        memberships.membership_role_set(
            membership=waiting, role=MembershipRole.ADMIN, changed_by=acting
        )
        memberships.membership_admin_hand_over(
            organisation=organisation,
            from_membership=admin,
            to_membership=member,
            handed_over_by=acting,
        )
        memberships.membership_remove(membership=admin, removed_by=acting)

        member.refresh_from_db()
        waiting.refresh_from_db()
        assert member.is_admin and waiting.is_admin and waiting.is_approved
        assert not Membership.objects.filter(pk=admin.pk).exists()
