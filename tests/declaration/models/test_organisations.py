import pytest
from django.core.exceptions import ValidationError

from declaration.models import OrganisationType
from tests.declaration.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class TestOrganisation:
    def test_a_london_borough_may_belong_to_the_greater_london_authority(self):
        """The register links London boroughs to the GLA, a strategic regional authority."""
        gla = OrganisationFactory(
            name="Greater London Authority",
            organisation_type=OrganisationType.STRATEGIC_REGIONAL_AUTHORITY,
        )
        hackney = OrganisationFactory(
            organisation_type=OrganisationType.LONDON_BOROUGH, combined_authority=gla
        )
        hackney.full_clean()

    def test_a_district_may_not_name_a_county_as_its_combined_authority(self):
        county = OrganisationFactory(organisation_type=OrganisationType.COUNTY)
        district = OrganisationFactory(combined_authority=county)
        with pytest.raises(ValidationError, match="combined_authority"):
            district.full_clean()

    def test_matches_email_domains_whatever_their_case(self):
        organisation = OrganisationFactory(email_domains=["Leeds.gov.uk"])
        assert organisation.has_email_domain("leeds.GOV.uk")
        assert not organisation.has_email_domain("leeds.gov.uk.evil.example")
