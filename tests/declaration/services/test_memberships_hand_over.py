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
from declaration.models import Membership, MembershipRole
from declaration.services import memberships
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


def hand_over(organisation, giver, taker, **options):
    """Hand ``organisation``'s admin role from ``giver`` to ``taker``, as the giver."""
    return memberships.membership_admin_hand_over(
        organisation=organisation,
        from_membership=giver,
        to_membership=taker,
        handed_over_by=giver.user,
        **options,
    )


class TestMembershipAdminHandOver:
    @pytest.fixture
    def member(self, organisation):
        return MembershipFactory(
            organisation=organisation, user=UserFactory(email="cy@borsetshire.gov.uk")
        )

    def test_swaps_the_roles_audits_and_emails_the_new_admin(self, organisation, admin, member):
        new_admin = hand_over(organisation, admin, member)

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
        hand_over(organisation, admin, member, stay_admin=True)

        admin.refresh_from_db()
        member.refresh_from_db()
        assert admin.is_admin and member.is_admin
        assert AuditEvent.objects.get().data["stayed_admin"] is True

    def test_emails_once_when_handed_over_twice(self, organisation, admin, member):
        """The second hand-over is refused: the giver is no longer an admin."""
        hand_over(organisation, admin, member)

        with pytest.raises(MembershipNotAdminError):
            hand_over(organisation, admin, member)

        assert len(emails_to("cy@borsetshire.gov.uk")) == 1

    def test_emails_again_when_the_role_comes_back_later(self, organisation, admin, member):
        """Each hand-over is a new event, so a member given the role twice is told twice."""
        for giver, taker in ((admin, member), (member, admin), (admin, member)):
            hand_over(organisation, giver, taker)

        assert len(emails_to("cy@borsetshire.gov.uk")) == 2

    @pytest.mark.parametrize(
        ("case", "error"),
        [
            ("to a member still waiting", MembershipNotApprovedError),
            ("to an admin already", MembershipAlreadyAdminError),
            ("to themselves", MembershipAlreadyAdminError),
            ("from a member who is not an admin", MembershipNotAdminError),
            ("to someone in another organisation", MembershipNotInOrganisationError),
            ("from an admin of another organisation", MembershipNotInOrganisationError),
        ],
    )
    def test_refuses_and_changes_no_role(self, organisation, admin, member, case, error):
        """Nobody can hand an organisation's admin role to someone outside it or not yet
        approved, and only one of its admins can hand it over."""
        giver, taker = {
            "to a member still waiting": lambda: (
                admin,
                MembershipFactory(organisation=organisation, pending=True),
            ),
            "to an admin already": lambda: (
                admin,
                MembershipFactory(organisation=organisation, admin=True),
            ),
            "to themselves": lambda: (admin, admin),
            "from a member who is not an admin": lambda: (
                member,
                MembershipFactory(organisation=organisation),
            ),
            "to someone in another organisation": lambda: (admin, MembershipFactory()),
            "from an admin of another organisation": lambda: (
                MembershipFactory(admin=True),
                member,
            ),
        }[case]()
        roles = dict(Membership.objects.values_list("pk", "role"))

        with pytest.raises(error):
            hand_over(organisation, giver, taker)

        assert dict(Membership.objects.values_list("pk", "role")) == roles
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, organisation, admin, member, broken_audit):
        """Both roles, the audit event and the email are one transaction."""
        with pytest.raises(IntegrityError):
            hand_over(organisation, admin, member)

        admin.refresh_from_db()
        member.refresh_from_db()
        assert (admin.role, member.role) == (MembershipRole.ADMIN, MembershipRole.MEMBER)
        assert not OutgoingEmail.objects.exists()

    def test_keeps_both_roles_and_no_audit_when_the_email_fails(
        self, organisation, admin, member, broken_outbox
    ):
        with pytest.raises(IntegrityError):
            hand_over(organisation, admin, member)

        admin.refresh_from_db()
        member.refresh_from_db()
        assert (admin.role, member.role) == (MembershipRole.ADMIN, MembershipRole.MEMBER)
        assert not AuditEvent.objects.exists()
