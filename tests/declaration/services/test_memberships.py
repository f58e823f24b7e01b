"""The membership services behind the organisation admin's pages: approving, refusing,
removing, stepping down and handing over the admin role, each with its email."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from declaration.errors import (
    MembershipAlreadyAdminError,
    MembershipAlreadyApprovedError,
    MembershipLastAdminError,
    MembershipNotAdminError,
    MembershipNotApprovedError,
    MembershipNotInOrganisationError,
)
from declaration.models import Membership, MembershipRole
from declaration.services import memberships
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")


@pytest.fixture
def admin(organisation):
    return MembershipFactory(
        organisation=organisation, admin=True, user=UserFactory(email="ada@borsetshire.gov.uk")
    )


@pytest.fixture
def broken_outbox(monkeypatch):
    """Make queuing an email fail, after the change and its audit event are written."""

    def fail(**kwargs):
        raise IntegrityError("outbox unavailable")

    monkeypatch.setattr(memberships, "email_queue", fail)


def emails_to(address: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(recipient=address).order_by("pk"))


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
