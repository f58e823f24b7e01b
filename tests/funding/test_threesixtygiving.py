"""/funding/360giving.json (funding/threesixtygiving.py): every public award as a 360Giving Data
Standard package, valid against the standard's schemas, with the contents each grant needs. What
makes it useful, and what is never published, are tested in test_threesixtygiving_use.py."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing.exceptions import NoSuchResource

from funding.threesixtygiving import geo_code_type, organisation_identifier
from tests.funding.threesixtygiving_package import (
    errors_of,
    grant_by_title,
    projects,
    schemas,
    served,
)

pytestmark = pytest.mark.django_db


class TestValidation:
    def test_the_date_time_and_uri_format_checkers_are_really_active(self):
        checker = Draft202012Validator.FORMAT_CHECKER

        assert {"date-time", "date", "uri"} <= set(checker.checkers)
        assert checker.conforms("2019-10-14T09:00:00+01:00", "date-time")
        assert not checker.conforms("2019-10-14", "date-time")
        assert not checker.conforms("14 October 2019", "date-time")
        assert not checker.conforms("not a uri", "uri")

    def test_the_served_package_validates_against_the_360giving_schema(self, client):
        projects()

        package = served(client)

        assert errors_of(package) == []
        assert len(package["grants"]) == 3

    def test_without_a_date_time_checker_the_same_valid_package_would_fail(self, client):
        """Which is why the checker must be active: otherwise the test proves nothing."""
        projects()
        package = served(client)
        without = FormatChecker()
        without.checkers.pop("date-time")

        errors = errors_of(package, without)

        assert any("awardDate" in error for error in errors), errors

    def test_a_grant_without_an_amount_or_with_a_bad_date_fails(self, client):
        projects()
        package = served(client)
        no_amount = json.loads(json.dumps(package))
        del no_amount["grants"][0]["amountAwarded"]
        bad_date = json.loads(json.dumps(package))
        bad_date["grants"][1]["awardDate"] = "14/10/2019"
        bad_planned = json.loads(json.dumps(package))
        bad_planned["grants"][0]["plannedDates"] = [{"startDate": "2019-13-01"}]

        assert errors_of(no_amount), "a grant without amountAwarded passed"
        assert any("grants/1/awardDate" in e for e in errors_of(bad_date)), errors_of(bad_date)
        assert errors_of(bad_planned), "a planned start in month 13 passed"

    def test_the_registry_never_fetches(self):
        _, registry = schemas()

        with pytest.raises(NoSuchResource):
            registry.get_or_retrieve("https://example.org/schema.json")


class TestContents:
    def test_carries_identifiers_funder_recipient_locations_amount_dates_and_programme(
        self, client, settings
    ):
        settings.SITE_URL = "https://localdigital.example.gov.uk"
        planning, _, _ = projects()

        package = served(client)
        grant = grant_by_title(package, "Digital planning service")

        assert grant["id"] == "360G-mhclg-ldf-LDF-360G01"
        assert grant["currency"] == "GBP"
        assert grant["amountAwarded"] == 350000.5
        assert grant["awardDate"] == "2019-10-14"
        assert grant["url"] == (
            f"https://localdigital.example.gov.uk/funding/projects/{planning.slug}/"
        )
        assert grant["fundingOrganization"] == [
            {
                "id": "GB-GOR-PB1228",
                "name": "Ministry of Housing, Communities and Local Government",
            }
        ]
        assert grant["recipientOrganization"] == [
            {
                "id": "GB-LAE-HCK",
                "name": "London Borough of Hackney",
                "url": "https://hackney.gov.uk",
                "location": [
                    {
                        "name": "London Borough of Hackney",
                        "countryCode": "GB",
                        "geoCode": "E09000012",
                        "geoCodeType": "LONB",
                    }
                ],
            }
        ]
        assert grant["beneficiaryLocation"] == [
            {
                "name": "London Borough of Hackney",
                "countryCode": "GB",
                "geoCode": "E09000012",
                "geoCodeType": "LONB",
            },
            {
                "name": "Kent County Council",
                "countryCode": "GB",
                "geoCode": "E10000016",
                "geoCodeType": "CTY",
            },
            {"name": "Leeds", "countryCode": "GB", "geoCode": "E08000035", "geoCodeType": "MD"},
        ]
        assert grant["grantProgramme"] == [
            {
                "code": "round-3",
                "title": "Round 3",
                "url": "https://localdigital.example.gov.uk/funding/rounds/round-3/",
            }
        ]
        assert grant["plannedDates"] == [{"startDate": "2019-11-01", "endDate": "2020-03-31"}]
        assert package["version"] == "1.4"
        assert package["publisher"]["identifier"] == "GB-GOR-PB1228"
        assert (
            package["downloadURL"] == "https://localdigital.example.gov.uk/funding/360giving.json"
        )

    def test_organisations_outside_the_english_register_get_our_own_stable_identifier(self, client):
        projects()

        package = served(client)
        scottish = grant_by_title(package, "Scottish project")
        sector = grant_by_title(package, "Sector project")

        fife = scottish["recipientOrganization"][0]
        assert fife["id"].startswith("360G-mhclg-ldf-ORG-")
        assert scottish["beneficiaryLocation"][0]["geoCodeType"] == "CA"
        assert sector["recipientOrganization"][0]["id"].startswith("360G-mhclg-ldf-ORG-")
        assert "beneficiaryLocation" not in sector
        assert "location" not in sector["recipientOrganization"][0]
        assert "plannedDates" not in sector

    def test_the_prefix_and_funder_come_from_the_settings(self, client, settings):
        settings.THREESIXTYGIVING_IDENTIFIER_PREFIX = "360G-test"
        settings.THREESIXTYGIVING_FUNDER_ORG_ID = "GB-GOR-TEST"
        projects()

        package = served(client)

        assert {grant["id"] for grant in package["grants"]} == {
            "360G-test-LDF-360G01",
            "360G-test-LDF-360G02",
            "360G-test-LDF-360G03",
        }
        assert package["grants"][0]["fundingOrganization"][0]["id"] == "GB-GOR-TEST"
        assert errors_of(package) == []

    @pytest.mark.parametrize(
        ("gss_code", "expected"),
        [
            ("E06000001", "UA"),
            ("E07000004", "NMD"),
            ("E08000001", "MD"),
            ("E09000001", "LONB"),
            ("E10000002", "CTY"),
            ("E31000046", "FRA"),
            ("W06000001", "UA"),
            ("S12000005", "CA"),
            ("E47000001", None),
            ("", None),
        ],
    )
    def test_the_geo_code_type_follows_the_gss_prefix(self, gss_code, expected):
        assert geo_code_type(gss_code) == expected

    def test_an_english_authority_is_gb_lae_and_a_welsh_one_is_not(self):
        english = organisation_identifier(
            pk=7, register_code="bir", gss_code="E08000025", nation="England", prefix="360G-x"
        )
        welsh = organisation_identifier(
            pk=8, register_code="CRF", gss_code="W06000015", nation="Wales", prefix="360G-x"
        )

        assert english == "GB-LAE-BIR"
        assert welsh == "360G-x-ORG-8"
