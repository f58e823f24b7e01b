import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from declaration import services
from declaration.errors import (
    MembershipAlreadyApprovedError,
    MembershipExistsError,
    MembershipNotApprovedError,
)
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

    def test_keeps_the_alternative_names_when_given(self):
        organisation = services.organisation_create(
            name="Local Government Association",
            slug="local-government-association",
            organisation_type=OrganisationType.SECTOR_BODY,
            alternative_names=["LGA"],
        )

        assert Organisation.objects.get(pk=organisation.pk).alternative_names == ["LGA"]


class TestOrganisationUpdate:
    def test_saves_and_audits_old_and_new_values_when_fields_change(self):
        """Each changed field is listed with its old and new value; a link by its id."""
        successor = OrganisationFactory(name="Cumberland Council")
        organisation = OrganisationFactory(
            name="Allerdale Borough Council", website="", email_domains=["allerdale.gov.uk"]
        )
        staff = UserFactory(staff=True)

        updated = services.organisation_update(
            organisation=organisation,
            changes={
                "name": "Allerdale Borough Council",
                "website": "https://www.allerdale.gov.uk",
                "email_domains": ["Allerdale.gov.uk", "cumberland.gov.uk"],
                "replaced_by": successor,
                "closed_on": datetime.date(2023, 4, 1),
            },
            updated_by=staff,
        )

        stored = Organisation.objects.get(pk=organisation.pk)
        assert stored.website == "https://www.allerdale.gov.uk"
        assert stored.email_domains == ["allerdale.gov.uk", "cumberland.gov.uk"]
        assert stored.replaced_by == successor
        assert stored.updated_at > organisation.updated_at
        assert updated.closed_on == datetime.date(2023, 4, 1)
        event = AuditEvent.objects.get()
        assert (event.verb, event.actor, event.target_object_id) == (
            "declaration.organisation.updated",
            staff,
            str(organisation.pk),
        )
        assert event.data == {
            "changed": {
                "website": {"old": "", "new": "https://www.allerdale.gov.uk"},
                "email_domains": {
                    "old": ["allerdale.gov.uk"],
                    "new": ["allerdale.gov.uk", "cumberland.gov.uk"],
                },
                "replaced_by": {"old": None, "new": successor.pk},
                "closed_on": {"old": None, "new": "2023-04-01"},
            }
        }

    def test_writes_only_the_changed_fields_when_the_instance_given_is_stale(self):
        """A change made meanwhile to another field survives: the row is read again, locked."""
        organisation = OrganisationFactory(region="South West", website="")
        Organisation.objects.filter(pk=organisation.pk).update(region="South East")

        services.organisation_update(
            organisation=organisation,
            changes={"website": "https://borsetshire.gov.uk"},
            updated_by=None,
        )

        stored = Organisation.objects.get(pk=organisation.pk)
        assert (stored.region, stored.website) == ("South East", "https://borsetshire.gov.uk")

    def test_writes_nothing_when_no_value_changes(self):
        organisation = OrganisationFactory(website="https://borsetshire.gov.uk")

        services.organisation_update(
            organisation=organisation,
            changes={"website": "https://borsetshire.gov.uk", "name": organisation.name},
            updated_by=None,
        )

        assert Organisation.objects.get(pk=organisation.pk).updated_at == organisation.updated_at
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("name", ["created_at", "id", "parent_county_id", "colour"])
    def test_refuses_when_asked_to_change_something_that_is_not_an_editable_field(self, name):
        organisation = OrganisationFactory()

        with pytest.raises(ValueError, match=name):
            services.organisation_update(
                organisation=organisation, changes={name: None}, updated_by=None
            )

        assert not AuditEvent.objects.exists()

    def test_refuses_and_writes_nothing_when_the_new_slug_is_taken(self):
        OrganisationFactory(slug="lga")
        organisation = OrganisationFactory(slug="local-government-association")

        with pytest.raises(ValidationError) as raised:
            services.organisation_update(
                organisation=organisation,
                changes={"slug": "lga", "website": "https://www.local.gov.uk"},
                updated_by=None,
            )

        assert "slug" in raised.value.message_dict
        stored = Organisation.objects.get(pk=organisation.pk)
        assert (stored.slug, stored.website) == ("local-government-association", "")
        assert not AuditEvent.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        """The change and its audit event are one transaction."""
        organisation = OrganisationFactory(website="")

        with pytest.raises(IntegrityError):
            services.organisation_update(
                organisation=organisation,
                changes={"website": "https://borsetshire.gov.uk"},
                updated_by=None,
            )

        assert Organisation.objects.get(pk=organisation.pk).website == ""


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

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        """The new domain and its audit event are one transaction."""
        organisation = OrganisationFactory(email_domains=["hackney.gov.uk"])

        with pytest.raises(IntegrityError):
            services.organisation_email_domain_add(
                organisation=organisation, domain="learning.hackney.gov.uk", added_by=None
            )

        organisation.refresh_from_db()
        assert organisation.email_domains == ["hackney.gov.uk"]


