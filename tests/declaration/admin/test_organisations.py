"""Organisations in the admin (declaration/admin/organisations.py): their list, filters and
page, and what fund managers may do there. Memberships are tested in
test_organisations_memberships.py."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from declaration.models import Organisation, OrganisationType
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.admin_support import MEMBERSHIPS
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.support.admin import listed

pytestmark = pytest.mark.django_db


ORGANISATIONS = reverse("admin:declaration_organisation_changelist")


@pytest.fixture
def allerdale() -> Organisation:
    return OrganisationFactory.create(
        name="Allerdale Borough Council",
        slug="allerdale",
        register_code="ALL",
        gss_code="E07000026",
        region="North West",
        closed=True,
    )


@pytest.fixture
def gds() -> Organisation:
    return OrganisationFactory.create(
        name="Government Digital Service",
        slug="government-digital-service",
        register_code="",
        organisation_type=OrganisationType.CENTRAL_GOVERNMENT,
        region="",
        nation="",
    )


class TestOrganisationAdmin:
    @pytest.mark.parametrize("query", ["Hull City", "city of", "KHL", "E06000010"])
    def test_finds_an_organisation_when_searching_names_alternative_names_or_codes(
        self, otp_verified_superuser_client, hull, allerdale, query
    ):
        response = otp_verified_superuser_client.get(ORGANISATIONS, {"q": query})

        assert listed(response) == [hull]

    def test_lists_matching_organisations_when_filtering_by_type_region_nation_or_status(
        self, otp_verified_superuser_client, hull, allerdale, gds
    ):
        client = otp_verified_superuser_client

        assert listed(client.get(ORGANISATIONS, {"organisation_type__exact": "UA"})) == [hull]
        assert listed(client.get(ORGANISATIONS, {"region": "North West"})) == [allerdale]
        assert listed(client.get(ORGANISATIONS, {"nation": "England"})) == [allerdale, hull]
        assert listed(client.get(ORGANISATIONS, {"status": "closed"})) == [allerdale]
        assert listed(client.get(ORGANISATIONS, {"status": "open"})) == [gds, hull]

    def test_shows_register_fields_read_only_when_the_organisation_is_from_the_register(
        self, otp_verified_superuser_client, hull
    ):
        """The next import would overwrite them, so staff change only what the register lacks."""
        url = reverse("admin:declaration_organisation_change", args=[hull.pk])

        form = otp_verified_superuser_client.get(url)
        response = otp_verified_superuser_client.post(
            url,
            {
                "name": "Renamed by hand",
                "slug": hull.slug,
                "website": "https://www.hull.gov.uk",
                "email_domains": "hull.gov.uk",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )

        assert 'name="name"' not in form.text
        assert 'name="website"' in form.text
        assert response.status_code == 302
        hull.refresh_from_db()
        assert hull.name == "Hull City Council"
        assert hull.website == "https://www.hull.gov.uk"
        assert hull.email_domains == ["hull.gov.uk"]

    def test_saves_a_london_borough_when_its_combined_authority_is_the_gla(
        self, otp_verified_superuser_client
    ):
        """The GLA is a strategic regional authority, outside the field's choices (COMB only).

        Register fields are read-only, so they are not validated again on save.
        """
        gla = OrganisationFactory.create(
            name="Greater London Authority",
            slug="greater-london",
            register_code="GLA",
            organisation_type=OrganisationType.STRATEGIC_REGIONAL_AUTHORITY,
        )
        hackney = OrganisationFactory.create(
            name="London Borough of Hackney",
            slug="hackney",
            register_code="HCK",
            organisation_type=OrganisationType.LONDON_BOROUGH,
            combined_authority=gla,
        )

        response = otp_verified_superuser_client.post(
            reverse("admin:declaration_organisation_change", args=[hackney.pk]),
            {
                "slug": "hackney",
                "website": "https://hackney.gov.uk",
                "email_domains": "hackney.gov.uk",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )

        assert response.status_code == 302
        hackney.refresh_from_db()
        assert hackney.website == "https://hackney.gov.uk"
        assert hackney.combined_authority == gla

    def test_saves_through_the_service_and_audits_when_staff_change_an_organisation(
        self, otp_verified_superuser_client, hull
    ):
        """Each changed field is in the audit event with its old and new value."""
        response = otp_verified_superuser_client.post(
            reverse("admin:declaration_organisation_change", args=[hull.pk]),
            {
                "slug": hull.slug,
                "website": "https://www.hull.gov.uk",
                "email_domains": "hull.gov.uk",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )

        assert response.status_code == 302
        event = AuditEvent.objects.get(verb="declaration.organisation.updated")
        assert event.target_object_id == str(hull.pk)
        assert event.actor.is_superuser
        assert event.data == {
            "changed": {
                "website": {"old": "", "new": "https://www.hull.gov.uk"},
                "email_domains": {"old": ["kingston-upon-hull.gov.uk"], "new": ["hull.gov.uk"]},
            }
        }

    def test_creates_through_the_service_and_audits_when_staff_add_an_organisation(
        self, otp_verified_superuser_client
    ):
        """Staff add bodies outside the register, so the form has no register fields."""
        url = reverse("admin:declaration_organisation_add")

        form = otp_verified_superuser_client.get(url)
        response = otp_verified_superuser_client.post(
            url,
            {
                "name": "Local Government Association",
                "slug": "local-government-association",
                "organisation_type": OrganisationType.SECTOR_BODY,
                "alternative_names": "LGA",
                "website": "https://www.local.gov.uk",
                "email_domains": "Local.gov.uk",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )

        assert 'name="register_code"' not in form.text
        assert 'name="gss_code"' not in form.text
        assert response.status_code == 302
        organisation = Organisation.objects.get(slug="local-government-association")
        assert organisation.alternative_names == ["LGA"]
        assert organisation.email_domains == ["local.gov.uk"]
        assert organisation.register_code == ""
        event = AuditEvent.objects.get(verb="declaration.organisation.created")
        assert event.target_object_id == str(organisation.pk)
        assert event.actor.is_superuser

    def test_refuses_to_delete_when_even_a_superuser_asks(
        self, otp_verified_superuser_client, hull
    ):
        """Organisations are closed, never deleted: signatories and co-publishers point at them."""
        client = otp_verified_superuser_client

        page = client.get(reverse("admin:declaration_organisation_change", args=[hull.pk]))
        changelist = client.get(ORGANISATIONS)
        delete = client.post(
            reverse("admin:declaration_organisation_delete", args=[hull.pk]), {"post": "yes"}
        )
        bulk_delete = client.post(
            ORGANISATIONS,
            {"action": "delete_selected", "_selected_action": [hull.pk], "post": "yes"},
        )

        assert reverse("admin:declaration_organisation_delete", args=[hull.pk]) not in page.text
        assert 'value="delete_selected"' not in changelist.text
        assert delete.status_code == 403
        assert bulk_delete.status_code == 200  # the list again: no such action
        assert Organisation.objects.filter(pk=hull.pk).exists()

    def test_lets_staff_edit_every_field_when_the_organisation_is_not_from_the_register(
        self, otp_verified_superuser_client, gds
    ):
        form = otp_verified_superuser_client.get(
            reverse("admin:declaration_organisation_change", args=[gds.pk])
        )

        assert 'name="name"' in form.text
        assert 'name="organisation_type"' in form.text

    def test_lists_the_members_when_showing_an_organisation(
        self, otp_verified_superuser_client, hull
    ):
        MembershipFactory(organisation=hull, user=UserFactory(email="ada@hull.gov.uk"), admin=True)

        response = otp_verified_superuser_client.get(
            reverse("admin:declaration_organisation_change", args=[hull.pk])
        )

        assert "ada@hull.gov.uk" in response.text
        assert "Organisation admin" in response.text


class TestFundManagerPermissions:
    def test_grants_view_add_and_change_but_not_delete_when_migrated(self):
        granted = set(
            Permission.objects.filter(
                group__name="Fund manager",
                content_type__app_label="declaration",
                content_type__model__in=["organisation", "membership"],
            ).values_list("codename", flat=True)
        )

        assert granted == {
            "view_organisation",
            "add_organisation",
            "change_organisation",
            "view_membership",
            "add_membership",
            "change_membership",
        }

    def test_lets_fund_managers_work_but_not_delete_when_signed_in(
        self, otp_verified_client_for, hull
    ):
        client = otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))
        membership = MembershipFactory(organisation=hull, pending=True)

        organisations = client.get(ORGANISATIONS)
        approve = client.post(
            MEMBERSHIPS, {"action": "approve", "_selected_action": [membership.pk]}
        )
        delete = client.post(
            reverse("admin:declaration_organisation_delete", args=[hull.pk]), {"post": "yes"}
        )

        assert organisations.status_code == 200
        assert approve.status_code == 302
        membership.refresh_from_db()
        assert membership.is_approved
        assert delete.status_code == 403
        assert Organisation.objects.filter(pk=hull.pk).exists()
