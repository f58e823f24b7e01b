"""/funding/360giving.json: every public award as a 360Giving Data Standard package.

The package is validated against the standard's own schemas from the shared data folder,
with format checking on. The package schema refers to the grant schema by its 1.4.2 web
address while the local grant schema calls itself 1.4.3: a ``referencing`` registry maps
both addresses (and the package's own) to the local files, and refuses to fetch anything.

The schema's dates are a ``oneOf`` of ``format: date-time`` and a date pattern, so a
validator that does not check ``date-time`` takes every string as a date-time and rejects
every plain date as matching both. The date-time checker comes from ``rfc3339-validator``;
the test asserts that it is really active, and that without it the same valid package fails.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from declaration.models import OrganisationType
from funding.models import Award, Phase
from funding.threesixtygiving import geo_code_type, organisation_identifier
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    RoundFactory,
    SignatoryFactory,
)
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

URL = reverse("funding:threesixtygiving")
GRANT_1_4_2 = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"


@cache
def schemas() -> tuple[dict[str, Any], Registry]:
    """Return the package schema and a registry of every schema it uses, all local."""
    package = json.loads(shared_data("360giving/360-giving-package-schema.json").read_text())
    grant = json.loads(shared_data("360giving/360-giving-schema.json").read_text())
    # Their "$schema" is the http:// spelling of draft 2020-12, which dialect detection
    # does not know; say which draft they are.
    grant_resource = DRAFT202012.create_resource(grant)
    package_resource = DRAFT202012.create_resource(package)
    # A registry without a ``retrieve`` function fetches nothing: an address it does not
    # hold is an error, never a download.
    registry: Registry = Registry().with_resources(
        [
            (GRANT_1_4_2, grant_resource),
            (grant["$id"], grant_resource),
            (package["$id"], package_resource),
        ]
    )
    return package, registry


def validator(format_checker: FormatChecker | None = None) -> Draft202012Validator:
    package, registry = schemas()
    return Draft202012Validator(
        package,
        registry=registry,
        format_checker=format_checker or Draft202012Validator.FORMAT_CHECKER,
    )


def errors_of(package: dict[str, Any], checker: FormatChecker | None = None) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(checker).iter_errors(package)
    ]


def served(client) -> dict[str, Any]:
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return json.loads(b"".join(response.streaming_content))


def announced_round(**kwargs: object):
    return RoundFactory(
        decided=True,
        decisions_approved_at=timezone.now() - datetime.timedelta(days=40),
        announced_at=timezone.now() - datetime.timedelta(days=30),
        **kwargs,
    )


def projects() -> list[Any]:
    """Make a few public projects of every kind of lead, some with partners and dates."""
    round = announced_round(name="Round 3", slug="round-3")
    hackney = SignatoryFactory(
        name="London Borough of Hackney",
        slug="hackney",
        register_code="HCK",
        gss_code="E09000012",
        organisation_type=OrganisationType.LONDON_BOROUGH,
        website="https://hackney.gov.uk",
    )
    fife = SignatoryFactory(
        name="Fife Council",
        slug="fife",
        register_code="FIF",
        gss_code="S12000047",
        nation="Scotland",
        organisation_type=OrganisationType.SCOTTISH_UNITARY,
    )
    sector = SignatoryFactory(
        name="Socitm",
        slug="socitm",
        register_code="",
        gss_code="",
        nation="",
        organisation_type=OrganisationType.SECTOR_BODY,
    )
    planning = AwardFactory(
        title="Digital planning service",
        amount=Decimal("350000.50"),
        awarded_on=datetime.date(2019, 10, 14),
        planned_start_on=datetime.date(2019, 11, 1),
        planned_end_on=datetime.date(2020, 3, 31),
        application__reference="LDF-360G01",
        application__round=round,
        application__lead_organisation=hackney,
        application__phase=Phase.ALPHA,
    )
    for name, gss in (("Kent County Council", "E10000016"), ("Leeds", "E08000035")):
        ApplicationPartnerFactory(
            application=planning.application,
            organisation=SignatoryFactory(name=name, gss_code=gss),
        )
    ApplicationPartnerFactory(application=planning.application, organisation=sector)
    scottish = AwardFactory(
        title="Scottish project",
        application__reference="LDF-360G02",
        application__round=round,
        application__lead_organisation=fife,
        accepted=True,
    )
    sector_led = AwardFactory(
        title="Sector project",
        application__reference="LDF-360G03",
        application__lead_organisation=sector,
        completed=True,
    )
    return [planning, scottish, sector_led]


def grant_by_title(package: dict[str, Any], title: str) -> dict[str, Any]:
    return next(grant for grant in package["grants"] if grant["title"] == title)


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


def is_usable_recipient_location(organisation: dict[str, Any]) -> bool:
    """What the 360Giving Data Quality Tool's recipient location check accepts: a postcode,
    or a location with both a geographic code and its type."""
    return bool(organisation.get("postalCode")) or any(
        location.get("geoCode") and location.get("geoCodeType")
        for location in organisation.get("location") or []
    )


class TestUsefulness:
    """The Data Quality Tool's usefulness checks for Last Modified, Data Source and the
    recipient's location pass for every grant whose lead has an area."""

    def test_every_grant_has_a_last_modified_a_data_source_and_its_recipients_area(
        self, client, settings
    ):
        settings.SITE_URL = "https://localdigital.example.gov.uk"
        projects()
        sector = SignatoryFactory(name="Sector body", gss_code="", register_code="")
        AwardFactory(
            title="Fire project",
            application__lead_organisation=SignatoryFactory(
                name="Kent Fire and Rescue Service", gss_code="E31000022", nation="England"
            ),
        )
        AwardFactory(title="Sector-led", application__lead_organisation=sector)

        package = served(client)
        with_area = [
            g for g in package["grants"] if g["title"] not in ("Sector project", "Sector-led")
        ]

        assert errors_of(package) == []
        assert len(with_area) == 3
        for grant in package["grants"]:
            assert grant["dataSource"] == (
                "https://localdigital.example.gov.uk/funding/open-data/"
            ), grant["title"]
            moment = datetime.datetime.fromisoformat(grant["dateModified"])
            assert moment.tzinfo is not None, grant["title"]
            assert moment <= timezone.now()
        for grant in with_area:
            assert all(
                is_usable_recipient_location(organisation)
                for organisation in grant["recipientOrganization"]
            ), grant["title"]
        fire = grant_by_title(package, "Fire project")
        assert fire["recipientOrganization"][0]["location"][0]["geoCodeType"] == "FRA"

    def test_a_location_without_its_code_type_is_not_usable(self):
        """So the check above can fail."""
        assert not is_usable_recipient_location({"location": [{"geoCode": "E47000001"}]})
        assert not is_usable_recipient_location({"id": "x"})
        assert is_usable_recipient_location(
            {"location": [{"geoCode": "E09000012", "geoCodeType": "LONB"}]}
        )

    def test_last_modified_is_when_the_grant_last_changed(self, client):
        award = AwardFactory(title="Planning")
        before = datetime.datetime.fromisoformat(
            grant_by_title(served(client), "Planning")["dateModified"]
        )
        later = timezone.now() + datetime.timedelta(minutes=5)
        Award.objects.filter(pk=award.pk).update(started_at=later)

        after = datetime.datetime.fromisoformat(
            grant_by_title(served(client), "Planning")["dateModified"]
        )

        assert after == later.replace(microsecond=0)
        assert after > before

    def test_last_modified_follows_an_edit_by_staff_in_the_admin(self, client):
        award = AwardFactory(title="Planning")
        edited_at = timezone.now() + datetime.timedelta(hours=1)
        LogEntry.objects.create(
            user=UserFactory(is_staff=True),
            content_type=ContentType.objects.get_for_model(Award),
            object_id=str(award.pk),
            object_repr=award.title,
            action_flag=CHANGE,
            action_time=edited_at,
        )

        grant = grant_by_title(served(client), "Planning")

        assert grant["dateModified"] == edited_at.replace(microsecond=0).isoformat()

    def test_last_modified_follows_a_partner_organisation_renamed(self, client):
        award = AwardFactory(title="Planning")
        partner = ApplicationPartnerFactory(application=award.application)
        renamed_at = timezone.now() + datetime.timedelta(hours=2)
        type(partner.organisation).objects.filter(pk=partner.organisation_id).update(
            name="Renamed council", updated_at=renamed_at
        )

        grant = grant_by_title(served(client), "Planning")

        assert grant["dateModified"] == renamed_at.replace(microsecond=0).isoformat()


class TestWhatIsPublished:
    def test_declined_offers_and_unannounced_rounds_are_left_out(self, client):
        AwardFactory(title="Public project")
        AwardFactory(title="Declined project", declined=True)
        AwardFactory(
            title="Embargoed project",
            application__round=RoundFactory(
                closed=True, decisions_approved_at=timezone.now(), announced_at=None
            ),
        )

        package = served(client)

        assert [grant["title"] for grant in package["grants"]] == ["Public project"]
        assert errors_of(package) == []

    def test_with_no_public_award_it_answers_404_with_a_json_explanation(self, client):
        AwardFactory(declined=True)

        response = client.get(URL)

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        body = json.loads(response.content)
        assert body["error"] == "no-grants"
        assert "at least one grant" in body["message"]

    def test_streams_with_cors_caching_and_validators(self, client):
        AwardFactory()

        response = client.get(URL)
        again = client.get(URL, headers={"if-none-match": response["ETag"]})

        assert response.streaming
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"
        assert "GMT" in response["Last-Modified"]
        assert again.status_code == 304