class TestMembershipAdd:
    def test_adds_an_approved_member_when_they_do_not_belong(self):
        organisation = OrganisationFactory()
        user = UserFactory()

        staff = UserFactory(staff=True)

        membership = services.membership_add(
            organisation=organisation, user=user, role=MembershipRole.ADMIN, added_by=staff
        )

        membership.refresh_from_db()
        assert membership.is_approved
        assert membership.approved_by == staff
        assert membership.is_admin
        assert AuditEvent.objects.get().verb == "declaration.membership.added"

    def test_refuses_when_they_already_belong(self):
        membership = MembershipFactory(pending=True)

        with pytest.raises(MembershipExistsError):
            services.membership_add(
                organisation=membership.organisation, user=membership.user, added_by=None
            )

        assert Membership.objects.count() == 1
        assert not AuditEvent.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        """The membership and its audit event are one transaction."""
        organisation = OrganisationFactory()

        with pytest.raises(IntegrityError):
            services.membership_add(
                organisation=organisation, user=UserFactory(), added_by=UserFactory(staff=True)
            )

        assert not Membership.objects.exists()


class TestMembershipApprove:
    def test_approves_and_audits_when_the_member_is_waiting(self):
        membership = MembershipFactory(pending=True)
        staff = UserFactory(staff=True)

        membership = services.membership_approve(membership=membership, approved_by=staff)

        membership.refresh_from_db()
        assert membership.is_approved
        assert membership.approved_by == staff
        event = AuditEvent.objects.get()
        assert (event.verb, event.actor) == ("declaration.membership.approved", staff)

    def test_refuses_when_the_member_is_approved_already(self):
        membership = MembershipFactory()
        approved_at = membership.approved_at

        with pytest.raises(MembershipAlreadyApprovedError):
            services.membership_approve(membership=membership, approved_by=None)

        membership.refresh_from_db()
        assert membership.approved_at == approved_at
        assert not AuditEvent.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        """The approval and its audit event are one transaction."""
        membership = MembershipFactory(pending=True)

        with pytest.raises(IntegrityError):
            services.membership_approve(membership=membership, approved_by=UserFactory(staff=True))

        membership.refresh_from_db()
        assert not membership.is_approved
        assert membership.approved_by is None


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

        with pytest.raises(MembershipNotApprovedError):
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

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        """The new role and its audit event are one transaction."""
        membership = MembershipFactory()

        with pytest.raises(IntegrityError):
            services.membership_role_set(
                membership=membership, role=MembershipRole.ADMIN, changed_by=None
            )

        membership.refresh_from_db()
        assert membership.role == MembershipRole.MEMBER


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

    def test_keeps_the_membership_when_the_audit_fails(self, broken_audit):
        """The removal and its audit event are one transaction."""
        membership = MembershipFactory()

        with pytest.raises(IntegrityError):
            services.membership_remove(membership=membership, removed_by=None)

        assert Membership.objects.filter(pk=membership.pk).exists()
