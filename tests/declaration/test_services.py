import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from declaration import services
from declaration.models import Membership, MembershipRole, Organisation, OrganisationType
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


class TestOrganisationCreate:
    def test_creates_and_audits_when_given_a_body_outside_the_register(self):
        staff = UserFactory(staff=True)

        organisation = services.organisation_create(
            name="Local Government Association",
            slug="local-government-association",
            organisation_type=OrganisationType.SECTOR_BODY,
            website="https://www.local.gov.uk",
            email_domains=["Local.gov.uk "],
            created_by=staff,
        )

        assert organisation.register_code == ""
        assert organisation.email_domains == ["local.gov.uk"]
        event = AuditEvent.objects.get(verb="declaration.organisation.created")
        assert event.actor == staff
        assert event.target_label == "Local Government Association"

    def test_refuses_and_writes_nothing_when_the_slug_is_taken(self):
        OrganisationFactory(slug="lga")

        with pytest.raises(ValidationError):
            services.organisation_create(
                name="Local Government Association",
                slug="lga",
                organisation_type=OrganisationType.SECTOR_BODY,
            )

        assert Organisation.objects.count() == 1
        assert not AuditEvent.objects.exists()


class TestOrganisationEmailDomainAdd:
    def test_adds_the_domain_when_it_is_new(self):
        organisation = OrganisationFactory(email_domains=["hackney.gov.uk"])

        organisation = services.organisation_email_domain_add(
            organisation=organisation, domain=" Learning.Hackney.gov.uk", added_by=None
        )

        assert organisation.email_domains == ["hackney.gov.uk", "learning.hackney.gov.uk"]
        assert AuditEvent.objects.filter(
            verb="declaration.organisation.email_domain_added"
        ).exists()

    def test_changes_nothing_when_the_organisation_has_the_domain(self):
        organisation = OrganisationFactory(email_domains=["hackney.gov.uk"])
        updated_at = organisation.updated_at

        services.organisation_email_domain_add(
            organisation=organisation, domain="HACKNEY.gov.uk", added_by=None
        )

        organisation.refresh_from_db()
        assert organisation.email_domains == ["hackney.gov.uk"]
        assert organisation.updated_at == updated_at
        assert not AuditEvent.objects.exists()


class TestMembershipAdd:
    def test_adds_an_approved_member_when_they_do_not_belong(self):
        organisation = OrganisationFactory()
        user = UserFactory()

        membership = services.membership_add(
            organisation=organisation, user=user, role=MembershipRole.ADMIN, added_by=None
        )

        assert membership.is_approved
        assert membership.is_admin
        assert AuditEvent.objects.get().verb == "declaration.membership.added"

    def test_refuses_when_they_already_belong(self):
        membership = MembershipFactory(pending=True)

        with pytest.raises(services.MembershipExistsError):
            services.membership_add(
                organisation=membership.organisation, user=membership.user, added_by=None
            )

        assert Membership.objects.count() == 1
        assert not AuditEvent.objects.exists()


class TestMembershipApprove:
    def test_approves_and_audits_when_the_member_is_waiting(self):
        membership = MembershipFactory(pending=True)
        staff = UserFactory(staff=True)

        membership = services.membership_approve(membership=membership, approved_by=staff)

        assert membership.is_approved
        event = AuditEvent.objects.get()
        assert (event.verb, event.actor) == ("declaration.membership.approved", staff)

    def test_refuses_when_the_member_is_approved_already(self):
        membership = MembershipFactory()
        approved_at = membership.approved_at

        with pytest.raises(services.MembershipAlreadyApprovedError):
            services.membership_approve(membership=membership, approved_by=None)

        membership.refresh_from_db()
        assert membership.approved_at == approved_at
        assert not AuditEvent.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, monkeypatch):
        """The approval and its audit event are one transaction."""

        def fail(**kwargs):
            raise IntegrityError("audit log unavailable")

        monkeypatch.setattr(services, "audit_record", fail)
        membership = MembershipFactory(pending=True)

        with pytest.raises(IntegrityError):
            services.membership_approve(membership=membership, approved_by=None)

        membership.refresh_from_db()
        assert not membership.is_approved


class TestMembershipRoleSet:
    def test_makes_an_admin_when_the_member_is_approved(self):
        membership = MembershipFactory()

        membership = services.membership_role_set(
            membership=membership, role=MembershipRole.ADMIN, changed_by=None
        )

        assert membership.is_admin
        assert AuditEvent.objects.get().data == {"from": "member", "to": "admin"}

    def test_refuses_to_make_an_admin_when_the_member_is_waiting(self):
        membership = MembershipFactory(pending=True)

        with pytest.raises(services.MembershipNotApprovedError):
            services.membership_role_set(
                membership=membership, role=MembershipRole.ADMIN, changed_by=None
            )

        membership.refresh_from_db()
        assert not membership.is_admin

    def test_changes_nothing_when_the_role_is_the_same(self):
        membership = MembershipFactory(admin=True)

        services.membership_role_set(
            membership=membership, role=MembershipRole.ADMIN, changed_by=None
        )

        assert not AuditEvent.objects.exists()


class TestMembershipRemove:
    def test_removes_and_audits_who_was_removed_when_asked(self):
        membership = MembershipFactory(user=UserFactory(email="ada@hull.gov.uk"))
        staff = UserFactory(staff=True)

        services.membership_remove(membership=membership, removed_by=staff)

        assert not Membership.objects.exists()
        event = AuditEvent.objects.get()
        assert event.verb == "declaration.membership.removed"
        assert event.data["user"] == "ada@hull.gov.uk"
        assert event.actor == staff
