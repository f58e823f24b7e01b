"""The 360Giving package the Fund serves, the standard's schemas it is checked against, and the
round and projects it is made from."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import cache
from typing import Any

from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from declaration.models import OrganisationType
from funding.models import Phase
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    RoundFactory,
    SignatoryFactory,
)
from tests.shared_data import shared_data

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
